//! Lists that come in pages. A list answer may say where the next page is: a Django REST
//! framework `next` link (`{"count","next","previous","results"}`), a cursor
//! (`next_cursor`, or a `next` that is not a link), or page numbers (`page` with
//! `total_pages`, or with `total` and `limit`). [`Pager`] reads one page at a time and
//! gives the request for the next, on the same origin only: the request carries the
//! connection's credential, which must never follow a link to another host.

use super::Dialect;
use crate::model::request::encode_segment;
use crate::model::{ApiError, ErrorKind, HttpRequest, Provider};
use serde::Deserialize;
use serde_json::Value;

/// More pages than any gateway has; a listing past it is a loop.
const MAX_PAGES: u32 = 100_000;

/// The members of a list answer that tell about pages; any others (the items) are skipped.
#[derive(Default, Deserialize)]
struct Meta {
    next: Option<Value>,
    next_cursor: Option<Value>,
    #[serde(rename = "nextCursor")]
    next_cursor_camel: Option<Value>,
    page: Option<u64>,
    total_pages: Option<u64>,
    #[serde(rename = "totalPages")]
    total_pages_camel: Option<u64>,
    count: Option<u64>,
    total: Option<u64>,
    total_count: Option<u64>,
    limit: Option<u64>,
    page_size: Option<u64>,
    per_page: Option<u64>,
    has_more: Option<bool>,
}

impl Meta {
    fn of(body: &str) -> Meta {
        if !body.trim_start().starts_with('{') {
            return Meta::default();
        }
        serde_json::from_str(body).unwrap_or_default()
    }

    fn total(&self) -> Option<u64> {
        self.count.or(self.total).or(self.total_count)
    }

    /// Where the next page is, as the answer says it; `None` on the last page.
    fn next(&self) -> Option<Next> {
        let text = |v: &Option<Value>| match v {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            // Integers only: a float cursor is no cursor (and its formatting costs the wasm 10 KB).
            Some(Value::Number(n)) => n.as_u64().map(|n| n.to_string()),
            _ => None,
        };
        if let Some(n) = text(&self.next) {
            let link = n.starts_with('/') || n.starts_with('?') || n.contains("://");
            return Some(if link { Next::Link(n) } else { Next::Cursor(n) });
        }
        if let Some(c) = text(&self.next_cursor).or_else(|| text(&self.next_cursor_camel)) {
            return Some(Next::Cursor(c));
        }
        let page = self.page?;
        let size = self.limit.or(self.page_size).or(self.per_page);
        let more = match (
            self.total_pages.or(self.total_pages_camel),
            self.total(),
            size,
        ) {
            (Some(pages), _, _) => page < pages,
            (None, Some(total), Some(size)) if size > 0 => page.saturating_mul(size) < total,
            _ => self.has_more == Some(true),
        };
        more.then_some(Next::Page(page + 1))
    }
}

/// Where the next page is: a link the gateway gave, or the same URL with a cursor or a
/// page number (which, like the URL it changes, may be relative).
enum Next {
    Link(String),
    Cursor(String),
    Page(u64),
}

/// Reads a listing page by page.
#[derive(Clone, Debug)]
pub struct Pager {
    /// The origin relative URLs belong to (the page's, in a browser).
    origin: Option<String>,
    seen: Vec<String>,
    /// Pages read so far.
    pub page: u32,
    /// Providers read so far.
    pub loaded: usize,
    /// How many providers the gateway says there are, when it says.
    pub total: Option<u64>,
}

/// One page read: its providers and the request for the next, if there is one.
pub struct Page {
    pub providers: Vec<Provider>,
    pub next: Option<HttpRequest>,
}

impl Pager {
    /// A pager for a listing whose relative URLs belong to `origin`.
    pub fn new(origin: Option<String>) -> Self {
        Pager {
            origin,
            seen: Vec::new(),
            page: 0,
            loaded: 0,
            total: None,
        }
    }

