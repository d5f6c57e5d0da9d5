//! One provider card: what it is, whether it is on, what is set, how its save went. The
//! card's element lives as long as the card is in the window; its parts follow the card's
//! cell (provider and save status) in place.

use super::cards::{Card, SaveStatus};
use super::store::Store;
use crate::model::{Fact, Provider, SecretState};
use leptos::prelude::*;

fn secret_summary(p: &Provider) -> &'static str {
    let mut states = p.secrets.values();
    if states.clone().any(|s| *s == SecretState::Set) {
        "Key set"
    } else if states.len() > 0 && states.all(|s| *s == SecretState::NotSet) {
        "No key"
    } else {
        "Key write-only"
    }
}

/// The words and pill class for a provider's state.
fn state_of(enabled: Option<bool>) -> (&'static str, &'static str) {
    match enabled {
        Some(true) => ("Enabled", "pill on"),
        Some(false) => ("Disabled", "pill off"),
        None => ("Active", "pill neutral"),
    }
}

fn status_of(status: &SaveStatus) -> (&'static str, String) {
    match status {
        SaveStatus::Idle => ("status", String::new()),
        SaveStatus::Saving => ("status saving", "Saving…".to_owned()),
        SaveStatus::Retrying(n) => ("status saving", format!("Retrying ({n})…")),
        SaveStatus::Saved => ("status saved", "Saved".to_owned()),
        SaveStatus::Failed(m) => ("status failed", format!("Not saved: {m}")),
    }
}

/// A provider card. Enter, e or a click opens its edit form.
#[component]
pub fn ProviderCard(card: Card, store: Store) -> impl IntoView {
    // The card's connection cannot change while it is shown; read it once.
    let Some((gateway, connection)) = store
        .connections
        .with_untracked(|cs| cs.get(card.conn).map(|c| (c.gateway, c.name.clone())))
    else {
        return ().into_any();
    };
    let listed = RwSignal::from(card.listed);
    let status = RwSignal::from(card.status);
    let key = StoredValue::new(card.key);
    let open = move || {
        if !store.read_only {
            store.editing.set(Some(key.get_value()));
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if matches!(ev.key().as_str(), "Enter" | "e") {
            ev.prevent_default();
            open();
        }
    };
    let provider = move |f: fn(&Provider) -> String| listed.with(|l| f(&l.provider));
    let label = move || {
        listed.with(|l| {
            let p = &l.provider;
            let state = match p.enabled {
                Some(true) => "enabled",
                Some(false) => "disabled",
                None => "always on",
            };
            format!("{}, {} provider, {state}", p.name, gateway.label())
        })
    };
    let facts = move || {
        listed.with(|l| {
            let p = &l.provider;
            let mut facts = gateway.facts(p);
            if p.id != p.kind {
                facts.push(Fact::new("Id", p.id.clone()));
            }
            facts.push(Fact::new("Secret", secret_summary(p)));
            facts
                .into_iter()
                .map(|f| {
                    let title = f.text.clone();
                    view! { <div><dt>{f.label}</dt><dd title=title>{f.text}</dd></div> }
                })
                .collect_view()
        })
    };
    let state = move || listed.with(|l| state_of(l.provider.enabled));
    let managed = move || listed.with(|l| l.provider.managed);
    view! {
        <article class="card" tabindex="0" data-key=key.get_value().to_string() aria-label=label
            on:click=move |_| open() on:keydown=on_key>
            <header class="card-head">
                <h3 class="card-name" title=move || provider(|p| p.name.clone())>{move || provider(|p| p.name.clone())}</h3>
                <span class=move || state().1>{move || state().0}</span>
            </header>
            <p class="card-sub">
                <span class="gw">{gateway.label()}</span>" · "<span class="kind">{move || provider(|p| p.kind.clone())}</span>
                <Show when=managed>" · "<span class="managed">"Managed"</span></Show>
            </p>
            <dl class="facts">{facts}</dl>
            <footer class="card-foot">
                <span class="conn">{connection}</span>
                <span class=move || status.with(status_of).0 role="status">{move || status.with(status_of).1}</span>
            </footer>
        </article>
    }
    .into_any()
}
