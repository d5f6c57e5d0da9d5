// Makes the README's screenshots: grid and open form, light and dark, at 1280 and 360 px,
// a state file's import plan, the History view, the health view, and a bulk action's plan
// and its run in progress.
// Usage: SANDBOX=target/debug/switchboard-sandbox DIST=dist node tests/e2e/screenshots.mjs
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { freePort, launch, openCard, openPanel, staticHost, startSandbox, troubled } from './harness.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');
const sandbox = await startSandbox({ args: ['--fault-control', '--quiet'] });
const browser = await launch();
try {
  for (const theme of ['light', 'dark']) {
    for (const width of [1280, 360]) {
      const height = width === 360 ? 780 : 860;
      const { page, context } = await openPanel(browser, sandbox.url, { width, height });
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: join(out, `grid-${theme}-${width}.png`) });
      await page.fill('input[type=search]', 'production');
      await openCard(page, 'barndoor/b1a7c3d2-0001-4a00-8000-000000000001');
      await page.fill('#field-name', 'OpenAI Production (EU)');
      await page.check('[data-field="request_timeout_secs"] .inherit input');
      // The wide shot shows the request preview; the narrow one a field error.
      if (width === 360) await page.fill('#field-stream_idle_timeout_secs', '4000');
      await page.setViewportSize({ width, height: 1900 });
      await page.locator('[role=dialog]').screenshot({ path: join(out, `form-${theme}-${width}.png`) });
      await context.close();
    }
  }
  // A state file's plan: the export with a few edits a reviewer made, imported.
  {
    const { page, context } = await openPanel(browser, sandbox.url, { width: 1280, height: 900 });
    await page.click('.topbar button:has-text("Export")');
    await page.waitForSelector('#export-text');
    const file = JSON.parse(await page.inputValue('#export-text'));
    await page.click('[role=dialog] .dialog-head button[aria-label=Close]');
    const bd = file.connections.barndoor.providers['b1a7c3d2-0001-4a00-8000-000000000001'].fields;
    bd.name = 'OpenAI Production (EU)';
    bd.request_timeout_secs = null;
    file.connections.refactor.providers.anthropic.fields.enabled = false;
    file.connections.respan.providers['1'].fields.provider_name = 'Azure (renamed)';
    await page.click('.topbar button:has-text("Import")');
    await page.fill('#import-text', JSON.stringify(file, null, 2));
    await page.click('[role=dialog] button:has-text("Check and plan")');
    await page.waitForSelector('[role=dialog] .plan-summary');
    await page.screenshot({ path: join(out, 'state-plan.png') });
    await context.close();
  }
  // The History view after two saves, a conflict shown on reverting the older one
  // (its own sandbox: the shots below expect the demo state).
  {
    const sandbox = await startSandbox({ args: ['--quiet'] });
    const { page, context } = await openPanel(browser, sandbox.url, { width: 1280, height: 900 });
    await page.click('.card[data-key="barndoor/b1a7c3d2-0003-4a00-8000-000000000003"]');
    await page.fill('#field-request_timeout_secs', '900');
    await page.fill('#field-name', 'Bedrock EU (Frankfurt)');
    await page.click('[role=dialog] button.primary');
    await page.waitForSelector('[role=dialog]', { state: 'detached' });
    await page.click('.card[data-key="refactor/anthropic"]');
    await page.click('#field-enabled');
    await page.click('[role=dialog] button.primary');
    await page.waitForSelector('[role=dialog]', { state: 'detached' });
    await fetch(`${sandbox.url}barndoor/api/llm-gateway/admin/providers/b1a7c3d2-0003-4a00-8000-000000000003`, {
      method: 'PUT', headers: { authorization: 'Bearer demo-barndoor-jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ request_timeout_secs: 1200 }),
    });
    await page.click('.topbar button:has-text("History")');
    await page.waitForSelector('.history .entry');
    await page.click('.history .entry[data-key="barndoor/b1a7c3d2-0003-4a00-8000-000000000003"] button:has-text("Revert")');
    await page.waitForSelector('.conflicts');
    await page.screenshot({ path: join(out, 'history.png') });
    await context.close();
    await sandbox.stop();
  }
  // The health view: healthy, slow, a wrong token, a CORS refusal and a closed port.
  {
    const host = await staticHost({ mounts: [], pages: { '/respan/api/providers/': () => ({ type: 'application/json', body: '[]' }) } });
    const closed = await freePort();
    await sandbox.faults([{ method: 'GET', path: '/refactor/v1/llm-provider', kind: 'latency', ms: 1200, times: null }]);
    const { page, context } = await openPanel(browser, sandbox.url, {
      width: 1280,
      height: 700,
      configure: (cfg) => troubled(cfg, host.port, closed, 'Respan (staging, no CORS)'),
    });
    await page.waitForFunction(() => document.querySelectorAll('.health-strip .dot.unknown').length === 0, null, { timeout: 30_000 });
    await page.click('.health-strip');
    await page.waitForSelector('#health-title');
    await page.screenshot({ path: join(out, 'health.png') });
    await context.close();
    await sandbox.faults([]);
    host.close();
  }
  // A bulk disable across gateways: its plan, then its run with Barndoor answering slowly.
  const { page, context } = await openPanel(browser, sandbox.url, { width: 1280, height: 900 });
  await page.click('.toolbar button:has-text("Select all")');
  await page.click('.selection-bar button:has-text("Disable")');
  await page.waitForSelector('[role=dialog] .plan');
  await page.screenshot({ path: join(out, 'bulk-plan.png') });
  await sandbox.faults([{ method: 'PUT', path: '/barndoor/', kind: 'latency', ms: 4000, times: null }]);
  await page.click('[role=dialog] button.primary');
  await page.waitForFunction(() => /^3 done/.test(document.querySelector('.run-counts')?.textContent ?? ''));
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(out, 'bulk-run.png') });
  await sandbox.faults([]);
  await context.close();
} finally {
  await browser.close();
  await sandbox.stop();
}
