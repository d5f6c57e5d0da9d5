//! The credential vault's stored form, pure: the record kept in the browser (salt, the
//! derivation's cost, a sealed check value, and each connection's credential sealed), read
//! back with every check a damaged or foreign record needs, and a credential as the text
//! that is sealed. Sealing itself is the browser's WebCrypto (AES-GCM with a key derived
//! from the passphrase by PBKDF2-SHA-256); no credential is ever in the record in clear.

use crate::model::request::{base64_decode, base64_encode};
use crate::model::Auth;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The record's format.
pub const VERSION: u32 = 1;
/// PBKDF2-SHA-256 rounds for a new vault (OWASP's 2023 figure for this hash).
pub const ITERATIONS: u32 = 600_000;
/// Fewer rounds than this in a stored record is a damaged (or tampered) one.
const MIN_ITERATIONS: u32 = 100_000;
const MAX_ITERATIONS: u32 = 10_000_000;
pub const SALT_LEN: usize = 16;
/// AES-GCM's 96-bit nonce, new for every sealing.
pub const IV_LEN: usize = 12;
/// What the check value holds: opening it proves the passphrase before anything else is
/// touched (a wrong one opens nothing and changes nothing).
pub const CHECK: &str = "switchboard-vault-check-v1";

/// One sealed text: its nonce and the AES-GCM output (ciphertext and tag), in Base64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sealed {
    pub iv: String,
    pub data: String,
}

impl Sealed {
    /// From raw nonce and ciphertext.
    pub fn new(iv: &[u8], data: &[u8]) -> Self {
        Sealed {
            iv: base64_encode(iv),
            data: base64_encode(data),
        }
    }

    /// The raw nonce and ciphertext; `None` when either is not what sealing makes.
    pub fn bytes(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let iv = base64_decode(&self.iv).filter(|iv| iv.len() == IV_LEN)?;
        // At least the 16-byte tag.
        let data = base64_decode(&self.data).filter(|d| d.len() >= 16)?;
        Some((iv, data))
    }
}

/// The vault as kept in the browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    /// The page origin that made it: a record copied to another origin is refused.
    pub origin: String,
    pub salt: String,
    pub iterations: u32,
    pub check: Sealed,
    /// Connection id → its credential, sealed.
    #[serde(default)]
    pub entries: BTreeMap<String, Sealed>,
}

impl Record {
    /// A new, empty vault's record.
    pub fn new(origin: &str, salt: &[u8], check: Sealed) -> Self {
        Record {
            version: VERSION,
            origin: origin.to_owned(),
            salt: base64_encode(salt),
            iterations: ITERATIONS,
            check,
            entries: BTreeMap::new(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored record, for the page at `origin`, or what is wrong with it in a sentence.
    pub fn read(text: &str, origin: &str) -> Result<Record, String> {
        let damaged = |why: String| {
            format!("The vault kept in this browser cannot be read ({why}). Reset it to start a new one.")
        };
        let record: Record =
            serde_json::from_str(text).map_err(|e| damaged(format!("not a vault record: {e}")))?;
        if record.version != VERSION {
            return Err(damaged(format!(
                "it has format {}, this panel reads {VERSION}",
                record.version
            )));
        }
        if record.origin != origin {
            return Err(format!(
                "The vault kept here was made by {}, not by this page's origin ({origin}); it is not used.",
                record.origin
            ));
        }
        if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&record.iterations) {
            return Err(damaged(format!("{} derivation rounds", record.iterations)));
        }
        if record.salt_bytes().is_none() {
            return Err(damaged("its salt is not 16 bytes of Base64".into()));
        }
        if let Some(bad) = std::iter::once(("the check value", &record.check))
            .chain(record.entries.iter().map(|(id, s)| (id.as_str(), s)))
            .find(|(_, s)| s.bytes().is_none())
        {
            return Err(damaged(format!("{} is not a sealed value", bad.0)));
        }
        Ok(record)
    }

    /// The salt's bytes, when it is one.
    pub fn salt_bytes(&self) -> Option<Vec<u8>> {
        base64_decode(&self.salt).filter(|s| s.len() == SALT_LEN)
    }
}

/// A credential as the text that is sealed: the configuration's `auth` object.
pub fn credential_text(auth: &Auth) -> String {
    let v = match auth {
        Auth::None => json!({"scheme": "none"}),
        Auth::Bearer(token) => json!({"scheme": "bearer", "token": token}),
        Auth::Basic { key, secret } => json!({"scheme": "basic", "key": key, "secret": secret}),
        Auth::Token { key, secret } => json!({"scheme": "token", "key": key, "secret": secret}),
        Auth::Header { name, value } => json!({"scheme": "header", "name": name, "value": value}),
    };
    v.to_string()
}

/// A credential from opened text, read as the configuration's `auth` object is.
pub fn credential_from(text: &str) -> Result<Auth, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => crate::config::read_auth(Some(m)),
        _ => Err("a sealed credential is not a credential".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://admin.example.com";

    fn sealed(n: u8) -> Sealed {
        Sealed::new(&[n; IV_LEN], &[n; 40])
    }

    fn record() -> Record {
        let mut r = Record::new(ORIGIN, &[7; SALT_LEN], sealed(1));
        r.entries.insert("respan".into(), sealed(2));
        r
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let r = record();
        assert_eq!(Record::read(&r.to_json(), ORIGIN), Ok(r.clone()));
        assert_eq!(r.salt_bytes(), Some(vec![7; SALT_LEN]));
        assert_eq!(r.iterations, ITERATIONS);
        assert_eq!(
            r.entries["respan"].bytes(),
            Some((vec![2; IV_LEN], vec![2; 40]))
        );
    }

    #[test]
    fn damaged_and_foreign_records_are_sentences_never_panics() {
        let good: Value = serde_json::from_str(&record().to_json()).unwrap();
        let with = |path: &[&str], v: Value| {
            let mut doc = good.clone();
            let mut at = &mut doc;
            for p in &path[..path.len() - 1] {
                at = &mut at[*p];
            }
            at[path[path.len() - 1]] = v;
            Record::read(&doc.to_string(), ORIGIN).unwrap_err()
        };
        assert!(with(&["version"], json!(2)).contains("format 2"));
        assert!(with(&["origin"], json!("https://evil.example"))
            .contains("made by https://evil.example"));
        assert!(with(&["iterations"], json!(1000)).contains("1000 derivation rounds"));
        assert!(with(&["salt"], json!("AAAA")).contains("salt"));
        assert!(with(&["check", "iv"], json!("AAAA")).contains("the check value"));
        assert!(with(&["entries", "respan", "data"], json!("%%%"))
            .contains("respan is not a sealed value"));
        for junk in ["", "null", "[]", "{\"version\":1}", "\u{0}\u{ff}"] {
            assert!(
                Record::read(junk, ORIGIN)
                    .unwrap_err()
                    .contains("cannot be read"),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn credentials_round_trip_through_their_text() {
        for auth in [
            Auth::Bearer("sk-canary".into()),
            Auth::Basic {
                key: "k".into(),
                secret: "s".into(),
            },
            Auth::Token {
                key: "k".into(),
                secret: "s".into(),
            },
            Auth::Header {
                name: "X-Api-Key".into(),
                value: "v".into(),
            },
            Auth::None,
        ] {
            assert_eq!(credential_from(&credential_text(&auth)), Ok(auth.clone()));
        }
        assert!(credential_from("{\"scheme\":\"jwt\"}").is_err());
        assert!(credential_from("not json").is_err());
    }
}
