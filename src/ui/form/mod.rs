//! The edit form of one provider, as small parts around one [`FormState`]: the dialog
//! shell, the fields, the request preview, the stale notice and the action bar.

mod actions;
mod fields;
pub mod preview;
mod state;

pub use state::FormState;

use super::modal::Modal;
use super::store::Store;
use actions::{ActionBar, StaleNotice};
use fields::FieldList;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use preview::RequestPreview;
use std::sync::Arc;

/// What the form says of a provider nobody could read.
pub const UNREAD: &str = "Current state unknown: this gateway's providers cannot be read, so no current values are shown. Every value you enter is sent, and no check for changes made elsewhere is possible before saving.";

/// The edit dialog for the card with `key`.
#[component]
pub fn EditDialog(store: Store, key: Arc<str>) -> impl IntoView {
    let Some(form) = FormState::open(store, key) else {
        return view! { <p class="empty">"This provider is no longer listed."</p> }.into_any();
    };
    let conn = form.connection.get_value();
    let (title, kind, notice, id, unread) = form.listed.with_untracked(|l| {
        let p = &l.provider;
        (
            format!("Edit {}", p.name),
            p.kind.clone(),
            conn.gateway.notice(p),
            p.id.clone(),
            p.unread,
        )
    });
    // The card cuts long ids; here it is whole, selectable, and one click from the clipboard.
    let copied = RwSignal::new(None::<bool>);
    let copy_id = {
        let id = id.clone();
        move |_| copied.set(Some(crate::ui::dom::copy_text(&id)))
    };
    let on_key = Callback::new(move |ev: KeyboardEvent| {
        let save = (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s");
        if save {
            ev.prevent_default();
            form.save();
        }
        save
    });
    view! {
        <Modal labelled_by="dialog-title" on_close=Callback::new(move |()| form.close()) on_key=on_key>
            <div class="dialog-head">
                <div>
                    <h2 id="dialog-title">{title}</h2>
                    <p class="card-sub">{conn.gateway.label()}" · "{kind}" · "{conn.name.clone()}</p>
                    <p class="provider-id">"Id "<code>{id}</code>
                        <button type="button" class="link" on:click=copy_id>"Copy id"</button>
                        <button type="button" class="link" on:click=move |_| form.show_history()>"History"</button>
                        <span class="muted" aria-live="polite">{move || match copied.get() {
                            Some(true) => "Copied.",
                            Some(false) => "The browser refused the clipboard; select the id instead.",
                            None => "",
                        }}</span>
                    </p>
                </div>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| form.close()>"✕"</button>
            </div>
            {notice.map(|text| view! { <p class="notice">{text}</p> })}
            {unread.then(|| view! { <p class="notice unread">{UNREAD}</p> })}
            <FieldList form=form />
            <RequestPreview form=form />
            <StaleNotice form=form />
            <ActionBar form=form />
        </Modal>
    }
    .into_any()
}
