//! The edit form of one provider: generated fields, a preview of the exact request, and
//! a save that keeps the draft on any failure.

use super::inputs::{FieldCtx, FieldInput};
use super::store::{SaveStatus, Saved, Store};
use crate::model::provider::value_text;
use crate::model::validate::FieldErrors;
use crate::model::{Access, Change, Draft};
use crate::storage;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// The edit dialog for the card with `key`.
#[component]
pub fn EditDialog(store: Store, key: String) -> impl IntoView {
    let Some(card) = store.card(&key) else {
        return view! { <p class="empty">"This provider is no longer listed."</p> }.into_any();
    };
    let Some(conn) = store.connection(card.conn) else {
        return view! { <p class="empty">"Its connection is gone."</p> }.into_any();
    };
    let dialect = conn.gateway.dialect();
    let provider = card.provider.clone();
    let fields = dialect.fields(&provider);
    let draft = RwSignal::new(storage::load_draft(&key).unwrap_or_default());
    let server_errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let stale = RwSignal::new(false);
    let confirmed_stale = RwSignal::new(false);
    let dialog_ref = NodeRef::<html::Div>::new();

    {
        let (key, fields) = (key.clone(), fields.clone());
        Effect::new(move |_| draft.with(|d| storage::save_draft(&key, d, &fields)));
    }
    let validation = {
        let provider = provider.clone();
        Memo::new(move |_| draft.with(|d| dialect.validate(&provider, d)))
    };
    // Server messages belong to the values that were sent; editing makes them stale.
    Effect::new(move |prev: Option<()>| {
        draft.track();
        if prev.is_some() {
            server_errors.set(FieldErrors::new());
            stale.set(false);
            confirmed_stale.set(false);
        }
    });

    let save = {
        let key = key.clone();
        move || {
            let Ok(change) = validation.get_untracked() else {
                return;
            };
            if change.is_empty() || saving.get_untracked() {
                return;
            }
            saving.set(true);
            form_error.set(None);
            let key = key.clone();
            spawn_local(async move {
                let check = !confirmed_stale.get_untracked();
                match store.save(&key, change, check).await {
                    Ok(Saved::Stale) => {
                        let _ = stale.try_set(true);
                    }
                    Ok(Saved::Done) => {
                        // This form may have been closed, and the card's form opened again,
                        // while the save was on the wire: only a live form closes itself.
                        if draft.try_set(Draft::default()).is_none() {
                            storage::clear_draft(&key);
                            close_to_card(store, &key, dialog_ref);
                        }
                    }
                    Err(e) => {
                        let _ = form_error.try_set(Some(e.message.clone()));
                        let _ = server_errors.try_set(e.fields.clone());
                    }
                }
                let _ = saving.try_set(false);
            });
        }
    };
    let close = {
        let key = key.clone();
        move || {
            let dirty = draft.with_untracked(|d| !d.is_empty());
            if dirty && !super::dom::confirm("Discard your unsaved changes to this provider?") {
                return;
            }
            storage::clear_draft(&key);
            close_to_card(store, &key, dialog_ref);
        }
    };

    Effect::new(move |_| {
        if let Some(el) = dialog_ref.get() {
            if let Ok(Some(first)) = el.query_selector(
                "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button",
            ) {
                if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                    let _ = first.focus();
                }
            }
        }
    });
    let (save_k, close_k) = (save.clone(), close.clone());
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close_k();
        } else if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save_k();
        }
        ev.stop_propagation();
    };

    let editable: Vec<_> = fields
        .iter()
        .filter(|f| f.access != Access::ReadOnly)
        .cloned()
        .collect();
    let read_only: Vec<_> = fields
        .iter()
        .filter(|f| f.access == Access::ReadOnly)
        .map(|f| (f.label, value_text(provider.value(f.name))))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let inputs = editable
        .into_iter()
        .map(|field| {
            let name = field.name;
            let error = Signal::derive(move || {
                server_errors.with(|e| e.get(name).cloned()).or_else(|| {
                    validation.with(|v| v.as_ref().err().and_then(|e| e.get(name).cloned()))
                })
            });
            let ctx = FieldCtx {
                current: if field.is_secret() {
                    provider.values.get(name).cloned().unwrap_or(Value::Null)
                } else {
                    provider.value(name).clone()
                },
                secret: provider.secrets.get(name).copied(),
                field,
                draft,
                error,
            };
            view! { <FieldInput ctx=ctx /> }
        })
        .collect_view();
    let conn_for_preview = conn.clone();
    let provider_for_preview = provider.clone();
    let preview = move || {
        validation.with(|v| match v {
            Ok(change) if !change.is_empty() => Some(preview_view(
                &dialect.update_request(&conn_for_preview, &provider_for_preview, change),
                change,
            )),
            _ => None,
        })
    };
    let can_save =
        move || !saving.get() && validation.with(|v| v.as_ref().is_ok_and(|c| !c.is_empty()));
    let invalid_count = move || validation.with(|v| v.as_ref().err().map_or(0, |e| e.len()));
    let card_status = {
        let key = key.clone();
        move || store.card(&key).map(|c| c.status)
    };
    let title = format!("Edit {}", provider.name);
    let (save_b, save_s, close_b, close_x) =
        (save.clone(), save.clone(), close.clone(), close.clone());
    view! {
        <div class="backdrop" on:click=move |ev| { if is_self(&ev) { close_b() } }>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" node_ref=dialog_ref on:keydown=on_keydown>
                <header class="dialog-head">
                    <div>
                        <h2 id="dialog-title">{title}</h2>
                        <p class="card-sub">{conn.gateway.label()}" · "{provider.kind.clone()}" · "{conn.name.clone()}</p>
                    </div>
                    <button type="button" class="icon" aria-label="Close" on:click=move |_| close_x()>"✕"</button>
                </header>
                {provider.managed.then(|| view! {
                    <p class="notice">"This provider is managed by Respan: its critical fields (API key, extra configuration) are locked."</p>
                })}
                <form class="fields" on:submit=move |ev| { ev.prevent_default(); save_s() }>
                    {inputs}
                    {(!read_only.is_empty()).then(|| view! {
                        <details class="details"><summary>"Details"</summary>
                            <dl class="facts">{read_only.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}</dl>
                        </details>
                    })}
                </form>
                <section class="preview" aria-label="What will be sent">
                    {move || preview().unwrap_or_else(|| {
                        let text = if invalid_count() > 0 {
                            "Fix the highlighted fields to see the request that will be sent."
                        } else {
                            "No changes yet. Edit a field to see the request that will be sent."
                        };
                        view! { <p class="muted">{text}</p> }.into_any()
                    })}
                </section>
                <Show when=move || stale.get()>
                    <div class="notice warn" role="alert">
                        "This provider changed on the server since you opened it. Saving will overwrite those changes for the fields you edited."
                        <button type="button" on:click={let s = save_b.clone(); move |_| { confirmed_stale.set(true); s() }}>"Save anyway"</button>
                    </div>
                </Show>
                <p class="form-error" role="alert">{move || form_error.get()}</p>
                <footer class="dialog-foot">
                    <span class="muted" aria-live="polite">{move || match (card_status(), invalid_count()) {
                        (Some(SaveStatus::Saving), _) => "Saving…".to_owned(),
                        (Some(SaveStatus::Retrying(n)), _) => format!("The gateway did not answer; retrying ({n})…"),
                        (_, 0) => String::new(),
                        (_, n) => format!("{n} field(s) need attention"),
                    }}</span>
                    <button type="button" on:click={let c = close.clone(); move |_| c()}>"Cancel"</button>
                    <button type="button" class="primary" disabled=move || !can_save() on:click={let s = save.clone(); move |_| s()}>"Save"</button>
                </footer>
            </div>
        </div>
    }
    .into_any()
}

