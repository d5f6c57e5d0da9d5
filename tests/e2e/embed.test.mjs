// Embedding: the panel in an iframe on another origin (chrome-less, auto-resizing,
// posting saves without secrets, taking a token only from allowed origins), and as a
// <switchboard-panel> custom element on a host page with hostile global CSS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY, launch, startSandbox, staticHost } from './harness.mjs';

let sandbox;
let browser;
let server;
let port;
let api;

const hostile = `
  * { font-size: 40px !important; color: red !important; background: yellow !important; letter-spacing: 9px !important; }
  div, article, button, input, select, main, header { display: none !important; }
  .card, .app, .dialog { display: none !important; border: 9px solid red !important; }
`;

function iframePage() {
  return `<!doctype html><html><head><style>${hostile.replaceAll('div,', 'article,')}</style></head><body>
    <h1>Host dashboard</h1>
    <iframe id="panel" src="${api}/?embed" style="width: 1100px; height: 200px; border: 0"></iframe>
    <script>
      window.__messages = [];
      window.addEventListener('message', (e) => {
        if (e.origin !== ${JSON.stringify(api)}) return;
        window.__messages.push(e.data);
        if (e.data && e.data.type === 'switchboard:height') document.getElementById('panel').style.height = e.data.height + 'px';
      });
      window.sendToken = (token) => document.getElementById('panel').contentWindow.postMessage(
        { type: 'switchboard:token', connection: 'respan', token }, ${JSON.stringify(api)});
    </script></body></html>`;
}

function elementPage() {
  return `<!doctype html><html><head><style>${hostile}</style>
    <script type="module" src="/admin/llm/switchboard-element.js"></script></head><body>
    <p class="card" id="host-card">The host's own .card</p>
    <p class="pill on" id="host-pill">host pill</p>
    <switchboard-panel config="/admin/llm/switchboard.json"></switchboard-panel>
  </body></html>`;
}

function panelConfig() {
  return {
    connections: [
      { id: 'rs', name: 'Respan', dialect: 'respan', base_url: `${api}/respan`, auth: { scheme: 'bearer', token: 'demo-respan-key' } },
      { id: 'bd', name: 'Barndoor', dialect: 'barndoor', base_url: `${api}/barndoor`, auth: { scheme: 'bearer', token: 'demo-barndoor-jwt' } },
    ],
    ui: { allow_file_credentials: true },
  };
}

before(async () => {
  sandbox = await startSandbox();
  api = sandbox.url.replace(/\/$/, '');
  browser = await launch();
  server = await staticHost({
    mounts: ['/admin/llm/'],
    pages: {
      '/host/iframe.html': () => ({ type: 'text/html', body: iframePage() }),
      '/host/element.html': () => ({ type: 'text/html', body: elementPage() }),
      '/admin/llm/switchboard.json': () => ({ type: 'application/json', body: JSON.stringify(panelConfig()) }),
    },
  });
  port = server.port;
});

after(async () => {
  await browser?.close();
  server?.close();
  await sandbox?.stop();
});

/** A page whose iframe gets the sandbox's config with an empty Respan token and this allowlist. */
async function hostWithIframe(hostOrigin, allowed, ui = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(`${api}/switchboard.json`, async (route) => {
    const res = await route.fetch();
    const cfg = await res.json();
    for (const c of cfg.connections) if (c.dialect === 'respan') c.auth.token = '';
    await route.fulfill({ response: res, json: { ...cfg, ui: { ...cfg.ui, ...ui, allowed_parent_origins: allowed } } });
  });
  const page = await context.newPage();
  await page.goto(`${hostOrigin}/host/iframe.html`);
  const frame = page.frameLocator('#panel');
  await frame.locator('.card[data-key^="barndoor/"]').first().waitFor();
  return { page, context, frame };
}

