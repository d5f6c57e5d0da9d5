// Bulk actions across all four gateways: selection, the plan before anything is sent, the
// run (bounded, pausable, cancellable), retry of what failed, faults and a killed server,
// checked on the wire, in the database and on screen; the rotated key never leaks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, launch, leakSurfaces, noViolations, openPanel, recordUpdates, startSandbox } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const dialog = '[role=dialog]';
const BD = (n) => `b1a7c3d2-000${n}-4a00-8000-00000000000${n}`;


async function selectAllShown(page) {
  await page.click('.toolbar button:has-text("Select all")');
  await page.waitForSelector('.selection-bar');
}

/** Opens a bulk action from the selection bar and waits for its dialog. */
async function bulk(page, name) {
  await page.click(`.selection-bar button:has-text("${name}")`);
  await page.waitForSelector(dialog);
}

/** Clicks "Send N updates" (checking N) and waits until the run has finished. */
async function send(page, n, timeout = 30000) {
  const button = page.locator(`${dialog} button.primary`);
  assert.equal(await button.textContent(), n === 1 ? 'Send 1 update' : `Send ${n} updates`);
  await button.click();
  await page.waitForSelector(`${dialog} .run-done:not(:empty)`, { timeout });
}

/** The outcome text of each target row, by card key. */
async function outcomes(page) {
  return page.$$eval(`${dialog} .plan-row.target`, (rows) => Object.fromEntries(rows.map((r) => [r.dataset.key, r.querySelector('.outcome').textContent])));
}

async function closeDialog(page) {
  await page.click(`${dialog} button:has-text("Close")`);
  await page.waitForSelector(dialog, { state: 'detached' });
}


