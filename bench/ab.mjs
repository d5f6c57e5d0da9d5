// A/B of two builds: first card and first screen of two dist folders against one sandbox
// (same data), loads interleaved, median of 9 each; then filter latency (the benchmark's
// 50 keystrokes, three rounds per build, interleaved), median and p95 of all keystrokes. For telling whether a change made the
// first load slower on this noisy machine, where runs minutes apart differ by 30 %.
// Usage: SANDBOX=target/release/switchboard-sandbox DIST=dist node bench/ab.mjs DIST_A DIST_B [N]
import { launch, startSandbox } from '../tests/e2e/harness.mjs';
import { filterLatencies, PROBE } from './probe.mjs';
const [a, b, n = '10000'] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const sa = await startSandbox({ seed: n, args: ['--quiet'], dist: a });
const sb = await startSandbox({ seed: n, args: ['--quiet', '--db', sa.db], dist: b });
const browser = await launch();
const res = { a: { c: [], s: [] }, b: { c: [], s: [] } };
for (let i = 0; i < 9; i++) {
  for (const [k, url] of i % 2 ? [['b', sb.url], ['a', sa.url]] : [['a', sa.url], ['b', sb.url]]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addInitScript(PROBE);
    const p = await ctx.newPage();
    await p.goto(url);
    await p.waitForFunction(() => window.__probe.firstScreen, null, { timeout: 60000 });
    const r = await p.evaluate(() => window.__probe);
    res[k].c.push(r.firstCard); res[k].s.push(r.firstScreen);
    await ctx.close();
  }
}
const lat = { a: [], b: [] };
for (let i = 0; i < 3; i++) {
  for (const [k, url] of i % 2 ? [['b', sb.url], ['a', sa.url]] : [['a', sa.url], ['b', sb.url]]) {
    lat[k].push(...await filterLatencies(browser, url, 50));
  }
}
const p95 = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]; };
console.log(`N=${n} A (${a}): first card ${median(res.a.c).toFixed(1)} ms, first screen ${median(res.a.s).toFixed(1)} ms`);
console.log(`N=${n} B (${b}): first card ${median(res.b.c).toFixed(1)} ms, first screen ${median(res.b.s).toFixed(1)} ms`);
for (const k of ['a', 'b']) console.log(`N=${n} ${k.toUpperCase()}: filter keystroke → paint ${median(lat[k]).toFixed(1)} / ${p95(lat[k]).toFixed(1)} ms (median / p95 of ${lat[k].length})`);
await browser.close(); await sb.stop(); await sa.stop();
