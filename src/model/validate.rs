//! Validation of a draft against the documented field constraints.

use super::diff::{after_text, before_text, Change, DiffRow, Draft};
use super::field::{Field, FieldKind};
use super::provider::Provider;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Per-field messages, by field name; empty means valid.
pub type FieldErrors = BTreeMap<String, String>;

/// Checks a draft against the fields and, when every value is valid, returns the change
/// to send: the fields that differ from `provider`, plus those the API wants every time.
pub fn validate(
    fields: &[Field],
    provider: &Provider,
    draft: &Draft,
) -> Result<Change, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut change = Change {
        body: Map::new(),
        changed: Vec::new(),
        rows: Vec::new(),
        secret: Vec::new(),
    };
    for field in fields {
        let Some(raw) = draft.get(field.name) else {
            continue;
        };
        if !field.is_editable() {
            let why = field.locked.unwrap_or("This field is read-only.");
            errors.insert(field.name.into(), why.into());
            continue;
        }
        match parse_value(field, raw) {
            Ok(None) => {}
            Ok(Some(v)) => {
                if differs(field, provider, &v) {
                    push(&mut change, field, provider, v, true);
                }
            }
            Err(msg) => {
                errors.insert(field.name.into(), msg);
            }
        }
    }
    // Fields the API wants in every request only matter once something changes.
    if !change.changed.is_empty() {
        for field in fields.iter().filter(|f| f.always_sent) {
            if change.body.contains_key(field.name) || errors.contains_key(field.name) {
                continue;
            }
            let current = provider.value(field.name);
            if field.is_secret() || current.is_null() {
                errors.insert(
                    field.name.into(),
                    format!(
                        "{} must be sent with every change: enter it again.",
                        field.label
                    ),
                );
            } else {
                push(&mut change, field, provider, current.clone(), false);
            }
        }
    }
    if errors.is_empty() {
        Ok(change)
    } else {
        Err(errors)
    }
}

fn push(change: &mut Change, field: &Field, provider: &Provider, v: Value, changed: bool) {
    change.rows.push(DiffRow {
        field: field.name,
        label: field.label,
        before: before_text(field, provider),
        after: after_text(field, &v),
        changed,
    });
    if changed {
        change.changed.push(field.name);
    }
    if field.is_secret() {
        change.secret.push(field.name);
    }
    change.body.insert(field.name.into(), v);
}

// Secrets and key/value entries are never echoed by the server, so typing one is a change.
fn differs(field: &Field, provider: &Provider, v: &Value) -> bool {
    if field.is_secret() {
        return true;
    }
    provider.value(field.name) != v
}

