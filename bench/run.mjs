// Switchboard's benchmark: the release panel against the sandbox in Debian's headless
// Chromium, side by side with a hand-written floor (bench/floor) and with the admin UI
// that ships in the litellm wheel. Prints a table and writes bench/out/results.json.
// Run it with `./x bench` (which builds what it needs and sets SANDBOX and DIST).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { freePort, launch, startSandbox } from '../tests/e2e/harness.mjs';
import { filterLatencies, PROBE } from './probe.mjs';
import { perEngine } from './engines.mjs';
import { curveSvg } from './curve.mjs';
import { peerLive, peerLiveLine } from './peer-live.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
mkdirSync(out, { recursive: true });
const LOADS = 11;
const KEYSTROKES = 50;
const SAVES = 30;
const quick = process.argv.includes('--quick');
const sizes = quick ? [100, 1000] : [100, 10000];
// The cost curve: providers per gateway, lists paged by 1,000 (Barndoor and Respan; re-factor
// has at most 7 and Libredesk 1), fewer loads per point than the table.
const CURVE = quick ? [1000, 10000] : [1000, 10000, 50000, 100000];
const CURVE_LOADS = 5;
const PAGE = 1000;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]; };
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (b) => gzipSync(b, { level: 9 }).length;


async function pageLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__probe.firstScreen, null, { timeout: 60000 });
  const p = await page.evaluate(() => window.__probe);
  await context.close();
  return p;
}

// Page loads of several pages, interleaved (and the order flipped every round) so that a
// slow stretch of this noisy machine hits them alike.
async function pageLoadTimes(browser, urls, loads = LOADS) {
  const names = Object.keys(urls);
  const runs = Object.fromEntries(names.map((n) => [n, { first: [], screen: [] }]));
  for (let i = 0; i < loads; i++) {
    for (const n of i % 2 ? [...names].reverse() : names) {
      const p = await pageLoad(browser, urls[n]);
      runs[n].first.push(p.firstCard);
      runs[n].screen.push(p.firstScreen);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { firstCard: median(runs[n].first), firstScreen: median(runs[n].screen), runs: runs[n] }]));
}

async function transfer(browser, url, until, { sizes = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const bodies = [];
  let done = false;
  page.on('response', async (r) => {
    if (done) return;
    try { bodies.push({ url: r.url(), type: r.headers()['content-type'] || '', body: await r.body() }); } catch { /* redirects have no body */ }
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: until === 'load' ? 'load' : 'commit' });
  let dcl = null;
  if (until === 'load') {
    dcl = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
    await page.waitForTimeout(1000);
  } else {
    await page.waitForFunction(() => window.__probe.firstCard, null, { timeout: 60000 });
  }
  done = true;
  await context.close();
  if (!sizes) return { dcl, ms: Date.now() - started };
  const sum = (filter) => {
    const picked = bodies.filter(filter);
    return { requests: picked.length, raw: picked.reduce((a, b) => a + b.body.length, 0), gzip: picked.reduce((a, b) => a + gz(b.body), 0), brotli: picked.reduce((a, b) => a + br(b.body), 0) };
  };
  const isAsset = (b) => /\.(wasm|js|css|html)(\?|$)/.test(new URL(b.url).pathname) || new URL(b.url).pathname.endsWith('/');
  return { all: sum(() => true), assets: sum(isAsset), dcl, ms: Date.now() - started };
}

async function filterLatency(browser, url) {
  const lat = await filterLatencies(browser, url, KEYSTROKES);
  return { keystrokes: lat.length, median: median(lat), p95: p95(lat) };
}

async function scrolling(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length, null, { timeout: 60000 });
  await page.waitForSelector('.card[data-key]');
  const r = await page.evaluate(() => new Promise((resolve) => {
    const long = [];
    new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const vp = document.querySelector('.grid-viewport');
    const frames = [];
    const start = performance.now();
    const step = (t) => {
      frames.push(t);
      vp.scrollTop += 150;
      if (t - start < 3000) requestAnimationFrame(step);
      else setTimeout(() => {
        let dropped = 0;
        for (let i = 1; i < frames.length; i++) dropped += Math.max(0, Math.round((frames[i] - frames[i - 1]) / 16.67) - 1);
        resolve({ frames: frames.length, dropped, longTasks: long.filter((d) => d > 50).length, longest: Math.max(0, ...long) });
      }, 200);
    };
    requestAnimationFrame(step);
  }));
  await context.close();
  return r;
}

