//! switchboard-sandbox: a local, faithful stand-in for the four gateway APIs that
//! Switchboard speaks, backed by SQLite. It also serves a built panel and a runtime
//! configuration that points the panel at itself.

pub mod barndoor;
pub mod db;
pub mod faults;
pub mod http;
pub mod libredesk;
pub mod record;
pub mod refactor;
pub mod respan;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// The demo credentials, overridable from the environment.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub refactor_token: String,
    /// A re-factor token that may read but not update: its PUT is the documented 403.
    pub refactor_read_token: String,
    pub libredesk_key: String,
    pub libredesk_secret: String,
    pub barndoor_token: String,
    pub respan_token: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            refactor_token: "demo-refactor-token".into(),
            refactor_read_token: "demo-refactor-read-token".into(),
            libredesk_key: "demo-libredesk-key".into(),
            libredesk_secret: "demo-libredesk-secret".into(),
            barndoor_token: "demo-barndoor-jwt".into(),
            respan_token: "demo-respan-key".into(),
        }
    }
}

impl Credentials {
    /// Defaults, with each SWITCHBOARD_* variable that is set taking precedence.
    pub fn from_env() -> Self {
        let mut c = Credentials::default();
        let var = |name: &str, slot: &mut String| {
            if let Ok(v) = std::env::var(name) {
                if !v.is_empty() {
                    *slot = v;
                }
            }
        };
        var("SWITCHBOARD_REFACTOR_TOKEN", &mut c.refactor_token);
        var(
            "SWITCHBOARD_REFACTOR_READ_TOKEN",
            &mut c.refactor_read_token,
        );
        var("SWITCHBOARD_LIBREDESK_KEY", &mut c.libredesk_key);
        var("SWITCHBOARD_LIBREDESK_SECRET", &mut c.libredesk_secret);
        var("SWITCHBOARD_BARNDOOR_TOKEN", &mut c.barndoor_token);
        var("SWITCHBOARD_RESPAN_TOKEN", &mut c.respan_token);
        c
    }
}

/// How the sandbox should seed an empty database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Demo,
    None,
    /// N synthetic providers per gateway (re-factor is capped at its seven slugs).
    Synthetic(usize),
}

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub db: String,
    pub dist: Option<PathBuf>,
    pub seed: Seed,
    pub credentials: Credentials,
    /// Extra origins allowed by CORS besides localhost ones.
    pub cors_origins: Vec<String>,
    /// Print one line per API request.
    pub log: bool,
    /// Faults applied from the start (`--fault`).
    pub faults: Vec<faults::Fault>,
    /// Serve `/_sandbox/faults` so tests can change faults at run time.
    pub fault_control: bool,
    /// Lists answer in pages of this many when the request names no page size (Respan
    /// in Django REST framework's shape, Barndoor with page and limit).
    pub page_size: Option<u32>,
    /// Mounts (`"libredesk"`) whose read calls are turned off: a GET answers 405.
    pub no_reads: Vec<String>,
    /// Keep every API request and serve them at `/_sandbox/requests` ([`record`]).
    pub record: bool,
}

/// Shared state of the running server.
pub struct AppState {
    pub db: Mutex<rusqlite::Connection>,
    pub creds: Credentials,
    pub faults: Mutex<Vec<faults::Fault>>,
    /// The default page size of lists ([`Config::page_size`]).
    pub page_size: Option<u32>,
    /// The requests kept with [`Config::record`].
    pub recorded: Mutex<Vec<record::Recorded>>,
}

/// The shared state handle handlers receive.
pub type Shared = Arc<AppState>;

/// Builds the router: the four API mounts, the runtime config, and the panel.
pub fn router(state: Shared, cfg: &Config) -> Router {
    let api = Router::new()
        .nest("/refactor", refactor::routes())
        .nest("/libredesk", libredesk::routes())
        .nest("/barndoor", barndoor::routes())
        .nest("/respan", respan::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    // Outside the faults: a request a fault answers (or drops) still reached the server.
    let api = if cfg.record {
        api.layer(middleware::from_fn_with_state(state.clone(), record::keep))
    } else {
        api
    };
    let api = api
        .layer(middleware::from_fn_with_state(
            Arc::new(cfg.no_reads.clone()),
            refuse_reads,
        ))
        .layer(cors(&cfg.cors_origins));
    let api = if cfg.log {
        api.layer(middleware::from_fn(log_requests))
    } else {
        api.layer(middleware::from_fn(time_requests))
    };
    let mut app = Router::new()
        .merge(api)
        .route("/switchboard.json", get(panel_config))
        .route("/openapi/{file}", get(openapi));
    if cfg.fault_control {
        app = app.route(
            "/_sandbox/faults",
            axum::routing::put(faults::set).delete(faults::clear),
        );
    }
    if cfg.record {
        app = app.route(
            "/_sandbox/requests",
            get(record::list).delete(record::clear),
        );
    }
    if let Some(dist) = &cfg.dist {
        let index = dist.join("index.html");
        let files = ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(ServeFile::new(index));
        // With CORS for the origins the APIs allow: a dashboard on another local port can
        // load <switchboard-panel> (its script, wasm and chunks) from here.
        let files: Router = Router::new()
            .fallback_service(files)
            .layer(cors(&cfg.cors_origins));
        app = app.fallback_service(files);
    }
    app.with_state(state)
}

fn cors(extra: &[String]) -> CorsLayer {
    let extra: Vec<String> = extra.to_vec();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            let Ok(o) = origin.to_str() else { return false };
            is_local_origin(o) || extra.iter().any(|e| e == o || e == "*")
        }))
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::PUT,
            axum::http::Method::PATCH,
        ])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
            axum::http::header::ACCEPT,
        ])
        .expose_headers([axum::http::HeaderName::from_static("server-timing")])
        .max_age(std::time::Duration::from_secs(600))
}

