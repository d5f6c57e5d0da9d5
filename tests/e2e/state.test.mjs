// Configuration as code: export the live state, edit the file, import it, review the plan
// field by field, apply it, and find the gateways holding exactly the file; a broken file
// gets every problem with its line and pointer; a file kept open shows drift made behind
// the panel's back. Checked on the wire, in the database, against the shipped JSON Schema
// and on screen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020.js';
import { CANARY, CLI, launch, leakSurfaces, noViolations, openPanel, recordUpdates, startSandbox } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const dialog = '[role=dialog]';
const BD = (n) => `b1a7c3d2-000${n}-4a00-8000-00000000000${n}`;


/** Opens Export and returns the file it offers for all providers. */
async function exported(page) {
  await page.click('.topbar button:has-text("Export")');
  await page.waitForSelector('#export-text');
  const text = await page.inputValue('#export-text');
  return text;
}

async function closeDialog(page) {
  await page.click(`${dialog} .dialog-head button[aria-label=Close]`);
  await page.waitForSelector(dialog, { state: 'detached' });
}

async function openImport(page) {
  await page.click('.topbar button:has-text("Import")');
  await page.waitForSelector('#import-text');
}


describe('state file', () => {
  it('exports, imports an edited file, plans exactly the edits, applies them and verifies', async () => {
    const sandbox = await startSandbox();
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    try {
      const wire = recordUpdates(page);
      const text = await exported(page);
      assert.match(await page.textContent(`${dialog} label[for=export-text]`), /^14 providers, \d+ KB$/);
      await noViolations(page, 'the export dialog');
      // The download is the same file.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${dialog} button:has-text("Download")`)]);
      assert.equal(download.suggestedFilename(), 'switchboard-state.json');
      assert.equal(readFileSync(await download.path(), 'utf8'), text);
      await closeDialog(page);

      // The command line exports the same gateways to the same bytes.
      assert.ok(CLI, 'CLI is not set: ./x test builds switchboard-cli and sets it');
      const fromCli = execFileSync(CLI, ['--config', `${sandbox.url}switchboard.json`, 'export'], { encoding: 'utf8' });
      assert.equal(fromCli, text, 'the CLI and the panel export the same file');

      // The shipped schema accepts the export and refuses what the format does not allow.
      const schema = await (await fetch(sandbox.url + 'switchboard-state.schema.json')).json();
      const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
      const file = JSON.parse(text);
      assert.ok(validate(file), JSON.stringify(validate.errors));
      assert.equal(validate({ ...file, version: 2 }), false);
      const typo = structuredClone(file);
      typo.connections.barndoor.providers[BD(1)].fields.request_timeout_secs = 99999;
      assert.equal(validate(typo), false);

      // Secrets only as markers; no key or token anywhere in the file.
      assert.equal(file.format, 'switchboard-state');
      assert.deepEqual(Object.keys(file.connections).sort(), ['barndoor', 'libredesk', 'refactor', 'respan']);
      assert.deepEqual(file.connections.refactor.providers.openai.fields, { credentials: { $secret: 'set' }, enabled: true });
      assert.deepEqual(file.connections.refactor.providers['amazon-bedrock'].fields.credentials, { $secret: 'not set' });
      assert.deepEqual(file.connections.respan.providers['2'].read_only.managed, true);
      for (const secret of ['sk-demo', 'sk-ant-demo', 'az-demo', 'demo-key', 'demo-refactor-token', 'demo-barndoor-jwt', 'demo-respan-key']) {
        assert.ok(!text.includes(secret), `the export holds ${secret}`);
      }

      // The edits a reviewer would make.
      const edited = structuredClone(file);
      const b1 = edited.connections.barndoor.providers[BD(1)].fields;
      b1.name = 'OpenAI Production (EU)';
      b1.request_timeout_secs = null;
      edited.connections.barndoor.providers[BD(3)].fields.settings = { region: 'eu-central-1' };
      edited.connections.refactor.providers.anthropic.fields.enabled = false;
      edited.connections.respan.providers['1'].fields.provider_name = 'Azure (renamed)';
      // A provider the file leaves out is left alone.
      delete edited.connections.refactor.providers['google-vertex'];
      const editedText = JSON.stringify(edited, null, 2);

      await openImport(page);
      await page.fill('#import-text', editedText);
      await noViolations(page, 'the import dialog');
      await page.click(`${dialog} button:has-text("Check and plan")`);
      await page.waitForSelector(`${dialog} .plan-summary`);
      assert.equal(await page.textContent(`${dialog} h2`), 'Review: apply pasted text');
      assert.equal(await page.textContent(`${dialog} .plan-summary`), '4 providers differ from the file and would be updated; 9 match it already. 1 not in the file, left alone.');
      const rows = await page.$$eval(`${dialog} .plan-row.target`, (rs) => rs.map((r) => ({
        key: r.dataset.key,
        diff: [...r.querySelectorAll('.target-diff li')].map((li) => li.textContent),
        request: r.querySelector('.request-text')?.textContent,
      })).sort((a, b) => a.key.localeCompare(b.key)));
      assert.deepEqual(rows, [
        { key: `barndoor/${BD(1)}`, diff: ['Name: from OpenAI Production (US) → to OpenAI Production (EU)', 'Request timeout (s): from 1800 → to inherit'],
          request: `PUT /barndoor/api/llm-gateway/admin/providers/${BD(1)}\nAuthorization: Bearer ••••\n{"name":"OpenAI Production (EU)","request_timeout_secs":null}` },
        { key: `barndoor/${BD(3)}`, diff: ['Settings: from {"region":"eu-west-1"} → to {"region":"eu-central-1"}'],
          request: `PUT /barndoor/api/llm-gateway/admin/providers/${BD(3)}\nAuthorization: Bearer ••••\n{"settings":{"region":"eu-central-1"}}` },
        { key: 'refactor/anthropic', diff: ['Enabled: from true → to false'],
          request: 'PUT /refactor/v1/llm-provider/anthropic\nAuthorization: Bearer ••••\n{"enabled":false}' },
        { key: 'respan/1', diff: ['Name: from Azure Provider → to Azure (renamed)'],
          request: 'PATCH /respan/api/providers/1/\nAuthorization: Bearer ••••\n{"provider_name":"Azure (renamed)"}' },
      ]);
      assert.equal(wire.length, 0, 'nothing is sent before the admin confirms');
      await page.click(`${dialog} .left-alone summary`);
      assert.equal(await page.textContent(`${dialog} .left-alone li`), 'Google Vertex AI · re-factor (sandbox)');
      await noViolations(page, 'the import plan');

      const send = page.locator(`${dialog} button.primary`);
      assert.equal(await send.textContent(), 'Send 4 updates');
      await send.click();
      await page.waitForSelector(`${dialog} .verify:has-text("Verified")`, { timeout: 30000 });
      assert.equal(await page.textContent(`${dialog} .run-done`), 'Finished: 4 done, 0 failed, 0 skipped, 0 cancelled.');
      assert.equal(await page.textContent(`${dialog} .verify`), 'Verified: the gateways now hold exactly what the file says, for all 13 providers in it.');
      const sorted = (xs) => xs.map((x) => JSON.stringify(x)).sort();
      assert.deepEqual(sorted(wire), sorted([
        { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(1)}`, auth: 'Bearer demo-barndoor-jwt', body: { name: 'OpenAI Production (EU)', request_timeout_secs: null } },
        { method: 'PUT', path: `/barndoor/api/llm-gateway/admin/providers/${BD(3)}`, auth: 'Bearer demo-barndoor-jwt', body: { settings: { region: 'eu-central-1' } } },
        { method: 'PUT', path: '/refactor/v1/llm-provider/anthropic', auth: 'Bearer demo-refactor-token', body: { enabled: false } },
        { method: 'PATCH', path: '/respan/api/providers/1/', auth: 'Bearer demo-respan-key', body: { provider_name: 'Azure (renamed)' } },
      ]));
      await noViolations(page, 'the finished import');
      await closeDialog(page);

      // The database holds the file, and a new export is the edited file itself.
      assert.deepEqual(sandbox.query(`SELECT name, request_timeout_secs FROM barndoor_providers WHERE id = '${BD(1)}'`), [{ name: 'OpenAI Production (EU)', request_timeout_secs: null }]);
      assert.deepEqual(sandbox.query(`SELECT settings FROM barndoor_providers WHERE id = '${BD(3)}'`), [{ settings: '{"region":"eu-central-1"}' }]);
      assert.deepEqual(sandbox.query(`SELECT enabled FROM refactor_providers WHERE provider = 'anthropic'`), [{ enabled: 0 }]);
      assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 1'), [{ provider_name: 'Azure (renamed)' }]);
      // (Read-only facts such as Respan's updated_at move on; they are not the file's to say.)
      const writable = (f) => Object.fromEntries(Object.entries(f.connections).map(([c, v]) => [c, Object.fromEntries(Object.entries(v.providers).map(([p, e]) => [p, e.fields]))]));
      const again = writable(JSON.parse(await exported(page)));
      assert.deepEqual(again.refactor['google-vertex'], { credentials: { $secret: 'set' }, enabled: false });
      delete again.refactor['google-vertex'];
      assert.deepEqual(again, writable(edited));
      await closeDialog(page);
      const leaks = await leakSurfaces(page, consoleLines);
      for (const secret of ['sk-demo-openai-0001', 'demo-key', 'demo-barndoor-jwt']) {
        assert.ok(!JSON.stringify(leaks).includes(secret), `${secret} leaked`);
      }
      assert.equal(leaks.panicked, null, consoleLines.join('\n'));
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('exports the selection, or what the search and filters show', async () => {
    const sandbox = await startSandbox();
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      const providersIn = (text) => Object.entries(JSON.parse(text).connections).flatMap(([c, v]) => Object.keys(v.providers).map((p) => `${c}/${p}`)).sort();
      await page.click(`.card[data-key="respan/3"] .card-select`);
      await page.click(`.card[data-key="barndoor/${BD(2)}"] .card-select`);
      await page.fill('.toolbar input[type=search]', 'anthropic');
      await page.waitForFunction(() => document.querySelector('.toolbar .count')?.textContent === '2 of 14');
      // With a selection, the selection is what is offered first.
      const selected = await exported(page);
      assert.equal(await page.isChecked(`${dialog} input[type=radio] >> nth=2`), true);
      assert.deepEqual(providersIn(selected), [`barndoor/${BD(2)}`, 'respan/3']);
      await page.click(`${dialog} label:has-text("Shown by the search and filters (2)")`);
      assert.deepEqual(providersIn(await page.inputValue('#export-text')), [`barndoor/${BD(2)}`, 'refactor/anthropic']);
      await page.click(`${dialog} label:has-text("All providers (14)")`);
      assert.equal(providersIn(await page.inputValue('#export-text')).length, 14);
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('lists every problem of a broken file at once, with lines and pointers', async () => {
    const sandbox = await startSandbox();
    const { page, context, consoleLines } = await openPanel(browser, sandbox.url);
    try {
      const wire = recordUpdates(page);
      await openImport(page);
      // A syntax error: where it is.
      await page.fill('#import-text', '{\n  "format": "switchboard-state",\n  "version": 1,,\n}');
      await page.click(`${dialog} button:has-text("Check and plan")`);
      await page.waitForSelector(`${dialog} .problems`);
      assert.equal(await page.textContent(`${dialog} .problems h3`), '1 problem in pasted text; nothing was planned');
      assert.match(await page.textContent(`${dialog} .problems li`), /^Line 3, column 16 \/ Not valid JSON: key must be a string\.$/);

      const broken = `{
  "format": "switchboard-state",
  "version": 1,
  "colour": "blue",
  "connections": {
    "nowhere": { "gateway": "barndoor", "providers": {} },
    "respan": {
      "gateway": "barndoor",
      "providers": {
        "1": { "fields": { "api_key": "${CANARY}" } },
        "99": { "fields": {} }
      }
    },
    "barndoor": {
      "gateway": "barndoor",
      "providers": {
        "${BD(2)}": {
          "fields": {
            "name": "",
            "request_timeout_secs": 99999,
            "stream_idle_timeout_secs": "30",
            "org_id": "other",
            "colour": "blue"
          }
        }
      }
    }
  }
}
`;
      // Picked as a file: its name heads the list, its text stays to be fixed in place.
      await page.setInputFiles(`${dialog} input[type=file]`, { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
      await page.waitForSelector(`${dialog} .problems h3:has-text("broken.json")`);
      assert.equal(await page.textContent(`${dialog} .problems h3`), '10 problems in broken.json; nothing was planned');
      assert.equal(await page.inputValue('#import-text'), broken);
      const items = await page.$$eval(`${dialog} .problems li`, (lis) => lis.map((li) => ({
        at: li.querySelector('.problem-at').textContent, pointer: li.querySelector('code').textContent,
      })));
      const f = (name) => `/connections/barndoor/providers/${BD(2)}/fields/${name}`;
      assert.deepEqual(items, [
        { at: 'Line 4, column 3', pointer: '/colour' },
        { at: 'Line 6, column 5', pointer: '/connections/nowhere' },
        { at: 'Line 8, column 7', pointer: '/connections/respan/gateway' },
        { at: 'Line 10, column 28', pointer: '/connections/respan/providers/1/fields/api_key' },
        { at: 'Line 11, column 9', pointer: '/connections/respan/providers/99' },
        { at: 'Line 19, column 13', pointer: f('name') },
        { at: 'Line 20, column 13', pointer: f('request_timeout_secs') },
        { at: 'Line 21, column 13', pointer: f('stream_idle_timeout_secs') },
        { at: 'Line 22, column 13', pointer: f('org_id') },
        { at: 'Line 23, column 13', pointer: f('colour') },
      ]);
      const messages = await page.textContent(`${dialog} .problems`);
      for (const expected of ['Unknown member "colour"', 'Unknown connection "nowhere": the configuration has refactor, libredesk, barndoor, respan.',
        'Connection "respan" speaks respan, not barndoor.', 'Secret values are never imported', 'Unknown provider "99"',
        'Name cannot be empty.', 'Must be from 1 to 3600.', 'must be a whole number or null', 'read-only', 'Unknown field "colour" for Barndoor']) {
        assert.ok(messages.includes(expected), `missing: ${expected}\n${messages}`);
      }
      assert.ok(!messages.includes(CANARY), 'a problem repeats the secret');
      await noViolations(page, 'the problem list');
      assert.equal(wire.length, 0);
      assert.equal(await page.getAttribute('body', 'data-panicked'), null, consoleLines.join('\n'));
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });

  it('keeps a dropped file as a reference and marks drift made behind the panel\'s back', async () => {
    const sandbox = await startSandbox();
    const { page, context } = await openPanel(browser, sandbox.url);
    try {
      const text = await exported(page);
      await closeDialog(page);
      await openImport(page);
      // Dropped onto the drop zone, as a file from the desktop would be.
      await page.evaluate((content) => {
        const dt = new DataTransfer();
        dt.items.add(new File([content], 'reviewed.json', { type: 'application/json' }));
        document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, text);
      await page.waitForSelector(`${dialog} .plan-summary`);
      assert.equal(await page.textContent(`${dialog} .plan-summary`), '0 providers differ from the file and would be updated; 14 match it already.');
      assert.equal(await page.textContent(`${dialog} button.primary`), 'Nothing to send');
      await page.click(`${dialog} button:has-text("Compare cards with this file")`);
      await page.waitForSelector(dialog, { state: 'detached' });
      await page.waitForSelector('.drift-bar');
      assert.equal(await page.textContent('.drift-bar > span'), 'Comparing with reviewed.json: 0 of its 14 providers differ from the gateways.');
      assert.equal(await page.$('.card .drift'), null);

      // Someone changes a provider straight through the gateway's API.
      const res = await fetch(`${sandbox.url}barndoor/api/llm-gateway/admin/providers/${BD(2)}`, {
        method: 'PUT', headers: { authorization: 'Bearer demo-barndoor-jwt', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Changed behind the panel', stream_idle_timeout_secs: 60 }),
      });
      assert.equal(res.status, 200);
      await page.click('.drift-bar button:has-text("Re-check")');
      await page.waitForSelector('.drift-bar > span:has-text("1 of its 14")');
      const marker = await page.getAttribute(`.card[data-key="barndoor/${BD(2)}"] .drift`, 'title');
      assert.equal(marker, 'Differs from reviewed.json: name, stream_idle_timeout_secs');
      assert.match(await page.getAttribute(`.card[data-key="barndoor/${BD(2)}"]`, 'aria-label'), /differs from reviewed\.json: name, stream_idle_timeout_secs$/);
      assert.equal(await page.$$eval('.card .drift', (els) => els.length), 1);
      await page.check('.drift-bar input[type=checkbox]');
      assert.equal(await page.textContent('.toolbar .count'), '1 of 14');
      await noViolations(page, 'the drift bar');

      // Applying the reference puts the provider back.
      await openImport(page);
      await page.fill('#import-text', text);
      await page.click(`${dialog} button:has-text("Check and plan")`);
      await page.waitForSelector(`${dialog} .plan-summary`);
      assert.equal(await page.textContent(`${dialog} .plan-summary`), '1 provider differs from the file and would be updated; 13 match it already.');
      await page.click(`${dialog} button.primary`);
      await page.waitForSelector(`${dialog} .verify:has-text("Verified")`, { timeout: 30000 });
      await closeDialog(page);
      await page.waitForSelector('.drift-bar > span:has-text("0 of its 14")');
      assert.equal(await page.textContent('.toolbar .count'), '0 of 14');
      assert.deepEqual(sandbox.query(`SELECT name, stream_idle_timeout_secs FROM barndoor_providers WHERE id = '${BD(2)}'`), [{ name: 'Anthropic Direct', stream_idle_timeout_secs: null }]);
      await page.click('.drift-bar button:has-text("Stop comparing")');
      await page.waitForSelector('.drift-bar', { state: 'detached' });
      assert.equal(await page.textContent('.toolbar .count'), '14 of 14');
    } finally {
      await context.close();
      await sandbox.stop();
    }
  });
});
