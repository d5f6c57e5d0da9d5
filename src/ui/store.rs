//! The panel's state and the actions that move it: loading providers, saving updates.
//! State is plain structs of signals; components receive the `Copy` handle.

use super::cards::{Card, CardSet, Listed, SaveStatus};
use super::confirm::Question;
use super::journal::{Journal, Keeping};
use super::toast::{Toast, ToastKind};
use crate::client::{self, CallPolicy};
use crate::dialect::Connection;
use crate::fleet::{Outcome, Step};
use crate::journal::{Ended, Entry, Operation};
use crate::model::{ApiError, ErrorKind, PlannedUpdate, Provider};
use crate::queue::KeyedQueue;
use crate::state::Desired;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// How loading one connection's providers went.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(ApiError),
}

/// One connection's list answer, as cards, waiting for the frame: (connection index, cards).
type Arrival = (usize, Result<Vec<Card>, ApiError>);

/// What the host learns about a save: never a value, only names.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedEvent {
    /// The connection's id in the configuration.
    pub connection: String,
    /// The gateway's slug (`"barndoor"`).
    pub gateway: &'static str,
    /// The provider's id on its gateway.
    pub provider: String,
    /// Names of the fields that changed.
    pub fields: Vec<&'static str>,
    /// With `ui.saved_events_with_values`: each non-secret field's before and after value.
    pub values: Option<Vec<crate::journal::FieldChange>>,
}

/// How a save ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Done,
    /// Not sent: the provider changed on the server since it was loaded; the card now
    /// holds the server's version, so the update shown is planned against it.
    Stale,
    /// Not sent: by its turn, the update no longer changed anything.
    Unchanged,
}

/// The whole panel's state. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct Store {
    pub connections: RwSignal<Vec<Connection>>,
    /// Which cards exist; it changes when a list arrives or a connection goes.
    pub cards: RwSignal<CardSet>,
    /// Notified when a card's provider changes (search and sort read it; a save status
    /// change does not notify it).
    pub contents: Trigger,
    pub loads: RwSignal<Vec<LoadState>>,
    /// The card whose edit form is open.
    pub editing: RwSignal<Option<Arc<str>>>,
    pub toasts: RwSignal<Vec<Toast>>,
    /// What time it is, in ms since the epoch, to the minute: relative times follow it.
    pub now: RwSignal<i64>,
    /// The question the panel is asking (discard changes, remove a connection).
    pub asking: RwSignal<Option<Question>>,
    /// The state file kept open as a reference: cards that differ from it are marked.
    pub reference: RwSignal<Option<Arc<Desired>>>,
    /// Every change applied, with before and after (`ui.journal`).
    pub journal: Journal,
    /// The card another tab just saved (an open form on it learns its provider changed).
    pub remote_saved: RwSignal<Option<Arc<str>>>,
    /// The History view, when open: of every provider (`Some(None)`) or of one card.
    pub history: RwSignal<Option<Option<Arc<str>>>>,
    /// The card whose next save is the revert of this journal entry.
    pub reverting: StoredValue<Option<(Arc<str>, u64)>>,
    /// `ui.saved_events_with_values`: saved events carry the non-secret values too.
    pub saved_with_values: bool,
    next_toast: StoredValue<u64>,
    pub read_only: bool,
    /// Saves on one provider take turns.
    turns: StoredValue<KeyedQueue>,
    /// Lists answered since the last frame; applied together, just before it is painted.
    arrived: StoredValue<Vec<Arrival>>,
    /// Time limit and retries of every gateway call.
    pub policy: CallPolicy,
    /// Requests a bulk run keeps in flight per connection.
    pub bulk_concurrency: usize,
    /// A `contents` notification is waiting for the next frame.
    notify_pending: StoredValue<bool>,
    /// Called after every successful save (embedding hosts listen through it).
    pub on_saved: Option<Callback<SavedEvent>>,
}

