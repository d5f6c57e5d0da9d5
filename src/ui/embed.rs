//! Living inside someone else's page: an iframe that reports its height and its saves to
//! the parent and takes a gateway token from allowed origins, or a custom element.

use super::store::{SavedEvent, Store};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// True when this page runs inside a frame.
pub fn in_frame() -> bool {
    web_sys::window().is_some_and(|w| w.parent().ok().flatten().is_some_and(|p| p != w))
}

/// True when the page was opened with `?embed` (or `&embed`).
pub fn requested_by_url() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| {
            q.trim_start_matches('?')
                .split('&')
                .any(|p| p == "embed" || p.starts_with("embed="))
        })
}

fn post(msg: &serde_json::Value, origins: &[String]) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let Ok(v) = js_sys::JSON::parse(&msg.to_string()) else {
        return;
    };
    // Only names and sizes are ever posted, so "*" is safe when no origin is configured.
    if origins.is_empty() {
        let _ = parent.post_message(&v, "*");
    }
    for o in origins {
        let _ = parent.post_message(&v, o);
    }
}

/// Tells the parent page about a save: connection, provider and field names, no values.
pub fn post_saved(ev: &SavedEvent, origins: &[String]) {
    let mut msg = serde_json::json!({
        "type": "switchboard:saved",
        "connection": ev.connection,
        "gateway": ev.gateway,
        "provider": ev.provider,
        "fields": ev.fields,
    });
    // Only with `ui.saved_events_with_values`, and never a secret's (they are left out).
    if let (Some(values), Some(m)) = (&ev.values, msg.as_object_mut()) {
        let values: Vec<_> = values
            .iter()
            .map(|c| serde_json::json!({"field": c.field, "before": c.before, "after": c.after}))
            .collect();
        m.insert("values".into(), values.into());
    }
    post(&msg, origins);
}

/// Posts `{type: "switchboard:height", height}` whenever the content's height changes.
pub fn report_height(origins: Vec<String>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    // The page must grow with its content for its height to mean anything.
    let _ = root.class_list().add_1("sb-embed");
    let last = std::cell::Cell::new(0i32);
    let target = root.clone();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_| {
        let h = target.scroll_height();
        if h != last.get() {
            last.set(h);
            post(
                &serde_json::json!({"type": "switchboard:height", "height": h}),
                &origins,
            );
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&root);
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            observer.observe(&body);
        }
    }
    // One observer for the page's lifetime.
    on_resize.forget();
}

/// Accepts `{type: "switchboard:token", connection, token}` from allowed origins only,
/// sets that connection's bearer token in memory and reloads it.
pub fn accept_tokens(store: Store, allowed: Vec<String>) {
    let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        if !allowed.iter().any(|o| *o == ev.origin()) {
            return;
        }
        let Ok(text) = js_sys::JSON::stringify(&ev.data()) else {
            return;
        };
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&String::from(text)) else {
            return;
        };
        if msg.get("type").and_then(|t| t.as_str()) != Some("switchboard:token") {
            return;
        }
        let (Some(id), Some(token)) = (
            msg.get("connection").and_then(|v| v.as_str()),
            msg.get("token").and_then(|v| v.as_str()),
        ) else {
            return;
        };
        let idx = store
            .connections
            .with_untracked(|cs| cs.iter().position(|c| c.id == id));
        if let Some(idx) = idx {
            let auth = store
                .connections
                .with_untracked(|cs| cs.get(idx).map(|c| c.auth.with_token(token)));
            if let Some(auth) = auth {
                store.set_credential(idx, auth, crate::model::CredentialSource::Host);
            }
        }
    });
    // Listens for the page's lifetime.
    std::mem::forget(handle);
}
