//! When a failed call is sent again, and after how long: one value the client is handed.

use super::error::{ApiError, ErrorKind};

/// The retry policy of gateway calls. Every call the gateways document is idempotent (GET,
/// and PUT/PATCH that set absolute values), so a retry can only repeat what was meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub attempts: u32,
    /// Wait before the first retry, in milliseconds; each later one waits `factor` times more.
    pub backoff_ms: u32,
    pub factor: u32,
    /// Longest `Retry-After` honoured, in seconds: a server asking for more gets this.
    pub retry_after_cap_secs: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            backoff_ms: 300,
            factor: 3,
            retry_after_cap_secs: 30,
        }
    }
}

impl RetryPolicy {
    /// Whether sending the same request again could succeed: only failures where the
    /// request may never have been processed, or the server said "later". A 4xx or a
    /// 500 never is: the gateway decided.
    pub fn retries(&self, e: &ApiError) -> bool {
        match e.kind {
            ErrorKind::Network | ErrorKind::Timeout => true,
            ErrorKind::Http => matches!(e.status, Some(429 | 502 | 503 | 504)),
            ErrorKind::Cors | ErrorKind::BadResponse => false,
        }
    }

    /// How long to wait after attempt `done` (1 for the first) failed with `e` before the
    /// next one, or `None` when there is no next one. `jitter` in `[0, 1)` spreads the
    /// retries of many clients by up to half the backoff; `Retry-After` replaces it.
    pub fn delay_ms(&self, done: u32, e: &ApiError, jitter: f64) -> Option<u32> {
        if done >= self.attempts || !self.retries(e) {
            return None;
        }
        if let Some(secs) = e.retry_after {
            return Some(secs.min(self.retry_after_cap_secs).saturating_mul(1000));
        }
        let base = self
            .backoff_ms
            .saturating_mul(self.factor.saturating_pow(done.saturating_sub(1)));
        Some(base.saturating_add((jitter.clamp(0.0, 1.0) * f64::from(base) * 0.5) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_where_safe() {
        let p = RetryPolicy::default();
        assert!(p.retries(&ApiError::new(ErrorKind::Network, "x")));
        assert!(p.retries(&ApiError::new(ErrorKind::Timeout, "x")));
        for status in [429, 502, 503, 504] {
            assert!(p.retries(&ApiError::from_response(status, "")), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 500] {
            assert!(!p.retries(&ApiError::from_response(status, "")), "{status}");
        }
        assert!(!p.retries(&ApiError::new(ErrorKind::Cors, "x")));
        assert!(!p.retries(&ApiError::bad_response(200, "x")));
    }

    #[test]
    fn backoff_grows_and_stops_after_the_last_attempt() {
        let p = RetryPolicy::default();
        let e = ApiError::new(ErrorKind::Network, "x");
        assert_eq!(p.delay_ms(1, &e, 0.0), Some(300));
        assert_eq!(p.delay_ms(2, &e, 0.0), Some(900));
        assert_eq!(p.delay_ms(2, &e, 0.999), Some(1349));
        assert_eq!(p.delay_ms(3, &e, 0.0), None);
        assert_eq!(p.delay_ms(1, &ApiError::from_response(400, ""), 0.0), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        let mut e = ApiError::from_response(503, "");
        e.retry_after = Some(2);
        assert_eq!(p.delay_ms(1, &e, 0.9), Some(2000));
        e.retry_after = Some(3600);
        assert_eq!(p.delay_ms(1, &e, 0.0), Some(30_000));
        let once = RetryPolicy { attempts: 1, ..p };
        assert_eq!(once.delay_ms(1, &e, 0.0), None);
    }
}
