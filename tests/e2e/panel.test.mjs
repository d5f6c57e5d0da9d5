// Per dialect: the exact request a typical edit sends and what the database holds after,
// a validation error blocked in the browser, a server error shown with the draft kept,
// and a secret that never reaches the DOM, web storage, the URL or the console.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, launch, leakSurfaces, leaveForm, openCard, openPanel, saveAndCapture, startSandbox } from './harness.mjs';

let sandbox;
let browser;
before(async () => {
  sandbox = await startSandbox({ args: ['--fault-control'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const BARNDOOR_OPENAI = 'b1a7c3d2-0001-4a00-8000-000000000001';
const dialog = '[role=dialog]';

function field(name) {
  return `${dialog} [data-field="${name}"]`;
}

async function assertNoLeak(page, consoleLines) {
  const s = await leakSurfaces(page, consoleLines);
  for (const where of ['dom', 'values', 'local', 'session', 'idb', 'url', 'console']) {
    assert.ok(!s[where].includes(CANARY), `canary leaked into ${where}`);
  }
  assert.equal(s.panicked, null, 'the app panicked');
}

async function countRequests(page, method, action) {
  let n = 0;
  const on = (r) => { if (r.method() === method) n++; };
  page.on('request', on);
  await action();
  await page.waitForTimeout(300);
  page.off('request', on);
  return n;
}

describe('re-factor', () => {
  it('sends only the changed fields with PUT and the bearer token; the database holds them', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, 'refactor/openai');
    await page.uncheck('#field-enabled');
    await page.getByLabel("New key for Credentials", { exact: true }).fill('api_key');
    await page.getByLabel("Value of the new key for Credentials", { exact: true }).fill(CANARY);
    await page.click(`${field('credentials')} .kv-add button`);
    const preview = await page.textContent(`${dialog} .request`);
    assert.match(preview, /^PUT \/refactor\/v1\/llm-provider\/openai/);
    assert.ok(preview.includes('Authorization: Bearer ••••') && !preview.includes(CANARY), preview);
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.equal(new URL(req.url()).pathname, '/refactor/v1/llm-provider/openai');
    const h = await req.allHeaders();
    assert.equal(h.authorization, 'Bearer demo-refactor-token');
    assert.equal(h['content-type'], 'application/json');
    assert.deepEqual(req.postDataJSON(), { enabled: false, credentials: { api_key: CANARY } });
    assert.equal(res.status(), 200);
    await page.waitForSelector(`${dialog}`, { state: 'detached' });
    await page.waitForSelector('.card[data-key="refactor/openai"] .pill.off');
    const [row] = sandbox.query("SELECT enabled, credentials FROM refactor_providers WHERE provider = 'openai'");
    assert.equal(row.enabled, 0);
    assert.deepEqual(JSON.parse(row.credentials), { api_key: CANARY, organization: 'org-demo' });
    await assertNoLeak(page, consoleLines);
    await page.reload();
    await page.waitForSelector('.card[data-key="refactor/openai"] .pill.off');
    await context.close();
  });

  it('sends a credential value typed as JSON as that JSON, masked everywhere, and refuses bad JSON', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, 'refactor/google-vertex');
    const account = { type: 'service_account', private_key: CANARY, scopes: ['a', 'b'] };
    await page.getByLabel('New key for Credentials', { exact: true }).fill('service_account');
    await page.getByLabel('Value of the new key for Credentials', { exact: true }).fill('{"type": "service_account"');
    await page.getByLabel('JSON value for the new key of Credentials').check();
    await page.click(`${field('credentials')} .kv-add button`);
    assert.match(await page.textContent(`${field('credentials')} .field-error`), /The value of service_account is not valid JSON/);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    // The typed text is kept: fix it in place.
    await page.getByLabel('New value for service_account').fill(JSON.stringify(account));
    await page.getByLabel('New key for Credentials', { exact: true }).fill('timeout');
    await page.getByLabel('Value of the new key for Credentials', { exact: true }).fill('30');
    await page.getByLabel('JSON value for the new key of Credentials').check();
    await page.click(`${field('credentials')} .kv-add button`);
    const preview = await page.textContent(`${dialog} .request`);
    assert.ok(!preview.includes(CANARY), preview);
    assert.match(preview, /"private_key": ?"••••"/);
    assert.match(preview, /"timeout": ?"••••"/);
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.deepEqual(req.postDataJSON(), { credentials: { service_account: account, timeout: 30 } });
    assert.equal(res.status(), 200);
    assert.deepEqual((await res.json()).credentials.service_account, '***');
    await page.waitForSelector(dialog, { state: 'detached' });
    const [row] = sandbox.query("SELECT credentials FROM refactor_providers WHERE provider = 'google-vertex'");
    const stored = JSON.parse(row.credentials);
    assert.deepEqual([stored.service_account, stored.timeout], [account, 30]);
    await assertNoLeak(page, consoleLines);
    await context.close();
  });

  it('blocks an empty credential value in the browser', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await openCard(page, 'refactor/azure');
    await page.getByLabel("New key for Credentials", { exact: true }).fill('region');
    await page.click(`${field('credentials')} .kv-add button`);
    assert.match(await page.textContent(`${field('credentials')} .field-error`), /Enter a value for region/);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    assert.equal(await countRequests(page, 'PUT', () => page.keyboard.press('Control+s')), 0);
    await context.close();
  });

  it('shows the 404 envelope and keeps the draft', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    sandbox.exec("DELETE FROM refactor_providers WHERE provider = 'anthropic'");
    await openCard(page, 'refactor/anthropic');
    await page.uncheck('#field-enabled');
    const { res } = await saveAndCapture(page, 'PUT');
    assert.equal(res.status(), 404);
    await page.waitForSelector(`${dialog} .form-error:has-text("No configuration found for provider: anthropic")`);
    assert.equal(await page.isChecked('#field-enabled'), false, 'draft kept');
    assert.match(await page.textContent('.card[data-key="refactor/anthropic"] .status'), /Not saved/);
    await context.close();
  });
});

