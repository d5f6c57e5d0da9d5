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

describe('the keyboard through a long list', () => {
  it('reaches every one of 1,000 providers, and tells each card\'s place among them', async () => {
    // 496 per gateway for Barndoor and Respan, 7 re-factor slugs, 1 Libredesk: 1,000.
    const big = await startSandbox({ seed: '496' });
    const { page, context } = await openPanel(browser, big.url);
    try {
      await page.waitForFunction(() => performance.getEntriesByName('switchboard:loaded').length);
      await page.waitForSelector('.grid[role=feed] .card[aria-setsize="1000"]');
      const place = () => page.evaluate(() => Number(document.activeElement?.getAttribute('aria-posinset')));
      await page.focus('.card[data-key]');
      assert.equal(await place(), 1);
      // Down, row after row, well past the rows rendered at first, to the last row.
      let at = 1;
      for (;;) {
        await page.keyboard.press('ArrowDown');
        const moved = await page.waitForFunction((prev) => Number(document.activeElement?.getAttribute('aria-posinset')) !== prev, at, { timeout: 1000 })
          .then(() => true, () => false);
        if (!moved) break;
        const next = await place();
        assert.ok(next > at, `down moves forward (${at} -> ${next})`);
        at = next;
      }
      assert.ok(at > 1000 - 8, `the last row was reached (at ${at})`);
      assert.ok(await page.evaluate(() => document.querySelectorAll('.card[data-key]').length) < 100, 'only a window is rendered');
      await page.keyboard.press('Home');
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '1');
      await page.keyboard.press('End');
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '1000');
      assert.deepEqual(await axeViolations(page), [], 'the feed as it is at the end of the list');
    } finally {
      await context.close();
      await big.stop();
    }
  });
});
