//! The cards the panel holds: one reactive cell per provider, kept in a set with O(1)
//! lookup by key, so one save touches one card and nothing else.

use crate::model::Provider;
use leptos::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

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

/// A provider as the grid knows it: the provider and the text search and sort read,
/// computed once per change rather than once per keystroke.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub provider: Provider,
    /// Lower-cased name, kind, id, gateway and connection; starts with the sort key.
    haystack: String,
    name_len: usize,
}

impl Listed {
    /// Indexes a provider of a connection for search and sort.
    pub fn new(provider: Provider, gateway: &str, conn_id: &str) -> Self {
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
        Listed {
            provider,
            haystack,
            name_len,
        }
    }

    /// True when the lower-cased `needle` occurs in the card's text.
    pub fn matches(&self, needle: &str) -> bool {
        self.haystack.contains(needle)
    }

    /// The lower-cased name: what the grid sorts by.
    pub fn sort_name(&self) -> &str {
        self.haystack.get(..self.name_len).unwrap_or_default()
    }
}

/// One provider card's reactive cell. Cloning it clones handles, not data; the provider
/// and the save status are separate signals, so a status change redraws the status line
/// and leaves search, sort and the rest of the card alone.
#[derive(Clone)]
pub struct Card {
    /// `connection id / provider id`: unique across the panel, stable across reloads.
    pub key: Arc<str>,
    /// Index into the connections.
    pub conn: usize,
    pub listed: ArcRwSignal<Listed>,
    pub status: ArcRwSignal<SaveStatus>,
}

impl Card {
    /// A new cell for a provider of the connection at `conn`.
    pub fn new(conn: usize, conn_id: &str, gateway: &str, provider: Provider) -> Self {
        let mut key = String::with_capacity(conn_id.len() + 1 + provider.id.len());
        key.push_str(conn_id);
        key.push('/');
        key.push_str(&provider.id);
        Card {
            key: key.into(),
            conn,
            listed: ArcRwSignal::new(Listed::new(provider, gateway, conn_id)),
            status: ArcRwSignal::new(SaveStatus::Idle),
        }
    }
}

/// Every card, in arrival order, with an index by key.
#[derive(Clone, Default)]
pub struct CardSet {
    cards: Vec<Card>,
    index: FxHashMap<Arc<str>, usize>,
}

impl CardSet {
    /// All cards.
    pub fn all(&self) -> &[Card] {
        &self.cards
    }

    /// The number of cards.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// True when there is no card.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    /// The card at a position of [`CardSet::all`].
    pub fn at(&self, i: usize) -> Option<&Card> {
        self.cards.get(i)
    }

    /// The card with this key.
    pub fn get(&self, key: &str) -> Option<&Card> {
        self.index.get(key).and_then(|&i| self.cards.get(i))
    }

    /// Replaces the cards of connection `conn` with `fresh`. A card whose key was already
    /// here keeps its cell (and so its DOM node and save status) and takes the new
    /// provider; the others are dropped or added.
    pub fn replace_connection(&mut self, conn: usize, fresh: Vec<Card>) {
        let fresh: Vec<Card> = fresh
            .into_iter()
            .map(
                |card| match self.get(&card.key).filter(|old| old.conn == conn) {
                    Some(kept) => {
                        let next = card.listed.get_untracked();
                        if kept.listed.with_untracked(|l| *l != next) {
                            kept.listed.set(next);
                        }
                        kept.clone()
                    }
                    None => card,
                },
            )
            .collect();
        self.cards.retain(|c| c.conn != conn);
        self.cards.extend(fresh);
        self.reindex();
    }

    /// Drops connection `conn` and its cards; later connections move down by one.
    pub fn remove_connection(&mut self, conn: usize) {
        self.cards.retain(|c| c.conn != conn);
        for c in &mut self.cards {
            if c.conn > conn {
                c.conn -= 1;
            }
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index.clear();
        self.index.reserve(self.cards.len());
        for (i, c) in self.cards.iter().enumerate() {
            self.index.insert(c.key.clone(), i);
        }
    }
}
