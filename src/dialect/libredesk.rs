//! Libredesk: `PUT /api/v1/ai/provider` with `{provider, api_key}`, both required.
//!
//! Libredesk holds one AI provider per helpdesk and accepts only `openai`. Answers come
//! in its envelope `{"status":"success"|"error","message","data","error_type"}`; a
//! successful update says only `data: true`, so the new state is derived from what was
//! sent, with the key reduced to "set".

use super::{parse_json, Dialect};
use crate::model::{ApiError, AuthScheme, Change, Field, FieldKind, Method, Provider, SecretState};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The provider names Libredesk's handler accepts.
pub const PROVIDERS: [&str; 1] = ["openai"];

const PATH: &str = "/api/v1/ai/provider";

/// The Libredesk dialect.
pub struct Libredesk;

/// The `data` of a success envelope; an error envelope or another shape is an error.
fn envelope_data(body: &str) -> Result<Value, ApiError> {
    let v = parse_json(body)?;
    match v.get("status").and_then(Value::as_str) {
        Some("success") => Ok(v.get("data").cloned().unwrap_or(Value::Null)),
        Some("error") => Err(ApiError::from_response(200, body)),
        _ => Err(ApiError::bad_response(
            200,
            "expected Libredesk's {\"status\":\"success\"} envelope",
        )),
    }
}

fn provider_from(name: &str, key: SecretState) -> Provider {
    let mut values = Map::new();
    values.insert("provider".into(), Value::String(name.to_owned()));
    Provider {
        id: name.to_owned(),
        name: "Helpdesk AI assistant".into(),
        kind: name.to_owned(),
        enabled: None,
        values,
        secrets: BTreeMap::from([("api_key".to_owned(), key)]),
        managed: false,
        unread: false,
    }
}

fn parse_config(data: &Value) -> Result<Provider, ApiError> {
    let name = data
        .get("provider")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_response(200, "missing text field \"provider\""))?;
    let key = match data.get("api_key_set").and_then(Value::as_bool) {
        Some(true) => SecretState::Set,
        Some(false) => SecretState::NotSet,
        None => SecretState::Unknown,
    };
    Ok(provider_from(name, key))
}

