//! switchboard-cli: the panel's twin for terminals and CI pipelines. It reads the same
//! `switchboard.json`, speaks the four gateway APIs through the same dialect core, and
//! reads and writes the same state files as the panel's Export and Import.
//!
//! Exit codes: 0 done (for `plan`: nothing would change), 2 `plan` found changes, 1 an
//! error (a bad file, an unreachable gateway, a failed target).

mod gateway;
mod render;
mod run;
mod setup;

use clap::{Parser, Subcommand};
use gateway::Gateways;
use render::Rest;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard::dialect::Connection;
use switchboard::fleet::{summary, Outcome, Plan};
use switchboard::model::{ErrorKind, Provider};
use switchboard::state::{self, Desired, LiveConnection};

#[derive(Parser)]
#[command(
    name = "switchboard-cli",
    version,
    about = "Export, plan and apply LLM provider state across gateways, from a terminal or a CI pipeline."
)]
#[command(
    after_help = "Credentials come from the environment, per connection id (upper-cased, other characters as _):\n  SWITCHBOARD_TOKEN_<ID>                        bearer or header token\n  SWITCHBOARD_KEY_<ID>, SWITCHBOARD_SECRET_<ID>  key and secret (Libredesk)\nwithout them, the configuration's own credentials are used."
)]
struct Cli {
    /// switchboard.json: a path, or the URL the panel reads it from (relative base URLs
    /// then resolve against it).
    #[arg(long, global = true, default_value = "switchboard.json")]
    config: String,
    /// Print JSON on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Time limit of one gateway call, in seconds.
    #[arg(long, global = true, default_value_t = 15)]
    timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the live state as a state file, to stdout or --out.
    Export {
        /// Only this connection (repeat for more); all by default.
        #[arg(long = "connection", value_name = "ID")]
        connections: Vec<String>,
        /// Write the file here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show what applying FILE would change. Exit 0: nothing; 2: something; 1: an error.
    Plan { file: PathBuf },
    /// Apply FILE: the plan, a confirmation unless --yes, the run, then a fresh read.
    Apply {
        file: PathBuf,
        /// Do not ask before sending.
        #[arg(long)]
        yes: bool,
        /// Requests in flight per connection.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=16))]
        concurrency: u32,
    },
    /// Each connection's reachability, authorisation and latency.
    Check,
}

/// Why a command stopped.
enum Failure {
    /// A sentence for the user.
    Error(String),
    /// The state file's problems, all of them.
    Problems(String, Vec<state::Problem>),
}

impl From<String> for Failure {
    fn from(e: String) -> Self {
        Failure::Error(e)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match command(cli).await {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Error(e)) => {
            if json {
                println!("{}", json!({ "error": e }));
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(1)
        }
        Err(Failure::Problems(file, problems)) => {
            if json {
                println!("{}", render::problems_json(&file, &problems));
            } else {
                eprint!("{}", render::problems_text(&file, &problems));
            }
            ExitCode::from(1)
        }
    }
}

async fn command(cli: Cli) -> Result<u8, Failure> {
    let conns = setup::connections(&cli.config, |k| std::env::var(k).ok()).await?;
    let gateways = Arc::new(Gateways::new(Duration::from_secs(cli.timeout.max(1)))?);
    match cli.command {
        Command::Export { connections, out } => export(&gateways, conns, &connections, out).await,
        Command::Check => Ok(check(&gateways, &conns, cli.json).await),
        Command::Plan { file } => {
            let p = planned(&gateways, &conns, &file).await?;
            if cli.json {
                println!("{}", render::plan_json(&p.name, &p.plan, &p.rest));
            } else {
                print!("{}", render::plan_text(&p.name, &p.plan, &p.rest));
            }
            Ok(if p.plan.sends() == 0 { 0 } else { 2 })
        }
        Command::Apply {
            file,
            yes,
            concurrency,
        } => apply(gateways, &conns, &file, yes, concurrency as usize, cli.json).await,
    }
}

async fn export(
    gateways: &Gateways,
    conns: Vec<Connection>,
    only: &[String],
    out: Option<PathBuf>,
) -> Result<u8, Failure> {
    if let Some(unknown) = only.iter().find(|id| !conns.iter().any(|c| &c.id == *id)) {
        let known: Vec<&str> = conns.iter().map(|c| c.id.as_str()).collect();
        return Err(format!(
            "no connection \"{unknown}\"; the configuration has {}",
            known.join(", ")
        )
        .into());
    }
    let chosen: Vec<Connection> = conns
        .into_iter()
        .filter(|c| only.is_empty() || only.contains(&c.id))
        .collect();
    let live = gateways.live(&chosen).await;
    let mut pairs = Vec::new();
    for l in &live {
        match &l.providers {
            Ok(list) => pairs.extend(list.iter().map(|p| (&l.conn, p))),
            Err(e) => return Err(format!("connection \"{}\": {e}", l.conn.id).into()),
        }
    }
    let text = state::export(pairs);
    match out {
        Some(path) => {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(0)
}

/// A checked file's plan and everything a run of it needs.
struct Planned {
    name: String,
    desired: Arc<Desired>,
    plan: Plan,
    rest: Rest,
    /// The listed provider of each target, by card key.
    providers: HashMap<String, (Connection, Provider)>,
}

async fn planned(
    gateways: &Gateways,
    conns: &[Connection],
    file: &PathBuf,
) -> Result<Planned, Failure> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{name}: {e}"))?;
    let live = gateways.live(conns).await;
    let desired =
        state::read(&text, &name, &live).map_err(|p| Failure::Problems(name.clone(), p))?;
    let mut rest = Rest::default();
    let mut providers = HashMap::new();
    for l in covered(&live, &desired) {
        for p in l.providers.iter().flatten() {
            let key = Desired::key(&l.conn.id, &p.id);
            if !desired.has(&key) {
                rest.not_in_file
                    .push((l.conn.id.clone(), p.id.clone(), p.name.clone()));
            } else if desired.differs(&key, p) {
                providers.insert(key, (l.conn.clone(), p.clone()));
            } else {
                rest.matching += 1;
            }
        }
    }
    let mut targets: Vec<&(Connection, Provider)> = providers.values().collect();
    targets.sort_by(|a, b| (&a.0.id, &a.1.id).cmp(&(&b.0.id, &b.1.id)));
    let plan = Plan::build(&desired, targets.into_iter().map(|(c, p)| (c, p)));
    Ok(Planned {
        name,
        desired: Arc::new(desired),
        plan,
        rest,
        providers,
    })
}

/// The live connections a file covers.
fn covered<'a>(
    live: &'a [LiveConnection],
    desired: &'a Desired,
) -> impl Iterator<Item = &'a LiveConnection> {
    live.iter()
        .filter(|l| desired.connections().contains(&l.conn.id))
}

async fn apply(
    gateways: Arc<Gateways>,
    conns: &[Connection],
    file: &PathBuf,
    yes: bool,
    concurrency: usize,
    json: bool,
) -> Result<u8, Failure> {
    let p = planned(&gateways, conns, file).await?;
    if !json {
        print!("{}", render::plan_text(&p.name, &p.plan, &p.rest));
    }
    let sends = p.plan.sends();
    if sends > 0 && !yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "apply sends nothing without a confirmation: run it from a terminal, or pass --yes"
                    .to_owned()
                    .into(),
            );
        }
        eprint!(
            "\nSend {sends} {}? [y/N] ",
            if sends == 1 { "update" } else { "updates" }
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Nothing was sent.");
            return Ok(1);
        }
    }
    let started = Instant::now();
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(sends as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {msg} [{elapsed_precise}, about {eta} left]",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let targets = &p.plan.targets;
    let schedule = run::run(
        gateways.clone(),
        &p.plan,
        p.desired.clone(),
        &p.providers,
        concurrency,
        |i, o| {
            let Some(t) = targets.get(i) else { return };
            if json {
                return;
            }
            let line = render::outcome_line(t, o);
            match &bar {
                Some(bar) => {
                    bar.println(line);
                    bar.inc(1);
                }
                None => println!("{line}"),
            }
        },
    )
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    // A fresh read of the file's connections: do they now hold what it says?
    let live = gateways.live(conns).await;
    let mut still = Vec::new();
    let mut seen = 0usize;
    for l in covered(&live, &p.desired) {
        for prov in l.providers.iter().flatten() {
            let key = Desired::key(&l.conn.id, &prov.id);
            if p.desired.has(&key) {
                seen += 1;
                if p.desired.differs(&key, prov) {
                    still.push(key);
                }
            }
        }
        if let Err(e) = &l.providers {
            still.push(format!("{} (not read: {e})", l.conn.id));
        }
    }
    let failed = (0..targets.len())
        .filter(|&i| {
            matches!(
                schedule.outcome(i),
                Some(Outcome::Failed(_) | Outcome::Cancelled)
            )
        })
        .count();
    let verified = still.is_empty() && seen == p.desired.len();
    if json {
        let outcomes: Vec<Value> = targets
            .iter()
            .enumerate()
            .map(|(i, t)| render::outcome_json(t, schedule.outcome(i).unwrap_or(&Outcome::Queued)))
            .collect();
        println!(
            "{}",
            json!({
                "plan": render::plan_json(&p.name, &p.plan, &p.rest),
                "outcomes": outcomes,
                "failed": failed,
                "verified": verified,
                "still_differ": still,
            })
        );
    } else {
        if sends > 0 {
            println!("\n{}", summary(&p.plan, &schedule, elapsed));
        }
        if verified {
            println!(
                "Verified: the gateways now hold exactly what {} says, for all {} providers in it.",
                p.name,
                p.desired.len()
            );
        } else {
            println!(
                "Still differing from {} after a fresh read: {}.",
                p.name,
                still.join(", ")
            );
        }
    }
    Ok(if failed == 0 && verified { 0 } else { 1 })
}

