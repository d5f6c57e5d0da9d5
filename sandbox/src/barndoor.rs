//! Barndoor LLM gateway: `PUT /api/llm-gateway/admin/providers/{id}` (uuid), plus GET on
//! the collection and the item. Every field optional; `connection_id: null` detaches
//! and then needs `api_key` or `credentials` in the same request; timeouts are ranged
//! and null means inherit; `auth_type` must suit `model_provider`. Keys never leave.

use crate::http::{
    bearer_ok, json_object, limit_offset, lock, reply, rows_and_count, storage_failed,
    unknown_field, BodyError,
};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::{json, Map, Value};

const FIELDS: [&str; 10] = [
    "name",
    "base_url",
    "auth_type",
    "api_key",
    "credentials",
    "enabled",
    "settings",
    "connection_id",
    "request_timeout_secs",
    "stream_idle_timeout_secs",
];

/// The Barndoor routes, to be nested under `/barndoor`.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/llm-gateway/admin/providers", get(list))
        .route(
            "/api/llm-gateway/admin/providers/{id}",
            get(read).put(update),
        )
}

/// `auth_type` values valid for a `model_provider`.
pub fn auth_types(model_provider: &str) -> &'static [&'static str] {
    match model_provider {
        "bedrock" => &["aws_role", "aws_keys", "bedrock_api_key"],
        "vertex" => &[
            "google_adc",
            "google_service_account",
            "google_impersonation",
        ],
        "anthropic" => &["api_key", "oauth_passthrough"],
        _ => &["api_key"],
    }
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    reply(
        status,
        json!({"error": {"code": code, "message": message.into()}}),
    )
}

fn invalid(details: Vec<(&str, String)>) -> Response {
    let message = match details.as_slice() {
        [(f, m)] => format!("{f}: {m}"),
        _ => format!("{} fields are invalid", details.len()),
    };
    let details: Vec<Value> = details
        .into_iter()
        .map(|(f, m)| json!({"field": f, "message": m}))
        .collect();
    reply(
        StatusCode::BAD_REQUEST,
        json!({"error": {"code": "VALIDATION_ERROR", "message": message, "details": details}}),
    )
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        "Missing or invalid bearer token",
    )
}

fn not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("Provider not found: {id}"),
    )
}

fn server_error(m: String) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", m)
}

/// True for the hyphenated 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

const COLUMNS: &str = "id, org_id, name, model_provider, auth_type, base_url, enabled, settings, catalog_id, connection_id,
                       request_timeout_secs, stream_idle_timeout_secs, catalog_slug";

fn to_json(r: &Row) -> rusqlite::Result<Value> {
    let settings: String = r.get(7)?;
    Ok(json!({
        "id": r.get::<_, String>(0)?,
        "org_id": r.get::<_, String>(1)?,
        "name": r.get::<_, String>(2)?,
        "model_provider": r.get::<_, String>(3)?,
        "auth_type": r.get::<_, String>(4)?,
        "base_url": r.get::<_, String>(5)?,
        "enabled": r.get::<_, bool>(6)?,
        "settings": serde_json::from_str::<Value>(&settings).unwrap_or_else(|_| json!({})),
        "catalog_id": r.get::<_, Option<String>>(8)?,
        "connection_id": r.get::<_, Option<String>>(9)?,
        "request_timeout_secs": r.get::<_, Option<i64>>(10)?,
        "stream_idle_timeout_secs": r.get::<_, Option<i64>>(11)?,
        "catalog_slug": r.get::<_, Option<String>>(12)?,
    }))
}

fn load(db: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM barndoor_providers WHERE id = ?1"),
        [id],
        to_json,
    )
    .optional()
}

