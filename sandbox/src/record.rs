//! Request recording, for browser tests whose driver cannot watch the network (WebDriver
//! in Firefox and WebKit): with `--record`, every API request that reaches the gateway
//! routes is kept (method, path with query, headers, body) and `GET /_sandbox/requests`
//! gives them in order; `DELETE` forgets them. CORS preflights are answered before this
//! layer and are not kept.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many are kept, the oldest dropped first: a long-running sandbox started
/// with `--record` does not grow without bound.
const KEEP: usize = 2_000;
/// Bodies above this size are refused rather than buffered.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// One request as it reached the server.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent (`/respan/api/providers/3/`).
    pub path: String,
    /// Header names in lower case; a header sent twice keeps its last value.
    pub headers: BTreeMap<String, String>,
    /// The body as text (lossy UTF-8); empty when there was none.
    pub body: String,
    /// When it arrived, in milliseconds since the Unix epoch: a test tells the client's
    /// own retries (after a backoff) from a browser sending a request again at once.
    pub at_ms: u64,
}

/// The middleware: keeps the request, then passes it on unchanged.
pub async fn keep(State(state): State<crate::Shared>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        let mut res = Response::new(Body::from("request body too large to record"));
        *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return res;
    };
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let entry = Recorded {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        at_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
    };
    {
        let mut kept = state.recorded.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= KEEP {
            kept.remove(0);
        }
        kept.push(entry);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `GET /_sandbox/requests`: what was kept, oldest first.
pub async fn list(State(state): State<crate::Shared>) -> Json<Vec<Recorded>> {
    Json(
        state
            .recorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone(),
    )
}

/// `DELETE /_sandbox/requests`: forgets them.
pub async fn clear(State(state): State<crate::Shared>) -> StatusCode {
    state
        .recorded
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
    StatusCode::NO_CONTENT
}
