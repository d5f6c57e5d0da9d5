//! The gateway APIs ("dialects"), one file each, behind one trait.
//!
//! A dialect is pure: it describes fields, builds [`HttpRequest`]s, parses answers, and
//! says how its providers are presented (label, card facts, auth schemes, notices). Adding
//! a gateway means one new file and one line in [`GATEWAYS`]; nothing else lists them.

pub mod barndoor;
pub mod libredesk;
pub mod paging;
pub mod refactor;
pub mod respan;

use crate::model::request::encode_segment;
use crate::model::validate::{validate, FieldErrors};
use crate::model::{
    ApiError, Auth, AuthScheme, Change, Draft, Fact, Field, FieldKind, HttpRequest, Method,
    PlannedUpdate, Provider,
};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// Every gateway the panel speaks, in display order: the one registry of dialects.
pub static GATEWAYS: [Gateway; 4] = [
    Gateway(&refactor::Refactor),
    Gateway(&libredesk::Libredesk),
    Gateway(&barndoor::Barndoor),
    Gateway(&respan::Respan),
];

/// The registered gateway with this configuration slug.
pub fn by_slug(slug: &str) -> Option<Gateway> {
    GATEWAYS.iter().copied().find(|g| g.slug() == slug)
}

/// Which gateway API a connection speaks: a `Copy` handle on its dialect, compared by slug.
/// Any [`Dialect`] can be one, registered or not (tests bring their own).
#[derive(Clone, Copy)]
pub struct Gateway(pub &'static dyn Dialect);

impl Gateway {
    /// The dialect that speaks this gateway's API.
    pub fn dialect(self) -> &'static dyn Dialect {
        self.0
    }

    /// What a draft would send: the validated change and the exact request. The preview
    /// shows this value and a save sends the same one. (Here rather than a trait default,
    /// which would be compiled once per dialect.)
    pub fn plan_update(
        self,
        conn: &Connection,
        provider: &Provider,
        draft: &Draft,
    ) -> Result<PlannedUpdate, FieldErrors> {
        let change = self.validate(provider, draft)?;
        let request = self.update_request(conn, provider, &change);
        Ok(PlannedUpdate { change, request })
    }
}

impl std::ops::Deref for Gateway {
    type Target = dyn Dialect;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for Gateway {
    fn eq(&self, other: &Self) -> bool {
        self.slug() == other.slug()
    }
}

impl Eq for Gateway {}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// One configured gateway: where it is and how to authenticate.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    /// Stable id within the panel (from the configuration).
    pub id: String,
    pub name: String,
    pub gateway: Gateway,
    /// Base URL that the documented paths are appended to.
    pub base_url: String,
    pub auth: Auth,
    /// Overrides the list path (deployments differ; the seeds document only updates).
    pub list_path: Option<String>,
    /// Overrides the item path; `{id}` is replaced by the encoded id.
    pub item_path: Option<String>,
    /// The providers the configuration names, for a gateway that cannot be listed:
    /// each is read on its own, or (with `reads` off) shown as declared.
    pub declared: Vec<Declared>,
    /// False when the gateway answers no read call: cards come from `declared`, their
    /// state is unknown, and saves go without a stale check.
    pub reads: bool,
}

/// A provider named in the configuration: its id on the gateway and a display name.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub id: String,
    pub name: Option<String>,
}

impl Connection {
    /// A request to `path` on this connection, with its auth.
    pub fn request(&self, method: Method, path: &str, body: Option<Value>) -> HttpRequest {
        let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
        if body.is_some() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        HttpRequest {
            method,
            url: crate::model::request::join_url(&self.base_url, path),
            headers,
            auth: self.auth.clone(),
            body,
        }
    }

    /// The list path: the override, else the dialect's default.
    pub fn list_path(&self, default: &str) -> String {
        self.list_path.clone().unwrap_or_else(|| default.to_owned())
    }

    /// The item path for an id: the override with `{id}` filled in, else the default.
    pub fn item_path(&self, id: &str, default: impl FnOnce(&str) -> String) -> String {
        let enc = crate::model::request::encode_segment(id);
        match &self.item_path {
            Some(p) => p.replace("{id}", &enc),
            None => default(&enc),
        }
    }
}

