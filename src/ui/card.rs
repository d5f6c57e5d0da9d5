//! One provider card: what it is, whether it is on, what is set, how its save went. The
//! card's element lives as long as the card is in the window; its parts follow the card's
//! cell (provider and save status) in place.

use super::cards::{Card, SaveStatus};
use super::selection::Selection;
use super::store::Store;
use crate::dialect::Gateway;
use crate::model::{time, Fact, Provider, SecretState};
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

/// A fact's value: text, or a moment as "3 min ago" with the exact time for pointer
/// (title), keyboard and screen reader (the hidden rest of the text).
fn fact_value(f: Fact, now: i64) -> impl IntoView {
    match f.at {
        Some(at) => {
            let exact = time::exact(at);
            let title = exact.clone();
            view! {
                <dd title=title><time datetime=f.text>{time::relative(at, now)}
                    <span class="visually-hidden">", "{exact}</span></time></dd>
            }
            .into_any()
        }
        None => {
            let title = f.text.clone();
            view! { <dd title=title>{f.text}</dd> }.into_any()
        }
    }
}

/// How a provider differs from the reference state file: the file's name and the fields.
struct Drift {
    file: String,
    fields: String,
}

/// The part of a card that shows the provider: name, state, gateway, kind, whether it
/// differs from the reference file, and facts.
fn body(p: &Provider, gateway: Gateway, now: i64, drift: Option<Drift>) -> impl IntoView {
    let (state, pill) = if p.unread {
        ("State unknown", "pill neutral")
    } else {
        state_of(p.enabled)
    };
    let mut facts = gateway.facts(p);
    if p.id != p.kind {
        facts.push(Fact::new("Id", p.id.clone()));
    }
    facts.push(Fact::new("Secret", secret_summary(p)));
    view! {
        <header class="card-head">
            <h2 class="card-name" title=p.name.clone()>{p.name.clone()}</h2>
            <span class=pill>{state}</span>
        </header>
        <p class="card-sub">
            <span class="gw">{gateway.label()}</span>" · "<span class="kind">{p.kind.clone()}</span>
            {p.managed.then(|| view! { " · " <span class="managed">"Managed"</span> })}
            {drift.map(|d| view! { " · " <span class="drift" title=format!("Differs from {}: {}", d.file, d.fields)>"Differs from file"</span> })}
        </p>
        <dl class="facts">
            {facts.into_iter().map(|f| view! { <div><dt>{f.label}</dt>{fact_value(f, now)}</div> }).collect_view()}
        </dl>
    }
}

/// A provider card. Enter, e or a click opens its edit form; x or Space, or a click with
/// Shift, Ctrl or Cmd, selects it for a bulk action (Shift takes the range).
#[component]
pub fn ProviderCard(card: Card, store: Store, selection: Selection) -> impl IntoView {
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
    let toggle = move |range: bool| selection.toggle(&key.get_value(), range);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Keys pressed in the card's own controls (its checkbox, Edit) are theirs.
        let on_card = ev.target() == ev.current_target();
        match ev.key().as_str() {
            "Enter" | "e" if on_card => {
                ev.prevent_default();
                open();
            }
            "x" | " " if on_card && !store.read_only => {
                ev.prevent_default();
                toggle(ev.shift_key());
            }
            _ => {}
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if !store.read_only && (ev.shift_key() || ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            toggle(ev.shift_key());
        } else {
            open();
        }
    };
    let selected = move || selection.contains(&key.get_value());
    // How it differs from the reference file, if one is open and it does.
    let drift = move |p: &Provider| {
        store.reference.with(|r| {
            let r = r.as_ref()?;
            let fields = key.with_value(|k| r.differing(k, p)).join(", ");
            (!fields.is_empty()).then(|| Drift {
                file: r.name.clone(),
                fields,
            })
        })
    };
    let label = move || {
        listed.with(|l| {
            let p = &l.provider;
            let state = match p.enabled {
                Some(true) => "enabled",
                Some(false) => "disabled",
                None => "always on",
            };
            let differs = drift(p)
                .map(|d| format!(", differs from {}: {}", d.file, d.fields))
                .unwrap_or_default();
            format!("{}, {} provider, {state}{differs}", p.name, gateway.label())
        })
    };
    // Everything the provider decides, in one reactive block: a new provider (a save, a
    // reload) redraws the inside of this card and nothing else.
    let body = move || {
        let now = store.now.get();
        listed.with(|l| body(&l.provider, gateway, now, drift(&l.provider)))
    };
    let status_class = move || status.with(|s| status_of(s).0);
    let status_text = move || status.with(|s| status_of(s).1);
    let edit_label = move || listed.with(|l| format!("Edit {}", l.provider.name));
    let select_label = move || listed.with(|l| format!("Select {}", l.provider.name));
    let check = (!store.read_only).then(|| {
        view! {
            <input type="checkbox" class="card-select" aria-label=select_label prop:checked=selected
                on:click=move |ev| { ev.stop_propagation(); toggle(ev.shift_key()); } />
        }
    });
    let edit = (!store.read_only).then(|| {
        view! {
            <button type="button" class="card-edit" aria-label=edit_label
                on:click=move |ev| { ev.stop_propagation(); open(); }>"Edit"</button>
        }
    });
    let history_label = move || listed.with(|l| format!("History of {}", l.provider.name));
    let history = view! {
        <button type="button" class="card-edit" aria-label=history_label
            on:click=move |ev| { ev.stop_propagation(); store.history.set(Some(Some(key.get_value()))); }>"History"</button>
    };
    view! {
        <article class="card" class:selected=selected tabindex="0" data-key=key.get_value().to_string()
            aria-label=label on:click=on_click on:keydown=on_key>
            {check}
            {body}
            <footer class="card-foot">
                <span class="conn">{connection}</span>
                <span class=status_class role="status">{status_text}</span>
                {history}
                {edit}
            </footer>
        </article>
    }
    .into_any()
}
