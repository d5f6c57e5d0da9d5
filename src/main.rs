//! Browser entry point: install the panic reporter, then mount the app on the page, or
//! leave mounting to the `<switchboard-panel>` custom element, which calls [`mount_panel`].

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

fn main() {
    // In wasm a panic kills the page; make it visible (console and a body attribute the
    // tests check) rather than a silent freeze.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-panicked", "true");
        }
    }));
    let element_mode = js_sys::Reflect::get(
        &js_sys::global(),
        &JsValue::from_str("SWITCHBOARD_NO_AUTOMOUNT"),
    )
    .is_ok_and(|v| v.is_truthy());
    if !element_mode {
        mount_to_body(|| view! { <switchboard::App /> });
    }
}

/// Mounts a chrome-less panel into `root` (a custom element's shadow root container),
/// reading its configuration from `config_url`.
#[wasm_bindgen]
pub fn mount_panel(root: web_sys::HtmlElement, config_url: String) {
    let handle = leptos::mount::mount_to(
        root,
        move || view! { <switchboard::App config_url=config_url.clone() embedded=true /> },
    );
    // The panel lives as long as the element's page.
    handle.forget();
}