async function memory(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__probe.firstScreen, null, { timeout: 60000 });
  await page.waitForTimeout(500);
  const m = await page.evaluate(() => ({ js: performance.memory.usedJSHeapSize, wasm: window.__wasm?.memory?.buffer?.byteLength ?? 0 }));
  await context.close();
  return { ...m, totalMB: round((m.js + m.wasm) / 1048576) };
}

async function saveOverhead(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('.card[data-key]');
  await page.fill('input[type=search]', 'respan provider 00000');
  await page.waitForSelector('.card[data-key="respan/1"]');
  const overheads = [], totals = [], painted = [];
  for (let i = 0; i < SAVES; i++) {
    await page.click('.card[data-key="respan/1"]');
    await page.fill('#field-provider_name', `Respan provider 00000 bench ${i}`);
    const r = await page.evaluate((name) => new Promise((resolve) => {
      performance.clearResourceTimings();
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        const card = document.querySelector('.card[data-key="respan/1"]');
        if (card && card.textContent.includes(name) && card.querySelector('.status.saved') && !document.querySelector('[role=dialog]')) {
          obs.disconnect();
          // The card shows success in the DOM now; the next frame paints it.
          const shown = performance.now();
          requestAnimationFrame(() => setTimeout(() => {
            const painted = performance.now();
            const server = performance.getEntriesByType('resource').filter((e) => e.name.includes('/respan/api/providers/1/'))
              .reduce((a, e) => a + (e.serverTiming?.[0]?.duration ?? 0), 0);
            resolve({ total: shown - t0, painted: painted - t0, server });
          }, 0));
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      document.querySelector('[role=dialog] button.primary').click();
    }), `Respan provider 00000 bench ${i}`);
    totals.push(r.total);
    overheads.push(r.total - r.server);
    painted.push(r.painted - r.server);
  }
  await context.close();
  return { saves: SAVES, medianTotal: median(totals), medianOverhead: median(overheads), medianOverheadToPaint: median(painted) };
}

// Opening the first edit form, click to the frame that paints it: with the form's chunk
// prefetched (what happens once the first screen is idle), and cold (the chunk requests
// are held until the click, as if nothing had been prefetched). Median of LOADS each.
async function formOpen(browser, url, cold) {
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const held = [];
    if (cold) await context.route(/\/(split_|chunk_)[^/]*\.wasm$/, (r) => held.push(r));
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
    if (!cold) {
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/split_edit_form-')));
      await page.waitForTimeout(300);
    }
    const shown = page.evaluate(() => new Promise((resolve) => {
      const t0 = performance.now();
      const obs = new MutationObserver(() => {
        if (document.querySelector('[role=dialog] #dialog-title')) {
          obs.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
        }
      });
      obs.observe(document.body, { subtree: true, childList: true });
      document.querySelector('.card[data-key]').click();
    }));
    if (cold) { await page.waitForTimeout(0); for (const r of held.splice(0)) await r.continue(); await context.unroute(/\/(split_|chunk_)[^/]*\.wasm$/); }
    times.push(await shown);
    await context.close();
  }
  return { median: median(times), runs: times };
}