describe('Libredesk', () => {
  it('sends provider and api_key together with Basic auth; stores the key', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, 'libredesk/openai');
    assert.match(await page.textContent(field('api_key')), /with every change/);
    await page.fill('#field-api_key', CANARY);
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.equal(new URL(req.url()).pathname, '/libredesk/api/v1/ai/provider');
    assert.equal((await req.allHeaders()).authorization, 'Basic ' + Buffer.from('demo-libredesk-key:demo-libredesk-secret').toString('base64'));
    assert.deepEqual(req.postDataJSON(), { provider: 'openai', api_key: CANARY });
    assert.deepEqual(await res.json(), { status: 'success', data: true });
    await page.waitForSelector(dialog, { state: 'detached' });
    assert.deepEqual(sandbox.query('SELECT provider, api_key FROM libredesk_ai'), [{ provider: 'openai', api_key: CANARY }]);
    await page.waitForSelector('.card[data-key="libredesk/openai"] .status.saved');
    await assertNoLeak(page, consoleLines);
    await context.close();
  });

  it('blocks a key with surrounding spaces in the browser', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await openCard(page, 'libredesk/openai');
    await page.fill('#field-api_key', ' sk-x ');
    assert.match(await page.textContent(`${field('api_key')} .field-error`), /spaces/);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    await context.close();
  });

  it('shows a storage failure in plain words and keeps the draft', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    sandbox.exec('ALTER TABLE libredesk_ai RENAME TO libredesk_ai_gone');
    try {
      await openCard(page, 'libredesk/openai');
      await page.fill('#field-api_key', CANARY);
      const { res } = await saveAndCapture(page, 'PUT');
      assert.equal(res.status(), 500);
      await page.waitForSelector(`${dialog} .form-error:has-text("Error updating AI provider")`);
      assert.equal(await page.inputValue('#field-api_key'), CANARY, 'typed key kept for the retry');
      await leaveForm(page, 'Cancel');
      await assertNoLeak(page, consoleLines);
    } finally {
      sandbox.exec('ALTER TABLE libredesk_ai_gone RENAME TO libredesk_ai');
    }
    await context.close();
  });
});

describe('Barndoor', () => {
  const key = `barndoor/${BARNDOOR_OPENAI}`;

  it('renames, inherits a timeout and detaches with a key, in one PUT with explicit nulls', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, key);
    await page.fill('#field-name', 'OpenAI Production (EU)');
    await page.check(`${field('request_timeout_secs')} .inherit input`);
    await page.check(`${field('connection_id')} .inherit input`);
    assert.match(await page.textContent(`${field('api_key')} .field-error`), /Detaching/);
    await page.click(`${field('api_key')} button:has-text("Replace")`);
    await page.fill('#field-api_key', CANARY);
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.equal(new URL(req.url()).pathname, `/barndoor/api/llm-gateway/admin/providers/${BARNDOOR_OPENAI}`);
    assert.equal((await req.allHeaders()).authorization, 'Bearer demo-barndoor-jwt');
    assert.deepEqual(req.postDataJSON(), {
      name: 'OpenAI Production (EU)', request_timeout_secs: null, connection_id: null, api_key: CANARY,
    });
    assert.equal(res.status(), 200);
    await page.waitForSelector(dialog, { state: 'detached' });
    const [row] = sandbox.query(`SELECT name, request_timeout_secs, connection_id, api_key FROM barndoor_providers WHERE id = '${BARNDOOR_OPENAI}'`);
    assert.deepEqual(row, { name: 'OpenAI Production (EU)', request_timeout_secs: null, connection_id: null, api_key: CANARY });
    await page.waitForSelector(`.card[data-key="${key}"]:has-text("OpenAI Production (EU)")`);
    await assertNoLeak(page, consoleLines);
    await context.close();
  });

  it('blocks a stream idle timeout above 1800 in the browser', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await openCard(page, 'barndoor/b1a7c3d2-0004-4a00-8000-000000000004');
    await page.fill('#field-stream_idle_timeout_secs', '1801');
    assert.match(await page.textContent(`${field('stream_idle_timeout_secs')} .field-error`), /from 1 to 1800/);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    await page.fill('#field-stream_idle_timeout_secs', '1800');
    assert.ok(!(await page.isDisabled(`${dialog} button.primary`)));
    await context.close();
  });

  it('shows the 404 of a deleted provider and keeps the draft', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const gone = 'b1a7c3d2-0005-4a00-8000-000000000005';
    sandbox.exec(`DELETE FROM barndoor_providers WHERE id = '${gone}'`);
    await openCard(page, `barndoor/${gone}`);
    await page.fill('#field-name', 'Groq renamed');
    const { res } = await saveAndCapture(page, 'PUT');
    assert.equal(res.status(), 404);
    await page.waitForSelector(`${dialog} .form-error:has-text("Provider not found")`);
    assert.equal(await page.inputValue('#field-name'), 'Groq renamed');
    await context.close();
  });
});

