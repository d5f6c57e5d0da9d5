//! The change journal: one entry per change the panel applies (a save, each target of a
//! bulk run or an import, a revert), with the before and after value of every non-secret
//! field, a secret only as "replaced" or "removed", and how it ended. Pure: entries are
//! built, filtered, reverted and exported here; keeping them is the shell's
//! (`ui/journal`: IndexedDB, memory, or off).

use crate::dialect::Connection;
use crate::model::{time, Change, Draft, Provider};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many entries are kept unless configured otherwise; the oldest go first.
pub const DEFAULT_CAP: usize = 5_000;

/// What applied the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    /// A save from the edit form.
    Save,
    /// A target of a bulk run (its title: "Disable", "Set Request timeout (s)").
    Bulk { run: String },
    /// A target of a state file's import.
    Import { file: String },
    /// The revert of entry `of`.
    Revert { of: u64 },
}

impl Operation {
    /// The operation in a few words, as the History view and the CSV show it.
    pub fn text(&self) -> String {
        match self {
            Operation::Save => "Save".into(),
            Operation::Bulk { run } => format!("Bulk: {run}"),
            Operation::Import { file } => format!("Import: {file}"),
            Operation::Revert { of } => format!("Revert of #{of}"),
        }
    }

    /// The kind alone, for filtering: `save`, `bulk`, `import` or `revert`.
    pub fn kind(&self) -> &'static str {
        match self {
            Operation::Save => "save",
            Operation::Bulk { .. } => "bulk",
            Operation::Import { .. } => "import",
            Operation::Revert { .. } => "revert",
        }
    }
}

/// How the change ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Ended {
    Saved,
    Failed { message: String },
    Skipped { reason: String },
}

/// One field of a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    /// As the preview showed them ("inherit" for a meaningful null; "replaced" for a secret).
    pub before_text: String,
    pub after_text: String,
    /// The values themselves, for a revert; never for a secret. (A `null` value is a value:
    /// Barndoor's "inherit". Absent means "not recorded".)
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present"
    )]
    pub before: Option<Value>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present"
    )]
    pub after: Option<Value>,
    pub secret: bool,
}

/// One journal entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its number in the journal (0 until the journal keeps it).
    #[serde(default)]
    pub id: u64,
    /// When, in ms since the epoch.
    pub at: i64,
    pub connection: String,
    pub gateway: String,
    pub provider: String,
    pub name: String,
    pub operation: Operation,
    pub changes: Vec<FieldChange>,
    pub ended: Ended,
}

impl Entry {
    /// The entry of `change` sent to `before` on `conn`, ended as `ended`.
    pub fn of_change(
        at: i64,
        conn: &Connection,
        before: &Provider,
        change: &Change,
        operation: Operation,
        ended: Ended,
    ) -> Entry {
        let changes = change
            .rows()
            .iter()
            .filter(|r| r.changed)
            .map(|row| {
                let sent = change.body().get(row.field);
                let secret = conn
                    .gateway
                    .fields(before)
                    .iter()
                    .any(|f| f.name == row.field && f.is_secret());
                if secret {
                    FieldChange {
                        field: row.field.into(),
                        label: row.label.into(),
                        before_text: row.before.clone(),
                        after_text: secret_word(sent).into(),
                        before: None,
                        after: None,
                        secret: true,
                    }
                } else {
                    FieldChange {
                        field: row.field.into(),
                        label: row.label.into(),
                        before_text: row.before.clone(),
                        after_text: row.after.clone(),
                        before: Some(before.value(row.field).clone()),
                        after: sent.cloned(),
                        secret: false,
                    }
                }
            })
            .collect();
        Entry {
            id: 0,
            at,
            connection: conn.id.clone(),
            gateway: conn.gateway.slug().into(),
            provider: before.id.clone(),
            name: before.name.clone(),
            operation,
            changes,
            ended,
        }
    }

    /// The entry of a target that was not sent, and why.
    pub fn skipped(
        at: i64,
        conn: &Connection,
        provider: &Provider,
        operation: Operation,
        reason: String,
    ) -> Entry {
        Entry {
            id: 0,
            at,
            connection: conn.id.clone(),
            gateway: conn.gateway.slug().into(),
            provider: provider.id.clone(),
            name: provider.name.clone(),
            operation,
            changes: Vec::new(),
            ended: Ended::Skipped { reason },
        }
    }

    /// The card key of its provider.
    pub fn key(&self) -> String {
        format!("{}/{}", self.connection, self.provider)
    }

    /// True when a revert can bring something back: it was saved and changed a field
    /// that is not a secret.
    pub fn revertible(&self) -> bool {
        self.ended == Ended::Saved && self.changes.iter().any(|c| !c.secret)
    }

