// The views added with the state file, the journal and connection health, in the dark theme
// and by keyboard alone: Export, Import (with its problem list), History, Health, and the
// vault in the Connections view. Axe finds nothing; each opens from
// the top bar with Enter, takes focus, closes with Escape and gives focus back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, noViolations, openPanel, startSandbox } from './harness.mjs';

let browser;
let sandbox;
before(async () => { browser = await launch(); sandbox = await startSandbox(); });
after(async () => { await browser?.close(); await sandbox?.stop(); });

/**
 * Tabs (forwards, else backwards from where focus is) until the top bar button `name` has
 * focus, then presses Enter.
 */
async function openByKeyboard(page, name) {
  const at = async () => (await page.evaluate(() => document.activeElement?.textContent)) === name;
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 60 && !(await at()); i++) await page.keyboard.press(key);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), name);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=dialog]');
  await page.waitForFunction(() => document.querySelector('[role=dialog]')?.contains(document.activeElement));
}

async function closeByKeyboard(page, name) {
  await page.keyboard.press('Escape');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), name, 'focus goes back to the opener');
}

describe('state file and history views, dark and by keyboard', () => {
  it('open, pass axe and close with the keyboard alone', async () => {
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      await page.emulateMedia({ colorScheme: 'dark' });
      await openByKeyboard(page, 'Export');
      await noViolations(page, 'Export, dark');
      await closeByKeyboard(page, 'Export');

      await openByKeyboard(page, 'Import');
      // From the file picker (focused first) to the text box.
      for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== 'import-text'; i++) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('{"format": "switchboard-state", "version": 2, "connections": {"x": {}}}');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-text', 'the text box takes the paste');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.problems');
      assert.equal(await page.textContent('.problems h3'), '2 problems in pasted text; nothing was planned');
      await noViolations(page, 'Import with problems, dark');
      await closeByKeyboard(page, 'Import');

      await openByKeyboard(page, 'History');
      await page.waitForSelector('.history-count:has-text("entries")');
      await noViolations(page, 'History, dark');
      await closeByKeyboard(page, 'History');

      await openByKeyboard(page, 'Health');
      await page.waitForFunction(() => [...document.querySelectorAll('tr[data-connection] .health-status')]
        .every((td) => td.textContent === 'Healthy'));
      await noViolations(page, 'Health, dark');
      // Check all from the keyboard: its button is busy while the checks run, and the
      // dialog still hears Escape afterwards.
      for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Check all'; i++) {
        await page.keyboard.press('Tab');
      }
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Check all');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /^\d+ healthy$/.test(document.querySelector('.health-count')?.textContent ?? ''));
      await closeByKeyboard(page, 'Health');

      // The vault by keyboard: passphrase twice, Enter creates it; axe in the dark.
      await openByKeyboard(page, 'Connections');
      const tabTo = async (test) => {
        for (let i = 0; i < 30 && !(await page.evaluate(test)); i++) await page.keyboard.press('Tab');
        assert.ok(await page.evaluate(test));
      };
      await tabTo(() => document.activeElement?.closest('label')?.textContent.startsWith('Passphrase') === true);
      await page.keyboard.type('correct horse battery staple');
      await page.keyboard.press('Tab');
      await page.keyboard.type('correct horse battery staple');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('The vault is unlocked'));
      await noViolations(page, 'Connections with an unlocked vault, dark');
      await tabTo(() => document.activeElement?.textContent === 'Lock now');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('The vault is locked'));
      await closeByKeyboard(page, 'Connections');
      await page.waitForSelector('.vault-bar');
      await noViolations(page, 'the locked vault bar, dark');
    } finally {
      await context.close();
    }
  });
});
