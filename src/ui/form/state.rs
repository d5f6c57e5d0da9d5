//! One open edit form's state, as a `Copy` handle: the draft, the update it plans, and
//! the save and close actions. The update is planned in one place, against the card's
//! provider as the store has it now: the preview shows it and a save sends it.

use crate::dialect::Connection;
use crate::model::validate::FieldErrors;
use crate::model::{Draft, Field, PlannedUpdate};
use crate::storage;
use crate::ui::cards::{Listed, SaveStatus};
use crate::ui::store::{Saved, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The state of the edit form of one card.
#[derive(Clone, Copy)]
pub struct FormState {
    store: Store,
    key: StoredValue<Arc<str>>,
    /// The card's provider as the store has it now (it changes when a stale check or an
    /// earlier save brings the server's version).
    pub listed: RwSignal<Listed>,
    pub status: RwSignal<SaveStatus>,
    /// The connection the card belongs to, as it was when the form opened.
    pub connection: StoredValue<Connection>,
    /// The fields as the form opened them.
    pub fields: StoredValue<Vec<Field>>,
    pub draft: RwSignal<Draft>,
    /// What Save would send now, or why it cannot.
    pub plan: Memo<Result<PlannedUpdate, FieldErrors>>,
    /// The gateway's messages for single fields after a failed save.
    pub server_errors: RwSignal<FieldErrors>,
    /// The gateway's message after a failed save.
    pub form_error: RwSignal<Option<String>>,
    pub saving: RwSignal<bool>,
    /// The provider changed on the server since it was loaded; the plan now targets the
    /// server's version and waits for the user to confirm.
    pub stale: RwSignal<bool>,
    confirmed_stale: RwSignal<bool>,
}

impl FormState {
    /// The form of the card with `key`, with its kept draft; `None` when the card or its
    /// connection is gone.
    pub fn open(store: Store, key: Arc<str>) -> Option<Self> {
        let card = store.card(&key)?;
        let connection = store.connection(card.conn)?;
        let listed = RwSignal::from(card.listed);
        let fields = listed.with_untracked(|l| connection.gateway.fields(&l.provider));
        let draft = RwSignal::new(storage::load_draft(&key).unwrap_or_default());
        let conn_id = connection.id.clone();
        // Read per plan: base URL and credentials may change in the Connections view.
        let plan = Memo::new(move |_| {
            let conn = store
                .connections
                .with(|cs| cs.iter().find(|c| c.id == conn_id).cloned());
            let Some(conn) = conn else {
                return Err(FieldErrors::new());
            };
            listed.with(|l| draft.with(|d| conn.gateway.plan_update(&conn, &l.provider, d)))
        });
        let form = FormState {
            store,
            key: StoredValue::new(key),
            listed,
            status: RwSignal::from(card.status),
            connection: StoredValue::new(connection),
            fields: StoredValue::new(fields),
            draft,
            plan,
            server_errors: RwSignal::new(FieldErrors::new()),
            form_error: RwSignal::new(None),
            saving: RwSignal::new(false),
            stale: RwSignal::new(false),
            confirmed_stale: RwSignal::new(false),
        };
        form.keep_draft();
        form.hear_other_tabs();
        Some(form)
    }

    fn keep_draft(self) {
        // Every edit survives a reload (without its secrets).
        Effect::new(move |_| {
            self.draft.with(|d| {
                self.key.with_value(|k| {
                    self.fields
                        .with_value(|fields| storage::save_draft(k, d, fields))
                })
            })
        });
        // The gateway's messages belong to the values that were sent; editing makes
        // them, and a stale warning, old news.
        Effect::new(move |prev: Option<()>| {
            self.draft.track();
            if prev.is_some() {
                self.server_errors.set(FieldErrors::new());
                self.stale.set(false);
                self.confirmed_stale.set(false);
            }
        });
    }

    /// Another tab saved this provider: with edits here, the form says its provider changed
    /// (the stale notice); the preview already plans against the new version.
    fn hear_other_tabs(self) {
        Effect::new(move |prev: Option<()>| {
            let saved = self.store.remote_saved.get();
            let mine = saved.is_some_and(|k| self.key.with_value(|own| *own == k));
            if prev.is_some() && mine && !self.draft.with_untracked(Draft::is_empty) {
                self.stale.set(true);
            }
        });
    }

    /// Opens this provider's history over the form.
    pub fn show_history(self) {
        self.store.history.set(Some(Some(self.key.get_value())));
    }

    /// The message for one field: the gateway's, else validation's.
    pub fn error(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.server_errors
                .with(|e| e.get(name).cloned())
                .or_else(|| {
                    self.plan
                        .with(|p| p.as_ref().err().and_then(|e| e.get(name).cloned()))
                })
        })
    }

    /// How many fields need attention.
    pub fn invalid_count(self) -> usize {
        self.plan.with(|p| p.as_ref().err().map_or(0, |e| e.len()))
    }

    /// True when there is something valid to send and nothing is being sent.
    pub fn can_save(self) -> bool {
        !self.saving.get()
            && self
                .plan
                .with(|p| p.as_ref().is_ok_and(|u| !u.change.is_empty()))
    }

    /// Saves after checking that the provider did not change on the server.
    pub fn save(self) {
        self.send(!self.confirmed_stale.get_untracked());
    }

    /// Saves over the server's changes the stale check found.
    pub fn save_anyway(self) {
        self.confirmed_stale.set(true);
        self.send(false);
    }

    fn send(self, check_stale: bool) {
        let snapshot = match self.plan.get_untracked() {
            Ok(update) if !update.change.is_empty() => update,
            _ => return,
        };
        if self.saving.get_untracked() {
            return;
        }
        self.saving.set(true);
        self.form_error.set(None);
        let (store, plan, key) = (self.store, self.plan, self.key.get_value());
        spawn_local(async move {
            // What the preview shows when the provider's turn comes; if the form was closed
            // meanwhile, what it showed when Save was pressed.
            let now = move || match plan.try_get_untracked() {
                Some(planned) => planned.ok(),
                None => Some(snapshot.clone()),
            };
            match store.save(&key, now, check_stale).await {
                Ok(Saved::Stale) => {
                    let _ = self.stale.try_set(true);
                }
                Ok(Saved::Done | Saved::Unchanged) => {
                    // Only a form still open closes itself: this one may have been closed,
                    // and another opened, while the save was on the wire.
                    if self.draft.try_set(Draft::default()).is_none() {
                        storage::clear_draft(&key);
                        let _ = store.editing.try_set(None);
                    }
                }
                Err(e) => {
                    let _ = self.form_error.try_set(Some(e.message.clone()));
                    let _ = self.server_errors.try_set(e.fields.clone());
                }
            }
            let _ = self.saving.try_set(false);
        });
    }

    /// Closes the form, asking first when there are unsaved changes that no save carries.
    pub fn close(self) {
        let discard = move || {
            self.key.with_value(|k| storage::clear_draft(k));
            self.store.editing.set(None);
        };
        // Nothing to lose: no edits, or the edits are on their way to the gateway.
        if self.draft.with_untracked(Draft::is_empty) || self.saving.get_untracked() {
            discard();
        } else {
            let name = self.listed.with_untracked(|l| l.provider.name.clone());
            self.store.ask(
                format!("Discard your unsaved changes to {name}?"),
                "Discard changes",
                "Keep editing",
                discard,
            );
        }
    }
}
