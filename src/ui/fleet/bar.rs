//! The bar that appears with a selection: how many are selected (and how many of them
//! the filters hide), and the bulk actions.

use super::Intent;
use crate::ui::selection::Selection;
use leptos::prelude::*;

/// The selection's count and actions; nothing while nothing is selected.
#[component]
pub fn SelectionBar(selection: Selection, intent: RwSignal<Option<Intent>>) -> impl IntoView {
    let count = Memo::new(move |_| selection.count());
    let hidden = move || selection.hidden();
    let text = move || {
        let n = count.get();
        let noun = if n == 1 { "provider" } else { "providers" };
        match hidden() {
            0 => format!("{n} {noun} selected"),
            h => format!("{n} {noun} selected ({h} hidden by the search and filters)"),
        }
    };
    let act = move |i: Intent| move |_| intent.set(Some(i));
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="selection-bar" role="region" aria-label="Selection">
                <span class="selection-count" aria-live="polite">{text}</span>
                <button type="button" on:click=act(Intent::Enable)>"Enable"</button>
                <button type="button" on:click=act(Intent::Disable)>"Disable"</button>
                <button type="button" on:click=act(Intent::SetField)>"Set a field…"</button>
                <button type="button" on:click=act(Intent::RotateKey)>"Rotate key…"</button>
                <button type="button" class="link" on:click=move |_| selection.clear()>"Clear selection"</button>
            </div>
        </Show>
    }
}