/// Turns one raw draft entry into the JSON value to send: `Ok(None)` when the entry
/// means "leave unchanged" (an empty secret or key/value editor).
pub fn parse_value(field: &Field, raw: &Value) -> Result<Option<Value>, String> {
    if raw.is_null() {
        return if field.nullable {
            Ok(Some(Value::Null))
        } else {
            Err(format!("{} cannot be empty.", field.label))
        };
    }
    match &field.kind {
        FieldKind::Bool => match raw {
            Value::Bool(b) => Ok(Some(Value::Bool(*b))),
            _ => Err("Choose on or off.".into()),
        },
        FieldKind::Text => {
            let s = as_text(raw)?;
            if (field.required || field.always_sent) && s.trim().is_empty() {
                return Err(format!("{} cannot be empty.", field.label));
            }
            if s.chars().any(char::is_control) {
                return Err("Remove the control characters (line breaks, tabs).".into());
            }
            Ok(Some(Value::String(s.to_owned())))
        }
        FieldKind::Secret => {
            let s = as_text(raw)?;
            if s.is_empty() {
                return Ok(None);
            }
            if s.trim() != s {
                return Err("Remove the spaces before or after the key.".into());
            }
            Ok(Some(Value::String(s.to_owned())))
        }
        FieldKind::Url => {
            let s = as_text(raw)?;
            check_url(s)?;
            Ok(Some(Value::String(s.to_owned())))
        }
        FieldKind::Uuid => {
            let s = as_text(raw)?.trim();
            if !is_uuid(s) {
                return Err("Enter a UUID like 3c90c3cc-0d44-4b50-8888-8dd25736052a.".into());
            }
            Ok(Some(Value::String(s.to_ascii_lowercase())))
        }
        FieldKind::Enum { options, .. } => {
            let s = as_text(raw)?;
            if options.contains(&s) {
                Ok(Some(Value::String(s.to_owned())))
            } else {
                Err(format!("Choose one of: {}.", options.join(", ")))
            }
        }
        FieldKind::Integer { min, max } => {
            let n = match raw {
                Value::Number(n) => n.as_i64(),
                Value::String(s) if s.trim().is_empty() && field.nullable => {
                    return Err(format!(
                        "Enter a whole number from {min} to {max}, or choose inherit."
                    ))
                }
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if (*min..=*max).contains(&n) => Ok(Some(Value::from(n))),
                Some(_) => Err(format!("Must be from {min} to {max}.")),
                None => Err(format!("Enter a whole number from {min} to {max}.")),
            }
        }
        FieldKind::Json => {
            let parsed = match raw {
                Value::String(s) if s.trim().is_empty() && field.is_secret() => return Ok(None),
                Value::String(s) => {
                    serde_json::from_str::<Value>(s).map_err(|e| format!("Not valid JSON: {e}."))?
                }
                other => other.clone(),
            };
            if parsed.is_object() {
                Ok(Some(parsed))
            } else {
                Err("Must be a JSON object, like {\"key\": \"value\"}.".into())
            }
        }
        FieldKind::KeyValue => {
            let Value::Object(entries) = raw else {
                return Err("Enter keys and values.".into());
            };
            if entries.is_empty() {
                return Ok(None);
            }
            let mut out = Map::new();
            for (k, v) in entries {
                if k.trim().is_empty() {
                    return Err("Every entry needs a key.".into());
                }
                let value = match v {
                    Value::String(s) if s.is_empty() => {
                        return Err(format!("Enter a value for {k}, or remove it."))
                    }
                    v => match json_entry(v) {
                        Some(Ok(parsed)) => parsed,
                        Some(Err(e)) => {
                            return Err(format!("The value of {k} is not valid JSON: {e}."))
                        }
                        None => v.clone(),
                    },
                };
                out.insert(k.clone(), value);
            }
            Ok(Some(Value::Object(out)))
        }
    }
}

/// The member that marks a key/value entry typed as JSON rather than text, so the typed
/// text survives in the draft (and a reload) until it parses.
pub const JSON_ENTRY: &str = "$json";

/// A draft entry typed as JSON, `{"$json": "<text>"}`, parsed; `None` for any other value,
/// which is sent as it is (credentials take any JSON value).
pub fn json_entry(v: &Value) -> Option<Result<Value, String>> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    let text = m.get(JSON_ENTRY)?.as_str()?;
    Some(match text.trim() {
        "" => Err("it is empty".to_owned()),
        t => serde_json::from_str(t).map_err(|e| e.to_string()),
    })
}

fn as_text(raw: &Value) -> Result<&str, String> {
    raw.as_str().ok_or_else(|| "Enter text.".to_owned())
}

/// Checks an absolute http(s) URL with a host and no spaces.
pub fn check_url(s: &str) -> Result<(), String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| "Enter a URL starting with https:// or http://.".to_owned())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("The URL needs a host name.".into());
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A URL cannot contain spaces.".into());
    }
    Ok(())
}

