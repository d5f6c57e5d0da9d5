//! A description of one HTTP call, built by a dialect and executed by the client.

use serde_json::Value;
use std::fmt;

/// The HTTP methods the gateways use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Patch,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// How the panel authenticates to a gateway.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Auth {
    #[default]
    None,
    /// `Authorization: Bearer <token>` (re-factor, Barndoor, Respan).
    Bearer(String),
    /// `Authorization: Basic base64(key:secret)` (Libredesk).
    Basic { key: String, secret: String },
    /// `Authorization: token key:secret` (Libredesk).
    Token { key: String, secret: String },
}

// Debug must never print a credential: requests and connections end up in logs.
impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Auth::None => "Auth::None",
            Auth::Bearer(_) => "Auth::Bearer(••••)",
            Auth::Basic { .. } => "Auth::Basic(••••)",
            Auth::Token { .. } => "Auth::Token(••••)",
        })
    }
}

impl Auth {
    /// The `Authorization` header value, if any.
    pub fn header(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
            Auth::Basic { key, secret } => Some(format!(
                "Basic {}",
                base64_encode(format!("{key}:{secret}").as_bytes())
            )),
            Auth::Token { key, secret } => Some(format!("token {key}:{secret}")),
        }
    }

    /// The header as the preview shows it: scheme kept, credential hidden.
    pub fn masked_header(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Bearer(_) => Some("Bearer ••••".into()),
            Auth::Basic { .. } => Some("Basic ••••".into()),
            Auth::Token { .. } => Some("token ••••".into()),
        }
    }

    /// True when a credential is present.
    pub fn is_set(&self) -> bool {
        match self {
            Auth::None => false,
            Auth::Bearer(t) => !t.is_empty(),
            Auth::Basic { key, secret } | Auth::Token { key, secret } => {
                !key.is_empty() || !secret.is_empty()
            }
        }
    }
}

// Standard alphabet with padding; a dozen lines do not earn a dependency in the wasm.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let idx = ((n >> shift) & 63) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One HTTP call: method, URL, headers and an optional JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    /// Absolute URL (base URL of the connection joined with the path).
    pub url: String,
    /// Headers other than `Authorization`, which comes from [`HttpRequest::auth`].
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    pub body: Option<Value>,
}

impl HttpRequest {
    /// Every header that goes on the wire, `Authorization` included.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let mut h = self.headers.clone();
        if let Some(v) = self.auth.header() {
            h.push(("Authorization".into(), v));
        }
        h
    }

    /// The path and query part of the URL (for previews and logs).
    pub fn path(&self) -> &str {
        match self.url.find("://") {
            Some(i) => {
                let rest = self.url.get(i + 3..).unwrap_or("");
                rest.find('/').and_then(|j| rest.get(j..)).unwrap_or("/")
            }
            None => &self.url,
        }
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Joins a base URL and a path without doubling or dropping the slash.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn auth_headers_follow_each_scheme() {
        assert_eq!(
            Auth::Bearer("t0k".into()).header().as_deref(),
            Some("Bearer t0k")
        );
        let basic = Auth::Basic {
            key: "k".into(),
            secret: "s".into(),
        };
        assert_eq!(basic.header().as_deref(), Some("Basic azpz"));
        let token = Auth::Token {
            key: "k".into(),
            secret: "s".into(),
        };
        assert_eq!(token.header().as_deref(), Some("token k:s"));
        assert_eq!(Auth::None.header(), None);
        assert_eq!(
            format!("{:?}", Auth::Bearer("secret".into())),
            "Auth::Bearer(••••)"
        );
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("google-vertex"), "google-vertex");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn urls_join_and_paths_split() {
        let url = join_url("http://h:1/refactor/", "/v1/llm-provider/openai");
        assert_eq!(url, "http://h:1/refactor/v1/llm-provider/openai");
        let r = HttpRequest {
            method: Method::Get,
            url,
            headers: vec![],
            auth: Auth::None,
            body: None,
        };
        assert_eq!(r.path(), "/refactor/v1/llm-provider/openai");
    }
}