fn preview_view(req: &crate::model::HttpRequest, change: &Change) -> AnyView {
    let mut headers: Vec<String> = req
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if let Some(a) = req.auth.masked_header() {
        headers.push(format!("Authorization: {a}"));
    }
    let body =
        serde_json::to_string_pretty(&Value::Object(change.masked_body())).unwrap_or_default();
    let rows = change.rows().to_vec();
    view! {
        <h3>"Will send"</h3>
        <pre class="request"><code>{format!("{} {}\n{}\n\n{}", req.method.as_str(), resolved_path(&req.url), headers.join("\n"), body)}</code></pre>
        <table class="diff">
            <thead><tr><th scope="col">"Field"</th><th scope="col">"Now"</th><th scope="col">"After save"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr class:changed=r.changed><th scope="row">{r.label}</th><td>{r.before}</td><td>{r.after}{(!r.changed).then_some(" (required)")}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The path the browser will request: relative base URLs resolve against the page.
fn resolved_path(url: &str) -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .and_then(|base| web_sys::Url::new_with_base(url, &base).ok())
        .map_or_else(|| url.to_owned(), |u| u.pathname())
}

fn is_self(ev: &leptos::ev::MouseEvent) -> bool {
    match (ev.target(), ev.current_target()) {
        (Some(t), Some(c)) => t == c,
        _ => false,
    }
}

/// Closes the form and gives focus back to the card it was opened from.
fn close_to_card(store: Store, key: &str, dialog: NodeRef<html::Div>) {
    // Find the page (or shadow root) before the dialog leaves it.
    let root = dialog.get_untracked().map(|d| super::dom::root_of(&d));
    let _ = store.editing.try_set(None);
    let selector = format!(
        ".card[data-key=\"{}\"]",
        key.replace('\\', "\\\\").replace('"', "\\\"")
    );
    if let Some(el) = root
        .and_then(|r| super::dom::query(&r, &selector))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
