//! The credential vault in the browser: a key derived from the passphrase with WebCrypto
//! (PBKDF2-SHA-256, the record's salt and rounds), AES-GCM sealing of each credential, and
//! the record kept in its own IndexedDB database. The key never leaves WebCrypto (it is
//! not extractable) and lives only in this tab's memory; the record holds nothing in
//! clear. What the record is, and every check on it, is [`crate::vault`]'s.
//!
//! WebCrypto is reached by name (`Reflect`): web-sys' typed bindings for it are a dozen
//! features for four calls.

use crate::model::Auth;
use crate::vault::{credential_from, credential_text, Record, Sealed, CHECK, ITERATIONS, SALT_LEN};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
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
