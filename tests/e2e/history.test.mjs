// The change journal and the History view: a save, a bulk run and an import each leave
// their entries; a revert restores the before values on the server and is journalled; a
// field changed since shows as a conflict; the journal survives a reload (local) or not
// (memory); no key ever reaches IndexedDB; two tabs stay in step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CANARY, launch, leakSurfaces, leaveForm, noViolations, openCard, openPanel, startSandbox } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const dialog = '[role=dialog]';
const BD = (n) => `b1a7c3d2-000${n}-4a00-8000-00000000000${n}`;
const field = (name) => `[data-field="${name}"]`;

async function openHistory(page) {
  await page.click('.topbar button:has-text("History")');
  await page.waitForSelector('.history-count:has-text("entries")');
}

/** The History view's entries, newest first: head line, outcome and change lines. */
async function entries(page) {
  return page.$$eval('.history .entry', (lis) => lis.map((li) => ({
    id: Number(li.dataset.entry),
    key: li.dataset.key,
    head: li.querySelector('.entry-head').firstChild.textContent,
    outcome: li.querySelector('.entry-outcome').textContent,
    changes: [...li.querySelectorAll('.target-diff li')].map((c) => c.textContent),
  })));
}

async function closeDialogs(page) {
  await page.click(`${dialog} .dialog-head button[aria-label=Close]`);
  await page.waitForSelector(dialog, { state: 'detached' });
}

async function save(page) {
  await page.click(`${dialog} button.primary`);
  await page.waitForSelector(dialog, { state: 'detached' });
}

