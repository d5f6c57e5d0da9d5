//! re-factor: `PUT /v1/llm-provider/{provider}` with `{enabled?, credentials?}`.
//!
//! Providers are identified by one of seven slugs. Credentials are merged key by key
//! (a key sent as `null` is removed); the server echoes them masked (`sk-***`), so the
//! panel keeps only their names.

use super::{req_str, Dialect};
use crate::model::diff::mask_value;
use crate::model::{ApiError, Draft, Field, FieldKind, Method, Provider, SecretState};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The provider slugs re-factor accepts in the path.
pub const PROVIDERS: [&str; 7] = [
    "openai",
    "anthropic",
    "google",
    "google-vertex",
    "azure",
    "amazon-bedrock",
    "xai",
];

/// The re-factor dialect.
pub struct Refactor;

fn display_name(slug: &str) -> String {
    match slug {
        "openai" => "OpenAI",
        "anthropic" => "Anthropic",
        "google" => "Google AI",
        "google-vertex" => "Google Vertex AI",
        "azure" => "Azure OpenAI",
        "amazon-bedrock" => "Amazon Bedrock",
        "xai" => "xAI",
        other => other,
    }
    .to_owned()
}

fn parse_config(v: &Value) -> Result<Provider, ApiError> {
    let slug = req_str(v, "provider")?;
    let enabled = match v.get("enabled") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Err(ApiError::bad_response(
                200,
                "\"enabled\" is not true or false",
            ))
        }
    };
    let credentials = match v.get("credentials") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            return Err(ApiError::bad_response(
                200,
                "\"credentials\" is not an object",
            ))
        }
    };
    let mut values = Map::new();
    values.insert("provider".into(), Value::String(slug.clone()));
    if let Some(b) = enabled {
        values.insert("enabled".into(), Value::Bool(b));
    }
    // Only the names survive: even a masked value is not ours to show.
    values.insert(
        "credentials".into(),
        mask_value(&Value::Object(credentials.clone())),
    );
    let state = if credentials.is_empty() {
        SecretState::NotSet
    } else {
        SecretState::Set
    };
    Ok(Provider {
        name: display_name(&slug),
        kind: slug.clone(),
        id: slug,
        enabled,
        values,
        secrets: BTreeMap::from([("credentials".to_owned(), state)]),
        managed: false,
        unread: false,
    })
}

