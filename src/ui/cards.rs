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
    /// Changes whenever cards move, go, or change here; not when cards are only added at
    /// the end (a later page), so an order of the set before can be extended.
    shape: u64,
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

    /// See the field: equal before and after means only cards were added at the end.
    pub fn shape(&self) -> u64 {
        self.shape
    }

    /// The card at a position of [`CardSet::all`].
    pub fn at(&self, i: usize) -> Option<&Card> {
        self.cards.get(i)
    }

    /// The card with this key.
    pub fn get(&self, key: &str) -> Option<&Card> {
        self.index.get(key).and_then(|&i| self.cards.get(i))
    }

    /// Replaces the cards of connection `conn` with `fresh`; see
    /// [`CardSet::replace_connections`].
    pub fn replace_connection(&mut self, conn: usize, fresh: Vec<Card>) {
        self.replace_connections(vec![(conn, fresh)]);
    }

    /// Replaces the cards of each connection of `batch` with its fresh ones. A card whose
    /// key was already here keeps its cell (and so its DOM node and save status) and takes
    /// the new provider; the others are dropped or added. The index is rebuilt once.
    pub fn replace_connections(&mut self, batch: Vec<(usize, Vec<Card>)>) {
        // Cells are matched while the index still describes the set.
        let batch: Vec<(usize, Vec<Card>)> = batch
            .into_iter()
            .map(|(conn, fresh)| {
                let fresh = fresh
                    .into_iter()
                    .map(|card| self.keep_cell(conn, card).0)
                    .collect();
                (conn, fresh)
            })
            .collect();
        self.cards
            .retain(|c| batch.iter().all(|(conn, _)| *conn != c.conn));
        for (_, fresh) in batch {
            self.cards.extend(fresh);
        }
        self.reindex();
        self.shape += 1;
    }

    /// Adds the cards of one more page of connection `conn`'s list: a key already here
    /// takes the new provider in its cell; the others are added at the end.
    pub fn extend_connection(&mut self, conn: usize, more: Vec<Card>) {
        for card in more {
            let (kept, changed) = self.keep_cell(conn, card);
            if changed {
                self.shape += 1;
            }
            if !self.index.contains_key(&kept.key) {
                self.index.insert(kept.key.clone(), self.cards.len());
                self.cards.push(kept);
            }
        }
    }

    /// The cell already shown for `card`'s key, given `card`'s provider, and whether that
    /// changed it; else `card`.
    fn keep_cell(&self, conn: usize, card: Card) -> (Card, bool) {
        let Some(kept) = self.get(&card.key).filter(|old| old.conn == conn) else {
            return (card, false);
        };
        let next = card.listed.get_untracked();
        let changed = kept.listed.with_untracked(|l| *l != next);
        if changed {
            kept.listed.set(next);
        }
        (kept.clone(), changed)
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
        self.shape += 1;
    }

    fn reindex(&mut self) {
        self.index.clear();
        self.index.reserve(self.cards.len());
        for (i, c) in self.cards.iter().enumerate() {
            self.index.insert(c.key.clone(), i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn provider(id: &str, name: &str) -> Provider {
        Provider {
            id: id.into(),
            name: name.into(),
            kind: "openai".into(),
            enabled: Some(true),
            values: Default::default(),
            secrets: BTreeMap::new(),
            managed: false,
            unread: false,
        }
    }

    fn card(conn: usize, id: &str, name: &str) -> Card {
        Card::new(conn, &format!("c{conn}"), "gw", provider(id, name))
    }

    fn names(set: &CardSet) -> Vec<String> {
        set.all()
            .iter()
            .map(|c| c.listed.with_untracked(|l| l.provider.name.clone()))
            .collect()
    }

    #[test]
    fn a_reload_keeps_the_cells_of_cards_still_there() {
        let mut set = CardSet::default();
        set.replace_connections(vec![
            (0, vec![card(0, "a", "A"), card(0, "b", "B")]),
            (1, vec![card(1, "a", "C")]),
        ]);
        let shown_a = set.get("c0/a").cloned().expect("a");
        shown_a.status.set(SaveStatus::Saved);
        set.replace_connections(vec![(
            0,
            vec![card(0, "a", "A renamed"), card(0, "d", "D")],
        )]);
        assert_eq!(names(&set), ["C", "A renamed", "D"]);
        // The cell that was on screen took the new provider and kept its status.
        assert_eq!(
            shown_a.listed.with_untracked(|l| l.provider.name.clone()),
            "A renamed"
        );
        assert_eq!(shown_a.status.get_untracked(), SaveStatus::Saved);
        assert!(set.get("c0/b").is_none());
        for key in ["c0/a", "c0/d", "c1/a"] {
            assert_eq!(
                set.get(key).map(|c| &*c.key),
                Some(key),
                "index finds {key}"
            );
        }
    }

    #[test]
    fn removing_a_connection_moves_the_later_ones_down() {
        let mut set = CardSet::default();
        set.replace_connections(vec![
            (0, vec![card(0, "a", "A")]),
            (1, vec![card(1, "b", "B")]),
            (2, vec![card(2, "c", "C")]),
        ]);
        set.remove_connection(1);
        assert_eq!(names(&set), ["A", "C"]);
        assert_eq!(set.get("c2/c").map(|c| c.conn), Some(1));
        assert!(set.get("c1/b").is_none());
    }

    #[test]
    fn search_text_and_sort_key_come_from_the_provider() {
        let l = Listed::new(provider("gpt", "Ünïcode Name"), "Barndoor", "prod");
        assert_eq!(l.sort_name(), "ünïcode name");
        assert!(l.matches("barndoor") && l.matches("prod") && l.matches("gpt"));
        assert!(!l.matches("respan"));
    }
}