describe('Respan', () => {
  it('PATCHes name, write-only key and extra_kwargs to the pk with a trailing slash', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, 'respan/1');
    await page.fill('#field-provider_name', 'Updated Azure Provider');
    await page.click(`${field('api_key')} button:has-text("Replace")`);
    await page.fill('#field-api_key', CANARY);
    await page.fill('#field-extra_kwargs', '{"base_url": "https://updated-endpoint.openai.azure.com", "timeout": 90}');
    const { req, res } = await saveAndCapture(page, 'PATCH');
    assert.equal(new URL(req.url()).pathname, '/respan/api/providers/1/');
    assert.equal((await req.allHeaders()).authorization, 'Bearer demo-respan-key');
    assert.deepEqual(req.postDataJSON(), {
      provider_name: 'Updated Azure Provider', api_key: CANARY,
      extra_kwargs: { base_url: 'https://updated-endpoint.openai.azure.com', timeout: 90 },
    });
    assert.equal(res.status(), 200);
    await page.waitForSelector(dialog, { state: 'detached' });
    const [row] = sandbox.query('SELECT provider_name, api_key, extra_kwargs FROM respan_providers WHERE id = 1');
    assert.equal(row.provider_name, 'Updated Azure Provider');
    assert.equal(row.api_key, CANARY);
    assert.deepEqual(JSON.parse(row.extra_kwargs), { base_url: 'https://updated-endpoint.openai.azure.com', timeout: 90 });
    await page.waitForSelector('.card[data-key="respan/1"]:has-text("Updated Azure Provider")');
    await assertNoLeak(page, consoleLines);
    await context.close();
  });

  it('blocks malformed extra_kwargs JSON in the browser, and locks managed providers', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await openCard(page, 'respan/3');
    await page.fill('#field-extra_kwargs', '{"timeout": ');
    assert.match(await page.textContent(`${field('extra_kwargs')} .field-error`), /Not valid JSON/);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    await leaveForm(page);
    await openCard(page, 'respan/2');
    assert.ok(await page.isDisabled('#field-extra_kwargs'));
    assert.match(await page.textContent(field('api_key')), /Managed by Respan/);
    await context.close();
  });

  it('warns that the provider changed on the server and shows the request planned against the server\'s version before sending', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await openCard(page, 'respan/3');
    await page.fill('#field-provider_name', 'mine');
    assert.match(await page.textContent(`${dialog} .preview`), /"provider_name": "mine"/);
    // Someone renames it and makes it managed behind the panel's back.
    sandbox.exec("UPDATE respan_providers SET provider_name = 'theirs' WHERE id = 3");
    const patches = [];
    page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.postDataJSON()); });
    await page.click(`${dialog} button.primary`);
    await page.waitForSelector(`${dialog} .notice.warn`);
    assert.deepEqual(patches, [], 'nothing is sent before the user has seen the new plan');
    // The preview now compares against the server's version.
    await page.waitForSelector(`${dialog} .diff tr.changed:has-text("theirs")`);
    assert.equal(await page.inputValue('#field-provider_name'), 'mine', 'the draft is kept');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH'),
      page.click(`${dialog} button:has-text("Save anyway")`),
    ]);
    assert.deepEqual(req.postDataJSON(), { provider_name: 'mine' });
    await page.waitForSelector(dialog, { state: 'detached' });
    assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: 'mine' }]);

    // A provider that became managed: the refreshed plan knows its key is locked and
    // refuses to send it, with the reason next to the field; the draft stays.
    sandbox.exec('UPDATE respan_providers SET is_managed = 1 WHERE id = 3');
    await openCard(page, 'respan/3');
    await page.click(`${field('api_key')} button:has-text("Replace")`);
    await page.fill('#field-api_key', CANARY);
    await page.click(`${dialog} button.primary`);
    await page.waitForSelector(`${dialog} .notice.warn`);
    await page.waitForSelector(`${field('api_key')} .field-error:has-text("Managed by Respan")`);
    assert.ok(await page.isDisabled(`${dialog} button.primary`));
    assert.equal(await page.inputValue('#field-api_key'), CANARY);
    assert.equal(patches.length, 1, 'the locked key was never sent');
    await leaveForm(page, 'Cancel');
    await assertNoLeak(page, consoleLines);
    sandbox.exec('UPDATE respan_providers SET is_managed = 0 WHERE id = 3');
    await context.close();
  });
});

