//! The only code that touches the network: runs an [`HttpRequest`] with a timeout, a
//! bounded retry where retrying is safe, and maps every failure into an [`ApiError`].

use crate::model::{ApiError, ErrorKind, HttpRequest, Method, RetryPolicy};
use gloo_net::http::RequestBuilder;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long one attempt may take before it is aborted, unless configured otherwise.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Largest body the panel reads; a larger one is a bad response, not a frozen tab.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// How every gateway call is made: the time limit of one attempt and when to try again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallPolicy {
    pub timeout_ms: u32,
    pub retry: RetryPolicy,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            retry: RetryPolicy::default(),
        }
    }
}

/// A successful answer: its status and body text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Runs a request; 2xx answers come back as `Ok`, everything else as an [`ApiError`]
/// read with `read_error` (the dialect's envelope reader). Failures are retried as
/// `policy.retry` says, and `on_retry` is told before each retry.
///
/// The first attempt leaves when this is called, not when the future is first polled: a
/// list request is on the wire while the view that will show its answer is being built.
pub fn execute(
    req: HttpRequest,
    policy: CallPolicy,
    read_error: impl Fn(u16, &str) -> ApiError,
    on_retry: impl Fn(u32, &ApiError),
) -> impl std::future::Future<Output = Result<Answer, ApiError>> {
    let first = Attempt::start(&req, policy.timeout_ms);
    async move {
        let mut attempt = first;
        let mut done = 1;
        loop {
            let result = attempt.finish(&req, policy.timeout_ms, &read_error).await;
            let wait = match &result {
                Err(e) => policy.retry.delay_ms(done, e, js_sys::Math::random()),
                Ok(_) => None,
            };
            match (wait, &result) {
                (Some(ms), Err(e)) => {
                    on_retry(done, e);
                    sleep(ms).await;
                    done += 1;
                    attempt = Attempt::start(&req, policy.timeout_ms);
                }
                _ => return result,
            }
        }
    }
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

/// One attempt on the wire: the pending fetch, and what aborts it when time is up.
struct Attempt {
    fetch: Result<JsFuture, ApiError>,
    signal: Option<web_sys::AbortSignal>,
    timer: Option<i32>,
}

impl Attempt {
    /// Sends the request now and arms its timeout.
    fn start(req: &HttpRequest, timeout_ms: u32) -> Attempt {
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
        // Admin data must be current, and Chrome holds a GET behind an in-flight PUT/PATCH
        // to the same URL while it owns the cache entry: bypass the HTTP cache entirely.
        builder = builder
            .abort_signal(signal.as_ref())
            .cache(web_sys::RequestCache::NoStore);
        let built = match &req.body {
            Some(b) => builder.body(b.to_string()),
            None => builder.build(),
        };
        let fetch = match (built, web_sys::window()) {
            (Ok(r), Some(w)) => Ok(JsFuture::from(
                w.fetch_with_request(&web_sys::Request::from(r)),
            )),
            (Err(e), _) => Err(ApiError::new(
                ErrorKind::Network,
                format!("The request could not be prepared: {e}."),
            )),
            (_, None) => Err(ApiError::new(ErrorKind::Network, "No window to send from.")),
        };
        Attempt {
            fetch,
            signal,
            timer,
        }
    }

    fn timed_out(&self) -> bool {
        self.signal
            .as_ref()
            .is_some_and(web_sys::AbortSignal::aborted)
    }

    /// Waits for the answer and reads it whole.
    async fn finish(
        mut self,
        req: &HttpRequest,
        timeout_ms: u32,
        read_error: &impl Fn(u16, &str) -> ApiError,
    ) -> Result<Answer, ApiError> {
        let timer = self.timer;
        let clear = || {
            if let (Some(id), Some(w)) = (timer, web_sys::window()) {
                w.clear_timeout_with_handle(id);
            }
        };
        let sent = match self.fetch {
            Ok(ref mut f) => f.await,
            Err(ref e) => {
                clear();
                return Err(e.clone());
            }
        };
        let resp = match sent.map(|r| r.dyn_into::<web_sys::Response>()) {
            Ok(Ok(r)) => gloo_net::http::Response::from(r),
            _ if self.timed_out() => {
                return Err(ApiError::new(
                    ErrorKind::Timeout,
                    format!(
                        "The gateway did not answer within {} seconds.",
                        seconds(timeout_ms)
                    ),
                ))
            }
            _ => {
                clear();
                return Err(classify_fetch_failure(&req.url).await);
            }
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.trim().parse::<u32>().ok());
        // Bytes, not text: one copy into wasm memory instead of decoding to a JS string
        // and encoding it back (several MB for a large list).
        let body = resp.binary().await;
        clear();
        let body = match body {
            Ok(b) if b.len() > MAX_BODY => {
                return Err(ApiError::bad_response(
                    status,
                    "the answer is larger than 8 MB",
                ))
            }
            Ok(b) => String::from_utf8(b)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            Err(_) if self.timed_out() => {
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
}

/// Milliseconds as seconds with one decimal, without pulling in float formatting.
fn seconds(ms: u32) -> String {
    format!("{}.{}", ms / 1000, ms % 1000 / 100)
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
