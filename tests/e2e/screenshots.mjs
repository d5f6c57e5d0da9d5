// Makes the README's screenshots: grid and open form, light and dark, at 1280 and 360 px,
// and a bulk action's plan and its run in progress.
// Usage: SANDBOX=target/debug/switchboard-sandbox DIST=dist node tests/e2e/screenshots.mjs
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { launch, openCard, openPanel, startSandbox } from './harness.mjs';

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