describe('working in the panel', () => {
  it('keeps a draft across a reload, without its secret', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const key = 'barndoor/b1a7c3d2-0002-4a00-8000-000000000002';
    await openCard(page, key);
    await page.fill('#field-name', 'Draft that survives');
    await page.click(`${field('api_key')} button:has-text("Replace")`);
    await page.fill('#field-api_key', CANARY);
    await page.reload();
    await page.waitForSelector('.card[data-key]');
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    assert.ok(stored.includes('Draft that survives'));
    assert.ok(!stored.includes(CANARY), 'the key is never kept');
    await openCard(page, key);
    assert.equal(await page.inputValue('#field-name'), 'Draft that survives');
    assert.ok(await page.isVisible(`${field('api_key')} button:has-text("Replace")`), 'secret box back to "keep current"');
    await context.close();
  });

  it('updates a saved card in place: the same element, the new state', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const key = 'refactor/openai';
    const card = `.card[data-key="${key}"]`;
    await page.evaluate((sel) => { window.__card = document.querySelector(sel); }, card);
    await openCard(page, key);
    const wasOn = await page.isChecked('#field-enabled');
    await page.setChecked('#field-enabled', !wasOn);
    const { res } = await saveAndCapture(page, 'PUT');
    assert.equal(res.status(), 200);
    await page.waitForSelector(`${card} .status.saved`);
    await page.waitForSelector(`${card} .pill:text-is("${wasOn ? 'Disabled' : 'Enabled'}")`);
    assert.ok(await page.evaluate((sel) => window.__card.isConnected && window.__card === document.querySelector(sel), card),
      'the card element that was there before the save is the one showing its result');
    await context.close();
  });

  it('closes its IndexedDB connection when another page deletes the database, and reopens it for the next save', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const rename = async (name) => {
      await openCard(page, 'respan/2');
      await page.fill('#field-provider_name', name);
      await saveAndCapture(page, 'PATCH');
      await page.waitForSelector(`.card[data-key="respan/2"]:has-text("${name}")`);
    };
    // How many entries the journal holds in this browser (0 without its database).
    const entries = () => page.evaluate(async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === 'switchboard')) return 0;
      return new Promise((resolve) => {
        const open = indexedDB.open('switchboard');
        open.onsuccess = () => {
          const db = open.result;
          try {
            const all = db.transaction('journal').objectStore('journal').getAll();
            all.onsuccess = () => { db.close(); resolve(all.result.length); };
            all.onerror = () => { db.close(); resolve(0); };
          } catch { db.close(); resolve(0); }
        };
        open.onerror = () => resolve(0);
      });
    });
    // The journal is written after the card shows the save: wait for its first entry.
    const journaled = async () => {
      for (const started = Date.now(); Date.now() - started < 10_000;) {
        const n = await entries();
        if (n > 0) return n;
        await new Promise((r) => setTimeout(r, 50));
      }
      return 0;
    };
    await rename('journal opened');
    assert.equal(await journaled(), 1);
    // What another tab (or a newer version of the panel) does: delete the journal's
    // database. A connection left open would keep this "blocked" until the panel closes.
    const outcome = await page.evaluate(() => new Promise((resolve) => {
      const r = indexedDB.deleteDatabase('switchboard');
      r.onsuccess = () => resolve('deleted');
      r.onblocked = () => resolve('blocked');
      r.onerror = () => resolve('error');
    }));
    assert.equal(outcome, 'deleted');
    await rename('journal reopened');
    assert.equal(await journaled(), 1, 'the next save is journaled in a new database');
    await context.close();
  });

  it('asks in its own dialog before discarding unsaved changes, and returns focus', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const native = [];
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => { native.push(d.message()); d.dismiss(); });
    await page.focus('.card[data-key="refactor/azure"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector(dialog);
    await page.setChecked('#field-enabled', false);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-text:has-text("Discard your unsaved changes to Azure OpenAI?")');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Keep editing', 'the safe answer has focus');
    assert.ok(await page.evaluate(() => document.querySelector('.backdrop').hasAttribute('inert')), 'the form waits behind the question');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm-text', { state: 'detached' });
    assert.equal(await page.isChecked('#field-enabled'), false, 'keeping on editing keeps the edit');
    assert.ok(!(await page.evaluate(() => document.querySelector('.backdrop').hasAttribute('inert'))), 'the form is live again');
    await page.click(`${dialog} button:has-text("Cancel")`);
    await page.click('[role=dialog] button:has-text("Discard changes")');
    await page.waitForSelector(dialog, { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'refactor/azure', 'focus returns to the card');
    assert.ok(!(await page.evaluate(() => document.querySelector('[inert]'))), 'nothing is left inert');
    assert.deepEqual(native, [], 'the browser\'s own confirm() is never used');
    await context.close();
  });

  it('says when a provider was updated as people read it, with the exact time at hand', async () => {
    sandbox.exec("UPDATE respan_providers SET updated_at = '2020-01-01T00:00:00Z' WHERE id = 2");
    const { page, context } = await openPanel(browser, sandbox.url);
    const fact = page.locator('.card[data-key="respan/2"] dd:has(time)');
    assert.equal(await fact.locator('time').getAttribute('datetime'), '2020-01-01T00:00:00Z');
    // Seen: "6 years ago"; heard and read by keyboard: the exact time too; on hover: the title.
    assert.match(await fact.textContent(), /^\d+ years ago, 2020-01-01 00:00 UTC$/);
    assert.equal(await fact.getAttribute('title'), '2020-01-01 00:00 UTC');
    assert.match(await fact.locator('time').evaluate((el) => el.firstChild.textContent), /^\d+ years ago$/, 'what is seen');
    await context.close();
  });

  it('keeps keyboard focus inside an open form, and every card has a named Edit button', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const key = 'barndoor/b1a7c3d2-0001-4a00-8000-000000000001';
    const name = await page.textContent(`.card[data-key="${key}"] .card-name`);
    await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
    await page.waitForSelector(dialog);
    const inside = () => page.evaluate(() => !!document.activeElement?.closest('[role=dialog]'));
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      assert.ok(await inside(), `focus stayed in the form after ${i + 1} presses`);
    }
    // Barndoor's two timeouts each say which one they inherit.
    await page.getByRole('checkbox', { name: 'Inherit the platform default for Request timeout (s)' }).check();
    assert.ok(await page.getByRole('checkbox', { name: 'Inherit the platform default for Stream idle timeout (s)' }).isVisible());
    await leaveForm(page);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Edit ${name}`, 'focus returns to the Edit button');
    await context.close();
  });

  it('narrows the search keystroke by keystroke, and still finds a provider that changed between two keystrokes', async () => {
    const { page: a, context } = await openPanel(browser, sandbox.url);
    const b = await context.newPage();
    await b.goto(sandbox.url);
    await b.waitForSelector('.card[data-key]');
    const shown = (p) => p.evaluate(() => [...document.querySelectorAll('.card[data-key]')].map((c) => c.dataset.key));
    const [{ provider_name: was }] = sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3');
    try {
      await a.bringToFront();
      await a.focus('input[type=search]');
      // Each keystroke filters only what the one before kept; the result is what a search
      // typed in one go finds, in the same order.
      await a.keyboard.type('open', { delay: 30 });
      await a.waitForFunction(() => document.querySelector('input[type=search]').value === 'open');
      const typed = await shown(a);
      await a.fill('input[type=search]', '');
      await a.fill('input[type=search]', 'open');
      await a.waitForFunction((n) => document.querySelectorAll('.card[data-key]').length === n, typed.length);
      assert.deepEqual(await shown(a), typed);
      assert.ok(typed.length >= 3, `several providers match "open": ${typed}`);
      // A search that finds nothing yet; another tab renames a provider so that it matches.
      await a.fill('input[type=search]', 'quokka');
      await a.waitForSelector('.card[data-key]', { state: 'detached' });
      await b.bringToFront();
      await openCard(b, 'respan/3');
      await b.fill('#field-provider_name', 'Quokka relay');
      await saveAndCapture(b, 'PATCH');
      await a.bringToFront();
      await a.waitForSelector('.card[data-key="respan/3"]');
      // The next keystroke narrows from what the change brought in, not from before it.
      await a.focus('input[type=search]');
      await a.keyboard.type(' rel', { delay: 30 });
      await a.waitForFunction(() => document.querySelector('input[type=search]').value === 'quokka rel');
      assert.deepEqual(await shown(a), ['respan/3']);
      assert.match(await a.textContent('.count'), /^1 of \d+$/);
    } finally {
      await context.close();
      sandbox.exec(`UPDATE respan_providers SET provider_name = '${was.replace(/'/g, "''")}' WHERE id = 3`);
    }
  });

  it('is usable from the keyboard: / to search, arrows between cards, e to edit, Ctrl+S to save, Esc to close', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.type), 'search');
    await page.keyboard.type('bedrock');
    await page.waitForFunction(() => document.querySelectorAll('.card[data-key]').length === 2);
    assert.match(await page.textContent('.count'), /^2 of \d+$/);
    await page.focus('.card[data-key]');
    const first = await page.evaluate(() => document.activeElement.dataset.key);
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => document.activeElement.dataset.key);
    assert.notEqual(first, second);
    await page.keyboard.press('e');
    await page.waitForSelector(dialog);
    await page.keyboard.press('Escape');
    await page.waitForSelector(dialog, { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.key), second, 'focus returns to the card');
    await page.keyboard.press('Enter');
    await page.waitForSelector(dialog);
    const isBarndoor = second.startsWith('barndoor/');
    if (isBarndoor) await page.fill('#field-name', 'Bedrock EU (keyboard)');
    else await page.uncheck('#field-enabled');
    const [req] = await Promise.all([page.waitForRequest((r) => r.method() === 'PUT'), page.keyboard.press('Control+s')]);
    assert.equal((await req.response()).status(), 200);
    await context.close();
  });

  it('keeps keyboard focus on its card while another gateway\'s cards arrive', async () => {
    // Every gateway but one answers; the card focused meanwhile must keep focus when the
    // late gateway's cards are drawn around it (a moved node loses focus in the DOM).
    let release;
    const held = new Promise((r) => { release = r; });
    const { page, context } = await openPanel(browser, sandbox.url, {
      onPage: (p) => p.route('**/refactor/**', async (route) => { await held; await route.continue(); }),
    });
    const cards = page.locator('.card[data-key]');
    await cards.nth(2).focus();
    const key = await page.evaluate(() => document.activeElement.dataset.key);
    assert.ok(key && !key.startsWith('refactor/'));
    release();
    await page.locator('.card[data-key^="refactor/"]').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.grid[aria-busy="false"]'));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset?.key), key, 'focus stays on the card');
    await page.keyboard.press('ArrowRight');
    assert.notEqual(await page.evaluate(() => document.activeElement?.dataset?.key), key, 'and arrows go on from it');
    await context.close();
  });

  it('filters by gateway and state, and says when nothing matches', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await page.selectOption('.toolbar select >> nth=0', 'respan');
    await page.waitForFunction(() => [...document.querySelectorAll('.card[data-key]')].every((c) => c.dataset.key.startsWith('respan/')));
    await page.selectOption('.toolbar select >> nth=0', 'barndoor');
    await page.selectOption('.toolbar select:has(option[value="off"])', 'off');
    const [{ n }] = sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 0');
    assert.ok(n >= 1);
    await page.waitForFunction((n) => document.querySelectorAll('.card[data-key]').length === n, n);
    await page.fill('input[type=search]', 'no such provider');
    await page.waitForSelector('.empty:has-text("No provider matches")');
    await context.close();
  });
});

