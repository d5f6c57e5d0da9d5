//! The bottom of the form: the stale warning, the gateway's message, and the action bar.

use super::state::FormState;
use crate::ui::cards::SaveStatus;
use leptos::prelude::*;

/// Says the provider changed on the server, and offers to save over it.
#[component]
pub fn StaleNotice(form: FormState) -> impl IntoView {
    view! {
        <Show when=move || form.stale.get()>
            <div class="notice warn" role="alert">
                "This provider changed on the server since you opened it; the request above now shows what Save sends against the server's version."
                <button type="button" on:click=move |_| form.save_anyway()>"Save anyway"</button>
            </div>
        </Show>
        <p class="form-error" role="alert">{move || form.form_error.get()}</p>
    }
}

/// Progress of the save, Cancel and Save.
#[component]
pub fn ActionBar(form: FormState) -> impl IntoView {
    let progress = move || match (form.status.get(), form.invalid_count()) {
        (SaveStatus::Saving, _) => "Saving…".to_owned(),
        (SaveStatus::Retrying(n), _) => {
            format!("The gateway did not answer; retrying ({n})…")
        }
        (_, 0) => String::new(),
        (_, 1) => "1 field needs attention".to_owned(),
        (_, n) => format!("{n} fields need attention"),
    };
    view! {
        <div class="dialog-foot">
            <span class="muted" aria-live="polite">{progress}</span>
            <button type="button" on:click=move |_| form.close()>"Cancel"</button>
            <button type="button" class="primary" disabled=move || !form.can_save()
                on:click=move |_| form.save()>"Save"</button>
        </div>
    }
}
