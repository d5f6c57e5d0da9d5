//! Contract of every dialect, registered or brought by a test: the registry is the one
//! list of gateways, and a fifth gateway written in one file (tests/acme) validates and
//! turns drafts into exact requests with its own auth header.

mod acme;

use acme::{connection, relay, Acme};
use serde_json::{json, Value};
use switchboard::dialect::{by_slug, Dialect, Gateway, GATEWAYS};
use switchboard::model::{Draft, Method};

fn draft(pairs: &[(&str, Value)]) -> Draft {
    let mut d = Draft::default();
    for (k, v) in pairs {
        d.set(k, v.clone());
    }
    d
}

#[test]
fn the_registry_lists_each_gateway_once_and_finds_it_by_slug() {
    let slugs: Vec<&str> = GATEWAYS.iter().map(|g| g.slug()).collect();
    assert_eq!(slugs, ["refactor", "libredesk", "barndoor", "respan"]);
    for g in &GATEWAYS {
        assert_eq!(by_slug(g.slug()), Some(*g));
        assert!(!g.label().is_empty());
        assert!(
            !g.auth_schemes().is_empty(),
            "{g:?} offers a way to authenticate"
        );
    }
    assert_eq!(by_slug("acme"), None, "a test dialect is not registered");
}

#[test]
fn a_fifth_dialect_plans_the_exact_request_with_its_own_header() {
    let conn = connection("http://acme.test/api", "k-123");
    let update = Gateway(&Acme)
        .plan_update(
            &conn,
            &relay(),
            &draft(&[
                ("tier", json!("enterprise")),
                ("max_retries", Value::Null),
                ("token", json!("t-new")),
                ("name", json!("Edge relay")),
            ]),
        )
        .expect("valid draft");
    let req = &update.request;
    assert_eq!(req.method, Method::Patch);
    assert_eq!(req.url, "http://acme.test/api/relays/r-7");
    assert_eq!(
        req.auth.header(),
        Some(("X-Acme-Key".into(), "k-123".into()))
    );
    assert!(req.wire_headers().iter().all(|(k, _)| k != "Authorization"));
    assert_eq!(
        req.body,
        Some(json!({"tier": "enterprise", "max_retries": null, "token": "t-new"})),
        "only changed fields; the unchanged name is not sent"
    );
    assert_eq!(update.change.changed(), ["token", "tier", "max_retries"]);
    assert_eq!(
        req.auth.masked_header().as_deref(),
        Some("X-Acme-Key: ••••")
    );
    let rows: Vec<(&str, &str)> = update
        .change
        .rows()
        .iter()
        .map(|r| (r.label, r.after.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Upstream token", "••••"),
            ("Tier", "enterprise"),
            ("Retry limit", "relay default")
        ]
    );
}

#[test]
fn a_fifth_dialect_validates_by_its_own_description() {
    let conn = connection("http://acme.test", "k");
    let errors = Gateway(&Acme)
        .plan_update(
            &conn,
            &relay(),
            &draft(&[
                ("max_retries", json!("11")),
                ("tier", json!("gold")),
                ("name", json!(" ")),
                ("id", json!("r-8")),
            ]),
        )
        .expect_err("every field is wrong");
    let named: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(named, ["id", "max_retries", "name", "tier"]);
    assert!(errors["max_retries"].contains("10"), "{errors:?}");
}

#[test]
fn a_fifth_dialect_presents_its_providers() {
    let p = relay();
    let facts: Vec<(&str, String)> = Acme
        .facts(&p)
        .into_iter()
        .map(|f| (f.label, f.text))
        .collect();
    assert_eq!(
        facts,
        [("Tier", "pro".to_owned()), ("Retries", "3".to_owned())]
    );
    assert_eq!(Acme.notice(&p), None);
    let mut enterprise = p.clone();
    enterprise.values.insert("tier".into(), json!("enterprise"));
    assert!(Acme.notice(&enterprise).is_some());
}
