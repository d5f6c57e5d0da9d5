//! Property tests: no parser or validator of any dialect panics, whatever the server or
//! the user sends; extra fields are tolerated; valid shapes parse. Fixed seed, so CI
//! runs the same cases every time (`CASES` each).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Map, Value};
use switchboard::dialect::{by_slug, Connection, Gateway, GATEWAYS};
use switchboard::model::{Auth, Draft, Provider};

const CASES: u32 = 10_000;

fn config() -> Config {
    Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(0x5b17c4),
        failure_persistence: None,
        ..Config::default()
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("openai"),
            Just("1"),
            Just("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
            Just("success"),
            Just("error")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Keys that the dialects look for, plus noise, so generated objects hit real branches.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "id", "provider", "enabled", "credentials", "status", "data", "api_key_set", "name", "model_provider",
            "auth_type", "base_url", "settings", "connection_id", "request_timeout_secs", "stream_idle_timeout_secs",
            "provider_id", "provider_name", "is_managed", "error", "detail", "message", "code", "details", "results",
            "items", "loc", "msg", "field", "error_type", "org_id", "catalog_slug",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z_]{1,8}",
    ]
}

/// The registered gateway with this slug.
fn gw(slug: &str) -> Gateway {
    by_slug(slug).unwrap_or_else(|| panic!("no dialect {slug}"))
}

fn conn(gateway: Gateway) -> Connection {
    Connection {
        id: "c".into(),
        name: "c".into(),
        gateway,
        base_url: "http://gw".into(),
        auth: Auth::Bearer("t".into()),
        list_path: None,
        item_path: None,
        declared: Vec::new(),
        reads: true,
    }
}

fn sample(gateway: Gateway) -> Provider {
    let body = match gateway.slug() {
        "refactor" => r#"{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}"#,
        "libredesk" => r#"{"status":"success","data":{"provider":"openai","api_key_set":true}}"#,
        "barndoor" => {
            r#"{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","org_id":"o","name":"n","model_provider":"bedrock","auth_type":"aws_role","base_url":"https://x","enabled":true,"settings":{}}"#
        }
        "respan" => r#"{"id":1,"provider_id":"p","provider_name":"n","is_managed":false}"#,
        other => panic!("no sample for {other}"),
    };
    gateway
        .dialect()
        .parse_item(body)
        .unwrap_or_else(|e| panic!("sample {gateway:?}: {e}"))
}

/// Runs every parser of every dialect on one body; only a panic can fail this.
fn parse_everything(body: &str, status: u16) {
    for &g in &GATEWAYS {
        let d = g.dialect();
        let _ = d.parse_list(body);
        let _ = d.parse_item(body);
        let _ = d.parse_error(status, body);
        let p = sample(g);
        let draft = Draft::default();
        if let Ok(change) = d.validate(&p, &draft) {
            let _ = d.parse_update(&p, &change, body);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600) {
        parse_everything(&String::from_utf8_lossy(&bytes), status);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value(), status in 100u16..600) {
        parse_everything(&v.to_string(), status);
    }

    #[test]
    fn arbitrary_drafts_validate_or_explain(edits in prop::collection::vec((key(), json_value()), 0..6)) {
        for &g in &GATEWAYS {
            let d = g.dialect();
            let p = sample(g);
            let mut draft = Draft::default();
            for (k, v) in &edits {
                draft.set(k, v.clone());
            }
            match d.validate(&p, &draft) {
                Ok(change) => {
                    let fields = d.fields(&p);
                    for name in change.body().keys() {
                        let f = fields.iter().find(|f| f.name == name.as_str());
                        prop_assert!(f.is_some_and(|f| f.is_editable()), "{g:?} would send {name}");
                    }
                    let req = d.update_request(&conn(g), &p, &change);
                    prop_assert!(req.body.is_some());
                    let masked = Value::Object(change.masked_body()).to_string();
                    for secret in ["api_key", "credentials"] {
                        if let Some(Value::String(s)) = change.body().get(secret) {
                            prop_assert!(s.is_empty() || !masked.contains(s.as_str()) || s == "••••");
                        }
                    }
                }
                Err(errors) => prop_assert!(!errors.is_empty()),
            }
        }
    }

    #[test]
    fn extra_fields_are_tolerated(extra in prop::collection::vec(("x_[a-z]{1,6}", json_value()), 0..5)) {
        let add = |mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                for (k, x) in &extra {
                    o.insert(k.clone(), x.clone());
                }
            }
            v
        };
        let rf = add(json!({"provider": "xai", "enabled": false}));
        prop_assert!(gw("refactor").parse_item(&rf.to_string()).is_ok());
        let bd = add(json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "org_id": "o", "name": "n", "model_provider": "openai",
            "auth_type": "api_key", "base_url": "https://x", "enabled": true, "settings": {}}));
        prop_assert!(gw("barndoor").parse_item(&bd.to_string()).is_ok());
        let rs = add(json!({"id": "7", "provider_name": "n"}));
        prop_assert!(gw("respan").parse_item(&rs.to_string()).is_ok());
        let ld = json!({"status": "success", "data": add(json!({"provider": "openai"}))});
        prop_assert!(gw("libredesk").parse_item(&ld.to_string()).is_ok());
    }
}

