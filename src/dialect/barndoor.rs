//! Barndoor LLM gateway: `PUT /api/llm-gateway/admin/providers/{id}` (uuid), every field
//! optional, answer is the full provider.
//!
//! Two rules beyond single fields: `auth_type` must suit the provider's `model_provider`,
//! and `connection_id: null` (detach from a shared credential) must come with `api_key`
//! or `credentials` in the same request.

use super::{req_str, Dialect};
use crate::model::validate::FieldErrors;
use crate::model::{
    ApiError, Change, Draft, Fact, Field, FieldKind, Method, Provider, SecretState,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The 16 `model_provider` slugs of the document.
pub const MODEL_PROVIDERS: [&str; 16] = [
    "openai",
    "anthropic",
    "azure_openai",
    "google_ai",
    "bedrock",
    "vertex",
    "groq",
    "together",
    "mistral",
    "cohere",
    "xai",
    "fireworks",
    "perplexity",
    "openrouter",
    "deepseek",
    "custom",
];

/// The `auth_type` values that suit a `model_provider`, as the document lists them.
pub fn auth_types(model_provider: &str) -> Vec<&'static str> {
    match model_provider {
        "bedrock" => vec!["aws_role", "aws_keys", "bedrock_api_key"],
        "vertex" => vec![
            "google_adc",
            "google_service_account",
            "google_impersonation",
        ],
        "anthropic" => vec!["api_key", "oauth_passthrough"],
        _ => vec!["api_key"],
    }
}

const REQUEST_TIMEOUT_MAX: i64 = 3600;
/// What a null timeout means, in a word and as the form's choice.
const INHERIT: &str = "inherit";
const INHERIT_CHOICE: &str = "Inherit the platform default";
const STREAM_IDLE_TIMEOUT_MAX: i64 = 1800;

/// The Barndoor dialect.
pub struct Barndoor;

const BASE: &str = "/api/llm-gateway/admin/providers";

/// Members kept from an answer, with the types each may have.
const TEXT: [&str; 9] = [
    "id",
    "org_id",
    "name",
    "model_provider",
    "auth_type",
    "base_url",
    "catalog_id",
    "connection_id",
    "catalog_slug",
];
const WHOLE: [&str; 2] = ["request_timeout_secs", "stream_idle_timeout_secs"];

/// Whether member `key` of an answer has the type the document gives it.
fn member_fits(v: &Value, key: &str) -> Result<(), ApiError> {
    let fits = match v.get(key) {
        None | Some(Value::Null) => true,
        Some(x) if TEXT.contains(&key) => x.is_string(),
        Some(x) => x.as_i64().is_some(),
    };
    if fits {
        Ok(())
    } else if TEXT.contains(&key) {
        Err(ApiError::bad_response(
            200,
            format_args!("\"{key}\" is not text or null"),
        ))
    } else {
        Err(ApiError::bad_response(
            200,
            format_args!("\"{key}\" is not a whole number or null"),
        ))
    }
}

/// The provider object as the document gives it. Large lists are read straight into it
/// ([`super::typed_items`]); anything else is checked member by member first
/// ([`Wire::checked`]), which names what is wrong. Either way one function makes the
/// provider, so both readings agree.
#[derive(Deserialize)]
struct Wire {
    id: String,
    name: String,
    model_provider: String,
    enabled: bool,
    org_id: Option<String>,
    auth_type: Option<String>,
    base_url: Option<String>,
    catalog_id: Option<String>,
    connection_id: Option<String>,
    catalog_slug: Option<String>,
    settings: Option<Map<String, Value>>,
    request_timeout_secs: Option<i64>,
    stream_idle_timeout_secs: Option<i64>,
}

impl Wire {
    fn checked(v: Value) -> Result<Wire, ApiError> {
        let id = req_str(&v, "id")?;
        let name = req_str(&v, "name")?;
        let model_provider = req_str(&v, "model_provider")?;
        let enabled = v
            .get("enabled")
            .and_then(Value::as_bool)
            .ok_or_else(|| ApiError::bad_response(200, "\"enabled\" is not true or false"))?;
        if !matches!(
            v.get("settings"),
            None | Some(Value::Null | Value::Object(_))
        ) {
            return Err(ApiError::bad_response(200, "\"settings\" is not an object"));
        }
        for key in TEXT.iter().chain(&WHOLE) {
            member_fits(&v, key)?;
        }
        let Value::Object(mut m) = v else {
            return Err(ApiError::bad_response(200, "expected an object"));
        };
        let mut text = |k: &str| match m.remove(k) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let (org_id, auth_type, base_url) = (text("org_id"), text("auth_type"), text("base_url"));
        let (catalog_id, connection_id, catalog_slug) = (
            text("catalog_id"),
            text("connection_id"),
            text("catalog_slug"),
        );
        let whole = |k: &str| m.get(k).and_then(Value::as_i64);
        Ok(Wire {
            id,
            name,
            model_provider,
            enabled,
            org_id,
            auth_type,
            base_url,
            catalog_id,
            connection_id,
            catalog_slug,
            request_timeout_secs: whole("request_timeout_secs"),
            stream_idle_timeout_secs: whole("stream_idle_timeout_secs"),
            settings: match m.remove("settings") {
                Some(Value::Object(s)) => Some(s),
                _ => None,
            },
        })
    }

