//! The only network code of the command line: one gateway call with the panel's retry
//! policy, time limit and error reading, and the calls a plan needs (list, read, update).

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use switchboard::dialect::paging::{Page, Pager};
use switchboard::dialect::Connection;
use switchboard::model::{
    ApiError, ErrorKind, HttpRequest, Method, PlannedUpdate, Provider, RetryPolicy,
};
use switchboard::state::LiveConnection;

/// A client for every gateway: the HTTP connection pool, the time limit of one attempt
/// and when to try again (the panel's [`RetryPolicy`]).
pub struct Gateways {
    http: reqwest::Client,
    timeout: Duration,
    pub retry: RetryPolicy,
}

impl Gateways {
    pub fn new(timeout: Duration) -> Result<Gateways, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("switchboard-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the HTTP client could not start: {e}"))?;
        Ok(Gateways {
            http,
            timeout,
            retry: RetryPolicy::default(),
        })
    }

    /// Runs a request: the body of a 2xx answer, else the error `read_error` reads from
    /// the answer; failures are tried again as the retry policy says, `on_retry` told first.
    pub async fn execute(
        &self,
        req: &HttpRequest,
        read_error: impl Fn(u16, &str) -> ApiError,
        on_retry: impl Fn(&ApiError),
    ) -> Result<String, ApiError> {
        let mut done = 1;
        loop {
            let result = self.attempt(req, &read_error).await;
            let Err(e) = &result else { return result };
            match self.retry.delay_ms(done, e, jitter()) {
                Some(ms) => {
                    on_retry(e);
                    tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
                    done += 1;
                }
                None => return result,
            }
        }
    }

    async fn attempt(
        &self,
        req: &HttpRequest,
        read_error: &impl Fn(u16, &str) -> ApiError,
    ) -> Result<String, ApiError> {
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
        };
        let mut builder = self.http.request(method, &req.url);
        for (k, v) in req.wire_headers() {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.to_string());
        }
        let answer = builder.send().await.map_err(|e| self.failure(&e))?;
        let status = answer.status().as_u16();
        let retry_after = answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        let body = answer.text().await.map_err(|e| {
            if e.is_timeout() {
                self.failure(&e)
            } else {
                ApiError::new(
                    ErrorKind::Network,
                    "The connection dropped while the answer was arriving.",
                )
            }
        })?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            let mut e = read_error(status, &body);
            e.retry_after = retry_after;
            Err(e)
        }
    }

    fn failure(&self, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::new(
                ErrorKind::Timeout,
                format!(
                    "The gateway did not answer within {} seconds.",
                    self.timeout.as_secs()
                ),
            )
        } else {
            ApiError::new(
                ErrorKind::Network,
                "The gateway could not be reached. Check its address and that it is running.",
            )
        }
    }

    /// Every provider of a connection: the list page by page, or each declared provider
    /// read on its own, or (reads off) the declared providers, their state unknown.
    pub async fn list(&self, conn: &Connection) -> Result<Vec<Provider>, ApiError> {
        let d = conn.gateway.dialect();
        let declared = conn
            .declared
            .iter()
            .map(|p| d.declared(&p.id, p.name.as_deref()));
        if !conn.reads {
            return Ok(declared.collect());
        }
        if !conn.declared.is_empty() {
            let mut out = Vec::with_capacity(conn.declared.len());
            for p in declared {
                let read = self.read(conn, &p).await.map_err(|e| ApiError {
                    message: format!("Reading {}: {}", p.id, e.message),
                    ..e
                })?;
                out.push(read);
            }
            return Ok(out);
        }
        let mut pager = Pager::new(None);
        let mut req = Some(d.list_request(conn));
        let mut out = Vec::new();
        while let Some(r) = req {
            let page = pager.page + 1;
            let read = match self.execute(&r, |s, b| d.parse_error(s, b), |_| {}).await {
                Ok(body) => pager.read(d, &r, &body),
                Err(e) => Err(e),
            };
            let Page { providers, next } = read.map_err(|e| match page {
                1 => e,
                n => ApiError {
                    message: format!("Page {n} of the list: {}", e.message),
                    ..e
                },
            })?;
            out.extend(providers);
            req = next;
        }
        Ok(out)
    }

    /// One provider, read again.
    pub async fn read(&self, conn: &Connection, provider: &Provider) -> Result<Provider, ApiError> {
        let d = conn.gateway.dialect();
        let body = self
            .execute(
                &d.read_request(conn, provider),
                |s, b| d.parse_error(s, b),
                |_| {},
            )
            .await?;
        d.parse_item(&body)
    }

    /// Sends one planned update; the provider as the gateway answers it.
    pub async fn send(
        &self,
        conn: &Connection,
        provider: &Provider,
        update: &PlannedUpdate,
        on_retry: impl Fn(&ApiError),
    ) -> Result<Provider, ApiError> {
        let d = conn.gateway.dialect();
        let body = self
            .execute(&update.request, |s, b| d.parse_error(s, b), on_retry)
            .await?;
        d.parse_update(provider, &update.change, &body)
    }

    /// Every connection's providers, read at the same time, or why they could not be.
    pub async fn live(&self, conns: &[Connection]) -> Vec<LiveConnection> {
        let lists = conns.iter().map(|c| self.list(c));
        let lists = futures_util::future::join_all(lists).await;
        conns
            .iter()
            .cloned()
            .zip(lists)
            .map(|(conn, providers)| LiveConnection {
                conn,
                providers: providers.map_err(|e| e.message),
            })
            .collect()
    }
}

/// A number in [0, 1) that differs from call to call, to spread retries (the policy asks
/// for jitter, not for randomness good enough to need a crate).
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}
