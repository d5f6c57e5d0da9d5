//! Tabs in step: every tab of the panel on this origin hears, through a
//! `BroadcastChannel`, when another one saved a provider (it reads that provider again
//! from its gateway, so the card shows what the gateway holds, and an open form on it is
//! told it changed) or added journal entries. Only a card's key travels: never a value,
//! a draft or a secret.

use super::store::Store;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const CHANNEL: &str = "switchboard";
/// A message is `saved:<card key>` or `journal`: plain text, nothing to deserialise.
const SAVED: &str = "saved:";
const JOURNAL: &str = "journal";

fn channel() -> Option<web_sys::BroadcastChannel> {
    thread_local! {
        static OPEN: Option<web_sys::BroadcastChannel> = web_sys::BroadcastChannel::new(CHANNEL).ok();
    }
    OPEN.with(Clone::clone)
}

fn post(text: &str) {
    if let Some(ch) = channel() {
        let _ = ch.post_message(&JsValue::from_str(text));
    }
}

/// Tells the other tabs that this one saved the provider of the card with `key`.
pub fn announce_saved(key: &str) {
    post(&format!("{SAVED}{key}"));
}

/// Tells the other tabs that journal entries were added.
pub fn announce_journal() {
    post(JOURNAL);
}

/// Listens for the other tabs for as long as the page lives.
pub fn listen(store: Store) {
    let Some(ch) = channel() else { return };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            if let Some(key) = text.strip_prefix(SAVED) {
                store.take_remote(Arc::from(key));
            } else if text == JOURNAL {
                store.journal.heard();
            }
        });
    ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The page keeps listening until it goes: the closure lives as long.
    on_message.forget();
}
