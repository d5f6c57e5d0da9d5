//! re-factor: `PUT /v1/llm-provider/{provider}`, plus GET on the collection and the item.
//!
//! Credentials merge key by key: a key sent with a value replaces that key, a key sent
//! as `null` is removed, keys not sent are kept. Answers mask every credential value
//! (`sk-new-api-key` becomes `sk-***`).

use crate::http::{bearer_ok, json_object, lock, reply, storage_failed, unknown_field, BodyError};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

/// The seven provider slugs of the document.
pub const PROVIDERS: [&str; 7] = [
    "openai",
    "anthropic",
    "google",
    "google-vertex",
    "azure",
    "amazon-bedrock",
    "xai",
];

/// The re-factor routes, to be nested under `/refactor`.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/llm-provider", get(list))
        .route("/v1/llm-provider/{provider}", get(read).put(update))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    reply(status, json!({"error": message.into()}))
}

/// The answer refusing a request: a bad bearer token, the read-only token on an update
/// (the document's 403), or (item routes) an unknown slug.
fn refusal(
    s: &Shared,
    headers: &HeaderMap,
    provider: Option<&str>,
    writes: bool,
) -> Option<Response> {
    if bearer_ok(headers, &s.creds.refactor_token) {
        // The full token: go on.
    } else if !bearer_ok(headers, &s.creds.refactor_read_token) {
        return Some(error(StatusCode::UNAUTHORIZED, "Unauthorized"));
    } else if writes {
        return Some(error(
            StatusCode::FORBIDDEN,
            "Forbidden: this API key may read provider configuration but not change it",
        ));
    }
    match provider {
        Some(p) if !PROVIDERS.contains(&p) => Some(error(
            StatusCode::BAD_REQUEST,
            format!("Invalid provider: {p}"),
        )),
        _ => None,
    }
}

fn not_found(provider: &str) -> Response {
    reply(
        StatusCode::NOT_FOUND,
        json!({"error": {"code": "NOT_FOUND", "message": format!("No configuration found for provider: {provider}")}}),
    )
}

/// `sk-new-api-key` -> `sk-***`: the first three characters of a long string, else `***`.
pub fn mask(v: &Value) -> Value {
    match v {
        Value::String(s) if s.chars().count() >= 8 => {
            Value::String(format!("{}***", s.chars().take(3).collect::<String>()))
        }
        _ => Value::String("***".into()),
    }
}

fn config(provider: &str, enabled: bool, credentials: &str) -> Value {
    let creds: Map<String, Value> = serde_json::from_str(credentials).unwrap_or_default();
    let masked: Map<String, Value> = creds.iter().map(|(k, v)| (k.clone(), mask(v))).collect();
    json!({"provider": provider, "enabled": enabled, "credentials": masked})
}

fn load(conn: &rusqlite::Connection, provider: &str) -> rusqlite::Result<Option<(bool, String)>> {
    conn.query_row(
        "SELECT enabled, credentials FROM refactor_providers WHERE provider = ?1",
        [provider],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

async fn list(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(refused) = refusal(&s, &headers, None, false) {
        return refused;
    }
    let db = lock(&s);
    let rows = db
        .prepare("SELECT provider, enabled, credentials FROM refactor_providers ORDER BY rowid")
        .and_then(|mut st| {
            st.query_map([], |r| {
                Ok(config(
                    &r.get::<_, String>(0)?,
                    r.get(1)?,
                    &r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        });
    match rows {
        Ok(rows) => reply(StatusCode::OK, Value::Array(rows)),
        Err(e) => storage_failed(|m| error(StatusCode::INTERNAL_SERVER_ERROR, m), e),
    }
}

async fn read(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(provider): Path<String>,
) -> Response {
    if let Some(refused) = refusal(&s, &headers, Some(&provider), false) {
        return refused;
    }
    match load(&lock(&s), &provider) {
        Ok(Some((enabled, creds))) => reply(StatusCode::OK, config(&provider, enabled, &creds)),
        Ok(None) => not_found(&provider),
        Err(e) => storage_failed(|m| error(StatusCode::INTERNAL_SERVER_ERROR, m), e),
    }
}

async fn update(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(provider): Path<String>,
    body: Bytes,
) -> Response {
    if let Some(refused) = refusal(&s, &headers, Some(&provider), true) {
        return refused;
    }
    let body = match json_object(&body) {
        Ok(b) => b,
        Err(BodyError::Malformed(e)) => {
            return error(StatusCode::BAD_REQUEST, format!("Invalid JSON body: {e}"))
        }
        Err(BodyError::NotObject) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Request body must be a JSON object",
            )
        }
    };
    if let Some(k) = unknown_field(&body, &["enabled", "credentials"]) {
        return error(StatusCode::BAD_REQUEST, format!("Unknown field: {k}"));
    }
    let enabled = match body.get("enabled") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return error(StatusCode::BAD_REQUEST, "enabled must be a boolean"),
    };
    let patch = match body.get("credentials") {
        None => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => return error(StatusCode::BAD_REQUEST, "credentials must be an object"),
    };
    if enabled.is_none() && patch.is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "Provide enabled, credentials, or both",
        );
    }
    let db = lock(&s);
    let (cur_enabled, cur_creds) = match load(&db, &provider) {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&provider),
        Err(e) => return storage_failed(|m| error(StatusCode::INTERNAL_SERVER_ERROR, m), e),
    };
    let mut creds: Map<String, Value> = serde_json::from_str(&cur_creds).unwrap_or_default();
    for (k, v) in patch.unwrap_or_default() {
        if v.is_null() {
            creds.remove(&k);
        } else {
            creds.insert(k, v);
        }
    }
    let enabled = enabled.unwrap_or(cur_enabled);
    let stored = Value::Object(creds).to_string();
    if let Err(e) = db.execute(
        "UPDATE refactor_providers SET enabled = ?1, credentials = ?2 WHERE provider = ?3",
        params![enabled, stored, provider],
    ) {
        return storage_failed(|m| error(StatusCode::INTERNAL_SERVER_ERROR, m), e);
    }
    reply(StatusCode::OK, config(&provider, enabled, &stored))
}