/// True for the hyphenated 8-4-4-4-12 hexadecimal UUID form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diff::MASK as MASK_FOR_TESTS;
    use crate::model::SecretState;
    use serde_json::json;

    fn provider() -> Provider {
        let mut p = Provider {
            id: "p1".into(),
            name: "P".into(),
            kind: "openai".into(),
            enabled: Some(true),
            values: Map::new(),
            secrets: BTreeMap::new(),
            managed: false,
            unread: false,
        };
        p.values.insert("name".into(), json!("P"));
        p.values.insert("enabled".into(), json!(true));
        p.values.insert("timeout".into(), Value::Null);
        p.values.insert("settings".into(), json!({"a": 1}));
        p.secrets.insert("api_key".into(), SecretState::Set);
        p
    }

    fn fields() -> Vec<Field> {
        vec![
            Field::new("name", "Name", FieldKind::Text),
            Field::new("enabled", "Enabled", FieldKind::Bool),
            Field::new(
                "timeout",
                "Timeout",
                FieldKind::Integer { min: 1, max: 3600 },
            )
            .nullable("inherit", "Inherit the default"),
            Field::new("settings", "Settings", FieldKind::Json),
            Field::new("api_key", "API key", FieldKind::Secret).write_only(),
            Field::new("base_url", "Base URL", FieldKind::Url),
            Field::new("conn", "Connection", FieldKind::Uuid).nullable("none", "No connection"),
            Field::new(
                "mode",
                "Mode",
                FieldKind::Enum {
                    options: vec!["a", "b"],
                    depends_on: None,
                },
            ),
            Field::new("creds", "Credentials", FieldKind::KeyValue),
            Field::new("id", "Id", FieldKind::Text).read_only(),
        ]
    }

    fn draft(pairs: &[(&str, Value)]) -> Draft {
        let mut d = Draft::default();
        for (k, v) in pairs {
            d.set(k, v.clone());
        }
        d
    }

    #[test]
    fn unchanged_values_are_not_sent() {
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("name", json!("P")), ("enabled", json!(true))]),
        )
        .unwrap();
        assert!(c.is_empty());
        assert!(c.body().is_empty());
    }

    #[test]
    fn integer_range_boundaries() {
        for (raw, ok) in [
            ("0", false),
            ("1", true),
            ("3600", true),
            ("3601", false),
            ("12a", false),
            ("", false),
        ] {
            let r = validate(&fields(), &provider(), &draft(&[("timeout", json!(raw))]));
            assert_eq!(r.is_ok(), ok, "{raw}");
        }
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("timeout", json!(" 90 "))]),
        )
        .unwrap();
        assert_eq!(c.body().get("timeout"), Some(&json!(90)));
    }

    #[test]
    fn null_means_inherit_only_where_nullable() {
        let mut p = provider();
        p.values.insert("timeout".into(), json!(30));
        let c = validate(&fields(), &p, &draft(&[("timeout", Value::Null)])).unwrap();
        assert_eq!(c.body().get("timeout"), Some(&Value::Null));
        assert_eq!(c.rows()[0].after, "inherit");
        let e = validate(&fields(), &p, &draft(&[("name", Value::Null)])).unwrap_err();
        assert!(e.contains_key("name"));
    }

    #[test]
    fn json_objects_parse_and_compare_by_value() {
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("settings", json!("{ \"a\" : 1 }"))]),
        )
        .unwrap();
        assert!(c.is_empty());
        let e = validate(
            &fields(),
            &provider(),
            &draft(&[("settings", json!("{\"a\":"))]),
        )
        .unwrap_err();
        assert!(
            e["settings"].starts_with("Not valid JSON"),
            "{}",
            e["settings"]
        );
        let e = validate(
            &fields(),
            &provider(),
            &draft(&[("settings", json!("[1]"))]),
        )
        .unwrap_err();
        assert!(e["settings"].contains("JSON object"));
    }

    #[test]
    fn secrets_are_sent_when_typed_and_masked_in_preview() {
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("api_key", json!("sk-canary"))]),
        )
        .unwrap();
        assert_eq!(c.body().get("api_key"), Some(&json!("sk-canary")));
        assert_eq!(c.masked_body().get("api_key"), Some(&json!(MASK_FOR_TESTS)));
        assert_eq!(c.rows()[0].before, "set");
        assert_eq!(c.rows()[0].after, MASK_FOR_TESTS);
        assert!(!format!("{:?}", c.rows()).contains("canary"));
        let c = validate(&fields(), &provider(), &draft(&[("api_key", json!(""))])).unwrap();
        assert!(c.is_empty(), "an empty secret box keeps the current key");
    }

    #[test]
    fn urls_uuids_enums() {
        for (u, ok) in [
            ("https://x.io/v1", true),
            ("http://localhost:8080", true),
            ("ftp://x", false),
            ("https://", false),
            ("https://a b", false),
        ] {
            assert_eq!(check_url(u).is_ok(), ok, "{u}");
        }
        assert!(is_uuid("3c90c3cc-0d44-4b50-8888-8dd25736052a"));
        assert!(!is_uuid("3c90c3cc-0d44-4b50-8888-8dd25736052"));
        assert!(!is_uuid("3c90c3cc0d444b5088888dd25736052a"));
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("conn", json!("3C90C3CC-0D44-4B50-8888-8DD25736052A"))]),
        )
        .unwrap();
        assert_eq!(
            c.body()["conn"],
            json!("3c90c3cc-0d44-4b50-8888-8dd25736052a")
        );
        assert!(validate(&fields(), &provider(), &draft(&[("mode", json!("c"))])).is_err());
        assert!(validate(&fields(), &provider(), &draft(&[("mode", json!("b"))])).is_ok());
    }

    #[test]
    fn key_value_entries_merge_and_remove() {
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[("creds", json!({"api_key": "sk-1", "old": null}))]),
        )
        .unwrap();
        assert_eq!(c.body()["creds"], json!({"api_key": "sk-1", "old": null}));
        assert_eq!(
            c.masked_body()["creds"],
            json!({"api_key": MASK_FOR_TESTS, "old": null})
        );
        assert!(validate(
            &fields(),
            &provider(),
            &draft(&[("creds", json!({"": "x"}))])
        )
        .is_err());
        assert!(validate(
            &fields(),
            &provider(),
            &draft(&[("creds", json!({"k": ""}))])
        )
        .is_err());
    }

    #[test]
    fn key_value_entries_take_any_json_value() {
        let c = validate(
            &fields(),
            &provider(),
            &draft(&[(
                "creds",
                json!({"ttl": {"$json": " 90 "}, "aws": {"$json": "{\"region\":\"eu-west-1\",\"keys\":[1,true]}"}, "flag": false}),
            )]),
        )
        .unwrap();
        assert_eq!(
            c.body()["creds"],
            json!({"ttl": 90, "aws": {"region": "eu-west-1", "keys": [1, true]}, "flag": false})
        );
        // Every leaf is masked in the preview, whatever its type.
        assert_eq!(
            c.masked_body()["creds"],
            json!({"ttl": MASK_FOR_TESTS, "aws": {"region": MASK_FOR_TESTS, "keys": [MASK_FOR_TESTS, MASK_FOR_TESTS]}, "flag": MASK_FOR_TESTS})
        );
        let e = validate(
            &fields(),
            &provider(),
            &draft(&[("creds", json!({"aws": {"$json": "{oops"}}))]),
        )
        .unwrap_err();
        assert!(
            e["creds"].starts_with("The value of aws is not valid JSON"),
            "{e:?}"
        );
        assert!(validate(
            &fields(),
            &provider(),
            &draft(&[("creds", json!({"aws": {"$json": "  "}}))])
        )
        .is_err());
    }

    #[test]
    fn read_only_and_locked_fields_refuse_edits() {
        let e = validate(&fields(), &provider(), &draft(&[("id", json!("x"))])).unwrap_err();
        assert!(e.contains_key("id"));
        let locked =
            vec![Field::new("api_key", "API key", FieldKind::Secret).locked_because("Managed.")];
        let e = validate(&locked, &provider(), &draft(&[("api_key", json!("k"))])).unwrap_err();
        assert_eq!(e["api_key"], "Managed.");
    }

    #[test]
    fn always_sent_fields_join_any_change() {
        let f = vec![
            Field::new(
                "provider",
                "Provider",
                FieldKind::Enum {
                    options: vec!["openai"],
                    depends_on: None,
                },
            )
            .always_sent(),
            Field::new("api_key", "API key", FieldKind::Secret)
                .write_only()
                .always_sent(),
        ];
        let mut p = provider();
        p.values.insert("provider".into(), json!("openai"));
        assert!(validate(&f, &p, &Draft::default()).unwrap().is_empty());
        let c = validate(&f, &p, &draft(&[("api_key", json!("sk-2"))])).unwrap();
        assert_eq!(
            Value::Object(c.body().clone()),
            json!({"provider": "openai", "api_key": "sk-2"})
        );
        assert_eq!(c.changed(), ["api_key"]);
        assert!(
            !c.rows()
                .iter()
                .find(|r| r.field == "provider")
                .unwrap()
                .changed
        );
    }
}