    /// Reads the answer to `req`, one page of the listing.
    pub fn read(
        &mut self,
        dialect: &dyn Dialect,
        req: &HttpRequest,
        body: &str,
    ) -> Result<Page, ApiError> {
        let providers = dialect.parse_list(body)?;
        let meta = Meta::of(body);
        self.page += 1;
        self.loaded += providers.len();
        self.total = meta.total().or(self.total);
        self.seen.push(req.url.clone());
        // A page without items ends the listing, whatever it says: it cannot be a loop.
        let next = match meta.next().filter(|_| !providers.is_empty()) {
            None => None,
            Some(next) => Some(self.follow(req, next)?),
        };
        Ok(Page { providers, next })
    }

    fn follow(&self, req: &HttpRequest, next: Next) -> Result<HttpRequest, ApiError> {
        let url = match next {
            Next::Cursor(c) => with_query(&req.url, "cursor", &c),
            Next::Page(n) => with_query(&req.url, "page", &n.to_string()),
            Next::Link(l) if l.starts_with('?') => {
                format!("{}{l}", req.url.split(['?', '#']).next().unwrap_or(""))
            }
            Next::Link(l) if l.starts_with('/') => match origin(&req.url) {
                Some(o) => format!("{o}{l}"),
                None => l,
            },
            Next::Link(l) => {
                let here = origin(&req.url).or(self.origin.as_deref());
                if here.is_none_or(|h| !same_origin(h, &l)) {
                    return Err(broken(format!(
                        "its next page link leads to another site ({}); the credential is not sent there",
                        origin(&l).unwrap_or(&l)
                    )));
                }
                l
            }
        };
        if self.seen.contains(&url) {
            return Err(broken(format!(
                "its next page link repeats an earlier page (after page {})",
                self.page
            )));
        }
        if self.page >= MAX_PAGES {
            return Err(broken(format!("it gave more than {MAX_PAGES} pages")));
        }
        Ok(HttpRequest { url, ..req.clone() })
    }
}

fn broken(why: String) -> ApiError {
    ApiError::new(
        ErrorKind::BadResponse,
        format!("The gateway's list cannot be read further: {why}."),
    )
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Some(&url[..end])
}

fn same_origin(origin_a: &str, url: &str) -> bool {
    origin(url).is_some_and(|b| b.eq_ignore_ascii_case(origin_a))
}

