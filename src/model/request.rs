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

/// How the panel authenticates to a gateway: a scheme and its credential.
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
    /// A header of the gateway's own carrying the credential as it is (`X-Api-Key: <key>`).
    Header { name: String, value: String },
}

/// Where a connection's credential came from: what the Connections view says of it,
/// never its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// None yet: the gateway will answer 401.
    Missing,
    /// Written in the served `switchboard.json` (`ui.allow_file_credentials`).
    File,
    /// Typed in the Connections view: in this tab's memory until a reload.
    Typed,
    /// Handed over by the embedding page (`switchboard:token`), in memory.
    Host,
    /// Sealed in this browser's vault; in memory only while the vault is unlocked.
    Vault,
}

impl CredentialSource {
    /// The source of a credential found in the configuration.
    pub fn of_config(auth: &Auth) -> Self {
        if auth.is_set() {
            CredentialSource::File
        } else {
            CredentialSource::Missing
        }
    }

    /// How the Connections view says it.
    pub fn text(self) -> &'static str {
        match self {
            CredentialSource::Missing => "Missing: enter it below",
            CredentialSource::File => {
                "From switchboard.json (readable by whoever can load this panel)"
            }
            CredentialSource::Typed => "Typed here: kept in this tab's memory until a reload",
            CredentialSource::Host => "Handed over by the embedding page: in memory until a reload",
            CredentialSource::Vault => {
                "In this browser's vault: sealed, in use while the vault is unlocked"
            }
        }
    }
}

// Debug must never print a credential: requests and connections end up in logs.
impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Auth::None => "Auth::None",
            Auth::Bearer(_) => "Auth::Bearer(••••)",
            Auth::Basic { .. } => "Auth::Basic(••••)",
            Auth::Token { .. } => "Auth::Token(••••)",
            Auth::Header { .. } => "Auth::Header(••••)",
        })
    }
}

impl Auth {
    /// The header that carries the credential, as (name, value), if any.
    pub fn header(&self) -> Option<(String, String)> {
        let authorization = |v: String| Some(("Authorization".to_owned(), v));
        match self {
            Auth::None => None,
            Auth::Bearer(t) => authorization(format!("Bearer {t}")),
            Auth::Basic { key, secret } => authorization(format!(
                "Basic {}",
                base64_encode(format!("{key}:{secret}").as_bytes())
            )),
            Auth::Token { key, secret } => authorization(format!("token {key}:{secret}")),
            Auth::Header { name, value } => Some((name.clone(), value.clone())),
        }
    }

    /// The header as the preview shows it: name and scheme kept, credential hidden.
    pub fn masked_header(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Bearer(_) => Some("Authorization: Bearer ••••".into()),
            Auth::Basic { .. } => Some("Authorization: Basic ••••".into()),
            Auth::Token { .. } => Some("Authorization: token ••••".into()),
            Auth::Header { name, .. } => Some(format!("{name}: ••••")),
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
            Auth::Header { value, .. } => !value.is_empty(),
        }
    }

    /// The same scheme with nothing secret left: a key-and-secret credential keeps its key
    /// (not secret, and handy when the secret is entered again), a header its name.
    pub fn forgotten(&self) -> Auth {
        match self {
            Auth::None => Auth::None,
            Auth::Bearer(_) => Auth::Bearer(String::new()),
            Auth::Basic { key, .. } => Auth::Basic {
                key: key.clone(),
                secret: String::new(),
            },
            Auth::Token { key, .. } => Auth::Token {
                key: key.clone(),
                secret: String::new(),
            },
            Auth::Header { name, .. } => Auth::Header {
                name: name.clone(),
                value: String::new(),
            },
        }
    }

    /// The same scheme with a new token: a gateway header keeps its name, anything else
    /// becomes a bearer token (what an embedding page hands over).
    pub fn with_token(&self, token: &str) -> Auth {
        match self {
            Auth::Header { name, .. } => Auth::Header {
                name: name.clone(),
                value: token.to_owned(),
            },
            _ => Auth::Bearer(token.to_owned()),
        }
    }

    /// The key half of a key-and-secret credential (never secret), else empty.
    pub fn key(&self) -> &str {
        match self {
            Auth::Basic { key, .. } | Auth::Token { key, .. } => key,
            _ => "",
        }
    }
}

/// A way of authenticating that a dialect accepts; the Connections view offers these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// A bearer token.
    Bearer,
    /// Key and secret, Base64 in `Authorization: Basic`.
    Basic,
    /// Key and secret as `Authorization: token key:secret`.
    Token,
    /// A token in a header of this name.
    Header(&'static str),
}

