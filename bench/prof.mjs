import { launch, startSandbox } from '../tests/e2e/harness.mjs';
const sb = await startSandbox({ seed: '1500', args: ['--quiet'] });
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(sb.url);
await page.waitForSelector('.card[data-key]');
await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
await page.click('.toolbar button:has-text("Select all")');
await page.click('.selection-bar button:has-text("Disable")');
await page.waitForSelector('[role=dialog] .plan');
await browser.startTracing(page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'blink', 'v8'] });
await page.click('[role=dialog] button.primary');
await page.waitForSelector('[role=dialog] .run-done:not(:empty)', { timeout: 120000 });
await browser.stopTracing();
const { readFileSync } = await import('node:fs');
const tr = JSON.parse(readFileSync('/tmp/trace.json', 'utf8'));
const ev = tr.traceEvents || tr;
const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const sums = new Map();
for (const e of ev) {
  if (e.ph !== 'X' || !main || e.tid !== main.tid || e.pid !== main.pid) continue;
  sums.set(e.name, (sums.get(e.name) || 0) + (e.dur || 0));
}
for (const [k, v] of [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1000).toFixed(0).padStart(7), k);
const profile = { timeDeltas: [], samples: [], nodes: [] };
const self = new Map();
const dt = profile.timeDeltas; const ids = profile.samples;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < ids.length; i++) {
  const n = byId.get(ids[i]);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  self.set(k, (self.get(k) || 0) + (dt[i] || 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', total / 1000);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1000).toFixed(0).padStart(7), k);
await browser.close(); await sb.stop();
