//! The sandbox's answers conform to its committed OpenAPI 3.1 documents: every documented
//! operation, success and error, is called over HTTP and its body validated against the
//! schema the document gives for that status.

use reqwest::{Client, Method};
use serde_json::{json, Value};
use switchboard_sandbox::{Seed, OPENAPI};

mod common;

fn doc(gateway: &str) -> Value {
    let text = OPENAPI.iter().find(|(n, _)| *n == gateway).unwrap().1;
    serde_json::from_str(text).unwrap()
}

/// Follows `$ref`s to `#/components/...` within the document.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            doc,
            doc.pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {r}")),
        ),
        None => v,
    }
}

/// The response schema for an operation and status, wrapped so its `$ref`s resolve.
fn schema(doc: &Value, path: &str, method: &str, status: u16) -> Value {
    let op = doc["paths"][path][method].clone();
    assert!(op.is_object(), "{path} {method} is not documented");
    let response = resolve(doc, &op["responses"][status.to_string()]);
    assert!(
        response.is_object(),
        "{method} {path} does not document {status}"
    );
    let mut s = response["content"]["application/json"]["schema"].clone();
    assert!(s.is_object(), "{method} {path} {status} has no JSON schema");
    s["components"] = doc["components"].clone();
    s
}

struct Call {
    gateway: &'static str,
    doc_path: &'static str,
    method: Method,
    url: String,
    auth: Option<&'static str>,
    body: Option<&'static str>,
    status: u16,
}

fn call(
    gateway: &'static str,
    doc_path: &'static str,
    method: Method,
    url: &str,
    auth: Option<&'static str>,
    body: Option<&'static str>,
    status: u16,
) -> Call {
    Call {
        gateway,
        doc_path,
        method,
        url: url.into(),
        auth,
        body,
        status,
    }
}

