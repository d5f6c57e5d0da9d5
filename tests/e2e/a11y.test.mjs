// Accessibility: axe-core finds nothing to report on the grid, an open form of every
// gateway, and the Connections view, in both themes and at desktop and phone widths.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, launch, openCard, openPanel, startSandbox } from './harness.mjs';

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

const FORMS = ['refactor/openai', 'libredesk/openai', 'barndoor/b1a7c3d2-0001-4a00-8000-000000000001', 'respan/1'];

for (const theme of ['light', 'dark']) {
  for (const width of [1280, 360]) {
    describe(`axe-core, ${theme} theme, ${width} px`, () => {
      it('finds no violation on the grid, any open form, or the Connections view', async () => {
        const { page, context } = await openPanel(browser, sandbox.url, { width });
        await page.emulateMedia({ colorScheme: theme });
        await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
        assert.deepEqual(await axeViolations(page), [], 'grid');
        for (const key of FORMS) {
          await page.fill('input[type=search]', key.split('/')[1]);
          await openCard(page, key);
          assert.deepEqual(await axeViolations(page), [], `form of ${key}`);
          await page.keyboard.press('Escape');
          await page.waitForSelector('[role=dialog]', { state: 'detached' });
        }
        await page.fill('input[type=search]', '');
        await page.click('button:has-text("Connections")');
        await page.waitForSelector('[role=dialog]');
        assert.deepEqual(await axeViolations(page), [], 'Connections view');
        await context.close();
      });
    });
  }
}