impl Store {
    /// A store over these connections, nothing loaded yet.
    pub fn new(
        connections: Vec<Connection>,
        read_only: bool,
        policy: CallPolicy,
        on_saved: Option<Callback<SavedEvent>>,
    ) -> Self {
        let n = connections.len();
        Store {
            connections: RwSignal::new(connections),
            cards: RwSignal::new(CardSet::default()),
            contents: Trigger::new(),
            loads: RwSignal::new(vec![LoadState::Loading; n]),
            editing: RwSignal::new(None),
            toasts: RwSignal::new(Vec::new()),
            now: RwSignal::new(js_sys::Date::now() as i64),
            asking: RwSignal::new(None),
            reference: RwSignal::new(None),
            journal: Journal::new(Keeping::Local),
            remote_saved: RwSignal::new(None),
            history: RwSignal::new(None),
            reverting: StoredValue::new(None),
            saved_with_values: false,
            next_toast: StoredValue::new(0),
            read_only,
            turns: StoredValue::new(KeyedQueue::default()),
            arrived: StoredValue::new(Vec::new()),
            policy,
            bulk_concurrency: crate::config::DEFAULT_BULK_CONCURRENCY as usize,
            notify_pending: StoredValue::new(false),
            on_saved,
        }
    }

    /// The card with this key (handles, not a copy of its data).
    pub fn card(&self, key: &str) -> Option<Card> {
        self.cards.with_untracked(|set| set.get(key).cloned())
    }

    /// The connection at an index, cloned.
    pub fn connection(&self, idx: usize) -> Option<Connection> {
        self.connections.with(|c| c.get(idx).cloned())
    }

    /// A card and its connection, or the error a save or re-read reports when either is gone.
    pub fn card_and_connection(&self, key: &str) -> Result<(Card, Connection), ApiError> {
        let gone = |what: &str| {
            ApiError::new(
                ErrorKind::BadResponse,
                format!("{what} is no longer configured."),
            )
        };
        let card = self.card(key).ok_or_else(|| gone("This provider"))?;
        let conn = self
            .connections
            .with_untracked(|c| c.get(card.conn).cloned())
            .ok_or_else(|| gone("Its connection"))?;
        Ok((card, conn))
    }

    /// Gives a card a new provider: the card redraws at once; search and sort see it by
    /// the next frame, once for every card that changed in between (a bulk run changes
    /// hundreds, and each pass over the filters reads every card).
    fn set_provider(&self, card: &Card, conn: &Connection, provider: Provider) {
        card.listed
            .set(Listed::new(provider, conn.gateway.label(), &conn.id));
        if self
            .notify_pending
            .try_update_value(|p| std::mem::replace(p, true))
            == Some(false)
        {
            let store = *self;
            request_animation_frame(move || {
                store.notify_pending.set_value(false);
                store.contents.notify();
            });
        }
    }

    /// Another tab saved this card's provider: it is read again from its gateway, and an
    /// open form on it is told when it changed.
    pub fn take_remote(&self, key: Arc<str>) {
        if self.card(&key).is_none() {
            return;
        }
        let store = *self;
        spawn_local(async move {
            if let Ok(true) = store.refresh(&key).await {
                let _ = store.remote_saved.try_set(Some(key));
            }
        });
    }

    /// Keeps a journal entry of what happened to `before` on the card with `key`.
    fn journal_entry(
        &self,
        key: &str,
        before: &Provider,
        change: &crate::model::Change,
        op: &Operation,
        ended: Ended,
    ) {
        if let Ok((_, conn)) = self.card_and_connection(key) {
            let at = js_sys::Date::now() as i64;
            self.journal.record(Entry::of_change(
                at,
                &conn,
                before,
                change,
                op.clone(),
                ended,
            ));
        }
    }

    /// Asks the user first, in the panel's own dialog; `on_yes` runs only on yes.
    pub fn ask(
        &self,
        text: String,
        yes: &'static str,
        no: &'static str,
        on_yes: impl Fn() + Send + Sync + 'static,
    ) {
        self.asking.set(Some(Question {
            text,
            yes,
            no,
            on_yes: Callback::new(move |()| on_yes()),
        }));
    }

