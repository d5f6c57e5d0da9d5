//! Reading a state file against the live state: every problem at once, each with its
//! JSON pointer and line, or the [`Desired`] state the file asks for.

use super::{check_kind, is_secret_marker, locate, Desired, FORMAT, SECRET, VERSION};
use crate::dialect::Connection;
use crate::model::validate::parse_value;
use crate::model::{Access, Draft, Provider};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A line and column in the file, both from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One thing wrong with a file: where (a JSON pointer, and its line when the file has it)
/// and what, in a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub pointer: String,
    pub at: Option<Position>,
    pub message: String,
}

/// A connection as the panel has it now: its providers, or why they could not be read.
#[derive(Clone, Debug)]
pub struct LiveConnection {
    pub conn: Connection,
    pub providers: Result<Vec<Provider>, String>,
}

/// Checks the file `text` (called `name`) against `live`: the desired state, or every
/// problem found, in the order of the file.
pub fn read(text: &str, name: &str, live: &[LiveConnection]) -> Result<Desired, Vec<Problem>> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            let full = e.to_string();
            let message = full.split(" at line ").next().unwrap_or(&full).to_owned();
            return Err(vec![Problem {
                pointer: String::new(),
                at: Some(Position {
                    line: e.line(),
                    column: e.column(),
                }),
                message: format!("Not valid JSON: {message}."),
            }]);
        }
    };
    let mut check = Check {
        live,
        desired: Desired {
            name: name.to_owned(),
            ..Desired::default()
        },
        problems: Vec::new(),
    };
    check.document(&doc);
    if check.problems.is_empty() {
        return Ok(check.desired);
    }
    let mut problems = check.problems;
    let pointers: HashSet<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    let found = locate(text, &pointers);
    let at: Vec<Option<super::Position>> = problems
        .iter()
        .map(|p| found.get(p.pointer.as_str()).copied())
        .collect();
    for (p, at) in problems.iter_mut().zip(at) {
        p.at = at;
    }
    problems.sort_by_key(|p| p.at.map(|a| (a.line, a.column)));
    Err(problems)
}

/// A JSON pointer one member deeper (RFC 6901 escapes).
fn child(parent: &str, member: &str) -> String {
    format!("{parent}/{}", member.replace('~', "~0").replace('/', "~1"))
}

/// The names of `list` as `a, b, c`, or a word for none.
fn names<'a>(list: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = list.into_iter().collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

