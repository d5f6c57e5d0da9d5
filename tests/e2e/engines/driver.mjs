// The three browser engines admins use, each driven over classic WebDriver by its own
// driver from a registry (selenium-webdriver as the client): Debian's Chromium with
// chromedriver, Debian's Firefox ESR with geckodriver (crates.io), and WebKitGTK's
// MiniBrowser with WebKitWebDriver on a virtual display (Xvfb; it has no headless mode).
// No tool here downloads a browser or a driver.
import { spawn, execFileSync } from 'node:child_process';
import { Builder, By, Key, until } from 'selenium-webdriver';
import { freePort } from '../harness.mjs';

const HEADLESS_CHROMIUM = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
  '--window-size=1280,1200'];
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export const ENGINES = {
  chromium: {
    label: 'Chromium',
    version: () => execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(),
    driver: (port) => ['/usr/bin/chromedriver', [`--port=${port}`]],
    caps: { browserName: 'chrome', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: HEADLESS_CHROMIUM } },
  },
  firefox: {
    label: 'Firefox ESR',
    version: () => execFileSync('/usr/bin/firefox-esr', ['--version'], { encoding: 'utf8' }).trim(),
    driver: (port) => [process.env.GECKODRIVER || 'geckodriver', [`--port=${port}`, '--log=error']],
    caps: {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless', '-width=1280', '-height=1200'] },
    },
  },
  webkit: {
    label: 'WebKitGTK',
    version: () => `WebKitGTK ${execFileSync('dpkg-query', ['-W', '-f=${Version}', 'webkit2gtk-driver'], { encoding: 'utf8' }).trim()}`,
    // MiniBrowser has no headless mode: it gets a virtual display.
    display: true,
    driver: (port) => ['/usr/bin/WebKitWebDriver', [`--port=${port}`]],
    caps: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
  },
};

/**
 * A virtual display of its own: Xvfb picks a free number and tells it (-displayfd), so
 * drivers started side by side never race for one (xvfb-run -a does).
 */
