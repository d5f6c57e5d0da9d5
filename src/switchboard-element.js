// <switchboard-panel config="/path/switchboard.json"> for any page, with one script tag:
//   <script type="module" src="https://panel.example.com/switchboard-element.js"></script>
// The panel renders in a shadow root, so the host page's CSS cannot reach it and its CSS
// cannot leak out; theme it by setting --sb-* custom properties on the element.
// (The build fills in the hashed file names.)
const base = new URL('.', import.meta.url);
let ready;

function load() {
  if (!ready) {
    globalThis.SWITCHBOARD_NO_AUTOMOUNT = true;
    ready = import(new URL('__JS__', base).href).then(async (mod) => {
      await mod.default({ module_or_path: new URL('__WASM__', base) });
      return mod;
    });
  }
  return ready;
}

class SwitchboardPanel extends HTMLElement {
  async connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('__CSS__', base).href;
    const mount = document.createElement('div');
    root.append(style, mount);
    const config = new URL(this.getAttribute('config') || 'switchboard.json', document.baseURI).href;
    const mod = await load();
    mod.mount_panel(mount, config);
  }
}

if (!customElements.get('switchboard-panel')) customElements.define('switchboard-panel', SwitchboardPanel);
