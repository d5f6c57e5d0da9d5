//! A provider as the panel shows it, whichever gateway it came from.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Whether a write-only secret is known to be set on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretState {
    Set,
    NotSet,
    /// The API never says (Respan's write-only fields).
    Unknown,
}

/// One provider, in the common shape every dialect parses into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    /// The id that goes into the update path (slug, uuid or integer pk as text).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// What it is upstream (openai, bedrock, azure, ...).
    pub kind: String,
    /// Enabled, where the gateway has the notion.
    pub enabled: Option<bool>,
    /// Current values of every non-secret field the gateway returned, by field name.
    pub values: Map<String, Value>,
    /// Which write-only secrets are set, by field name.
    pub secrets: BTreeMap<String, SecretState>,
    /// Managed by the gateway vendor: critical fields are locked (Respan).
    pub managed: bool,
    /// Declared in the configuration of a connection that cannot be read: its current
    /// values are not known, so every value entered is sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unread: bool,
}

impl Provider {
    /// The value of a field, `Null` when absent.
    pub fn value(&self, name: &str) -> &Value {
        self.values.get(name).unwrap_or(&Value::Null)
    }

    /// A field's value as display text (`""` for null, JSON for objects).
    pub fn text(&self, name: &str) -> String {
        value_text(self.value(name))
    }
}

/// Display text for a JSON value: strings bare, null empty, everything else as JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One thing a card shows about a provider at a glance ("Request timeout", "30 s").
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub label: &'static str,
    pub text: String,
    /// When the fact is a moment: it, in ms since the epoch (`text` holds it as sent).
    pub at: Option<i64>,
}

impl Fact {
    /// A fact with this label and text.
    pub fn new(label: &'static str, text: impl Into<String>) -> Self {
        Fact {
            label,
            text: text.into(),
            at: None,
        }
    }

    /// The provider's timestamp `field` as a moment, shown relative to now with the
    /// exact time at hand; plain text when it is not RFC 3339.
    pub fn moment(provider: &Provider, field: &str, label: &'static str) -> Option<Self> {
        Fact::of(provider, field, label).map(|f| Fact {
            at: super::time::parse_rfc3339(&f.text),
            ..f
        })
    }

    /// The provider's value of `field` as a fact, or nothing when it is null or empty.
    pub fn of(provider: &Provider, field: &str, label: &'static str) -> Option<Self> {
        match provider.value(field) {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            v => Some(Fact::new(label, value_text(v))),
        }
    }
}
