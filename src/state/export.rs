//! The live state written as a state file.

use super::{secret_marker, FORMAT, VERSION};
use crate::dialect::Connection;
use crate::model::{Access, Provider, SecretState};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct File<'a> {
    format: &'static str,
    version: u64,
    connections: BTreeMap<&'a str, Conn<'a>>,
}

#[derive(Serialize)]
struct Conn<'a> {
    gateway: &'static str,
    read_only: Map<String, Value>,
    providers: BTreeMap<&'a str, Entry>,
}

#[derive(Serialize)]
struct Entry {
    fields: Map<String, Value>,
    read_only: Map<String, Value>,
}

/// The state of these providers as a file: pretty JSON, connections and providers in
/// id order and fields in name order, so that two exports of the same state are the same
/// bytes (and a review in git shows only what changed).
pub fn export<'a>(targets: impl IntoIterator<Item = (&'a Connection, &'a Provider)>) -> String {
    let mut connections: BTreeMap<&str, Conn> = BTreeMap::new();
    // A provider nobody could read has no state to write down.
    for (conn, provider) in targets.into_iter().filter(|(_, p)| !p.unread) {
        let entry = connections.entry(&conn.id).or_insert_with(|| Conn {
            gateway: conn.gateway.slug(),
            read_only: Map::from_iter([("name".to_owned(), Value::String(conn.name.clone()))]),
            providers: BTreeMap::new(),
        });
        entry
            .providers
            .insert(&provider.id, exported(conn, provider));
    }
    let file = File {
        format: FORMAT,
        version: VERSION,
        connections,
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// One provider: its writable fields (a secret as its marker; a field the gateway left
/// empty and that cannot be null is left out, as import would leave it alone anyway), then
/// what cannot be written.
fn exported(conn: &Connection, provider: &Provider) -> Entry {
    let mut fields = Map::new();
    let mut read_only = Map::new();
    for field in conn.gateway.fields(provider) {
        let value = provider.value(field.name);
        if field.access == Access::ReadOnly {
            if !value.is_null() {
                read_only.insert(field.name.into(), value.clone());
            }
        } else if field.is_secret() {
            let state = provider
                .secrets
                .get(field.name)
                .copied()
                .unwrap_or(SecretState::Unknown);
            fields.insert(field.name.into(), secret_marker(state));
        } else if !value.is_null() || field.nullable {
            fields.insert(field.name.into(), value.clone());
        }
    }
    if provider.managed {
        read_only.insert("managed".into(), Value::Bool(true));
    }
    Entry { fields, read_only }
}
