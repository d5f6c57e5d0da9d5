//! Drafts of edits, and the validated change that will be sent.

use super::field::{Field, FieldKind};
use super::provider::{value_text, Provider};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What the preview shows in place of a secret value.
pub const MASK: &str = "••••";

/// The user's edits to one provider, by field name, exactly as typed.
///
/// Numbers and JSON stay as the raw text the user typed so that nothing is lost to a
/// parse error; `null` means "inherit the default" on nullable fields; a key/value
/// field holds an object of key to new value, `null` removing the key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub edits: BTreeMap<String, Value>,
}

impl Draft {
    /// Sets one field's edit.
    pub fn set(&mut self, name: &str, v: Value) {
        self.edits.insert(name.to_owned(), v);
    }

    /// Drops one field's edit (back to the loaded value).
    pub fn clear(&mut self, name: &str) {
        self.edits.remove(name);
    }

    /// The edit of a field, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.edits.get(name)
    }

    /// True when nothing was edited.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The draft without secret values, safe to keep in web storage.
    pub fn without_secrets(&self, fields: &[Field]) -> Draft {
        let edits = self
            .edits
            .iter()
            .filter(|(name, _)| {
                fields
                    .iter()
                    .any(|f| f.name == name.as_str() && !f.is_secret())
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Draft { edits }
    }
}

/// One line of the "what will be sent" preview.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffRow {
    pub field: &'static str,
    pub label: &'static str,
    /// The value now on the server, as display text (secrets masked).
    pub before: String,
    /// The value that will be sent, as display text (secrets masked).
    pub after: String,
    /// False for fields sent only because the API requires them every time.
    pub changed: bool,
}

/// A validated set of values to send. Only [`super::validate::validate`] makes one, so a
/// request can never be built from a draft that failed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub(super) body: Map<String, Value>,
    pub(super) changed: Vec<&'static str>,
    pub(super) rows: Vec<DiffRow>,
    pub(super) secret: Vec<&'static str>,
}

impl Change {
    /// The JSON object to send, with real values.
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    /// Names of the fields whose value changes.
    pub fn changed(&self) -> &[&'static str] {
        &self.changed
    }

    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }

    /// Preview rows, one per field sent.
    pub fn rows(&self) -> &[DiffRow] {
        &self.rows
    }

    /// The body with every secret replaced by [`MASK`], for display.
    pub fn masked_body(&self) -> Map<String, Value> {
        self.body
            .iter()
            .map(|(k, v)| {
                let shown = if self.secret.contains(&k.as_str()) {
                    mask_value(v)
                } else {
                    v.clone()
                };
                (k.clone(), shown)
            })
            .collect()
    }
}

/// One update ready to go: the validated change and the exact request that sends it.
/// Built once by [`crate::dialect::Gateway::plan_update`]: the preview shows this value
/// and a save sends the same one.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedUpdate {
    pub change: Change,
    pub request: super::HttpRequest,
}

/// Replaces every leaf of a value with [`MASK`], keeping object keys and nulls.
pub fn mask_value(v: &Value) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), mask_value(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        _ => Value::String(MASK.into()),
    }
}

/// How a field's current value is shown in the preview's "before" column.
pub(super) fn before_text(field: &Field, provider: &Provider) -> String {
    if field.is_secret() {
        return match provider.secrets.get(field.name) {
            Some(super::SecretState::Set) => "set".into(),
            Some(super::SecretState::NotSet) => "not set".into(),
            _ => "write-only".into(),
        };
    }
    let v = provider.value(field.name);
    if v.is_null() && field.nullable {
        return field.null_short.into();
    }
    value_text(v)
}

/// How a value about to be sent is shown in the preview's "after" column.
pub(super) fn after_text(field: &Field, v: &Value) -> String {
    match (&field.kind, v) {
        (_, Value::Null) if field.nullable => field.null_short.into(),
        (FieldKind::KeyValue | FieldKind::Json, _) if field.is_secret() => {
            mask_value(v).to_string()
        }
        _ if field.is_secret() => MASK.into(),
        _ => value_text(v),
    }
}
