// The views split into chunks of their own (src/ui/lazy.rs): the first screen needs only
// the main module; the chunks follow when the browser is idle; a chunk that cannot be
// fetched is a message, never a broken page, and the next try loads it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPanel, startSandbox } from './harness.mjs';

let sandbox;
let browser;
before(async () => {
  sandbox = await startSandbox();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const CHUNK = /\/(split_[a-z_]+|chunk_\d+)-[0-9a-f]{16}\.wasm$/;

describe('lazy views', () => {
  it('are not part of the first load, and are prefetched once the first screen is up', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = [];
    page.on('request', (r) => seen.push(new URL(r.url()).pathname));
    await page.goto(sandbox.url);
    await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
    const views = ['split_edit_form', 'split_bulk_dialog', 'split_connections', 'split_state_file', 'split_drift_bar', 'split_history', 'split_health'];
    await page.waitForFunction(
      (names) => names.every((n) => performance.getEntriesByType('resource').some((e) => e.name.includes(`/${n}-`))),
      views,
    );
    const lastList = Math.max(...['/refactor/', '/libredesk/', '/barndoor/', '/respan/'].map((p) => seen.findIndex((s) => s.startsWith(p))));
    const firstChunk = seen.findIndex((s) => CHUNK.test(s));
    assert.ok(lastList >= 0 && firstChunk > lastList, `chunks come after the lists: ${seen.join(' ')}`);
    // Opening a view now fetches nothing more.
    const after = seen.length;
    await page.click('.card[data-key="refactor/openai"]');
    await page.waitForSelector('[role=dialog] #dialog-title');
    assert.deepEqual(seen.slice(after).filter((s) => s.endsWith('.wasm')), []);
    await context.close();
  });

  it('reports a chunk that cannot be fetched, and loads it on the next try', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    // Everything else is in; the edit form's code is not (prefetch failed the same way).
    await context.route(/split_edit_form-[0-9a-f]+\.wasm$/, (r) => r.abort('internetdisconnected'));
    await page.reload();
    await page.waitForSelector('.card[data-key]');
    await page.click('.card[data-key="refactor/openai"]');
    await page.waitForSelector('.toast:has-text("The edit form could not be loaded")');
    assert.equal(await page.locator('[role=dialog]').count(), 0);
    assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    await context.unroute(/split_edit_form-[0-9a-f]+\.wasm$/);
    await page.click('.card[data-key="refactor/openai"]');
    await page.waitForSelector('[role=dialog] #dialog-title');
    await context.close();
  });
});
