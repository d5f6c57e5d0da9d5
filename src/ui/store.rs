//! The panel's state and the actions that move it: loading providers, saving updates.
//! State is plain structs of signals; components receive the `Copy` handle.

use super::cards::{Card, CardSet, Listed, SaveStatus};
use super::confirm::Question;
use super::journal::{Journal, Keeping};
use super::toast::{Toast, ToastKind};
use crate::client::{self, CallPolicy};
use crate::dialect::paging::{Page, Pager};
use crate::dialect::Connection;
use crate::fleet::{Outcome, Step};
use crate::health::{path_of, Check, Health, Verdict};
use crate::journal::{Ended, Entry, Operation};
use crate::model::{
    ApiError, Auth, CredentialSource, ErrorKind, HttpRequest, PlannedUpdate, Provider,
};
use crate::queue::KeyedQueue;
use crate::state::Desired;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use std::sync::Arc;

/// While a listing pages, its later pages' cards are shown at most this often (the first
/// page's at once, the last page's with it). Each showing filters and sorts every card
/// and recounts the vendors, so showing each of a 200-page listing's pages on arrival
/// made the whole listing quadratic: 15.7 s to the last of 200,000 cards (`./x bench --curve`).
const SHOW_PAGES_EVERY_MS: f64 = 250.0;

/// How loading one connection's providers went.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    /// Pages are arriving: the providers shown so far, and how many the gateway says it has.
    Paging {
        loaded: usize,
        total: Option<u64>,
    },
    Ready,
    Failed(ApiError),
    /// A page after the first failed: the earlier pages' cards stay, and Retry goes on
    /// from the page that failed.
    Stopped {
        error: ApiError,
        page: u32,
        loaded: usize,
        total: Option<u64>,
    },
}

impl LoadState {
    /// True while providers are still to come.
    pub fn pending(&self) -> bool {
        matches!(self, LoadState::Loading | LoadState::Paging { .. })
    }
}

