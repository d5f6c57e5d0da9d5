// First card and filter latency of the release panel in each engine (Chromium, Firefox
// ESR, WebKitGTK), driven over WebDriver (tests/e2e/engines/driver.mjs). WebDriver has no
// script that runs before the page's, so the first card is the panel's own mark
// `switchboard:cards` (the first connection's cards in the DOM), not the painted frame the
// Chromium table measures; filter latency is measured in the page (key down to the frame
// after it), as in run.mjs. Chromium stays the reference for the targets.
import { startEngine } from '../tests/e2e/engines/driver.mjs';
import { FILTER_PROBE, FILTER_WORDS } from './probe.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]; };

async function firstCard(page, url, loads) {
  const times = [];
  for (let i = 0; i < loads; i++) {
    await page.goto('about:blank');
    await page.goto(url);
    const t = await page.until('the first cards', () => page.js(() => performance.getEntriesByName('switchboard:cards')[0]?.startTime), 60000);
    times.push(t);
  }
  return median(times);
}

async function filter(page, url, keystrokes) {
  await page.goto(url);
  await page.until('every list', () => page.js(() => performance.getEntriesByName('switchboard:loaded').length > 0), 60000);
  await page.js(FILTER_PROBE);
  const search = await page.waitFor('input[type=search]');
  const words = FILTER_WORDS;
  let typed = 0;
  while (typed < keystrokes) {
    for (const w of words) {
      for (const ch of w) {
        if (typed++ >= keystrokes) break;
        await search.sendKeys(ch);
        await new Promise((r) => setTimeout(r, 40));
      }
      await page.fill('input[type=search]', '');
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  const lat = await page.js(() => window.__lat);
  return { keystrokes: lat.length, median: median(lat), p95: p95(lat) };
}

/** One line per engine: its version, first card at `small` (median of `loads`), filter at `large`. */
export async function perEngine({ small, large, loads, keystrokes, engines = ['chromium', 'firefox', 'webkit'] }) {
  const out = [];
  for (const id of engines) {
    const engine = await startEngine(id);
    try {
      out.push({
        id,
        version: engine.version,
        firstCard: await firstCard(engine.page, small, loads),
        filter: await filter(engine.page, large, keystrokes),
      });
    } catch (e) {
      out.push({ id, version: engine.version, error: String(e) });
    } finally {
      await engine.stop();
    }
  }
  return out;
}
