//! Where the change journal is kept, as `ui.journal` says: `local` (IndexedDB, shared by
//! every tab of this origin and kept across reloads), `memory` (this tab, until reload) or
//! `off`. Entries never hold a secret (see [`crate::journal`]); they are stored as JSON
//! text under an auto-incremented key, which is the entry's number.
//!
//! Writes are batched: entries recorded in one go (the outcomes a run's redraw brings)
//! share one transaction, started as soon as the current task is done, so a tab closed
//! right after a save loses nothing; the oldest are dropped beyond the cap in the same
//! breath. IndexedDB serialises transactions, so two tabs writing at once lose nothing.

use crate::journal::{keep_newest, Entry, DEFAULT_CAP};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbTransactionMode};

const DB: &str = "switchboard";
const STORE: &str = "journal";

/// How the journal is kept (`ui.journal`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keeping {
    #[default]
    Local,
    Memory,
    Off,
}

/// The journal of this panel. `Copy`: arena handles.
#[derive(Clone, Copy)]
pub struct Journal {
    pub keeping: Keeping,
    cap: usize,
    /// `memory`: the entries; `local`: nothing (IndexedDB holds them).
    memory: StoredValue<Vec<Entry>>,
    next_id: StoredValue<u64>,
    /// Entries waiting for the next write.
    pending: StoredValue<Vec<Entry>>,
    flush_due: StoredValue<bool>,
    db: StoredValue<Option<IdbDatabase>, LocalStorage>,
    /// How many entries the store holds, as of this tab's last write; `None` when another
    /// tab wrote since (then the next write counts again). Counting is a walk of the whole
    /// store in Chromium: once per write of a 6,000-target run would make the run crawl.
    stored: StoredValue<Option<usize>>,
    /// Bumped whenever entries were added here or in another tab: the History view reads again.
    pub changed: RwSignal<u64>,
    /// Set when keeping entries failed (IndexedDB refused): the History view says so.
    pub trouble: RwSignal<Option<String>>,
}

impl Journal {
    pub fn new(keeping: Keeping) -> Self {
        Journal {
            keeping,
            cap: DEFAULT_CAP,
            memory: StoredValue::new(Vec::new()),
            next_id: StoredValue::new(1),
            pending: StoredValue::new(Vec::new()),
            flush_due: StoredValue::new(false),
            db: StoredValue::new_local(None),
            stored: StoredValue::new(None),
            changed: RwSignal::new(0),
            trouble: RwSignal::new(None),
        }
    }

    /// Keeps an entry (soon, in a batch, for `local`).
    pub fn record(&self, mut entry: Entry) {
        match self.keeping {
            Keeping::Off => {}
            Keeping::Memory => {
                let id = self.next_id.try_update_value(|n| {
                    *n += 1;
                    *n - 1
                });
                entry.id = id.unwrap_or_default();
                self.memory.update_value(|m| {
                    m.push(entry);
                    keep_newest(m, self.cap);
                });
                self.changed.update(|n| *n += 1);
            }
            Keeping::Local => {
                self.pending.update_value(|p| p.push(entry));
                if self
                    .flush_due
                    .try_update_value(|d| std::mem::replace(d, true))
                    == Some(false)
                {
                    let journal = *self;
                    set_timeout(
                        move || leptos::task::spawn_local(async move { journal.flush().await }),
                        std::time::Duration::ZERO,
                    );
                }
            }
        }
    }

    /// Another tab added entries: whoever shows them reads again.
    pub fn heard(&self) {
        self.stored.try_set_value(None);
        let _ = self.changed.try_update(|n| *n += 1);
    }

    /// Writes what is pending, batch after batch, until nothing is: one write at a time,
    /// so each knows what the one before it left.
    async fn flush(self) {
        loop {
            let batch = self
                .pending
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            if batch.is_empty() {
                self.flush_due.try_set_value(false);
                return;
            }
            match self.write(&batch).await {
                Ok(()) => {
                    let _ = self.changed.try_update(|n| *n += 1);
                    super::tabs::announce_journal();
                }
                Err(e) => {
                    self.stored.try_set_value(None);
                    let _ = self.trouble.try_set(Some(e));
                }
            }
        }
    }

    async fn database(&self) -> Result<IdbDatabase, String> {
        if let Some(db) = self.db.try_get_value().flatten() {
            return Ok(db);
        }
        let db = super::idb::open(DB, STORE, true).await?;
        // The connection closes itself when another page deletes or upgrades the
        // database (idb::open); the next write then opens a new one.
        let cache = self.db;
        let forget = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            if let Some(Some(db)) = cache.try_get_value() {
                db.close();
            }
            cache.try_set_value(None);
        });
        db.set_onversionchange(Some(forget.as_ref().unchecked_ref()));
        forget.forget();
        self.db.try_set_value(Some(db.clone()));
        Ok(db)
    }

    async fn write(&self, batch: &[Entry]) -> Result<(), String> {
        let db = self.database().await?;
        let tx = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            .map_err(|_| "The journal could not be written.")?;
        let store = tx
            .object_store(STORE)
            .map_err(|_| "The journal store is missing.")?;
        for entry in batch {
            let text = serde_json::to_string(entry).map_err(|e| e.to_string())?;
            store
                .add(&JsValue::from_str(&text))
                .map_err(|_| "The journal refused an entry.")?;
        }
        // Beyond the cap, the oldest go: everything up to the key of the last one too many.
        let count = match self.stored.try_get_value().flatten() {
            Some(n) => n + batch.len(),
            None => super::idb::done(
                &store
                    .count()
                    .map_err(|_| "The journal could not be counted.")?,
            )
            .await?
            .as_f64()
            .unwrap_or(0.0) as usize,
        };
        if count > self.cap {
            let extra = u32::try_from(count - self.cap).unwrap_or(u32::MAX);
            let keys = super::idb::done(
                &store
                    .get_all_keys_with_key_and_limit(&JsValue::NULL, extra)
                    .map_err(|_| "The journal's keys could not be read.")?,
            )
            .await?;
            let last = js_sys::Array::from(&keys).pop();
            if let Ok(range) = web_sys::IdbKeyRange::upper_bound(&last) {
                let _ = store.delete(&range);
            }
        }
        self.stored.try_set_value(Some(count.min(self.cap)));
        super::idb::done_tx(&tx).await
    }

    /// Every entry, newest first.
    pub async fn entries(&self) -> Result<Vec<Entry>, String> {
        let mut all = match self.keeping {
            Keeping::Off => Vec::new(),
            Keeping::Memory => self.memory.try_get_value().unwrap_or_default(),
            Keeping::Local => self.read_all().await?,
        };
        all.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(all)
    }

    async fn read_all(&self) -> Result<Vec<Entry>, String> {
        let db = self.database().await?;
        let tx = db
            .transaction_with_str(STORE)
            .map_err(|_| "The journal could not be read.")?;
        let store = tx
            .object_store(STORE)
            .map_err(|_| "The journal store is missing.")?;
        let values = super::idb::done(
            &store
                .get_all()
                .map_err(|_| "The journal could not be read.")?,
        )
        .await?;
        let keys = super::idb::done(
            &store
                .get_all_keys()
                .map_err(|_| "The journal could not be read.")?,
        )
        .await?;
        let (values, keys) = (js_sys::Array::from(&values), js_sys::Array::from(&keys));
        Ok(values
            .iter()
            .zip(keys.iter())
            .filter_map(|(v, k)| {
                let mut e: Entry = serde_json::from_str(&v.as_string()?).ok()?;
                e.id = k.as_f64()? as u64;
                Some(e)
            })
            .collect())
    }
}
