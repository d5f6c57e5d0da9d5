//! The panel's state and the actions that move it: loading providers, saving drafts.
//! State is plain structs of signals; components receive the `Copy` handle.

use crate::client;
use crate::dialect::Connection;
use crate::model::{ApiError, Change, Provider};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where a card's last save stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveStatus {
    Idle,
    Saving,
    /// Retrying after a failure that may pass (attempt number).
    Retrying(u32),
    Saved,
    Failed(String),
}

/// One provider card.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    /// `connection id / provider id`: unique across the panel.
    pub key: String,
    /// Index into the connections.
    pub conn: usize,
    pub provider: Provider,
    pub status: SaveStatus,
    /// Bumped on every change so keyed lists redraw exactly the cards that changed.
    pub rev: u32,
    /// Lower-cased text the search matches against, computed once per change; it starts
    /// with the lower-cased name, the sort key ([`Card::sort_name`]).
    pub haystack: String,
    name_len: usize,
}

impl Card {
    fn new(conn: usize, conn_id: &str, gateway: &str, provider: Provider) -> Self {
        // One allocation per card: 20,000 of them arrive at once from big gateways.
        let parts = [
            provider.name.as_str(),
            provider.kind.as_str(),
            provider.id.as_str(),
            gateway,
            conn_id,
        ];
        let mut haystack = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        let mut name_len = 0;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                haystack.push(' ');
            }
            haystack.extend(part.chars().flat_map(char::to_lowercase));
            if i == 0 {
                name_len = haystack.len();
            }
        }
        let mut key = String::with_capacity(conn_id.len() + 1 + provider.id.len());
        key.push_str(conn_id);
        key.push('/');
        key.push_str(&provider.id);
        Card {
            key,
            conn,
            provider,
            status: SaveStatus::Idle,
            rev: 0,
            haystack,
            name_len,
        }
    }

    /// The lower-cased name: what the grid sorts by.
    pub fn sort_name(&self) -> &str {
        self.haystack.get(..self.name_len).unwrap_or_default()
    }
}

/// How loading one connection's providers went.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(ApiError),
}

/// A notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub ok: bool,
    pub text: String,
}

/// One connection's list answer, as cards, waiting for the frame: (connection index, cards).
type Arrival = (usize, Result<Vec<Card>, ApiError>);

/// The whole panel's state. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct Store {
    pub connections: RwSignal<Vec<Connection>>,
    pub cards: RwSignal<Vec<Card>>,
    pub loads: RwSignal<Vec<LoadState>>,
    /// The card whose edit form is open.
    pub editing: RwSignal<Option<String>>,
    pub toasts: RwSignal<Vec<Toast>>,
    pub read_only: bool,
    /// Cards with a save on the wire.
    in_flight: StoredValue<std::collections::BTreeSet<String>>,
    /// Lists answered since the last frame; applied together, just before it is painted.
    arrived: StoredValue<Vec<Arrival>>,
    /// Per-attempt time limit of every call, in milliseconds.
    pub timeout_ms: u32,
    /// Called after every successful save (embedding hosts listen through it).
    pub on_saved: Option<Callback<SavedEvent>>,
}

/// What the host learns about a save: never a value, only names.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedEvent {
    pub connection: String,
    pub gateway: &'static str,
    pub provider: String,
    pub fields: Vec<&'static str>,
}

impl Store {
    /// A store over these connections, nothing loaded yet.
    pub fn new(
        connections: Vec<Connection>,
        read_only: bool,
        timeout_ms: u32,
        on_saved: Option<Callback<SavedEvent>>,
    ) -> Self {
        let n = connections.len();
        Store {
            connections: RwSignal::new(connections),
            cards: RwSignal::new(Vec::new()),
            loads: RwSignal::new(vec![LoadState::Loading; n]),
            editing: RwSignal::new(None),
            toasts: RwSignal::new(Vec::new()),
            read_only,
            in_flight: StoredValue::new(Default::default()),
            arrived: StoredValue::new(Vec::new()),
            timeout_ms,
            on_saved,
        }
    }

    /// The card with this key, cloned.
    pub fn card(&self, key: &str) -> Option<Card> {
        self.cards
            .with(|cards| cards.iter().find(|c| c.key == key).cloned())
    }

    /// The connection at an index, cloned.
    pub fn connection(&self, idx: usize) -> Option<Connection> {
        self.connections.with(|c| c.get(idx).cloned())
    }

    fn update_card(&self, key: &str, f: impl FnOnce(&mut Card)) {
        self.cards.update(|cards| {
            if let Some(c) = cards.iter_mut().find(|c| c.key == key) {
                f(c);
                c.rev = c.rev.wrapping_add(1);
            }
        });
    }

