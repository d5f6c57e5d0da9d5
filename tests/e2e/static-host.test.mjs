// The built dist/ on a plain static server (not the sandbox), under a sub-path, with a
// strict Content-Security-Policy, calling the sandbox on another origin through CORS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { fourGateways, freePort, launch, openWatched, renameRespan, startSandbox, staticHost } from './harness.mjs';

let sandbox;
let browser;
let server;
let origin;
let api;

let noCors;
let closed;
let bare;

function csp() {
  return `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${api} ${noCors} ${closed}; img-src 'self' data:; frame-ancestors 'self'`;
}

/** A gateway that answers but sends no CORS headers, one that is not there, and a working one, read-only. */
function corsConfig() {
  return {
    connections: [
      { id: 'nocors', name: 'No CORS', dialect: 'respan', base_url: `${noCors}/respan`, auth: { scheme: 'bearer', token: 't' } },
      { id: 'down', name: 'Down', dialect: 'barndoor', base_url: `${closed}/barndoor`, auth: { scheme: 'bearer', token: 't' } },
      { id: 'rs', name: 'Respan', dialect: 'respan', base_url: `${api}/respan`, auth: { scheme: 'bearer', token: 'demo-respan-key' } },
    ],
    ui: { read_only: true, request_timeout_ms: 2000, allow_file_credentials: true },
  };
}

function panelConfig() {
  return { connections: fourGateways(api), ui: { allow_file_credentials: true } };
}

before(async () => {
  sandbox = await startSandbox();
  api = sandbox.url.replace(/\/$/, '');
  browser = await launch();
  // Answers every request with JSON but never with CORS headers.
  bare = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'));
  const barePort = await freePort();
  await new Promise((r) => bare.listen(barePort, '127.0.0.1', r));
  noCors = `http://127.0.0.1:${barePort}`;
  closed = `http://127.0.0.1:${await freePort()}`;
  const json = (make) => () => ({ type: 'application/json', body: typeof make === 'string' ? make : JSON.stringify(make()) });
  server = await staticHost({
    mounts: ['/admin/llm/', '/broken/', '/cors/', '/creds/'],
    pages: {
      '/admin/llm/switchboard.json': json(panelConfig),
      '/cors/switchboard.json': json(corsConfig),
      // The same file without the opt-in: its credentials are refused.
      '/creds/switchboard.json': json(() => ({ ...panelConfig(), ui: {} })),
      '/broken/switchboard.json': json('{"connections": [{"id": "x", "dialect": "refactor", "base_url": "ftp://nope"}], "colour": 1}'),
    },
    headers: () => ({ 'Content-Security-Policy': csp() }),
  });
  origin = `http://localhost:${server.port}`;
});

after(async () => {
  await browser?.close();
  server?.close();
  bare?.close();
  await sandbox?.stop();
});


describe('static host', () => {
  it('runs under /admin/llm/ with a strict CSP and saves cross-origin', async () => {
    const { page, context, consoleLines } = await openWatched(browser, `${origin}/admin/llm/`);
    const req = await renameRespan(page, sandbox, 'rs/1', 1, 'Renamed from a static host');
    assert.equal(await page.locator('.card[data-key]').count() > 10, true);
    assert.equal(req.url(), `${api}/respan/api/providers/1/`);
    assert.equal((await req.response()).status(), 200);
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, []);
    assert.ok(!consoleLines.some((l) => /Content Security Policy/i.test(l)), consoleLines.join('\n'));
    await context.close();
  });

  it('refuses credentials in a served file without the opt-in, and warns with it', async () => {
    const { page, context } = await openWatched(browser, `${origin}/creds/`);
    await page.waitForSelector('.config-error');
    const text = await page.textContent('.config-error');
    assert.match(text, /switchboard\.json holds credentials \(re-factor, Libredesk, Barndoor, Respan\), and whoever can load this panel can read this file/);
    assert.match(text, /"allow_file_credentials": true/);
    assert.equal(await page.locator('.card').count(), 0, 'nothing is called with them');
    const opted = await openWatched(browser, `${origin}/admin/llm/`);
    const note = await opted.page.waitForSelector('aside.file-credentials[aria-label="Credentials warning"]');
    assert.equal(await opted.page.textContent('.file-credentials summary'), 'Credentials are in switchboard.json: readable by whoever can load this panel');
    await opted.page.click('.file-credentials summary');
    assert.match(await note.textContent(), /re-factor, Libredesk, Barndoor, Respan: their credentials come from the served configuration file/);
    await opted.context.close();
    await context.close();
  });

  it('explains a malformed configuration instead of showing a blank page', async () => {
    const { page, context } = await openWatched(browser, `${origin}/broken/`);
    await page.waitForSelector('.config-error');
    const text = await page.textContent('.config-error');
    assert.match(text, /unknown field `colour`/);
    assert.match(text, /"connections"/, 'shows an example');
    assert.equal(await page.locator('#sb-boot').count(), 0, 'the loading line gives way to the explanation');
    await context.close();
  });

  it('tells a CORS refusal from an unreachable gateway, and honours read-only mode', async () => {
    const { page, context } = await openWatched(browser, `${origin}/cors/`);
    await page.waitForSelector('.card[data-key="rs/1"]');
    const errors = page.locator('.load-error');
    await errors.nth(1).waitFor({ timeout: 20000 });
    const nocors = await page.locator('.load-error:has-text("No CORS")').textContent();
    assert.match(nocors, /CORS settings do not allow this page's origin/);
    const down = await page.locator('.load-error:has-text("Down")').textContent();
    assert.match(down, /could not be reached/);
    await page.click('.card[data-key="rs/1"]');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[role=dialog]').count(), 0, 'read-only: no edit form');
    await context.close();
  });
});