/// Lists every connection once, timed: reachable, authorised, how fast, how many providers.
async fn check(gateways: &Gateways, conns: &[Connection], json: bool) -> u8 {
    let timed = conns.iter().map(|c| async move {
        let started = Instant::now();
        let listed = gateways.list(c).await;
        (c, started.elapsed().as_millis(), listed)
    });
    let results = futures_util::future::join_all(timed).await;
    let mut rows = Vec::new();
    let mut healthy = true;
    for (c, ms, listed) in results {
        let (state, detail) = match &listed {
            Ok(list) => ("ok", format!("{} providers", list.len())),
            Err(e) if matches!(e.status, Some(401 | 403)) => ("unauthorized", e.message.clone()),
            Err(e) if matches!(e.kind, ErrorKind::Network | ErrorKind::Timeout) => {
                ("unreachable", e.message.clone())
            }
            Err(e) => ("error", e.message.clone()),
        };
        healthy &= listed.is_ok();
        rows.push((c, state, ms, detail));
    }
    if json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(c, state, ms, detail)| json!({"connection": c.id, "gateway": c.gateway.slug(), "url": c.base_url, "state": state, "latency_ms": ms, "detail": detail}))
            .collect();
        println!("{}", Value::Array(list));
    } else {
        let width = rows.iter().map(|(c, ..)| c.id.len()).max().unwrap_or(0);
        for (c, state, ms, detail) in &rows {
            println!(
                "{:width$}  {:<12} {:>6} ms  {}  ({})",
                c.id, state, ms, detail, c.base_url
            );
        }
    }
    u8::from(!healthy)
}
