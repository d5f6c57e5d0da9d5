//! DOM look-ups that also work inside a shadow root (the custom element), where
//! `document.activeElement` is the host element and `document.querySelector` sees nothing.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node, ShadowRoot};

/// The document or shadow root that `node` lives in.
pub fn root_of(node: &Node) -> Node {
    node.get_root_node()
}

/// The focused element within `root`.
pub fn active_element(root: &Node) -> Option<Element> {
    if let Some(shadow) = root.dyn_ref::<ShadowRoot>() {
        return shadow.active_element();
    }
    root.dyn_ref::<Document>()
        .and_then(Document::active_element)
}

/// True when nothing on the page has focus (it fell back to the body), e.g. because the
/// focused element was moved or removed.
pub fn focus_lost() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    match doc.active_element() {
        None => true,
        Some(el) => doc
            .body()
            .is_some_and(|b| b.is_same_node(Some(el.as_ref()))),
    }
}

/// The first element matching `selector` within `root`.
pub fn query(root: &Node, selector: &str) -> Option<Element> {
    if let Some(shadow) = root.dyn_ref::<ShadowRoot>() {
        return shadow.query_selector(selector).ok().flatten();
    }
    root.dyn_ref::<Document>()
        .and_then(|d| d.query_selector(selector).ok().flatten())
}

/// Sets a performance mark the first time only; the benchmark reads them to split the
/// time to the first card: `switchboard:config` (configuration read), `switchboard:lists`
/// (list requests sent), `switchboard:cards` (the first connection's cards in),
/// `switchboard:loaded` (every connection answered).
pub fn mark_once(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        if perf.get_entries_by_name(name).length() == 0 {
            let _ = perf.mark(name);
        }
    }
}

/// The page's origin (`https://host:port`), which relative gateway URLs belong to.
pub fn page_origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// Removes the page's own "Loading…" line (`index.html`), once the panel shows something.
pub fn remove_boot_text() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("sb-boot"))
    {
        el.remove();
    }
}

/// Puts text on the clipboard (`navigator.clipboard.writeText`); true when the browser
/// took the request. Reached by name: web-sys' typed clipboard is behind an unstable flag.
pub fn copy_text(text: &str) -> bool {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsValue;
    let Some(navigator) = web_sys::window().map(|w| JsValue::from(w.navigator())) else {
        return false;
    };
    let clipboard = Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok();
    let write = clipboard.as_ref().and_then(|c| {
        Reflect::get(c, &JsValue::from_str("writeText"))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    });
    match (clipboard, write) {
        (Some(c), Some(f)) => f.call1(&c, &JsValue::from_str(text)).is_ok(),
        _ => false,
    }
}

/// Offers `text` as a file download named `name` (a `blob:` link clicked once); true
/// when the browser took it.
pub fn download(name: &str, text: &str) -> bool {
    use wasm_bindgen::JsValue;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let done = link.is_some_and(|a| {
        a.set_href(&url);
        a.set_download(name);
        a.click();
        true
    });
    let _ = web_sys::Url::revoke_object_url(&url);
    done
}