/// A gateway without read calls: GET on a mount whose reads are off is a 405, as a
/// server that routes only the update call answers.
async fn refuse_reads(State(off): State<Arc<Vec<String>>>, req: Request, next: Next) -> Response {
    let mount = req.uri().path().trim_start_matches('/').split('/').next();
    if req.method() == axum::http::Method::GET && mount.is_some_and(|m| off.iter().any(|o| o == m))
    {
        let allow = if mount == Some("respan") {
            "PATCH"
        } else {
            "PUT"
        };
        return (
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            [(axum::http::header::ALLOW, allow)],
        )
            .into_response();
    }
    next.run(req).await
}

/// The page a list request asks for: `page` (from 1) and its size, from the query or
/// the sandbox's default; `None` for the whole list.
pub fn page_asked(query: &str, size_names: &[&str], default: Option<u32>) -> Option<(u64, u64)> {
    let get = |name: &str| {
        query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    };
    let size = size_names
        .iter()
        .find_map(|n| get(n))
        .and_then(|v| v.parse::<u64>().ok())
        .or(default.map(u64::from));
    let page = get("page").map(|v| v.parse::<u64>().unwrap_or(0));
    match (page, size) {
        (None, None) => None,
        (page, size) => Some((page.unwrap_or(1), size.unwrap_or(100).clamp(1, 10_000))),
    }
}

/// True for http(s) origins on localhost or the loopback range.
pub fn is_local_origin(origin: &str) -> bool {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => rest.split(':').next().unwrap_or(""),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// Adds `Server-Timing` so clients (and the benchmark) can subtract server time.
async fn time_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let mut res = next.run(req).await;
    add_timing(&mut res, start);
    res
}

fn add_timing(res: &mut Response, start: Instant) {
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = format!("app;dur={ms:.3}").parse() {
        res.headers_mut().insert("server-timing", v);
    }
}

/// Logs method, path, status and duration. Never headers or bodies: they hold secrets.
async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    add_timing(&mut res, start);
    eprintln!(
        "{method} {path} {} {:.1}ms",
        res.status().as_u16(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    res
}

/// The OpenAPI 3.1 document of each mount, as served at `/openapi/<gateway>.json`.
pub const OPENAPI: [(&str, &str); 4] = [
    ("refactor", include_str!("../openapi/refactor.json")),
    ("libredesk", include_str!("../openapi/libredesk.json")),
    ("barndoor", include_str!("../openapi/barndoor.json")),
    ("respan", include_str!("../openapi/respan.json")),
];

async fn openapi(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let name = file.strip_suffix(".json").unwrap_or(&file);
    match OPENAPI.iter().find(|(n, _)| *n == name) {
        Some((_, doc)) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            *doc,
        )
            .into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// The runtime configuration that points a panel served from here at this sandbox.
async fn panel_config(State(state): State<Shared>) -> impl IntoResponse {
    let c = &state.creds;
    Json(serde_json::json!({
        "connections": [
            {"id": "refactor", "name": "re-factor (sandbox)", "dialect": "refactor", "base_url": "refactor",
             "auth": {"scheme": "bearer", "token": c.refactor_token}},
            {"id": "libredesk", "name": "Libredesk (sandbox)", "dialect": "libredesk", "base_url": "libredesk",
             "auth": {"scheme": "basic", "key": c.libredesk_key, "secret": c.libredesk_secret}},
            {"id": "barndoor", "name": "Barndoor (sandbox)", "dialect": "barndoor", "base_url": "barndoor",
             "auth": {"scheme": "bearer", "token": c.barndoor_token}},
            {"id": "respan", "name": "Respan (sandbox)", "dialect": "respan", "base_url": "respan",
             "auth": {"scheme": "bearer", "token": c.respan_token}}
        ],
        // The demo's tokens are in this file on purpose: it says so, and the panel warns.
        "ui": {"allow_file_credentials": true}
    }))
}

/// Opens the database, seeds it if new, binds, and serves until `shutdown` resolves.
pub async fn serve(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.addr))?;
    serve_on(listener, cfg, shutdown).await
}

/// Like [`serve`], on a listener that is already bound (tests bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let conn = db::open(&cfg.db, cfg.seed).map_err(|e| format!("database {}: {e}", cfg.db))?;
    let state = Arc::new(AppState {
        db: Mutex::new(conn),
        creds: cfg.credentials.clone(),
        faults: Mutex::new(cfg.faults.clone()),
        page_size: cfg.page_size,
        recorded: Mutex::new(Vec::new()),
    });
    let app = router(state, &cfg);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())
}