impl Dialect for Refactor {
    fn slug(&self) -> &'static str {
        "refactor"
    }

    fn label(&self) -> &'static str {
        "re-factor"
    }

    fn fields(&self, _provider: &Provider) -> Vec<Field> {
        vec![
            Field::new("provider", "Provider", FieldKind::Enum { options: PROVIDERS.to_vec(), depends_on: None })
                .read_only()
                .help("The upstream vendor; part of the URL, so it cannot change."),
            Field::new("enabled", "Enabled", FieldKind::Bool).help("Whether requests may be routed to this provider."),
            Field::new("credentials", "Credentials", FieldKind::KeyValue).write_only().help(
                "Keys you enter replace those keys, keys you remove are deleted, all others are kept. Values are never shown again.",
            ),
        ]
    }

    // The document's example key name: re-factor merges credentials key by key, so the
    // provider's other credentials (an organization id) stay as they are.
    fn key_edit(&self, _provider: &Provider, key: &str, _detach: bool) -> Result<Draft, String> {
        let mut draft = Draft::default();
        draft.set("credentials", serde_json::json!({ "api_key": key }));
        Ok(draft)
    }

    fn list_path(&self) -> &'static str {
        "/v1/llm-provider"
    }

    fn item_path(&self, id: &str) -> String {
        format!("/v1/llm-provider/{id}")
    }

    fn update_method(&self) -> Method {
        Method::Put
    }

    fn parse_one(&self, item: Value) -> Result<Provider, ApiError> {
        parse_config(&item)
    }

    // The id is the slug: it names the provider and its kind.
    fn declared(&self, id: &str, name: Option<&str>) -> Provider {
        Provider {
            id: id.to_owned(),
            name: name.map_or_else(|| display_name(id), str::to_owned),
            kind: id.to_owned(),
            enabled: None,
            values: Map::from_iter([("provider".to_owned(), Value::String(id.to_owned()))]),
            secrets: BTreeMap::from([("credentials".to_owned(), SecretState::Unknown)]),
            managed: false,
            unread: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::{conn, draft, wire};
    use serde_json::json;

    fn openai() -> Provider {
        Refactor
            .parse_item(
                r#"{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}"#,
            )
            .unwrap()
    }

    #[test]
    fn documented_success_response_round_trips() {
        let p = openai();
        assert_eq!(p.id, "openai");
        assert_eq!(p.name, "OpenAI");
        assert_eq!(p.enabled, Some(true));
        assert_eq!(p.secrets["credentials"], SecretState::Set);
        assert_eq!(p.values["credentials"], json!({"api_key": "••••"}));
    }

    #[test]
    fn disable_sends_only_enabled() {
        let c = Refactor
            .validate(&openai(), &draft(&[("enabled", json!(false))]))
            .unwrap();
        let r = Refactor.update_request(&conn(&Refactor), &openai(), &c);
        assert_eq!(
            wire(&r),
            (
                "PUT",
                "http://gw/refactor/v1/llm-provider/openai".into(),
                Some("Bearer tok".into()),
                Some(json!({"enabled": false}))
            )
        );
    }

    #[test]
    fn credentials_update_sends_only_the_entered_keys() {
        let d = draft(&[(
            "credentials",
            json!({"api_key": "sk-new-api-key", "organization": "org-new-org-id"}),
        )]);
        let c = Refactor.validate(&openai(), &d).unwrap();
        let r = Refactor.update_request(&conn(&Refactor), &openai(), &c);
        assert_eq!(
            r.body,
            Some(
                json!({"credentials": {"api_key": "sk-new-api-key", "organization": "org-new-org-id"}})
            )
        );
        assert_eq!(
            c.masked_body()["credentials"],
            json!({"api_key": "••••", "organization": "••••"})
        );
    }

    #[test]
    fn both_fields_and_key_removal() {
        let d = draft(&[
            ("enabled", json!(false)),
            ("credentials", json!({"organization": null})),
        ]);
        let c = Refactor.validate(&openai(), &d).unwrap();
        let r = Refactor.update_request(&conn(&Refactor), &openai(), &c);
        assert_eq!(
            r.body,
            Some(json!({"enabled": false, "credentials": {"organization": null}}))
        );
        assert_eq!(r.method, Method::Put);
    }

    #[test]
    fn unchanged_enabled_is_not_sent_and_slug_is_read_only() {
        let c = Refactor
            .validate(&openai(), &draft(&[("enabled", json!(true))]))
            .unwrap();
        assert!(c.is_empty());
        assert!(Refactor
            .validate(&openai(), &draft(&[("provider", json!("xai"))]))
            .is_err());
    }

    #[test]
    fn every_slug_goes_into_the_path() {
        for slug in PROVIDERS {
            let p = Refactor
                .parse_item(&format!(
                    r#"{{"provider":"{slug}","enabled":false,"credentials":{{}}}}"#
                ))
                .unwrap();
            let c = Refactor
                .validate(&p, &draft(&[("enabled", json!(true))]))
                .unwrap();
            let r = Refactor.update_request(&conn(&Refactor), &p, &c);
            assert_eq!(r.path(), format!("/refactor/v1/llm-provider/{slug}"));
            assert_eq!(p.secrets["credentials"], SecretState::NotSet);
        }
    }

    #[test]
    fn list_and_errors() {
        let list = Refactor
            .parse_list(r#"[{"provider":"openai","enabled":true,"credentials":{}},{"provider":"xai","enabled":false}]"#)
            .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].enabled, Some(false));
        assert!(Refactor.parse_list(r#"{"nope":1}"#).is_err());
        assert!(Refactor
            .parse_item(r#"{"provider":"openai","enabled":"yes"}"#)
            .is_err());
        assert!(Refactor.parse_item("<html>").is_err());
        let e = Refactor.parse_error(
            404,
            r#"{"error":{"code":"NOT_FOUND","message":"No configuration found for provider: openai"}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("NOT_FOUND"));
        assert_eq!(
            Refactor
                .parse_error(401, r#"{"error":"Unauthorized"}"#)
                .message,
            "Unauthorized"
        );
        // The document's 403 and 500 answer in the flat shape.
        let e = Refactor.parse_error(403, r#"{"error":"Forbidden: read-only key"}"#);
        assert_eq!(
            (e.status, e.message.as_str()),
            (Some(403), "Forbidden: read-only key")
        );
        let e = Refactor.parse_error(500, r#"{"error":"Storage failure"}"#);
        assert_eq!(
            (e.status, e.message.as_str()),
            (Some(500), "Storage failure")
        );
    }

    #[test]
    fn list_and_read_paths() {
        let c = conn(&Refactor);
        assert_eq!(
            Refactor.list_request(&c).url,
            "http://gw/refactor/v1/llm-provider"
        );
        assert_eq!(Refactor.read_request(&c, &openai()).method, Method::Get);
        let mut c2 = c.clone();
        c2.list_path = Some("/custom/providers".into());
        c2.item_path = Some("/custom/providers/{id}/config".into());
        assert_eq!(
            Refactor.list_request(&c2).url,
            "http://gw/refactor/custom/providers"
        );
        assert_eq!(
            Refactor.read_request(&c2, &openai()).url,
            "http://gw/refactor/custom/providers/openai/config"
        );
    }
}
