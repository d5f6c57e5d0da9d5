// The fault matrix: every dialect's save under every injected fault, in headless
// Chromium against the sandbox. Each cell checks the message shown, that the draft is
// intact, how many update requests went out (retries only where safe), what the server
// holds afterwards, and that nothing panicked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, leakSurfaces, openCard, openPanel, startSandbox } from './harness.mjs';

const TIMEOUT_MS = 1000;
let sandbox;
let browser;
before(async () => {
  sandbox = await startSandbox({ args: ['--fault-control', '--quiet'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const DIALECTS = [
  {
    name: 're-factor', secret: true, card: 'refactor/openai', method: 'PUT', path: '/refactor/v1/llm-provider/openai',
    async edit(page, v) {
      await page.fill('[data-field="credentials"] input[aria-label="New key for Credentials"]', 'cell');
      await page.fill('[data-field="credentials"] input[aria-label="Value of the new key for Credentials"]', v);
      await page.click('[data-field="credentials"] .kv-add button');
    },
    async draftKept(page, v) {
      // After the first successful cell, "cell" is an existing key whose new value sits in a password box.
      const existing = page.locator('[data-field="credentials"] .kv-row:has(.kv-key:text-is("cell")) input[type=password]');
      if (await existing.count()) return (await existing.inputValue()) === v;
      return page.isVisible('[data-field="credentials"] .kv-row.new:has-text("cell")');
    },
    stored() { return JSON.parse(sandbox.query("SELECT credentials FROM refactor_providers WHERE provider = 'openai'")[0].credentials).cell; },
  },
  {
    name: 'Libredesk', secret: true, card: 'libredesk/openai', method: 'PUT', path: '/libredesk/api/v1/ai/provider',
    async edit(page, v) { await page.fill('#field-api_key', v); },
    async draftKept(page, v) { return (await page.inputValue('#field-api_key')) === v; },
    stored() { return sandbox.query('SELECT api_key FROM libredesk_ai')[0].api_key; },
  },
  {
    name: 'Barndoor', card: 'barndoor/b1a7c3d2-0003-4a00-8000-000000000003', method: 'PUT',
    path: '/barndoor/api/llm-gateway/admin/providers/b1a7c3d2-0003-4a00-8000-000000000003',
    async edit(page, v) { await page.fill('#field-name', v); },
    async draftKept(page, v) { return (await page.inputValue('#field-name')) === v; },
    stored() { return sandbox.query("SELECT name FROM barndoor_providers WHERE id = 'b1a7c3d2-0003-4a00-8000-000000000003'")[0].name; },
  },
  {
    name: 'Respan', card: 'respan/3', method: 'PATCH', path: '/respan/api/providers/3/',
    async edit(page, v) { await page.fill('#field-provider_name', v); },
    async draftKept(page, v) { return (await page.inputValue('#field-provider_name')) === v; },
    stored() { return sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3')[0].provider_name; },
  },
];

// outcome: 'saved', or the message shown; requests: update calls made; reaches: whether
// the handler ran (so the server holds the new value).
const FAULTS = [
  { name: 'added latency', fault: { kind: 'latency', ms: 400 }, outcome: 'saved', requests: 1 },
  { name: 'slow body', fault: { kind: 'slow_body', ms: 15 }, outcome: 'saved', requests: 1 },
  { name: '429 with Retry-After, once', fault: { kind: 'status', status: 429, retry_after: 1, times: 1 }, outcome: 'saved', requests: 2 },
  { name: '503 once', fault: { kind: 'status', status: 503, times: 1 }, outcome: 'saved', requests: 2 },
  { name: 'no answer', fault: { kind: 'hang' }, outcome: /did not answer within 1\.0 seconds/, requests: 3, reaches: false },
  { name: 'connection dropped', fault: { kind: 'drop' }, outcome: /connection dropped|could not be reached/, requests: 3, reaches: false },
  { name: '500', fault: { kind: 'status', status: 500 }, outcome: /injected 500/, requests: 1, reaches: false },
  { name: '400 is never retried', fault: { kind: 'status', status: 400 }, outcome: /injected 400/, requests: 1, reaches: false },
  { name: 'HTML page with 502', fault: { kind: 'html', status: 502 }, outcome: /HTML page/, requests: 3, reaches: false },
  { name: 'HTML page with 200', fault: { kind: 'html', status: 200 }, outcome: /cannot read/, requests: 1, reaches: false },
  { name: 'truncated JSON', fault: { kind: 'truncated' }, outcome: /cannot read/, requests: 1, reaches: true },
  { name: 'JSON of the wrong shape', fault: { kind: 'json', body: { unexpected: [1, 2, 3], id: null } }, outcome: /cannot read/, requests: 1, reaches: false },
  { name: '10 MB body', fault: { kind: 'huge' }, outcome: /larger than 8 MB|cannot read/, requests: 1, reaches: false },
];

let cell = 0;
for (const d of DIALECTS) {
  describe(`${d.name} under faults`, () => {
    for (const f of FAULTS) {
      it(f.name, async () => {
        cell += 1;
        // Doubles as a canary: for re-factor and Libredesk the value is a secret.
        const value = `sk-canary-cell-${cell}-${d.name}`;
        const before = d.stored();
        const { faults: _omit, times, ...kind } = f.fault;
        await sandbox.faults([{ method: d.method, path: d.path, ...kind, times: times ?? null }]);
        const { page, context, consoleLines } = await openPanel(browser, sandbox.url, { ui: { request_timeout_ms: TIMEOUT_MS } });
        try {
          let updates = 0;
          page.on('request', (r) => { if (r.method() === d.method && new URL(r.url()).pathname === d.path) updates++; });
          await openCard(page, d.card);
          await d.edit(page, value);
          await page.click('[role=dialog] button.primary');
          if (f.outcome === 'saved') {
            await page.waitForSelector('[role=dialog]', { state: 'detached', timeout: 15000 });
            await page.waitForSelector(`.card[data-key="${d.card}"] .status.saved`);
            assert.equal(d.stored(), value);
          } else {
            await page.waitForSelector('[role=dialog] .form-error:not(:empty)', { timeout: 15000 });
            const msg = await page.textContent('[role=dialog] .form-error');
            assert.match(msg, f.outcome);
            assert.ok(await d.draftKept(page, value), 'the draft is intact');
            assert.equal(d.stored(), f.reaches ? value : before, 'server state');
            assert.ok(!(await page.isDisabled('[role=dialog] button.primary')), 'the user can try again');
          }
          assert.equal(updates, f.requests, 'update requests sent');
          if (d.secret) {
            // A kept draft may hold the key in its input's value, but never in markup,
            // storage, the URL or the console.
            const leaks = await leakSurfaces(page, consoleLines);
            for (const where of ['dom', 'local', 'session', 'idb', 'url', 'console']) {
              assert.ok(!leaks[where].includes(value), `secret leaked into ${where}`);
            }
          }
          assert.equal(await page.getAttribute('body', 'data-panicked'), null, `panicked: ${consoleLines.join('\n')}`);
        } finally {
          await sandbox.faults([]);
          await context.close();
        }
      });
    }
  });
}
