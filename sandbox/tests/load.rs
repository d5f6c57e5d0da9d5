//! The sandbox under load on loopback: many clients updating many providers at once lose
//! no acknowledged write, and a sandbox killed mid-load restarts on an intact database
//! holding every acknowledged write. Bounded: a fixed number of requests, each test
//! stops by itself.

use reqwest::{Client, StatusCode};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_sandbox::Seed;

mod common;
use tokio::sync::Mutex;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 60;
const PROVIDERS_PER_CLIENT: usize = 2;

/// The update for provider `p` (0-based) setting `value`, alternating Barndoor and Respan.
fn update(http: &Client, base: &str, p: usize, value: &str) -> reqwest::RequestBuilder {
    if p.is_multiple_of(2) {
        http.put(format!(
            "{base}/barndoor/api/llm-gateway/admin/providers/00000000-0000-4000-8000-{:012x}",
            p / 2
        ))
        .header("Authorization", "Bearer demo-barndoor-jwt")
        .json(&serde_json::json!({ "name": value }))
    } else {
        http.patch(format!("{base}/respan/api/providers/{}/", p / 2 + 1))
            .header("Authorization", "Bearer demo-respan-key")
            .json(&serde_json::json!({ "provider_name": value }))
    }
}

fn stored(db: &rusqlite::Connection, p: usize) -> String {
    if p.is_multiple_of(2) {
        db.query_row(
            "SELECT name FROM barndoor_providers WHERE id = ?1",
            [format!("00000000-0000-4000-8000-{:012x}", p / 2)],
            |r| r.get(0),
        )
        .unwrap()
    } else {
        db.query_row(
            "SELECT provider_name FROM respan_providers WHERE id = ?1",
            [(p / 2 + 1) as i64],
            |r| r.get(0),
        )
        .unwrap()
    }
}

/// What each provider saw: the last acknowledged value, and the one in flight after it.
#[derive(Default, Clone)]
struct Seen {
    acked: Option<String>,
    in_flight: Option<String>,
}

/// Runs the load until `stop_after` requests were acknowledged in total (or all done).
/// Every client owns its providers and writes them in sequence, so the last
/// acknowledged write of each provider is well defined.
async fn run_load(base: String, stop_after: usize) -> (HashMap<usize, Seen>, usize, usize) {
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let seen = Arc::new(Mutex::new(HashMap::<usize, Seen>::new()));
    let acked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (http, base, seen, acked, errors) = (
            http.clone(),
            base.clone(),
            seen.clone(),
            acked.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0..PER_CLIENT {
                if acked.load(std::sync::atomic::Ordering::SeqCst) >= stop_after {
                    return;
                }
                let p = c * PROVIDERS_PER_CLIENT + i % PROVIDERS_PER_CLIENT;
                let value = format!("client {c} write {i}");
                seen.lock().await.entry(p).or_default().in_flight = Some(value.clone());
                match update(&http, &base, p, &value).send().await {
                    Ok(r) if r.status() == StatusCode::OK => {
                        let mut s = seen.lock().await;
                        let e = s.entry(p).or_default();
                        e.acked = Some(value);
                        e.in_flight = None;
                        acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    _ => {
                        errors.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        return;
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let seen = seen.lock().await.clone();
    (
        seen,
        acked.load(std::sync::atomic::Ordering::SeqCst),
        errors.load(std::sync::atomic::Ordering::SeqCst),
    )
}

fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("sb-load-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("load.db").to_string_lossy().into_owned();
    (dir, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_lose_nothing() {
    let (dir, db) = temp_db("inproc");
    let server = common::start(Seed::Synthetic(CLIENTS * PROVIDERS_PER_CLIENT), &db).await;
    let started = Instant::now();
    let (seen, acked, errors) = run_load(server.base.clone(), usize::MAX).await;
    let secs = started.elapsed().as_secs_f64();
    drop(server);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut lost = 0;
    for (p, s) in &seen {
        if s.acked.as_deref() != Some(stored(&conn, *p).as_str()) {
            lost += 1;
        }
    }
    println!("load: {acked} acknowledged updates from {CLIENTS} clients in {secs:.2} s, {errors} errors, {lost} lost");
    assert_eq!((acked, errors, lost), (CLIENTS * PER_CLIENT, 0, 0));
    let _ = std::fs::remove_dir_all(dir);
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn spawn_sandbox(db: &str) -> (Proc, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_switchboard-sandbox"))
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--db",
            db,
            "--quiet",
        ])
        .args(["--seed", &(CLIENTS * PROVIDERS_PER_CLIENT).to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{base}/switchboard.json"))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (Proc(child), base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_load_restarts_with_every_acknowledged_write() {
    let (dir, db) = temp_db("kill");
    let (proc, base) = spawn_sandbox(&db).await;
    let load = tokio::spawn(run_load(base.clone(), usize::MAX));
    // Let roughly half the load through, then SIGKILL (no shutdown, no flush).
    let mut proc = proc;
    let began = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let conn = rusqlite::Connection::open(&db).unwrap();
        let changed: i64 = conn
            .query_row(
                "SELECT count(*) FROM barndoor_providers WHERE name LIKE 'client %'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        if (changed as usize * 2 >= CLIENTS && began.elapsed() > Duration::from_millis(300))
            || load.is_finished()
        {
            break;
        }
    }
    let _ = proc.0.kill();
    let _ = proc.0.wait();
    let (seen, acked, errors) = load.await.unwrap();
    assert!(
        acked > 0 && acked < CLIENTS * PER_CLIENT,
        "the kill landed mid-load ({acked} acknowledged)"
    );

    // Restart on the same file: it must open, keep the data and not reseed over it.
    let (_proc2, base2) = spawn_sandbox(&db).await;
    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut lost = 0;
    for (p, s) in &seen {
        let now = stored(&conn, *p);
        // The write in flight at the kill may or may not have committed; an acknowledged one must have.
        let ok = Some(now.as_str()) == s.acked.as_deref()
            || Some(now.as_str()) == s.in_flight.as_deref();
        if !ok && s.acked.is_some() {
            lost += 1;
        }
    }
    let r = reqwest::Client::new()
        .get(format!("{base2}/respan/api/providers/"))
        .header("Authorization", "Bearer demo-respan-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "restarted sandbox serves");
    println!("kill: {acked} acknowledged before SIGKILL, {errors} requests cut off, {lost} lost, integrity {integrity}");
    assert_eq!(lost, 0);
    let _ = std::fs::remove_dir_all(dir);
}
