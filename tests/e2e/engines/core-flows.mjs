// The core flows, in any engine (driver.mjs): the first screen, one edit per gateway with
// the exact request the sandbox received and what its database holds after, validation
// blocking a save, the canary key absent after a save, the keyboard (open, close, focus
// return), the dialog's focus trap, the stale warning, two fault-matrix cells, the static
// host under a sub-path with a strict CSP, and the custom element. The full suite runs
// in Chromium with Playwright; these run in Chromium, Firefox and WebKit alike, so every
// assertion goes through WebDriver and the sandbox's request record, not a browser's
// network hooks. Each suite's name starts with the engine's, so a failure names it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, fourGateways, LEAK_PROBE, startSandbox, staticHost } from '../harness.mjs';
import { Key, startEngine } from './driver.mjs';

const BARNDOOR = 'b1a7c3d2-0001-4a00-8000-000000000001';
const BARNDOOR_TIMEOUTS = 'b1a7c3d2-0004-4a00-8000-000000000004';
const dialog = '[role=dialog]';
const field = (name) => `${dialog} [data-field="${name}"]`;

/** The hostile page CSS of the custom-element test: the panel must look right regardless. */
const HOSTILE = `* { font-size: 40px !important; color: red !important; letter-spacing: 9px !important; }
  .card, .app, .dialog { display: none !important; border: 9px solid red !important; }`;

