//! Notifications: announced to screen readers, dismissible, never the only place an
//! error is shown (cards and forms keep theirs).

use super::store::Store;
use leptos::prelude::*;

/// What a notification reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

impl ToastKind {
    /// How long it stays: errors long enough to be read twice.
    pub fn lifetime_ms(self) -> u32 {
        match self {
            ToastKind::Success => 5_000,
            ToastKind::Error => 12_000,
        }
    }

    fn class(self) -> &'static str {
        match self {
            ToastKind::Success => "toast ok",
            ToastKind::Error => "toast err",
        }
    }
}

/// A notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// The toast stack.
#[component]
pub fn Toasts(store: Store) -> impl IntoView {
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || store.toasts.get() key=|t| t.id let(t)>
                <div class=t.kind.class()>
                    <span>{t.text.clone()}</span>
                    <button type="button" class="icon" aria-label="Dismiss"
                        on:click=move |_| store.toasts.update(|ts| ts.retain(|x| x.id != t.id))>"✕"</button>
                </div>
            </For>
        </div>
    }
}