// A bulk run: disable every enabled Barndoor provider of a 1,500-provider gateway (1,000
// of them; the rest are already off, planned as skips) with the default 4 in flight.
// Wall time from "Send" to the run's last outcome, against the ideal: the server's time
// for every request of the run (each target's re-read and update) divided by 4.
const BULK_SEED = 1500;
async function bulkRun(browser) {
  const sb = await startSandbox({ seed: String(BULK_SEED), args: ['--quiet'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  try {
    await page.goto(sb.url);
    await page.waitForSelector('.card[data-key]');
    await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
    await page.click('.toolbar button:has-text("Select all")');
    await page.click('.selection-bar button:has-text("Disable")');
    await page.waitForSelector('[role=dialog] .plan');
    const sends = Number(/^(\d+) updates/.exec(await page.textContent('[role=dialog] .run-counts'))[1]);
    const r = await page.evaluate(() => new Promise((resolve) => {
      performance.setResourceTimingBufferSize(100000);
      performance.clearResourceTimings();
      const long = [];
      const obs = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
      obs.observe({ type: 'longtask' });
      const t0 = performance.now();
      const done = new MutationObserver(() => {
        if (document.querySelector('[role=dialog] .run-done')?.textContent) {
          done.disconnect();
          const wall = performance.now() - t0;
          // Long tasks are reported a little after they end.
          setTimeout(() => {
            obs.disconnect();
            const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/barndoor/'));
            const server = calls.reduce((a, e) => a + (e.serverTiming?.[0]?.duration ?? 0), 0);
            const dur = calls.map((e) => e.responseEnd - e.startTime);
            const queued = calls.map((e) => e.requestStart - e.startTime);
            resolve({ meanCall: dur.reduce((a, b) => a + b, 0) / dur.length, meanQueued: queued.reduce((a, b) => a + b, 0) / queued.length, wall, server, requests: calls.length, longTasks: long.filter((d) => d > 50).length, longest: Math.max(0, ...long), text: document.querySelector('[role=dialog] .run-done').textContent });
          }, 200);
        }
      });
      done.observe(document.body, { subtree: true, childList: true, characterData: true });
      document.querySelector('[role=dialog] button.primary').click();
    }));
    const m = await page.evaluate(() => ({ js: performance.memory.usedJSHeapSize, wasm: window.__wasm?.memory?.buffer?.byteLength ?? 0 }));
    // The browser's own floor: the same requests (a read, then the update, per target)
    // from a bare fetch loop in the same page, 4 at a time, nothing rendered.
    const ids = sb.query('SELECT id FROM barndoor_providers ORDER BY id').map((x) => x.id).slice(0, sends);
    const floorMs = await page.evaluate(async (ids) => {
      const cfg = await (await fetch('switchboard.json')).json();
      const c = cfg.connections.find((x) => x.dialect === 'barndoor');
      const headers = { Accept: 'application/json', Authorization: `Bearer ${c.auth.token}` };
      const queue = [...ids];
      const t0 = performance.now();
      const lane = async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const url = `${c.base_url}/api/llm-gateway/admin/providers/${id}`;
          await (await fetch(url, { headers, cache: 'no-store' })).text();
          await (await fetch(url, { method: 'PUT', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"enabled":false}', cache: 'no-store' })).text();
        }
      };
      await Promise.all([lane(), lane(), lane(), lane()]);
      return performance.now() - t0;
    }, ids);
    const ideal = r.server / 4;
    return { sends, ...r, ideal, ratio: r.wall / ideal, floorMs, floorRatio: r.wall / floorMs, memoryMB: round((m.js + m.wasm) / 1048576) };
  } finally {
    await context.close();
    await sb.stop();
  }
}

function serveDir(root) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.ico': 'image/x-icon', '.txt': 'text/plain' };
  return createServer((req, res) => {
    // The litellm export names its assets under a prefix its proxy rewrites; serve them from the root.
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/litellm-asset-prefix\//, '/');
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) && existsSync(file + '.html')) file += '.html';
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
  });
}

