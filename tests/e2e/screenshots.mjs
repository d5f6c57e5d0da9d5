// Makes the README's screenshots: grid and open form, light and dark, at 1280 and 360 px.
// Usage: SANDBOX=target/debug/switchboard-sandbox DIST=dist node tests/e2e/screenshots.mjs
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { launch, openCard, openPanel, startSandbox } from './harness.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');
const sandbox = await startSandbox();
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
} finally {
  await browser.close();
  await sandbox.stop();
}
