// Where a wasm module's code bytes go: the size of every function body, grouped by the
// crate (or crate::module with --depth 2) its name says it comes from. Needs the name
// section, so run it on a module before wasm-opt strips it, e.g. the split main module:
//   node tools/wasm-sizes.mjs path/to/module.wasm [--depth 2] [--top 40] [--fns]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const depth = opt('--depth', 1);
const top = opt('--top', 40);
const bytes = readFileSync(file);

let pos = 8;
const u32 = () => { let r = 0, shift = 0, b; do { b = bytes[pos++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
const str = () => { const n = u32(); const s = bytes.toString('utf8', pos, pos + n); pos += n; return s; };

let imported = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const end = pos + size;
  if (id === 2) { // imports: functions among them shift the function indices
    for (let n = u32(); n > 0; n--) {
      str(); str();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); imported++; } else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 3) { pos += 2; } else if (kind === 4) { pos++; u32(); }
    }
  } else if (id === 10) {
    for (let n = u32(), i = 0; i < n; i++) { const len = u32(); bodies.push(len); pos += len; }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0 && str() === 'name') {
    while (pos < end) {
      const sub = bytes[pos++];
      const len = u32();
      const subEnd = pos + len;
      if (sub === 1) for (let n = u32(); n > 0; n--) { const idx = u32(); names.set(idx, str()); }
      pos = subEnd;
    }
  }
  pos = end;
}

// Legacy Rust mangling (_ZN 3foo 3bar 17h<hash> E) to its path segments.
function segments(name) {
  const m = /^_ZN(.*)E$/.exec(name);
  if (!m) return name.split('::');
  const out = [];
  for (let s = m[1]; s.length;) {
    const len = /^\d+/.exec(s);
    if (!len) break;
    const n = Number(len[0]);
    out.push(s.slice(len[0].length, len[0].length + n));
    s = s.slice(len[0].length + n);
  }
  return out.filter((p) => !/^h[0-9a-f]{16}$/.test(p)).map((p) => p.replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$C\$/g, ',').replace(/\.\./g, '::').replace(/\$RF\$/g, '&'));
}

// The crate a function belongs to: for a trait impl `<a::B as c::D>::f`, the type's crate.
function group(name) {
  const segs = segments(name);
  const first = segs[0] || name;
  const impl = /^_?<&?(?:mut )?([A-Za-z0-9_:]+)/.exec(first);
  const path = impl ? impl[1].split('::').concat(segs.slice(1)) : segs;
  return path.slice(0, depth).join('::');
}

const groups = new Map();
const fns = [];
let total = 0;
bodies.forEach((len, i) => {
  const name = names.get(i + imported) || `#${i + imported}`;
  const g = group(name);
  groups.set(g, (groups.get(g) || 0) + len);
  fns.push([len, segments(name).join('::')]);
  total += len;
});
const kb = (b) => `${(b / 1024).toFixed(1).padStart(7)} KB`;
console.log(`${file}: code ${kb(total)} in ${bodies.length} functions, data ${kb(dataBytes)}`);
for (const [g, len] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${kb(len)}  ${(100 * len / total).toFixed(1).padStart(5)} %  ${g}`);
if (args.includes('--fns')) for (const [len, n] of fns.sort((a, b) => b[0] - a[0]).slice(0, top)) console.log(`${kb(len)}  ${n}`);
