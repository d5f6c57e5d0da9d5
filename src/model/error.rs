//! One error type for every way a call can fail, and the envelope reader the dialects share.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Which class of failure this is; decides the wording and whether a retry may help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request never got an answer (offline, DNS, connection refused or dropped).
    Network,
    /// The browser refused the answer: the gateway did not allow this origin (CORS).
    Cors,
    /// No answer within the time limit.
    Timeout,
    /// The server answered with an error status.
    Http,
    /// The server answered, but not with what its API documents.
    BadResponse,
}

/// A failure, in the words the panel shows to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// Machine-readable code from the envelope (`NOT_FOUND`, Libredesk's `error_type`).
    pub code: Option<String>,
    /// One plain sentence for the user.
    pub message: String,
    /// Messages for single fields, by field name.
    pub fields: BTreeMap<String, String>,
    /// Seconds the server asked us to wait (`Retry-After`).
    pub retry_after: Option<u32>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ApiError {
    /// True when no readable answer came back, so the request may have been carried out
    /// all the same (a dropped connection, a timeout, a truncated body): only reading the
    /// provider again tells.
    pub fn may_have_landed(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::BadResponse
        )
    }

    /// An error of a kind with a message and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            status: None,
            code: None,
            message: message.into(),
            fields: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// The server's answer was not what its API documents.
    pub fn bad_response(status: u16, what: impl fmt::Display) -> Self {
        let mut e = ApiError::new(
            ErrorKind::BadResponse,
            format!("The gateway answered {status} with a body this panel cannot read: {what}."),
        );
        e.status = Some(status);
        e
    }

    /// Reads an error answer of any of the envelope shapes the four gateways use:
    /// `{"error":{"code","message"}}`, `{"error":"..."}`, `{"detail":"..."}`,
    /// `{"status":"error","message","error_type"}` and DRF's `{"field":["msg"]}`.
    /// Anything else still yields a plain message naming the status.
    pub fn from_response(status: u16, body: &str) -> Self {
        let mut e = ApiError::new(ErrorKind::Http, status_sentence(status));
        e.status = Some(status);
        let Ok(json) = serde_json::from_str::<Value>(body) else {
            if looks_like_html(body) {
                e.message = format!(
                    "{} The answer was an HTML page, not the gateway's JSON: a proxy or login page may be in the way.",
                    status_sentence(status)
                );
            }
            return e;
        };
        let Value::Object(obj) = &json else {
            return e;
        };
        let mut message: Option<String> = None;
        match obj.get("error") {
            Some(Value::String(s)) => message = Some(s.clone()),
            Some(Value::Object(inner)) => {
                e.code = inner.get("code").and_then(Value::as_str).map(str::to_owned);
                message = inner
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                collect_field_errors(inner.get("details"), &mut e.fields);
                if let (Some(Value::String(f)), Some(m)) = (inner.get("field"), &message) {
                    e.fields.insert(f.clone(), m.clone());
                }
            }
            _ => {}
        }
        match obj.get("detail") {
            Some(Value::String(s)) => message = message.or(Some(s.clone())),
            Some(list @ Value::Array(_)) => collect_field_errors(Some(list), &mut e.fields),
            _ => {}
        }
        if message.is_none() {
            message = obj
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        if e.code.is_none() {
            e.code = obj
                .get("error_type")
                .or_else(|| obj.get("code"))
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        // DRF validation answers are a bare map of field name to a list of messages.
        for (k, v) in obj {
            if matches!(
                k.as_str(),
                "error" | "detail" | "message" | "status" | "data" | "error_type" | "code"
            ) {
                continue;
            }
            if let Some(msg) = first_message(v) {
                e.fields.insert(k.clone(), msg);
            }
        }
        e.message = match (message, e.fields.is_empty()) {
            (Some(m), _) if !m.trim().is_empty() => m,
            (_, false) => "The gateway rejected some fields; see the messages next to them.".into(),
            _ => e.message,
        };
        e
    }
}

fn first_message(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(|i| i.as_str()).map(str::to_owned),
        _ => None,
    }
}

