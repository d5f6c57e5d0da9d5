// The credential vault: created in the Connections view, a credential kept in it, the page
// reloaded, a wrong passphrase refused (nothing erased), unlocked, a save sent with the
// vault's credential; locked again after the idle time; reset. The credential is a canary:
// it is absent in clear from IndexedDB, web storage, cookies, Cache Storage, the DOM, the
// URL and the console.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, leakSurfaces, noViolations, openPanel, startSandbox } from './harness.mjs';

const TOKEN = 'sk-canary-vault-5b7e2a';
const PASSPHRASE = 'correct horse battery staple';
let browser;
let sandbox;
before(async () => {
  browser = await launch();
  // Respan's working token is the canary, and the panel's file holds none for it.
  sandbox = await startSandbox({ env: { SWITCHBOARD_RESPAN_TOKEN: TOKEN } });
});
after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const configure = (cfg) => {
  cfg.connections.find((c) => c.id === 'respan').auth.token = '';
  return { ...cfg, ui: { ...cfg.ui, vault_lock_after_seconds: 5 } };
};

async function connections(page) {
  if (!(await page.$('#settings-title'))) await page.click('.topbar button:has-text("Connections")');
  await page.waitForSelector('#settings-title');
}

const vaultText = (page) => page.textContent('fieldset.vault');
const respanSource = (page) => page.textContent('fieldset.conn-row:has(legend:text-is("Respan (sandbox) (Respan)")) .conn-source');

async function everywhere(page, context, consoleLines) {
  const s = await leakSurfaces(page, consoleLines);
  const cookies = JSON.stringify(await context.cookies());
  const caches = await page.evaluate(async () => {
    let all = '';
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) all += req.url + (await (await cache.match(req)).text());
    }
    return all;
  });
  for (const [where, text] of [...Object.entries(s), ['cookies', cookies], ['caches', caches]]) {
    if (typeof text === 'string') assert.ok(!text.includes(TOKEN), `the credential in clear in ${where}`);
  }
  assert.ok(s.idb.includes('switchboard-vault'), 'the vault is in IndexedDB (sealed)');
}

describe('the credential vault', () => {
  it('keeps a credential sealed across a reload, refuses a wrong passphrase, unlocks, saves with it, locks when idle, and resets', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url, { configure });
    try {
      await page.waitForSelector('.load-error:has-text("Respan")');
      await connections(page);
      assert.match(await vaultText(page), /No vault in this browser/);
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await page.getByLabel('Passphrase again').fill(PASSPHRASE);
      await page.click('fieldset.vault button:has-text("Create vault")');
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('The vault is unlocked'));
      await page.getByLabel('Token for Respan (sandbox)').fill(TOKEN);
      await page.getByRole('button', { name: 'Apply and reload Respan (sandbox)' }).click();
      await page.getByRole('button', { name: 'Keep in vault the credential of Respan (sandbox)' }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('.conn-source')].some((p) => p.textContent.includes("In this browser's vault")));
      await noViolations(page, 'Connections view with an unlocked vault');
      await everywhere(page, context, consoleLines);

      // A reload: the vault is locked, Respan has no credential.
      await page.reload();
      await page.waitForSelector('.vault-bar');
      await noViolations(page, 'the locked vault bar');
      await page.click('.vault-bar button');
      await page.waitForSelector('#settings-title');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery stable');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.vault-message:has-text("Wrong passphrase")');
      assert.match(await vaultText(page), /The vault is locked/);
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await page.click('fieldset.vault button:has-text("Unlock")');
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('The vault is unlocked'));
      assert.match(await respanSource(page), /In this browser's vault/);
      await page.click('[role=dialog] .dialog-head button[aria-label=Close]');

      // A save with the vault's credential.
      await page.click('.card[data-key="respan/1"]');
      await page.fill('#field-provider_name', 'Saved with the vault');
      const [req] = await Promise.all([
        page.waitForRequest((r) => r.method() === 'PATCH'),
        page.click('[role=dialog] button.primary'),
      ]);
      assert.equal((await req.allHeaders()).authorization, `Bearer ${TOKEN}`);
      await page.waitForSelector('.card[data-key="respan/1"]:has-text("Saved with the vault")');
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'Saved with the vault' }]);
      await everywhere(page, context, consoleLines);

      // Idle for longer than 5 s: locked again, and the credential left this tab.
      await page.waitForSelector('.vault-bar', { timeout: 15_000 });
      await connections(page);
      assert.match(await vaultText(page), /The vault is locked/);

      // Reset, after a confirmation: the vault is gone, and only it.
      await page.click('fieldset.vault button:has-text("Reset vault")');
      await page.click('[role=dialog]:has(#confirm-text) button:has-text("Erase the vault")');
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('No vault in this browser'));
      assert.match(await respanSource(page), /Missing/);
      const stored = await page.evaluate(() => new Promise((ok) => {
        const r = indexedDB.open('switchboard-vault');
        r.onsuccess = () => { const g = r.result.transaction('vault').objectStore('vault').get('vault'); g.onsuccess = () => ok(g.result ?? null); };
      }));
      assert.equal(stored, null);
    } finally {
      await context.close();
    }
  });

  it('says what is wrong with a damaged vault record, and offers only a reset', async () => {
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url, { configure });
    try {
      await page.evaluate(() => new Promise((ok) => {
        const r = indexedDB.open('switchboard-vault', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('vault');
        r.onsuccess = () => { const tx = r.result.transaction('vault', 'readwrite'); tx.objectStore('vault').put('{"version":1,"origin":"x"', 'vault'); tx.oncomplete = ok; };
      }));
      await page.reload();
      await page.waitForSelector('.card[data-key]');
      await connections(page);
      await page.waitForFunction(() => document.querySelector('fieldset.vault')?.textContent.includes('cannot be read'));
      assert.equal(await page.locator('fieldset.vault button').allTextContents().then((t) => t.join('|')), 'Reset vault…');
      assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    } finally {
      await context.close();
    }
  });
});