    /// The inverse of this entry against the provider as it is now: its non-secret fields
    /// back to their before values where they still hold the entry's after value, and a
    /// conflict for each that changed since.
    pub fn revert(&self, now: &Provider) -> Revert {
        let mut revert = Revert::default();
        for c in &self.changes {
            match (&c.before, &c.after) {
                (Some(before), Some(after)) if !c.secret => {
                    let current = now.value(&c.field);
                    if current == after {
                        revert.draft.set(&c.field, before.clone());
                    } else if current != before {
                        revert.conflicts.push(Conflict {
                            field: c.field.clone(),
                            label: c.label.clone(),
                            before: before.clone(),
                            after: after.clone(),
                            now: current.clone(),
                            before_text: c.before_text.clone(),
                            after_text: c.after_text.clone(),
                        });
                    }
                }
                _ => revert.secrets.push(c.label.clone()),
            }
        }
        revert
    }
}

/// A member that is there, `null` included, is `Some`: serde's `Option` would read a
/// `null` as `None` and lose an "inherit" on its way through storage.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn secret_word(sent: Option<&Value>) -> &'static str {
    match sent {
        // A key/value secret whose every entry is null removes keys and sets none.
        Some(Value::Object(m)) if !m.is_empty() && m.values().all(Value::is_null) => "removed",
        Some(Value::Null) => "removed",
        _ => "replaced",
    }
}

/// What reverting an entry would do now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revert {
    /// The fields that still hold the entry's after value, back to their before value.
    pub draft: Draft,
    /// Fields changed again since the entry: reverting them is the admin's choice.
    pub conflicts: Vec<Conflict>,
    /// Labels of secret fields the entry changed: those cannot be reverted.
    pub secrets: Vec<String>,
}

impl Revert {
    /// The draft with the conflicting fields in `chosen` reverted too.
    pub fn draft_with(&self, chosen: &[String]) -> Draft {
        let mut draft = self.draft.clone();
        for c in self.conflicts.iter().filter(|c| chosen.contains(&c.field)) {
            draft.set(&c.field, c.before.clone());
        }
        draft
    }
}

/// A field changed since the entry: what it was before it, what the entry set, what it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub field: String,
    pub label: String,
    pub before: Value,
    pub after: Value,
    pub now: Value,
    /// The before and after values as the entry shows them.
    pub before_text: String,
    pub after_text: String,
}

/// Drops the oldest entries (smallest ids) beyond `cap`.
pub fn keep_newest(entries: &mut Vec<Entry>, cap: usize) {
    if entries.len() > cap {
        entries.sort_by_key(|e| e.id);
        let extra = entries.len() - cap;
        entries.drain(..extra);
    }
}

/// Which entries the History view shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub connection: Option<String>,
    /// Part of the provider's name or id, any case.
    pub provider: String,
    /// `save`, `bulk`, `import` or `revert`.
    pub operation: Option<String>,
    /// From and until, in ms since the epoch.
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Filter {
    pub fn keeps(&self, e: &Entry) -> bool {
        let needle = self.provider.trim().to_lowercase();
        self.connection.as_ref().is_none_or(|c| *c == e.connection)
            && (needle.is_empty()
                || e.name.to_lowercase().contains(&needle)
                || e.provider.to_lowercase().contains(&needle))
            && self
                .operation
                .as_ref()
                .is_none_or(|k| k == e.operation.kind())
            && self.since.is_none_or(|t| e.at >= t)
            && self.until.is_none_or(|t| e.at <= t)
    }
}

/// The entries as JSON (an array, newest first as given).
pub fn to_json(entries: &[Entry]) -> String {
    serde_json::to_string_pretty(entries).unwrap_or_else(|_| "[]".into())
}

/// The entries as CSV (RFC 4180): a row per changed field, one row for an entry that
/// changed none; values as the preview showed them.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = String::from(
        "id,time,connection,gateway,provider,name,operation,outcome,message,field,before,after\n",
    );
    for e in entries {
        let (outcome, message) = match &e.ended {
            Ended::Saved => ("saved", ""),
            Ended::Failed { message } => ("failed", message.as_str()),
            Ended::Skipped { reason } => ("skipped", reason.as_str()),
        };
        let head = [
            e.id.to_string(),
            time::rfc3339(e.at),
            e.connection.clone(),
            e.gateway.clone(),
            e.provider.clone(),
            e.name.clone(),
            e.operation.text(),
            outcome.into(),
            message.into(),
        ];
        let rows: Vec<[String; 3]> = if e.changes.is_empty() {
            vec![Default::default()]
        } else {
            e.changes
                .iter()
                .map(|c| [c.label.clone(), c.before_text.clone(), c.after_text.clone()])
                .collect()
        };
        for row in rows {
            let cells: Vec<String> = head.iter().chain(row.iter()).map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
