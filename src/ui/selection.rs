//! Which cards are selected for a bulk action. Kept by card key, so a selection survives
//! filtering, sorting, scrolling and reloads; ranges follow the grid's current order.

use super::store::Store;
use leptos::prelude::*;
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// The selection, and the order ranges are taken in. `Copy`: arena handles only.
#[derive(Clone, Copy)]
pub struct Selection {
    keys: RwSignal<FxHashSet<Arc<str>>>,
    /// Where a Shift range starts: the card last toggled on its own.
    anchor: StoredValue<Option<Arc<str>>>,
    store: Store,
    /// The grid's order: positions in the card set of the cards that pass the filters.
    visible: Memo<Vec<usize>>,
}

impl Selection {
    /// An empty selection over the grid's cards in `visible` order.
    pub fn new(store: Store, visible: Memo<Vec<usize>>) -> Self {
        Selection {
            keys: RwSignal::new(FxHashSet::default()),
            anchor: StoredValue::new(None),
            store,
            visible,
        }
    }

    /// Whether the card with `key` is selected (tracked).
    pub fn contains(&self, key: &str) -> bool {
        self.keys.with(|k| k.contains(key))
    }

    /// Selected cards that still exist (tracked).
    pub fn count(&self) -> usize {
        self.keys.with(|k| {
            self.store
                .cards
                .with(|set| k.iter().filter(|key| set.get(key).is_some()).count())
        })
    }

    /// Selected cards the filters hide now (tracked).
    pub fn hidden(&self) -> usize {
        let shown = self.visible_keys_with(|v| {
            self.keys
                .with(|k| v.iter().filter(|key| k.contains(*key)).count())
        });
        self.count().saturating_sub(shown)
    }

    /// The selected cards' keys, connection by connection in the configuration's order
    /// (within one, as they arrived), so a plan reads the same however the lists raced.
    /// Untracked.
    pub fn keys(&self) -> Vec<Arc<str>> {
        self.keys.with_untracked(|k| {
            self.store.cards.with_untracked(|set| {
                let mut picked: Vec<(usize, Arc<str>)> = set
                    .all()
                    .iter()
                    .filter(|c| k.contains(&c.key))
                    .map(|c| (c.conn, c.key.clone()))
                    .collect();
                picked.sort_by_key(|(conn, _)| *conn);
                picked.into_iter().map(|(_, key)| key).collect()
            })
        })
    }

    /// Flips one card; with `range`, every card from the anchor to this one (in the
    /// grid's order) takes this card's new state, as Shift-click does in file lists.
    pub fn toggle(&self, key: &Arc<str>, range: bool) {
        let on = !self.keys.with_untracked(|k| k.contains(key));
        let anchor = self.anchor.get_value();
        match anchor.filter(|_| range) {
            Some(from) => {
                let span = self.span(&from, key);
                self.keys.update(|k| {
                    for key in span {
                        if on {
                            k.insert(key);
                        } else {
                            k.remove(&key);
                        }
                    }
                });
            }
            None => {
                self.keys.update(|k| {
                    if on {
                        k.insert(key.clone());
                    } else {
                        k.remove(key);
                    }
                });
                self.anchor.set_value(Some(key.clone()));
            }
        }
    }

    /// Shift+arrow: selects from the anchor to `key` (the card focus moved to); the first
    /// such move anchors where it starts.
    pub fn extend(&self, from: &Arc<str>, to: &Arc<str>) {
        if self.anchor.with_value(Option::is_none) {
            self.anchor.set_value(Some(from.clone()));
        }
        let anchor = self.anchor.get_value().unwrap_or_else(|| from.clone());
        let span = self.span(&anchor, to);
        self.keys.update(|k| k.extend(span));
    }

    /// Selects every card that passes the current search and filters.
    pub fn select_visible(&self) {
        let all = self.visible_keys_with(|v| v.to_vec());
        self.keys.update(|k| k.extend(all));
    }

    /// Selects exactly these cards (a retry's targets, for example).
    pub fn set(&self, keys: impl IntoIterator<Item = Arc<str>>) {
        self.keys.set(keys.into_iter().collect());
    }

    pub fn clear(&self) {
        self.keys.update(FxHashSet::clear);
        self.anchor.set_value(None);
    }

    /// Keys from `a` to `b` inclusive in the grid's order (either way round); just `b`
    /// when either is not shown.
    fn span(&self, a: &Arc<str>, b: &Arc<str>) -> Vec<Arc<str>> {
        self.visible_keys_with(|v| {
            let at = |key: &Arc<str>| v.iter().position(|k| k == key);
            match (at(a), at(b)) {
                (Some(i), Some(j)) => v
                    .get(i.min(j)..=i.max(j))
                    .map(<[Arc<str>]>::to_vec)
                    .unwrap_or_default(),
                _ => vec![b.clone()],
            }
        })
    }

    /// Runs `f` on the keys of the cards in the grid's order (tracked).
    fn visible_keys_with<R>(&self, f: impl FnOnce(&[Arc<str>]) -> R) -> R {
        let keys: Vec<Arc<str>> = self.visible.with(|v| {
            self.store.cards.with(|set| {
                v.iter()
                    .filter_map(|&i| set.at(i).map(|c| c.key.clone()))
                    .collect()
            })
        });
        f(&keys)
    }
}