describe('hostile data', () => {
  const nasty = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
  it('shows markup, bidi text, emoji and control characters from the server as text without breaking the layout', async () => {
    const long = 'W'.repeat(400);
    const names = {
      1: nasty,
      2: `\u202Eevil\u202C مرحبا بالعالم שלום 👩🏽‍💻🚀 e\u0301\u0301\u0301 \u0007\u001b[31mtab\there`,
      3: long,
    };
    for (const [id, name] of Object.entries(names)) {
      sandbox.exec(`UPDATE respan_providers SET provider_name = '${name.replace(/'/g, "''")}' WHERE id = ${id}`);
    }
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await page.selectOption('.toolbar select >> nth=0', 'respan');
    await page.waitForSelector('.card[data-key="respan/1"]');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no markup was run');
    assert.equal(await page.locator('.card img, .card script').count(), 0, 'no markup was inserted');
    assert.equal(await page.textContent('.card[data-key="respan/1"] .card-name'), nasty);
    const column = await page.locator('.card[data-key="respan/1"]').boundingBox();
    const longCard = await page.locator('.card[data-key="respan/3"]').boundingBox();
    assert.ok(Math.abs(longCard.width - column.width) < 1, 'a very long name does not widen its card');
    assert.ok(longCard.height <= 200, 'nor make it taller');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scroll');
    await openCard(page, 'respan/1');
    assert.equal(await page.inputValue('#field-provider_name'), nasty);
    assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    await context.close();
  });

  it('shows an error message containing markup as text', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await page.route('**/respan/api/providers/3/', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ detail: nasty }) });
    });
    await page.selectOption('.toolbar select >> nth=0', 'respan');
    await openCard(page, 'respan/3');
    await page.fill('#field-provider_name', 'x');
    await page.click('[role=dialog] button.primary');
    await page.waitForSelector('[role=dialog] .form-error:not(:empty)');
    assert.equal(await page.textContent('[role=dialog] .form-error'), nasty);
    assert.equal(await page.locator('[role=dialog] .form-error img').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await context.close();
  });
});

