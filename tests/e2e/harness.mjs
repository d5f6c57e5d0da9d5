// Shared set-up for the end-to-end tests: a real sandbox on a free port with its own
// SQLite file, Debian's headless Chromium driven by playwright-core, and helpers to read
// what the server stored and what the page shows.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SANDBOX = process.env.SANDBOX;
/** switchboard-cli, built by ./x test (the state file tests compare its export with the panel's). */
export const CLI = process.env.CLI;
const DIST = process.env.DIST;
if (!SANDBOX || !DIST) throw new Error('SANDBOX and DIST must be set (./x test sets them)');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CANARY = 'sk-canary-7f3a9c1e5b';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a sandbox serving the built panel (or another `dist`); resolves once it answers. */
export async function startSandbox({ seed = 'demo', args = [], dist = DIST, env = {} } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const db = join(dir, 'sandbox.db');
  const log = [];
  const url = `http://127.0.0.1:${port}/`;
  // The same address and database each time, so a restart continues where a kill stopped.
  const up = async () => {
    const p = spawn(SANDBOX, ['--addr', `127.0.0.1:${port}`, '--db', db, '--dist', dist, '--seed', seed, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    p.stdout.on('data', (d) => log.push(String(d)));
    p.stderr.on('data', (d) => log.push(String(d)));
    for (let i = 0; i < 100; i++) {
      try {
        const r = await fetch(url + 'switchboard.json');
        if (r.ok) break;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    return p;
  };
  let proc = await up();
  return {
    url,
    port,
    db,
    log,
    /** Rows from the sandbox's database, as objects. */
    query(sql) {
      const out = execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8' });
      return out.trim() ? JSON.parse(out) : [];
    },
    exec(sql) {
      execFileSync('sqlite3', [db, sql]);
    },
    /** Replaces the sandbox's injected faults (needs --fault-control). */
    async faults(list) {
      const r = await fetch(url + '_sandbox/faults', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(list) });
      if (!r.ok) throw new Error(`setting faults failed: ${r.status}`);
    },
    /** The API requests the sandbox received (needs --record), oldest first; `forget` clears them. */
    async requests() {
      const r = await fetch(url + '_sandbox/requests');
      if (!r.ok) throw new Error(`reading requests failed: ${r.status} (start the sandbox with --record)`);
      return r.json();
    },
    async forget() {
      await fetch(url + '_sandbox/requests', { method: 'DELETE' });
    },
    /** Kills the server at once (SIGKILL): requests in flight get no answer. */
    async kill() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
    /** Starts the server again on the same address and database. */
    async restart() {
      proc = await up();
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT');
        // A request held by a "hang" fault would keep a graceful shutdown waiting.
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync', ...extraArgs],
  });
}

/** A fresh page with console capture; waits until the first cards are drawn. */
export async function openPanel(browser, url, { width = 1280, height = 900, waitForCards = true, ui = null, configure = null, onPage = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  if (ui || configure) {
    // Same configuration as served, with UI options changed (e.g. a short timeout), or
    // changed by `configure` (e.g. a connection's providers declared).
    await page.route('**/switchboard.json', async (route) => {
      const res = await route.fetch();
      let cfg = await res.json();
      if (ui) cfg = { ...cfg, ui: { ...(cfg.ui || {}), ...ui } };
      if (configure) cfg = configure(cfg);
      await route.fulfill({ response: res, json: cfg });
    });
  }
  if (onPage) onPage(page);
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  if (waitForCards) await page.waitForSelector('.card[data-key]');
  return { page, context, consoleLines };
}

/** Opens the edit form of a card and waits for it. */
export async function openCard(page, key) {
  await page.click(`.card[data-key="${key}"]`);
  await page.waitForSelector('[role=dialog]');
}

/**
 * Leaves the open form with `how` (Escape or the Cancel button) and, when the panel asks
 * whether to discard unsaved changes, says yes. Resolves once the form is gone.
 */
export async function leaveForm(page, how = 'Escape') {
  if (how === 'Escape') await page.keyboard.press('Escape');
  else await page.click('[role=dialog] button:has-text("Cancel")');
  const asked = await page.waitForSelector('#confirm-text', { timeout: 1000 }).catch(() => null);
  if (asked) await page.click('[role=dialog] button:has-text("Discard changes")');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
}

/** Clicks Save and returns the update request the browser sent, with its answer. */
export async function saveAndCapture(page, method) {
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === method),
    page.click('[role=dialog] button.primary'),
  ]);
  const res = await req.response();
  return { req, res };
}

/**
 * Run in the page: the text of everything a secret could leak into there: DOM, input
 * values, web storage, every IndexedDB record, the URL (and whether the panel panicked).
 * Shared by Playwright (`leakSurfaces`) and WebDriver (the core flows in every engine).
 */
export const LEAK_PROBE = async () => {
  const storage = (s) => Object.keys(s).map((k) => k + '=' + s.getItem(k)).join('\n');
  // Every IndexedDB database, every store, every record (the journal lives there).
  let idb = '';
  if (indexedDB.databases) {
    const dbs = await indexedDB.databases();
    idb = JSON.stringify(dbs);
    for (const { name } of dbs) {
      const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = no; });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((ok, no) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = no; });
        idb += `\n${name}/${store}: ${JSON.stringify(all)}`;
      }
      db.close();
    }
  }
  return {
    dom: document.documentElement.outerHTML,
    values: [...document.querySelectorAll('input, textarea')].map((i) => i.value).join('\n'),
    local: storage(localStorage),
    session: storage(sessionStorage),
    idb,
    url: location.href,
    panicked: document.body.getAttribute('data-panicked'),
  };
};