    fn into_provider(self) -> Provider {
        let text = |v: Option<String>| v.map_or(Value::Null, Value::String);
        let whole = |v: Option<i64>| v.map_or(Value::Null, Value::from);
        let values = Map::from_iter([
            ("id".to_owned(), Value::String(self.id.clone())),
            ("org_id".to_owned(), text(self.org_id)),
            ("name".to_owned(), Value::String(self.name.clone())),
            (
                "model_provider".to_owned(),
                Value::String(self.model_provider.clone()),
            ),
            ("auth_type".to_owned(), text(self.auth_type)),
            ("base_url".to_owned(), text(self.base_url)),
            ("enabled".to_owned(), Value::Bool(self.enabled)),
            (
                "settings".to_owned(),
                Value::Object(self.settings.unwrap_or_default()),
            ),
            ("catalog_id".to_owned(), text(self.catalog_id)),
            ("connection_id".to_owned(), text(self.connection_id)),
            ("catalog_slug".to_owned(), text(self.catalog_slug)),
            (
                "request_timeout_secs".to_owned(),
                whole(self.request_timeout_secs),
            ),
            (
                "stream_idle_timeout_secs".to_owned(),
                whole(self.stream_idle_timeout_secs),
            ),
        ]);
        Provider {
            id: self.id,
            name: self.name,
            kind: self.model_provider,
            enabled: Some(self.enabled),
            values,
            // The key is never returned, so whether one is set cannot be known.
            secrets: BTreeMap::from([
                ("api_key".to_owned(), SecretState::Unknown),
                ("credentials".to_owned(), SecretState::Unknown),
            ]),
            managed: false,
            unread: false,
        }
    }
}