describe('concurrency', () => {
  it('rapid repeated saves on one card and saves on several cards at once end with the last values', async () => {
    // Every update takes 300 ms, so saves overlap with the user's next actions.
    await sandbox.faults([
      { method: 'PATCH', path: '/respan/api/providers/', kind: 'latency', ms: 300, times: null },
      { method: 'PUT', path: '/barndoor/', kind: 'latency', ms: 300, times: null },
    ]);
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      await page.selectOption('.toolbar select >> nth=0', 'respan');
      for (const v of ['first', 'second', 'third']) {
        await openCard(page, 'respan/3');
        await page.fill('#field-provider_name', `rapid ${v}`);
        await page.keyboard.press('Control+s');
        await page.waitForSelector('[role=dialog]', { state: 'detached' });
      }
      await page.waitForSelector('.card[data-key="respan/3"]:has-text("rapid third") .status.saved');
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: 'rapid third' }]);

      // Start a save, leave it in flight, and save two other cards meanwhile.
      await sandbox.faults([
        { method: 'PATCH', path: '/respan/api/providers/', kind: 'latency', ms: 2000, times: null },
        { method: 'PUT', path: '/barndoor/', kind: 'latency', ms: 2000, times: null },
      ]);
      await page.selectOption('.toolbar select >> nth=0', '');
      const keys = ['barndoor/b1a7c3d2-0003-4a00-8000-000000000003', 'barndoor/b1a7c3d2-0004-4a00-8000-000000000004', 'respan/1'];
      await page.fill('input[type=search]', '');
      for (const [i, key] of keys.entries()) {
        await page.fill('input[type=search]', key.startsWith('respan') ? 'respan' : 'barndoor');
        await openCard(page, key);
        await page.fill(key.startsWith('respan') ? '#field-provider_name' : '#field-name', `parallel ${i}`);
        await page.click('[role=dialog] button.primary');
        // Leave the form while its save is still in flight.
        await page.click('[role=dialog] button:has-text("Cancel")');
        await page.waitForSelector('[role=dialog]', { state: 'detached' });
      }
      await page.fill('input[type=search]', '');
      for (const key of keys) await page.waitForSelector(`.card[data-key="${key}"] .status.saved`);
      assert.deepEqual(
        sandbox.query("SELECT name FROM barndoor_providers WHERE id IN ('b1a7c3d2-0003-4a00-8000-000000000003', 'b1a7c3d2-0004-4a00-8000-000000000004') ORDER BY id"),
        [{ name: 'parallel 0' }, { name: 'parallel 1' }],
      );
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'parallel 2' }]);
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });
});

