//! Export: the live state of all providers, those the filters show, or the selection, as
//! a file download and as text to copy.

use crate::model::Provider;
use crate::state;
use crate::ui::dom;
use crate::ui::modal::Modal;
use crate::ui::selection::Selection;
use crate::ui::store::Store;
use leptos::prelude::*;

/// The name a downloaded export gets.
const FILE_NAME: &str = "switchboard-state.json";

/// Larger exports are offered as a download and a copy only: a text box of megabytes
/// makes the page crawl.
const SHOWN_MAX: usize = 512 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Shown,
    Selected,
}

/// The export dialog.
#[component]
pub fn ExportDialog(
    store: Store,
    selection: Selection,
    visible: Memo<Vec<usize>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let scope = RwSignal::new(if selection.count() > 0 {
        Scope::Selected
    } else {
        Scope::All
    });
    let counts = move || {
        (
            store.cards.with(|s| s.len()),
            visible.with(Vec::len),
            selection.count(),
        )
    };
    // The file for the chosen scope, made again when a provider changes while it is open.
    let file = Memo::new(move |_| {
        store.contents.track();
        let picked: Vec<(usize, Provider)> = store.cards.with(|set| {
            let take = |c: &crate::ui::cards::Card| {
                (c.conn, c.listed.with_untracked(|l| l.provider.clone()))
            };
            match scope.get() {
                Scope::All => set.all().iter().map(take).collect(),
                Scope::Shown => {
                    visible.with(|v| v.iter().filter_map(|&i| set.at(i)).map(take).collect())
                }
                Scope::Selected => selection
                    .keys()
                    .iter()
                    .filter_map(|k| set.get(k))
                    .map(take)
                    .collect(),
            }
        });
        store.connections.with(|conns| {
            let pairs = picked
                .iter()
                .filter_map(|(c, p)| conns.get(*c).map(|c| (c, p)));
            (state::export(pairs), picked.len())
        })
    });
    let note = RwSignal::new("");
    let download = move |_| {
        let ok = file.with_untracked(|(text, _)| dom::download(FILE_NAME, text));
        note.set(if ok {
            "Downloaded as switchboard-state.json."
        } else {
            "The browser refused the download; copy the text instead."
        });
    };
    let copy = move |_| {
        let ok = file.with_untracked(|(text, _)| dom::copy_text(text));
        note.set(if ok {
            "Copied."
        } else {
            "The browser refused the clipboard; select the text and copy it."
        });
    };
    let option = move |value: Scope, label: &'static str, n: usize| {
        view! {
            <label class="check">
                <input type="radio" name="export-scope" prop:checked=move || scope.get() == value
                    disabled=n == 0 on:change=move |_| scope.set(value) />
                {format!("{label} ({n})")}
            </label>
        }
    };
    view! {
        <Modal labelled_by="export-title" on_close=on_close wide=true>
            <div class="dialog-head">
                <h2 id="export-title">"Export the state"</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <p class="muted">"The writable settings of each provider, per connection, as JSON to keep under review. Secrets are never exported: a key shows only whether it is set. Read-only facts are under \"read_only\", which import ignores."</p>
            <fieldset class="scope">
                <legend>"Providers"</legend>
                {move || {
                    let (all, shown, selected) = counts();
                    view! {
                        {option(Scope::All, "All providers", all)}
                        {option(Scope::Shown, "Shown by the search and filters", shown)}
                        {option(Scope::Selected, "Selected", selected)}
                    }
                }}
            </fieldset>
            {move || file.with(|(text, n)| {
                let size = text.len();
                if size <= SHOWN_MAX {
                    view! {
                        <label for="export-text" class="field-label">{format!("{n} providers, {} KB", size.div_ceil(1024))}</label>
                        <textarea id="export-text" class="state-text" readonly=true rows="14" spellcheck="false" prop:value=text.clone()></textarea>
                    }.into_any()
                } else {
                    view! { <p>{format!("{n} providers, {} MB: too large to show here; download or copy it.", size.div_ceil(1024 * 1024))}</p> }.into_any()
                }
            })}
            <div class="dialog-foot">
                <span class="muted" role="status">{move || note.get()}</span>
                <button type="button" on:click=copy>"Copy"</button>
                <button type="button" class="primary" on:click=download>"Download"</button>
                <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Modal>
    }
}
