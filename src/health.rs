//! Each connection's health: whether its gateway is reachable, accepts the credential and
//! this page's origin (CORS), which read path answered, and how fast it answers (the
//! median of its recent calls). Pure: the panel feeds it what its calls found.

use crate::model::{ApiError, ErrorKind};
use std::collections::VecDeque;

/// How many recent answers the latency median covers.
pub const RECENT: usize = 20;
/// A median at or above this is a slow gateway.
pub const SLOW_MS: u32 = 1_000;

/// What the latest read of a connection found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It answered the read.
    Answered,
    /// It answered 401: the credential was not accepted.
    Unauthorized,
    /// It answered 403: the credential may not do this.
    Forbidden,
    /// It is up, but does not allow this page's origin.
    CorsRefused,
    /// Nothing answered at its address.
    Unreachable,
    /// No answer within the time limit.
    TimedOut,
    /// It answered with an error, or with something its API does not document.
    Failing,
    /// Its reads are off: only saves show how it is.
    ReadsOff,
}

impl Verdict {
    /// The verdict on a read that ended with `result`.
    pub fn of<T>(result: &Result<T, ApiError>) -> Verdict {
        let Err(e) = result else {
            return Verdict::Answered;
        };
        match (e.kind, e.status) {
            (ErrorKind::Cors, _) => Verdict::CorsRefused,
            (ErrorKind::Network, _) => Verdict::Unreachable,
            (ErrorKind::Timeout, _) => Verdict::TimedOut,
            (_, Some(401)) => Verdict::Unauthorized,
            (_, Some(403)) => Verdict::Forbidden,
            _ => Verdict::Failing,
        }
    }

    /// Whether the gateway answered at all (`None`: cannot tell).
    pub fn reachable(self) -> Option<bool> {
        match self {
            Verdict::Unreachable => Some(false),
            Verdict::TimedOut | Verdict::ReadsOff => None,
            _ => Some(true),
        }
    }

    /// Whether the credential was accepted (`None`: cannot tell).
    pub fn authorised(self) -> Option<bool> {
        match self {
            Verdict::Answered => Some(true),
            Verdict::Unauthorized | Verdict::Forbidden => Some(false),
            _ => None,
        }
    }

    /// Whether the browser let this page read the answer (`None`: cannot tell).
    pub fn cors_allowed(self) -> Option<bool> {
        match self {
            Verdict::CorsRefused => Some(false),
            Verdict::Unreachable | Verdict::TimedOut | Verdict::ReadsOff => None,
            _ => Some(true),
        }
    }
}

/// How a connection is, in one word, for its dot in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Good,
    Slow,
    Bad,
    Unknown,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Good => "healthy",
            Level::Slow => "slow",
            Level::Bad => "failing",
            Level::Unknown => "not checked",
        }
    }
}

/// One read's findings.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// When, in ms since the epoch.
    pub at: i64,
    pub verdict: Verdict,
    /// The path (and query) of the read, e.g. `/respan/api/providers/`.
    pub path: Option<String>,
    /// The gateway's or the browser's words, when it failed.
    pub message: Option<String>,
}

/// One connection's health.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Health {
    latencies: VecDeque<u32>,
    pub last: Option<Check>,
}

impl Health {
    /// A call got an answer after `ms` (an error status is an answer too).
    pub fn answered(&mut self, ms: u32) {
        if self.latencies.len() == RECENT {
            self.latencies.pop_front();
        }
        self.latencies.push_back(ms);
    }

    /// A read found this.
    pub fn checked(&mut self, check: Check) {
        self.last = Some(check);
    }

    /// The median of the recent answers' latencies (the lower middle of an even count).
    pub fn median(&self) -> Option<u32> {
        // The value with as many below it as the middle position: at most 20 values, and
        // no sort routine in the wasm.
        let mid = self.latencies.len().checked_sub(1)? / 2;
        self.latencies.iter().copied().find(|&v| {
            let below = self.latencies.iter().filter(|&&x| x < v).count();
            let at = self.latencies.iter().filter(|&&x| x == v).count();
            below <= mid && mid < below + at
        })
    }

