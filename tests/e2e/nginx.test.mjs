// The deployment document, proven: Debian's nginx serves dist/ under /admin/llm/ with
// docs/deploy/nginx.conf as shipped (only the port, the paths and the example origins
// replaced): the page as HTML, its security and cache headers on every answer, the
// precompressed files, a save to a gateway under its CSP, and the custom element embedded
// by a dashboard on another origin.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launch, openWatched, renameRespan, startSandbox, staticHost } from './harness.mjs';

const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const DIST = process.env.DIST;
const SHIPPED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'deploy', 'nginx.conf');

let sandbox;
let browser;
let nginx;
let dashboard;
let dir;
let panel;
let api;

function config() {
  return {
    connections: [
      { id: 'rs', name: 'Respan', dialect: 'respan', base_url: `${api}/respan`, auth: { scheme: 'bearer', token: 'demo-respan-key' } },
      { id: 'rf', name: 're-factor', dialect: 'refactor', base_url: `${api}/refactor`, auth: { scheme: 'bearer', token: 'demo-refactor-token' } },
    ],
    ui: { allow_file_credentials: true },
  };
}

/** The shipped file with the deployment's own values put in; fails if one is not found. */
function adjusted(port, site, dashboardOrigin) {
  let text = readFileSync(SHIPPED, 'utf8');
  const put = (from, to) => {
    assert.ok(text.includes(from), `docs/deploy/nginx.conf no longer contains ${from}`);
    text = text.split(from).join(to);
  };
  put('listen 80;', `listen 127.0.0.1:${port};`);
  put('/srv/switchboard/dist/', `${site}/`);
  put('https://api.example.com https://desk.example.com', api);
  put('https://dashboard.example.com', dashboardOrigin);
  return text;
}

/** GET with headers, answering status, headers and body length (no decompression). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let length = 0;
      res.on('data', (c) => { length += c.length; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, length }));
    }).on('error', reject).end();
  });
}

before(async () => {
  if (!existsSync(NGINX)) throw new Error(`nginx is not installed at ${NGINX} (./x test installs Debian's nginx-light)`);
  sandbox = await startSandbox();
  api = sandbox.url.replace(/\/$/, '');
  browser = await launch();
  const port = await freePort();
  panel = `http://127.0.0.1:${port}`;
  // A dashboard on another origin that embeds the element from the nginx host.
  dashboard = await staticHost({
    mounts: [],
    pages: {
      '/dash/': () => ({
        type: 'text/html',
        body: `<!doctype html><html><head><title>Dashboard</title>
          <script type="module" src="${panel}/admin/llm/switchboard-element.js"></script></head>
          <body><h1>Ops dashboard</h1><switchboard-panel config="/dash/switchboard.json"></switchboard-panel></body></html>`,
      }),
      '/dash/switchboard.json': () => ({ type: 'application/json', body: JSON.stringify(config()) }),
    },
  });
  const dashboardOrigin = `http://127.0.0.1:${dashboard.port}`;
  // The site: dist/ as built, and the deployment's switchboard.json beside it.
  dir = mkdtempSync(join(tmpdir(), 'sb-nginx-'));
  const site = join(dir, 'dist');
  mkdirSync(site);
  for (const f of readdirSync(DIST)) symlinkSync(join(DIST, f), join(site, f));
  writeFileSync(join(site, 'switchboard.json'), JSON.stringify(config()));
  writeFileSync(join(dir, 'switchboard.conf'), adjusted(port, site, dashboardOrigin));
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
  writeFileSync(join(dir, 'nginx.conf'), `daemon off; master_process off; worker_processes 1;
pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types; default_type application/octet-stream; sendfile on;
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/switchboard.conf;
}
`);
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  nginx.stderr.on('data', (d) => log.push(String(d)));
  for (let i = 0; i < 100; i++) {
    if (await get(`${panel}/admin/llm/`).then(() => true, () => false)) return;
    if (nginx.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not start: ${log.join('')} ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
});

after(async () => {
  await browser?.close();
  nginx?.kill('SIGQUIT');
  dashboard?.close();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


describe('nginx with docs/deploy/nginx.conf', () => {
  it('serves the page as HTML with its security headers, and caches by name', async () => {
    const page = await get(`${panel}/admin/llm/`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.headers['content-security-policy'], /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
    assert.ok(page.headers['content-security-policy'].includes(`connect-src 'self' ${api};`));
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['cache-control'], 'no-cache');
    const wasm = readdirSync(DIST).find((f) => /-[0-9a-f]{16}_bg\.wasm$/.test(f));
    const w = await get(`${panel}/admin/llm/${wasm}`, { 'Accept-Encoding': 'gzip' });
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/wasm');
    assert.equal(w.headers['content-encoding'], 'gzip', 'the precompressed .gz is served');
    assert.equal(w.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(w.headers['content-security-policy'], 'every answer has the CSP');
    for (const name of ['switchboard.json', 'switchboard-element.js']) {
      const r = await get(`${panel}/admin/llm/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.headers['cache-control'], 'no-cache', name);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', name);
    }
    // A path inside the app falls back to the page (links to a sub-path keep working).
    const deep = await get(`${panel}/admin/llm/some/view`);
    assert.equal(deep.status, 200);
    assert.match(deep.headers['content-type'], /^text\/html/);
  });

  it('runs the panel under its CSP and saves to a gateway', async () => {
    const { page, context, consoleLines } = await openWatched(browser, `${panel}/admin/llm/`);
    const req = await renameRespan(page, sandbox, 'rs/1', 1, 'Saved through nginx');
    assert.equal(req.url(), `${api}/respan/api/providers/1/`);
    assert.equal((await req.response()).status(), 200);
    // The lazy chunks came through nginx too, and nothing broke the policy.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /split_edit_form-/.test(e.name)));
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.ok(!consoleLines.some((l) => /Content Security Policy|panicked/i.test(l)), consoleLines.join('\n'));
    await context.close();
  });

  it('lets a dashboard on another origin embed the element, and refuses other origins', async () => {
    const { page, context, consoleLines } = await openWatched(browser, `http://127.0.0.1:${dashboard.port}/dash/`);
    const card = page.locator('switchboard-panel .card[data-key="rs/2"]');
    await card.waitFor({ timeout: 20_000 });
    await card.click();
    await page.locator('switchboard-panel #field-provider_name').fill('Saved from the dashboard');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.status() === 200),
      page.locator('switchboard-panel [role=dialog] button.primary').click(),
    ]);
    await page.locator('switchboard-panel .card[data-key="rs/2"]:has-text("Saved from the dashboard")').waitFor();
    assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 2'), [{ provider_name: 'Saved from the dashboard' }]);
    assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    // The element's files carry CORS for the listed dashboard only.
    const listed = await get(`${panel}/admin/llm/switchboard-element.js`, { Origin: `http://127.0.0.1:${dashboard.port}` });
    assert.equal(listed.headers['access-control-allow-origin'], `http://127.0.0.1:${dashboard.port}`);
    const other = await get(`${panel}/admin/llm/switchboard-element.js`, { Origin: 'http://127.0.0.1:9' });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    await context.close();
  });
});