/// `url` with query parameter `key` set to `value` (replacing any earlier value).
pub fn with_query(url: &str, key: &str, value: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(key))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{key}={}", encode_segment(value)));
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::respan::Respan;
    use crate::dialect::testkit::conn;

    fn first() -> HttpRequest {
        let mut c = conn(&Respan);
        c.base_url = "https://gw.example/respan".into();
        Respan.list_request(&c)
    }

    fn items(from: u64, n: u64) -> String {
        let v: Vec<String> = (from..from + n)
            .map(|i| format!(r#"{{"id":{i},"provider_name":"p{i}"}}"#))
            .collect();
        format!("[{}]", v.join(","))
    }

    #[test]
    fn drf_next_links_are_followed_on_the_same_origin_only() {
        let mut p = Pager::new(None);
        let body = format!(
            r#"{{"count":5,"next":"https://gw.example/respan/api/providers/?page=2","previous":null,"results":{}}}"#,
            items(1, 2)
        );
        let page = p.read(&Respan, &first(), &body).unwrap();
        let next = page.next.unwrap();
        assert_eq!(next.url, "https://gw.example/respan/api/providers/?page=2");
        assert_eq!(
            next.auth,
            first().auth,
            "the same credential, on the same origin"
        );
        assert_eq!((p.page, p.loaded, p.total), (1, 2, Some(5)));
        let last = format!(
            r#"{{"count":5,"next":null,"previous":"x","results":{}}}"#,
            items(3, 3)
        );
        assert!(p.read(&Respan, &next, &last).unwrap().next.is_none());
        assert_eq!(p.loaded, 5);
        let evil = body.replace("https://gw.example", "https://evil.example");
        let e = Pager::new(None)
            .read(&Respan, &first(), &evil)
            .err()
            .unwrap();
        assert!(
            e.message.contains("another site (https://evil.example)"),
            "{}",
            e.message
        );
        // Relative links resolve against the request's own URL.
        let rel = body.replace(
            "https://gw.example/respan/api/providers/",
            "/respan/api/providers/",
        );
        let next = Pager::new(None)
            .read(&Respan, &first(), &rel)
            .unwrap()
            .next
            .unwrap();
        assert_eq!(next.url, "https://gw.example/respan/api/providers/?page=2");
        let q = body.replace("https://gw.example/respan/api/providers/", "");
        let next = Pager::new(None)
            .read(&Respan, &first(), &q)
            .unwrap()
            .next
            .unwrap();
        assert_eq!(next.url, "https://gw.example/respan/api/providers/?page=2");
    }

    #[test]
    fn a_relative_base_url_takes_the_page_origin() {
        let mut req = first();
        req.url = "respan/api/providers/".into();
        let body = format!(
            r#"{{"next":"http://127.0.0.1:8080/respan/api/providers/?page=2","results":{}}}"#,
            items(1, 1)
        );
        let here = Some("http://127.0.0.1:8080".to_owned());
        assert!(Pager::new(here)
            .read(&Respan, &req, &body)
            .unwrap()
            .next
            .is_some());
        let there = Some("http://localhost:9".to_owned());
        assert!(Pager::new(there).read(&Respan, &req, &body).is_err());
        assert!(Pager::new(None).read(&Respan, &req, &body).is_err());
    }

    #[test]
    fn page_numbers_and_cursors() {
        let mut req = first();
        req.url = "https://gw.example/x?limit=2".into();
        let body = |page: u64, from: u64, n: u64| {
            format!(
                r#"{{"items":{},"page":{page},"limit":2,"total":5}}"#,
                items(from, n)
            )
        };
        let mut p = Pager::new(None);
        let n2 = p.read(&Respan, &req, &body(1, 1, 2)).unwrap().next.unwrap();
        assert_eq!(n2.url, "https://gw.example/x?limit=2&page=2");
        let n3 = p.read(&Respan, &n2, &body(2, 3, 2)).unwrap().next.unwrap();
        assert_eq!(n3.url, "https://gw.example/x?limit=2&page=3");
        assert!(p.read(&Respan, &n3, &body(3, 5, 1)).unwrap().next.is_none());
        assert_eq!((p.loaded, p.total), (5, Some(5)));
        // A relative URL (a base URL relative to the page) stays relative.
        let mut rel = req.clone();
        rel.url = "barndoor/x?limit=2".into();
        let next = Pager::new(None)
            .read(&Respan, &rel, &body(1, 1, 2))
            .unwrap()
            .next
            .unwrap();
        assert_eq!(next.url, "barndoor/x?limit=2&page=2");
        let pages = format!(r#"{{"data":{},"page":1,"total_pages":1}}"#, items(1, 2));
        assert!(Pager::new(None)
            .read(&Respan, &req, &pages)
            .unwrap()
            .next
            .is_none());
        for body in [
            format!(r#"{{"data":{},"next_cursor":"c 2"}}"#, items(1, 1)),
            format!(r#"{{"data":{},"next":"c 2"}}"#, items(1, 1)),
            format!(r#"{{"data":{},"nextCursor":"c 2"}}"#, items(1, 1)),
        ] {
            let next = Pager::new(None)
                .read(&Respan, &req, &body)
                .unwrap()
                .next
                .unwrap();
            assert_eq!(
                next.url, "https://gw.example/x?limit=2&cursor=c%202",
                "{body}"
            );
        }
    }

    #[test]
    fn loops_and_empty_pages_end_the_listing() {
        let req = first();
        let body = format!(r#"{{"next":"{}","results":{}}}"#, req.url, items(1, 1));
        let e = Pager::new(None).read(&Respan, &req, &body).err().unwrap();
        assert!(
            e.message.contains("repeats an earlier page"),
            "{}",
            e.message
        );
        let empty =
            r#"{"count":9,"next":"https://gw.example/respan/api/providers/?page=2","results":[]}"#;
        assert!(Pager::new(None)
            .read(&Respan, &req, empty)
            .unwrap()
            .next
            .is_none());
        // A bare array is one page.
        assert!(Pager::new(None)
            .read(&Respan, &req, &items(1, 3))
            .unwrap()
            .next
            .is_none());
    }

    #[test]
    fn query_parameters_are_replaced_not_repeated() {
        assert_eq!(
            with_query("https://h/p?page=2&x=1#f", "page", "3"),
            "https://h/p?x=1&page=3"
        );
        assert_eq!(with_query("/p", "cursor", "a&b"), "/p?cursor=a%26b");
    }
}