impl Dialect for Barndoor {
    fn slug(&self) -> &'static str {
        "barndoor"
    }

    fn label(&self) -> &'static str {
        "Barndoor"
    }

    fn facts(&self, p: &Provider) -> Vec<Fact> {
        let timeout = |field: &str, label| {
            Fact::of(p, field, label)
                .map(|f| Fact::new(label, format!("{} s", f.text)))
                .or_else(|| Some(Fact::new(label, INHERIT)))
        };
        let credential = if p.value("connection_id").is_null() {
            "direct"
        } else {
            "shared connection"
        };
        [
            Fact::of(p, "base_url", "Base URL"),
            timeout("request_timeout_secs", "Request timeout"),
            timeout("stream_idle_timeout_secs", "Stream idle"),
            Some(Fact::new("Credential", credential)),
            Fact::of(p, "catalog_slug", "Catalog"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn fields(&self, provider: &Provider) -> Vec<Field> {
        let family = provider.text("model_provider");
        vec![
            Field::new("name", "Name", FieldKind::Text).required(),
            Field::new("enabled", "Enabled", FieldKind::Bool),
            Field::new("model_provider", "Model provider", FieldKind::Enum { options: MODEL_PROVIDERS.to_vec(), depends_on: None })
                .read_only()
                .help("The upstream model family; fixed when the provider is created."),
            Field::new("auth_type", "Auth type", FieldKind::Enum { options: auth_types(&family), depends_on: Some("model_provider") })
                .help("How Barndoor authenticates upstream; the choices depend on the model provider."),
            Field::new("base_url", "Base URL", FieldKind::Url).required(),
            Field::new("api_key", "API key", FieldKind::Secret).write_only().help("Never shown; leave empty to keep the current key."),
            Field::new("credentials", "Credentials", FieldKind::Json)
                .write_only()
                .help("Structured credentials (for example AWS keys) as a JSON object; never shown again."),
            Field::new("connection_id", "Shared connection", FieldKind::Uuid).nullable("none (direct key)", "None (detach; use a direct key)").help(
                "A shared Credentials record. Detach to use a direct key, which must then be entered in the same save.",
            ),
            Field::new("request_timeout_secs", "Request timeout (s)", FieldKind::Integer { min: 1, max: REQUEST_TIMEOUT_MAX })
                .nullable(INHERIT, INHERIT_CHOICE)
                .help("Total time allowed per request; inherit uses the platform default."),
            Field::new("stream_idle_timeout_secs", "Stream idle timeout (s)", FieldKind::Integer { min: 1, max: STREAM_IDLE_TIMEOUT_MAX })
                .nullable(INHERIT, INHERIT_CHOICE)
                .help("Longest gap between streamed chunks; inherit uses the platform default."),
            Field::new("settings", "Settings", FieldKind::Json).help("Provider settings as a JSON object."),
            Field::new("id", "Id", FieldKind::Text).read_only(),
            Field::new("org_id", "Organization", FieldKind::Text).read_only(),
            Field::new("catalog_id", "Catalog id", FieldKind::Text).read_only(),
            Field::new("catalog_slug", "Catalog", FieldKind::Text).read_only(),
        ]
    }

    fn cross_field_rules(&self, _provider: &Provider, change: &Change, errors: &mut FieldErrors) {
        let body = change.body();
        let detaching = body.get("connection_id").is_some_and(Value::is_null);
        if !detaching || body.contains_key("api_key") {
            return;
        }
        // An empty object provides no credentials: the gateway would be left with none.
        match body.get("credentials") {
            Some(Value::Object(m)) if m.is_empty() => {
                errors.insert(
                    "credentials".into(),
                    "An empty object provides no credentials; detaching needs at least one, or an API key.".into(),
                );
            }
            Some(_) => {}
            None => {
                errors.insert(
                    "api_key".into(),
                    "Detaching from the shared connection needs an API key or credentials in the same save.".into(),
                );
            }
        }
    }

    // A provider on a shared connection takes no direct key unless it leaves the
    // connection in the same request (the document's detach rule); that is the admin's
    // explicit choice, never a side effect of a rotation.
    fn key_edit(&self, provider: &Provider, key: &str, detach: bool) -> Result<Draft, String> {
        let shared = !provider.value("connection_id").is_null();
        if shared && !detach {
            return Err("Uses a shared connection; not detached for a direct key.".into());
        }
        let mut draft = Draft::default();
        draft.set("api_key", Value::String(key.into()));
        if shared {
            draft.set("connection_id", Value::Null);
        }
        Ok(draft)
    }

    fn list_path(&self) -> &'static str {
        BASE
    }

    fn item_path(&self, id: &str) -> String {
        format!("{BASE}/{id}")
    }

    fn update_method(&self) -> Method {
        Method::Put
    }

    fn parse_one(&self, item: Value) -> Result<Provider, ApiError> {
        Wire::checked(item).map(Wire::into_provider)
    }

    fn parse_list_fast(&self, body: &str) -> Option<Result<Vec<Provider>, ApiError>> {
        super::typed_items::<Wire>(body)
            .map(|items| Ok(items.into_iter().map(Wire::into_provider).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::{conn, draft, wire};
    use serde_json::json;

    const DOC: &str = r#"{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","org_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"OpenAI Production (US)","model_provider":"openai","auth_type":"api_key","base_url":"https://api.openai.com/v1","enabled":true,"settings":{},"catalog_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","connection_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","request_timeout_secs":1800,"stream_idle_timeout_secs":900,"catalog_slug":"openai"}"#;

    fn doc() -> Provider {
        Barndoor.parse_item(DOC).unwrap()
    }

    fn send(d: &[(&str, Value)]) -> (&'static str, String, Option<String>, Option<Value>) {
        let c = Barndoor.validate(&doc(), &draft(d)).unwrap();
        wire(&Barndoor.update_request(&conn(&Barndoor), &doc(), &c))
    }

    #[test]
    fn documented_response_round_trips() {
        let p = doc();
        assert_eq!(p.id, "3c90c3cc-0d44-4b50-8888-8dd25736052a");
        assert_eq!(p.name, "OpenAI Production (US)");
        assert_eq!(p.kind, "openai");
        assert_eq!(p.value("request_timeout_secs"), &json!(1800));
        assert_eq!(p.value("catalog_slug"), &json!("openai"));
    }

    #[test]
    fn rename_is_a_put_with_just_the_name() {
        let (m, url, auth, body) = send(&[("name", json!("OpenAI EU"))]);
        assert_eq!(m, "PUT");
        assert_eq!(url, "http://gw/barndoor/api/llm-gateway/admin/providers/3c90c3cc-0d44-4b50-8888-8dd25736052a");
        assert_eq!(auth.as_deref(), Some("Bearer tok"));
        assert_eq!(body, Some(json!({"name": "OpenAI EU"})));
    }

    #[test]
    fn timeouts_inherit_with_explicit_null() {
        let (_, _, _, body) = send(&[
            ("request_timeout_secs", Value::Null),
            ("stream_idle_timeout_secs", json!("60")),
        ]);
        assert_eq!(
            body,
            Some(json!({"request_timeout_secs": null, "stream_idle_timeout_secs": 60}))
        );
    }

    #[test]
    fn timeout_boundaries() {
        for (field, raw, ok) in [
            ("request_timeout_secs", "0", false),
            ("request_timeout_secs", "1", true),
            ("request_timeout_secs", "3600", true),
            ("request_timeout_secs", "3601", false),
            ("stream_idle_timeout_secs", "0", false),
            ("stream_idle_timeout_secs", "1", true),
            ("stream_idle_timeout_secs", "1800", true),
            ("stream_idle_timeout_secs", "1801", false),
        ] {
            assert_eq!(
                Barndoor
                    .validate(&doc(), &draft(&[(field, json!(raw))]))
                    .is_ok(),
                ok,
                "{field}={raw}"
            );
        }
    }

    #[test]
    fn detaching_requires_a_key_in_the_same_request() {
        let e = Barndoor
            .validate(&doc(), &draft(&[("connection_id", Value::Null)]))
            .unwrap_err();
        assert!(e["api_key"].contains("Detaching"));
        let (_, _, _, body) = send(&[
            ("connection_id", Value::Null),
            ("api_key", json!("sk-direct")),
        ]);
        assert_eq!(
            body,
            Some(json!({"connection_id": null, "api_key": "sk-direct"}))
        );
        let (_, _, _, body) = send(&[
            ("connection_id", Value::Null),
            ("credentials", json!("{\"aws_access_key_id\":\"AK\"}")),
        ]);
        assert_eq!(
            body,
            Some(json!({"connection_id": null, "credentials": {"aws_access_key_id": "AK"}}))
        );
        let e = Barndoor
            .validate(
                &doc(),
                &draft(&[("connection_id", Value::Null), ("credentials", json!("{}"))]),
            )
            .unwrap_err();
        assert!(e["credentials"].contains("empty object"), "{e:?}");
        assert!(!e.contains_key("api_key"));
    }

    #[test]
    fn attach_to_another_connection_and_settings() {
        let (_, _, _, body) = send(&[
            (
                "connection_id",
                json!("11111111-2222-4333-8444-555555555555"),
            ),
            ("settings", json!("{\"region\":\"eu\"}")),
            ("enabled", json!(false)),
        ]);
        assert_eq!(
            body,
            Some(
                json!({"connection_id": "11111111-2222-4333-8444-555555555555", "settings": {"region": "eu"}, "enabled": false})
            )
        );
        assert!(Barndoor
            .validate(&doc(), &draft(&[("connection_id", json!("not-a-uuid"))]))
            .is_err());
    }

    #[test]
    fn auth_type_depends_on_model_provider() {
        assert!(Barndoor
            .validate(&doc(), &draft(&[("auth_type", json!("aws_role"))]))
            .is_err());
        let bedrock = Barndoor
            .parse_item(&DOC.replace(
                "\"model_provider\":\"openai\"",
                "\"model_provider\":\"bedrock\"",
            ))
            .unwrap();
        assert!(Barndoor
            .validate(&bedrock, &draft(&[("auth_type", json!("aws_role"))]))
            .is_ok());
        assert!(Barndoor
            .validate(&bedrock, &draft(&[("auth_type", json!("google_adc"))]))
            .is_err());
        assert_eq!(
            auth_types("vertex"),
            [
                "google_adc",
                "google_service_account",
                "google_impersonation"
            ]
        );
        assert_eq!(auth_types("anthropic"), ["api_key", "oauth_passthrough"]);
        assert_eq!(MODEL_PROVIDERS.len(), 16);
    }

    #[test]
    fn base_url_and_name_rules() {
        assert!(Barndoor
            .validate(&doc(), &draft(&[("base_url", json!("api.openai.com"))]))
            .is_err());
        assert!(Barndoor
            .validate(&doc(), &draft(&[("name", json!("  "))]))
            .is_err());
        let (_, _, _, body) = send(&[("base_url", json!("https://eu.api.openai.com/v1"))]);
        assert_eq!(
            body,
            Some(json!({"base_url": "https://eu.api.openai.com/v1"}))
        );
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        assert!(Barndoor
            .parse_item(&DOC.replace("1800", "\"1800\""))
            .is_err());
        assert!(Barndoor.parse_item(r#"{"id":"x"}"#).is_err());
        assert!(Barndoor.parse_list("[]").unwrap().is_empty());
        assert!(Barndoor
            .parse_list(&format!("{{\"items\":[{DOC}]}}"))
            .is_ok());
        let e = Barndoor.parse_error(
            404,
            r#"{"error":{"code":"NOT_FOUND","message":"Provider not found"}}"#,
        );
        assert_eq!(e.message, "Provider not found");
    }
}