/// What every gateway dialect can do. All methods are pure and cannot panic.
pub trait Dialect: Sync {
    /// The identifier used in configuration files (`"respan"`).
    fn slug(&self) -> &'static str;

    /// The name users know the gateway by.
    fn label(&self) -> &'static str;

    /// The ways this gateway accepts the admin's credential, the usual one first.
    fn auth_schemes(&self) -> &'static [AuthScheme] {
        &[AuthScheme::Bearer]
    }

    /// What a card shows of a provider at a glance, beyond its name, kind and state.
    fn facts(&self, _provider: &Provider) -> Vec<Fact> {
        Vec::new()
    }

    /// A sentence the edit form shows above the fields of this provider, if any.
    fn notice(&self, _provider: &Provider) -> Option<&'static str> {
        None
    }

    /// The fields of one provider: options and locks may depend on the provider.
    fn fields(&self, provider: &Provider) -> Vec<Field>;

    /// The documented (or conventional) path of the provider list.
    fn list_path(&self) -> &'static str;

    /// The path of one provider, for an id already percent-encoded.
    fn item_path(&self, encoded_id: &str) -> String;

    /// PUT or PATCH, as the update call is documented.
    fn update_method(&self) -> Method;

    /// A provider the configuration declares but nobody has read: its id (and, where
    /// the id says it, its kind), every secret unknown, no other value.
    fn declared(&self, id: &str, name: Option<&str>) -> Provider {
        let mut p = Provider {
            id: id.to_owned(),
            name: name.unwrap_or(id).to_owned(),
            kind: "unknown".to_owned(),
            enabled: None,
            values: serde_json::Map::new(),
            secrets: Default::default(),
            managed: false,
            unread: true,
        };
        // Inserted one by one: collecting into the map would bring a sort into the wasm.
        for f in self.fields(&p).iter().filter(|f| f.is_secret()) {
            p.secrets
                .insert(f.name.to_owned(), crate::model::SecretState::Unknown);
        }
        p
    }

    /// One provider from one item of a list or read answer. It takes the item by value so
    /// its text moves into the provider instead of being copied (20,000 items at a time).
    fn parse_one(&self, item: Value) -> Result<Provider, ApiError>;

    /// The request that lists every provider (the connection may override the path).
    fn list_request(&self, conn: &Connection) -> HttpRequest {
        conn.request(Method::Get, &conn.list_path(self.list_path()), None)
    }

    /// Parses a successful list answer.
    fn parse_list(&self, body: &str) -> Result<Vec<Provider>, ApiError> {
        if let Some(read) = self.parse_list_fast(body) {
            return read;
        }
        list_items(parse_json(body)?)?
            .into_iter()
            .map(|v| self.parse_one(v))
            .collect()
    }

    /// A faster reading of a whole list for gateways whose lists run to thousands, or
    /// `None` to go item by item through [`Dialect::parse_one`], which names any problem.
    /// Where it answers, it must give what the item-by-item reading gives.
    fn parse_list_fast(&self, _body: &str) -> Option<Result<Vec<Provider>, ApiError>> {
        None
    }

    /// The request that reads one provider again (the connection may override the path).
    fn read_request(&self, conn: &Connection, provider: &Provider) -> HttpRequest {
        let path = conn.item_path(&provider.id, |id| self.item_path(id));
        conn.request(Method::Get, &path, None)
    }

    /// Parses a successful read answer.
    fn parse_item(&self, body: &str) -> Result<Provider, ApiError> {
        self.parse_one(parse_json(body)?)
    }

    /// The update request for a validated change, always on the documented path.
    fn update_request(
        &self,
        conn: &Connection,
        provider: &Provider,
        change: &Change,
    ) -> HttpRequest {
        let path = self.item_path(&encode_segment(&provider.id));
        conn.request(
            self.update_method(),
            &path,
            Some(Value::Object(change.body().clone())),
        )
    }

    /// The provider after a successful update; by default the answer is the provider.
    fn parse_update(
        &self,
        _provider: &Provider,
        _change: &Change,
        body: &str,
    ) -> Result<Provider, ApiError> {
        self.parse_item(body)
    }

    /// Reads an error answer. The shared reader knows every documented envelope.
    fn parse_error(&self, status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, body)
    }

    /// Rules that span fields (Barndoor's detach rule); none by default.
    fn cross_field_rules(&self, _provider: &Provider, _change: &Change, _errors: &mut FieldErrors) {
    }

    /// The edit that puts a new upstream key on `provider`, or why it cannot take one. By
    /// default: its first plain secret field. `detach` matters only to gateways where a
    /// shared credential and a direct key exclude each other.
    fn key_edit(&self, provider: &Provider, key: &str, _detach: bool) -> Result<Draft, String> {
        let fields = self.fields(provider);
        let field = fields
            .iter()
            .find(|f| f.kind == FieldKind::Secret)
            .ok_or_else(|| format!("{} providers take no API key.", self.label()))?;
        if let Some(why) = field.locked {
            return Err(why.into());
        }
        let mut draft = Draft::default();
        draft.set(field.name, Value::String(key.into()));
        Ok(draft)
    }

    /// Validates a draft: per-field constraints, then this gateway's cross-field rules.
    fn validate(&self, provider: &Provider, draft: &Draft) -> Result<Change, FieldErrors> {
        let change = validate(&self.fields(provider), provider, draft)?;
        let mut errors = FieldErrors::new();
        self.cross_field_rules(provider, &change, &mut errors);
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }
}

