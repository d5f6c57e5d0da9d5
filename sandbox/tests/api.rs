//! Every documented rule of the four APIs, over real HTTP against a running sandbox.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use switchboard_sandbox::Seed;

mod common;

struct Sandbox {
    base: String,
    http: Client,
    _running: common::Running,
}

async fn start() -> Sandbox {
    start_with(Seed::Demo).await
}

async fn start_with(seed: Seed) -> Sandbox {
    let running = common::start(seed, ":memory:").await;
    Sandbox {
        base: running.base.clone(),
        http: Client::new(),
        _running: running,
    }
}

const RF: &str = "Bearer demo-refactor-token";
const BD: &str = "Bearer demo-barndoor-jwt";
const RS: &str = "Bearer demo-respan-key";
const OPENAI_BD: &str = "b1a7c3d2-0001-4a00-8000-000000000001";
const ANTHROPIC_BD: &str = "b1a7c3d2-0002-4a00-8000-000000000002";
const BEDROCK_BD: &str = "b1a7c3d2-0003-4a00-8000-000000000003";

impl Sandbox {
    async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_owned());
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

// ---------- re-factor ----------

#[tokio::test]
async fn refactor_update_enabled_and_masked_credentials() {
    let s = start().await;
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some(RF),
            Some(r#"{"enabled":false}"#),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        v,
        json!({"provider": "openai", "enabled": false, "credentials": {"api_key": "sk-***", "organization": "org***"}})
    );
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some(RF),
            Some(r#"{"credentials":{"api_key":"sk-new-api-key"}}"#),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(v["credentials"]["api_key"], "sk-***");
    assert_eq!(
        v["enabled"], false,
        "enabled untouched when only credentials are sent"
    );
    assert!(!v.to_string().contains("sk-new-api-key"));
}

#[tokio::test]
async fn refactor_credentials_merge_and_null_removes() {
    let s = start().await;
    let (_, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            Some(RF),
            Some(r#"{"credentials":{"organization":null,"region":"eu-west-1"}}"#),
        )
        .await;
    assert_eq!(
        v["credentials"],
        json!({"api_key": "sk-***", "region": "eu-***"})
    );
    let (_, v) = s
        .call(
            Method::GET,
            "/refactor/v1/llm-provider/openai",
            Some(RF),
            None,
        )
        .await;
    assert_eq!(
        v["credentials"],
        json!({"api_key": "sk-***", "region": "eu-***"})
    );
}

#[tokio::test]
async fn refactor_errors_in_both_documented_shapes() {
    let s = start().await;
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/xai",
            Some(RF),
            Some(r#"{"enabled":true}"#),
        )
        .await;
    assert_eq!(st, 404);
    assert_eq!(
        v,
        json!({"error": {"code": "NOT_FOUND", "message": "No configuration found for provider: xai"}})
    );
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/cohere",
            Some(RF),
            Some(r#"{"enabled":true}"#),
        )
        .await;
    assert_eq!(
        (st, v["error"].is_string()),
        (StatusCode::BAD_REQUEST, true)
    );
    for bad in [
        r#"{}"#,
        r#"{"enabled":"yes"}"#,
        r#"{"credentials":[]}"#,
        r#"{"enabled":true,"extra":1}"#,
        "{not json",
        "[]",
    ] {
        let (st, v) = s
            .call(
                Method::PUT,
                "/refactor/v1/llm-provider/openai",
                Some(RF),
                Some(bad),
            )
            .await;
        assert_eq!(st, 400, "{bad}");
        assert!(v["error"].is_string(), "{bad}: {v}");
    }
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            None,
            Some(r#"{"enabled":true}"#),
        )
        .await;
    assert_eq!(
        (st, v),
        (StatusCode::UNAUTHORIZED, json!({"error": "Unauthorized"}))
    );
    let (st, _) = s
        .call(
            Method::GET,
            "/refactor/v1/llm-provider",
            Some("Bearer wrong"),
            None,
        )
        .await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn refactor_list_shows_configured_providers() {
    let s = start().await;
    let (st, v) = s
        .call(Method::GET, "/refactor/v1/llm-provider", Some(RF), None)
        .await;
    assert_eq!(st, 200);
    let slugs: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["provider"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "openai",
            "anthropic",
            "azure",
            "google-vertex",
            "amazon-bedrock"
        ]
    );
}

// ---------- Libredesk ----------

#[tokio::test]
async fn libredesk_basic_and_token_auth() {
    let s = start().await;
    let basic = "Basic ZGVtby1saWJyZWRlc2sta2V5OmRlbW8tbGlicmVkZXNrLXNlY3JldA==";
    let token = "token demo-libredesk-key:demo-libredesk-secret";
    for auth in [basic, token] {
        let (st, v) = s
            .call(
                Method::PUT,
                "/libredesk/api/v1/ai/provider",
                Some(auth),
                Some(r#"{"provider":"openai","api_key":"sk-1"}"#),
            )
            .await;
        assert_eq!(
            (st, v),
            (StatusCode::OK, json!({"status": "success", "data": true}))
        );
    }
    for bad in [
        None,
        Some("token demo-libredesk-key:nope"),
        Some("Bearer x"),
        Some("Basic !!!"),
    ] {
        let (st, v) = s
            .call(
                Method::PUT,
                "/libredesk/api/v1/ai/provider",
                bad,
                Some(r#"{"provider":"openai","api_key":"k"}"#),
            )
            .await;
        assert_eq!(st, 401, "{bad:?}");
        assert_eq!(v["status"], "error");
    }
}

#[tokio::test]
async fn libredesk_requires_both_fields_and_never_returns_the_key() {
    let s = start().await;
    let token = "token demo-libredesk-key:demo-libredesk-secret";
    for bad in [
        r#"{"provider":"openai"}"#,
        r#"{"api_key":"k"}"#,
        r#"{"provider":"openai","api_key":""}"#,
        r#"{"provider":"","api_key":"k"}"#,
        "nope",
    ] {
        let (st, v) = s
            .call(
                Method::PUT,
                "/libredesk/api/v1/ai/provider",
                Some(token),
                Some(bad),
            )
            .await;
        assert_eq!(st, 400, "{bad}");
        assert_eq!(
            (v["status"].as_str(), v["data"].is_null()),
            (Some("error"), true),
            "{bad}"
        );
    }
    let (st, v) = s
        .call(
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            Some(token),
            Some(r#"{"provider":"anthropic","api_key":"k"}"#),
        )
        .await;
    assert_eq!(st, 500);
    assert_eq!(v["message"], "Invalid provider");
    let (_, _) = s
        .call(
            Method::PUT,
            "/libredesk/api/v1/ai/provider",
            Some(token),
            Some(r#"{"provider":"openai","api_key":"sk-canary-123"}"#),
        )
        .await;
    let (st, v) = s
        .call(
            Method::GET,
            "/libredesk/api/v1/ai/provider",
            Some(token),
            None,
        )
        .await;
    assert_eq!(
        (st, v.clone()),
        (
            StatusCode::OK,
            json!({"status": "success", "data": {"provider": "openai", "api_key_set": true}})
        )
    );
    assert!(!v.to_string().contains("canary"));
}

// ---------- Barndoor ----------

#[tokio::test]
async fn barndoor_full_provider_answer_without_keys() {
    let s = start().await;
    let path = format!("/barndoor/api/llm-gateway/admin/providers/{ANTHROPIC_BD}");
    let (st, v) = s
        .call(
            Method::PUT,
            &path,
            Some(BD),
            Some(r#"{"name":"Claude","api_key":"sk-ant-canary","request_timeout_secs":3600}"#),
        )
        .await;
    assert_eq!(st, 200);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "auth_type",
            "base_url",
            "catalog_id",
            "catalog_slug",
            "connection_id",
            "enabled",
            "id",
            "model_provider",
            "name",
            "org_id",
            "request_timeout_secs",
            "settings",
            "stream_idle_timeout_secs"
        ]
    );
    assert_eq!(
        (v["name"].as_str(), v["request_timeout_secs"].as_i64()),
        (Some("Claude"), Some(3600))
    );
    assert!(!v.to_string().contains("canary"));
}

#[tokio::test]
async fn barndoor_timeout_ranges_and_inherit() {
    let s = start().await;
    let path = format!("/barndoor/api/llm-gateway/admin/providers/{OPENAI_BD}");
    for (body, ok) in [
        (r#"{"request_timeout_secs":0}"#, false),
        (r#"{"request_timeout_secs":1}"#, true),
        (r#"{"request_timeout_secs":3600}"#, true),
        (r#"{"request_timeout_secs":3601}"#, false),
        (r#"{"stream_idle_timeout_secs":1800}"#, true),
        (r#"{"stream_idle_timeout_secs":1801}"#, false),
        (r#"{"stream_idle_timeout_secs":1.5}"#, false),
        (
            r#"{"request_timeout_secs":null,"stream_idle_timeout_secs":null}"#,
            true,
        ),
    ] {
        let (st, v) = s.call(Method::PUT, &path, Some(BD), Some(body)).await;
        assert_eq!(st.is_success(), ok, "{body}: {v}");
        if !ok {
            assert_eq!(v["error"]["code"], "VALIDATION_ERROR");
        }
    }
    let (_, v) = s.call(Method::GET, &path, Some(BD), None).await;
    assert_eq!(
        (
            v["request_timeout_secs"].clone(),
            v["stream_idle_timeout_secs"].clone()
        ),
        (Value::Null, Value::Null)
    );
}

#[tokio::test]
async fn barndoor_detach_needs_a_key_in_the_same_request() {
    let s = start().await;
    let path = format!("/barndoor/api/llm-gateway/admin/providers/{OPENAI_BD}");
    let (st, v) = s
        .call(
            Method::PUT,
            &path,
            Some(BD),
            Some(r#"{"connection_id":null}"#),
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(v["error"]["details"][0]["field"], "connection_id");
    let (st, v) = s
        .call(
            Method::PUT,
            &path,
            Some(BD),
            Some(r#"{"connection_id":null,"credentials":{}}"#),
        )
        .await;
    assert_eq!(st, 400, "an empty credentials object provides none: {v}");
    assert_eq!(v["error"]["details"][0]["field"], "connection_id");
    let (st, v) = s
        .call(
            Method::PUT,
            &path,
            Some(BD),
            Some(r#"{"connection_id":null,"api_key":"sk-direct"}"#),
        )
        .await;
    assert_eq!(
        (st, v["connection_id"].clone()),
        (StatusCode::OK, Value::Null)
    );
    let (st, _) = s
        .call(
            Method::PUT,
            &path,
            Some(BD),
            Some(r#"{"connection_id":"not-a-uuid"}"#),
        )
        .await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn barndoor_auth_type_per_model_provider_and_errors() {
    let s = start().await;
    let bedrock = format!("/barndoor/api/llm-gateway/admin/providers/{BEDROCK_BD}");
    let (st, _) = s
        .call(
            Method::PUT,
            &bedrock,
            Some(BD),
            Some(r#"{"auth_type":"aws_keys"}"#),
        )
        .await;
    assert_eq!(st, 200);
    let (st, v) = s
        .call(
            Method::PUT,
            &bedrock,
            Some(BD),
            Some(r#"{"auth_type":"api_key"}"#),
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(v["error"]["details"][0]["field"], "auth_type");
    let missing = "/barndoor/api/llm-gateway/admin/providers/11111111-2222-4333-8444-555555555555";
    let (st, v) = s
        .call(Method::PUT, missing, Some(BD), Some(r#"{"enabled":false}"#))
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
    for bad in [
        "{oops",
        r#"{"colour":"red"}"#,
        r#"{"enabled":"no"}"#,
        r#"{"settings":[]}"#,
        r#"{"base_url":"ftp://x"}"#,
    ] {
        let (st, v) = s.call(Method::PUT, &bedrock, Some(BD), Some(bad)).await;
        assert_eq!(st, 400, "{bad}");
        assert!(v["error"]["code"].is_string(), "{bad}");
    }
    let (st, _) = s
        .call(Method::PUT, &bedrock, Some("Bearer nope"), Some("{}"))
        .await;
    assert_eq!(st, 401);
    let (st, v) = s
        .call(
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers",
            Some(BD),
            None,
        )
        .await;
    assert_eq!((st, v.as_array().map(Vec::len)), (StatusCode::OK, Some(5)));
}

// ---------- Respan ----------

#[tokio::test]
async fn respan_patch_changes_only_sent_fields_and_hides_write_only_ones() {
    let s = start().await;
    let (_, before) = s
        .call(Method::GET, "/respan/api/providers/1/", Some(RS), None)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (st, v) = s
        .call(
            Method::PATCH,
            "/respan/api/providers/1/",
            Some(RS),
            Some(r#"{"api_key":"new-api-key","extra_kwargs":{"timeout":90}}"#),
        )
        .await;
    assert_eq!(st, 200);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "created_at",
            "id",
            "provider_id",
            "provider_name",
            "updated_at"
        ]
    );
    assert_eq!(v["provider_name"], before["provider_name"]);
    assert_ne!(v["updated_at"], before["updated_at"]);
    assert!(!v.to_string().contains("new-api-key") && !v.to_string().contains("timeout"));
}

#[tokio::test]
async fn respan_read_only_managed_and_documented_errors() {
    let s = start().await;
    let (st, v) = s
        .call(
            Method::PATCH,
            "/respan/api/providers/1/",
            Some(RS),
            Some(r#"{"provider_id":"x"}"#),
        )
        .await;
    assert_eq!(st, 400);
    assert!(v["provider_id"].is_array());
    let (st, v) = s
        .call(
            Method::PATCH,
            "/respan/api/providers/2/",
            Some(RS),
            Some(r#"{"api_key":"k"}"#),
        )
        .await;
    assert_eq!(st, 403);
    assert_eq!(
        v["detail"],
        "Managed providers cannot modify critical fields: api_key."
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            "/respan/api/providers/2/",
            Some(RS),
            Some(r#"{"provider_name":"Renamed"}"#),
        )
        .await;
    assert_eq!(
        (st, v["provider_name"].as_str()),
        (StatusCode::OK, Some("Renamed"))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            "/respan/api/providers/999/",
            Some(RS),
            Some("{}"),
        )
        .await;
    assert_eq!(
        (st, v),
        (StatusCode::NOT_FOUND, json!({"detail": "Not found."}))
    );
    let (st, v) = s
        .call(Method::PATCH, "/respan/api/providers/1/", None, Some("{}"))
        .await;
    assert_eq!(
        (st, v),
        (
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    for bad in [
        "{x",
        r#"{"provider_name":""}"#,
        r#"{"extra_kwargs":"s"}"#,
        r#"{"nope":1}"#,
    ] {
        let (st, _) = s
            .call(
                Method::PATCH,
                "/respan/api/providers/1/",
                Some(RS),
                Some(bad),
            )
            .await;
        assert_eq!(st, 400, "{bad}");
    }
    let (_, v) = s
        .call(Method::GET, "/respan/api/providers/", Some(RS), None)
        .await;
    assert_eq!(v["count"], 3);
    assert_eq!(v["results"][1]["is_managed"], true);
}

// ---------- cross-cutting ----------

#[tokio::test]
async fn cors_preflight_allows_the_panel() {
    let s = start().await;
    for (origin, allowed) in [
        ("http://localhost:5173", true),
        ("https://admin.example.com", true),
        ("https://evil.example", false),
    ] {
        let res = s
            .http
            .request(
                Method::OPTIONS,
                format!("{}/respan/api/providers/1/", s.base),
            )
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PATCH")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        let h = res.headers();
        assert_eq!(
            h.get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_owned()),
            allowed.then(|| origin.to_owned())
        );
        if allowed {
            assert!(h["access-control-allow-methods"]
                .to_str()
                .unwrap()
                .contains("PATCH"));
            assert!(h["access-control-allow-headers"]
                .to_str()
                .unwrap()
                .contains("authorization"));
        }
    }
}

#[tokio::test]
async fn panel_config_points_at_every_mount() {
    let s = start().await;
    let (st, v) = s.call(Method::GET, "/switchboard.json", None, None).await;
    assert_eq!(st, 200);
    let dialects: Vec<&str> = v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["dialect"].as_str().unwrap())
        .collect();
    assert_eq!(dialects, ["refactor", "libredesk", "barndoor", "respan"]);
}

#[tokio::test]
async fn synthetic_seed_and_durable_file_database() {
    let s = start_with(Seed::Synthetic(50)).await;
    let (_, v) = s
        .call(
            Method::GET,
            "/barndoor/api/llm-gateway/admin/providers",
            Some(BD),
            None,
        )
        .await;
    assert_eq!(v.as_array().map(Vec::len), Some(50));
    let (_, v) = s
        .call(Method::GET, "/refactor/v1/llm-provider", Some(RF), None)
        .await;
    assert_eq!(v.as_array().map(Vec::len), Some(7));

    let dir = std::env::temp_dir().join(format!("sb-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db").to_string_lossy().into_owned();
    {
        let c = switchboard_sandbox::db::open(&db, Seed::Demo).unwrap();
        c.execute(
            "UPDATE respan_providers SET provider_name = 'kept' WHERE id = 1",
            [],
        )
        .unwrap();
    }
    let c = switchboard_sandbox::db::open(&db, Seed::Demo).unwrap();
    let name: String = c
        .query_row(
            "SELECT provider_name FROM respan_providers WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "kept", "reopening does not reseed over existing data");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn auth_scheme_names_are_case_insensitive() {
    use base64::Engine;
    let s = start().await;
    let basic = format!(
        "basic {}",
        base64::engine::general_purpose::STANDARD
            .encode("demo-libredesk-key:demo-libredesk-secret")
    );
    for (path, auth) in [
        ("/refactor/v1/llm-provider", "bearer demo-refactor-token"),
        (
            "/barndoor/api/llm-gateway/admin/providers",
            "BEARER demo-barndoor-jwt",
        ),
        ("/respan/api/providers/", "bEaReR demo-respan-key"),
        ("/libredesk/api/v1/ai/provider", basic.as_str()),
        (
            "/libredesk/api/v1/ai/provider",
            "Token demo-libredesk-key:demo-libredesk-secret",
        ),
    ] {
        let (st, _) = s.call(Method::GET, path, Some(auth), None).await;
        assert_eq!(st, StatusCode::OK, "{auth} on {path}");
    }
    // The token itself is still compared exactly.
    let (st, _) = s
        .call(
            Method::GET,
            "/respan/api/providers/",
            Some("bearer DEMO-RESPAN-KEY"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refactor_read_only_token_reads_but_cannot_update() {
    let s = start().await;
    let ro = Some("Bearer demo-refactor-read-token");
    let (st, _) = s
        .call(Method::GET, "/refactor/v1/llm-provider/openai", ro, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = s
        .call(
            Method::PUT,
            "/refactor/v1/llm-provider/openai",
            ro,
            Some(r#"{"enabled":false}"#),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|m| m.starts_with("Forbidden")),
        "{v}"
    );
    let (_, v) = s
        .call(Method::GET, "/refactor/v1/llm-provider/openai", ro, None)
        .await;
    assert_eq!(v["enabled"], Value::Bool(true), "nothing changed");
}