describe('connections and saves', () => {
  it('adds a connection in the Connections view and loads its providers', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    const before = await page.textContent('.count');
    await page.click('button:has-text("Connections")');
    const add = page.locator('fieldset:has(legend:text-is("Add a connection"))');
    await add.locator('select').first().selectOption('respan');
    await add.locator('input[type=url]').fill('ftp://nope');
    await add.locator('input[type=text]').first().fill('Second Respan');
    await add.locator('button').click();
    assert.match(await add.locator('.field-error').textContent(), /Base URL/);
    await add.locator('input[type=url]').fill(`${sandbox.url}respan`);
    await add.locator('input[type=password]').fill('demo-respan-key');
    await add.locator('button').click();
    await page.click('[role=dialog] button:has-text("Done")');
    await page.waitForSelector('.card[data-key="respan-5/1"]');
    assert.notEqual(await page.textContent('.count'), before);
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage));
    assert.ok(!stored.includes('demo-respan-key'), 'the token is not kept without the opt-in');
    assert.ok(!consoleLines.join('\n').includes('demo-respan-key'));
    await context.close();
  });

  it('removes a connection for the session; the cards after it still save to their own gateway', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
    const total = async () => Number((await page.textContent('.count')).split(' of ')[1]);
    const before = await total();
    await page.click('button:has-text("Connections")');
    const add = page.locator('fieldset:has(legend:text-is("Add a connection"))');
    const addRespan = async () => {
      await add.locator('select').first().selectOption('respan');
      await add.locator('input[type=text]').first().fill('Respan again');
      // Another host name for the same sandbox, so a save sent through the wrong
      // connection shows in its URL.
      await add.locator('input[type=url]').fill(`http://localhost:${sandbox.port}/respan`);
      await add.locator('input[type=password]').fill('demo-respan-key');
      await add.locator('button').click();
    };
    await addRespan();
    await page.waitForSelector('.card[data-key="respan-5/1"]');
    // Libredesk sits before Barndoor and Respan: removing it moves every later connection.
    await page.locator('fieldset:has(legend:has-text("(Libredesk)")) button:has-text("Remove")').click();
    await page.click('[role=dialog] button:has-text("Remove connection")');
    await page.waitForFunction(() => !document.querySelector('.card[data-key^="libredesk/"]'));
    const [{ n: respanCards }] = sandbox.query('SELECT count(*) AS n FROM respan_providers');
    assert.equal(await total(), before + respanCards - 1);
    // A connection added now gets an id of its own, not the one still in use.
    await addRespan();
    await page.waitForSelector('.card[data-key="respan-6/1"]');
    await page.click('[role=dialog] button:has-text("Done")');

    await page.fill('input[type=search]', 'respan');
    await openCard(page, 'respan/1');
    await page.fill('#field-provider_name', 'after a removal');
    const { req, res } = await saveAndCapture(page, 'PATCH');
    assert.equal(req.url(), `${sandbox.url}respan/api/providers/1/`);
    assert.equal((await req.allHeaders()).authorization, 'Bearer demo-respan-key');
    assert.deepEqual(req.postDataJSON(), { provider_name: 'after a removal' });
    assert.equal(res.status(), 200);
    assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'after a removal' }]);
    await page.waitForSelector('.card[data-key="respan/1"]:has-text("after a removal") .status.saved');
    await context.close();
  });

  it('adds a Libredesk connection that authenticates with `token key:secret`', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    await page.click('button:has-text("Connections")');
    const add = page.locator('fieldset:has(legend:text-is("Add a connection"))');
    await add.locator('select').first().selectOption('libredesk');
    await add.locator('input[type=text]').first().fill('Helpdesk (token)');
    await add.locator('input[type=url]').fill(`${sandbox.url}libredesk`);
    await add.locator('input[type=text]').nth(1).fill('demo-libredesk-key');
    await add.locator('input[type=password]').fill('demo-libredesk-secret');
    await add.getByLabel('Authorization').selectOption({ label: 'Key and secret (token key:secret)' });
    await add.locator('button').click();
    await page.click('[role=dialog] button:has-text("Done")');
    await openCard(page, 'libredesk-5/openai');
    await page.fill('#field-api_key', 'sk-through-token-scheme');
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.equal((await req.allHeaders()).authorization, 'token demo-libredesk-key:demo-libredesk-secret');
    assert.equal(res.status(), 200);
    assert.deepEqual(sandbox.query('SELECT api_key FROM libredesk_ai'), [{ api_key: 'sk-through-token-scheme' }]);
    await context.close();
  });

  it('runs two saves of one card one after the other', async () => {
    await sandbox.faults([{ method: 'PATCH', path: '/respan/api/providers/1/', kind: 'latency', ms: 1500, times: null }]);
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      const events = [];
      page.on('request', (r) => { if (r.method() === 'PATCH') events.push(['send', r.postDataJSON().provider_name]); });
      page.on('requestfinished', (r) => { if (r.method() === 'PATCH') events.push(['done', r.postDataJSON().provider_name]); });
      await page.selectOption('.toolbar select >> nth=0', 'respan');
      await openCard(page, 'respan/1');
      await page.fill('#field-provider_name', 'queued one');
      await page.click('[role=dialog] button.primary');
      await page.waitForFunction(() => document.querySelector('.card[data-key="respan/1"] .status.saving'));
      await page.click('[role=dialog] button:has-text("Cancel")');
      await openCard(page, 'respan/1');
      await page.fill('#field-provider_name', 'queued two');
      await page.click('[role=dialog] button.primary');
      await page.waitForSelector('[role=dialog]', { state: 'detached', timeout: 10000 });
      await page.waitForSelector('.card[data-key="respan/1"]:has-text("queued two")');
      assert.deepEqual(events, [['send', 'queued one'], ['done', 'queued one'], ['send', 'queued two'], ['done', 'queued two']]);
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'queued two' }]);
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });

  it('puts the server\'s per-field messages next to their fields', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    const id = 'b1a7c3d2-0003-4a00-8000-000000000003';
    // The sandbox cannot disagree with the panel's own checks, so a gateway with a stricter
    // rule than its document is played here by answering the PUT in Barndoor's shape.
    await page.route(`**/barndoor/api/llm-gateway/admin/providers/${id}`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      await route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'VALIDATION_ERROR', message: 'base_url: host is not allowed', details: [{ field: 'base_url', message: 'host is not allowed' }] } }),
      });
    });
    await page.fill('input[type=search]', id);
    await openCard(page, `barndoor/${id}`);
    await page.fill('#field-base_url', 'https://internal.example');
    await page.click('[role=dialog] button.primary');
    await page.waitForSelector('[data-field="base_url"] .field-error:has-text("host is not allowed")');
    assert.match(await page.textContent('[role=dialog] .form-error'), /host is not allowed/);
    assert.equal(await page.inputValue('#field-base_url'), 'https://internal.example');
    await context.close();
  });
});

