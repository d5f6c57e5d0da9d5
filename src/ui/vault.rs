//! The credential vault in the browser: a key derived from the passphrase with WebCrypto
//! (PBKDF2-SHA-256, the record's salt and rounds), AES-GCM sealing of each credential, and
//! the record kept in its own IndexedDB database. The key never leaves WebCrypto (it is
//! not extractable) and lives only in this tab's memory; the record holds nothing in
//! clear. What the record is, and every check on it, is [`crate::vault`]'s.
//!
//! WebCrypto is reached by name (`Reflect`): web-sys' typed bindings for it are a dozen
//! features for four calls.

use crate::model::{Auth, CredentialSource};
use crate::ui::store::Store;
use crate::vault::{credential_from, credential_text, Record, Sealed, CHECK, ITERATIONS, SALT_LEN};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DB: &str = "switchboard-vault";
const STORE: &str = "vault";
const KEY: &str = "vault";

/// An unlocked vault's key (a non-extractable WebCrypto `CryptoKey`).
#[derive(Clone)]
pub struct Key(JsValue);

fn crypto() -> Result<JsValue, String> {
    Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .ok_or_else(|| "This browser offers no WebCrypto here.".to_owned())
}

fn subtle() -> Result<JsValue, String> {
    Reflect::get(&crypto()?, &"subtle".into())
        .ok()
        .filter(|s| !s.is_undefined())
        .ok_or_else(|| {
            "This browser offers no WebCrypto here: the vault needs https (or localhost)."
                .to_owned()
        })
}

/// Calls `target.method(...args)`, which answers a promise, and waits for it.
async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: Function = Reflect::get(target, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("WebCrypto has no {method} here."))?;
    let list: Array = args.iter().collect();
    let promise: Promise = f
        .apply(target, &list)
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| format!("WebCrypto refused {method}."))?;
    JsFuture::from(promise)
        .await
        .map_err(|_| format!("WebCrypto's {method} failed."))
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// `n` bytes from the browser's cryptographic random source.
pub fn random(n: u32) -> Result<Vec<u8>, String> {
    let crypto = crypto()?;
    let out = Uint8Array::new_with_length(n);
    let f: Function = Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("This browser has no cryptographic random source here.")?;
    f.call1(&crypto, &out)
        .map_err(|_| "The browser refused random bytes.")?;
    Ok(out.to_vec())
}

/// The key a passphrase gives with this salt and these rounds.
pub async fn derive(passphrase: &str, salt: &[u8], iterations: u32) -> Result<Key, String> {
    let subtle = subtle()?;
    let usages = |u: &[&str]| JsValue::from(u.iter().map(|s| JsValue::from(*s)).collect::<Array>());
    let material = call(
        &subtle,
        "importKey",
        &[
            "raw".into(),
            bytes(passphrase.as_bytes()),
            "PBKDF2".into(),
            false.into(),
            usages(&["deriveKey"]),
        ],
    )
    .await?;
    let algorithm = object(&[
        ("name", "PBKDF2".into()),
        ("salt", bytes(salt)),
        ("iterations", iterations.into()),
        ("hash", "SHA-256".into()),
    ]);
    let kind = object(&[("name", "AES-GCM".into()), ("length", 256.into())]);
    let key = call(
        &subtle,
        "deriveKey",
        &[
            algorithm,
            material,
            kind,
            false.into(),
            usages(&["encrypt", "decrypt"]),
        ],
    )
    .await?;
    Ok(Key(key))
}

/// `text` sealed with `key` under a fresh nonce.
pub async fn seal(key: &Key, text: &str) -> Result<Sealed, String> {
    let iv = random(crate::vault::IV_LEN as u32)?;
    let algorithm = object(&[("name", "AES-GCM".into()), ("iv", bytes(&iv))]);
    let out = call(
        &subtle()?,
        "encrypt",
        &[algorithm, key.0.clone(), bytes(text.as_bytes())],
    )
    .await?;
    Ok(Sealed::new(&iv, &Uint8Array::new(&out).to_vec()))
}

/// The text sealed in `sealed`; an error when `key` is not the one that sealed it (AES-GCM
/// checks its tag) or the value was altered.
pub async fn open(key: &Key, sealed: &Sealed) -> Result<String, String> {
    let (iv, data) = sealed.bytes().ok_or("A sealed value is damaged.")?;
    let algorithm = object(&[("name", "AES-GCM".into()), ("iv", bytes(&iv))]);
    let out = call(
        &subtle()?,
        "decrypt",
        &[algorithm, key.0.clone(), bytes(&data)],
    )
    .await
    .map_err(|_| "This value does not open with this key.".to_owned())?;
    String::from_utf8(Uint8Array::new(&out).to_vec())
        .map_err(|_| "A sealed value is not text.".to_owned())
}

/// A new, empty vault for the page at `origin`, and its key.
pub async fn create(passphrase: &str, origin: &str) -> Result<(Record, Key), String> {
    let salt = random(SALT_LEN as u32)?;
    let key = derive(passphrase, &salt, ITERATIONS).await?;
    let check = seal(&key, CHECK).await?;
    Ok((Record::new(origin, &salt, check), key))
}

