//! sessionStorage for what may survive a reload: drafts without their secrets. No key,
//! token or other credential is ever stored.

use crate::model::{Draft, Field};

const DRAFT_PREFIX: &str = "switchboard.draft.";

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Keeps a draft for a provider, minus every secret field.
pub fn save_draft(card_key: &str, draft: &Draft, fields: &[Field]) {
    let Some(s) = session() else { return };
    let safe = draft.without_secrets(fields);
    let key = format!("{DRAFT_PREFIX}{card_key}");
    if safe.is_empty() {
        let _ = s.remove_item(&key);
    } else if let Ok(text) = serde_json::to_string(&safe) {
        let _ = s.set_item(&key, &text);
    }
}

/// The kept draft for a provider, if any.
pub fn load_draft(card_key: &str) -> Option<Draft> {
    let text = session()?
        .get_item(&format!("{DRAFT_PREFIX}{card_key}"))
        .ok()??;
    serde_json::from_str(&text).ok()
}

/// Forgets a provider's draft (after a save or a discard).
pub fn clear_draft(card_key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(&format!("{DRAFT_PREFIX}{card_key}"));
    }
}