/// Parses a JSON body, or says plainly that it was not JSON.
pub(crate) fn parse_json(body: &str) -> Result<Value, ApiError> {
    serde_json::from_str(body)
        .map_err(|e| ApiError::bad_response(200, format_args!("not JSON ({e})")))
}

/// The items of a list answer: a bare array, or one under a usual envelope key.
pub(crate) fn list_items(v: Value) -> Result<Vec<Value>, ApiError> {
    match v {
        Value::Array(items) => Ok(items),
        Value::Object(mut m) => {
            for key in ["results", "data", "items", "providers"] {
                if let Some(Value::Array(items)) = m.remove(key) {
                    return Ok(items);
                }
            }
            Err(ApiError::bad_response(200, "expected a list of providers"))
        }
        _ => Err(ApiError::bad_response(200, "expected a list of providers")),
    }
}

/// A list answer read straight into `W` (a bare array, or one under the envelope keys
/// [`list_items`] knows), without building a JSON tree first; `None` when it is anything
/// else, including an item that does not fit `W`.
pub(crate) fn typed_items<W: serde::de::DeserializeOwned>(body: &str) -> Option<Vec<W>> {
    #[derive(Deserialize)]
    struct Envelope<W> {
        #[serde(alias = "data", alias = "items", alias = "providers")]
        results: Vec<W>,
    }
    match body.trim_start().as_bytes().first()? {
        b'[' => serde_json::from_str(body).ok(),
        b'{' => serde_json::from_str::<Envelope<W>>(body)
            .ok()
            .map(|e| e.results),
        _ => None,
    }
}

/// A required string member of a JSON object, or a plain error naming it.
pub(crate) fn req_str(obj: &Value, key: &str) -> Result<String, ApiError> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::bad_response(200, format_args!("missing text field \"{key}\"")))
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Small builders shared by the dialect tests.
    use super::*;

    /// A connection to `http://gw/<gateway slug>` with the gateway's usual scheme.
    pub fn conn(dialect: &'static dyn Dialect) -> Connection {
        let scheme = dialect.auth_schemes().first().copied();
        let auth = match scheme {
            Some(s) if s.is_pair() => s.with("key".into(), "secret".into()),
            Some(s) => s.with(String::new(), "tok".into()),
            None => Auth::None,
        };
        Connection {
            id: dialect.slug().into(),
            name: dialect.label().into(),
            gateway: Gateway(dialect),
            base_url: format!("http://gw/{}", dialect.slug()),
            auth,
            list_path: None,
            item_path: None,
            declared: Vec::new(),
            reads: true,
        }
    }

    /// A draft from literal pairs.
    pub fn draft(pairs: &[(&str, Value)]) -> Draft {
        let mut d = Draft::default();
        for (k, v) in pairs {
            d.set(k, v.clone());
        }
        d
    }

    /// What goes on the wire: method, URL, Authorization header, body.
    pub fn wire(r: &HttpRequest) -> (&'static str, String, Option<String>, Option<Value>) {
        let auth = r.auth.header().map(|(_, v)| v);
        (r.method.as_str(), r.url.clone(), auth, r.body.clone())
    }
}
