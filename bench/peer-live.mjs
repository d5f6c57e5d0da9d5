// The peer, live: LiteLLM's proxy from PyPI (`litellm[proxy]`), started here with N models
// in its config, its admin UI logged into as an admin would, and the time to its first
// model row. Where a step cannot run on this machine, the result says which step and
// carries the proxy's own words, so the benchmark prints the evidence instead of a number.
//
// The install goes into ~/.cache/switchboard/litellm (a venv, once; about 3 minutes).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../tests/e2e/harness.mjs';

const HOME = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchboard', 'litellm');
const BIN = join(HOME, 'venv', 'bin');

function install() {
  if (existsSync(join(BIN, 'litellm'))) return;
  mkdirSync(HOME, { recursive: true });
  execFileSync('python3', ['-m', 'venv', join(HOME, 'venv')], { stdio: 'inherit' });
  execFileSync(join(BIN, 'pip'), ['install', '-q', 'litellm[proxy]'], { stdio: 'inherit' });
}

const version = () => execFileSync(join(BIN, 'python'), ['-c', 'import importlib.metadata as m; print(m.version("litellm"))']).toString().trim();

// A call to the proxy, tried again for a few seconds: uvicorn says it is up a moment
// before every route answers. A failure names the call.
async function call(what, url, init) {
  for (let i = 0; ; i++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (i >= 10) throw new Error(`${what}: ${e.cause?.code || e.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Starts the proxy with `n` models; resolves once it answers, with its URL and master key. */
async function start(n) {
  const port = await freePort();
  const key = `sk-bench-${randomBytes(16).toString('hex')}`;
  const models = Array.from({ length: n }, (_, i) => `  - model_name: model-${i}\n    litellm_params:\n      model: openai/gpt-${i}\n      api_key: os.environ/BENCH_UPSTREAM_KEY\n      api_base: http://127.0.0.1:9/v1\n`).join('');
  const config = join(HOME, `config-${n}.yaml`);
  writeFileSync(config, `model_list:\n${models}general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n`);
  const log = [];
  const proc = spawn(join(BIN, 'litellm'), ['--config', config, '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, LITELLM_MASTER_KEY: key, BENCH_UPSTREAM_KEY: 'sk-unused', LITELLM_TELEMETRY: 'False' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [proc.stdout, proc.stderr]) s.on('data', (d) => log.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the proxy exited: ${log.join('').slice(-400)}`);
    if (Date.now() - started > 180_000) { proc.kill(); throw new Error('the proxy did not answer within 180 s'); }
    const ok = await fetch(`${url}/health/liveliness`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, key, proc, startMs: Date.now() - started };
}

/**
 * The live peer: `transfer(browser, url, 'load')` measures a page as the benchmark does
 * for every page. Returns what it measured and, where it stopped, why.
 */
export async function peerLive(browser, transfer, n = 100) {
  install();
  const result = { version: version(), models: n };
  const p = await start(n);
  try {
    result.startMs = p.startMs;
    const t0 = performance.now();
    const list = await call('GET /v1/models', `${p.url}/v1/models`, { headers: { Authorization: `Bearer ${p.key}` } });
    const body = await list.json();
    result.apiModelsMs = performance.now() - t0;
    result.apiModels = Array.isArray(body.data) ? body.data.length : 0;
    // The admin UI's login page, served by the live proxy.
    const login = await transfer(browser, `${p.url}/ui/`, 'load');
    result.loginPage = { transfer: login.all, dcl: login.dcl };
    // The UI's own login call: username "admin", the master key as password.
    const answer = await call('POST /v2/login', `${p.url}/v2/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: p.key }),
    });
    result.login = { status: answer.status, text: (await answer.text()).slice(0, 300) };
    if (!answer.ok) {
      result.stoppedAt = 'login';
      // Its database layer (Prisma) fetches engines at first use: say whether that can work here.
      result.prisma = await fetch('https://binaries.prisma.sh/', { signal: AbortSignal.timeout(5000) })
        .then((r) => `binaries.prisma.sh answered ${r.status}`, (e) => `binaries.prisma.sh unreachable (${e.cause?.code || e.name})`);
      return result;
    }
    // Logged in: the models page, to the first model row.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const cookies = answer.headers.getSetCookie().map((c) => { const [pair] = c.split(';'); const [name, ...v] = pair.split('='); return { name, value: v.join('='), url: p.url }; });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${p.url}/ui/?page=models`);
    await page.getByText('model-0', { exact: true }).first().waitFor({ timeout: 60_000 });
    result.firstModelRowMs = Date.now() - started;
    await context.close();
    return result;
  } finally {
    p.proc.kill();
  }
}

/** One line for the benchmark's output. */
export function peerLiveLine(r, firstCardMs) {
  if (r.error) return `peer, live: ${r.error}`;
  const head = `peer, live (litellm ${r.version}, ${r.models} models): started in ${(r.startMs / 1000).toFixed(1)} s; GET /v1/models ${r.apiModelsMs.toFixed(1)} ms (${r.apiModels} models); login page ${(r.loginPage.transfer.brotli / 1024).toFixed(1)} KB brotli in ${r.loginPage.transfer.requests} requests, DOMContentLoaded ${r.loginPage.dcl.toFixed(0)} ms`;
  if (r.stoppedAt === 'login') return `${head}\npeer, live: the admin UI's login refused: ${r.login.status} ${r.login.text} (${r.prisma}); no model row to time`;
  return `${head}\npeer, live: first model row ${r.firstModelRowMs} ms after navigation vs Switchboard's first card ${firstCardMs.toFixed(0)} ms (${(r.firstModelRowMs / firstCardMs).toFixed(2)}×)`;
}
