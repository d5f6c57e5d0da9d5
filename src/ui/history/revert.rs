//! Revert from a journal entry: the inverse change against the provider as its gateway
//! holds it now (read again first); a field changed since is shown as a conflict for the
//! admin to decide; then the edit form opens with the revert as its draft, for the usual
//! preview and save, which the journal records as this entry's revert.

use crate::journal::{Conflict, Entry, Revert};
use crate::model::provider::value_text;
use crate::storage;
use crate::ui::fleet::table::shown;
use crate::ui::store::Store;
use crate::ui::toast::ToastKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The Revert button of an entry, and its conflicts when there are some.
#[component]
pub fn RevertPanel(store: Store, entry: Entry, on_close: Callback<()>) -> impl IntoView {
    let entry = StoredValue::new(entry);
    let pending = RwSignal::new(None::<Revert>);
    let chosen = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let key: Arc<str> = Arc::from(entry.with_value(Entry::key));
    let key = StoredValue::new(key);
    // Opens the edit form with `draft` as its edits, marked as the revert of this entry.
    let open_form = move |draft: crate::model::Draft| {
        let k = key.get_value();
        let Some((card, conn)) = store.card_and_connection(&k).ok() else {
            store.toast(ToastKind::Error, "This provider is no longer listed.");
            return;
        };
        let fields = card
            .listed
            .with_untracked(|l| conn.gateway.fields(&l.provider));
        storage::save_draft(&k, &draft, &fields);
        store
            .reverting
            .set_value(Some((k.clone(), entry.with_value(|e| e.id))));
        on_close.run(());
        store.editing.set(None);
        store.editing.set(Some(k));
    };
    let start = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let k = key.get_value();
            // Against what the gateway holds now, not what the card last showed.
            let _ = store.refresh(&k).await;
            let _ = busy.try_set(false);
            let Some(card) = store.card(&k) else {
                store.toast(ToastKind::Error, "This provider is no longer listed.");
                return;
            };
            let revert = card
                .listed
                .with_untracked(|l| entry.with_value(|e| e.revert(&l.provider)));
            if !revert.conflicts.is_empty() {
                let _ = pending.try_set(Some(revert));
            } else if revert.draft.is_empty() {
                store.toast(
                    ToastKind::Success,
                    "Nothing to revert: the provider already holds the values from before.",
                );
            } else {
                open_form(revert.draft);
            }
        });
    };
    // A value now, as the form would show it ("inherit" for a meaningful null).
    let now_text = move |c: &Conflict| {
        let nullable = store
            .card_and_connection(&key.get_value())
            .ok()
            .and_then(|(card, conn)| {
                card.listed.with_untracked(|l| {
                    conn.gateway
                        .fields(&l.provider)
                        .into_iter()
                        .find(|f| f.name == c.field)
                        .map(|f| f.null_short)
                })
            })
            .filter(|s| !s.is_empty());
        match (&c.now, nullable) {
            (serde_json::Value::Null, Some(word)) => word.to_owned(),
            (v, _) => shown(&value_text(v)),
        }
    };
    let conflict_row = move |c: Conflict| {
        let field = c.field.clone();
        let checked = {
            let field = field.clone();
            move || chosen.with(|ch| ch.contains(&field))
        };
        let toggle = move |ev| {
            let on = event_target_checked(&ev);
            let field = field.clone();
            chosen.update(|ch| {
                ch.retain(|f| *f != field);
                if on {
                    ch.push(field);
                }
            });
        };
        let text = format!(
            "{}: this entry set {}; it is {} now. ",
            c.label,
            shown(&c.after_text),
            now_text(&c)
        );
        view! {
            <li>{text}
                <label class="check"><input type="checkbox" prop:checked=checked on:change=toggle />
                    {format!("Revert to {} anyway", shown(&c.before_text))}</label>
            </li>
        }
    };
    view! {
        <div class="revert">
            <Show when=move || pending.with(Option::is_none)>
                <button type="button" disabled=move || busy.get() on:click=start
                    aria-label=move || entry.with_value(|e| format!("Revert #{} ({})", e.id, e.name))>"Revert…"</button>
            </Show>
            {move || pending.get().map(|revert| {
                let stays = revert.draft.edits.len();
                let conflicts = revert.conflicts.clone();
                let go = move |_| {
                    let draft = pending.with_untracked(|p| p.as_ref().map(|r| r.draft_with(&chosen.get_untracked())));
                    if let Some(d) = draft.filter(|d| !d.is_empty()) {
                        open_form(d);
                    }
                };
                view! {
                    <div class="conflicts" role="group" aria-label="Changed since this entry">
                        <p>{format!("Changed since this entry, on the gateway now: {} {}. {} other {} can be reverted as they are.",
                            conflicts.len(), if conflicts.len() == 1 { "field" } else { "fields" },
                            stays, if stays == 1 { "field" } else { "fields" })}</p>
                        <ul>{conflicts.into_iter().map(conflict_row).collect_view()}</ul>
                        <button type="button" on:click=move |_| { pending.set(None); chosen.set(Vec::new()); }>"Cancel"</button>
                        <button type="button" class="primary"
                            disabled=move || stays == 0 && chosen.with(Vec::is_empty)
                            on:click=go>"Review the revert"</button>
                    </div>
                }
            })}
        </div>
    }
}
