//! Fault injection: make chosen routes slow, silent, broken or wrong, so clients can be
//! tested against the failures real gateways and proxies produce. Faults are set per run
//! (`--fault`) or, with `--fault-control`, at run time through `/_sandbox/faults`.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait, then answer normally.
    Latency { ms: u64 },
    /// Never answer (the request is held for an hour).
    Hang,
    /// Send the headers, then break the connection.
    Drop,
    /// Answer with this status and a short JSON error, optionally with `Retry-After`.
    Status {
        status: u16,
        retry_after: Option<u32>,
    },
    /// Answer with an HTML error page, as a proxy or login wall would.
    Html { status: u16 },
    /// Run the real handler, then send only the first half of its body.
    Truncated,
    /// Answer 200 with this JSON instead of the real answer.
    Json { body: Value },
    /// Answer 200 with a 10 MB JSON array.
    Huge,
    /// Run the real handler, then send its body in small pieces, `ms` apart.
    SlowBody { ms: u64 },
}

/// One fault: which requests, what happens, how many times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// HTTP method to match; any when absent.
    pub method: Option<String>,
    /// Path prefix to match, e.g. `/respan/api/providers/`; with a query, it matches the
    /// path and query (`/respan/api/providers/?page=7`).
    pub path: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it applies to; forever when absent.
    pub times: Option<u32>,
}

impl Fault {
    /// Parses the command-line form `[METHOD ]PREFIX=KIND[:ARG]`, e.g.
    /// `PATCH /respan/=status:503`, `/barndoor/=latency:500`, `PUT /refactor/=hang`.
    pub fn parse(spec: &str) -> Result<Fault, String> {
        // The kind follows the last `=`: a target may hold a query (`?page=7`).
        let (target, what) = spec.rsplit_once('=').ok_or("expected TARGET=KIND")?;
        let (method, path) = match target.trim().split_once(' ') {
            Some((m, p)) => (Some(m.to_ascii_uppercase()), p.trim().to_owned()),
            None => (None, target.trim().to_owned()),
        };
        let (kind, arg) = what
            .split_once(':')
            .map_or((what, None), |(k, a)| (k, Some(a)));
        let num = |a: Option<&str>| {
            a.and_then(|a| a.parse::<u64>().ok())
                .ok_or(format!("{kind} needs a number"))
        };
        let kind = match kind {
            "latency" => FaultKind::Latency { ms: num(arg)? },
            "hang" => FaultKind::Hang,
            "drop" => FaultKind::Drop,
            "status" => FaultKind::Status {
                status: num(arg)? as u16,
                retry_after: None,
            },
            "html" => FaultKind::Html {
                status: num(arg)? as u16,
            },
            "truncated" => FaultKind::Truncated,
            "huge" => FaultKind::Huge,
            "slow-body" => FaultKind::SlowBody { ms: num(arg)? },
            other => return Err(format!("unknown fault {other}")),
        };
        Ok(Fault {
            method,
            path,
            kind,
            times: None,
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && match self.path.contains('?') {
                // A prefix with a query matches that page of a list (`?page=7`).
                true => path.starts_with(&self.path),
                false => path
                    .split('?')
                    .next()
                    .unwrap_or(path)
                    .starts_with(&self.path),
            }
    }
}

/// Takes the first fault that matches, counting down its `times`.
fn take(state: &crate::AppState, method: &str, path: &str) -> Option<FaultKind> {
    let mut faults = state.faults.lock().unwrap_or_else(|p| p.into_inner());
    let i = faults.iter().position(|f| f.matches(method, path))?;
    let f = faults.get_mut(i)?;
    let kind = f.kind.clone();
    match &mut f.times {
        Some(1) => {
            faults.remove(i);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(kind)
}

/// The middleware that applies faults to API requests.
pub async fn inject(State(state): State<crate::Shared>, req: Request, next: Next) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    if method == "OPTIONS" {
        return next.run(req).await;
    }
    let Some(kind) = take(&state, &method, &path) else {
        return next.run(req).await;
    };
    match kind {
        FaultKind::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        FaultKind::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        FaultKind::Drop => {
            let broken = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::ErrorKind::ConnectionReset.into())
            });
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(broken),
            )
                .into_response()
        }
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = (
                code,
                Json(serde_json::json!({"error": format!("injected {status}")})),
            )
                .into_response();
            if let Some(s) = retry_after.and_then(|s| s.to_string().parse().ok()) {
                res.headers_mut().insert(header::RETRY_AFTER, s);
            }
            res
        }
        FaultKind::Html { status } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>";
            (code, [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        FaultKind::Json { body } => (StatusCode::OK, Json(body)).into_response(),
        FaultKind::Huge => {
            let mut big = String::with_capacity(10 * 1024 * 1024 + 16);
            big.push('[');
            while big.len() < 10 * 1024 * 1024 {
                big.push_str("{\"provider\":\"openai\",\"enabled\":true},");
            }
            big.push_str("{}]");
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                big,
            )
                .into_response()
        }
        FaultKind::Truncated => {
            let res = next.run(req).await;
            let (parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            let mut parts = parts;
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(half))
        }
        FaultKind::SlowBody { ms } => {
            let res = next.run(req).await;
            let (mut parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            let chunks: Vec<Bytes> = bytes.chunks(16).map(Bytes::copy_from_slice).collect();
            let stream =
                futures_util::stream::unfold(chunks.into_iter(), move |mut it| async move {
                    let next = it.next()?;
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    Some((Ok::<Bytes, std::io::Error>(next), it))
                });
            Response::from_parts(parts, Body::from_stream(stream))
        }
    }
}

/// `PUT /_sandbox/faults`: replaces the fault list.
pub async fn set(State(state): State<crate::Shared>, Json(faults): Json<Vec<Fault>>) -> StatusCode {
    *state.faults.lock().unwrap_or_else(|p| p.into_inner()) = faults;
    StatusCode::NO_CONTENT
}

/// `DELETE /_sandbox/faults`: removes every fault.
pub async fn clear(State(state): State<crate::Shared>) -> StatusCode {
    state
        .faults
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_faults_parse() {
        let f = Fault::parse("PATCH /respan/=status:503").unwrap();
        assert_eq!(
            (f.method.as_deref(), f.path.as_str()),
            (Some("PATCH"), "/respan/")
        );
        assert_eq!(
            f.kind,
            FaultKind::Status {
                status: 503,
                retry_after: None
            }
        );
        assert_eq!(
            Fault::parse("/barndoor/=latency:250").unwrap().kind,
            FaultKind::Latency { ms: 250 }
        );
        assert!(Fault::parse("/x=nope").is_err());
        assert!(Fault::parse("/x=latency").is_err());
        assert!(Fault::parse("no-equals").is_err());
    }

    #[test]
    fn a_prefix_with_a_query_matches_one_page_only() {
        let page7 = Fault::parse("GET /respan/api/providers/?page=7=status:500").unwrap();
        assert!(page7.matches("GET", "/respan/api/providers/?page=7&page_size=1000"));
        assert!(!page7.matches("GET", "/respan/api/providers/?page=6&page_size=1000"));
        assert!(!page7.matches("GET", "/respan/api/providers/"));
        let any = Fault::parse("GET /respan/api/providers/=status:500").unwrap();
        assert!(any.matches("GET", "/respan/api/providers/?page=7"));
    }
}