// FastAPI-style `[{"loc":[..,"field"],"msg":".."}]` or `[{"field":"..","message":".."}]`.
fn collect_field_errors(v: Option<&Value>, out: &mut BTreeMap<String, String>) {
    let Some(Value::Array(items)) = v else { return };
    for item in items {
        let field = item
            .get("field")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                item.get("loc")
                    .and_then(Value::as_array)
                    .and_then(|l| l.last())
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let msg = item
            .get("message")
            .or_else(|| item.get("msg"))
            .and_then(Value::as_str);
        if let (Some(f), Some(m)) = (field, msg) {
            out.insert(f, m.to_owned());
        }
    }
}

fn looks_like_html(body: &str) -> bool {
    let head = body
        .trim_start()
        .get(..15)
        .unwrap_or(body.trim_start())
        .to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with('<')
}

/// A plain sentence for an HTTP status.
pub fn status_sentence(status: u16) -> String {
    match status {
        400 => "The gateway rejected the request (400).".into(),
        401 => {
            "The gateway did not accept the credentials (401). Check the connection's token.".into()
        }
        403 => "The gateway refused this change (403).".into(),
        404 => "The gateway has no such provider (404).".into(),
        409 => "The change conflicts with the provider's current state (409).".into(),
        422 => "The gateway could not process the values sent (422).".into(),
        429 => "The gateway is rate-limiting requests (429). Try again shortly.".into(),
        500 => "The gateway failed with an internal error (500).".into(),
        502..=504 => format!("The gateway is unavailable right now ({status}). Try again shortly."),
        s => format!("The gateway answered with status {s}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_refactor_nested_error() {
        let e = ApiError::from_response(
            404,
            r#"{"error":{"code":"NOT_FOUND","message":"No configuration found for provider: openai"}}"#,
        );
        assert_eq!(e.kind, ErrorKind::Http);
        assert_eq!(e.status, Some(404));
        assert_eq!(e.code.as_deref(), Some("NOT_FOUND"));
        assert_eq!(e.message, "No configuration found for provider: openai");
    }

    #[test]
    fn reads_flat_error_string() {
        let e = ApiError::from_response(400, r#"{"error":"enabled must be a boolean"}"#);
        assert_eq!(e.message, "enabled must be a boolean");
        assert_eq!(e.code, None);
    }

    #[test]
    fn reads_detail_and_drf_field_lists() {
        let e = ApiError::from_response(
            401,
            r#"{"detail":"Authentication credentials were not provided."}"#,
        );
        assert_eq!(e.message, "Authentication credentials were not provided.");
        let e =
            ApiError::from_response(400, r#"{"provider_name":["This field may not be blank."]}"#);
        assert_eq!(
            e.fields.get("provider_name").map(String::as_str),
            Some("This field may not be blank.")
        );
        assert_eq!(
            e.message,
            "The gateway rejected some fields; see the messages next to them."
        );
    }

    #[test]
    fn reads_libredesk_envelope() {
        let e = ApiError::from_response(
            500,
            r#"{"status":"error","message":"Invalid provider","data":null,"error_type":"GeneralException"}"#,
        );
        assert_eq!(e.message, "Invalid provider");
        assert_eq!(e.code.as_deref(), Some("GeneralException"));
    }

    #[test]
    fn reads_field_details_lists() {
        let e = ApiError::from_response(
            400,
            r#"{"error":{"code":"VALIDATION_ERROR","message":"Invalid request","details":[{"field":"request_timeout_secs","message":"must be between 1 and 3600"}]}}"#,
        );
        assert_eq!(
            e.fields.get("request_timeout_secs").map(String::as_str),
            Some("must be between 1 and 3600")
        );
        let e = ApiError::from_response(
            422,
            r#"{"detail":[{"loc":["body","name"],"msg":"field required"}]}"#,
        );
        assert_eq!(
            e.fields.get("name").map(String::as_str),
            Some("field required")
        );
    }

    #[test]
    fn non_json_bodies_still_give_a_sentence() {
        let e = ApiError::from_response(502, "<html><body>Bad gateway</body></html>");
        assert!(e.message.contains("HTML page"), "{}", e.message);
        let e = ApiError::from_response(500, "");
        assert_eq!(
            e.message,
            "The gateway failed with an internal error (500)."
        );
        let e = ApiError::from_response(418, "[1,2]");
        assert_eq!(e.message, "The gateway answered with status 418.");
    }
}