#[tokio::test]
async fn every_documented_answer_conforms() {
    let sandbox = common::start(Seed::Demo, ":memory:").await;
    let base = sandbox.base.clone();
    let http = Client::new();
    let rf = Some("Bearer demo-refactor-token");
    let ld = Some("token demo-libredesk-key:demo-libredesk-secret");
    let bd = Some("Bearer demo-barndoor-jwt");
    let rs = Some("Bearer demo-respan-key");
    let bd_item = "/barndoor/api/llm-gateway/admin/providers/b1a7c3d2-0003-4a00-8000-000000000003";
    let calls = vec![
        call(
            "respan",
            "/api/providers/",
            Method::GET,
            "/respan/api/providers/?page=2&page_size=1",
            rs,
            None,
            200,
        ),
        call(
            "respan",
            "/api/providers/",
            Method::GET,
            "/respan/api/providers/?page=99&page_size=10",
            rs,
            None,
            404,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers?page=2&limit=2",
            bd,
            None,
            200,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers?page=0&limit=2",
            bd,
            None,
            400,
        ),
        call(
            "refactor",
            "/v1/llm-provider",
            Method::GET,
            "/refactor/v1/llm-provider",
            Some("Bearer demo-refactor-read-token"),
            None,
            200,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some("Bearer demo-refactor-read-token"),
            Some(r#"{"enabled":false}"#),
            403,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some("bearer demo-refactor-token"),
            Some(r#"{"credentials":{"region":{"name":"eu","zones":[1,2]},"ttl":30}}"#),
            200,
        ),
        call(
            "respan",
            "/api/providers/",
            Method::GET,
            "/respan/api/providers/",
            Some("BEARER demo-respan-key"),
            None,
            200,
        ),
        call(
            "refactor",
            "/v1/llm-provider",
            Method::GET,
            "/refactor/v1/llm-provider",
            rf,
            None,
            200,
        ),
        call(
            "refactor",
            "/v1/llm-provider",
            Method::GET,
            "/refactor/v1/llm-provider",
            None,
            None,
            401,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::GET,
            "/refactor/v1/llm-provider/openai",
            rf,
            None,
            200,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::GET,
            "/refactor/v1/llm-provider/xai",
            rf,
            None,
            404,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            rf,
            Some(r#"{"enabled":false,"credentials":{"api_key":"sk-new-api-key"}}"#),
            200,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            rf,
            Some(r#"{"enabled":"x"}"#),
            400,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/xai",
            rf,
            Some(r#"{"enabled":true}"#),
            404,
        ),
        call(
            "refactor",
            "/v1/llm-provider/{provider}",
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some("Bearer no"),
            Some("{}"),
            401,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::GET,
            "/libredesk/api/v1/ai/provider",
            ld,
            None,
            200,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::GET,
            "/libredesk/api/v1/ai/provider",
            None,
            None,
            401,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            ld,
            Some(r#"{"provider":"openai","api_key":"k"}"#),
            200,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            ld,
            Some(r#"{"provider":"openai"}"#),
            400,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            ld,
            Some(r#"{"provider":"x","api_key":"k"}"#),
            500,
        ),
        call(
            "libredesk",
            "/api/v1/ai/provider",
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            None,
            Some("{}"),
            401,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers",
            bd,
            None,
            200,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers",
            None,
            None,
            401,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::GET,
            bd_item,
            bd,
            None,
            200,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers/nope",
            bd,
            None,
            400,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers/11111111-2222-4333-8444-555555555555",
            bd,
            None,
            404,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::PUT,
            bd_item,
            bd,
            Some(r#"{"name":"n","request_timeout_secs":null,"settings":{"a":1}}"#),
            200,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::PUT,
            bd_item,
            bd,
            Some(r#"{"request_timeout_secs":0}"#),
            400,
        ),
        call(
            "barndoor",
            "/api/llm-gateway/admin/providers/{id}",
            Method::PUT,
            bd_item,
            None,
            Some("{}"),
            401,
        ),
        call(
            "respan",
            "/api/providers/",
            Method::GET,
            "/respan/api/providers/",
            rs,
            None,
            200,
        ),
        call(
            "respan",
            "/api/providers/",
            Method::GET,
            "/respan/api/providers/",
            None,
            None,
            401,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::GET,
            "/respan/api/providers/1/",
            rs,
            None,
            200,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::GET,
            "/respan/api/providers/99/",
            rs,
            None,
            404,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/1/",
            rs,
            Some(r#"{"provider_name":"n","api_key":"k","extra_kwargs":{}}"#),
            200,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/1/",
            rs,
            Some(r#"{"provider_name":""}"#),
            400,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/1/",
            rs,
            Some("{bad"),
            400,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/2/",
            rs,
            Some(r#"{"api_key":"k"}"#),
            403,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/1/",
            None,
            Some("{}"),
            401,
        ),
        call(
            "respan",
            "/api/providers/{provider_id}/",
            Method::PATCH,
            "/respan/api/providers/99/",
            rs,
            Some("{}"),
            404,
        ),
    ];
    let mut checked = 0;
    for c in calls {
        let mut req = http.request(c.method.clone(), format!("{base}{}", c.url));
        if let Some(a) = c.auth {
            req = req.header("Authorization", a);
        }
        if let Some(b) = c.body {
            req = req.header("Content-Type", "application/json").body(b);
        }
        let res = req.send().await.unwrap();
        let label = format!("{} {} ({})", c.method, c.url, c.gateway);
        assert_eq!(res.status().as_u16(), c.status, "{label}");
        let body: Value = res
            .json()
            .await
            .unwrap_or_else(|e| panic!("{label}: not JSON: {e}"));
        let d = doc(c.gateway);
        let s = schema(&d, c.doc_path, &c.method.as_str().to_lowercase(), c.status);
        let validator =
            jsonschema::draft202012::new(&s).unwrap_or_else(|e| panic!("{label}: bad schema: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{label} answered {body} which breaks its schema: {errors:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 40);
}

#[tokio::test]
async fn a_storage_failure_is_the_documented_500() {
    let dir = std::env::temp_dir().join(format!("sb-openapi-500-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sandbox.db");
    let _ = std::fs::remove_file(&db);
    let sandbox = common::start(Seed::Demo, db.to_str().unwrap()).await;
    // The server is up (and has seeded) once it answers; then its table goes away.
    let http = Client::new();
    let list = format!("{}/refactor/v1/llm-provider", sandbox.base);
    let auth = ("Authorization", "Bearer demo-refactor-token");
    assert_eq!(
        http.get(&list)
            .header(auth.0, auth.1)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TABLE refactor_providers")
        .unwrap();
    let d = doc("refactor");
    for (method, path, url, body) in [
        (Method::GET, "/v1/llm-provider", list.clone(), None),
        (
            Method::PUT,
            "/v1/llm-provider/{provider}",
            format!("{list}/openai"),
            Some(r#"{"enabled":true}"#),
        ),
    ] {
        let mut req = http.request(method.clone(), &url).header(auth.0, auth.1);
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 500, "{method} {url}");
        let v: Value = res.json().await.unwrap();
        let s = schema(&d, path, &method.as_str().to_lowercase(), 500);
        assert!(
            jsonschema::draft202012::new(&s).unwrap().is_valid(&v),
            "{v}"
        );
        assert_eq!(v, json!({"error": "Storage failure"}));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_documents_are_served_and_are_openapi_3_1() {
    let sandbox = common::start(Seed::Demo, ":memory:").await;
    let base = sandbox.base.clone();
    for (name, _) in OPENAPI {
        let v: Value = reqwest::get(format!("{base}/openapi/{name}.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["openapi"], json!("3.1.0"), "{name}");
        assert!(
            v["paths"].as_object().is_some_and(|p| !p.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn schemas_reject_what_the_documents_forbid() {
    // A schema that accepts anything would make the conformance test unable to fail.
    let d = doc("barndoor");
    let mut s = schema(&d, "/api/llm-gateway/admin/providers/{id}", "put", 200);
    let v = jsonschema::draft202012::new(&s).unwrap();
    assert!(!v.is_valid(&json!({"id": "x"})));
    assert!(!v.is_valid(&json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "org_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "n", "model_provider": "openai", "auth_type": "api_key", "base_url": "https://x", "enabled": true, "settings": {}, "api_key": "leak"})));
    s = schema(
        &doc("respan"),
        "/api/providers/{provider_id}/",
        "patch",
        200,
    );
    let v = jsonschema::draft202012::new(&s).unwrap();
    assert!(!v.is_valid(&json!({"id": 1, "provider_id": "p", "provider_name": "n", "created_at": "t", "updated_at": "t", "api_key": "leak"})));
}
