// The cost curve as an SVG: how first card, first screen, filter p95 and memory grow with
// the number of providers, for Switchboard and the floor. Written by `./x bench` (and
// `./x bench --curve`) to docs/cost-curve.svg; nothing here measures.

const W = 260, H = 180, PAD = { l: 46, r: 12, t: 28, b: 34 };
const COLORS = { switchboard: '#2563eb', floor: '#9ca3af' };

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const short = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** Round `max` up to a readable axis end (1, 2 or 5 times a power of ten). */
function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
}

/** One small chart: x is N on a log scale, y is `get(point.side)` from 0. */
function chart(points, { title, unit, get, target }, x0, y0) {
  const ns = points.map((p) => p.n);
  const lo = Math.log10(Math.min(...ns)), hi = Math.log10(Math.max(...ns));
  const values = points.flatMap((p) => [get(p.switchboard), get(p.floor)]).filter(Number.isFinite);
  const ymax = niceMax(Math.max(...values, target ?? 0));
  const iw = W - PAD.l - PAD.r, ih = H - PAD.t - PAD.b;
  const x = (n) => x0 + PAD.l + (hi === lo ? iw / 2 : ((Math.log10(n) - lo) / (hi - lo)) * iw);
  const y = (v) => y0 + PAD.t + ih - (v / ymax) * ih;
  const out = [`<text x="${x0 + PAD.l}" y="${y0 + 16}" class="t">${esc(title)} (${esc(unit)})</text>`];
  for (const f of [0, 0.5, 1]) {
    out.push(`<line x1="${x0 + PAD.l}" x2="${x0 + PAD.l + iw}" y1="${y(ymax * f)}" y2="${y(ymax * f)}" class="g"/>`);
    out.push(`<text x="${x0 + PAD.l - 6}" y="${y(ymax * f) + 4}" class="a" text-anchor="end">${ymax * f}</text>`);
  }
  for (const n of ns) out.push(`<text x="${x(n)}" y="${y0 + H - PAD.b + 16}" class="a" text-anchor="middle">${short(n)}</text>`);
  if (target !== undefined) {
    out.push(`<line x1="${x0 + PAD.l}" x2="${x0 + PAD.l + iw}" y1="${y(target)}" y2="${y(target)}" class="target"/>`);
  }
  for (const side of ['floor', 'switchboard']) {
    const pts = points.filter((p) => Number.isFinite(get(p[side]))).map((p) => `${x(p.n).toFixed(1)},${y(get(p[side])).toFixed(1)}`);
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${COLORS[side]}" stroke-width="2"${side === 'floor' ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${COLORS[side]}"/>`);
  }
  return out.join('\n');
}

/**
 * The SVG for `points` ([{ n, cards, switchboard: {firstCard, firstScreen, filterP95,
 * memoryMB}, floor: {…} }]), with the run's `date` and `machine` in its caption.
 */
export function curveSvg(points, { date, machine }) {
  const charts = [
    { title: 'First card', unit: 'ms', get: (s) => s.firstCard },
    { title: 'Whole first screen', unit: 'ms', get: (s) => s.firstScreen },
    { title: 'Filter keystroke, p95', unit: 'ms', get: (s) => s.filterP95, target: 33 },
    { title: 'Memory, JS heap + wasm', unit: 'MB', get: (s) => s.memoryMB, target: 200 },
  ];
  const width = W * charts.length, height = H + 40;
  const body = charts.map((c, i) => chart(points, c, i * W, 0)).join('\n');
  const caption = `Providers per gateway (Barndoor and Respan, paged by 1,000; log scale). Switchboard solid, floor dashed, targets dotted. ${date}, ${machine}.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="cc-title">
<title id="cc-title">Switchboard's cost curve: first card, first screen, filter p95 and memory against providers per gateway</title>
<style>
  text { font: 11px system-ui, sans-serif; fill: #1f2937; } .t { font-weight: 600; } .a { fill: #6b7280; }
  .g { stroke: #e5e7eb; } .target { stroke: #dc2626; stroke-dasharray: 2 3; }
  @media (prefers-color-scheme: dark) { text { fill: #e5e7eb; } .a { fill: #9ca3af; } .g { stroke: #374151; } }
</style>
${body}
<text x="${PAD.l}" y="${height - 12}" class="a">${esc(caption)}</text>
</svg>
`;
}