/// The key of `record` for this passphrase; a wrong passphrase is refused, and nothing is
/// changed by trying.
pub async fn unlock(record: &Record, passphrase: &str) -> Result<Key, String> {
    let salt = record.salt_bytes().ok_or("The vault's salt is damaged.")?;
    let key = derive(passphrase, &salt, record.iterations).await?;
    match open(&key, &record.check).await {
        Ok(text) if text == CHECK => Ok(key),
        _ => Err("Wrong passphrase: the vault stays locked, and nothing in it was changed.".into()),
    }
}

/// Seals `auth` into `record` as connection `id`'s credential.
pub async fn keep(record: &mut Record, key: &Key, id: &str, auth: &Auth) -> Result<(), String> {
    let sealed = seal(key, &credential_text(auth)).await?;
    record.entries.insert(id.to_owned(), sealed);
    Ok(())
}

/// Every credential in `record`, opened; one that does not open says so by its id.
pub async fn credentials(record: &Record, key: &Key) -> Vec<(String, Result<Auth, String>)> {
    let mut out = Vec::with_capacity(record.entries.len());
    for (id, sealed) in &record.entries {
        let auth = match open(key, sealed).await {
            Ok(text) => credential_from(&text),
            Err(e) => Err(e),
        };
        out.push((id.clone(), auth));
    }
    out
}

/// The stored record's text, if this browser keeps one.
pub async fn load() -> Result<Option<String>, String> {
    let db = super::idb::open(DB, STORE, false).await?;
    let tx = db
        .transaction_with_str(STORE)
        .map_err(|_| "The vault cannot be read.")?;
    let store = tx
        .object_store(STORE)
        .map_err(|_| "The vault cannot be read.")?;
    let req = store
        .get(&KEY.into())
        .map_err(|_| "The vault cannot be read.")?;
    let value = super::idb::done(&req).await?;
    db.close();
    Ok(value.as_string())
}

/// Keeps `record`, replacing the stored one.
pub async fn save(record: &Record) -> Result<(), String> {
    let text: JsValue = record.to_json().into();
    write("written", |store| store.put_with_key(&text, &KEY.into())).await
}

/// Erases the stored record (and only it).
pub async fn erase() -> Result<(), String> {
    write("erased", |store| store.delete(&KEY.into())).await
}

/// One change to the vault's store, committed before this returns.
async fn write(
    what: &str,
    change: impl FnOnce(&web_sys::IdbObjectStore) -> Result<web_sys::IdbRequest, JsValue>,
) -> Result<(), String> {
    let refused = || format!("The vault cannot be {what}.");
    let db = super::idb::open(DB, STORE, false).await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, web_sys::IdbTransactionMode::Readwrite)
        .map_err(|_| refused())?;
    let store = tx.object_store(STORE).map_err(|_| refused())?;
    change(&store).map_err(|_| refused())?;
    let done = super::idb::done_tx(&tx).await;
    db.close();
    done
}

/// Where the vault stands in this tab.
#[derive(Clone, Debug, PartialEq)]
pub enum VaultState {
    /// Not looked at yet.
    Unknown,
    /// No vault in this browser.
    Absent,
    Locked,
    Unlocked,
    /// A record is there but cannot be used: the sentence says why.
    Unreadable(String),
}

/// The vault as the panel holds it: its state, and while unlocked, the key and the record.
#[derive(Clone, Copy)]
pub struct Vault {
    pub state: RwSignal<VaultState>,
    /// While unlocked: the key and the record, in this tab's memory only. (`LocalStorage`
    /// is Leptos' arena for values that cannot cross threads, not the browser's storage.)
    opened: StoredValue<Option<(Key, Record)>, LocalStorage>,
    last_activity: StoredValue<f64>,
    /// Milliseconds without activity before an unlocked vault locks.
    pub lock_after_ms: StoredValue<f64>,
}

impl Default for Vault {
    fn default() -> Self {
        Vault {
            state: RwSignal::new(VaultState::Unknown),
            opened: StoredValue::new_local(None),
            last_activity: StoredValue::new(0.0),
            lock_after_ms: StoredValue::new(900_000.0),
        }
    }
}

fn page_origin() -> String {
    super::dom::page_origin().unwrap_or_default()
}

impl Vault {
    /// Looks for a vault in this browser (at start).
    pub fn probe(self) {
        leptos::task::spawn_local(async move {
            let state = match load().await {
                Ok(None) => VaultState::Absent,
                Ok(Some(text)) => match Record::read(&text, &page_origin()) {
                    Ok(_) => VaultState::Locked,
                    Err(why) => VaultState::Unreadable(why),
                },
                Err(why) => VaultState::Unreadable(why),
            };
            let _ = self.state.try_set(state);
        });
    }