describe('loading and the window', () => {
  const LISTS = ['/refactor/v1/llm-provider', '/libredesk/api/v1/ai/provider', '/barndoor/api/llm-gateway/admin/providers', '/respan/api/providers/'];
  // Records whether a skeleton card was ever in the page, from before the app starts.
  const watchSkeletons = () => {
    window.__skeletonSeen = false;
    document.addEventListener('DOMContentLoaded', () => { window.__bootText = document.getElementById('sb-boot')?.textContent; });
    new MutationObserver(() => { if (document.querySelector('.card.skeleton')) window.__skeletonSeen = true; })
      .observe(document, { subtree: true, childList: true });
  };

  it('shows the cards without a skeleton flash when the gateways answer at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(watchSkeletons);
    const page = await context.newPage();
    await page.goto(sandbox.url);
    await page.waitForSelector('.card[data-key]');
    assert.equal(await page.evaluate(() => window.__skeletonSeen), false);
    assert.equal(await page.locator('#sb-boot').count(), 0, 'the page\'s own loading line is gone');
    await context.close();
  });

  it('shows skeletons while every gateway is slow, then the cards', async () => {
    await sandbox.faults(LISTS.map((path) => ({ method: 'GET', path, kind: 'latency', ms: 1500, times: 1 })));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addInitScript(watchSkeletons);
      const page = await context.newPage();
      await page.goto(sandbox.url);
      assert.equal(await page.evaluate(() => window.__bootText), 'Loading…', 'a loading line from the first paint');
      await page.waitForSelector('.grid[aria-busy=true] .card.skeleton', { timeout: 1200 });
      assert.equal(await page.locator('.card[data-key]').count(), 0);
      assert.equal(await page.locator('#sb-boot').count(), 0, 'skeletons replace the loading line');
      await page.waitForSelector('.card[data-key]');
      assert.equal(await page.locator('.card.skeleton').count(), 0);
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });

  it('renders only the rows on screen until the grid moves, then keeps rows beyond the edges', async () => {
    const big = await startSandbox({ seed: '100' });
    const { page, context } = await openPanel(browser, big.url);
    try {
      await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
      const rendered = () => page.evaluate(() => {
        const vp = document.querySelector('.grid-viewport').getBoundingClientRect();
        const cards = [...document.querySelectorAll('.card[data-key]')];
        const onScreen = cards.filter((c) => { const r = c.getBoundingClientRect(); return r.bottom > vp.top && r.top < vp.bottom; });
        return { all: cards.length, onScreen: onScreen.length, keys: cards.map((c) => c.dataset.key) };
      });
      const first = await rendered();
      assert.ok(first.all >= 8, `a screenful of cards (${first.all})`);
      assert.equal(first.all, first.onScreen, 'no card off screen before the grid moves');
      // Seed 100: 100 Barndoor, 100 Respan, the 7 re-factor slugs and 1 Libredesk helpdesk.
      assert.match(await page.textContent('.count'), /^208 of 208$/);

      // Arrow down from the last rendered row reaches a card that was not rendered yet.
      await page.focus(`.card[data-key="${first.keys[first.keys.length - 1]}"]`);
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((keys) => {
        const k = document.activeElement?.dataset?.key;
        return k && !keys.includes(k);
      }, first.keys);

      const after = await rendered();
      assert.ok(after.all > after.onScreen, 'rows beyond the edges once the grid has moved');
    } finally {
      await context.close();
      await big.stop();
    }
  });
});
