// Shared by the benchmark (run.mjs) and the A/B of builds (ab.mjs).

// Runs before any page script: records when the first card and the whole first screen
// reach the screen (DOM change, then the frame that paints it), and keeps the wasm instance.
export const PROBE = () => {
  window.__probe = {};
  addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  const painted = (key) => requestAnimationFrame(() => setTimeout(() => { window.__probe[key] ??= performance.now(); }, 0));
  const check = () => {
    if (!window.__probe.cardSeen && document.querySelector('.card[data-key]')) { window.__probe.cardSeen = true; painted('firstCard'); }
    if (!window.__probe.screenSeen && performance.getEntriesByName('switchboard:loaded').length && document.querySelector('.card[data-key]')) {
      window.__probe.screenSeen = true; painted('firstScreen');
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
  const poll = () => { check(); if (!window.__probe.screenSeen) requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
};

// Run in the page once it is loaded: from each key pressed in the search box to the frame
// after it, in ms, into `window.__lat`. Used by Playwright (run.mjs) and WebDriver (engines.mjs).
export const FILTER_PROBE = () => {
  window.__lat = [];
  document.querySelector('input[type=search]').addEventListener('keydown', () => {
    const t0 = performance.now();
    requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t0), 0));
  }, true);
};

// The words both benchmarks type into the search box.
export const FILTER_WORDS = ['provider 01', 'mistral', 'anthropic 9'];

// Opens the panel at `url` in a fresh 1280×900 context once every connection has answered,
// types the words into its search box and erases each, `keystrokes` presses in all, 40 ms
// apart; resolves to each keystroke's latency to the next frame (FILTER_PROBE).
export async function filterLatencies(browser, url, keystrokes) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length, null, { timeout: 60000 });
  await page.waitForSelector('.card[data-key]');
  await page.evaluate(FILTER_PROBE);
  await page.focus('input[type=search]');
  let typed = 0;
  for (const w of FILTER_WORDS.concat(FILTER_WORDS)) {
    for (const ch of w) { if (typed++ < keystrokes) await page.keyboard.press(ch === ' ' ? 'Space' : ch, { delay: 0 }); await page.waitForTimeout(40); }
    for (let i = 0; i < w.length && typed < keystrokes; i++, typed++) { await page.keyboard.press('Backspace'); await page.waitForTimeout(40); }
    if (typed >= keystrokes) break;
  }
  await page.waitForTimeout(300);
  const lat = await page.evaluate(() => window.__lat);
  await context.close();
  return lat;
}