/// A member of a provider-like object: mostly the types the documents give, often not.
fn member() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(Value::Null)),
        3 => prop_oneof![
            Just("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
            Just("openai"),
            Just(""),
            Just("n\u{e9} \\ \""),
        ]
        .prop_map(|s| Some(Value::String(s.into()))),
        2 => prop_oneof![Just(0i64), Just(1800), Just(-5), Just(i64::MAX)].prop_map(|n| Some(Value::from(n))),
        1 => any::<bool>().prop_map(|b| Some(Value::Bool(b))),
        1 => Just(Some(json!(1.5))),
        1 => Just(Some(json!({"region": "eu"}))),
        1 => Just(Some(json!(u64::MAX))),
    ]
}

/// A provider both Barndoor and Respan accept, with a few members replaced or removed.
fn provider_like() -> impl Strategy<Value = Value> {
    const KEYS: [&str; 17] = [
        "id",
        "org_id",
        "name",
        "model_provider",
        "auth_type",
        "base_url",
        "enabled",
        "settings",
        "catalog_id",
        "connection_id",
        "catalog_slug",
        "request_timeout_secs",
        "stream_idle_timeout_secs",
        "provider_id",
        "provider_name",
        "is_managed",
        "created_at",
    ];
    let base = json!({
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "org_id": "o", "name": "OpenAI", "model_provider": "openai",
        "auth_type": "api_key", "base_url": "https://api.openai.com/v1", "enabled": true, "settings": {},
        "catalog_id": null, "connection_id": null, "catalog_slug": "openai", "request_timeout_secs": 1800,
        "stream_idle_timeout_secs": 900, "provider_id": "azure", "provider_name": "Azure", "is_managed": false,
        "created_at": "2024-01-15T10:30:00Z", "unknown": [1, 2],
    });
    prop::collection::vec((prop::sample::select(KEYS.to_vec()), member()), 0..4).prop_map(
        move |edits| {
            let mut v = base.clone();
            if let Some(o) = v.as_object_mut() {
                for (k, m) in edits {
                    match m {
                        Some(x) => o.insert(k.to_owned(), x),
                        None => o.remove(k),
                    };
                }
            }
            v
        },
    )
}

proptest! {
    #![proptest_config(config())]

    // The fast reading of big lists (straight into typed structs) must give exactly what
    // the item-by-item reading gives, or step aside.
    #[test]
    fn fast_list_reading_agrees_with_item_by_item(
        items in prop::collection::vec(provider_like(), 0..4),
        wrapped in any::<bool>(),
    ) {
        let body = if wrapped { json!({"count": items.len(), "results": items}) } else { Value::Array(items.clone()) }.to_string();
        for gateway in [gw("barndoor"), gw("respan")] {
            let d = gateway.dialect();
            let by_item: Result<Vec<Provider>, _> = items.iter().cloned().map(|v| d.parse_one(v)).collect();
            if let Some(fast) = d.parse_list_fast(&body) {
                prop_assert_eq!(&fast, &by_item, "{:?} on {}", gateway, body);
            }
            prop_assert_eq!(d.parse_list(&body), by_item);
        }
    }
}

#[test]
fn fast_list_reading_answers_for_documented_lists() {
    let barndoor = r#"[{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","org_id":"o","name":"OpenAI","model_provider":"openai","auth_type":"api_key","base_url":null,"enabled":true,"settings":{},"catalog_id":null,"connection_id":null,"catalog_slug":"openai","request_timeout_secs":1800,"stream_idle_timeout_secs":null,"extra":1}]"#;
    let respan = r#"{"count":1,"next":null,"previous":null,"results":[{"id":123,"provider_id":"my-azure-provider","provider_name":"Azure Provider","is_managed":false,"created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T10:30:00Z"}]}"#;
    for (gateway, body) in [(gw("barndoor"), barndoor), (gw("respan"), respan)] {
        let fast = gateway.dialect().parse_list_fast(body);
        assert!(
            matches!(&fast, Some(Ok(list)) if list.len() == 1),
            "{gateway:?}: {fast:?}"
        );
    }
}

#[test]
fn missing_required_fields_are_errors() {
    let mut full: Map<String, Value> = serde_json::from_str(
        r#"{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","org_id":"o","name":"n","model_provider":"openai","auth_type":"api_key","base_url":"https://x","enabled":true,"settings":{}}"#,
    )
    .unwrap();
    for required in ["id", "name", "model_provider", "enabled"] {
        let v = full.remove(required).unwrap();
        assert!(
            gw("barndoor")
                .parse_item(&Value::Object(full.clone()).to_string())
                .is_err(),
            "{required}"
        );
        full.insert(required.into(), v);
    }
    assert!(gw("refactor").parse_item(r#"{"enabled":true}"#).is_err());
    assert!(gw("respan").parse_item(r#"{"id":1}"#).is_err());
    assert!(gw("libredesk")
        .parse_item(r#"{"status":"success","data":{}}"#)
        .is_err());
}
