//! Configuration as code: the state file, which holds per connection and provider the
//! values of every writable field of that provider's dialect.
//!
//! - [`export`] writes the live state as a file (secrets only as a marker that they are
//!   set or not; read-only facts in a `read_only` section that import ignores);
//! - [`read`] checks a file against the live state, every problem at once with its JSON
//!   pointer and line, and gives the [`Desired`] state: a [`Goal`] the fleet plans and runs
//!   like any bulk action, and the reference that drift is measured against;
//! - [`schema`] is the file's JSON Schema, made from the dialects' own field descriptions.
//!
//! All pure: the panel and the command line read and write the same files the same way.

mod export;
mod import;
mod locate;
mod schema;

pub use export::export;
pub use import::{read, LiveConnection, Position, Problem};
pub use locate::locate;
pub use schema::{check_kind, schema};

use crate::dialect::Connection;
use crate::fleet::plan::planned;
use crate::fleet::{Goal, Step};
use crate::model::{Draft, Provider, SecretState};
use serde_json::Value;
use std::collections::BTreeMap;

/// The value of the file's `format` member.
pub const FORMAT: &str = "switchboard-state";
/// The version of the format this code writes and reads.
pub const VERSION: u64 = 1;
/// The one member of a secret's marker: `{"$secret": "set"}`.
pub const SECRET: &str = "$secret";
/// Why a provider that already holds what the file says is not sent anything.
pub const MATCHES: &str = "Matches the file.";

/// The word a secret's marker holds for its state.
pub fn secret_word(state: SecretState) -> &'static str {
    match state {
        SecretState::Set => "set",
        SecretState::NotSet => "not set",
        SecretState::Unknown => "unknown",
    }
}

/// The marker a secret field is written as.
pub fn secret_marker(state: SecretState) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(SECRET.into(), Value::String(secret_word(state).into()));
    Value::Object(m)
}

/// True when `v` is a secret's marker exactly as export writes one.
pub fn is_secret_marker(v: &Value) -> bool {
    let words = [SecretState::Set, SecretState::NotSet, SecretState::Unknown].map(secret_word);
    v.as_object().is_some_and(|m| {
        m.len() == 1
            && m.get(SECRET)
                .and_then(Value::as_str)
                .is_some_and(|w| words.contains(&w))
    })
}

/// The state a checked file asks for: per provider (by card key, `connection/provider`),
/// the value of each non-secret field it gives, normalised the way the gateway holds it,
/// so that "differs" is plain equality with the live value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Desired {
    /// What the file is called, for titles ("state.json").
    pub name: String,
    /// In key order, so that lists made from it read the same every time.
    wanted: BTreeMap<String, Vec<(String, Value)>>,
    /// The connections the file covers, in the order they are written.
    connections: Vec<String>,
}

impl Desired {
    /// The card key of a provider: `connection id/provider id`.
    pub fn key(conn_id: &str, provider_id: &str) -> String {
        format!("{conn_id}/{provider_id}")
    }

    /// The values the file gives the provider with this key, if the file has it.
    pub fn wanted(&self, key: &str) -> Option<&[(String, Value)]> {
        self.wanted.get(key).map(Vec::as_slice)
    }

    /// True when the file has the provider with this key.
    pub fn has(&self, key: &str) -> bool {
        self.wanted.contains_key(key)
    }

    /// The connections the file covers, in file order.
    pub fn connections(&self) -> &[String] {
        &self.connections
    }

    /// How many providers the file has.
    pub fn len(&self) -> usize {
        self.wanted.len()
    }

    /// True when the file has no provider.
    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// The card keys of every provider in the file, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.wanted.keys().map(String::as_str)
    }

    /// The fields of `provider` whose live value is not what the file says (none when
    /// the file does not have it).
    /// (A provider nobody could read has no known state to differ: it is never marked.)
    pub fn differing<'a>(&'a self, key: &str, provider: &Provider) -> Vec<&'a str> {
        if provider.unread {
            return Vec::new();
        }
        self.wanted(key)
            .unwrap_or_default()
            .iter()
            .filter(|(field, value)| provider.value(field) != value)
            .map(|(field, _)| field.as_str())
            .collect()
    }

    /// True when `provider` has drifted from the file.
    pub fn differs(&self, key: &str, provider: &Provider) -> bool {
        !provider.unread
            && self
                .wanted(key)
                .unwrap_or_default()
                .iter()
                .any(|(field, value)| provider.value(field) != value)
    }

    fn add(&mut self, conn_id: &str, provider_id: &str, values: Vec<(String, Value)>) {
        if !self.connections.iter().any(|c| c == conn_id) {
            self.connections.push(conn_id.to_owned());
        }
        self.wanted.insert(Self::key(conn_id, provider_id), values);
    }
}

impl Goal for Desired {
    fn title(&self) -> String {
        format!("Apply {}", self.name)
    }

    fn step(&self, conn: &Connection, provider: &Provider) -> Step {
        let key = Self::key(&conn.id, &provider.id);
        let Some(values) = self.wanted(&key) else {
            return Step::Skip("Not in the file.".into());
        };
        let mut draft = Draft::default();
        for (field, value) in values {
            if provider.value(field) != value {
                draft.set(field, value.clone());
            }
        }
        planned(conn, provider, &draft, MATCHES)
    }
}
