// After `trunk build`: make dist/ work under a strict CSP and add the custom element loader.
// Usage: node tools/postbuild.mjs DIST
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] || 'dist';
const indexPath = join(dist, 'index.html');
let html = readFileSync(indexPath, 'utf8');

// Trunk's loader is an inline module script, which `script-src 'self'` blocks: move it
// into a file named after its hash.
const inline = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (inline) {
  // Read the configuration while the wasm downloads and compiles: the app takes this
  // promise (src/ui/app.rs, PREFETCH) instead of asking again once it runs.
  const prefetch = "globalThis.switchboardConfig ??= fetch('switchboard.json').then(async (r) => [r.status, await r.text()]);\n";
  const js = prefetch + inline[1].trim() + '\n';
  const name = `boot-${createHash('sha256').update(js).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(dist, name), js);
  html = html.replace(inline[0], `<script type="module" src="./${name}"></script>`);
  writeFileSync(indexPath, html);
}

// The custom element loader keeps a stable name so host pages can reference it.
const boot = html.match(/src="\.\/(boot-[0-9a-f]+\.js)"/);
const js = readFileSync(join(dist, boot[1]), 'utf8');
const jsFile = js.match(/from '\.\/([^']+\.js)'/)[1];
const wasmFile = js.match(/'\.\/([^']+\.wasm)'/)[1];
const cssFile = html.match(/href="\.\/([^"]+\.css)"/)[1];
const element = readFileSync(new URL('../src/switchboard-element.js', import.meta.url), 'utf8')
  .replaceAll('__JS__', jsFile)
  .replaceAll('__WASM__', wasmFile)
  .replaceAll('__CSS__', cssFile);
writeFileSync(join(dist, 'switchboard-element.js'), element);