    /// The state in a few words, for the health view.
    pub fn status(&self) -> &'static str {
        match (self.last.as_ref().map(|c| c.verdict), self.level()) {
            (_, Level::Slow) => "Slow",
            (None | Some(Verdict::Answered), Level::Good) => "Healthy",
            (None | Some(Verdict::Answered), _) => "Not checked",
            (Some(Verdict::Unauthorized), _) => "Credential refused (401)",
            (Some(Verdict::Forbidden), _) => "Forbidden (403)",
            (Some(Verdict::CorsRefused), _) => "CORS refused",
            (Some(Verdict::Unreachable), _) => "Unreachable",
            (Some(Verdict::TimedOut), _) => "No answer in time",
            (Some(Verdict::Failing), _) => "Failing",
            (Some(Verdict::ReadsOff), _) => "Reads off",
        }
    }

    /// Good, slow, failing or not checked yet.
    pub fn level(&self) -> Level {
        match self.last.as_ref().map(|c| c.verdict) {
            None | Some(Verdict::ReadsOff) if self.latencies.is_empty() => Level::Unknown,
            None | Some(Verdict::Answered | Verdict::ReadsOff) => {
                if self.median().is_some_and(|m| m >= SLOW_MS) {
                    Level::Slow
                } else {
                    Level::Good
                }
            }
            Some(_) => Level::Bad,
        }
    }
}

/// The path and query of a URL (`https://h/p?q` → `/p?q`); a relative URL as it is, with
/// a leading slash.
pub fn path_of(url: &str) -> String {
    let rest = match url.find("://") {
        Some(i) => url
            .get(i + 3..)
            .and_then(|r| r.find('/').map(|j| &r[j..]))
            .unwrap_or("/"),
        None => url,
    };
    if rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind, status: Option<u16>) -> Result<(), ApiError> {
        let mut e = ApiError::new(kind, "x");
        e.status = status;
        Err(e)
    }

    #[test]
    fn verdicts_say_what_can_be_told() {
        let cases = [
            (
                Ok(()),
                Verdict::Answered,
                Some(true),
                Some(true),
                Some(true),
            ),
            (
                err(ErrorKind::Http, Some(401)),
                Verdict::Unauthorized,
                Some(true),
                Some(false),
                Some(true),
            ),
            (
                err(ErrorKind::Http, Some(403)),
                Verdict::Forbidden,
                Some(true),
                Some(false),
                Some(true),
            ),
            (
                err(ErrorKind::Cors, None),
                Verdict::CorsRefused,
                Some(true),
                None,
                Some(false),
            ),
            (
                err(ErrorKind::Network, None),
                Verdict::Unreachable,
                Some(false),
                None,
                None,
            ),
            (
                err(ErrorKind::Timeout, None),
                Verdict::TimedOut,
                None,
                None,
                None,
            ),
            (
                err(ErrorKind::Http, Some(500)),
                Verdict::Failing,
                Some(true),
                None,
                Some(true),
            ),
            (
                err(ErrorKind::BadResponse, Some(200)),
                Verdict::Failing,
                Some(true),
                None,
                Some(true),
            ),
        ];
        for (result, verdict, reachable, authorised, cors) in cases {
            let v = Verdict::of(&result);
            assert_eq!(v, verdict, "{result:?}");
            assert_eq!(
                (v.reachable(), v.authorised(), v.cors_allowed()),
                (reachable, authorised, cors),
                "{v:?}"
            );
        }
    }

    #[test]
    fn the_median_covers_the_recent_answers_and_says_slow() {
        let mut h = Health::default();
        assert_eq!((h.median(), h.level()), (None, Level::Unknown));
        for ms in [30, 10, 20] {
            h.answered(ms);
        }
        assert_eq!(h.median(), Some(20));
        h.answered(40);
        assert_eq!(h.median(), Some(20), "the lower middle of four");
        assert_eq!(h.level(), Level::Good);
        for _ in 0..RECENT {
            h.answered(1_500);
        }
        assert_eq!(
            (h.median(), h.level()),
            (Some(1_500), Level::Slow),
            "only the recent ones count"
        );
        h.checked(Check {
            at: 0,
            verdict: Verdict::Unauthorized,
            path: None,
            message: None,
        });
        assert_eq!(h.level(), Level::Bad);
        let mut off = Health::default();
        off.checked(Check {
            at: 0,
            verdict: Verdict::ReadsOff,
            path: None,
            message: None,
        });
        assert_eq!(off.level(), Level::Unknown);
        off.answered(5);
        assert_eq!(off.level(), Level::Good, "its saves answer");
    }

    #[test]
    fn paths_without_the_origin() {
        assert_eq!(
            path_of("https://h:8/respan/api/providers/?page=2"),
            "/respan/api/providers/?page=2"
        );
        assert_eq!(path_of("respan/api/providers/"), "/respan/api/providers/");
        assert_eq!(path_of("https://h"), "/");
    }
}
