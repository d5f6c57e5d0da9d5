//! The runtime configuration file (`switchboard.json` next to index.html), parsed and
//! checked without touching the DOM, so one build serves any deployment.

use crate::dialect::{self, Connection};
use crate::model::validate::check_url;
use crate::model::Auth;
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    connections: Vec<ConnectionEntry>,
    #[serde(default)]
    ui: UiOptions,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionEntry {
    id: String,
    name: Option<String>,
    dialect: String,
    base_url: String,
    #[serde(default)]
    auth: AuthEntry,
    list_path: Option<String>,
    item_path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(tag = "scheme", rename_all = "lowercase", deny_unknown_fields)]
enum AuthEntry {
    #[default]
    None,
    Bearer {
        #[serde(default)]
        token: String,
    },
    Basic {
        #[serde(default)]
        key: String,
        #[serde(default)]
        secret: String,
    },
    Token {
        #[serde(default)]
        key: String,
        #[serde(default)]
        secret: String,
    },
    /// A gateway's own header (`{"scheme":"header","name":"X-Api-Key","value":""}`).
    Header {
        name: String,
        #[serde(default)]
        value: String,
    },
}

/// Colour theme preference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    Auto,
    Light,
    Dark,
}

/// Options for the panel's behaviour.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiOptions {
    #[serde(default)]
    pub theme: Theme,
    /// Show providers without edit actions.
    #[serde(default)]
    pub read_only: bool,
    /// Initial search text.
    #[serde(default)]
    pub search: String,
    /// Per-attempt time limit of gateway calls in milliseconds (default 15 000).
    #[serde(default)]
    pub request_timeout_ms: Option<u32>,
    /// Origins whose postMessage the panel listens to when embedded.
    #[serde(default)]
    pub allowed_parent_origins: Vec<String>,
}

/// The checked configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub connections: Vec<Connection>,
    pub ui: UiOptions,
}

/// An example the error page shows when the file is missing or wrong.
pub const EXAMPLE: &str = r#"{
  "connections": [
    { "id": "prod-refactor", "name": "re-factor (prod)", "dialect": "refactor",
      "base_url": "https://api.example.com/api", "auth": { "scheme": "bearer", "token": "" } },
    { "id": "helpdesk", "name": "Libredesk", "dialect": "libredesk",
      "base_url": "https://desk.example.com", "auth": { "scheme": "basic", "key": "", "secret": "" } }
  ],
  "ui": { "theme": "auto", "read_only": false }
}"#;

/// Parses and checks the file; every problem found is listed.
pub fn parse(text: &str) -> Result<Config, Vec<String>> {
    let file: File =
        serde_json::from_str(text).map_err(|e| vec![format!("switchboard.json: {e}")])?;
    let mut problems = Vec::new();
    let mut connections = Vec::new();
    for (i, c) in file.connections.into_iter().enumerate() {
        let at = format!("connections[{i}] ({})", c.id);
        if c.id.trim().is_empty() {
            problems.push(format!("connections[{i}]: id must not be empty"));
        }
        if connections.iter().any(|k: &Connection| k.id == c.id) {
            problems.push(format!("{at}: id is used twice"));
        }
        if let Err(e) = check_base_url(&c.base_url) {
            problems.push(format!("{at}: base_url {e}"));
        }
        for p in [&c.list_path, &c.item_path].into_iter().flatten() {
            if !p.starts_with('/') {
                problems.push(format!("{at}: paths must start with /, got {p}"));
            }
        }
        let auth = match c.auth {
            AuthEntry::None => Auth::None,
            AuthEntry::Bearer { token } => Auth::Bearer(token),
            AuthEntry::Basic { key, secret } => Auth::Basic { key, secret },
            AuthEntry::Token { key, secret } => Auth::Token { key, secret },
            AuthEntry::Header { name, value } => Auth::Header { name, value },
        };
        let Some(gateway) = dialect::by_slug(&c.dialect) else {
            let known: Vec<&str> = dialect::GATEWAYS.iter().map(|g| g.slug()).collect();
            problems.push(format!(
                "{at}: unknown dialect \"{}\"; use one of {}",
                c.dialect,
                known.join(", ")
            ));
            continue;
        };
        connections.push(Connection {
            name: c.name.unwrap_or_else(|| gateway.label().to_owned()),
            id: c.id,
            gateway,
            base_url: c.base_url,
            auth,
            list_path: c.list_path,
            item_path: c.item_path,
        });
    }
    if connections.is_empty() && problems.is_empty() {
        problems.push("switchboard.json: connections is empty; add at least one gateway".into());
    }
    if problems.is_empty() {
        Ok(Config {
            connections,
            ui: file.ui,
        })
    } else {
        Err(problems)
    }
}

/// An absolute http(s) URL, or a path relative to the page (same origin).
pub fn check_base_url(url: &str) -> Result<(), String> {
    if url.contains("://") {
        return check_url(url).map_err(|e| format!("\"{url}\": {e}"));
    }
    if url.is_empty() || url.contains(char::is_whitespace) || url.starts_with("//") {
        return Err(format!("\"{url}\" is neither an http(s) URL nor a path"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!(c.connections.len(), 2);
        assert_eq!(c.connections[1].gateway.slug(), "libredesk");
        assert!(matches!(c.connections[1].auth, Auth::Basic { .. }));
    }

    #[test]
    fn unknown_keys_and_bad_urls_are_reported() {
        let e = parse(r#"{"connections":[],"colour":"red"}"#).unwrap_err();
        assert!(e[0].contains("unknown field `colour`"), "{e:?}");
        let e = parse(r#"{"connections":[{"id":"a","dialect":"respan","base_url":"ftp://x"}]}"#)
            .unwrap_err();
        assert!(e[0].contains("base_url"), "{e:?}");
        let e =
            parse(r#"{"connections":[{"id":"a","dialect":"nope","base_url":"/x"}]}"#).unwrap_err();
        assert!(
            e[0].contains(
                "unknown dialect \"nope\"; use one of refactor, libredesk, barndoor, respan"
            ),
            "{e:?}"
        );
        assert!(parse("not json").is_err());
        assert!(parse(r#"{"connections":[]}"#).is_err());
    }

    #[test]
    fn relative_base_urls_and_duplicates() {
        assert!(
            parse(r#"{"connections":[{"id":"a","dialect":"respan","base_url":"respan"}]}"#).is_ok()
        );
        let e = parse(r#"{"connections":[{"id":"a","dialect":"respan","base_url":"r"},{"id":"a","dialect":"respan","base_url":"r"}]}"#)
            .unwrap_err();
        assert!(e[0].contains("twice"));
    }
}