describe('iframe on another origin', () => {
  const allowedOrigin = () => `http://127.0.0.1:${port}`;

  it('ignores tokens from origins not on the allowlist', async () => {
    // Same host page, but reached as localhost: another origin, not on the list.
    const { page, context, frame } = await hostWithIframe(`http://localhost:${port}`, [allowedOrigin()]);
    await frame.locator('.load-error').first().waitFor();
    await page.evaluate(() => window.sendToken('demo-respan-key'));
    await page.waitForTimeout(1000);
    assert.equal(await frame.locator('.card[data-key^="respan/"]').count(), 0, 'the token was ignored');
    await context.close();
  });

  it('drops the chrome, resizes, takes a token from an allowed parent, saves, and posts the save without secrets', async () => {
    const { page, context, frame } = await hostWithIframe(allowedOrigin(), [allowedOrigin()]);
    assert.equal(await frame.locator('.topbar').isVisible(), false, 'no outer chrome');
    await page.waitForFunction(() => window.__messages.some((m) => m.type === 'switchboard:height'));
    await page.waitForFunction(() => document.getElementById('panel').getBoundingClientRect().height > 400);
    await page.evaluate(() => window.sendToken('demo-respan-key'));
    await frame.locator('.card[data-key="respan/1"]').waitFor();
    await frame.locator('.card[data-key="respan/1"]').click();
    await frame.locator('#field-provider_name').fill('Set from the iframe');
    await frame.locator('[data-field="api_key"] button:has-text("Replace")').click();
    await frame.locator('#field-api_key').fill(CANARY);
    await frame.locator('[role=dialog] button.primary').click();
    await frame.locator('.card[data-key="respan/1"] .status.saved').waitFor({ timeout: 10000 }).catch(async (e) => {
      throw new Error(`${e.message}\nform says: ${await frame.locator('[role=dialog]').innerText().catch(() => '(closed)')}`);
    });
    const [row] = sandbox.query('SELECT provider_name, api_key FROM respan_providers WHERE id = 1');
    assert.deepEqual(row, { provider_name: 'Set from the iframe', api_key: CANARY });
    await page.waitForFunction(() => window.__messages.some((m) => m.type === 'switchboard:saved'));
    const messages = await page.evaluate(() => window.__messages);
    const saved = messages.find((m) => m.type === 'switchboard:saved');
    assert.deepEqual(saved, { type: 'switchboard:saved', connection: 'respan', gateway: 'respan', provider: '1', fields: ['provider_name', 'api_key'] });
    assert.ok(!JSON.stringify(messages).includes(CANARY), 'no secret in any message');
    assert.ok(!JSON.stringify(messages).includes('demo-respan-key'));
    await context.close();
  });
});

describe('saved events with values', () => {
  it('carry the non-secret fields\' before and after with ui.saved_events_with_values, never a secret', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const { page, context, frame } = await hostWithIframe(origin, [origin], { saved_events_with_values: true });
    await page.evaluate(() => window.sendToken('demo-respan-key'));
    const card = frame.locator('.card[data-key="respan/3"]');
    await card.waitFor();
    const before = sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3')[0].provider_name;
    await card.click();
    await frame.locator('#field-provider_name').fill('Renamed with values');
    await frame.locator('[data-field="api_key"] button:has-text("Replace")').click();
    await frame.locator('#field-api_key').fill(CANARY);
    await frame.locator('[role=dialog] button.primary').click();
    await page.waitForFunction(() => window.__messages.some((m) => m.type === 'switchboard:saved'));
    const saved = (await page.evaluate(() => window.__messages)).find((m) => m.type === 'switchboard:saved');
    assert.deepEqual(saved, {
      type: 'switchboard:saved', connection: 'respan', gateway: 'respan', provider: '3', fields: ['provider_name', 'api_key'],
      values: [{ field: 'provider_name', before, after: 'Renamed with values' }],
    });
    assert.ok(!JSON.stringify(saved).includes(CANARY), 'the key is named in fields, its value nowhere');
    await context.close();
  });
});

describe('custom element', () => {
  it('renders and saves inside a page with hostile global CSS, and its CSS does not leak out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/host/element.html`);
    const card = page.locator('switchboard-panel .card[data-key="rs/3"]');
    await card.waitFor();
    assert.ok(await card.isVisible(), 'the host cannot hide the panel\'s cards');
    const inside = await card.locator('.card-name').evaluate((el) => {
      const s = getComputedStyle(el);
      return { size: s.fontSize, color: s.color, spacing: s.letterSpacing };
    });
    assert.notEqual(inside.size, '40px');
    assert.notEqual(inside.color, 'rgb(255, 0, 0)');
    const hostCard = await page.locator('#host-card').evaluate((el) => getComputedStyle(el).borderRadius);
    assert.equal(hostCard, '0px', 'the panel\'s .card style stays in its shadow root');
    await card.click();
    await page.locator('switchboard-panel #field-provider_name').fill('Set from the element');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH'),
      page.locator('switchboard-panel [role=dialog] button.primary').click(),
    ]);
    assert.equal((await req.response()).status(), 200);
    await page.locator('switchboard-panel .card[data-key="rs/3"]:has-text("Set from the element")').waitFor();
    assert.deepEqual(sandbox.query('SELECT provider_name FROM respan_providers WHERE id = 3'), [{ provider_name: 'Set from the element' }]);
    assert.equal(await page.locator('body > .app').count(), 0, 'nothing mounted outside the element');
    await context.close();
  });

  it('keeps keyboard navigation and focus return inside its shadow root', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/host/element.html`);
    await page.locator('switchboard-panel .card[data-key]').first().waitFor();
    const focused = () => page.evaluate(() => document.querySelector('switchboard-panel').shadowRoot.activeElement?.dataset?.key);
    await page.locator('switchboard-panel .card[data-key]').first().focus();
    const first = await focused();
    await page.keyboard.press('ArrowRight');
    const second = await focused();
    assert.ok(first && second && first !== second, `arrow moved focus (${first} -> ${second})`);
    await page.keyboard.press('Enter');
    await page.locator('switchboard-panel [role=dialog]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('switchboard-panel [role=dialog]').waitFor({ state: 'detached' });
    assert.equal(await focused(), second, 'focus returns to the card');
    await context.close();
  });
});
