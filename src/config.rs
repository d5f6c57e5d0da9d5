//! The runtime configuration file (`switchboard.json` next to index.html), parsed and
//! checked without touching the DOM, so one build serves any deployment.

use crate::dialect::{self, Connection, Declared};
use crate::model::validate::check_url;
use crate::model::Auth;
use serde::Deserialize;
use serde_json::{Map, Value};

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
    auth: Option<Map<String, Value>>,
    list_path: Option<String>,
    item_path: Option<String>,
    /// For a gateway that cannot be listed: its providers, as ids or `{id, name}`.
    providers: Option<Vec<Value>>,
    /// False for a gateway that answers no read call at all.
    reads: Option<bool>,
}

/// The `providers` entries: an id, or `{"id": ..., "name": ...}`.
fn read_declared(entries: Vec<Value>, problems: &mut Vec<String>, at: &str) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let d = match e {
            Value::String(id) => Declared { id, name: None },
            Value::Object(mut m) => {
                let text = |v: Option<Value>| match v {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                };
                let (id, name) = (text(m.remove("id")), m.remove("name"));
                let name_ok = matches!(name, None | Some(Value::String(_)));
                match (id, name_ok, m.keys().next()) {
                    (Some(id), true, None) => Declared {
                        id,
                        name: text(name),
                    },
                    _ => {
                        problems.push(format!(
                            "{at}: providers[{i}] must be an id, or {{\"id\": text, \"name\": text}}"
                        ));
                        continue;
                    }
                }
            }
            _ => {
                problems.push(format!("{at}: providers[{i}] must be an id or an object"));
                continue;
            }
        };
        if d.id.trim().is_empty() {
            problems.push(format!("{at}: providers[{i}] has an empty id"));
        } else if out.iter().any(|o| o.id == d.id) {
            problems.push(format!("{at}: provider \"{}\" is declared twice", d.id));
        } else {
            out.push(d);
        }
    }
    out
}

/// A connection's credential, `{"scheme": ..., ...}` with exactly the members its scheme
/// takes. Read by hand from the JSON object: serde's tagged enums cost the wasm ~10 KB.
pub(crate) fn read_auth(entry: Option<Map<String, Value>>) -> Result<Auth, String> {
    let Some(mut m) = entry else {
        return Ok(Auth::None);
    };
    let scheme = match m.remove("scheme") {
        Some(Value::String(s)) => s,
        _ => return Err("auth needs a \"scheme\": none, bearer, basic, token or header".into()),
    };
    let takes: &[&str] = match scheme.as_str() {
        "none" => &[],
        "bearer" => &["token"],
        "basic" | "token" => &["key", "secret"],
        "header" => &["name", "value"],
        other => {
            return Err(format!(
                "auth: unknown scheme \"{other}\"; use none, bearer, basic, token or header"
            ))
        }
    };
    if let Some(k) = m.keys().find(|k| !takes.contains(&k.as_str())) {
        return Err(format!("auth: unknown field `{k}` for the {scheme} scheme"));
    }
    let mut text = |k: &str| match m.remove(k) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("auth.{k} must be text")),
    };
    Ok(match scheme.as_str() {
        "bearer" => Auth::Bearer(text("token")?),
        "basic" => Auth::Basic {
            key: text("key")?,
            secret: text("secret")?,
        },
        "token" => Auth::Token {
            key: text("key")?,
            secret: text("secret")?,
        },
        "header" => match text("name")? {
            name if name.trim().is_empty() => return Err("auth.name must name the header".into()),
            name => Auth::Header {
                name,
                value: text("value")?,
            },
        },
        _ => Auth::None,
    })
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
    /// Requests a bulk run keeps in flight per connection (default 4).
    #[serde(default)]
    pub bulk_concurrency: Option<u32>,
    /// Where the change journal is kept: `local` (IndexedDB, the default), `memory`
    /// (until reload) or `off`.
    #[serde(default)]
    pub journal: Option<String>,
    /// The `switchboard:saved` message and `on_saved` also carry the non-secret fields'
    /// before and after values (for hosts that keep their own audit log).
    #[serde(default)]
    pub saved_events_with_values: bool,
    /// Credentials may come from this file. The file is served to whoever can load the
    /// panel, so without this a credential in it is refused, and with it the panel warns.
    #[serde(default)]
    pub allow_file_credentials: bool,
    /// Seconds without a key press or a click before an unlocked vault locks again
    /// (default 900).
    #[serde(default)]
    pub vault_lock_after_seconds: Option<u32>,
}

