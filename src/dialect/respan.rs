//! Respan: `PATCH /api/providers/{id}/` (integer pk, trailing slash); only sent fields
//! change. `api_key` and `extra_kwargs` are write-only; `provider_id` is read-only;
//! managed providers (`is_managed: true`) refuse changes to their critical fields.

use super::Dialect;
use crate::model::{ApiError, Change, Fact, Field, FieldKind, Method, Provider, SecretState};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Fields a managed provider does not let anyone change.
pub const CRITICAL_FIELDS: [&str; 2] = ["api_key", "extra_kwargs"];

const MANAGED: &str =
    "Managed by Respan: its credentials and configuration cannot be changed here.";

const NOT_ADDRESSABLE: &str = "Respan's update call takes the integer primary key, and this provider's id is not one: it cannot be changed here.";

/// True for the integer primary key the update path takes (`/api/providers/{id}/`).
fn is_pk(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The Respan dialect.
pub struct Respan;

/// An id as text, from the integer or the string form (the document shows both).
fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// The members the panel reads, whatever their types (the reading below is lenient where
/// the document is). Large lists are read straight into it ([`super::typed_items`]), single
/// answers through [`Wire::from_value`]; one function makes the provider from either.
#[derive(Default, Deserialize)]
struct Wire {
    id: Option<Value>,
    provider_name: Option<Value>,
    provider_id: Option<Value>,
    is_managed: Option<Value>,
    created_at: Option<Value>,
    updated_at: Option<Value>,
}

impl Wire {
    fn from_value(v: Value) -> Wire {
        let Value::Object(mut m) = v else {
            return Wire::default();
        };
        Wire {
            id: m.remove("id"),
            provider_name: m.remove("provider_name"),
            provider_id: m.remove("provider_id"),
            is_managed: m.remove("is_managed"),
            created_at: m.remove("created_at"),
            updated_at: m.remove("updated_at"),
        }
    }

    /// The id as text, the flag as a boolean, the other members only when they are text.
    fn into_provider(self) -> Result<Provider, ApiError> {
        let id = id_text(self.id.as_ref())
            .ok_or_else(|| ApiError::bad_response(200, "missing \"id\""))?;
        let Some(Value::String(name)) = self.provider_name else {
            return Err(ApiError::bad_response(
                200,
                "missing text field \"provider_name\"",
            ));
        };
        let managed = matches!(self.is_managed, Some(Value::Bool(true)));
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let provider_id = text(self.provider_id);
        let kind = provider_id.clone().unwrap_or_else(|| "custom".to_owned());
        let mut values = Map::from_iter([
            ("id".to_owned(), Value::String(id.clone())),
            ("provider_name".to_owned(), Value::String(name.clone())),
            ("is_managed".to_owned(), Value::Bool(managed)),
        ]);
        for (key, value) in [
            ("provider_id", provider_id),
            ("created_at", text(self.created_at)),
            ("updated_at", text(self.updated_at)),
        ] {
            if let Some(s) = value {
                values.insert(key.to_owned(), Value::String(s));
            }
        }
        Ok(Provider {
            id,
            name,
            kind,
            enabled: None,
            values,
            secrets: BTreeMap::from([
                ("api_key".to_owned(), SecretState::Unknown),
                ("extra_kwargs".to_owned(), SecretState::Unknown),
            ]),
            managed,
            unread: false,
        })
    }
}

impl Dialect for Respan {
    fn slug(&self) -> &'static str {
        "respan"
    }

    fn label(&self) -> &'static str {
        "Respan"
    }

    fn facts(&self, provider: &Provider) -> Vec<Fact> {
        Fact::moment(provider, "updated_at", "Updated")
            .into_iter()
            .collect()
    }

    fn notice(&self, provider: &Provider) -> Option<&'static str> {
        if !is_pk(&provider.id) {
            return Some(NOT_ADDRESSABLE);
        }
        provider.managed.then_some(
            "This provider is managed by Respan: its critical fields (API key, extra configuration) are locked.",
        )
    }

    fn fields(&self, provider: &Provider) -> Vec<Field> {
        let addressable = is_pk(&provider.id);
        let lock = |f: Field| {
            if !addressable && f.is_editable() {
                f.locked_because(NOT_ADDRESSABLE)
            } else if provider.managed && CRITICAL_FIELDS.contains(&f.name) {
                f.locked_because(MANAGED)
            } else {
                f
            }
        };
        vec![
            lock(Field::new("provider_name", "Name", FieldKind::Text).required().help("Human-readable provider name.")),
            lock(Field::new("api_key", "API key", FieldKind::Secret).write_only().help("Write-only: Respan never returns it.")),
            lock(
                Field::new("extra_kwargs", "Extra configuration", FieldKind::Json)
                    .write_only()
                    .help("Additional configuration as a JSON object (for example base_url, timeout). Write-only: never returned."),
            ),
            Field::new("provider_id", "Provider id", FieldKind::Text).read_only().help("Fixed when the provider is created."),
            Field::new("id", "Primary key", FieldKind::Text).read_only(),
            Field::new("created_at", "Created", FieldKind::Text).read_only(),
            Field::new("updated_at", "Updated", FieldKind::Text).read_only(),
        ]
    }

    fn parse_update(
        &self,
        provider: &Provider,
        _change: &Change,
        body: &str,
    ) -> Result<Provider, ApiError> {
        let mut next = self.parse_item(body)?;
        // The answer's `id` may be the string provider_id; the pk we patched stays the id,
        // and the answer omits is_managed, which cannot change through this call.
        next.id = provider.id.clone();
        next.values
            .insert("id".into(), Value::String(provider.id.clone()));
        next.managed = provider.managed;
        next.values
            .insert("is_managed".into(), Value::Bool(provider.managed));
        if next.kind == "custom" {
            next.kind = provider.kind.clone();
        }
        Ok(next)
    }

    fn list_path(&self) -> &'static str {
        "/api/providers/"
    }

    fn item_path(&self, id: &str) -> String {
        format!("/api/providers/{id}/")
    }

    fn update_method(&self) -> Method {
        Method::Patch
    }

    fn parse_one(&self, item: Value) -> Result<Provider, ApiError> {
        Wire::from_value(item).into_provider()
    }

    fn parse_list_fast(&self, body: &str) -> Option<Result<Vec<Provider>, ApiError>> {
        super::typed_items::<Wire>(body)
            .map(|items| items.into_iter().map(Wire::into_provider).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::{conn, draft, wire};
    use serde_json::json;

    fn azure() -> Provider {
        Respan
            .parse_item(r#"{"id":123,"provider_id":"my-azure-provider","provider_name":"Azure Provider","is_managed":false,"created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}"#)
            .unwrap()
    }

    fn send(
        p: &Provider,
        d: &[(&str, Value)],
    ) -> (&'static str, String, Option<String>, Option<Value>) {
        let c = Respan.validate(p, &draft(d)).unwrap();
        wire(&Respan.update_request(&conn(&Respan), p, &c))
    }

    #[test]
    fn documented_example_is_a_patch_with_trailing_slash() {
        let got = send(
            &azure(),
            &[
                ("provider_name", json!("Updated Azure Provider")),
                ("api_key", json!("new-api-key")),
            ],
        );
        assert_eq!(
            got,
            (
                "PATCH",
                "http://gw/respan/api/providers/123/".into(),
                Some("Bearer tok".into()),
                Some(json!({"provider_name": "Updated Azure Provider", "api_key": "new-api-key"}))
            )
        );
    }

    #[test]
    fn extra_kwargs_is_sent_as_an_object() {
        let got = send(
            &azure(),
            &[(
                "extra_kwargs",
                json!(
                    "{\"base_url\":\"https://updated-endpoint.openai.azure.com\",\"timeout\":90}"
                ),
            )],
        );
        assert_eq!(
            got.3,
            Some(
                json!({"extra_kwargs": {"base_url": "https://updated-endpoint.openai.azure.com", "timeout": 90}})
            )
        );
        assert!(Respan
            .validate(&azure(), &draft(&[("extra_kwargs", json!("{oops"))]))
            .is_err());
    }

    #[test]
    fn provider_id_is_read_only() {
        assert!(Respan
            .validate(&azure(), &draft(&[("provider_id", json!("other"))]))
            .is_err());
    }

    #[test]
    fn managed_providers_lock_critical_fields() {
        let mut p = azure();
        p.managed = true;
        let e = Respan
            .validate(&p, &draft(&[("api_key", json!("k"))]))
            .unwrap_err();
        assert_eq!(e["api_key"], MANAGED);
        assert!(
            Respan
                .fields(&p)
                .iter()
                .filter(|f| f.locked.is_some())
                .count()
                == 2
        );
        let got = send(&p, &[("provider_name", json!("Renamed"))]);
        assert_eq!(got.3, Some(json!({"provider_name": "Renamed"})));
    }

    #[test]
    fn documented_response_with_string_id_keeps_the_pk() {
        let c = Respan
            .validate(
                &azure(),
                &draft(&[("provider_name", json!("Updated Azure Provider"))]),
            )
            .unwrap();
        let next = Respan
            .parse_update(
                &azure(),
                &c,
                r#"{"id":"my-azure-provider","provider_id":"my-azure-provider","provider_name":"Updated Azure Provider","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T12:00:00Z"}"#,
            )
            .unwrap();
        assert_eq!(next.id, "123");
        assert_eq!(next.name, "Updated Azure Provider");
        assert_eq!(next.value("updated_at"), &json!("2024-01-15T12:00:00Z"));
    }

    #[test]
    fn ids_as_integers_or_strings_and_lists() {
        assert_eq!(
            Respan
                .parse_item(r#"{"id":"77","provider_name":"x"}"#)
                .unwrap()
                .id,
            "77"
        );
        assert!(Respan
            .parse_item(r#"{"id":-1,"provider_name":"x"}"#)
            .is_err());
        assert!(Respan
            .parse_item(r#"{"id":null,"provider_name":"x"}"#)
            .is_err());
        let page = r#"{"count":1,"next":null,"previous":null,"results":[{"id":1,"provider_name":"a","is_managed":true}]}"#;
        let list = Respan.parse_list(page).unwrap();
        assert!(list[0].managed);
        assert_eq!(
            Respan.list_request(&conn(&Respan)).url,
            "http://gw/respan/api/providers/"
        );
    }

    #[test]
    fn a_non_integer_id_is_refused_with_a_reason_not_sent() {
        let p = Respan
            .parse_item(r#"{"id":"my-azure-provider","provider_name":"Azure"}"#)
            .unwrap();
        let e = Respan
            .validate(&p, &draft(&[("provider_name", json!("Renamed"))]))
            .unwrap_err();
        assert_eq!(e["provider_name"], NOT_ADDRESSABLE);
        assert_eq!(Respan.notice(&p), Some(NOT_ADDRESSABLE));
        assert!(Respan.key_edit(&p, "sk-new", false).is_err());
        assert!(Respan.fields(&p).iter().all(|f| !f.is_editable()));
        // The integer keys of the document stay editable, "0" and large ones included.
        for id in ["0", "123", "18446744073709551615"] {
            let mut ok = azure();
            ok.id = id.into();
            assert!(Respan.notice(&ok).is_none(), "{id}");
            assert!(send(&ok, &[("provider_name", json!("x"))])
                .1
                .ends_with(&format!("/{id}/")));
        }
    }

    #[test]
    fn documented_errors() {
        assert_eq!(
            Respan
                .parse_error(404, r#"{"detail":"Not found."}"#)
                .message,
            "Not found."
        );
        let e = Respan.parse_error(
            401,
            r#"{"detail":"Authentication credentials were not provided."}"#,
        );
        assert_eq!(e.message, "Authentication credentials were not provided.");
        let e = Respan.parse_error(400, r#"{"provider_name":["This field may not be blank."]}"#);
        assert!(e.fields.contains_key("provider_name"));
    }
}
