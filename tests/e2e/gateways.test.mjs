// Real gateways that differ from the conventional shape: one that answers no read call
// (its providers declared in switchboard.json), and lists that come in pages (Respan in
// Django REST framework's shape, Barndoor with page and limit), shown page by page, with
// a failed page that Retry continues from.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, launch, leakSurfaces, openCard, openPanel, saveAndCapture, startSandbox } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const dialog = '[role=dialog]';

describe('a gateway without read calls', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox({ args: ['--no-reads', 'libredesk'] });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('shows the declared provider as unknown, edits it end to end, and never reads', async () => {
    const reads = [];
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url, {
      configure: (cfg) => {
        const l = cfg.connections.find((c) => c.id === 'libredesk');
        Object.assign(l, { reads: false, providers: [{ id: 'openai', name: 'Helpdesk AI (declared)' }] });
        return cfg;
      },
      onPage: (p) => p.on('request', (r) => { if (r.url().includes('/libredesk/')) reads.push(`${r.method()} ${new URL(r.url()).pathname}`); }),
    });
    const card = '.card[data-key="libredesk/openai"]';
    await page.waitForSelector(card);
    assert.equal(await page.textContent(`${card} .card-name`), 'Helpdesk AI (declared)');
    assert.equal(await page.textContent(`${card} .pill`), 'State unknown');
    await openCard(page, 'libredesk/openai');
    assert.match(await page.textContent(`${dialog} .notice.unread`), /Current state unknown: this gateway's providers cannot be read/);
    await page.fill('#field-api_key', CANARY);
    const { req, res } = await saveAndCapture(page, 'PUT');
    assert.equal(new URL(req.url()).pathname, '/libredesk/api/v1/ai/provider');
    assert.equal((await req.allHeaders()).authorization, 'Basic ' + Buffer.from('demo-libredesk-key:demo-libredesk-secret').toString('base64'));
    assert.deepEqual(req.postDataJSON(), { provider: 'openai', api_key: CANARY });
    assert.equal(res.status(), 200);
    await page.waitForSelector(dialog, { state: 'detached' });
    await page.waitForSelector('.toast:has-text("No stale check was possible")');
    assert.deepEqual(sandbox.query('SELECT provider, api_key FROM libredesk_ai'), [{ provider: 'openai', api_key: CANARY }]);
    // The save was the only call to this gateway: no list, no read, no stale check.
    assert.deepEqual(reads, ['PUT /libredesk/api/v1/ai/provider']);
    const s = await leakSurfaces(page, consoleLines);
    for (const where of ['dom', 'values', 'local', 'session', 'idb', 'url', 'console']) {
      assert.ok(!s[where].includes(CANARY), `canary leaked into ${where}`);
    }
    await context.close();
  });

  it('refuses a connection that turns reads off without declaring providers', async () => {
    const { page, context } = await openPanel(browser, sandbox.url, {
      waitForCards: false,
      configure: (cfg) => {
        cfg.connections.find((c) => c.id === 'libredesk').reads = false;
        return cfg;
      },
    });
    await page.waitForFunction(() => document.body.textContent.includes('"reads": false needs "providers"'));
    await context.close();
  });
});

describe('paged lists', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: '25000', args: ['--page-size', '1000', '--fault-control', '--quiet'] });
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('shows 25,000 Respan providers page by page; a failed page 7 keeps pages 1 to 6 and Retry goes on from it', async () => {
    await sandbox.faults([
      { method: 'GET', path: '/respan/api/providers/?page=7', kind: 'status', status: 500, times: null },
      { method: 'GET', path: '/respan/api/providers/', kind: 'latency', ms: 120, times: null },
    ]);
    const lists = [];
    const { page, context } = await openPanel(browser, sandbox.url, {
      onPage: (p) => p.on('request', (r) => {
        const u = new URL(r.url());
        if (r.method() === 'GET' && u.pathname === '/respan/api/providers/') lists.push(u.search);
      }),
    });
    try {
      // Cards are on screen while later pages are still arriving.
      const progress = await page.waitForSelector('.load-progress p:has-text("Respan")');
      assert.match(await progress.textContent(), /Respan \(sandbox\): [\d,]+ of 25,000 providers loaded…/);
      assert.ok(await page.$('.card[data-key]'));
      const error = await page.waitForSelector('.load-error:has-text("Respan")', { timeout: 60_000 });
      assert.match(await error.textContent(), /page 7 could not be loaded \(.+\); 6,000 of 25,000 providers shown\./);
      assert.equal(await page.textContent('.load-error:has-text("Respan") button'), 'Retry from page 7');
      assert.deepEqual(lists.slice(0, 7), ['', ...[2, 3, 4, 5, 6, 7].map((n) => `?page=${n}&page_size=1000`)]);
      await sandbox.faults([]);
      const before = lists.length;
      await page.click('.load-error button:has-text("Retry from page 7")');
      await page.waitForSelector('.load-error', { state: 'detached', timeout: 60_000 });
      await page.waitForFunction(() => !document.querySelector('.load-progress p'), null, { timeout: 60_000 });
      const after = lists.slice(before);
      assert.equal(after[0], '?page=7&page_size=1000', 'Retry starts at the page that failed');
      assert.equal(after.length, 19, `pages 7 to 25, each once: ${after.join(' ')}`);
      // Every provider of both paged gateways, and the few of the others.
      const [{ n }] = sandbox.query('SELECT (SELECT COUNT(*) FROM refactor_providers) + (SELECT COUNT(*) FROM libredesk_ai) + (SELECT COUNT(*) FROM barndoor_providers) + (SELECT COUNT(*) FROM respan_providers) AS n');
      assert.ok(n > 50_000);
      await page.waitForFunction((n) => document.querySelector('.count')?.textContent.endsWith(` of ${n}`), n);
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });
});