/// The values `ui.journal` takes.
pub const JOURNAL_CHOICES: [&str; 3] = ["local", "memory", "off"];

/// Requests a bulk run keeps in flight per connection unless configured otherwise.
pub const DEFAULT_BULK_CONCURRENCY: u32 = 4;
/// The most a configuration may ask for: browsers hold about six connections per host.
pub const MAX_BULK_CONCURRENCY: u32 = 16;

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
        let auth = read_auth(c.auth).unwrap_or_else(|e| {
            problems.push(format!("{at}: {e}"));
            Auth::None
        });
        let Some(gateway) = dialect::by_slug(&c.dialect) else {
            let known: Vec<&str> = dialect::GATEWAYS.iter().map(|g| g.slug()).collect();
            problems.push(format!(
                "{at}: unknown dialect \"{}\"; use one of {}",
                c.dialect,
                known.join(", ")
            ));
            continue;
        };
        let declared = read_declared(c.providers.unwrap_or_default(), &mut problems, &at);
        let reads = c.reads.unwrap_or(true);
        if !reads && declared.is_empty() {
            problems.push(format!(
                "{at}: \"reads\": false needs \"providers\": the ids to show and edit"
            ));
        }
        connections.push(Connection {
            name: c.name.unwrap_or_else(|| gateway.label().to_owned()),
            id: c.id,
            gateway,
            base_url: c.base_url,
            auth,
            list_path: c.list_path,
            item_path: c.item_path,
            declared,
            reads,
        });
    }
    if let Some(n) = file.ui.bulk_concurrency {
        if !(1..=MAX_BULK_CONCURRENCY).contains(&n) {
            problems.push(format!(
                "ui.bulk_concurrency: {n} is out of range; use 1 to {MAX_BULK_CONCURRENCY}"
            ));
        }
    }
    if let Some(j) = &file.ui.journal {
        if !JOURNAL_CHOICES.contains(&j.as_str()) {
            problems.push(format!(
                "ui.journal: \"{j}\" is not one of {}",
                JOURNAL_CHOICES.join(", ")
            ));
        }
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

impl Config {
    /// The names of the connections whose credential is written in the file.
    pub fn file_credentials(&self) -> Vec<String> {
        self.connections
            .iter()
            .filter(|c| c.auth.is_set())
            .map(|c| c.name.clone())
            .collect()
    }

    /// What the panel refuses in a file it fetched over the network: credentials, unless
    /// `ui.allow_file_credentials` says the deployment accepts that they can be read. (The
    /// command line reads a local file, where a credential is the admin's own business.)
    pub fn served_problems(&self) -> Vec<String> {
        let named = self.file_credentials();
        if named.is_empty() || self.ui.allow_file_credentials {
            return Vec::new();
        }
        vec![format!(
            "switchboard.json holds credentials ({}), and whoever can load this panel can read this file. \
             Leave \"token\", \"key\", \"secret\" and \"value\" empty and enter them in the Connections view \
             (or have the embedding page hand them over), or set \"ui\": {{\"allow_file_credentials\": true}} \
             if this host already keeps the file private.",
            named.join(", ")
        )]
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
        let one = r#"{"connections":[{"id":"a","dialect":"respan","base_url":"/x"}],"ui":{"bulk_concurrency":N}}"#;
        let e = parse(&one.replace('N', "0")).unwrap_err();
        assert_eq!(e, ["ui.bulk_concurrency: 0 is out of range; use 1 to 16"]);
        let c = parse(&one.replace('N', "8")).unwrap();
        assert_eq!(c.ui.bulk_concurrency, Some(8));
    }

    #[test]
    fn auth_takes_exactly_the_members_of_its_scheme() {
        let one = |auth: &str| {
            parse(&format!(
                r#"{{"connections":[{{"id":"a","dialect":"respan","base_url":"/r","auth":{auth}}}]}}"#
            ))
            .map(|c| c.connections[0].auth.clone())
        };
        assert_eq!(
            one(r#"{"scheme":"bearer","token":"t"}"#),
            Ok(Auth::Bearer("t".into()))
        );
        assert_eq!(
            one(r#"{"scheme":"token","key":"k"}"#),
            Ok(Auth::Token {
                key: "k".into(),
                secret: String::new()
            })
        );
        assert_eq!(
            one(r#"{"scheme":"header","name":"X-Api-Key","value":"v"}"#),
            Ok(Auth::Header {
                name: "X-Api-Key".into(),
                value: "v".into()
            })
        );
        assert_eq!(one(r#"{"scheme":"none"}"#), Ok(Auth::None));
        for (auth, says) in [
            (
                r#"{"scheme":"bearer","key":"k"}"#,
                "unknown field `key` for the bearer scheme",
            ),
            (r#"{"scheme":"jwt"}"#, "unknown scheme \"jwt\""),
            (r#"{"token":"t"}"#, "needs a \"scheme\""),
            (
                r#"{"scheme":"bearer","token":1}"#,
                "auth.token must be text",
            ),
            (
                r#"{"scheme":"header","value":"v"}"#,
                "auth.name must name the header",
            ),
        ] {
            let e = one(auth).unwrap_err();
            assert!(e[0].contains(says), "{auth}: {e:?}");
        }
    }

    #[test]
    fn credentials_in_a_served_file_need_the_opt_in() {
        let with = |ui: &str| {
            parse(&format!(
                r#"{{"connections":[{{"id":"a","name":"Prod","dialect":"respan","base_url":"/r","auth":{{"scheme":"bearer","token":"t"}}}},
                    {{"id":"b","dialect":"respan","base_url":"/r","auth":{{"scheme":"bearer","token":""}}}}]{ui}}}"#
            ))
            .unwrap()
        };
        let refused = with("");
        assert_eq!(refused.file_credentials(), ["Prod"]);
        let p = refused.served_problems();
        assert!(
            p[0].starts_with("switchboard.json holds credentials (Prod)"),
            "{p:?}"
        );
        assert!(p[0].contains("allow_file_credentials"));
        let allowed = with(r#","ui":{"allow_file_credentials":true}"#);
        assert!(allowed.served_problems().is_empty());
        assert_eq!(
            allowed.file_credentials(),
            ["Prod"],
            "still named, for the warning"
        );
        let none =
            parse(r#"{"connections":[{"id":"a","dialect":"respan","base_url":"/r"}]}"#).unwrap();
        assert!(none.served_problems().is_empty());
    }

    #[test]
    fn declared_providers_and_reads() {
        let one = |extra: &str| {
            parse(&format!(
                r#"{{"connections":[{{"id":"a","dialect":"libredesk","base_url":"/l"{extra}}}]}}"#
            ))
        };
        let c = one(r#","reads":false,"providers":["openai",{"id":"x","name":"X"}]"#).unwrap();
        let conn = &c.connections[0];
        assert!(!conn.reads);
        assert_eq!(
            conn.declared,
            vec![
                Declared {
                    id: "openai".into(),
                    name: None
                },
                Declared {
                    id: "x".into(),
                    name: Some("X".into())
                }
            ]
        );
        let plain = one("").unwrap();
        assert!(plain.connections[0].reads && plain.connections[0].declared.is_empty());
        for (extra, says) in [
            (r#","reads":false"#, "\"reads\": false needs \"providers\""),
            (
                r#","providers":["a","a"]"#,
                "provider \"a\" is declared twice",
            ),
            (r#","providers":[""]"#, "providers[0] has an empty id"),
            (
                r#","providers":[1]"#,
                "providers[0] must be an id or an object",
            ),
            (
                r#","providers":[{"id":"a","colour":"red"}]"#,
                "providers[0] must be an id, or",
            ),
            (
                r#","providers":[{"name":"a"}]"#,
                "providers[0] must be an id, or",
            ),
        ] {
            let e = one(extra).unwrap_err();
            assert!(e.iter().any(|m| m.contains(says)), "{extra}: {e:?}");
        }
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