export function coreFlows(id) {
  let engine;
  let page;
  let sandbox;
  let host;
  let api;

  const csp = (report) => `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${api}; img-src 'self' data:; frame-ancestors 'self'; report-uri ${report}`;
  const hostConfig = () => ({ connections: fourGateways(api), ui: { allow_file_credentials: true } });

  /**
   * The panel in a new browser session, as a new visitor sees it: nothing kept from
   * earlier tests (no drafts, no journal), like Playwright's new context per test.
   */
  async function open(url = sandbox.url) {
    page = await engine.fresh();
    await page.goto(url);
    await page.waitFor('.card[data-key]');
    await page.waitFor('.grid[aria-busy="false"]');
  }

  async function openCard(key) {
    await page.click(`.card[data-key="${key}"]`);
    await page.waitFor(dialog);
  }

  /** The updates (neither GET nor OPTIONS) the sandbox received since the last call. */
  async function updates() {
    const all = await sandbox.requests();
    await sandbox.forget();
    return all.filter((r) => r.method !== 'GET');
  }

  /** Clicks Save, waits for the form to close, and gives the one update it sent. */
  async function save() {
    await sandbox.forget();
    await page.click(`${dialog} button.primary`);
    await page.waitGone(dialog);
    const sent = await updates();
    assert.equal(sent.length, 1, `one update: ${JSON.stringify(sent)}`);
    return sent[0];
  }

  /** Where a secret could leak after a save: markup, input values, storage, IndexedDB, URL. */
  async function assertNoCanary() {
    const { panicked, ...surfaces } = await page.js(LEAK_PROBE);
    for (const [where, text] of Object.entries(surfaces)) assert.ok(!text.includes(CANARY), `canary in ${where}`);
    assert.equal(panicked, null, 'the panel panicked');
  }

  describe(`${id}: core flows`, { timeout: 240000 }, () => {
    before(async () => {
      sandbox = await startSandbox({ args: ['--record', '--fault-control', '--quiet'] });
      api = sandbox.url.replace(/\/$/, '');
      engine = await startEngine(id);
      page = engine.page;
      host = await staticHost({
        mounts: ['/admin/llm/'],
        pages: {
          '/admin/llm/switchboard.json': () => ({ type: 'application/json', body: JSON.stringify(hostConfig()) }),
          '/host/element.html': () => ({
            type: 'text/html',
            body: `<!doctype html><html><head><style>${HOSTILE}</style>
              <script type="module" src="/admin/llm/switchboard-element.js"></script></head><body>
              <p class="card" id="host-card">The host's own .card</p>
              <switchboard-panel config="/admin/llm/switchboard.json"></switchboard-panel></body></html>`,
          }),
          // Proves that this engine reports CSP violations, so that none reported below means none.
          '/admin/llm/probe.html': () => ({ type: 'text/html', body: '<!doctype html><p>probe</p><script>document.title = "ran"</script>' }),
        },
        headers: (path) => (path.startsWith('/admin/llm/') ? { 'Content-Security-Policy': csp('/csp-report') } : {}),
      });
    });

    after(async () => {
      await engine?.stop();
      host?.close();
      await sandbox?.stop();
    });

    it(`shows every gateway's providers (${id})`, async () => {
      await open();
      const counts = await page.js(() => {
        const by = {};
        for (const c of document.querySelectorAll('.card[data-key]')) {
          const g = c.dataset.key.split('/')[0];
          by[g] = (by[g] || 0) + 1;
        }
        return by;
      });
      const [rf] = sandbox.query('SELECT count(*) AS n FROM refactor_providers');
      const [bd] = sandbox.query('SELECT count(*) AS n FROM barndoor_providers');
      const [rs] = sandbox.query('SELECT count(*) AS n FROM respan_providers');
      assert.deepEqual(counts, { refactor: rf.n, libredesk: 1, barndoor: bd.n, respan: rs.n });
      const total = rf.n + 1 + bd.n + rs.n;
      assert.equal(await page.text('.count'), `${total} of ${total}`);
    });

    it('re-factor: PUTs only the changed fields with the bearer token; the database holds them', async () => {
      await open();
      await openCard('refactor/openai');
      await page.setChecked('#field-enabled', false);
      await page.fill(`${field('credentials')} input[aria-label="New key for Credentials"]`, 'api_key');
      await page.fill(`${field('credentials')} input[aria-label="Value of the new key for Credentials"]`, CANARY);
      await page.click(`${field('credentials')} .kv-add button`);
      const req = await save();
      assert.equal(req.method, 'PUT');
      assert.equal(req.path, '/refactor/v1/llm-provider/openai');
      assert.equal(req.headers.authorization, 'Bearer demo-refactor-token');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(req.body), { enabled: false, credentials: { api_key: CANARY } });
      const [row] = sandbox.query("SELECT enabled, credentials FROM refactor_providers WHERE provider = 'openai'");
      assert.equal(row.enabled, 0);
      assert.deepEqual(JSON.parse(row.credentials), { api_key: CANARY, organization: 'org-demo' });
      await page.waitFor('.card[data-key="refactor/openai"] .pill.off');
      await assertNoCanary();
    });

    it('Libredesk: PUTs provider and api_key with Basic auth; the key is stored and nowhere in the page', async () => {
      await open();
      await openCard('libredesk/openai');
      await page.fill('#field-api_key', CANARY);
      const req = await save();
      assert.equal(req.method, 'PUT');
      assert.equal(req.path, '/libredesk/api/v1/ai/provider');
      assert.equal(req.headers.authorization, `Basic ${Buffer.from('demo-libredesk-key:demo-libredesk-secret').toString('base64')}`);
      assert.deepEqual(JSON.parse(req.body), { provider: 'openai', api_key: CANARY });
      assert.deepEqual(sandbox.query('SELECT provider, api_key FROM libredesk_ai'), [{ provider: 'openai', api_key: CANARY }]);
      await page.waitFor('.card[data-key="libredesk/openai"] .status.saved');
      await assertNoCanary();
    });

    it('Barndoor: renames and inherits a timeout in one PUT with an explicit null', async () => {
      await open();
      await openCard(`barndoor/${BARNDOOR}`);
      await page.fill('#field-name', `OpenAI (${id})`);
      await page.setChecked(`${field('request_timeout_secs')} .inherit input`, true);
      const req = await save();
      assert.equal(req.method, 'PUT');
      assert.equal(req.path, `/barndoor/api/llm-gateway/admin/providers/${BARNDOOR}`);
      assert.equal(req.headers.authorization, 'Bearer demo-barndoor-jwt');
      assert.deepEqual(JSON.parse(req.body), { name: `OpenAI (${id})`, request_timeout_secs: null });
      assert.deepEqual(sandbox.query(`SELECT name, request_timeout_secs FROM barndoor_providers WHERE id = '${BARNDOOR}'`),
        [{ name: `OpenAI (${id})`, request_timeout_secs: null }]);
      await page.waitFor(`.card[data-key="barndoor/${BARNDOOR}"]`, { text: `OpenAI \\(${id}\\)` });
    });

    it('Respan: PATCHes name, write-only key and extra_kwargs to the pk with a trailing slash', async () => {
      await open();
      await openCard('respan/1');
      await page.fill('#field-provider_name', 'Updated Azure Provider');
      await page.click(`${field('api_key')} button`, { text: /Replace/ });
      await page.fill('#field-api_key', CANARY);
      await page.fill('#field-extra_kwargs', '{"timeout": 90}');
      const req = await save();
      assert.equal(req.method, 'PATCH');
      assert.equal(req.path, '/respan/api/providers/1/');
      assert.equal(req.headers.authorization, 'Bearer demo-respan-key');
      assert.deepEqual(JSON.parse(req.body), { provider_name: 'Updated Azure Provider', api_key: CANARY, extra_kwargs: { timeout: 90 } });
      const [row] = sandbox.query('SELECT provider_name, api_key, extra_kwargs FROM respan_providers WHERE id = 1');
      assert.deepEqual({ ...row, extra_kwargs: JSON.parse(row.extra_kwargs) },
        { provider_name: 'Updated Azure Provider', api_key: CANARY, extra_kwargs: { timeout: 90 } });
      await assertNoCanary();
    });

    it('blocks an invalid value in the browser: a message at the field, Save disabled, nothing sent', async () => {
      await open();
      await openCard(`barndoor/${BARNDOOR_TIMEOUTS}`);
      await sandbox.forget();
      await page.fill('#field-stream_idle_timeout_secs', '1801');
      assert.match(await page.text(`${field('stream_idle_timeout_secs')} .field-error`), /from 1 to 1800/);
      assert.equal(await page.disabled(`${dialog} button.primary`), true);
      await page.press(Key.CONTROL, 's');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(await updates(), [], 'Ctrl+S sends nothing either');
      await page.fill('#field-stream_idle_timeout_secs', '1800');
      assert.equal(await page.disabled(`${dialog} button.primary`), false);
    });

    it('opens and closes a form from the keyboard and gives focus back to the card', async () => {
      await open();
      await page.focus('.card[data-key]');
      const first = await page.focusedKey();
      await page.press(Key.ARROW_RIGHT);
      const second = await page.focusedKey();
      assert.ok(first && second && first !== second, `arrow moved focus (${first} -> ${second})`);
      await page.press(Key.ENTER);
      await page.waitFor(dialog);
      assert.ok(await page.js(() => !!document.activeElement.closest('[role=dialog]')), 'focus moved into the form');
      await page.press(Key.ESCAPE);
      await page.waitGone(dialog);
      assert.equal(await page.focusedKey(), second, 'focus returns to the card');
    });

    it('keeps focus inside an open form with Tab and Shift+Tab, and the rest inert', async () => {
      await open();
      await openCard(`barndoor/${BARNDOOR}`);
      const inside = () => page.js(() => !!document.activeElement?.closest('[role=dialog]'));
      const seen = new Set();
      for (let i = 0; i < 30; i++) {
        if (i % 3 === 2) await page.press(Key.SHIFT, Key.TAB);
        else await page.press(Key.TAB);
        assert.ok(await inside(), `focus stayed in the form after ${i + 1} presses`);
        seen.add(await page.js(() => document.activeElement.id || document.activeElement.textContent.slice(0, 20)));
      }
      assert.ok(seen.size > 3, 'Tab moved between the controls');
      assert.equal(await page.js(() => document.querySelector('.toolbar')?.closest('[inert]') !== null), true, 'the page behind is inert');
      await page.press(Key.ESCAPE);
      await page.waitGone(dialog);
    });

    it('warns that the provider changed on the server and sends nothing until told to', async () => {
      await open();
      await openCard('respan/3');
      await page.fill('#field-provider_name', 'mine');
      sandbox.exec("UPDATE respan_providers SET provider_name = 'theirs' WHERE id = 3");
      await sandbox.forget();
      await page.click(`${dialog} button.primary`);
      await page.waitFor(`${dialog} .notice.warn`);
      await page.waitFor(`${dialog} .diff tr.changed`, { text: /theirs/ });
      assert.deepEqual(await updates(), [], 'nothing sent before the user saw the new plan');
      assert.equal(await page.value('#field-provider_name'), 'mine', 'the draft is kept');
      await page.click(`${dialog} button`, { text: /Save anyway/ });
      await page.waitGone(dialog);
      const sent = await updates();
      assert.deepEqual(sent.map((r) => [r.method, r.path, JSON.parse(r.body)]), [['PATCH', '/respan/api/providers/3/', { provider_name: 'mine' }]]);
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: 'mine' }]);
    });

    it('retries a 503 with Retry-After and saves', async () => {
      await open();
      await sandbox.faults([{ method: 'PATCH', path: '/respan/api/providers/3/', kind: 'status', status: 503, retry_after: 1, times: 1 }]);
      try {
        await openCard('respan/3');
        await page.fill('#field-provider_name', `after 503 (${id})`);
        await sandbox.forget();
        await page.click(`${dialog} button.primary`);
        await page.waitGone(dialog);
        await page.waitFor('.card[data-key="respan/3"] .status.saved');
        const sent = await updates();
        assert.deepEqual(sent.map((r) => r.method), ['PATCH', 'PATCH'], 'the 503, then the retry');
        assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: `after 503 (${id})` }]);
      } finally {
        await sandbox.faults([]);
      }
    });

    it('says a dropped connection could not save, keeps the draft and lets the user retry', async () => {
      await open();
      const [before] = sandbox.query("SELECT name FROM barndoor_providers WHERE id = 'b1a7c3d2-0003-4a00-8000-000000000003'");
      const path = '/barndoor/api/llm-gateway/admin/providers/b1a7c3d2-0003-4a00-8000-000000000003';
      await sandbox.faults([{ method: 'PUT', path, kind: 'drop' }]);
      try {
        await openCard('barndoor/b1a7c3d2-0003-4a00-8000-000000000003');
        await page.fill('#field-name', 'dropped');
        await sandbox.forget();
        await page.click(`${dialog} button.primary`);
        const msg = await page.text(`${dialog} .form-error:not(:empty)`);
        assert.match(msg, /connection dropped|could not be reached/);
        assert.equal(await page.value('#field-name'), 'dropped', 'the draft is intact');
        assert.equal(await page.disabled(`${dialog} button.primary`), false, 'the user can try again');
        const sent = await updates();
        // The panel tries an idempotent PUT three times, 300 ms and then 900 ms apart. A
        // browser's network stack also resends a request at once when the connection
        // drops under it (Chromium does, twice), so attempts are told apart by the pause.
        assert.ok(sent.every((r) => r.method === 'PUT' && r.path === path), JSON.stringify(sent));
        const attempts = sent.filter((r, i) => i === 0 || r.at_ms - sent[i - 1].at_ms > 200).length;
        assert.equal(attempts, 3, `the PUT was tried three times (arrivals: ${sent.map((r) => r.at_ms - sent[0].at_ms)} ms)`);
        assert.deepEqual(sandbox.query("SELECT name FROM barndoor_providers WHERE id = 'b1a7c3d2-0003-4a00-8000-000000000003'"), [before]);
      } finally {
        await sandbox.faults([]);
      }
      await page.click(`${dialog} button.primary`);
      await page.waitGone(dialog);
      assert.deepEqual(sandbox.query("SELECT name FROM barndoor_providers WHERE id = 'b1a7c3d2-0003-4a00-8000-000000000003'"), [{ name: 'dropped' }]);
    });

    it('runs on a static host under /admin/llm/ with a strict CSP, and saves cross-origin', async () => {
      const origin = `http://localhost:${host.port}`;
      // The control: an inline script on the same policy is refused and reported.
      await page.goto(`${origin}/admin/llm/probe.html`);
      await page.until('the probe\'s CSP report', () => host.posts.some((p) => p.body.includes('inline')));
      assert.notEqual(await page.js(() => document.title), 'ran');
      host.posts.length = 0;
      await open(`${origin}/admin/llm/`);
      assert.equal(await page.count('.card[data-key^="rf/"]') > 0 && await page.count('.card[data-key^="rs/"]') > 0, true);
      await openCard('rs/2');
      await page.fill('#field-provider_name', `from a static host (${id})`);
      const req = await save();
      assert.deepEqual([req.method, req.path, req.headers.origin], ['PATCH', '/respan/api/providers/2/', origin]);
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 2'), [{ provider_name: `from a static host (${id})` }]);
      await page.waitFor('.card[data-key="rs/2"]', { text: /from a static host/ });
      assert.deepEqual(host.posts.map((p) => p.body), [], 'no CSP violation reported');
    });

    it('runs as a custom element in a page with hostile CSS, and saves from inside its shadow root', async () => {
      page = await engine.fresh();
      await page.goto(`http://127.0.0.1:${host.port}/host/element.html`);
      const panel = page.inShadowOf('switchboard-panel');
      await panel.waitFor('.card[data-key="rs/1"]');
      const look = await panel.js((root) => {
        const s = getComputedStyle(root.querySelector('.card[data-key="rs/1"] .card-name'));
        return { display: getComputedStyle(root.querySelector('.card[data-key="rs/1"]')).display, size: s.fontSize, color: s.color };
      });
      assert.notEqual(look.display, 'none');
      assert.notEqual(look.size, '40px');
      assert.notEqual(look.color, 'rgb(255, 0, 0)');
      assert.equal(await page.js(() => getComputedStyle(document.getElementById('host-card')).borderRadius), '0px', 'the panel\'s CSS stays in its shadow root');
      await panel.click('.card[data-key="rs/1"]');
      await panel.waitFor(dialog);
      await panel.fill('#field-provider_name', `set from the element (${id})`);
      await sandbox.forget();
      await panel.click(`${dialog} button.primary`);
      await panel.waitGone(dialog);
      const sent = await updates();
      assert.deepEqual(sent.map((r) => [r.method, r.path, JSON.parse(r.body)]), [['PATCH', '/respan/api/providers/1/', { provider_name: `set from the element (${id})` }]]);
      await panel.waitFor('.card[data-key="rs/1"]', { text: /set from the element/ });
      // Keyboard inside the shadow root: arrows move, Escape gives focus back.
      await panel.focus('.card[data-key]');
      const first = await panel.focusedKey();
      await page.press(Key.ARROW_RIGHT);
      const second = await panel.focusedKey();
      assert.ok(first && second && first !== second, `arrow moved focus (${first} -> ${second})`);
      await page.press(Key.ENTER);
      await panel.waitFor(dialog);
      await page.press(Key.ESCAPE);
      await panel.waitGone(dialog);
      assert.equal(await panel.focusedKey(), second, 'focus returns to the card');
    });
  });
}