    /// Shows a notification that goes away by itself after a while.
    pub fn toast(&self, kind: ToastKind, text: impl Into<String>) {
        let Some(id) = self.next_toast.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        self.toasts.update(|t| {
            t.push(Toast {
                id,
                kind,
                text: text.into(),
            })
        });
        let toasts = self.toasts;
        spawn_local(async move {
            client::sleep(kind.lifetime_ms()).await;
            toasts.update(|t| t.retain(|x| x.id != id));
        });
    }

    /// (Re)loads every connection.
    pub fn load_all(&self) {
        let n = self.connections.with(Vec::len);
        for i in 0..n {
            self.load(i);
        }
    }

    /// Adds a connection for this session and loads it.
    pub fn add_connection(&self, conn: Connection) {
        self.connections.update(|c| c.push(conn));
        self.loads.update(|l| l.push(LoadState::Loading));
        self.load(self.connections.with_untracked(Vec::len).saturating_sub(1));
    }

    /// (Re)loads one connection's providers, replacing its cards.
    pub fn load(&self, idx: usize) {
        let Some(conn) = self.connection(idx) else {
            return;
        };
        let store = *self;
        self.loads.update(|l| {
            if let Some(s) = l.get_mut(idx) {
                *s = LoadState::Loading;
            }
        });
        let dialect = conn.gateway.dialect();
        // Started here, not inside the task: the request leaves before the view is built.
        let answer = client::execute(
            dialect.list_request(&conn),
            store.policy,
            |s, b| dialect.parse_error(s, b),
            |_, _| {},
        );
        spawn_local(async move {
            let result = answer.await.and_then(|a| dialect.parse_list(&a.body));
            // Connections may have been removed while this was on the wire: find this
            // one's place now, or drop the answer with it.
            let Some(idx) = store.index_of(&conn.id) else {
                return;
            };
            let fresh = result.map(|providers| {
                providers
                    .into_iter()
                    .map(|p| Card::new(idx, &conn.id, conn.gateway.label(), p))
                    .collect()
            });
            store.arrive(idx, fresh);
        });
    }

    /// Where the connection with this id is now.
    fn index_of(&self, id: &str) -> Option<usize> {
        self.connections
            .try_with_untracked(|c| c.iter().position(|c| c.id == id))
            .flatten()
    }

    /// Takes a connection and its cards off the panel for this session (the runtime
    /// configuration is not changed; a reload brings it back).
    pub fn remove_connection(&self, idx: usize) {
        let Some(conn) = self.connection(idx) else {
            return;
        };
        let shift = move |i: usize| if i > idx { i - 1 } else { i };
        self.connections.update(|c| {
            if idx < c.len() {
                c.remove(idx);
            }
        });
        self.loads.update(|l| {
            if idx < l.len() {
                l.remove(idx);
            }
        });
        self.cards.update(|set| set.remove_connection(idx));
        self.arrived.update_value(|a| {
            a.retain(|(i, _)| *i != idx);
            for (i, _) in a.iter_mut() {
                *i = shift(*i);
            }
        });
        self.toast(
            ToastKind::Success,
            format!("Removed {} from this session.", conn.name),
        );
    }

    /// Queues a connection's answer. Answers that land before the next frame (the lists
    /// are requested together) become one update: one sort and one render instead of one
    /// each. The last answer expected applies them at once, without waiting for the frame.
    fn arrive(&self, idx: usize, fresh: Result<Vec<Card>, ApiError>) {
        let Some(queued) = self.arrived.try_update_value(|a| {
            a.push((idx, fresh));
            a.len()
        }) else {
            return;
        };
        let loading = self
            .loads
            .with_untracked(|l| l.iter().filter(|s| matches!(s, LoadState::Loading)).count());
        if queued >= loading {
            self.apply_arrived();
        } else if queued == 1 {
            let store = *self;
            request_animation_frame(move || store.apply_arrived());
        }
    }

