//! Starting a sandbox for a test: in-process, on an ephemeral loopback port.

use switchboard_sandbox::{Config, Credentials, Seed};

/// A running sandbox; dropping it stops the server.
pub struct Running {
    pub base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Starts a sandbox seeded with `seed` on database `db` (`:memory:` or a file), with
/// one extra CORS origin and live fault control.
pub async fn start(seed: Seed, db: &str) -> Running {
    start_with(seed, db, |_| {}).await
}

/// Like [`start`], with the configuration changed by `adjust` first.
pub async fn start_with(seed: Seed, db: &str, adjust: impl FnOnce(&mut Config)) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut cfg = Config {
        addr,
        db: db.to_owned(),
        dist: None,
        seed,
        credentials: Credentials::default(),
        cors_origins: vec!["https://admin.example.com".into()],
        log: false,
        faults: vec![],
        fault_control: true,
        page_size: None,
        no_reads: Vec::new(),
        record: true,
    };
    adjust(&mut cfg);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(switchboard_sandbox::serve_on(listener, cfg, async move {
        let _ = rx.await;
    }));
    Running {
        base: format!("http://{addr}"),
        _stop: tx,
    }
}
