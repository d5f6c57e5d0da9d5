//! Browser entry point: install the panic reporter, mount the app.

use leptos::prelude::*;

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
    mount_to_body(switchboard::App);
}
