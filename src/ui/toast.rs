//! Notifications: announced to screen readers, dismissible, never the only place an
//! error is shown (cards and forms keep theirs).

use super::store::Store;
use leptos::prelude::*;

/// The toast stack.
#[component]
pub fn Toasts(store: Store) -> impl IntoView {
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || store.toasts.get() key=|t| t.id let(t)>
                <div class=if t.ok { "toast ok" } else { "toast err" }>
                    <span>{t.text.clone()}</span>
                    <button type="button" class="icon" aria-label="Dismiss"
                        on:click=move |_| store.toasts.update(|ts| ts.retain(|x| x.id != t.id))>"✕"</button>
                </div>
            </For>
        </div>
    }
}
