//! Tabs in step: every tab of the panel on this origin hears, through a
//! `BroadcastChannel`, when another one saved a provider (the card takes the saved
//! version; an open form on it is told its provider changed) or added journal entries.
//! Only providers as the gateways return them travel, never a draft or a secret.

use super::store::Store;
use crate::model::Provider;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const CHANNEL: &str = "switchboard";

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    /// A provider as its gateway answered a save.
    Saved { key: String, provider: Provider },
    /// Journal entries were added.
    Journal,
}

fn channel() -> Option<web_sys::BroadcastChannel> {
    thread_local! {
        static OPEN: Option<web_sys::BroadcastChannel> = web_sys::BroadcastChannel::new(CHANNEL).ok();
    }
    OPEN.with(Clone::clone)
}

fn post(msg: &Message) {
    if let (Some(ch), Ok(text)) = (channel(), serde_json::to_string(msg)) {
        let _ = ch.post_message(&JsValue::from_str(&text));
    }
}

/// Tells the other tabs that this one saved `provider` (the card with `key`).
pub fn announce_saved(key: &str, provider: &Provider) {
    post(&Message::Saved {
        key: key.to_owned(),
        provider: provider.clone(),
    });
}

/// Tells the other tabs that journal entries were added.
pub fn announce_journal() {
    post(&Message::Journal);
}

/// Listens for the other tabs for as long as the page lives.
pub fn listen(store: Store) {
    let Some(ch) = channel() else { return };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            match serde_json::from_str::<Message>(&text) {
                Ok(Message::Saved { key, provider }) => store.take_remote(Arc::from(key), provider),
                Ok(Message::Journal) => store.journal.heard(),
                Err(_) => {}
            }
        });
    ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The page keeps listening until it goes: the closure lives as long.
    on_message.forget();
}