/// Where a stopped listing goes on from: the page's request and the pager as it was.
type Resume = (String, HttpRequest, Pager);

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
    /// The credential vault of this browser.
    pub vault: super::vault::Vault,
    /// Where each connection's credential came from, by connection id.
    pub sources: RwSignal<BTreeMap<String, CredentialSource>>,
    /// Each connection's health, by connection id.
    pub health: RwSignal<BTreeMap<String, Health>>,
    /// Connections whose health check is on the wire, by id.
    pub checking: RwSignal<Vec<String>>,
    /// Listings stopped by a failed page, by connection id.
    resumes: StoredValue<Vec<Resume>>,
    /// The listing under way for each connection id: a reload supersedes a listing whose
    /// pages are still arriving.
    listings: StoredValue<Vec<(String, u64)>>,
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
        let sources = connections
            .iter()
            .map(|c| (c.id.clone(), CredentialSource::of_config(&c.auth)))
            .collect();
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
            resumes: StoredValue::new(Vec::new()),
            vault: super::vault::Vault::default(),
            sources: RwSignal::new(sources),
            health: RwSignal::new(BTreeMap::new()),
            checking: RwSignal::new(Vec::new()),
            listings: StoredValue::new(Vec::new()),
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

    /// Gives connection `idx` a new credential (from `source`), or none, and loads it again.
    pub fn set_credential(&self, idx: usize, auth: Auth, source: CredentialSource) {
        let Some(id) = self.connection(idx).map(|c| c.id) else {
            return;
        };
        self.connections.update(|cs| {
            if let Some(c) = cs.get_mut(idx) {
                c.auth = auth;
            }
        });
        self.sources.update(|s| {
            s.insert(id, source);
        });
        self.load(idx);
    }

    /// Adds a connection for this session and loads it.
    pub fn add_connection(&self, conn: Connection) {
        let source = if conn.auth.is_set() {
            CredentialSource::Typed
        } else {
            CredentialSource::Missing
        };
        self.sources.update(|s| {
            s.insert(conn.id.clone(), source);
        });
        self.connections.update(|c| c.push(conn));
        self.loads.update(|l| l.push(LoadState::Loading));
        self.load(self.connections.with_untracked(Vec::len).saturating_sub(1));
    }

    /// (Re)loads one connection's providers, replacing its cards: the list page by
    /// page, or each declared provider, or (reads off) the declared providers as they are.
    pub fn load(&self, idx: usize) {
        let Some(conn) = self.connection(idx) else {
            return;
        };
        self.set_load(idx, LoadState::Loading);
        self.resumes
            .update_value(|r| r.retain(|(id, _, _)| *id != conn.id));
        let dialect = conn.gateway.dialect();
        if !conn.reads {
            self.reads_off(&conn.id);
            let cards = conn
                .declared
                .iter()
                .map(|d| dialect.declared(&d.id, d.name.as_deref()))
                .map(|p| Card::new(idx, &conn.id, conn.gateway.label(), p))
                .collect();
            self.arrive(idx, Ok(cards));
        } else if !conn.declared.is_empty() {
            self.read_declared(conn);
        } else {
            let first = dialect.list_request(&conn);
            self.list_from(conn, first, Pager::new(super::dom::page_origin()));
        }
    }

    /// Goes on with a listing stopped by a failed page, from that page.
    pub fn resume(&self, idx: usize) {
        let Some(conn) = self.connection(idx) else {
            return;
        };
        let Some((_, req, pager)) = self
            .resumes
            .try_update_value(|r| {
                let at = r.iter().position(|(id, _, _)| *id == conn.id)?;
                Some(r.remove(at))
            })
            .flatten()
        else {
            return self.load(idx);
        };
        self.set_load(
            idx,
            LoadState::Paging {
                loaded: pager.loaded,
                total: pager.total,
            },
        );
        self.list_from(conn, req, pager);
    }

    fn set_load(&self, idx: usize, state: LoadState) {
        self.loads.update(|l| {
            if let Some(s) = l.get_mut(idx) {
                *s = state;
            }
        });
    }

    /// Reads a listing from `req` on: the first page's cards replace the connection's,
    /// each later page's are added as it arrives.
    fn list_from(&self, conn: Connection, req: HttpRequest, pager: Pager) {
        let store = *self;
        let dialect = conn.gateway.dialect();
        let call = move |req: HttpRequest| store.read(dialect, req);
        let ticket = self.listing_ticket(&conn.id);
        let conn_id = conn.id.clone();
        let current = move || {
            store
                .listings
                .try_with_value(|l| l.iter().any(|(id, t)| *id == conn_id && *t == ticket))
                .unwrap_or(false)
        };
        // Started here, not inside the task: the request leaves before the view is built.
        let mut answer = call(req.clone());
        spawn_local(async move {
            let (mut req, mut pager) = (req, pager);
            // Later pages' cards not shown yet, and when cards were last shown.
            let mut held: Vec<Card> = Vec::new();
            let mut shown_at = 0.0;
            loop {
                let (started, call_answer) = answer;
                let read = call_answer.await;
                if !current() {
                    return;
                }
                let Some((idx, cards, next)) =
                    store.take_page(&conn, &req, &mut pager, started, read)
                else {
                    // A later page failed: what was read before it is shown, as its
                    // message says.
                    if let (false, Some(idx)) = (held.is_empty(), store.index_of(&conn.id)) {
                        store.show_page(idx, false, held);
                    }
                    return;
                };
                let first = pager.page == 1;
                let Some(next) = next else {
                    if first {
                        store.arrive(idx, Ok(cards));
                    } else {
                        held.extend(cards);
                        store.add_page(idx, false, held, LoadState::Ready);
                    }
                    return;
                };
                // The next page is on the wire while this one is drawn.
                answer = call(next.clone());
                req = next;
                let progress = LoadState::Paging {
                    loaded: pager.loaded,
                    total: pager.total,
                };
                held.extend(cards);
                let now = js_sys::Date::now();
                if first || now - shown_at >= SHOW_PAGES_EVERY_MS {
                    store.add_page(idx, first, std::mem::take(&mut held), progress);
                    shown_at = now;
                } else {
                    store.set_load(idx, progress);
                }
            }
        });
    }

    /// Reads one page's answer: the connection's place, the page's cards and the next
    /// page's request; `None` when the listing ends here, failed (a first page fails the
    /// connection; a later one stops it, to be resumed from that page) or the connection
    /// is gone. Kept out of the listing's task, whose every local lives across an await.
    fn take_page(
        &self,
        conn: &Connection,
        req: &HttpRequest,
        pager: &mut Pager,
        started: f64,
        answer: Result<client::Answer, ApiError>,
    ) -> Option<(usize, Vec<Card>, Option<HttpRequest>)> {
        let before = pager.clone();
        let read = answer.and_then(|a| pager.read(conn.gateway.dialect(), req, &a.body));
        // The first page is the connection's health check; later ones add latency.
        self.observe(&conn.id, started, &read, (before.page == 0).then_some(req));
        // Connections may have been removed while this was on the wire: find this one's
        // place now, or drop the answer with it.
        let idx = self.index_of(&conn.id)?;
        let Page { providers, next } = match read {
            Ok(page) => page,
            Err(e) if before.page == 0 => {
                self.arrive(idx, Err(e));
                return None;
            }
            Err(error) => {
                self.set_load(
                    idx,
                    LoadState::Stopped {
                        error,
                        page: before.page + 1,
                        loaded: before.loaded,
                        total: before.total,
                    },
                );
                self.resumes
                    .update_value(|r| r.push((conn.id.clone(), req.clone(), before)));
                return None;
            }
        };
        let cards = providers
            .into_iter()
            .map(|p| Card::new(idx, &conn.id, conn.gateway.label(), p))
            .collect();
        Some((idx, cards, next))
    }

    /// A new ticket for listing the connection `id`: earlier listings of it stop.
    fn listing_ticket(&self, id: &str) -> u64 {
        self.listings
            .try_update_value(|l| {
                let ticket = l.iter().map(|(_, t)| *t).max().unwrap_or(0) + 1;
                l.retain(|(c, _)| c != id);
                l.push((id.to_owned(), ticket));
                ticket
            })
            .unwrap_or(0)
    }

    /// Shows one page of a listing at once (a listing of pages is not batched with
    /// the other connections' answers: its first cards are not kept waiting).
    fn add_page(&self, idx: usize, first: bool, cards: Vec<Card>, state: LoadState) {
        self.show_page(idx, first, cards);
        self.set_load(idx, state);
        self.mark_progress();
    }

    /// Puts a page's cards in the set: the first replaces the connection's, a later one
    /// adds to them.
    fn show_page(&self, idx: usize, first: bool, cards: Vec<Card>) {
        self.cards.update(|set| {
            if first {
                set.replace_connection(idx, cards);
            } else {
                set.extend_connection(idx, cards);
            }
        });
        self.contents.notify();
    }

    /// Reads each provider the configuration declares, one after another (a gateway that
    /// cannot list has few); the first failure fails the connection, naming the provider.
    fn read_declared(&self, conn: Connection) {
        let store = *self;
        spawn_local(async move {
            let dialect = conn.gateway.dialect();
            let mut providers = Vec::with_capacity(conn.declared.len());
            let mut failed = None;
            for d in &conn.declared {
                let declared = dialect.declared(&d.id, d.name.as_deref());
                let req = dialect.read_request(&conn, &declared);
                let (started, answer) = store.read(dialect, req.clone());
                let read = answer.await.and_then(|a| dialect.parse_item(&a.body));
                store.observe(
                    &conn.id,
                    started,
                    &read,
                    providers.is_empty().then_some(&req),
                );
                match read {
                    Ok(p) => providers.push(p),
                    Err(e) => {
                        failed = Some(ApiError {
                            message: format!("Reading {}: {}", d.id, e.message),
                            ..e
                        });
                        break;
                    }
                }
            }
            let Some(idx) = store.index_of(&conn.id) else {
                return;
            };
            let fresh = match failed {
                Some(e) => Err(e),
                None => Ok(providers
                    .into_iter()
                    .map(|p| Card::new(idx, &conn.id, conn.gateway.label(), p))
                    .collect()),
            };
            store.arrive(idx, fresh);
        });
    }

    /// Sends a read to a gateway: the moment it left (for its latency), and its answer.
    fn read(
        &self,
        dialect: &'static dyn crate::dialect::Dialect,
        req: HttpRequest,
    ) -> (
        f64,
        impl std::future::Future<Output = Result<client::Answer, ApiError>> + 'static,
    ) {
        let started = js_sys::Date::now();
        let answer = client::execute(
            req,
            self.policy,
            |s, b| dialect.parse_error(s, b),
            |_, _| {},
        );
        (started, answer)
    }

    /// Notes what a call to connection `id` that left at `started` found: how long its
    /// answer took (an error status is an answer too), and for a read, the verdict.
    fn observe<T>(
        &self,
        id: &str,
        started: f64,
        result: &Result<T, ApiError>,
        read: Option<&HttpRequest>,
    ) {
        let now = js_sys::Date::now();
        let ms = (now - started).max(0.0) as u32;
        let answered = result.as_ref().err().is_none_or(|e| e.status.is_some());
        let _ = self.health.try_update(|h| {
            let entry = h.entry(id.to_owned()).or_default();
            if answered {
                entry.answered(ms);
            }
            if let Some(req) = read {
                entry.checked(Check {
                    at: now as i64,
                    verdict: Verdict::of(result),
                    path: Some(path_of(&req.url)),
                    message: result.as_ref().err().map(|e| e.message.clone()),
                });
            }
        });
    }

    /// Checks one connection's health with one read: the first page of its list, or its
    /// first declared provider (a connection with reads off cannot be checked).
    pub fn check(&self, idx: usize) {
        let Some(conn) = self.connection(idx) else {
            return;
        };
        if !conn.reads {
            self.reads_off(&conn.id);
            return;
        }
        let dialect = conn.gateway.dialect();
        let req = match conn.declared.first() {
            Some(d) => dialect.read_request(&conn, &dialect.declared(&d.id, d.name.as_deref())),
            None => dialect.list_request(&conn),
        };
        self.checking.update(|c| c.push(conn.id.clone()));
        let store = *self;
        let (started, answer) = self.read(dialect, req.clone());
        spawn_local(async move {
            let result = answer.await;
            store.observe(&conn.id, started, &result, Some(&req));
            let _ = store.checking.try_update(|c| c.retain(|id| *id != conn.id));
        });
    }

    /// Checks every connection at once.
    pub fn check_all(&self) {
        for i in 0..self.connections.with_untracked(Vec::len) {
            self.check(i);
        }
    }

    fn reads_off(&self, id: &str) {
        let check = Check {
            at: js_sys::Date::now() as i64,
            verdict: Verdict::ReadsOff,
            path: None,
            message: None,
        };
        self.health
            .update(|h| h.entry(id.to_owned()).or_default().checked(check));
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
        self.resumes
            .update_value(|r| r.retain(|(id, _, _)| *id != conn.id));
        self.listings
            .update_value(|l| l.retain(|(id, _)| *id != conn.id));
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
        self.mark_progress();
    }

    /// Marks the first cards, and the moment nothing more is to come, for the benchmark.
    fn mark_progress(&self) {
        super::dom::mark_once("switchboard:cards");
        if self
            .loads
            .with_untracked(|l| !l.iter().any(LoadState::pending))
        {
            super::dom::mark_once("switchboard:loaded");
        }
    }

    /// Reads the provider again; when it changed on the server since the panel last knew
    /// it, the card takes the server's version and the answer is `true`.
    pub async fn refresh(&self, key: &str) -> Result<bool, ApiError> {
        let (card, conn) = self.card_and_connection(key)?;
        if !conn.reads {
            return Err(ApiError::new(
                ErrorKind::BadResponse,
                "This gateway's providers cannot be read (reads are off for its connection).",
            ));
        }
        let dialect = conn.gateway.dialect();
        let req = card
            .listed
            .with_untracked(|l| dialect.read_request(&conn, &l.provider));
        let (started, answer) = self.read(dialect, req.clone());
        let answer = answer.await;
        self.observe(&conn.id, started, &answer, Some(&req));
        let answer = answer?;
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
        let started = js_sys::Date::now();
        let result = client::execute(
            request,
            self.policy,
            |s, b| dialect.parse_error(s, b),
            move |n, e| {
                status.set(SaveStatus::Retrying(n));
                on_retry(e);
            },
        )
        .await;
        self.observe(&conn.id, started, &result, None);
        let result = result.and_then(|a| dialect.parse_update(&before, &change, &a.body));
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
                if announce && !conn.reads {
                    self.toast(
                        ToastKind::Success,
                        format!(
                            "Saved {}. No stale check was possible: this gateway's providers cannot be read.",
                            before.name
                        ),
                    );
                } else if announce {
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