struct Check<'a> {
    live: &'a [LiveConnection],
    desired: Desired,
    problems: Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            pointer: pointer.to_owned(),
            at: None,
            message: message.into(),
        });
    }

    /// The members of the object at `pointer`, or a problem saying what it should be.
    fn object<'v>(
        &mut self,
        v: &'v Value,
        pointer: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        let m = v.as_object();
        if m.is_none() {
            self.problem(pointer, format!("{what} must be a JSON object."));
        }
        m
    }

    /// A problem for each member of `m` not in `known`.
    fn only(&mut self, m: &Map<String, Value>, pointer: &str, known: &[&str], what: &str) {
        for key in m.keys().filter(|k| !known.contains(&k.as_str())) {
            self.problem(
                &child(pointer, key),
                format!("Unknown member \"{key}\": {what} has {}.", known.join(", ")),
            );
        }
    }

    fn document(&mut self, doc: &Value) {
        let Some(m) = self.object(doc, "", "A state file") else {
            return;
        };
        self.only(
            m,
            "",
            &["$schema", "format", "version", "connections"],
            "a state file",
        );
        // A member that is missing is shown where it should be: on its object.
        let at = |key: &str| {
            if m.contains_key(key) {
                child("", key)
            } else {
                String::new()
            }
        };
        match m.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            _ => self.problem(&at("format"), format!("\"format\" must be \"{FORMAT}\".")),
        }
        match m.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            Some(v) if v > VERSION => self.problem(
                &at("version"),
                format!("This file is version {v}; this Switchboard reads version {VERSION}."),
            ),
            _ => self.problem(&at("version"), format!("\"version\" must be {VERSION}.")),
        }
        let Some(connections) = m.get("connections") else {
            self.problem("", "The file has no \"connections\".");
            return;
        };
        let Some(connections) = self.object(connections, "/connections", "\"connections\"") else {
            return;
        };
        for (id, c) in connections {
            self.connection(id, c);
        }
    }

    fn connection(&mut self, id: &str, c: &Value) {
        let at = child("/connections", id);
        let live = self.live;
        let Some(live) = live.iter().find(|l| l.conn.id == id) else {
            let known = names(self.live.iter().map(|l| l.conn.id.as_str()));
            self.problem(
                &at,
                format!("Unknown connection \"{id}\": the configuration has {known}."),
            );
            return;
        };
        let Some(m) = self.object(c, &at, "A connection") else {
            return;
        };
        self.only(
            m,
            &at,
            &["gateway", "read_only", "providers"],
            "a connection",
        );
        let slug = live.conn.gateway.slug();
        match m.get("gateway") {
            Some(Value::String(g)) if g == slug => {}
            Some(Value::String(g)) => self.problem(
                &child(&at, "gateway"),
                format!("Connection \"{id}\" speaks {slug}, not {g}."),
            ),
            _ => self.problem(
                &at,
                format!("Connection \"{id}\" needs \"gateway\": \"{slug}\"."),
            ),
        }
        let Some(providers) = m.get("providers") else {
            self.problem(&at, format!("Connection \"{id}\" has no \"providers\"."));
            return;
        };
        let at = child(&at, "providers");
        let Some(providers) = self.object(providers, &at, "\"providers\"") else {
            return;
        };
        let listed = match &live.providers {
            Ok(list) => list,
            Err(why) => {
                self.problem(
                    &at,
                    format!("The providers of \"{id}\" could not be read ({why}); check the connection and try again."),
                );
                return;
            }
        };
        let by_id: HashMap<&str, &Provider> = listed.iter().map(|p| (p.id.as_str(), p)).collect();
        for (pid, p) in providers {
            let here = child(&at, pid);
            match by_id.get(pid.as_str()) {
                Some(provider) => self.provider(&live.conn, provider, p, &here),
                None => self.problem(
                    &here,
                    format!("Unknown provider \"{pid}\": connection \"{id}\" has no provider with this id."),
                ),
            }
        }
    }

    fn provider(&mut self, conn: &Connection, provider: &Provider, p: &Value, at: &str) {
        let Some(m) = self.object(p, at, "A provider") else {
            return;
        };
        self.only(m, at, &["fields", "read_only"], "a provider");
        let Some(given) = m.get("fields") else {
            self.problem(at, "A provider needs \"fields\".");
            return;
        };
        let at = child(at, "fields");
        let Some(given) = self.object(given, &at, "\"fields\"") else {
            return;
        };
        let before = self.problems.len();
        let fields = conn.gateway.fields(provider);
        let mut wanted = Vec::new();
        for (name, v) in given {
            let here = child(&at, name);
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                let writable = names(
                    fields
                        .iter()
                        .filter(|f| f.access != Access::ReadOnly)
                        .map(|f| f.name),
                );
                self.problem(
                    &here,
                    format!(
                        "Unknown field \"{name}\" for {}: its fields are {writable}.",
                        conn.gateway.label()
                    ),
                );
                continue;
            };
            if field.access == Access::ReadOnly {
                self.problem(
                    &here,
                    format!("\"{name}\" is read-only: it belongs under \"read_only\", which import ignores."),
                );
            } else if field.is_secret() {
                if !is_secret_marker(v) {
                    self.problem(
                        &here,
                        format!("Secret values are never imported: keep {{\"{SECRET}\": …}} as exported, and change keys by key rotation (Rotate key in the panel)."),
                    );
                }
            } else if v == provider.value(name) {
                wanted.push((name.clone(), v.clone()));
            } else if let Some(why) = field.locked {
                self.problem(&here, why);
            } else {
                match check_kind(field, v).and_then(|()| parse_value(field, v)) {
                    Ok(Some(value)) => wanted.push((name.clone(), value)),
                    Ok(None) => {}
                    Err(message) => self.problem(&here, message),
                }
            }
        }
        if self.problems.len() > before {
            return;
        }
        // Rules across fields (Barndoor's detach, Libredesk's key with every change) are
        // the dialect's: asked the way a save asks them.
        let mut draft = Draft::default();
        for (name, value) in &wanted {
            if provider.value(name) != value {
                draft.set(name, value.clone());
            }
        }
        if !draft.is_empty() {
            if let Err(errors) = conn.gateway.validate(provider, &draft) {
                for (name, message) in errors {
                    let here = if given.contains_key(&name) {
                        child(&at, &name)
                    } else {
                        at.clone()
                    };
                    self.problem(&here, message);
                }
                return;
            }
        }
        self.desired.add(&conn.id, &provider.id, wanted);
    }
}