describe('history', () => {
  it('journals a save, a bulk run and an import, and reverts one, with conflicts shown', async () => {
    const sandbox = await startSandbox();
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    try {
      // A save, with a new key that must never be recorded.
      await openCard(page, `barndoor/${BD(2)}`);
      await page.uncheck(`${field('request_timeout_secs')} .inherit input`);
      await page.fill('#field-request_timeout_secs', '45');
      await page.click(`${field('api_key')} button:has-text("Replace")`);
      await page.fill('#field-api_key', CANARY);
      await save(page);
      // A bulk run over two providers.
      await page.click('.card[data-key="refactor/openai"] .card-select');
      await page.click('.card[data-key="refactor/anthropic"] .card-select');
      await page.click('.selection-bar button:has-text("Disable")');
      await page.click(`${dialog} button.primary`);
      await page.waitForSelector(`${dialog} .run-done:not(:empty)`);
      await closeDialogs(page);
      // An import that renames a Respan provider.
      await page.click('.selection-bar button:has-text("Clear selection")');
      await page.click('.topbar button:has-text("Export")');
      const file = JSON.parse(await page.inputValue('#export-text'));
      await closeDialogs(page);
      file.connections.respan.providers['1'].fields.provider_name = 'Azure (renamed)';
      await page.click('.topbar button:has-text("Import")');
      await page.fill('#import-text', JSON.stringify(file));
      await page.click(`${dialog} button:has-text("Check and plan")`);
      await page.click(`${dialog} button.primary`);
      await page.waitForSelector(`${dialog} .verify:has-text("Verified")`);
      await closeDialogs(page);

      await openHistory(page);
      assert.equal(await page.textContent('.history-count'), '4 of 4 entries.');
      const list = await entries(page);
      const rows = list.map((e) => [e.key, e.head.split(' · ')[2], e.outcome]);
      assert.deepEqual(rows[0], ['respan/1', 'Import: pasted text', 'Saved']);
      assert.deepEqual(rows.slice(1, 3).sort(), [['refactor/anthropic', 'Bulk: Disable', 'Saved'], ['refactor/openai', 'Bulk: Disable', 'Saved']]);
      assert.deepEqual(rows[3], [`barndoor/${BD(2)}`, 'Save', 'Saved']);
      const saveEntry = list.find((e) => e.key === `barndoor/${BD(2)}`);
      assert.deepEqual(saveEntry.changes.sort(), ['API key: from write-only → to replaced', 'Request timeout (s): from inherit → to 45']);
      assert.deepEqual(list.find((e) => e.key === 'refactor/openai').changes, ['Enabled: from true → to false']);
      await noViolations(page, 'the History view');
      // Filters: one operation, one provider.
      await page.selectOption('.history-filters select:has(option:text-is("All operations"))', 'bulk');
      assert.equal(await page.textContent('.history-count'), '2 of 4 entries.');
      await page.selectOption('.history-filters select:has(option:text-is("All operations"))', '');
      await page.fill('.history-filters input[type=search]', 'azure');
      assert.equal(await page.textContent('.history-count'), '1 of 4 entries.');
      await page.fill('.history-filters input[type=search]', '');

      // Revert the save: the form opens with the revert, the preview shows it, Save sends it.
      await page.click(`.history .entry[data-key="barndoor/${BD(2)}"] button:has-text("Revert")`);
      await page.waitForSelector('#dialog-title');
      assert.equal(await page.isChecked(`${field('request_timeout_secs')} .inherit input`), true);
      const [req] = await Promise.all([page.waitForRequest((r) => r.method() === 'PUT'), page.click(`${dialog} button.primary`)]);
      assert.deepEqual(req.postDataJSON(), { request_timeout_secs: null });
      await page.waitForSelector(dialog, { state: 'detached' });
      assert.deepEqual(sandbox.query(`SELECT request_timeout_secs FROM barndoor_providers WHERE id = '${BD(2)}'`), [{ request_timeout_secs: null }]);
      await openHistory(page);
      const afterRevert = await entries(page);
      assert.equal(afterRevert.length, 5);
      assert.equal(afterRevert[0].head.split(' · ')[2], `Revert of #${saveEntry.id}`);
      assert.deepEqual(afterRevert[0].changes, ['Request timeout (s): from 45 → to inherit']);

      // The import's rename, changed again behind the panel's back: a conflict to decide.
      const res = await fetch(`${sandbox.url}respan/api/providers/1/`, {
        method: 'PATCH', headers: { authorization: 'Bearer demo-respan-key', 'content-type': 'application/json' },
        body: JSON.stringify({ provider_name: 'Renamed elsewhere' }),
      });
      assert.equal(res.status, 200);
      await page.click('.history .entry[data-key="respan/1"] button:has-text("Revert")');
      await page.waitForSelector('.conflicts');
      assert.match(await page.textContent('.conflicts li'), /^Name: this entry set Azure \(renamed\); it is Renamed elsewhere now\./);
      assert.equal(await page.isDisabled('.conflicts button.primary'), true, 'nothing to revert until the admin chooses');
      await noViolations(page, 'a revert conflict');
      await page.check('.conflicts input[type=checkbox]');
      await page.click('.conflicts button.primary');
      await page.waitForSelector('#dialog-title');
      await save(page);
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'Azure Provider' }]);

      // A rotation's key is journalled as replaced and never stored; the journal survives a reload.
      await page.click('.card[data-key="respan/3"] .card-select');
      await page.click('.selection-bar button:has-text("Rotate key")');
      await page.getByLabel('New API key', { exact: true }).fill(CANARY);
      await page.click(`${dialog} button:has-text("Review plan")`);
      await page.click(`${dialog} button.primary`);
      await page.waitForSelector(`${dialog} .run-done:not(:empty)`);
      await closeDialogs(page);
      await page.reload();
      await page.waitForSelector('.card[data-key]');
      await openHistory(page);
      assert.equal(await page.textContent('.history-count'), '7 of 7 entries.');
      assert.deepEqual((await entries(page))[0].changes, ['API key: from write-only → to replaced']);
      const leaks = await leakSurfaces(page, consoleLines);
      assert.match(leaks.idb, /switchboard\/journal: \[/, 'the journal is in IndexedDB');
      for (const where of ['dom', 'values', 'local', 'session', 'idb', 'url', 'console']) {
        assert.ok(!leaks[where].includes(CANARY), `the key leaked into ${where}`);
      }
      assert.equal(leaks.panicked, null, consoleLines.join('\n'));
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('keeps the journal in memory only when asked, and records nothing when off', async () => {
    const sandbox = await startSandbox();
    for (const journal of ['memory', 'off']) {
      const { page, context } = await openPanel(browser, sandbox.url, { ui: { journal } });
      try {
        await openCard(page, 'refactor/google-vertex');
        await page.click('#field-enabled');
        await save(page);
        await openHistory(page);
        assert.equal(await page.textContent('.history-count'), journal === 'memory' ? '1 of 1 entries.' : '0 of 0 entries.');
        await closeDialogs(page);
        if (journal === 'memory') {
          // One provider's history from its card, and the CSV export of it.
          await page.click('.card[data-key="refactor/google-vertex"] button:has-text("History")');
          await page.waitForSelector('.history-count:has-text("entries")');
          assert.equal(await page.textContent('#history-title'), 'History of Google Vertex AI');
          assert.equal(await page.textContent('.history-count'), '1 of 1 entries.');
          const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${dialog} button:has-text("Export CSV")`)]);
          const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
          assert.equal(csv[0], 'id,time,connection,gateway,provider,name,operation,outcome,message,field,before,after');
          assert.match(csv[1], /^1,\d{4}-\d\d-\d\dT[\d:.]+Z,refactor,refactor,google-vertex,Google Vertex AI,Save,saved,,Enabled,(true,false|false,true)$/);
          await closeDialogs(page);
        }
        await page.reload();
        await page.waitForSelector('.card[data-key]');
        await openHistory(page);
        assert.equal(await page.textContent('.history-count'), '0 of 0 entries.');
        const leaks = await leakSurfaces(page, []);
        assert.ok(!leaks.idb.includes('journal: [{'), `${journal}: nothing in IndexedDB`);
      } finally {
        await context.close();
      }
    }
    await sandbox.stop();
  });

  it('keeps two tabs in step: 50 saves alternating between them, 50 entries, the same final values', async () => {
    const sandbox = await startSandbox();
    const { page: a, context } = await openPanel(browser, sandbox.url);
    const b = await context.newPage();
    await b.goto(sandbox.url);
    await b.waitForSelector('.card[data-key]');
    try {
      for (let i = 1; i <= 50; i++) {
        const page = i % 2 ? a : b;
        const other = i % 2 ? b : a;
        // The tab in front is the one the admin works in (a hidden tab's timers are slowed).
        await page.bringToFront();
        await openCard(page, 'respan/3');
        await page.fill('#field-provider_name', `vLLM ${i}`);
        await save(page);
        // The other tab shows the new name without a reload.
        await other.waitForSelector(`.card[data-key="respan/3"] .card-name:text-is("vLLM ${i}")`);
      }
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: 'vLLM 50' }]);
      for (const page of [a, b]) {
        assert.equal(await page.textContent('.card[data-key="respan/3"] .card-name'), 'vLLM 50');
        await openHistory(page);
        await page.waitForSelector('.history-count:text-is("50 of 50 entries.")');
        await closeDialogs(page);
      }
      // An open form with edits in one tab learns that the other saved over it.
      await a.bringToFront();
      await openCard(a, 'respan/3');
      await a.fill('#field-provider_name', 'Draft in A');
      await b.bringToFront();
      await openCard(b, 'respan/3');
      await b.fill('#field-provider_name', 'Saved in B');
      await save(b);
      await a.bringToFront();
      await a.waitForSelector(`${dialog} .notice.warn:has-text("changed on the server")`);
      assert.equal(await a.inputValue('#field-provider_name'), 'Draft in A', 'the draft is kept');
      await leaveForm(a);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('keeps the newest 5,000 entries under 6,000 changes', async () => {
    const sandbox = await startSandbox({ seed: '2000' });
    const { page, context } = await openPanel(browser, sandbox.url, { ui: { bulk_concurrency: 8 } });
    try {
      await page.selectOption('select:has(option:text-is("All gateways"))', 'barndoor');
      await page.click('.toolbar button:has-text("Select all")');
      let sent = 0;
      for (const action of ['Disable', 'Enable', 'Disable', 'Enable']) {
        await page.click(`.selection-bar button:has-text("${action}")`);
        await page.waitForSelector(`${dialog} .plan`);
        sent += Number((await page.textContent(`${dialog} button.primary`)).match(/\d+/)[0]);
        await page.click(`${dialog} button.primary`);
        await page.waitForSelector(`${dialog} .run-done:not(:empty)`, { timeout: 120000 });
        await closeDialogs(page);
      }
      assert.ok(sent >= 6000, `${sent} changes`);
      await openHistory(page);
      await page.waitForSelector('.history-count:text-is("5000 of 5000 entries.")', { timeout: 30000 });
      const kept = await page.evaluate(() => new Promise((ok) => {
        indexedDB.open('switchboard').onsuccess = (e) => {
          const store = e.target.result.transaction('journal').objectStore('journal');
          store.getAllKeys().onsuccess = (k) => ok({ count: k.target.result.length, first: k.target.result[0], last: k.target.result.at(-1) });
        };
      }));
      assert.equal(kept.count, 5000);
      assert.equal(kept.last, sent, 'the newest is the last change');
      assert.equal(kept.first, sent - 4999, 'the oldest went first');
      assert.match((await entries(page))[0].head, /Bulk: Enable/);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });
});
