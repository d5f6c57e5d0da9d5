// The example host (examples/host): a Leptos app of its own renders <Panel> in its page,
// as the README shows. Served by a sandbox of its own, so the panel's relative base URLs
// and the generated switchboard.json point at it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, startSandbox } from './harness.mjs';

const HOST_DIST = process.env.HOST_DIST || join(process.cwd(), 'examples/host/dist');

let sandbox;
let browser;
before(async () => {
  sandbox = await startSandbox({ dist: HOST_DIST });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe('a Leptos host app', () => {
  it('renders the panel in its own page, saves through it, and hears of the save by field names only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(sandbox.url);
    await page.waitForSelector('header.host-bar h1:text-is("Acme operations")');
    await page.waitForSelector('main .card[data-key="respan/1"]');
    assert.equal(await page.textContent('#host-save-count'), '0');

    await page.click('.card[data-key="respan/1"]');
    await page.waitForSelector('[role=dialog]');
    await page.fill('#field-provider_name', 'Renamed from the host');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH'),
      page.click('[role=dialog] button.primary'),
    ]);
    assert.equal(new URL(req.url()).pathname, '/respan/api/providers/1/');
    assert.deepEqual(req.postDataJSON(), { provider_name: 'Renamed from the host' });
    assert.equal((await req.response()).status(), 200);
    await page.waitForSelector('#host-saves li');
    assert.equal(await page.textContent('#host-saves li'), 'respan · respan · 1 · provider_name');
    assert.equal(await page.textContent('#host-save-count'), '1');
    assert.ok(!(await page.textContent('#host-saves')).includes('Renamed'), 'the host hears names, never values');
    assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'Renamed from the host' }]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