    /// Shows a notification that goes away by itself after a while.
    pub fn toast(&self, ok: bool, text: impl Into<String>) {
        let id = (js_sys::Math::random() * 1e15) as u64;
        self.toasts.update(|t| {
            t.push(Toast {
                id,
                ok,
                text: text.into(),
            })
        });
        let toasts = self.toasts;
        spawn_local(async move {
            client::sleep(if ok { 5_000 } else { 12_000 }).await;
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
            store.timeout_ms,
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
        self.cards.update(|cards| {
            cards.retain(|c| c.conn != idx);
            for c in cards.iter_mut() {
                c.conn = shift(c.conn);
            }
        });
        self.arrived.update_value(|a| {
            a.retain(|(i, _)| *i != idx);
            for (i, _) in a.iter_mut() {
                *i = shift(*i);
            }
        });
        self.toast(true, format!("Removed {} from this session.", conn.name));
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
        self.cards.update(|cards| {
            for (idx, fresh) in batch {
                states.push((
                    idx,
                    match fresh {
                        Ok(fresh) => {
                            cards.retain(|c| c.conn != idx);
                            cards.extend(fresh);
                            LoadState::Ready
                        }
                        Err(e) => LoadState::Failed(e),
                    },
                ));
            }
        });
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

    /// A card and its connection, or the error a save or re-read reports when either is gone.
    fn card_and_connection(&self, key: &str) -> Result<(Card, Connection), ApiError> {
        let gone = |what: &str| {
            ApiError::new(
                crate::model::ErrorKind::BadResponse,
                format!("{what} is no longer configured."),
            )
        };
        let card = self.card(key).ok_or_else(|| gone("This provider"))?;
        let conn = self
            .connection(card.conn)
            .ok_or_else(|| gone("Its connection"))?;
        Ok((card, conn))
    }

    /// Reads the provider again and says whether it changed on the server since loaded.
    async fn changed_on_server(&self, key: &str) -> Result<bool, ApiError> {
        let (card, conn) = self.card_and_connection(key)?;
        let dialect = conn.gateway.dialect();
        let req = dialect.read_request(&conn, &card.provider);
        let answer = client::execute(
            req,
            self.timeout_ms,
            |s, b| dialect.parse_error(s, b),
            |_, _| {},
        )
        .await?;
        let now = dialect.parse_item(&answer.body)?;
        Ok(now.values != card.provider.values
            || now.name != card.provider.name
            || now.enabled != card.provider.enabled)
    }

    /// Sends a validated change; the card shows in-flight, retry, success or failure.
    /// On success the card holds what the server returned (or what was sent, masked).
    ///
    /// With `check_stale`, the provider is first read again; if it changed on the server
    /// since the panel last knew it, nothing is sent and [`Saved::Stale`] says so.
    pub async fn save(
        &self,
        key: &str,
        change: Change,
        check_stale: bool,
    ) -> Result<Saved, ApiError> {
        // Saves on one provider run one after another, each checked against the state the
        // previous one left; the UI is single-threaded, so check-then-insert cannot race.
        while self.in_flight.with_value(|s| s.contains(key)) {
            client::sleep(25).await;
        }
        self.in_flight.update_value(|s| {
            s.insert(key.to_owned());
        });
        // A failed re-read does not block the save: the save reports its own failure.
        let result = if check_stale && matches!(self.changed_on_server(key).await, Ok(true)) {
            Ok(Saved::Stale)
        } else {
            self.send(key, change).await.map(|()| Saved::Done)
        };
        self.in_flight.update_value(|s| {
            s.remove(key);
        });
        result
    }

    async fn send(&self, key: &str, change: Change) -> Result<(), ApiError> {
        let (card, conn) = self.card_and_connection(key)?;
        let dialect = conn.gateway.dialect();
        let req = dialect.update_request(&conn, &card.provider, &change);
        self.update_card(key, |c| c.status = SaveStatus::Saving);
        let store = *self;
        let k = key.to_owned();
        let result = client::execute(
            req,
            store.timeout_ms,
            |s, b| dialect.parse_error(s, b),
            move |n, _| {
                store.update_card(&k, |c| c.status = SaveStatus::Retrying(n));
            },
        )
        .await
        .and_then(|a| dialect.parse_update(&card.provider, &change, &a.body));
        match result {
            Ok(next) => {
                let gateway = conn.gateway.label();
                self.update_card(key, |c| {
                    *c = Card {
                        status: SaveStatus::Saved,
                        rev: c.rev,
                        ..Card::new(c.conn, &conn.id, gateway, next)
                    };
                });
                self.toast(true, format!("Saved {}.", card.provider.name));
                if let Some(cb) = self.on_saved {
                    cb.run(SavedEvent {
                        connection: conn.id.clone(),
                        gateway: conn.gateway.slug(),
                        provider: card.provider.id.clone(),
                        fields: change.changed().to_vec(),
                    });
                }
                Ok(())
            }
            Err(e) => {
                self.update_card(key, |c| c.status = SaveStatus::Failed(e.message.clone()));
                self.toast(
                    false,
                    format!("{} was not saved: {}", card.provider.name, e.message),
                );
                Err(e)
            }
        }
    }
}

/// How a save ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Done,
    /// Not sent: the provider changed on the server since it was loaded.
    Stale,
}
