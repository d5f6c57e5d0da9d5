// The floor: the least a browser page can do to show the same providers. It reads the same
// switchboard.json, fetches the same four lists, and renders the same cards in the same
// window (212 px rows, overscan 2) with a substring filter. No framework, no checks.
const ROW = 212, MIN = 300, GAP = 16, OVERSCAN = 2;
const viewport = document.querySelector('.grid-viewport');
const space = document.querySelector('.grid-space');
const grid = document.querySelector('.grid');
const count = document.querySelector('.count');
const search = document.querySelector('input');
let cards = [];
let visible = [];

function auth(a) {
  if (a.scheme === 'bearer') return 'Bearer ' + a.token;
  if (a.scheme === 'basic') return 'Basic ' + btoa(a.key + ':' + a.secret);
  if (a.scheme === 'token') return 'token ' + a.key + ':' + a.secret;
  return null;
}

const PATHS = { refactor: '/v1/llm-provider', libredesk: '/api/v1/ai/provider', barndoor: '/api/llm-gateway/admin/providers', respan: '/api/providers/' };

function toCards(conn, body) {
  let items = Array.isArray(body) ? body : body.results || (body.data ? [body.data] : []);
  return items.map((p) => {
    const name = p.name || p.provider_name || p.provider;
    const id = String(p.id ?? p.provider);
    return { key: conn.id + '/' + id, name, kind: p.model_provider || p.provider_id || p.provider, gateway: conn.dialect,
      enabled: p.enabled, base: p.base_url, hay: (name + ' ' + id + ' ' + conn.dialect).toLowerCase() };
  });
}

function render() {
  const cols = Math.max(1, Math.floor((viewport.clientWidth + GAP) / (MIN + GAP)));
  const rows = Math.ceil(visible.length / cols);
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + OVERSCAN);
  space.style.height = rows * ROW + 'px';
  grid.style.transform = `translateY(${first * ROW}px)`;
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  const html = [];
  for (const c of visible.slice(first * cols, last * cols)) {
    const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    html.push(`<article class="card" data-key="${esc(c.key)}"><h3>${esc(c.name)}</h3><p>${esc(c.gateway)} · ${esc(c.kind)} · ${c.enabled === false ? 'Disabled' : 'Enabled'}</p><dl>${c.base ? `<div><dt>Base URL</dt><dd>${esc(c.base)}</dd></div>` : ''}</dl></article>`);
  }
  grid.innerHTML = html.join('');
  count.textContent = `${visible.length} of ${cards.length}`;
}

function filter() {
  const q = search.value.trim().toLowerCase();
  visible = q ? cards.filter((c) => c.hay.includes(q)) : cards.slice();
  visible.sort((a, b) => (a.name < b.name ? -1 : 1));
  render();
}

search.addEventListener('input', filter);
viewport.addEventListener('scroll', render);

// The next page of a paged list (a sandbox run with --page-size): Respan's DRF `next`
// link, Barndoor's page and limit under its total; null when this was the last.
function nextPage(url, body) {
  if (typeof body.next === 'string') return body.next;
  if (Array.isArray(body.items) && body.page * body.limit < body.total) {
    const u = new URL(url, location.href);
    u.searchParams.set('page', body.page + 1);
    u.searchParams.set('limit', body.limit);
    return u.href;
  }
  return null;
}

const cfg = await (await fetch('switchboard.json')).json();
await Promise.all(cfg.connections.map(async (conn) => {
  const headers = {};
  const a = auth(conn.auth || {});
  if (a) headers.Authorization = a;
  let url = conn.base_url.replace(/\/$/, '') + PATHS[conn.dialect];
  // Drawn after the first page and after the last: the least a paged page can do.
  for (let page = 1; url; page++) {
    const body = await (await fetch(url, { headers })).json();
    cards = cards.concat(toCards(conn, body.items ? body.items : body));
    url = nextPage(url, body);
    if (page === 1 || !url) filter();
    if (!performance.getEntriesByName('switchboard:cards').length) performance.mark('switchboard:cards');
  }
}));
performance.mark('switchboard:loaded');