impl Dialect for Libredesk {
    fn slug(&self) -> &'static str {
        "libredesk"
    }

    fn label(&self) -> &'static str {
        "Libredesk"
    }

    fn auth_schemes(&self) -> &'static [AuthScheme] {
        &[AuthScheme::Basic, AuthScheme::Token]
    }

    fn fields(&self, _provider: &Provider) -> Vec<Field> {
        vec![
            Field::new("provider", "Provider", FieldKind::Enum { options: PROVIDERS.to_vec(), depends_on: None })
                .always_sent()
                .help("Libredesk accepts only openai."),
            Field::new("api_key", "API key", FieldKind::Secret).write_only().always_sent().help(
                "Libredesk requires the API key with every change, so enter it again whenever you save.",
            ),
        ]
    }

    fn parse_list(&self, body: &str) -> Result<Vec<Provider>, ApiError> {
        match envelope_data(body)? {
            Value::Array(items) => items.iter().map(parse_config).collect(),
            Value::Null => Ok(Vec::new()),
            one => Ok(vec![parse_config(&one)?]),
        }
    }

    fn parse_item(&self, body: &str) -> Result<Provider, ApiError> {
        parse_config(&envelope_data(body)?)
    }

    fn parse_update(
        &self,
        provider: &Provider,
        change: &Change,
        body: &str,
    ) -> Result<Provider, ApiError> {
        match envelope_data(body)? {
            Value::Bool(true) => {}
            _ => return Err(ApiError::bad_response(200, "expected \"data\": true")),
        }
        let name = change
            .body()
            .get("provider")
            .and_then(Value::as_str)
            .unwrap_or(&provider.id);
        Ok(provider_from(name, SecretState::Set))
    }

    fn list_path(&self) -> &'static str {
        PATH
    }

    // One configuration per helpdesk, at one path whatever the id.
    fn item_path(&self, _id: &str) -> String {
        PATH.to_owned()
    }

    fn update_method(&self) -> Method {
        Method::Put
    }

    fn parse_one(&self, data: Value) -> Result<Provider, ApiError> {
        parse_config(&data)
    }

    // The id is the provider value the update call must carry.
    fn declared(&self, id: &str, name: Option<&str>) -> Provider {
        let mut p = provider_from(id, SecretState::Unknown);
        if let Some(n) = name {
            p.name = n.to_owned();
        }
        p.unread = true;
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::{conn, draft, wire};
    use crate::model::Auth;
    use serde_json::json;

    fn current() -> Provider {
        Libredesk
            .parse_item(r#"{"status":"success","data":{"provider":"openai","api_key_set":true}}"#)
            .unwrap()
    }

    #[test]
    fn key_change_sends_both_required_fields_with_basic_auth() {
        let c = Libredesk
            .validate(&current(), &draft(&[("api_key", json!("sk-live-1"))]))
            .unwrap();
        let r = Libredesk.update_request(&conn(&Libredesk), &current(), &c);
        assert_eq!(
            wire(&r),
            (
                "PUT",
                "http://gw/libredesk/api/v1/ai/provider".into(),
                Some("Basic a2V5OnNlY3JldA==".into()),
                Some(json!({"provider": "openai", "api_key": "sk-live-1"}))
            )
        );
    }

    #[test]
    fn token_scheme_header() {
        let mut k = conn(&Libredesk);
        k.auth = Auth::Token {
            key: "key".into(),
            secret: "secret".into(),
        };
        let c = Libredesk
            .validate(&current(), &draft(&[("api_key", json!("sk-2"))]))
            .unwrap();
        assert_eq!(
            wire(&Libredesk.update_request(&k, &current(), &c))
                .2
                .as_deref(),
            Some("token key:secret")
        );
    }

    #[test]
    fn provider_alone_cannot_be_sent_without_the_key() {
        let mut p = current();
        p.values.insert("provider".into(), json!("legacy"));
        let e = Libredesk
            .validate(&p, &draft(&[("provider", json!("openai"))]))
            .unwrap_err();
        assert!(e["api_key"].contains("every change"), "{e:?}");
    }

    #[test]
    fn only_openai_is_offered() {
        let e = Libredesk.validate(
            &current(),
            &draft(&[("provider", json!("anthropic")), ("api_key", json!("k"))]),
        );
        assert!(e.unwrap_err().contains_key("provider"));
    }

    #[test]
    fn empty_key_box_means_nothing_to_send() {
        assert!(Libredesk
            .validate(&current(), &draft(&[("api_key", json!(""))]))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn documented_success_gives_state_from_what_was_sent() {
        let c = Libredesk
            .validate(&current(), &draft(&[("api_key", json!("sk-3"))]))
            .unwrap();
        let p = Libredesk
            .parse_update(&current(), &c, r#"{"status":"success","data":true}"#)
            .unwrap();
        assert_eq!(p.secrets["api_key"], SecretState::Set);
        assert!(!format!("{p:?}").contains("sk-3"));
        assert!(Libredesk
            .parse_update(&current(), &c, r#"{"status":"success","data":false}"#)
            .is_err());
    }

    #[test]
    fn error_envelopes() {
        let e = Libredesk.parse_error(
            500,
            r#"{"status":"error","message":"Invalid provider","data":null,"error_type":"GeneralException"}"#,
        );
        assert_eq!(
            (e.status, e.message.as_str()),
            (Some(500), "Invalid provider")
        );
        let e = Libredesk.parse_error(401, "Unauthorized");
        assert_eq!(e.status, Some(401));
        assert!(e.message.contains("credentials"));
        // An error envelope with status 200 is still an error.
        let err = Libredesk
            .parse_item(r#"{"status":"error","message":"boom","data":null}"#)
            .unwrap_err();
        assert_eq!(err.message, "boom");
    }

    #[test]
    fn list_accepts_one_or_many() {
        assert_eq!(
            Libredesk
                .parse_list(r#"{"status":"success","data":{"provider":"openai"}}"#)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            Libredesk
                .parse_list(r#"{"status":"success","data":null}"#)
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            Libredesk.list_request(&conn(&Libredesk)).url,
            "http://gw/libredesk/api/v1/ai/provider"
        );
        assert!(Libredesk.parse_list(r#"{"data":{}}"#).is_err());
    }
}