    /// Makes a new, empty vault and leaves it unlocked.
    pub async fn create(self, store: Store, passphrase: &str) -> Result<(), String> {
        if passphrase.chars().count() < 10 {
            return Err("Use a passphrase of at least 10 characters.".into());
        }
        let (record, key) = create(passphrase, &page_origin()).await?;
        save(&record).await?;
        self.opened.set_value(Some((key, record)));
        self.unlocked(store);
        Ok(())
    }

    /// Opens the vault with the passphrase and puts its credentials to use.
    pub async fn unlock(self, store: Store, passphrase: &str) -> Result<(), String> {
        let text = load().await?.ok_or("There is no vault in this browser.")?;
        let record = Record::read(&text, &page_origin())?;
        let key = unlock(&record, passphrase).await?;
        let opened = credentials(&record, &key).await;
        self.opened.set_value(Some((key, record)));
        let mut failed = Vec::new();
        for (id, auth) in opened {
            let idx = store
                .connections
                .with_untracked(|cs| cs.iter().position(|c| c.id == id));
            match (idx, auth) {
                (Some(idx), Ok(auth)) => store.set_credential(idx, auth, CredentialSource::Vault),
                (Some(_), Err(_)) => failed.push(id),
                (None, _) => {}
            }
        }
        self.unlocked(store);
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Unlocked, but these credentials did not open: {}.",
                failed.join(", ")
            ))
        }
    }

    fn unlocked(self, store: Store) {
        self.last_activity.set_value(js_sys::Date::now());
        self.state.set(VaultState::Unlocked);
        self.watch_idle(store);
    }

    /// Seals connection `idx`'s credential into the vault.
    pub async fn keep(self, store: Store, idx: usize) -> Result<(), String> {
        let conn = store.connection(idx).ok_or("That connection is gone.")?;
        if !conn.auth.is_set() {
            return Err("There is no credential to keep: enter it first.".into());
        }
        let (key, mut record) = self.opened.get_value().ok_or("Unlock the vault first.")?;
        keep(&mut record, &key, &conn.id, &conn.auth).await?;
        save(&record).await?;
        self.opened.set_value(Some((key, record)));
        store.sources.update(|s| {
            s.insert(conn.id, CredentialSource::Vault);
        });
        Ok(())
    }

    /// Takes connection `id`'s credential out of the vault (an unlocked one).
    pub async fn drop_entry(self, id: &str) -> Result<(), String> {
        let Some((key, mut record)) = self.opened.get_value() else {
            return Ok(());
        };
        if record.entries.remove(id).is_some() {
            save(&record).await?;
        }
        self.opened.set_value(Some((key, record)));
        Ok(())
    }

    /// Locks: the key and every credential that came from the vault leave this tab.
    pub fn lock(self, store: Store) {
        self.opened.set_value(None);
        self.forget_vault_credentials(store);
        self.state.set(VaultState::Locked);
    }

    /// Erases the vault (after the admin confirmed) and what came from it.
    pub async fn reset(self, store: Store) -> Result<(), String> {
        erase().await?;
        self.opened.set_value(None);
        self.forget_vault_credentials(store);
        store.sources.update(|s| {
            for source in s.values_mut() {
                if *source == CredentialSource::Vault {
                    *source = CredentialSource::Missing;
                }
            }
        });
        self.state.set(VaultState::Absent);
        Ok(())
    }

    fn forget_vault_credentials(self, store: Store) {
        let ids: Vec<String> = store.sources.with_untracked(|s| {
            s.iter()
                .filter(|(_, v)| **v == CredentialSource::Vault)
                .map(|(k, _)| k.clone())
                .collect()
        });
        store.connections.update(|cs| {
            for c in cs.iter_mut().filter(|c| ids.contains(&c.id)) {
                c.auth = c.auth.forgotten();
            }
        });
    }

    /// Locks after the configured time without a key press or a click; the watch ends
    /// when the vault is locked, whatever locked it.
    fn watch_idle(self, store: Store) {
        let seen = move || self.last_activity.set_value(js_sys::Date::now());
        let keys = window_event_listener(leptos::ev::keydown, move |_| seen());
        let clicks = window_event_listener(leptos::ev::pointerdown, move |_| seen());
        type Watch = (
            leptos::leptos_dom::helpers::IntervalHandle,
            WindowListenerHandle,
            WindowListenerHandle,
        );
        let watch = StoredValue::new_local(None::<Watch>);
        let tick = move || {
            if self.state.get_untracked() != VaultState::Unlocked {
                if let Some(Some((interval, keys, clicks))) = watch.try_update_value(Option::take) {
                    interval.clear();
                    keys.remove();
                    clicks.remove();
                }
                return;
            }
            if js_sys::Date::now() - self.last_activity.get_value()
                >= self.lock_after_ms.get_value()
            {
                self.lock(store);
            }
        };
        if let Ok(interval) = set_interval_with_handle(tick, std::time::Duration::from_millis(500))
        {
            watch.set_value(Some((interval, keys, clicks)));
        }
    }
}
