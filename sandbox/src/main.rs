//! `switchboard-sandbox`: the four gateway APIs on one local address, backed by SQLite.

use std::path::PathBuf;
use switchboard_sandbox::{Config, Credentials, Seed};

const USAGE: &str = "usage: switchboard-sandbox [--addr HOST:PORT] [--db PATH|:memory:] [--dist DIR] [--seed demo|none|N]
                           [--cors-origin ORIGIN]... [--quiet] [--fault SPEC]... [--fault-control] [--record]
                           [--page-size N] [--no-reads MOUNT]...

  --addr         where to listen (default 127.0.0.1:8080)
  --db           SQLite file (default switchboard-sandbox.db; :memory: for a throwaway one)
  --dist         a built panel to serve at / (with /switchboard.json pointing at this sandbox)
  --seed         data for a new database: demo (default), none, or N synthetic providers per gateway
  --cors-origin  another origin allowed to call the APIs (localhost origins always are)
  --quiet        do not log requests
  --fault        inject a fault: '[METHOD ]PATH_PREFIX=KIND[:ARG]' with KIND one of latency:MS,
                 hang, drop, status:CODE, html:CODE, truncated, huge, slow-body:MS
  --fault-control  accept PUT/DELETE /_sandbox/faults (JSON list of faults) to change them live
  --record       keep every API request (method, path, headers, body) for GET /_sandbox/requests
  --page-size    answer lists in pages of N unless the request asks otherwise (Respan with
                 count/next/previous/results, Barndoor with items/page/limit/total); either
                 always pages when asked: ?page=P&page_size=N (Respan), ?page=P&limit=N (Barndoor)
  --no-reads     turn a mount's read calls off (refactor, libredesk, barndoor, respan): GET is a 405

Demo credentials come from SWITCHBOARD_REFACTOR_TOKEN, SWITCHBOARD_LIBREDESK_KEY,
SWITCHBOARD_LIBREDESK_SECRET, SWITCHBOARD_BARNDOOR_TOKEN and SWITCHBOARD_RESPAN_TOKEN when set.";

fn parse_args() -> Result<Config, String> {
    let mut cfg = Config {
        addr: "127.0.0.1:8080".parse().map_err(|e| format!("{e}"))?,
        db: "switchboard-sandbox.db".into(),
        dist: None,
        seed: Seed::Demo,
        credentials: Credentials::from_env(),
        cors_origins: Vec::new(),
        log: true,
        faults: Vec::new(),
        fault_control: false,
        page_size: None,
        no_reads: Vec::new(),
        record: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => cfg.addr = value()?.parse().map_err(|e| format!("--addr: {e}"))?,
            "--db" => cfg.db = value()?,
            "--dist" => cfg.dist = Some(PathBuf::from(value()?)),
            "--seed" => {
                cfg.seed = match value()?.as_str() {
                    "demo" => Seed::Demo,
                    "none" => Seed::None,
                    n => Seed::Synthetic(n.parse().map_err(|_| {
                        format!("--seed: expected demo, none or a number, got {n}")
                    })?),
                }
            }
            "--cors-origin" => cfg.cors_origins.push(value()?),
            "--quiet" => cfg.log = false,
            "--fault" => cfg.faults.push(
                switchboard_sandbox::faults::Fault::parse(&value()?)
                    .map_err(|e| format!("--fault: {e}"))?,
            ),
            "--fault-control" => cfg.fault_control = true,
            "--record" => cfg.record = true,
            "--page-size" => {
                cfg.page_size = Some(
                    value()?
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("--page-size: expected a positive number")?,
                )
            }
            "--no-reads" => cfg.no_reads.push(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(cfg)
}

#[tokio::main]
async fn main() {
    let cfg = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("switchboard-sandbox: {e}\n");
            }
            eprintln!("{USAGE}");
            std::process::exit(if e.is_empty() { 0 } else { 2 });
        }
    };
    let c = &cfg.credentials;
    println!("Switchboard sandbox on http://{}/", cfg.addr);
    if cfg.dist.is_some() {
        println!("  panel      http://{}/", cfg.addr);
    }
    println!(
        "  re-factor  /refactor   Authorization: Bearer {} (read-only: {})",
        c.refactor_token, c.refactor_read_token
    );
    println!(
        "  Libredesk  /libredesk  key {} secret {} (Basic or token)",
        c.libredesk_key, c.libredesk_secret
    );
    println!(
        "  Barndoor   /barndoor   Authorization: Bearer {}",
        c.barndoor_token
    );
    println!(
        "  Respan     /respan     Authorization: Bearer {}",
        c.respan_token
    );
    println!("  database   {}", cfg.db);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        println!("\nstopping");
    };
    if let Err(e) = switchboard_sandbox::serve(cfg, shutdown).await {
        eprintln!("switchboard-sandbox: {e}");
        std::process::exit(1);
    }
}