async function peer(browser) {
  const dir = join(out, 'peer');
  if (!existsSync(join(dir, 'out'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '-q', '-d', dir, 'litellm'], { stdio: 'inherit' });
    const wheel = readdirSync(dir).find((f) => f.endsWith('.whl'));
    execFileSync('python3', ['-c', `import zipfile,sys,os
z=zipfile.ZipFile(sys.argv[1]); p='litellm/proxy/_experimental/out/'
for n in z.namelist():
    if n.startswith(p) and not n.endswith('/'):
        t=os.path.join(sys.argv[2], 'out', n[len(p):]); os.makedirs(os.path.dirname(t), exist_ok=True); open(t,'wb').write(z.read(n))`, join(dir, wheel), dir]);
  }
  const port = await freePort();
  const server = serveDir(join(dir, 'out'));
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${port}/models-and-endpoints/`;
  const loads = [];
  let t;
  // Sizes once (brotli 11 over 5 MB is slow), then the load times.
  t = await transfer(browser, url, 'load');
  for (let i = 0; i < LOADS; i++) loads.push((await transfer(browser, url, 'load', { sizes: false })).dcl);
  server.close();
  const version = readdirSync(dir).find((f) => f.endsWith('.whl'));
  return { page: '/models-and-endpoints/', wheel: version, transfer: t.all, dcl: median(loads) };
}

/**
 * The cost curve: at each N of CURVE, Switchboard and the floor on the same paged data:
 * first card and first screen (median of CURVE_LOADS), filter median and p95, long tasks
 * while scrolling, memory. Writes docs/cost-curve.svg.
 */
async function costCurve(browser, stamp) {
  const points = [];
  for (const n of CURVE) {
    const seeded = Date.now();
    const sb = await startSandbox({ seed: String(n), args: ['--quiet', '--page-size', String(PAGE)] });
    const floor = await startSandbox({ args: ['--db', sb.db, '--dist', join(here, 'floor'), '--quiet', '--page-size', String(PAGE)] });
    const seedMs = Date.now() - seeded;
    const cards = sb.query('SELECT (SELECT count(*) FROM barndoor_providers) + (SELECT count(*) FROM respan_providers) AS n')[0].n;
    const loads = await pageLoadTimes(browser, { switchboard: sb.url, floor: floor.url }, CURVE_LOADS);
    const point = { n, cards, seedMs };
    for (const [side, url] of [['switchboard', sb.url], ['floor', floor.url]]) {
      const f = await filterLatency(browser, url);
      const sc = await scrolling(browser, url);
      const m = await memory(browser, url);
      point[side] = {
        firstCard: loads[side].firstCard, firstScreen: loads[side].firstScreen,
        filterMedian: f.median, filterP95: f.p95, scrollLongTasks: sc.longTasks, scrollLongest: sc.longest, memoryMB: m.totalMB,
      };
    }
    points.push(point);
    console.error(`curve: N=${n} per gateway done`);
    await floor.stop();
    await sb.stop();
  }
  const svg = join(here, '..', 'docs', 'cost-curve.svg');
  writeFileSync(svg, curveSvg(points, stamp));
  return { points, svg };
}

function curveLines(curve) {
  const lines = [`\ncost curve (lists paged by ${PAGE}; first card and screen median of ${CURVE_LOADS}; Switchboard / floor):`,
    '| providers per gateway (cards) | first card | whole first screen | filter median / p95 | scroll long tasks (longest) | memory |', '|---|---|---|---|---|---|'];
  for (const p of curve.points) {
    const S = p.switchboard, F = p.floor;
    lines.push(`| ${p.n.toLocaleString('en')} (${p.cards.toLocaleString('en')}) | ${round(S.firstCard)} / ${round(F.firstCard)} ms | ${round(S.firstScreen)} / ${round(F.firstScreen)} ms | ${round(S.filterMedian)} / ${round(S.filterP95)} ms; ${round(F.filterMedian)} / ${round(F.filterP95)} ms | ${S.scrollLongTasks} (${round(S.scrollLongest)} ms) / ${F.scrollLongTasks} (${round(F.scrollLongest)} ms) | ${S.memoryMB} / ${F.memoryMB} MB |`);
  }
  lines.push(`written: ${curve.svg}`);
  return lines.join('\n');
}

/** First card and filter latency in each engine, each on its own pair of sandboxes. */
async function engines() {
  const small = await startSandbox({ seed: String(sizes[0]), args: ['--quiet'] });
  const large = await startSandbox({ seed: String(sizes[1]), args: ['--quiet'] });
  try {
    return await perEngine({ small: small.url, large: large.url, loads: LOADS, keystrokes: KEYSTROKES });
  } finally {
    await small.stop();
    await large.stop();
  }
}

function engineLines(list) {
  const lines = [`\nper engine (WebDriver; first card = the panel's switchboard:cards mark at N=${sizes[0]}, median of ${LOADS}; filter at N=${sizes[1]}):`];
  for (const e of list) {
    lines.push(e.error
      ? `  ${e.version}: ${e.error}`
      : `  ${e.version}: first card ${round(e.firstCard)} ms, filter keystroke → paint ${round(e.filter.median)} / ${round(e.filter.p95)} ms (median / p95 of ${e.filter.keystrokes})`);
  }
  return lines.join('\n');
}

if (process.argv.includes('--engines')) {
  // Only the per-engine lines: `./x bench --engines`.
  console.log(engineLines(await engines()));
  process.exit(0);
}

const browser = await launch(['--enable-precise-memory-info']);
if (process.argv.includes('--peer')) {
  // Only the live peer: `./x bench --peer`.
  const sb = await startSandbox({ seed: '100', args: ['--quiet'] });
  const first = median((await pageLoadTimes(browser, { switchboard: sb.url }, 5)).switchboard.runs.first);
  await sb.stop();
  const live = await peerLive(browser, transfer).catch((e) => ({ error: String(e) }));
  await browser.close();
  console.log(peerLiveLine(live, first));
  process.exit(0);
}
if (process.argv.includes('--form')) {
  // Only the form-open times: `./x bench --form`.
  const sb = await startSandbox({ seed: '100', args: ['--quiet'] });
  const warm = await formOpen(browser, sb.url, false);
  const cold = await formOpen(browser, sb.url, true);
  await sb.stop();
  await browser.close();
  console.log(`first edit form, click to paint (median of ${LOADS}): prefetched ${round(warm.median)} ms, cold ${round(cold.median)} ms`);
  process.exit(0);
}
if (process.argv.includes('--bulk')) {
  // Only the bulk run: `./x bench --bulk`.
  const B = await bulkRun(browser);
  await browser.close();
  console.log(`bulk disable of ${B.sends} Barndoor providers, 4 in flight: ${round(B.wall / 1000, 2)} s; ideal ${round(B.ideal / 1000, 2)} s (server time ÷ 4 over ${B.requests} requests); ratio ${round(B.ratio, 2)}×; bare fetch loop ${round(B.floorMs / 1000, 2)} s (${round(B.floorRatio, 2)}×); long tasks > 50 ms: ${B.longTasks} (longest ${round(B.longest)} ms); memory after ${B.memoryMB} MB; ${B.text}; mean call ${round(B.meanCall)} ms, of it queued ${round(B.meanQueued)} ms`);
  process.exit(0);
}
const results = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0].model}, ${round(totalmem() / 2 ** 30, 0)} GiB`, sizes: {} };
if (process.argv.includes('--curve')) {
  // Only the cost curve: `./x bench --curve`.
  const curve = await costCurve(browser, results);
  await browser.close();
  writeFileSync(join(out, 'curve.json'), JSON.stringify(curve.points, null, 2));
  console.log(curveLines(curve));
  process.exit(0);
}
for (const n of sizes) {
  const sb = await startSandbox({ seed: String(n), args: ['--quiet'] });
  const floor = await startSandbox({ args: ['--db', sb.db, '--dist', join(here, 'floor'), '--quiet'] });
  const r = { switchboard: {}, floor: {} };
  if (n === sizes[0]) {
    r.switchboard.transfer = await transfer(browser, sb.url, 'card');
    r.floor.transfer = await transfer(browser, floor.url, 'card');
    r.switchboard.save = await saveOverhead(browser, sb.url);
    r.switchboard.formOpen = { prefetched: await formOpen(browser, sb.url, false), cold: await formOpen(browser, sb.url, true) };
  }
  const loads = await pageLoadTimes(browser, { switchboard: sb.url, floor: floor.url });
  r.switchboard.load = loads.switchboard;
  r.floor.load = loads.floor;
  if (n === sizes[1]) {
    r.switchboard.filter = await filterLatency(browser, sb.url);
    r.floor.filter = await filterLatency(browser, floor.url);
    r.switchboard.scroll = await scrolling(browser, sb.url);
    r.floor.scroll = await scrolling(browser, floor.url);
    r.switchboard.memory = await memory(browser, sb.url);
    r.floor.memory = await memory(browser, floor.url);
  }
  results.sizes[n] = r;
  await floor.stop();
  await sb.stop();
}
results.bulk = await bulkRun(browser);
results.peer = await peer(browser).catch((e) => ({ error: String(e) }));
results.peerLive = await peerLive(browser, transfer).catch((e) => ({ error: String(e) }));
results.curve = await costCurve(browser, results);
await browser.close();
results.engines = await engines();
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));

const [small, large] = sizes.map((n) => results.sizes[n]);
const kb = (b) => `${round(b / 1024)} KB`;
const S = small.switchboard, F = small.floor, L = large.switchboard, LF = large.floor, B = results.bulk;
const rows = [
  ['first-load transfer, wasm+js+css+html (brotli)', kb(S.transfer.assets.brotli), kb(F.transfer.assets.brotli), '≤ 120 KB'],
  ['first-load transfer, wasm+js+css+html (gzip / raw)', `${kb(S.transfer.assets.gzip)} / ${kb(S.transfer.assets.raw)}`, `${kb(F.transfer.assets.gzip)} / ${kb(F.transfer.assets.raw)}`, ''],
  ['first-load transfer, everything until first card (brotli, requests)', `${kb(S.transfer.all.brotli)}, ${S.transfer.all.requests}`, `${kb(F.transfer.all.brotli)}, ${F.transfer.all.requests}`, ''],
  [`first card painted, N=${sizes[0]} (median of ${LOADS})`, `${round(S.load.firstCard)} ms`, `${round(F.load.firstCard)} ms`, '≤ 120 ms'],
  [`whole first screen, N=${sizes[0]}`, `${round(S.load.firstScreen)} ms`, `${round(F.load.firstScreen)} ms`, ''],
  [`first card painted, N=${sizes[1]}`, `${round(L.load.firstCard)} ms`, `${round(LF.load.firstCard)} ms`, ''],
  [`whole first screen, N=${sizes[1]}`, `${round(L.load.firstScreen)} ms`, `${round(LF.load.firstScreen)} ms`, '≤ 400 ms'],
  [`filter keystroke → paint, N=${sizes[1]} (median / p95 of ${L.filter.keystrokes})`, `${round(L.filter.median)} / ${round(L.filter.p95)} ms`, `${round(LF.filter.median)} / ${round(LF.filter.p95)} ms`, '≤ 16 / 33 ms'],
  [`scroll 3 s, N=${sizes[1]}: long tasks > 50 ms, dropped frames`, `${L.scroll.longTasks}, ${L.scroll.dropped}`, `${LF.scroll.longTasks}, ${LF.scroll.dropped}`, '0 long tasks'],
  [`save overhead (median of ${SAVES}): click → card shows success, minus server time (total)`, `${round(S.save.medianOverhead)} ms (${round(S.save.medianTotal)} ms)`, '', '≤ 5 ms'],
  ['save overhead to the next painted frame', `${round(S.save.medianOverheadToPaint)} ms`, '', ''],
  [`first edit form, click to paint, chunk prefetched / cold (median of ${LOADS})`, `${round(S.formOpen.prefetched.median)} / ${round(S.formOpen.cold.median)} ms`, '', '≤ 50 / 150 ms'],
  [`memory, N=${sizes[1]} (JS heap + wasm)`, `${L.memory.totalMB} MB`, `${LF.memory.totalMB} MB`, '≤ 64 MB'],
  [`bulk disable of ${B.sends} Barndoor providers, 4 in flight: wall time (ideal: server time ÷ 4, over ${B.requests} requests)`, `${round(B.wall / 1000, 2)} s (${round(B.ideal / 1000, 2)} s, ${round(B.ratio, 2)}×)`, '', ''],
  ['bulk run against a bare fetch loop of the same requests, 4 at a time', `${round(B.floorRatio, 2)}×`, `${round(B.floorMs / 1000, 2)} s`, ''],
  ['bulk run: long tasks > 50 ms (longest), memory after', `${B.longTasks} (${round(B.longest)} ms), ${B.memoryMB} MB`, '', '0 long tasks'],
];
const ratio = (a, b) => round(a / b, 2);
console.log(`\nSwitchboard benchmark, ${results.date}, ${results.machine}\n`);
console.log('| measure | Switchboard | floor | target |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
const paired = median(S.load.runs.first.map((t, i) => t / F.load.runs.first[i]));
results.ratios = { firstCard: ratio(S.load.firstCard, F.load.firstCard), firstCardPaired: round(paired, 2), filter: ratio(L.filter.median, LF.filter.median) };
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
console.log(`\nratios to the floor: first card ${results.ratios.firstCard} (median of the ${LOADS} load-by-load ratios: ${results.ratios.firstCardPaired}; target ≤ 1.5), filter ${results.ratios.filter} (target ≤ 2)`);
if (results.peer.transfer) {
  const P = results.peer;
  console.log(`peer (${P.wheel}, ${P.page}): transfer ${kb(P.transfer.brotli)} brotli / ${kb(P.transfer.raw)} raw in ${P.transfer.requests} requests, DOMContentLoaded ${round(P.dcl)} ms (median of ${LOADS})`);
  console.log(`peer / Switchboard: transfer ${ratio(P.transfer.brotli, S.transfer.all.brotli)}×, DOMContentLoaded vs first card ${ratio(P.dcl, S.load.firstCard)}×`);
} else {
  console.log(`peer: ${results.peer.error}`);
}
console.log(peerLiveLine(results.peerLive, S.load.firstCard));
console.log(curveLines(results.curve));
console.log(engineLines(results.engines));
console.log(`\nwritten: ${join(out, 'results.json')}`);
