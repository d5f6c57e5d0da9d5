//! The History view: every change the panel applied, newest first, filtered by
//! connection, provider, operation and time; each with its fields' before and after, a
//! Revert that goes through the edit form's preview and save, and exports as JSON or CSV.
//! The entries and the revert are [`crate::journal`]'s; this is their view.

mod revert;

use crate::journal::{to_csv, to_json, Ended, Entry, Filter};
use crate::model::time;
use crate::ui::dom;
use crate::ui::fleet::table::shown;
use crate::ui::journal::Keeping;
use crate::ui::modal::Modal;
use crate::ui::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use revert::RevertPanel;
use std::sync::Arc;

/// How many entries are drawn at first, and added by "Show more".
const PAGE: usize = 200;

/// The History view; `only` narrows it to one provider (its card key).
#[component]
pub fn HistoryDialog(
    store: Store,
    only: Option<Arc<str>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let entries = RwSignal::new(None::<Result<Vec<Entry>, String>>);
    // Read again whenever this tab or another adds entries.
    Effect::new(move |_| {
        store.journal.changed.track();
        spawn_local(async move {
            let read = store.journal.entries().await;
            let _ = entries.try_set(Some(read));
        });
    });
    let only = StoredValue::new(only);
    let connection = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let operation = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let shown_max = RwSignal::new(PAGE);
    let filter = Memo::new(move |_| Filter {
        connection: Some(connection.get()).filter(|c| !c.is_empty()),
        provider: provider.get(),
        operation: Some(operation.get()).filter(|o| !o.is_empty()),
        since: day_start(&since.get()),
        until: day_start(&until.get()).map(|t| t + 86_400_000 - 1),
    });
    let kept = Memo::new(move |_| {
        let f = filter.get();
        let only = only.get_value();
        entries.with(|e| match e {
            Some(Ok(all)) => all
                .iter()
                .filter(|e| only.as_ref().is_none_or(|k| e.key() == **k) && f.keeps(e))
                .cloned()
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let download = move |json: bool| {
        kept.with_untracked(|k| {
            if json {
                dom::download("switchboard-history.json", &to_json(k))
            } else {
                dom::download("switchboard-history.csv", &to_csv(k))
            }
        });
    };
    let title = only
        .get_value()
        .and_then(|k| store.card(&k))
        .map(|c| {
            format!(
                "History of {}",
                c.listed.with_untracked(|l| l.provider.name.clone())
            )
        })
        .unwrap_or_else(|| "History".into());
    let keeping = match store.journal.keeping {
        Keeping::Local => "Kept in this browser (IndexedDB), shared by its tabs, newest 5,000.",
        Keeping::Memory => "Kept in this tab only, until it is reloaded (ui.journal: memory).",
        Keeping::Off => "The journal is off (ui.journal: off): nothing is recorded.",
    };
    let connections = move || {
        store.connections.with(|cs| {
            cs.iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let status = move || match entries.get() {
        None => "Reading the journal…".to_owned(),
        Some(Err(e)) => format!("The journal could not be read: {e}"),
        Some(Ok(all)) => {
            let n = kept.with(Vec::len);
            format!("{n} of {} entries.", all.len())
        }
    };
    let list = move || {
        let max = shown_max.get();
        kept.with(|k| k.iter().take(max).cloned().collect::<Vec<_>>())
            .into_iter()
            .map(|e| view! { <EntryItem store=store entry=e on_close=on_close /> })
            .collect_view()
    };
    let more = move || kept.with(Vec::len) > shown_max.get();
    view! {
        <Modal labelled_by="history-title" on_close=on_close wide=true>
            <div class="dialog-head">
                <h2 id="history-title">{title}</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <p class="muted">{keeping}" Secrets are never recorded: a key shows only as replaced or removed."</p>
            {move || store.journal.trouble.get().map(|t| view! { <p class="notice">{format!("Recording failed: {t}")}</p> })}
            <div class="history-filters" role="search" aria-label="Filter the history">
                <label><span class="visually-hidden">"Connection"</span>
                    <select prop:value=move || connection.get() on:change=move |ev| connection.set(event_target_value(&ev))>
                        <option value="">"All connections"</option>
                        {move || connections().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label><span class="visually-hidden">"Provider"</span>
                    <input type="search" placeholder="Provider name or id" prop:value=move || provider.get()
                        on:input=move |ev| provider.set(event_target_value(&ev)) />
                </label>
                <label><span class="visually-hidden">"Operation"</span>
                    <select prop:value=move || operation.get() on:change=move |ev| operation.set(event_target_value(&ev))>
                        <option value="">"All operations"</option>
                        <option value="save">"Saves"</option>
                        <option value="bulk">"Bulk runs"</option>
                        <option value="import">"Imports"</option>
                        <option value="revert">"Reverts"</option>
                    </select>
                </label>
                <label>"From "<input type="date" prop:value=move || since.get() on:change=move |ev| since.set(event_target_value(&ev)) /></label>
                <label>"to "<input type="date" prop:value=move || until.get() on:change=move |ev| until.set(event_target_value(&ev)) /></label>
            </div>
            <p class="history-count" role="status">{status}</p>
            <div class="history-scroll" role="region" aria-label="Entries" tabindex="0">
                <ol class="history">{list}</ol>
                <Show when=more>
                    <button type="button" on:click=move |_| shown_max.update(|m| *m += PAGE)>"Show more"</button>
                </Show>
            </div>
            <div class="dialog-foot">
                <button type="button" on:click=move |_| download(true)>"Export JSON"</button>
                <button type="button" on:click=move |_| download(false)>"Export CSV"</button>
                <button type="button" class="primary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Modal>
    }
}

/// Midnight UTC of a `yyyy-mm-dd` date input, in ms.
fn day_start(date: &str) -> Option<i64> {
    time::parse_rfc3339(&format!("{date}T00:00:00Z"))
}

/// One entry: when, what, on which provider, how it ended, its fields, and Revert.
#[component]
fn EntryItem(store: Store, entry: Entry, on_close: Callback<()>) -> impl IntoView {
    let (outcome, outcome_class) = match &entry.ended {
        Ended::Saved => ("Saved".to_owned(), "saved"),
        Ended::Failed { message } => (format!("Failed: {message}"), "failed"),
        Ended::Skipped { reason } => (format!("Skipped: {reason}"), "skipped"),
    };
    let revertible = entry.revertible() && !store.read_only;
    let secret_only =
        entry.ended == Ended::Saved && !entry.changes.is_empty() && !entry.revertible();
    let head = format!(
        "#{} · {} · {} · {}",
        entry.id,
        time::exact(entry.at),
        entry.operation.text(),
        entry.name
    );
    let changes = entry
        .changes
        .iter()
        .map(|c| {
            let (before, after) = (shown(&c.before_text), shown(&c.after_text));
            view! {
                <li><span class="diff-field">{c.label.clone()}</span>": "
                    <span class="diff-before"><span class="visually-hidden">"from "</span>{before}</span>
                    " → "<span class="diff-after"><span class="visually-hidden">"to "</span>{after}</span></li>
            }
        })
        .collect_view();
    let key = entry.key();
    let shown_key = key.clone();
    let id = entry.id;
    view! {
        <li class=format!("entry {outcome_class}") data-entry=id.to_string() data-key=key>
            <p class="entry-head">{head}<span class="target-id">{shown_key}</span></p>
            <p class="entry-outcome">{outcome}</p>
            {(!entry.changes.is_empty()).then(|| view! { <ul class="target-diff" aria-label="Changes">{changes}</ul> })}
            {secret_only.then(|| view! { <p class="muted">"Only secrets changed: a secret cannot be reverted."</p> })}
            {revertible.then(|| view! { <RevertPanel store=store entry=entry on_close=on_close /> })}
        </li>
    }
}
