// Real gateways that differ from the conventional shape: one that answers no read call
// (its providers declared in switchboard.json), and lists that come in pages (Respan in
// Django REST framework's shape, Barndoor with page and limit), shown page by page, with
// a failed page that Retry continues from; and each connection's health.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, freePort, launch, leakSurfaces, noViolations, openCard, openPanel, saveAndCapture, startSandbox, staticHost, troubled } from './harness.mjs';

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
      // Each page was sorted on its own and merged into the order before: the first screen
      // is the start of the whole list sorted by name.
      const names = await page.$$eval('.card[data-key] .card-name', (els) => els.map((e) => e.textContent.toLowerCase()));
      const respan = sandbox.query('SELECT provider_name AS name FROM respan_providers').map((r) => r.name.toLowerCase());
      assert.ok(names.length >= 6, `a screenful of cards: ${names.length}`);
      assert.deepEqual(names, [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'in name order');
      assert.ok(respan.every((r) => r >= names[0]), 'nothing sorts before the first card shown');
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });
});

describe('connection health', () => {
  let sandbox;
  let host;
  before(async () => {
    sandbox = await startSandbox({ args: ['--fault-control'] });
    // A gateway that answers but sends no CORS headers: the browser refuses its answers.
    host = await staticHost({ mounts: [], pages: { '/respan/api/providers/': () => ({ type: 'application/json', body: '[]' }) } });
  });
  after(async () => {
    host?.close();
    await sandbox?.stop();
  });

  it('tells a healthy, a wrong token, a CORS refusal, a closed port and a slow gateway apart', async () => {
    await sandbox.faults([{ method: 'GET', path: '/refactor/v1/llm-provider', kind: 'latency', ms: 1200, times: null }]);
    const closed = await freePort();
    const { page, context } = await openPanel(browser, sandbox.url, {
      waitForCards: false,
      configure: (cfg) => troubled(cfg, host.port, closed),
    });
    try {
      // The slow gateway does not hold back the others' cards.
      await page.waitForSelector('.card[data-key^="respan/"]');
      assert.equal(await page.locator('.card[data-key^="refactor/"]').count(), 0, 'the slow gateway has not answered yet');
      const strip = page.getByRole('button', { name: /^Connection health:/ });
      await strip.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('#health-title');
      const row = (id) => page.locator(`tr[data-connection="${id}"]`);
      const cells = async (id) => (await row(id).locator('th, td').allTextContents()).map((t) => t.trim());
      // Each connection's first read is its check; wait until all have one.
      await page.waitForFunction(() => [...document.querySelectorAll('tr[data-connection] .health-status')]
        .every((td) => !td.textContent.startsWith('Not checked')), null, { timeout: 30_000 });
      const [, status, reachable, authorised, cors, path, latency] = await cells('respan');
      assert.deepEqual([status, reachable, authorised, cors, path], ['Healthy', 'Yes', 'Yes', 'Allowed', '/respan/api/providers/']);
      assert.match(latency, /^\d+ ms$/);
      const bd = await cells('barndoor');
      assert.ok(bd[1].startsWith('Credential refused (401)'), bd[1]);
      assert.deepEqual(bd.slice(2, 5), ['Yes', 'No', 'Allowed']);
      const nc = await cells('no-cors');
      assert.ok(nc[1].startsWith('CORS refused'), nc[1]);
      assert.deepEqual(nc.slice(2, 5), ['Yes', '—', 'Refused']);
      const down = await cells('down');
      assert.ok(down[1].startsWith('Unreachable'), down[1]);
      assert.deepEqual(down.slice(2, 5), ['No', '—', '—']);
      const rf = await cells('refactor');
      assert.equal(rf[1], 'Slow');
      assert.ok(Number(rf[6].replace(' ms', '')) >= 1200, rf[6]);
      assert.equal(await strip.getAttribute('aria-label'), 'Connection health: 2 healthy, 1 slow, 3 failing. Open the health view.');
      await noViolations(page, 'the health view');
      // Check reads again, and only that connection.
      const checks = [];
      page.on('request', (r) => { if (r.method() === 'GET' && r.resourceType() === 'fetch' && !r.url().endsWith('.wasm')) checks.push(new URL(r.url()).pathname); });
      await page.getByRole('button', { name: 'Check Respan (sandbox)' }).click();
      await page.waitForFunction(() => !document.querySelector('.health-count')?.textContent.includes('Checking'));
      assert.deepEqual(checks, ['/respan/api/providers/']);
      // Fixed at the source, Check all shows it.
      await sandbox.faults([]);
      await context.route('**/barndoor/**', (route) => route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer demo-barndoor-jwt' } }));
      await page.getByRole('button', { name: 'Check all' }).click();
      await page.waitForFunction(() => document.querySelector('tr[data-connection="barndoor"] .health-status')?.textContent === 'Healthy', null, { timeout: 30_000 });
      await page.keyboard.press('Escape');
      await page.waitForSelector('#health-title', { state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')?.startsWith('Connection health')), true, 'focus returns to the strip');
    } finally {
      await sandbox.faults([]);
      await context.close();
    }
  });
});

describe('credential sources', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('says where each credential came from, never what it is, and forgets one on request', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    await page.click('.topbar button:has-text("Connections")');
    await page.waitForSelector('#settings-title');
    const source = (name) => page.locator(`fieldset.conn-row:has(legend:text-is("${name}")) .conn-source`);
    assert.equal(await source('Respan (sandbox) (Respan)').textContent(), 'Credential: From switchboard.json (readable by whoever can load this panel)');
    // Typed here: in memory.
    await page.getByLabel('Token for Respan (sandbox)').fill('demo-respan-key');
    await page.getByRole('button', { name: 'Apply and reload Respan (sandbox)' }).click();
    await page.waitForFunction(() => document.querySelector('fieldset.conn-row .conn-source[data-source="typed"]'));
    assert.equal(await source('Respan (sandbox) (Respan)').textContent(), "Credential: Typed here: kept in this tab's memory until a reload");
    // Forgotten: its calls are refused until one is entered again.
    await page.getByRole('button', { name: 'Forget credential of Barndoor (sandbox)' }).click();
    await page.click('[role=dialog]:has(#confirm-text) button:has-text("Forget credential")');
    await page.waitForFunction(() => document.querySelector('fieldset.conn-row .conn-source[data-source="missing"]'));
    assert.equal(await source('Barndoor (sandbox) (Barndoor)').textContent(), 'Credential: Missing: enter it below');
    assert.equal(await page.getByRole('button', { name: 'Forget credential of Barndoor (sandbox)' }).count(), 0);
    await page.click('#settings-title ~ button[aria-label=Close], [role=dialog] .dialog-head button[aria-label=Close]');
    // Its next read is refused (the cards it had stay, as after any failed reload).
    assert.match(await page.textContent('.load-error:has-text("Barndoor")'), /Missing or invalid bearer token/);
    const s = await leakSurfaces(page, consoleLines);
    for (const secret of ['demo-respan-key', 'demo-barndoor-jwt', 'demo-refactor-token']) {
      for (const where of ['dom', 'values', 'local', 'session', 'idb', 'url', 'console']) {
        assert.ok(!s[where].includes(secret), `${secret} in ${where}`);
      }
    }
    await context.close();
  });
});