impl AuthScheme {
    /// What the choice is called in the Connections view.
    pub fn label(self) -> String {
        match self {
            AuthScheme::Bearer => "Bearer token".into(),
            AuthScheme::Basic => "Key and secret (Basic)".into(),
            AuthScheme::Token => "Key and secret (token key:secret)".into(),
            AuthScheme::Header(name) => format!("Token in the {name} header"),
        }
    }

    /// True when the credential is a key and a secret rather than one token.
    pub fn is_pair(self) -> bool {
        matches!(self, AuthScheme::Basic | AuthScheme::Token)
    }

    /// The credential of this scheme from what the admin typed (`key` only for pairs).
    pub fn with(self, key: String, secret: String) -> Auth {
        match self {
            AuthScheme::Bearer => Auth::Bearer(secret),
            AuthScheme::Basic => Auth::Basic { key, secret },
            AuthScheme::Token => Auth::Token { key, secret },
            AuthScheme::Header(name) => Auth::Header {
                name: name.to_owned(),
                value: secret,
            },
        }
    }

    /// True when `auth` is sent with this scheme.
    pub fn matches(self, auth: &Auth) -> bool {
        match (self, auth) {
            (AuthScheme::Bearer, Auth::Bearer(_))
            | (AuthScheme::Basic, Auth::Basic { .. })
            | (AuthScheme::Token, Auth::Token { .. }) => true,
            (AuthScheme::Header(name), Auth::Header { name: n, .. }) => n == name,
            _ => false,
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Standard alphabet with padding; a dozen lines do not earn a dependency in the wasm.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
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

/// The bytes of standard, padded Base64; `None` for anything else (a wrong length, a
/// character outside the alphabet, padding in the middle).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32);
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let last = bytes.len() / 4;
    for (n, quad) in bytes.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && n + 1 != last) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &quad[..4 - pad] {
            acc = (acc << 6) | value(c)?;
        }
        acc <<= 6 * pad as u32;
        let got = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&got[..3 - pad]);
    }
    Some(out)
}

/// One HTTP call: method, URL, headers and an optional JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    /// Absolute URL (base URL of the connection joined with the path).
    pub url: String,
    /// Headers other than the credential's, which comes from [`HttpRequest::auth`].
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    pub body: Option<Value>,
}

impl HttpRequest {
    /// Every header that goes on the wire, `Authorization` included.
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let mut h = self.headers.clone();
        h.extend(self.auth.header());
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
    fn a_forgotten_credential_keeps_its_scheme_and_no_secret() {
        let basic = Auth::Basic {
            key: "k".into(),
            secret: "s".into(),
        };
        assert_eq!(
            basic.forgotten(),
            Auth::Basic {
                key: "k".into(),
                secret: String::new()
            }
        );
        assert_eq!(
            Auth::Bearer("t".into()).forgotten(),
            Auth::Bearer(String::new())
        );
        let header = Auth::Header {
            name: "X-Api-Key".into(),
            value: "v".into(),
        };
        assert_eq!(
            header.forgotten(),
            Auth::Header {
                name: "X-Api-Key".into(),
                value: String::new()
            }
        );
        assert!(header
            .forgotten()
            .header()
            .is_some_and(|(_, v)| v.is_empty()));
        assert_eq!(
            CredentialSource::of_config(&Auth::Bearer(String::new())),
            CredentialSource::Missing
        );
        assert_eq!(
            CredentialSource::of_config(&Auth::Bearer("t".into())),
            CredentialSource::File
        );
    }

    #[test]
    fn base64_decodes_what_it_encodes_and_refuses_the_rest() {
        for input in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "\u{0}\u{ff}x",
        ] {
            let enc = base64_encode(input.as_bytes());
            assert_eq!(
                base64_decode(&enc).as_deref(),
                Some(input.as_bytes()),
                "{enc}"
            );
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)), Some(all));
        for bad in ["Zg", "Zg=", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm 9v"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

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
        let value = |a: &Auth| a.header().map(|(_, v)| v);
        assert_eq!(
            value(&Auth::Bearer("t0k".into())).as_deref(),
            Some("Bearer t0k")
        );
        let basic = Auth::Basic {
            key: "k".into(),
            secret: "s".into(),
        };
        assert_eq!(value(&basic).as_deref(), Some("Basic azpz"));
        let token = Auth::Token {
            key: "k".into(),
            secret: "s".into(),
        };
        assert_eq!(value(&token).as_deref(), Some("token k:s"));
        let custom = AuthScheme::Header("X-Api-Key").with(String::new(), "v".into());
        assert_eq!(custom.header(), Some(("X-Api-Key".into(), "v".into())));
        assert!(AuthScheme::Header("X-Api-Key").matches(&custom));
        assert!(!AuthScheme::Header("X-Other").matches(&custom));
        assert!(AuthScheme::Token.matches(&token) && !AuthScheme::Basic.matches(&token));
        assert!(!AuthScheme::Bearer.matches(&Auth::None));
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
