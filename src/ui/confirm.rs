//! The panel's own "are you sure?" dialog, in place of the browser's `confirm()`: a modal
//! like every other, with buttons that say what they do.

use super::modal::Modal;
use super::store::Store;
use leptos::prelude::*;

/// A question for the user, and what to do on yes.
#[derive(Clone)]
pub struct Question {
    /// The question itself, in one or two sentences.
    pub text: String,
    /// What the yes button says ("Discard changes"); no is always "Keep editing"-like.
    pub yes: &'static str,
    /// What the no button says.
    pub no: &'static str,
    pub on_yes: Callback<()>,
}

/// The open question, if any, over everything else.
#[component]
pub fn ConfirmDialog(store: Store) -> impl IntoView {
    move || {
        store.asking.get().map(|q| {
            let no = Callback::new(move |()| store.asking.set(None));
            let yes = move |_| {
                store.asking.set(None);
                q.on_yes.run(());
            };
            view! {
                <Modal labelled_by="confirm-text" on_close=no>
                    <p id="confirm-text" class="confirm-text">{q.text.clone()}</p>
                    <div class="dialog-foot">
                        <button type="button" on:click=move |_| no.run(())>{q.no}</button>
                        <button type="button" class="danger" on:click=yes>{q.yes}</button>
                    </div>
                </Modal>
            }
        })
    }
}