async function startDisplay() {
  // -noreset: a server resets when its last client leaves, and the next browser, started
  // in that moment, cannot open the display.
  const x = spawn('Xvfb', ['-displayfd', '3', '-noreset', '-screen', '0', '1400x1300x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const number = await new Promise((resolve, reject) => {
    let got = '';
    x.stdio[3].on('data', (d) => {
      got += d;
      if (got.includes('\n')) resolve(got.trim());
    });
    x.on('error', reject);
    x.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display`)));
    setTimeout(() => reject(new Error('Xvfb gave no display within 10 s')), 10000);
  });
  return { display: `:${number}`, stop: () => x.kill('SIGTERM') };
}

/** `promise`, or a failure saying `what` took longer than `ms`. */
function within(ms, what, promise) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms); }),
  ]);
}

/**
 * Starts the engine's driver (on a display of its own for WebKit) and one browser session
 * in it; `fresh()` replaces the session with a new one, `stop()` ends them all.
 */
export async function startEngine(id) {
  const engine = ENGINES[id];
  const screen = engine.display ? await startDisplay() : null;
  const port = await freePort();
  const [cmd, args] = engine.driver(port);
  const env = screen ? { ...process.env, DISPLAY: screen.display } : process.env;
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const errors = [];
  proc.stderr.on('data', (d) => errors.push(String(d)));
  let gone = false;
  proc.on('error', (e) => { errors.push(String(e)); gone = true; });
  proc.on('exit', () => { gone = true; });
  // A page that never finishes loading fails its test in 30 s, not WebDriver's 300.
  const caps = { ...engine.caps, timeouts: { pageLoad: 30000, script: 30000, implicit: 0 } };
  const stopAll = () => {
    proc.kill('SIGTERM');
    screen?.stop();
  };
  // A test process that ends early (a failed hook, a timeout) takes its browser along.
  process.once('exit', stopAll);
  const url = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 100 && !up && !gone; i++) {
    up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  let driver = null;
  const fail = (e) => new Error(`${engine.label}: ${e.message} (${cmd}): ${errors.join('')}`);
  /** Ends the session there is and starts a new one: a fresh profile, nothing kept. */
  async function fresh() {
    if (driver) await within(20000, 'ending the session', driver.quit()).catch(() => {});
    driver = null;
    const d = await within(60000, 'starting a session',
      new Builder().usingServer(url).withCapabilities(caps).build());
    driver = d;
    // Tall enough for the demo's 14 cards to be rendered at once (the grid renders a window).
    await d.manage().window().setRect({ width: 1280, height: 1200 });
    return new Page(d);
  }
  try {
    if (!up) throw new Error('it did not answer');
    await fresh();
  } catch (e) {
    await driver?.quit().catch(() => {});
    stopAll();
    throw fail(e);
  }
  return {
    id,
    label: engine.label,
    version: engine.version(),
    /** The page of the current session. */
    get page() { return new Page(driver); },
    /** A new session (ending the current one), for a test that must start from nothing. */
    async fresh() {
      try {
        return await fresh();
      } catch (e) {
        throw fail(e);
      }
    },
    async stop() {
      if (driver) await within(20000, 'ending the session', driver.quit()).catch(() => {});
      stopAll();
    },
  };
}

const TIMEOUT = 15000;

/**
 * What the tests do to a page, in the words of the Playwright suite (waitFor, click, fill,
 * press), over WebDriver. Selectors are CSS; `within` runs them inside a custom element's
 * shadow root.
 */
export class Page {
  constructor(driver, within = null) {
    this.driver = driver;
    this.within = within;
  }

  /** The same page, with selectors run inside `host`'s shadow root. */
  inShadowOf(host) {
    return new Page(this.driver, host);
  }

  async goto(url) {
    await this.driver.get(url);
  }

  /** Runs `fn` in the page with `args`; the root to query (document or shadow root) is its first argument. */
  async js(fn, ...args) {
    return this.driver.executeScript(
      `const root = arguments[0] ? document.querySelector(arguments[0]).shadowRoot : document;
       return (${fn}).apply(null, [root, ...Array.from(arguments).slice(1)]);`,
      this.within, ...args);
  }

  /** Waits until `check()` is truthy, re-asking every 50 ms; fails with `what` after `timeout`. */
  async until(what, check, timeout = TIMEOUT) {
    const end = Date.now() + timeout;
    for (;;) {
      // An element can go between the script that found it and the reply that carries it
      // (WebKit then answers "stale element"): that is a "not yet", not a failure.
      const v = await Promise.resolve().then(check).catch((e) => {
        if (e.name === 'StaleElementReferenceError' || /stale element/i.test(e.message)) return null;
        throw e;
      });
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The first element matching `css` (and whose text matches `text`, when given), or null. */
  async find(css, text = null) {
    return this.js((root, css, text) => [...root.querySelectorAll(css)]
      .find((e) => text === null || new RegExp(text).test(e.textContent)) || null, css, text?.source ?? text);
  }

  async waitFor(css, { text = null, timeout = TIMEOUT } = {}) {
    return this.until(`${css}${text ? ` with text ${text}` : ''}`, () => this.find(css, text), timeout);
  }

  async waitGone(css, timeout = TIMEOUT) {
    await this.until(`${css} to go`, async () => (await this.count(css)) === 0, timeout);
  }

  async count(css) {
    return this.js((root, css) => root.querySelectorAll(css).length, css);
  }

  async text(css) {
    const el = await this.waitFor(css);
    return this.js((_, el) => el.textContent, el);
  }

  async value(css) {
    const el = await this.waitFor(css);
    return this.js((_, el) => el.value, el);
  }

  async disabled(css) {
    const el = await this.waitFor(css);
    return this.js((_, el) => el.disabled, el);
  }

  async click(css, opts) {
    const el = await this.waitFor(css, opts);
    await this.driver.wait(until.elementIsVisible(el), TIMEOUT);
    if (this.within) {
      // WebKitWebDriver's check that nothing covers the element asks the document, which
      // answers with the shadow host: it calls every click in a shadow root intercepted.
      // A pointer press at the element's centre is what a user does, in every engine.
      await this.driver.actions().move({ origin: el }).click().perform();
    } else {
      await el.click();
    }
  }

  /** Replaces the field's value as a user would: select all, then type (typing focuses it). */
  async fill(css, text) {
    const el = await this.waitFor(css);
    await el.sendKeys(Key.chord(Key.CONTROL, 'a'), Key.BACK_SPACE);
    if (text) await el.sendKeys(text);
  }

  async setChecked(css, on) {
    const el = await this.waitFor(css);
    if ((await this.js((_, el) => el.checked, el)) !== on) await el.click();
  }

  /** Presses keys where focus is: `press(Key.ESCAPE)`, `press(Key.CONTROL, 's')` for a chord. */
  async press(...keys) {
    const actions = this.driver.actions();
    const [last, ...mods] = keys.reverse();
    for (const m of mods) actions.keyDown(m);
    actions.sendKeys(last);
    for (const m of mods.reverse()) actions.keyUp(m);
    await actions.perform();
  }

  async focus(css) {
    const el = await this.waitFor(css);
    await this.js((_, el) => el.focus(), el);
  }

  /** The `data-key` of the focused element, inside the shadow root when there is one. */
  async focusedKey() {
    return this.js((root) => root.activeElement?.dataset?.key ?? null);
  }
}

export { By, Key };