/// The whole list as an array, or (asked for a page, or with a default page size) one
/// page in the `{items, page, limit, total}` shape.
async fn list(
    State(s): State<Shared>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Response {
    if !bearer_ok(&headers, &s.creds.barndoor_token) {
        return unauthorized();
    }
    let asked = crate::page_asked(uri.query().unwrap_or(""), &["limit"], s.page_size);
    let rows = rows_and_count(
        &lock(&s),
        COLUMNS,
        "barndoor_providers",
        "rowid",
        limit_offset(asked),
        to_json,
    );
    match (rows, asked) {
        (Ok((rows, _)), None) => reply(StatusCode::OK, Value::Array(rows)),
        (Ok(_), Some((0, _))) => invalid(vec![("page", "must be 1 or more".into())]),
        (Ok((rows, total)), Some((page, size))) => reply(
            StatusCode::OK,
            json!({"items": rows, "page": page, "limit": size, "total": total}),
        ),
        (Err(e), _) => storage_failed(server_error, e),
    }
}

async fn read(State(s): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !bearer_ok(&headers, &s.creds.barndoor_token) {
        return unauthorized();
    }
    if !is_uuid(&id) {
        return invalid(vec![("id", "must be a UUID".into())]);
    }
    match load(&lock(&s), &id) {
        Ok(Some(p)) => reply(StatusCode::OK, p),
        Ok(None) => not_found(&id),
        Err(e) => storage_failed(server_error, e),
    }
}

/// Checks a request body against the document; returns every problem found.
fn check(body: &Map<String, Value>, model_provider: &str) -> Vec<(&'static str, String)> {
    let mut bad = Vec::new();
    for field in FIELDS {
        let Some(v) = body.get(field) else { continue };
        let problem = match (field, v) {
            ("name" | "api_key", Value::String(s)) if s.trim().is_empty() => {
                Some("must not be empty".to_owned())
            }
            ("name" | "api_key", Value::String(_)) => None,
            ("base_url", Value::String(s))
                if !(s.starts_with("https://") || s.starts_with("http://")) || s.contains(' ') =>
            {
                Some("must be an absolute http(s) URL".to_owned())
            }
            ("base_url", Value::String(_)) => None,
            ("auth_type", Value::String(s))
                if !auth_types(model_provider).contains(&s.as_str()) =>
            {
                Some(format!(
                    "'{s}' is not valid for model_provider '{model_provider}'; expected one of {}",
                    auth_types(model_provider).join(", ")
                ))
            }
            ("auth_type", Value::String(_)) => None,
            ("credentials" | "settings", Value::Object(_)) => None,
            ("enabled", Value::Bool(_)) => None,
            ("connection_id", Value::Null) => None,
            ("connection_id", Value::String(s)) if is_uuid(s) => None,
            ("connection_id", _) => Some("must be a UUID or null".to_owned()),
            ("request_timeout_secs" | "stream_idle_timeout_secs", Value::Null) => None,
            ("request_timeout_secs" | "stream_idle_timeout_secs", n) => {
                let max = if field == "request_timeout_secs" {
                    3600
                } else {
                    1800
                };
                match n.as_i64() {
                    Some(x) if (1..=max).contains(&x) && n.is_i64() => None,
                    _ => Some(format!("must be an integer between 1 and {max}, or null")),
                }
            }
            ("credentials" | "settings", _) => Some("must be an object".to_owned()),
            ("enabled", _) => Some("must be a boolean".to_owned()),
            _ => Some("must be a string".to_owned()),
        };
        if let Some(p) = problem {
            bad.push((field, p));
        }
    }
    // An empty credentials object provides nothing, like a missing key.
    let provides = |k: &str| match body.get(k) {
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
        None => false,
    };
    if body.get("connection_id").is_some_and(Value::is_null)
        && !provides("api_key")
        && !provides("credentials")
    {
        bad.push((
            "connection_id",
            "detaching (null) requires api_key or credentials in the same request".to_owned(),
        ));
    }
    bad
}

async fn update(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if !bearer_ok(&headers, &s.creds.barndoor_token) {
        return unauthorized();
    }
    if !is_uuid(&id) {
        return invalid(vec![("id", "must be a UUID".into())]);
    }
    let body = match json_object(&body) {
        Ok(b) => b,
        Err(BodyError::Malformed(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                format!("Malformed JSON: {e}"),
            )
        }
        Err(BodyError::NotObject) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                "Body must be a JSON object",
            )
        }
    };
    if let Some(k) = unknown_field(&body, &FIELDS) {
        return invalid(vec![("body", format!("unknown field '{k}'"))]);
    }
    let db = lock(&s);
    let current = match load(&db, &id) {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(&id),
        Err(e) => return storage_failed(server_error, e),
    };
    let model_provider = current
        .get("model_provider")
        .and_then(Value::as_str)
        .unwrap_or("custom")
        .to_owned();
    let bad = check(&body, &model_provider);
    if !bad.is_empty() {
        return invalid(bad);
    }
    let mut next = current;
    for field in [
        "name",
        "base_url",
        "auth_type",
        "enabled",
        "settings",
        "connection_id",
        "request_timeout_secs",
        "stream_idle_timeout_secs",
    ] {
        if let (Some(v), Some(obj)) = (body.get(field), next.as_object_mut()) {
            obj.insert(field.into(), v.clone());
        }
    }
    let text = |k: &str| next.get(k).and_then(Value::as_str).map(str::to_owned);
    let int = |k: &str| next.get(k).and_then(Value::as_i64);
    let settings = next
        .get("settings")
        .map_or_else(|| "{}".to_owned(), Value::to_string);
    let result = db.execute(
        "UPDATE barndoor_providers SET name = ?1, base_url = ?2, auth_type = ?3, enabled = ?4, settings = ?5,
             connection_id = ?6, request_timeout_secs = ?7, stream_idle_timeout_secs = ?8,
             api_key = COALESCE(?9, api_key), credentials = COALESCE(?10, credentials)
         WHERE id = ?11",
        params![
            text("name"),
            text("base_url"),
            text("auth_type"),
            next.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            settings,
            text("connection_id"),
            int("request_timeout_secs"),
            int("stream_idle_timeout_secs"),
            body.get("api_key").and_then(Value::as_str),
            body.get("credentials").map(Value::to_string),
            id
        ],
    );
    if let Err(e) = result {
        return storage_failed(server_error, e);
    }
    match load(&db, &id) {
        Ok(Some(p)) => reply(StatusCode::OK, p),
        Ok(None) => not_found(&id),
        Err(e) => storage_failed(server_error, e),
    }
}
