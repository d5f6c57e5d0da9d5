//! Libredesk: `PUT /api/v1/ai/provider` with `{provider, api_key}`, plus a GET of the
//! current configuration. Auth is `Basic base64(key:secret)` or `token key:secret`.
//! Answers use Libredesk's envelope; like the real handler, only `openai` is accepted
//! and an invalid provider is a server error.

use crate::http::{constant_eq, credentials, json_object, lock, reply, unknown_field, BodyError};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

/// The Libredesk routes, to be nested under `/libredesk`.
pub fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/ai/provider", get(read).put(update))
}

fn error(status: StatusCode, error_type: &str, message: &str) -> Response {
    reply(
        status,
        json!({"status": "error", "message": message, "data": null, "error_type": error_type}),
    )
}

fn authorized(headers: &HeaderMap, key: &str, secret: &str) -> bool {
    let expected = format!("{key}:{secret}");
    if let Some(b64) = credentials(headers, "Basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .unwrap_or_default();
        return constant_eq(&decoded, expected.as_bytes());
    }
    credentials(headers, "token").is_some_and(|t| constant_eq(t.as_bytes(), expected.as_bytes()))
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "PermissionException",
        "Invalid API key or secret",
    )
}

async fn read(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if !authorized(&headers, &s.creds.libredesk_key, &s.creds.libredesk_secret) {
        return unauthorized();
    }
    let row = lock(&s)
        .query_row(
            "SELECT provider, api_key FROM libredesk_ai WHERE id = 1",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional();
    match row {
        Ok(Some((provider, key))) => reply(
            StatusCode::OK,
            json!({"status": "success", "data": {"provider": provider, "api_key_set": !key.is_empty()}}),
        ),
        Ok(None) => reply(StatusCode::OK, json!({"status": "success", "data": null})),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "GeneralException",
            "Error fetching AI provider",
        ),
    }
}

async fn update(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&headers, &s.creds.libredesk_key, &s.creds.libredesk_secret) {
        return unauthorized();
    }
    let body = match json_object(&body) {
        Ok(b) => b,
        Err(BodyError::Malformed(_) | BodyError::NotObject) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InputException",
                "Invalid request body",
            )
        }
    };
    if let Some(k) = unknown_field(&body, &["provider", "api_key"]) {
        return error(
            StatusCode::BAD_REQUEST,
            "InputException",
            &format!("Unknown field: {k}"),
        );
    }
    let text = |k: &str| match body.get(k) {
        Some(Value::String(v)) if !v.trim().is_empty() => Ok(v.clone()),
        Some(Value::String(_)) | None => Err(format!("`{k}` is required")),
        Some(_) => Err(format!("`{k}` must be a string")),
    };
    let (provider, api_key) = match (text("provider"), text("api_key")) {
        (Ok(p), Ok(k)) => (p, k),
        (Err(e), _) | (_, Err(e)) => return error(StatusCode::BAD_REQUEST, "InputException", &e),
    };
    if provider != "openai" {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "GeneralException",
            "Invalid provider",
        );
    }
    let stored = lock(&s).execute(
        "INSERT INTO libredesk_ai (id, provider, api_key) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, api_key = excluded.api_key",
        [&provider, &api_key],
    );
    match stored {
        Ok(_) => reply(StatusCode::OK, json!({"status": "success", "data": true})),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "GeneralException",
            "Error updating AI provider",
        ),
    }
}