    fn apply_arrived(&self) {
        let batch = self
            .arrived
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if batch.is_empty() {
            return;
        }
        let mut states = Vec::with_capacity(batch.len());
        let mut lists = Vec::with_capacity(batch.len());
        for (idx, fresh) in batch {
            match fresh {
                Ok(cards) => {
                    lists.push((idx, cards));
                    states.push((idx, LoadState::Ready));
                }
                Err(e) => states.push((idx, LoadState::Failed(e))),
            }
        }
        self.cards.update(|set| set.replace_connections(lists));
        self.contents.notify();
        self.loads.update(|l| {
            for (idx, state) in states {
                if let Some(s) = l.get_mut(idx) {
                    *s = state;
                }
            }
        });
        super::dom::mark_once("switchboard:cards");
        if self
            .loads
            .with_untracked(|l| !l.contains(&LoadState::Loading))
        {
            super::dom::mark_once("switchboard:loaded");
        }
    }

    /// Reads the provider again; when it changed on the server since the panel last knew
    /// it, the card takes the server's version and the answer is `true`.
    pub async fn refresh(&self, key: &str) -> Result<bool, ApiError> {
        let (card, conn) = self.card_and_connection(key)?;
        let dialect = conn.gateway.dialect();
        let req = card
            .listed
            .with_untracked(|l| dialect.read_request(&conn, &l.provider));
        let answer = client::execute(
            req,
            self.policy,
            |s, b| dialect.parse_error(s, b),
            |_, _| {},
        )
        .await?;
        let now = dialect.parse_item(&answer.body)?;
        let changed = card.listed.with_untracked(|l| {
            now.values != l.provider.values
                || now.name != l.provider.name
                || now.enabled != l.provider.enabled
                || now.managed != l.provider.managed
        });
        if changed {
            self.set_provider(&card, &conn, now);
        }
        Ok(changed)
    }

    /// Sends the update `plan` gives when this provider's turn comes (saves on one
    /// provider run one after another, each planned against the state the previous one
    /// left). The card shows in-flight, retry, success or failure, and on success holds
    /// what the server returned.
    ///
    /// With `check_stale`, the provider is first read again; if it changed on the server,
    /// nothing is sent and [`Saved::Stale`] says so.
    pub async fn save(
        &self,
        key: &str,
        plan: impl Fn() -> Option<PlannedUpdate>,
        check_stale: bool,
    ) -> Result<Saved, ApiError> {
        let Some(turns) = self.turns.try_get_value() else {
            return Ok(Saved::Unchanged);
        };
        let _turn = turns.turn(key).await;
        // A failed re-read does not block the save: the save reports its own failure.
        if check_stale && matches!(self.refresh(key).await, Ok(true)) {
            return Ok(Saved::Stale);
        }
        let Some(update) = plan().filter(|u| !u.change.is_empty()) else {
            return Ok(Saved::Unchanged);
        };
        // A save opened from the History view's Revert is journalled as that revert.
        let op = match self.reverting.get_value() {
            Some((k, of)) if *k == *key => Operation::Revert { of },
            _ => Operation::Save,
        };
        let change = update.change.clone();
        let before = self
            .card(key)
            .map(|c| c.listed.with_untracked(|l| l.provider.clone()));
        let sent = self.send(key, update, true, |_| {}).await;
        if let Some(before) = before {
            let ended = match &sent {
                Ok(()) => Ended::Saved,
                Err(e) => Ended::Failed {
                    message: e.message.clone(),
                },
            };
            self.journal_entry(key, &before, &change, &op, ended);
        }
        if sent.is_ok() && matches!(op, Operation::Revert { .. }) {
            self.reverting.set_value(None);
        }
        sent.map(|()| Saved::Done)
    }

