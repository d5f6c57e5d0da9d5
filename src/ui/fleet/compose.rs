//! The two bulk actions that need input before a plan: a field and its value, or a new key.

use crate::fleet::action::{shared_fields, NewKey};
use crate::fleet::Action;
use crate::model::validate::parse_value;
use crate::model::{Draft, Field, Provider};
use crate::ui::inputs::{FieldCtx, FieldInput};
use crate::ui::store::Store;
use leptos::html;
use leptos::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The selected providers with their gateways, as the panel holds them now.
fn providers(store: Store, keys: &[Arc<str>]) -> Vec<(crate::dialect::Gateway, Provider)> {
    keys.iter()
        .filter_map(|k| store.card_and_connection(k).ok())
        .map(|(card, conn)| {
            (
                conn.gateway,
                card.listed.with_untracked(|l| l.provider.clone()),
            )
        })
        .collect()
}

/// The footer every composing step shares.
#[component]
fn ComposeFoot(
    on_cancel: Callback<()>,
    on_review: Callback<()>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    view! {
        <div class="dialog-foot">
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            <button type="button" class="primary" disabled=disabled on:click=move |_| on_review.run(())>"Review plan"</button>
        </div>
    }
}

/// Set one field, shared by every selected provider's gateway, to one value, with the
/// field's own input and validation.
#[component]
pub fn SetFieldForm(
    store: Store,
    keys: Vec<Arc<str>>,
    on_done: Callback<Action>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lists: Vec<Vec<Field>> = providers(store, &keys)
        .iter()
        .map(|(g, p)| g.fields(p))
        .collect();
    let fields = StoredValue::new(shared_fields(&lists));
    if fields.with_value(Vec::is_empty) {
        return view! {
            <p class="notice">"The selected providers share no field that can be set together. Select providers of one gateway to set its fields."</p>
            <ComposeFoot on_cancel=on_cancel on_review=on_cancel disabled=true />
        }
        .into_any();
    }
    let chosen = RwSignal::new(0usize);
    let draft = RwSignal::new(Draft::default());
    let error = RwSignal::new(None::<String>);
    let field = move || fields.with_value(|f| f.get(chosen.get()).cloned());
    // The value the input shows: the edit, else null (for a nullable field, its "inherit").
    let value = move |f: &Field| {
        draft
            .with(|d| d.get(f.name).cloned())
            .unwrap_or(Value::Null)
    };
    // Errors show once the value was edited or a review was asked for.
    Effect::new(move |_| {
        draft.track();
        if let Some(f) = field() {
            if draft.with(|d| d.get(f.name).is_some()) {
                error.set(parse_value(&f, &value(&f)).err());
            }
        }
    });
    let review = Callback::new(move |()| {
        let Some(f) = field() else { return };
        let raw = value(&f);
        match parse_value(&f, &raw) {
            Ok(Some(_)) => on_done.run(Action::Set {
                field: f,
                value: raw,
            }),
            Ok(None) => error.set(Some(format!("Enter a value for {}.", f.label))),
            Err(e) => error.set(Some(e)),
        }
    });
    let input = move || {
        field().map(|f| {
            let ctx = FieldCtx {
                field: f,
                current: Value::Null,
                secret: None,
                draft,
                error: error.into(),
            };
            view! { <FieldInput ctx=ctx /> }
        })
    };
    view! {
        <div class="field">
            <label class="field-label" for="fleet-field">"Field"</label>
            <select id="fleet-field" prop:value=move || chosen.get().to_string()
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev).parse().unwrap_or(0));
                    draft.set(Draft::default());
                    error.set(None);
                }>
                {fields.get_value().into_iter().enumerate().map(|(i, f)| view! { <option value=i.to_string()>{f.label}</option> }).collect_view()}
            </select>
        </div>
        {input}
        <ComposeFoot on_cancel=on_cancel on_review=review />
    }
    .into_any()
}

/// Type a new upstream key once; it goes to every selected provider that takes one.
#[component]
pub fn RotateKeyForm(
    store: Store,
    keys: Vec<Arc<str>>,
    on_done: Callback<Action>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    // Providers that take a key only by leaving a shared credential: the dialects say
    // which, by refusing the key alone and accepting it with a detach.
    let detachable = providers(store, &keys)
        .iter()
        .filter(|(g, p)| g.key_edit(p, "k", false).is_err() && g.key_edit(p, "k", true).is_ok())
        .count();
    let input = NodeRef::<html::Input>::new();
    let detach = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let review = Callback::new(move |()| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        match NewKey::new(el.value()) {
            Some(key) => {
                // The key now lives only in the action, which the dialog drops on close.
                el.set_value("");
                on_done.run(Action::RotateKey {
                    key,
                    detach: detach.get_untracked(),
                });
            }
            None => error.set(Some("Type the new key.".into())),
        }
    });
    let invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label class="field-label" for="fleet-key">"New API key"</label>
            <input type="password" id="fleet-key" node_ref=input autocomplete="off" spellcheck="false"
                aria-describedby="fleet-key-help fleet-key-error" aria-invalid=invalid
                on:input=move |_| error.set(None)
                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); review.run(()); } />
            <p class="help" id="fleet-key-help">"Sent to every selected provider that takes a key, as its gateway expects it. It is kept in memory for this run only and never shown again."</p>
            <p class="field-error" id="fleet-key-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </div>
        {(detachable > 0).then(|| view! {
            <div class="field">
                <label class="check">
                    <input type="checkbox" prop:checked=move || detach.get()
                        on:change=move |ev| detach.set(event_target_checked(&ev)) />
                    {format!(
                        "Detach the {detachable} selected {} that {} a shared connection, so {} this key directly",
                        if detachable == 1 { "provider" } else { "providers" },
                        if detachable == 1 { "uses" } else { "use" },
                        if detachable == 1 { "it takes" } else { "they take" },
                    )}
                </label>
                <p class="help">"Left unticked, they are skipped and keep the shared credential."</p>
            </div>
        })}
        <ComposeFoot on_cancel=on_cancel on_review=review />
    }
}
