// After ./x has split the panel's wasm (the lazy views of src/ui/lazy.rs) and run
// wasm-bindgen and wasm-opt on the parts: puts them into dist/ under names that change
// with their content, points the references at those names, and renews the integrity
// hashes trunk wrote for the files it built before the split replaced them.
// Usage: node tools/split.mjs DIST OUT NAME   (NAME: trunk's "switchboard-<hash>")
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dist, out, name] = process.argv.slice(2);
if (!dist || !out || !name) throw new Error('usage: node tools/split.mjs DIST OUT NAME');
const short = (b) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const sri = (b) => `sha384-${createHash('sha384').update(b).digest('base64')}`;

// The chunks: the loader fetches them relative to itself.
let loader = readFileSync(join(out, '__wasm_split.js'), 'utf8');
for (const f of readdirSync(out).filter((f) => f.endsWith('.wasm') && f !== `${name}_bg.wasm`)) {
  const body = readFileSync(join(out, f));
  const named = f.replace(/\.wasm$/, `-${short(body)}.wasm`);
  if (!loader.includes(`"./${f}"`)) throw new Error(`the split loader does not name ${f}`);
  loader = loader.replaceAll(`"./${f}"`, `"./${named}"`);
  writeFileSync(join(dist, named), body);
}
const loaderName = `split-${short(loader)}.js`;
writeFileSync(join(dist, loaderName), loader);

// The main module imports the loader; only the import statements name its file (the
// imports object is keyed by the module name baked into the wasm, which stays).
const js = readFileSync(join(out, `${name}.js`), 'utf8').replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`);
if (!js.includes(loaderName)) throw new Error('the main module does not import the split loader');
const wasm = readFileSync(join(out, `${name}_bg.wasm`));
writeFileSync(join(dist, `${name}.js`), js);
writeFileSync(join(dist, `${name}_bg.wasm`), wasm);

const indexPath = join(dist, 'index.html');
let html = readFileSync(indexPath, 'utf8');
for (const [file, body] of [[`${name}.js`, js], [`${name}_bg.wasm`, wasm]]) {
  const link = new RegExp(`(<link[^>]*href="\\./${file.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`);
  if (!link.test(html)) throw new Error(`index.html has no integrity for ${file}`);
  html = html.replace(link, `$1${sri(body)}$2`);
}
// The main module imports the loader: fetch it beside the main module, not after it.
const preload = `<link rel="modulepreload" href="./${loaderName}" crossorigin="anonymous" integrity="${sri(loader)}">`;
html = html.replace(/(<link rel="modulepreload"[^>]*>)/, `$1${preload}`);
if (!html.includes(preload)) throw new Error('index.html has no modulepreload to put the loader beside');
writeFileSync(indexPath, html);
