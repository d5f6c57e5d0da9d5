//! The only code that touches the network: runs an [`HttpRequest`] with a timeout, a
//! bounded retry where retrying is safe, and maps every failure into an [`ApiError`].

use crate::model::{ApiError, ErrorKind, HttpRequest, Method};
use gloo_net::http::RequestBuilder;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long one attempt may take before it is aborted, unless configured otherwise.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Attempts for a call that may be retried (the first one included).
pub const MAX_ATTEMPTS: u32 = 3;
/// Largest body the panel reads; a larger one is a bad response, not a frozen tab.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A successful answer: its status and body text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Runs a request; 2xx answers come back as `Ok`, everything else as an [`ApiError`]
/// read with `read_error` (the dialect's envelope reader).
///
/// Every call the gateways document is idempotent (GET, and PUT/PATCH that set absolute
/// values), so network failures, timeouts, 429 and 502/503/504 are retried with jittered
/// backoff, honouring `Retry-After`; a 4xx never is. `on_retry` is told before each retry.
pub async fn execute(
    req: &HttpRequest,
    timeout_ms: u32,
    read_error: impl Fn(u16, &str) -> ApiError,
    on_retry: impl Fn(u32, &ApiError),
) -> Result<Answer, ApiError> {
    let mut attempt = 1;
    loop {
        let result = attempt_once(req, timeout_ms, &read_error).await;
        match result {
            Err(e) if e.retryable() && attempt < MAX_ATTEMPTS => {
                on_retry(attempt, &e);
                let backoff = e
                    .retry_after
                    .map_or_else(|| jittered(attempt), |s| s.min(30) * 1000);
                sleep(backoff).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn jittered(attempt: u32) -> u32 {
    let base = 300u32.saturating_mul(3u32.saturating_pow(attempt - 1));
    base + (js_sys::Math::random() * f64::from(base) * 0.5) as u32
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

async fn attempt_once(
    req: &HttpRequest,
    timeout_ms: u32,
    read_error: &impl Fn(u16, &str) -> ApiError,
) -> Result<Answer, ApiError> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let abort = Closure::once_into_js(move || c.abort());
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.unchecked_ref(),
                timeout_ms as i32,
            )
            .ok()
    });
    let mut builder = RequestBuilder::new(&req.url).method(match req.method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Put => gloo_net::http::Method::PUT,
        Method::Patch => gloo_net::http::Method::PATCH,
    });
    for (k, v) in req.wire_headers() {
        builder = builder.header(&k, &v);
    }
    // Admin data must be current, and Chrome holds a GET behind an in-flight PUT/PATCH to
    // the same URL while it owns the cache entry: bypass the HTTP cache entirely.
    builder = builder
        .abort_signal(signal.as_ref())
        .cache(web_sys::RequestCache::NoStore);
    let built = match &req.body {
        Some(b) => builder.body(b.to_string()),
        None => builder.build(),
    }
    .map_err(|e| {
        ApiError::new(
            ErrorKind::Network,
            format!("The request could not be prepared: {e}."),
        )
    })?;
    let sent = built.send().await;
    let clear = || {
        if let (Some(id), Some(w)) = (timer, web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
    };
    let resp = match sent {
        Ok(r) => r,
        Err(_) if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) => {
            return Err(ApiError::new(
                ErrorKind::Timeout,
                format!(
                    "The gateway did not answer within {:.1} seconds.",
                    f64::from(timeout_ms) / 1000.0
                ),
            ))
        }
        Err(_) => {
            clear();
            return Err(classify_fetch_failure(&req.url).await);
        }
    };
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let body = resp.text().await;
    clear();
    let body = match body {
        Ok(b) if b.len() > MAX_BODY => {
            return Err(ApiError::bad_response(
                status,
                "the answer is larger than 8 MB",
            ))
        }
        Ok(b) => b,
        Err(_) if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) => {
            return Err(ApiError::new(
                ErrorKind::Timeout,
                "The gateway's answer did not finish in time.",
            ))
        }
        Err(_) => {
            return Err(ApiError::new(
                ErrorKind::Network,
                "The connection dropped while the answer was arriving.",
            ))
        }
    };
    if (200..300).contains(&status) {
        Ok(Answer { status, body })
    } else {
        let mut e = read_error(status, &body);
        e.retry_after = retry_after;
        Err(e)
    }
}

/// A fetch that fails gives the page no reason. An opaque `no-cors` probe tells a server
/// that is up but refuses this origin (CORS) from one that cannot be reached at all.
async fn classify_fetch_failure(url: &str) -> ApiError {
    let same_origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .is_some_and(|o| !url.contains("://") || url.starts_with(&o));
    if !same_origin {
        let probe = RequestBuilder::new(url)
            .mode(web_sys::RequestMode::NoCors)
            .send()
            .await;
        if probe.is_ok() {
            return ApiError::new(
                ErrorKind::Cors,
                "The gateway answered, but its CORS settings do not allow this page's origin. Allow this origin, the Authorization and Content-Type headers, and PUT/PATCH on the gateway.",
            );
        }
    }
    let offline = web_sys::window().is_some_and(|w| !w.navigator().on_line());
    ApiError::new(
        ErrorKind::Network,
        if offline {
            "You are offline. Your changes are kept; save again when the connection is back."
        } else {
            "The gateway could not be reached. Check its address and that it is running."
        },
    )
}
