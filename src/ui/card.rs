//! One provider card: what it is, whether it is on, what is set, how its save went.

use super::store::{Card, SaveStatus, Store};
use crate::model::SecretState;
use leptos::prelude::*;
use serde_json::Value;

/// Read-only facts worth a glance, per gateway's fields, as (label, text).
fn facts(card: &Card) -> Vec<(&'static str, String)> {
    let p = &card.provider;
    let mut out = Vec::new();
    let text = |k: &str| match p.value(k) {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        v => Some(crate::model::provider::value_text(v)),
    };
    if let Some(u) = text("base_url") {
        out.push(("Base URL", u));
    }
    for (k, label) in [
        ("request_timeout_secs", "Request timeout"),
        ("stream_idle_timeout_secs", "Stream idle"),
    ] {
        if p.values.contains_key(k) {
            out.push((
                label,
                text(k).map_or_else(|| "inherit".to_owned(), |s| format!("{s} s")),
            ));
        }
    }
    if p.values.contains_key("connection_id") {
        out.push((
            "Credential",
            if p.value("connection_id").is_null() {
                "direct".into()
            } else {
                "shared connection".into()
            },
        ));
    }
    if let Some(c) = text("catalog_slug") {
        out.push(("Catalog", c));
    }
    if let Some(u) = text("updated_at") {
        out.push(("Updated", u));
    }
    if card.provider.id != card.provider.kind {
        out.push(("Id", card.provider.id.clone()));
    }
    out
}

fn secret_summary(card: &Card) -> String {
    let states: Vec<SecretState> = card.provider.secrets.values().copied().collect();
    if states.contains(&SecretState::Set) {
        "Key set".into()
    } else if states.iter().all(|s| *s == SecretState::NotSet) && !states.is_empty() {
        "No key".into()
    } else {
        "Key write-only".into()
    }
}

/// A provider card. Enter, e or a click opens its edit form.
#[component]
pub fn ProviderCard(
    card: Card,
    store: Store,
    gateway: &'static str,
    connection: String,
) -> impl IntoView {
    let key = card.key.clone();
    let open = {
        let key = key.clone();
        move || {
            if !store.read_only {
                store.editing.set(Some(key.clone()));
            }
        }
    };
    let open_click = open.clone();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if matches!(ev.key().as_str(), "Enter" | "e") {
            ev.prevent_default();
            open();
        }
    };
    let (status_class, status_text) = match &card.status {
        SaveStatus::Idle => ("", String::new()),
        SaveStatus::Saving => ("saving", "Saving…".to_owned()),
        SaveStatus::Retrying(n) => ("saving", format!("Retrying ({n})…")),
        SaveStatus::Saved => ("saved", "Saved".to_owned()),
        SaveStatus::Failed(m) => ("failed", format!("Not saved: {m}")),
    };
    let enabled = card.provider.enabled;
    let facts = facts(&card);
    let secret = secret_summary(&card);
    let name = card.provider.name.clone();
    let label = format!(
        "{name}, {gateway} provider, {}",
        match enabled {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "always on",
        }
    );
    view! {
        <article class="card" tabindex="0" data-key=key.clone() aria-label=label
            on:click=move |_| open_click() on:keydown=on_key>
            <header class="card-head">
                <h3 class="card-name" title=name.clone()>{name.clone()}</h3>
                {match enabled {
                    Some(true) => view! { <span class="pill on">"Enabled"</span> }.into_any(),
                    Some(false) => view! { <span class="pill off">"Disabled"</span> }.into_any(),
                    None => view! { <span class="pill neutral">"Active"</span> }.into_any(),
                }}
            </header>
            <p class="card-sub">
                <span class="gw">{gateway}</span>" · "<span class="kind">{card.provider.kind.clone()}</span>
                {card.provider.managed.then(|| view! { " · " <span class="managed">"Managed"</span> })}
            </p>
            <dl class="facts">
                {facts.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd title=v.clone()>{v.clone()}</dd></div> }).collect_view()}
                <div><dt>"Secret"</dt><dd>{secret}</dd></div>
            </dl>
            <footer class="card-foot">
                <span class="conn">{connection}</span>
                <span class=format!("status {status_class}") role="status">{status_text}</span>
            </footer>
        </article>
    }
}