describe('bulk actions', () => {
  it('disables across gateways with a plan first, then enables one vendor everywhere', async () => {
    const sandbox = await startSandbox();
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    try {
      const wire = recordUpdates(page);
      await selectAllShown(page);
      assert.equal(await page.textContent('.selection-count'), '14 providers selected');
      await noViolations(page, 'the selection bar');
      await bulk(page, 'Disable');
      // The plan: every request, every skip with its reason, nothing sent yet.
      assert.match(await page.textContent(`${dialog} .run-counts`), /^6 updates to send, 8 skipped\. Nothing is sent until you confirm\. Requests per connection: re-factor \(sandbox\): 3, Barndoor \(sandbox\): 3\./);
      const planned = await outcomes(page);
      assert.equal(planned['refactor/openai'], 'Will send');
      assert.equal(planned['refactor/amazon-bedrock'], 'Skipped: Already disabled.');
      assert.equal(planned['libredesk/openai'], 'Skipped: Libredesk has no enabled switch.');
      assert.equal(planned['respan/2'], 'Skipped: Respan has no enabled switch.');
      const request = await page.textContent(`${dialog} .plan-row[data-key="barndoor/${BD(1)}"] .request-text`);
      assert.equal(request, `PUT /barndoor/api/llm-gateway/admin/providers/${BD(1)}\nAuthorization: Bearer ••••\n{"enabled":false}`);
      assert.equal(wire.length, 0, 'nothing is sent before the admin confirms');
      await noViolations(page, 'the plan');
      await send(page, 6);
      assert.equal(await page.textContent(`${dialog} .run-done`), 'Finished: 6 done, 0 failed, 8 skipped, 0 cancelled.');
      const done = await outcomes(page);
      assert.equal(Object.values(done).filter((o) => o === 'Done').length, 6);
      await noViolations(page, 'the finished run');
      // Exactly these requests went out, each with its gateway's credential.
      const sorted = (xs) => xs.map((x) => JSON.stringify(x)).sort();
      assert.deepEqual(sorted(wire), sorted([
        ...['openai', 'anthropic', 'azure'].map((p) => ({ method: 'PUT', path: `/refactor/v1/llm-provider/${p}`, auth: 'Bearer demo-refactor-token', body: { enabled: false } })),
        ...[1, 2, 3].map((n) => ({ method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(n)}`, auth: 'Bearer demo-barndoor-jwt', body: { enabled: false } })),
      ]));
      assert.deepEqual(sandbox.query('SELECT provider FROM refactor_providers WHERE enabled = 1'), []);
      assert.deepEqual(sandbox.query('SELECT id FROM barndoor_providers WHERE enabled = 1'), []);
      await closeDialog(page);
      await page.waitForSelector(`.card[data-key="refactor/openai"] .pill.off`);

      // One vendor across gateways: the vendor filter, then Enable.
      await page.click('.selection-bar button:has-text("Clear selection")');
      await page.selectOption('select:has(option:text-is("All vendors"))', 'openai');
      assert.equal(await page.textContent('.toolbar .count'), '3 of 14');
      await selectAllShown(page);
      await bulk(page, 'Enable');
      wire.length = 0;
      await send(page, 2);
      assert.deepEqual(sorted(wire), sorted([
        { method: 'PUT', path: '/refactor/v1/llm-provider/openai', auth: 'Bearer demo-refactor-token', body: { enabled: true } },
        { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(1)}`, auth: 'Bearer demo-barndoor-jwt', body: { enabled: true } },
      ]));
      assert.deepEqual(sandbox.query('SELECT provider FROM refactor_providers WHERE enabled = 1'), [{ provider: 'openai' }]);
      assert.deepEqual(sandbox.query('SELECT id FROM barndoor_providers WHERE enabled = 1'), [{ id: BD(1) }]);
      assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('sets a Barndoor timeout to inherit, with the field\'s own validation', async () => {
    const sandbox = await startSandbox();
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      const wire = recordUpdates(page);
      await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
      await selectAllShown(page);
      await bulk(page, 'Set a field');
      await page.getByLabel('Field', { exact: true }).selectOption({ label: 'Request timeout (s)' });
      const inherit = page.getByRole('checkbox', { name: 'Inherit the platform default for Request timeout (s)' });
      assert.ok(await inherit.isChecked(), 'a nullable field starts at its null choice');
      await inherit.uncheck();
      await page.fill('#field-request_timeout_secs', '99999');
      await page.click(`${dialog} button:has-text("Review plan")`);
      assert.match(await page.textContent(`${dialog} .field-error`), /3600/);
      assert.equal(await page.locator(`${dialog} .plan`).count(), 0, 'an invalid value gets no plan');
      await noViolations(page, 'the set-a-field form');
      await inherit.check();
      await page.click(`${dialog} button:has-text("Review plan")`);
      await page.waitForSelector(`${dialog} .plan`);
      const planned = await outcomes(page);
      assert.equal(planned[`barndoor/${BD(2)}`], 'Skipped: Already has this value.');
      await send(page, 2);
      assert.deepEqual(wire.map((w) => [w.path, w.body]).sort(), [1, 3].map((n) => [`/barndoor/api/llm-gateway/admin/providers/${BD(n)}`, { request_timeout_secs: null }]));
      assert.deepEqual(sandbox.query('SELECT id FROM barndoor_providers WHERE request_timeout_secs IS NOT NULL'), []);
      await closeDialog(page);
      await page.waitForSelector(`.card[data-key="barndoor/${BD(1)}"] dd:text-is("inherit")`);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('rotates a key across all four gateways by each one\'s rules, and the key leaks nowhere', async () => {
    const sandbox = await startSandbox();
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    try {
      const wire = recordUpdates(page);
      await selectAllShown(page);
      await bulk(page, 'Rotate key');
      await noViolations(page, 'the rotate-key form');
      await page.getByLabel('New API key', { exact: true }).fill(CANARY);
      assert.ok(await page.getByText('Detach the 1 selected provider that uses a shared connection').isVisible());
      await page.click(`${dialog} button:has-text("Review plan")`);
      await page.waitForSelector(`${dialog} .plan`);
      const planned = await outcomes(page);
      assert.equal(planned[`barndoor/${BD(1)}`], 'Skipped: Uses a shared connection; not detached for a direct key.');
      assert.match(planned['respan/2'], /^Skipped: Managed by Respan/);
      assert.ok(!(await page.content()).includes(CANARY), 'the plan shows the key masked');
      await send(page, 12);
      const byPath = Object.fromEntries(wire.map((w) => [w.path, w.body]));
      assert.deepEqual(byPath['/refactor/v1/llm-provider/azure'], { credentials: { api_key: CANARY } });
      assert.deepEqual(byPath['/libredesk/api/v1/ai/provider'], { provider: 'openai', api_key: CANARY });
      assert.deepEqual(byPath[`/barndoor/api/llm-gateway/admin/providers/${BD(2)}`], { api_key: CANARY });
      assert.deepEqual(byPath['/respan/api/providers/3/'], { api_key: CANARY });
      assert.equal(wire.find((w) => w.path === '/respan/api/providers/3/').method, 'PATCH');
      assert.equal(wire.length, 12);
      // The database holds the new key exactly where the run said it went.
      const azure = JSON.parse(sandbox.query("SELECT credentials FROM refactor_providers WHERE provider = 'azure'")[0].credentials);
      assert.deepEqual(azure, { api_key: CANARY, api_version: '2024-06-01' });
      assert.equal(sandbox.query('SELECT api_key FROM libredesk_ai')[0].api_key, CANARY);
      assert.deepEqual(sandbox.query(`SELECT id FROM barndoor_providers WHERE api_key IS NOT '${CANARY}' ORDER BY id`), [{ id: BD(1) }]);
      assert.deepEqual(sandbox.query(`SELECT id FROM respan_providers WHERE api_key = '${CANARY}' ORDER BY id`), [{ id: 1 }, { id: 3 }]);
      await closeDialog(page);

      // The shared-connection provider takes a key only when the admin detaches it.
      await page.click('.selection-bar button:has-text("Clear selection")');
      await page.getByRole('checkbox', { name: 'Select OpenAI Production (US)' }).check();
      await bulk(page, 'Rotate key');
      await page.getByLabel('New API key', { exact: true }).fill(`${CANARY}-2`);
      await page.getByRole('checkbox', { name: /Detach the 1 selected provider/ }).check();
      await page.click(`${dialog} button:has-text("Review plan")`);
      wire.length = 0;
      await send(page, 1);
      assert.deepEqual(wire.map((w) => w.body), [{ api_key: `${CANARY}-2`, connection_id: null }]);
      assert.deepEqual(sandbox.query(`SELECT connection_id, api_key FROM barndoor_providers WHERE id = '${BD(1)}'`), [{ connection_id: null, api_key: `${CANARY}-2` }]);
      await closeDialog(page);
      const leaks = await leakSurfaces(page, consoleLines);
      for (const where of ['dom', 'values', 'local', 'session', 'idb', 'url', 'console']) {
        assert.ok(!leaks[where].includes(CANARY), `the key leaked into ${where}`);
      }
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('pauses, cancels half-way, and retries only what was not sent, four at a time per connection', async () => {
    const sandbox = await startSandbox({ seed: '60', args: ['--fault-control', '--quiet'] });
    await sandbox.faults([{ method: 'PUT', path: '/barndoor/', kind: 'latency', ms: 300, times: null }]);
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      let flying = 0;
      let most = 0;
      page.on('request', (r) => { if (r.method() === 'PUT') { flying++; most = Math.max(most, flying); } });
      const land = (r) => { if (r.method() === 'PUT') flying--; };
      page.on('requestfinished', land);
      page.on('requestfailed', land);
      await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
      await selectAllShown(page);
      await bulk(page, 'Disable');
      const enabled = sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 1')[0].n;
      await page.click(`${dialog} button.primary`);
      await page.waitForFunction(() => /^[4-9] done/.test(document.querySelector('.run-counts')?.textContent ?? ''));
      await page.click(`${dialog} button:has-text("Pause")`);
      await page.waitForSelector(`${dialog} button:has-text("Resume")`);
      await page.waitForFunction(() => / 0 remaining|paused/.test(document.querySelector('.run-counts').textContent) && !document.querySelector('.plan-row.target.sending'));
      const paused = sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 0')[0].n;
      await page.waitForTimeout(800);
      assert.equal(sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 0')[0].n, paused, 'nothing new is sent while paused');
      const doneAtPause = Number(/^(\d+) done/.exec(await page.textContent(`${dialog} .run-counts`))[1]);
      await page.click(`${dialog} button:has-text("Resume")`);
      await page.waitForFunction((n) => Number(/^(\d+) done/.exec(document.querySelector('.run-counts').textContent)?.[1]) >= n + 4, doneAtPause);
      await page.click(`${dialog} button:has-text("Cancel run")`);
      await page.waitForSelector(`${dialog} .run-done:not(:empty)`);
      const rows = await outcomes(page);
      const done = Object.keys(rows).filter((k) => rows[k] === 'Done');
      const cancelled = Object.keys(rows).filter((k) => rows[k] === 'Cancelled, not sent');
      assert.ok(done.length >= 8 && cancelled.length > 0, `done ${done.length}, cancelled ${cancelled.length}`);
      assert.equal(done.length + cancelled.length, enabled);
      assert.ok(most <= 4, `at most 4 updates in flight to one connection, saw ${most}`);
      // Target by target: the database holds exactly what the run reports as done.
      const off = new Set(sandbox.query('SELECT id FROM barndoor_providers WHERE enabled = 0').map((r) => `barndoor/${r.id}`));
      for (const k of done) assert.ok(off.has(k), `${k} reported done`);
      for (const k of cancelled) assert.ok(!off.has(k), `${k} reported cancelled`);
      await page.click(`${dialog} button:has-text("Retry ${cancelled.length} failed or cancelled")`);
      await page.waitForSelector(`${dialog} button.primary:has-text("Send")`);
      await send(page, cancelled.length);
      assert.equal(sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 1')[0].n, 0);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('gives every target a clear outcome under faults, done only where the gateway holds it', async () => {
    const sandbox = await startSandbox({ args: ['--fault-control', '--quiet'] });
    await sandbox.faults([
      { method: 'PUT', path: '/refactor/v1/llm-provider/openai', kind: 'status', status: 503, retry_after: 1, times: 1 },
      { method: 'PUT', path: '/refactor/v1/llm-provider/anthropic', kind: 'drop', times: null },
      { method: 'PUT', path: '/refactor/v1/llm-provider/azure', kind: 'html', status: 502, times: null },
      { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(1)}`, kind: 'truncated', times: null },
      { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(2)}`, kind: 'hang', times: null },
      { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(3)}`, kind: 'status', status: 500, times: null },
    ]);
    const { page, context } = await openPanel(browser, sandbox.url, { ui: { request_timeout_ms: 1000 } });
    try {
      await selectAllShown(page);
      await bulk(page, 'Disable');
      await send(page, 6);
      const rows = await outcomes(page);
      assert.equal(rows['refactor/openai'], 'Done', '503 with Retry-After, then accepted');
      assert.match(rows['refactor/anthropic'], /^Failed: .*(connection dropped|could not be reached)/);
      assert.match(rows['refactor/azure'], /^Failed: .*HTML page/);
      assert.equal(rows[`barndoor/${BD(1)}`], 'Done', 'an unreadable answer, confirmed by reading the provider again');
      assert.match(rows[`barndoor/${BD(2)}`], /^Failed: .*did not answer within 1\.0 seconds/);
      assert.match(rows[`barndoor/${BD(3)}`], /^Failed: .*injected 500/);
      assert.deepEqual(sandbox.query("SELECT provider FROM refactor_providers WHERE enabled = 0 AND provider IN ('openai','anthropic','azure') ORDER BY provider"), [{ provider: 'openai' }]);
      assert.deepEqual(sandbox.query(`SELECT id FROM barndoor_providers WHERE enabled = 0 AND id IN ('${BD(1)}','${BD(2)}','${BD(3)}')`), [{ id: BD(1) }]);
      assert.equal(await page.textContent(`${dialog} .run-done`), 'Finished: 2 done, 4 failed, 8 skipped, 0 cancelled.');
      await page.click(`${dialog} details.run-summary summary`);
      assert.match(await page.textContent(`${dialog} .run-summary pre`), /^Disable: 2 done, 4 failed, 8 skipped, 0 cancelled, of 14 in \d+:\d\d\.\n- Anthropic \(re-factor \(sandbox\), refactor\/anthropic\): failed\./);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('survives a killed gateway: failures say so, and after a restart the database matches the report', async () => {
    const sandbox = await startSandbox({ seed: '24', args: ['--fault-control', '--quiet'] });
    await sandbox.faults([{ method: 'PUT', path: '/barndoor/', kind: 'latency', ms: 250, times: null }]);
    const { page, context } = await openPanel(browser, sandbox.url, { ui: { request_timeout_ms: 2000 } });
    try {
      await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
      await selectAllShown(page);
      await bulk(page, 'Disable');
      await page.click(`${dialog} button.primary`);
      await page.waitForFunction(() => /^[4-9] done/.test(document.querySelector('.run-counts')?.textContent ?? ''));
      await sandbox.kill();
      await page.waitForSelector(`${dialog} .run-done:not(:empty)`, { timeout: 60000 });
      const rows = await outcomes(page);
      const done = Object.keys(rows).filter((k) => rows[k] === 'Done');
      const failed = Object.keys(rows).filter((k) => rows[k].startsWith('Failed:'));
      assert.ok(failed.length > 0, 'targets after the kill fail');
      for (const k of failed) assert.match(rows[k], /could not be reached|connection dropped|did not answer/, `${k}: ${rows[k]}`);
      await sandbox.restart();
      const off = new Set(sandbox.query('SELECT id FROM barndoor_providers WHERE enabled = 0').map((r) => `barndoor/${r.id}`));
      for (const k of done) assert.ok(off.has(k), `${k} was reported done`);
      for (const k of failed) assert.ok(!off.has(k), `${k} was reported failed`);
      await sandbox.faults([]);
      await page.click(`${dialog} button:has-text("Retry")`);
      await send(page, failed.length);
      assert.equal(sandbox.query('SELECT count(*) AS n FROM barndoor_providers WHERE enabled = 1')[0].n, 0);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('asks before the tab closes during a run', async () => {
    const sandbox = await startSandbox({ args: ['--fault-control', '--quiet'] });
    await sandbox.faults([{ method: 'PUT', path: '/refactor/', kind: 'latency', ms: 5000, times: null }]);
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      await page.selectOption('select:has(option:text-is("All gateways"))', 'refactor');
      await selectAllShown(page);
      await bulk(page, 'Disable');
      await page.click(`${dialog} button.primary`);
      await page.waitForSelector(`${dialog} .plan-row.target.sending`);
      const asked = page.waitForEvent('dialog');
      await page.close({ runBeforeUnload: true });
      assert.equal((await asked).type(), 'beforeunload');
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('selects with the keyboard and Shift ranges, and the selection survives filtering', async () => {
    const sandbox = await startSandbox();
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      const keys = await page.$$eval('.card[data-key]', (els) => els.map((e) => e.dataset.key));
      await page.focus(`.card[data-key="${keys[0]}"]`);
      await page.keyboard.press('x');
      assert.equal(await page.textContent('.selection-count'), '1 provider selected');
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      assert.equal(await page.textContent('.selection-count'), '3 providers selected');
      for (const k of keys.slice(0, 3)) assert.ok(await page.isChecked(`.card[data-key="${k}"] .card-select`), k);
      // Shift-click extends from the last toggled card.
      await page.click(`.card[data-key="${keys[5]}"] .card-select`, { modifiers: ['Shift'] });
      assert.equal(await page.textContent('.selection-count'), '6 providers selected');
      await page.fill('input[type=search]', 'respan');
      assert.match(await page.textContent('.selection-count'), /^6 providers selected \(\d+ hidden by the search and filters\)$/);
      await page.fill('input[type=search]', '');
      await page.focus(`.card[data-key="${keys[0]}"]`);
      await page.keyboard.press(' ');
      assert.equal(await page.textContent('.selection-count'), '5 providers selected');
      // The dialog is keyboard-only too: open, Escape, focus back.
      await page.focus('.selection-bar button:has-text("Disable")');
      await page.keyboard.press('Enter');
      await page.waitForSelector(dialog);
      // Tab goes round the dialog's controls and never reaches the page behind it.
      const inside = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        inside.push(await page.evaluate(() => !!document.activeElement?.closest('[role=dialog]')));
      }
      assert.ok(inside.every(Boolean), `Tab left the bulk dialog: ${inside}`);
      await page.keyboard.press('Escape');
      await page.waitForSelector(dialog, { state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Disable');
      await page.click('.selection-bar button:has-text("Clear selection")');
      await page.waitForSelector('.selection-bar', { state: 'detached' });
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });
});
