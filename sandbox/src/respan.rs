//! Respan: `PATCH /api/providers/{id}/` (integer pk, trailing slash), plus GET on the
//! collection and the item. Only sent fields change; `api_key` and `extra_kwargs` are
//! write-only; `provider_id` is read-only; managed providers refuse critical changes.
//! Errors are Django REST framework's: `{"detail": ...}` or `{"field": ["message"]}`.

use crate::http::{
    constant_eq, credentials, json_object, limit_offset, lock, now, reply, rows_and_count,
    storage_failed, BodyError,
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

/// Fields a managed provider refuses to change.
pub const CRITICAL: [&str; 2] = ["api_key", "extra_kwargs"];

/// The Respan routes, to be nested under `/respan`.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/providers/", get(list))
        .route("/api/providers/{id}/", get(read).patch(update))
}

fn detail(status: StatusCode, message: impl Into<String>) -> Response {
    reply(status, json!({"detail": message.into()}))
}

fn auth_failure(headers: &HeaderMap, token: &str) -> Option<Response> {
    match credentials(headers, "Bearer") {
        None => Some(detail(
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.",
        )),
        Some(t) if !constant_eq(t.as_bytes(), token.as_bytes()) => {
            Some(detail(StatusCode::UNAUTHORIZED, "Invalid token."))
        }
        Some(_) => None,
    }
}

fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not found.")
}

fn server_error(m: String) -> Response {
    detail(StatusCode::INTERNAL_SERVER_ERROR, m)
}

const COLUMNS: &str = "id, provider_id, provider_name, is_managed, created_at, updated_at";

fn list_item(r: &Row) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "provider_id": r.get::<_, String>(1)?,
        "provider_name": r.get::<_, String>(2)?,
        "is_managed": r.get::<_, bool>(3)?,
        "created_at": r.get::<_, String>(4)?,
        "updated_at": r.get::<_, String>(5)?,
    }))
}

fn load(db: &rusqlite::Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM respan_providers WHERE id = ?1"),
        [id],
        list_item,
    )
    .optional()
}

/// The whole list, or (asked for a page, or with a default page size) one page of it in
/// Django REST framework's shape, its `next` an absolute link as DRF builds it.
async fn list(
    State(s): State<Shared>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Response {
    if let Some(r) = auth_failure(&headers, &s.creds.respan_token) {
        return r;
    }
    let asked = crate::page_asked(uri.query().unwrap_or(""), &["page_size"], s.page_size);
    let rows = rows_and_count(
        &lock(&s),
        COLUMNS,
        "respan_providers",
        "id",
        limit_offset(asked),
        list_item,
    );
    let (rows, count) = match rows {
        Ok(r) => r,
        Err(e) => return storage_failed(server_error, e),
    };
    let Some((page, size)) = asked else {
        return reply(
            StatusCode::OK,
            json!({"count": count, "next": null, "previous": null, "results": rows}),
        );
    };
    if page == 0 || (page > 1 && rows.is_empty()) {
        return detail(StatusCode::NOT_FOUND, "Invalid page.");
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let link = |p: u64| format!("http://{host}{}?page={p}&page_size={size}", uri.path());
    let more = page.saturating_mul(size) < count as u64;
    reply(
        StatusCode::OK,
        json!({
            "count": count,
            "next": if more { Value::String(link(page + 1)) } else { Value::Null },
            "previous": if page > 1 { Value::String(link(page - 1)) } else { Value::Null },
            "results": rows,
        }),
    )
}

async fn read(State(s): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(r) = auth_failure(&headers, &s.creds.respan_token) {
        return r;
    }
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    match load(&lock(&s), id) {
        Ok(Some(p)) => reply(StatusCode::OK, p),
        Ok(None) => not_found(),
        Err(e) => storage_failed(server_error, e),
    }
}

/// Field errors in DRF's shape, one list of messages per field.
fn field_errors(body: &Map<String, Value>) -> Map<String, Value> {
    let mut errors = Map::new();
    for (k, v) in body {
        let problem = match (k.as_str(), v) {
            ("provider_name", Value::String(s)) if s.trim().is_empty() => {
                Some("This field may not be blank.")
            }
            ("provider_name" | "api_key", Value::String(_)) => None,
            ("provider_name" | "api_key", _) => Some("Not a valid string."),
            ("extra_kwargs", Value::Object(_)) => None,
            ("extra_kwargs", _) => Some("Expected a dictionary of items."),
            ("provider_id", _) => Some("This field is read-only and cannot be changed."),
            _ => Some("Unknown field."),
        };
        if let Some(p) = problem {
            errors.insert(k.clone(), json!([p]));
        }
    }
    errors
}

async fn update(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Some(r) = auth_failure(&headers, &s.creds.respan_token) {
        return r;
    }
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let body = match json_object(&body) {
        Ok(b) => b,
        Err(BodyError::Malformed(e)) => {
            return detail(StatusCode::BAD_REQUEST, format!("JSON parse error - {e}"))
        }
        Err(BodyError::NotObject) => {
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"non_field_errors": ["Invalid data. Expected a dictionary."]}),
            )
        }
    };
    let db = lock(&s);
    let managed: bool = match db
        .query_row(
            "SELECT is_managed FROM respan_providers WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
    {
        Ok(Some(m)) => m,
        Ok(None) => return not_found(),
        Err(e) => return storage_failed(server_error, e),
    };
    let errors = field_errors(&body);
    if !errors.is_empty() {
        return reply(StatusCode::BAD_REQUEST, Value::Object(errors));
    }
    let critical: Vec<&str> = CRITICAL
        .into_iter()
        .filter(|f| body.contains_key(*f))
        .collect();
    if managed && !critical.is_empty() {
        return detail(
            StatusCode::FORBIDDEN,
            format!(
                "Managed providers cannot modify critical fields: {}.",
                critical.join(", ")
            ),
        );
    }
    let result = db.execute(
        "UPDATE respan_providers SET provider_name = COALESCE(?1, provider_name), api_key = COALESCE(?2, api_key),
             extra_kwargs = COALESCE(?3, extra_kwargs), updated_at = ?4 WHERE id = ?5",
        params![
            body.get("provider_name").and_then(Value::as_str),
            body.get("api_key").and_then(Value::as_str),
            body.get("extra_kwargs").map(Value::to_string),
            now(),
            id
        ],
    );
    if let Err(e) = result {
        return storage_failed(server_error, e);
    }
    match load(&db, id) {
        Ok(Some(mut p)) => {
            // The update answer is the document's shape: no is_managed.
            if let Some(o) = p.as_object_mut() {
                o.remove("is_managed");
            }
            reply(StatusCode::OK, p)
        }
        Ok(None) => not_found(),
        Err(e) => storage_failed(server_error, e),
    }
}
