//! A made-up fifth gateway, "Acme Relay", that exists only in the tests. It proves that a
//! gateway is one file: the panel renders, validates and sends for it with no change
//! anywhere else. Its API: `GET /relays`, `GET|PATCH /relays/{id}`, the admin's key in an
//! `X-Acme-Key` header; a relay has a name, a write-only token, a tier and a retry limit
//! whose `null` means "the relay's default".

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard::dialect::{Connection, Dialect, Gateway};
use switchboard::model::{
    ApiError, AuthScheme, Fact, Field, FieldKind, Method, Provider, SecretState,
};

/// The Acme Relay dialect.
pub struct Acme;

/// The tiers Acme sells.
pub const TIERS: [&str; 3] = ["free", "pro", "enterprise"];

impl Dialect for Acme {
    fn slug(&self) -> &'static str {
        "acme"
    }

    fn label(&self) -> &'static str {
        "Acme Relay"
    }

    fn auth_schemes(&self) -> &'static [AuthScheme] {
        &[AuthScheme::Header("X-Acme-Key")]
    }

    fn facts(&self, p: &Provider) -> Vec<Fact> {
        let retries = Fact::of(p, "max_retries", "Retries")
            .unwrap_or_else(|| Fact::new("Retries", "relay default"));
        Fact::of(p, "tier", "Tier")
            .into_iter()
            .chain([retries])
            .collect()
    }

    fn notice(&self, p: &Provider) -> Option<&'static str> {
        (p.value("tier") == "enterprise").then_some("Enterprise relays are billed per request.")
    }

    fn fields(&self, _provider: &Provider) -> Vec<Field> {
        vec![
            Field::new("name", "Relay name", FieldKind::Text).required(),
            Field::new("token", "Upstream token", FieldKind::Secret).write_only(),
            Field::new(
                "tier",
                "Tier",
                FieldKind::Enum {
                    options: TIERS.to_vec(),
                    depends_on: None,
                },
            ),
            Field::new(
                "max_retries",
                "Retry limit",
                FieldKind::Integer { min: 0, max: 10 },
            )
            .nullable("relay default", "Use the relay's default"),
            Field::new("id", "Relay id", FieldKind::Text).read_only(),
        ]
    }

    fn list_path(&self) -> &'static str {
        "/relays"
    }

    fn item_path(&self, encoded_id: &str) -> String {
        format!("/relays/{encoded_id}")
    }

    fn update_method(&self) -> Method {
        Method::Patch
    }

    fn parse_one(&self, item: Value) -> Result<Provider, ApiError> {
        let text = |k: &str| {
            item.get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ApiError::bad_response(200, format_args!("missing \"{k}\"")))
        };
        let (id, name, tier) = (text("id")?, text("name")?, text("tier")?);
        let mut values = Map::new();
        values.insert("id".into(), Value::String(id.clone()));
        values.insert("name".into(), Value::String(name.clone()));
        values.insert("tier".into(), Value::String(tier.clone()));
        values.insert(
            "max_retries".into(),
            item.get("max_retries").cloned().unwrap_or(Value::Null),
        );
        let token = match item.get("token_set").and_then(Value::as_bool) {
            Some(true) => SecretState::Set,
            Some(false) => SecretState::NotSet,
            None => SecretState::Unknown,
        };
        Ok(Provider {
            id,
            name,
            kind: tier,
            enabled: None,
            values,
            secrets: BTreeMap::from([("token".to_owned(), token)]),
            managed: false,
            unread: false,
        })
    }
}

/// A connection to an Acme Relay at `base_url` with the admin key `key`.
pub fn connection(base_url: &str, key: &str) -> Connection {
    Connection {
        id: "acme".into(),
        name: "Acme (test)".into(),
        gateway: Gateway(&Acme),
        base_url: base_url.into(),
        auth: AuthScheme::Header("X-Acme-Key").with(String::new(), key.into()),
        list_path: None,
        item_path: None,
        declared: Vec::new(),
        reads: true,
    }
}

/// The relay every test starts from.
pub fn relay() -> Provider {
    Acme.parse_item(
        r#"{"id":"r-7","name":"Edge relay","tier":"pro","max_retries":3,"token_set":true}"#,
    )
    .unwrap_or_else(|e| panic!("the sample relay parses: {e}"))
}
