//! Small helpers the four API modules share: replies, auth headers, JSON bodies.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};
use std::sync::MutexGuard;

/// A JSON reply with a status.
pub fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The `Authorization` header, if present and valid text.
pub fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()
}

/// The credentials after `scheme` in the `Authorization` header. The scheme name is
/// case-insensitive (RFC 9110, section 11.1): `bearer x` is `Bearer x`.
pub fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let (name, rest) = authorization(headers)?.split_once(' ')?;
    name.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim_start_matches(' '))
}

/// True when the header carries `Bearer <token>` (any case of the scheme name).
pub fn bearer_ok(headers: &HeaderMap, token: &str) -> bool {
    credentials(headers, "Bearer").is_some_and(|t| constant_eq(t.as_bytes(), token.as_bytes()))
}

/// Compares secrets without stopping at the first different byte.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a body is not a JSON object.
pub enum BodyError {
    Malformed(String),
    NotObject,
}

/// Parses a request body as a JSON object.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(BodyError::NotObject),
        Err(e) => Err(BodyError::Malformed(e.to_string())),
    }
}

/// The first key of `body` that is not in `allowed`.
pub fn unknown_field<'a>(body: &'a Map<String, Value>, allowed: &[&str]) -> Option<&'a str> {
    body.keys()
        .map(String::as_str)
        .find(|k| !allowed.contains(k))
}

/// Locks the database; a poisoned lock still holds a consistent SQLite handle.
pub fn lock(state: &crate::AppState) -> MutexGuard<'_, rusqlite::Connection> {
    state.db.lock().unwrap_or_else(|p| p.into_inner())
}

/// Now, as RFC 3339 with milliseconds, so `updated_at` moves on every change.
pub fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// A 500 in a gateway's own error shape, for storage failures.
pub fn storage_failed(shape: impl FnOnce(String) -> Response, e: rusqlite::Error) -> Response {
    eprintln!("storage error: {e}");
    shape("Storage failure".into())
}

/// One page of a table's rows (`limit` -1: all of them), in `order`, with the table's
/// row count: what a paged list answer needs.
pub fn rows_and_count(
    db: &rusqlite::Connection,
    columns: &str,
    table: &str,
    order: &str,
    (limit, offset): (i64, i64),
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<Value>,
) -> rusqlite::Result<(Vec<Value>, i64)> {
    let rows = db
        .prepare(&format!(
            "SELECT {columns} FROM {table} ORDER BY {order} LIMIT ?1 OFFSET ?2"
        ))?
        .query_map([limit, offset], row)?
        .collect::<Result<Vec<_>, _>>()?;
    let count = db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
    Ok((rows, count))
}

/// The SQL `LIMIT` and `OFFSET` of the page asked for (`None`: the whole list).
pub fn limit_offset(asked: Option<(u64, u64)>) -> (i64, i64) {
    match asked {
        Some((page, size)) => (
            i64::try_from(size).unwrap_or(i64::MAX),
            i64::try_from(page.saturating_sub(1).saturating_mul(size)).unwrap_or(i64::MAX),
        ),
        None => (-1, 0),
    }
}
