//! The state file's JSON Schema, made from the dialects' own field descriptions, and the
//! type check import makes with the same rules (one `match` over [`FieldKind`] each, side
//! by side, so the two cannot drift apart unnoticed).

use super::{secret_word, FORMAT, SECRET, VERSION};
use crate::dialect::{Gateway, GATEWAYS};
use crate::model::{Access, Field, FieldKind, Provider, SecretState};
use serde_json::{json, Map, Value};

const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const URL_PATTERN: &str = "^https?://[^/?#:\\s][^\\s]*$";

/// The schema of a state file for these gateways (the panel's: [`GATEWAYS`]).
pub fn schema() -> Value {
    schema_for(&GATEWAYS)
}

/// The schema of a state file whose connections speak one of `gateways`.
pub fn schema_for(gateways: &[Gateway]) -> Value {
    let words = [SecretState::Set, SecretState::NotSet, SecretState::Unknown].map(secret_word);
    let mut defs = Map::new();
    defs.insert(
        "secret".into(),
        json!({
            "description": "A secret is never exported or imported: only whether it is set. Import accepts the marker as exported; keys change through key rotation.",
            "type": "object",
            "required": [SECRET],
            "additionalProperties": false,
            "properties": { SECRET: { "enum": words } }
        }),
    );
    let mut kinds = Vec::new();
    for gateway in gateways {
        let slug = gateway.slug();
        let name = format!("connection-{slug}");
        kinds.push(json!({ "$ref": format!("#/$defs/{name}") }));
        defs.insert(name, connection(*gateway));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "switchboard-state.schema.json",
        "title": "Switchboard state file",
        "description": "The writable, non-secret fields of LLM providers on several gateways, per connection and provider. Members named read_only are facts for the reader, ignored by import.",
        "type": "object",
        "required": ["format", "version", "connections"],
        "additionalProperties": false,
        "properties": {
            "$schema": { "type": "string" },
            "format": { "const": FORMAT },
            "version": { "const": VERSION },
            "connections": {
                "description": "By connection id, as in switchboard.json.",
                "type": "object",
                "additionalProperties": { "oneOf": kinds }
            }
        },
        "$defs": defs
    })
}

fn connection(gateway: Gateway) -> Value {
    let mut properties = Map::new();
    let mut writable = Vec::new();
    for field in gateway.fields(&blank()) {
        if field.access != Access::ReadOnly {
            writable.push(field.name);
            properties.insert(field.name.into(), field_schema(&field));
        }
    }
    json!({
        "title": format!("A {} connection", gateway.label()),
        "type": "object",
        "required": ["gateway", "providers"],
        "additionalProperties": false,
        "properties": {
            "gateway": { "const": gateway.slug() },
            "read_only": { "type": "object" },
            "providers": {
                "description": "By provider id, as the gateway names it.",
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["fields"],
                    "additionalProperties": false,
                    "properties": {
                        "fields": {
                            "type": "object",
                            "additionalProperties": false,
                            "properties": properties
                        },
                        "read_only": { "type": "object" }
                    }
                }
            }
        }
    })
}

/// A provider with nothing set: the field list every provider of a dialect starts from.
fn blank() -> Provider {
    Provider {
        id: String::new(),
        name: String::new(),
        kind: String::new(),
        enabled: None,
        values: Map::new(),
        secrets: Default::default(),
        managed: false,
        unread: false,
    }
}

/// One field's schema: its type from its kind, its label and help as title and
/// description, `null` allowed where it means something.
fn field_schema(field: &Field) -> Value {
    let mut s = Map::new();
    s.insert("title".into(), field.label.into());
    if !field.help.is_empty() {
        s.insert("description".into(), field.help.into());
    }
    if field.is_secret() {
        s.insert("$ref".into(), "#/$defs/secret".into());
        return Value::Object(s);
    }
    let typed = match &field.kind {
        FieldKind::Bool => json!({ "type": "boolean" }),
        FieldKind::Text if field.required || field.always_sent => {
            json!({ "type": "string", "minLength": 1 })
        }
        FieldKind::Text | FieldKind::Secret => json!({ "type": "string" }),
        FieldKind::Url => json!({ "type": "string", "pattern": URL_PATTERN }),
        FieldKind::Uuid => json!({ "type": "string", "pattern": UUID_PATTERN }),
        FieldKind::Enum {
            depends_on: Some(_),
            ..
        } => json!({ "type": "string" }),
        FieldKind::Enum { options, .. } => json!({ "enum": options }),
        FieldKind::Integer { min, max } => {
            json!({ "type": "integer", "minimum": min, "maximum": max })
        }
        FieldKind::KeyValue | FieldKind::Json => json!({ "type": "object" }),
    };
    if field.nullable {
        s.insert("anyOf".into(), json!([typed, { "type": "null" }]));
    } else if let Value::Object(m) = typed {
        s.extend(m);
    }
    Value::Object(s)
}

/// `Ok` when `v` has the JSON type the schema gives a non-secret `field` (the ranges,
/// options and formats are the edit form's validators' to check, with their messages).
pub fn check_kind(field: &Field, v: &Value) -> Result<(), String> {
    let fits = match (&field.kind, v) {
        (_, Value::Null) => field.nullable,
        (FieldKind::Bool, Value::Bool(_)) => true,
        (FieldKind::Integer { .. }, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (
            FieldKind::Text
            | FieldKind::Secret
            | FieldKind::Url
            | FieldKind::Uuid
            | FieldKind::Enum { .. },
            Value::String(_),
        ) => true,
        (FieldKind::KeyValue | FieldKind::Json, Value::Object(_)) => true,
        _ => false,
    };
    if fits {
        return Ok(());
    }
    let wanted = match &field.kind {
        FieldKind::Bool => "true or false",
        FieldKind::Integer { .. } => "a whole number",
        FieldKind::KeyValue | FieldKind::Json => "a JSON object",
        _ => "a string",
    };
    Err(if field.nullable {
        format!("{} must be {wanted} or null.", field.label)
    } else {
        format!("{} must be {wanted}.", field.label)
    })
}