    /// One target of a bulk run: when the provider's turn comes it is read again, and
    /// `step` plans the action against what the server holds now (a provider changed
    /// since the plan gets the request its state calls for, or a skip). The card shows
    /// the save; `on_retry` hears of each retry (a `Retry-After` slows the connection).
    /// `Done` only when the gateway acknowledged the update.
    pub async fn apply(
        &self,
        key: &str,
        step: impl Fn(&Connection, &Provider) -> Step,
        on_retry: impl Fn(&ApiError) + 'static,
        op: &Operation,
    ) -> Outcome {
        let Some(turns) = self.turns.try_get_value() else {
            return Outcome::Cancelled;
        };
        let _turn = turns.turn(key).await;
        // A failed re-read does not stop the update: the update reports its own failure.
        let _ = self.refresh(key).await;
        let planned = self.card_and_connection(key).map(|(card, conn)| {
            card.listed
                .with_untracked(|l| (step(&conn, &l.provider), l.provider.clone(), conn))
        });
        let (update, before) = match planned {
            Err(e) => return Outcome::Failed(e.message),
            Ok((Step::Skip(why), provider, conn)) => {
                let at = js_sys::Date::now() as i64;
                self.journal.record(Entry::skipped(
                    at,
                    &conn,
                    &provider,
                    op.clone(),
                    why.clone(),
                ));
                return Outcome::Skipped(why);
            }
            Ok((Step::Send(update), provider, _)) => (update, provider),
        };
        let change = update.change.clone();
        let e = match self.send(key, *update, false, on_retry).await {
            Ok(()) => {
                self.journal_entry(key, &before, &change, op, Ended::Saved);
                return Outcome::Done;
            }
            Err(e) => e,
        };
        // No readable answer: the update may have landed. Read the provider again; when
        // the action would now change nothing, the gateway holds it and the target is done.
        // (A new key cannot be seen, so a rotation stays failed.)
        if e.may_have_landed() && self.refresh(key).await.is_ok() {
            let landed = self.card_and_connection(key).is_ok_and(|(card, conn)| {
                card.listed
                    .with_untracked(|l| matches!(step(&conn, &l.provider), Step::Skip(_)))
            });
            if landed {
                if let Some(card) = self.card(key) {
                    card.status.set(SaveStatus::Saved);
                }
                self.journal_entry(key, &before, &change, op, Ended::Saved);
                return Outcome::Done;
            }
        }
        let ended = Ended::Failed {
            message: e.message.clone(),
        };
        self.journal_entry(key, &before, &change, op, ended);
        Outcome::Failed(e.message)
    }

    /// Sends an update; `announce` adds a toast for the outcome (single saves; a bulk run
    /// reports in its own view).
    async fn send(
        &self,
        key: &str,
        update: PlannedUpdate,
        announce: bool,
        on_retry: impl Fn(&ApiError) + 'static,
    ) -> Result<(), ApiError> {
        let (card, conn) = self.card_and_connection(key)?;
        let dialect = conn.gateway.dialect();
        let before = card.listed.with_untracked(|l| l.provider.clone());
        card.status.set(SaveStatus::Saving);
        let status = card.status.clone();
        let PlannedUpdate { change, request } = update;
        let result = client::execute(
            request,
            self.policy,
            |s, b| dialect.parse_error(s, b),
            move |n, e| {
                status.set(SaveStatus::Retrying(n));
                on_retry(e);
            },
        )
        .await
        .and_then(|a| dialect.parse_update(&before, &change, &a.body));
        match result {
            Ok(next) => {
                super::tabs::announce_saved(key);
                let values = self.saved_with_values.then(|| {
                    Entry::of_change(0, &conn, &before, &change, Operation::Save, Ended::Saved)
                        .changes
                        .into_iter()
                        .filter(|c| !c.secret)
                        .collect()
                });
                self.set_provider(&card, &conn, next);
                card.status.set(SaveStatus::Saved);
                if announce {
                    self.toast(ToastKind::Success, format!("Saved {}.", before.name));
                }
                if let Some(cb) = self.on_saved {
                    cb.run(SavedEvent {
                        connection: conn.id.clone(),
                        gateway: conn.gateway.slug(),
                        provider: before.id.clone(),
                        fields: change.changed().to_vec(),
                        values,
                    });
                }
                Ok(())
            }
            Err(e) => {
                card.status.set(SaveStatus::Failed(e.message.clone()));
                if announce {
                    self.toast(
                        ToastKind::Error,
                        format!("{} was not saved: {}", before.name, e.message),
                    );
                }
                Err(e)
            }
        }
    }
}