/** Everything a secret could leak into: LEAK_PROBE's surfaces, and the console. */
export async function leakSurfaces(page, consoleLines) {
  const inPage = await page.evaluate(LEAK_PROBE);
  return { ...inPage, console: consoleLines.join('\n') };
}

/**
 * The four demo connections of the sandbox at `api` (its origin), as a served
 * switchboard.json lists them for a panel on another origin.
 */
export function fourGateways(api) {
  return [
    { id: 'rf', name: 're-factor', dialect: 'refactor', base_url: `${api}/refactor`, auth: { scheme: 'bearer', token: 'demo-refactor-token' } },
    { id: 'ld', name: 'Libredesk', dialect: 'libredesk', base_url: `${api}/libredesk`, auth: { scheme: 'token', key: 'demo-libredesk-key', secret: 'demo-libredesk-secret' } },
    { id: 'bd', name: 'Barndoor', dialect: 'barndoor', base_url: `${api}/barndoor`, auth: { scheme: 'bearer', token: 'demo-barndoor-jwt' } },
    { id: 'rs', name: 'Respan', dialect: 'respan', base_url: `${api}/respan`, auth: { scheme: 'bearer', token: 'demo-respan-key' } },
  ];
}

const AXE = join(dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js');

/**
 * Runs axe-core (WCAG 2.x A and AA, and best practices) on the page as it is now and returns
 * its violations, each as "rule (impact): targets" so a failing assertion says what to fix.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
  });
  return found;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/**
 * A plain static server (not the sandbox) on a free port. `pages` maps exact paths to
 * functions giving `{ type, body }`; any other path under one of `mounts` is a file of dist/
 * (the mount itself is index.html). `headers(path)` is added to every answer. A POST is
 * answered 204 and kept in `posts` (CSP reports).
 */
export async function staticHost({ mounts, pages = {}, headers = () => ({}) }) {
  const port = await freePort();
  const posts = [];
  const server = createHttpServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const h = headers(path);
    if (req.method === 'POST') {
      // Reports (a CSP's report-uri): kept for the test to read.
      let body = '';
      for await (const chunk of req) body += chunk;
      posts.push({ path, type: req.headers['content-type'], body });
      return res.writeHead(204).end();
    }
    const page = pages[path];
    if (page) {
      const { type, body } = page();
      return res.writeHead(200, { ...h, 'Content-Type': type }).end(body);
    }
    const mount = mounts.find((m) => path.startsWith(m));
    if (!mount) return res.writeHead(404, h).end();
    const file = normalize(join(DIST, path.slice(mount.length) || 'index.html'));
    if (!file.startsWith(DIST)) return res.writeHead(403, h).end();
    try {
      return res.writeHead(200, { ...h, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' }).end(await readFile(file));
    } catch {
      return res.writeHead(404, h).end();
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { port, posts, close: () => server.close() };
}

/** Every update request the page sends (PUT or PATCH), as method, path, auth and body. */
export function recordUpdates(page) {
  const seen = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' || r.method() === 'PATCH') {
      seen.push({ method: r.method(), path: new URL(r.url()).pathname, auth: r.headers().authorization, body: r.postDataJSON() });
    }
  });
  return seen;
}

/** Fails with axe's findings when the page as it is now has any. */
export async function noViolations(page, where) {
  const found = await axeViolations(page);
  if (found.length) throw new Error(`axe on ${where}:\n${found.join('\n')}`);
}

/** A fresh page that records Content-Security-Policy violations (`window.__cspViolations`) and the console. */
export async function openWatched(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(String(e)));
  await page.goto(url);
  return { page, context, consoleLines };
}

/**
 * Renames Respan provider `id` (its card `key`) through the edit form; resolves with the
 * PATCH the browser sent once the card shows the new name and the sandbox's database holds it.
 */
export async function renameRespan(page, sandbox, key, id, name) {
  await page.waitForSelector(`.card[data-key="${key}"]`);
  await page.click(`.card[data-key="${key}"]`);
  await page.fill('#field-provider_name', name);
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'PATCH'),
    page.click('[role=dialog] button.primary'),
  ]);
  await page.waitForSelector(`.card[data-key="${key}"]:has-text("${name}")`);
  const rows = sandbox.query(`SELECT provider_name FROM respan_providers WHERE id = ${Number(id)}`);
  if (rows[0]?.provider_name !== name) throw new Error(`the database holds ${JSON.stringify(rows)}`);
  return req;
}

/**
 * The sandbox's configuration made troubled, for the health view: Barndoor with a wrong
 * token, and two more Respan connections, one to a host that answers without CORS headers
 * (`noCorsPort`, a staticHost serving /respan/api/providers/) and one to a closed port.
 */
export function troubled(cfg, noCorsPort, closedPort, noCorsName = 'Respan (no CORS)') {
  cfg.connections.find((c) => c.id === 'barndoor').auth.token = 'wrong-token';
  const respan = cfg.connections.find((c) => c.id === 'respan');
  cfg.connections.push(
    { ...respan, id: 'no-cors', name: noCorsName, base_url: `http://127.0.0.1:${noCorsPort}/respan` },
    { ...respan, id: 'down', name: 'Respan (closed port)', base_url: `http://127.0.0.1:${closedPort}/respan` },
  );
  return cfg;
}
