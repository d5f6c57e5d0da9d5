//! switchboard-cli against the real sandbox, in process on a free port, over real HTTP:
//! export, plan and apply across all four gateways with the exit codes a pipeline branches
//! on, a wrong token, a gateway that is down, faults during a run with accurate outcomes,
//! and a credential from the environment that never shows in any output or file.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use switchboard_sandbox::faults::{Fault, FaultKind};
use switchboard_sandbox::{Config, Credentials, Seed};

const CLI: &str = env!("CARGO_BIN_EXE_switchboard-cli");
const BD2: &str = "b1a7c3d2-0002-4a00-8000-000000000002";
const CANARY: &str = "sk-canary-cli-5e1f0a";

/// A sandbox serving on a free loopback port until dropped, and a folder for its files.
struct Sandbox {
    base: String,
    dir: PathBuf,
    _stop: tokio::sync::oneshot::Sender<()>,
    _runtime: tokio::runtime::Runtime,
}

fn start(credentials: Credentials, faults: Vec<Fault>) -> Sandbox {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sb-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let cfg = Config {
        addr,
        db: dir.join("sandbox.db").display().to_string(),
        dist: None,
        seed: Seed::Demo,
        credentials,
        cors_origins: vec![],
        log: false,
        faults,
        fault_control: false,
        page_size: None,
        no_reads: Vec::new(),
        record: false,
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(switchboard_sandbox::serve_on(listener, cfg, async move {
        let _ = rx.await;
    }));
    // Up once it answers.
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Sandbox {
        base: format!("http://{addr}/"),
        dir,
        _stop: tx,
        _runtime: runtime,
    }
}

impl Sandbox {
    fn config_url(&self) -> String {
        format!("{}switchboard.json", self.base)
    }

    /// Runs the CLI with these arguments and environment (nothing else of ours).
    fn cli(&self, config: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(CLI);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SWITCHBOARD_")) {
            cmd.env_remove(k);
        }
        cmd.args(["--config", config, "--timeout", "5"])
            .args(args)
            .envs(env.iter().copied());
        Run(cmd.output().unwrap())
    }

    fn run(&self, args: &[&str]) -> Run {
        self.cli(&self.config_url(), args, &[])
    }

    fn query(&self, sql: &str) -> Vec<Value> {
        let db = rusqlite::Connection::open(self.dir.join("sandbox.db")).unwrap();
        let mut stmt = db.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |row| {
            Ok(Value::Array(
                (0..n)
                    .map(|i| match row.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(v) => json!(v),
                        rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                        other => json!(format!("{other:?}")),
                    })
                    .collect(),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn err(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.out()).unwrap_or_else(|e| panic!("{e}: {}", self.out()))
    }
    #[track_caller]
    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.out(),
            self.err()
        );
        self
    }
}

/// The demo state exported, with the edits a reviewer would make on three gateways.
fn edited(sandbox: &Sandbox) -> (String, String) {
    let exported = sandbox.run(&["export"]).expect(0).out();
    let mut doc: Value = serde_json::from_str(&exported).unwrap();
    let c = &mut doc["connections"];
    c["barndoor"]["providers"][BD2]["fields"]["request_timeout_secs"] = json!(45);
    c["refactor"]["providers"]["openai"]["fields"]["enabled"] = json!(false);
    c["respan"]["providers"]["1"]["fields"]["provider_name"] = json!("Azure (renamed)");
    (
        exported,
        sandbox.file("edited.json", &serde_json::to_string_pretty(&doc).unwrap()),
    )
}

#[test]
fn exports_plans_and_applies_across_the_four_gateways() {
    let sandbox = start(Credentials::default(), vec![]);
    let (exported, file) = edited(&sandbox);
    let doc: Value = serde_json::from_str(&exported).unwrap();
    let mut conns: Vec<&String> = doc["connections"].as_object().unwrap().keys().collect();
    conns.sort();
    assert_eq!(conns, ["barndoor", "libredesk", "refactor", "respan"]);
    assert_eq!(
        doc["connections"]["libredesk"]["providers"]["openai"]["fields"]["api_key"],
        json!({"$secret": "set"})
    );
    // The export to a file is the same bytes; one connection alone is its part.
    let out = sandbox.dir.join("out.json").display().to_string();
    sandbox.run(&["export", "--out", &out]).expect(0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), exported);
    let one: Value = sandbox
        .run(&["export", "--connection", "respan"])
        .expect(0)
        .json();
    assert_eq!(one["connections"].as_object().unwrap().len(), 1);
    sandbox
        .run(&["export", "--connection", "nowhere"])
        .expect(1);

    // Its own export changes nothing: exit 0.
    let same = sandbox.file("same.json", &exported);
    let plan = sandbox.run(&["plan", &same]).expect(0).out();
    assert!(
        plan.starts_with(&format!("Plan for {same}: 0 to update, 14 already match")),
        "{plan}"
    );

    // The edited file: exit 2, the fields and the exact requests, masked.
    let plan = sandbox.run(&["plan", &file]).expect(2).out();
    let port_base = sandbox.base.trim_end_matches('/');
    for expected in [
        "3 to update, 11 already match".to_owned(),
        "    Request timeout (s): inherit -> 45".to_owned(),
        format!("    | PUT {port_base}/barndoor/api/llm-gateway/admin/providers/{BD2}\n    | Authorization: Bearer ••••\n    | {{\"request_timeout_secs\":45}}"),
        format!("    | PUT {port_base}/refactor/v1/llm-provider/openai\n    | Authorization: Bearer ••••\n    | {{\"enabled\":false}}"),
        format!("    | PATCH {port_base}/respan/api/providers/1/\n    | Authorization: Bearer ••••\n    | {{\"provider_name\":\"Azure (renamed)\"}}"),
    ] {
        assert!(plan.contains(&expected), "missing {expected:?} in\n{plan}");
    }
    let json = sandbox.run(&["plan", &file, "--json"]).expect(2).json();
    assert_eq!(json["changes"].as_array().unwrap().len(), 3);
    assert_eq!(json["matching"], json!(11));
    let bd = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["connection"] == "barndoor")
        .unwrap();
    assert_eq!(bd["request"]["method"], "PUT");
    assert_eq!(bd["request"]["credential"], "Authorization: Bearer ••••");
    assert_eq!(bd["request"]["body"], json!({"request_timeout_secs": 45}));
    assert_eq!(
        bd["fields"],
        json!([{"label": "Request timeout (s)", "live": "inherit", "file": "45"}])
    );
    assert!(sandbox.query("SELECT request_timeout_secs FROM barndoor_providers WHERE id = 'b1a7c3d2-0002-4a00-8000-000000000002'") == vec![json!([null])]);

    // Not from a terminal, apply asks for --yes and sends nothing.
    let refused = sandbox.run(&["apply", &file]).expect(1);
    assert!(refused.err().contains("--yes"), "{}", refused.err());
    assert_eq!(
        sandbox.query("SELECT enabled FROM refactor_providers WHERE provider = 'openai'"),
        vec![json!([1])]
    );

    let applied = sandbox.run(&["apply", &file, "--yes"]).expect(0).out();
    assert!(
        applied.contains(&format!("Anthropic Direct (barndoor/{BD2}): done")),
        "{applied}"
    );
    assert!(
        applied.contains("3 done, 0 failed, 0 skipped, 0 cancelled, of 3"),
        "{applied}"
    );
    assert!(
        applied.contains("Verified: the gateways now hold exactly what"),
        "{applied}"
    );
    assert_eq!(
        sandbox.query(&format!(
            "SELECT request_timeout_secs FROM barndoor_providers WHERE id = '{BD2}'"
        )),
        vec![json!([45])]
    );
    assert_eq!(
        sandbox.query("SELECT enabled FROM refactor_providers WHERE provider = 'openai'"),
        vec![json!([0])]
    );
    assert_eq!(
        sandbox.query("SELECT provider_name FROM respan_providers WHERE id = 1"),
        vec![json!(["Azure (renamed)"])]
    );
    sandbox.run(&["plan", &file]).expect(0);
}

#[test]
fn a_broken_file_is_exit_1_with_every_problem_located() {
    let sandbox = start(Credentials::default(), vec![]);
    let file = sandbox.file(
        "broken.json",
        "{\n  \"format\": \"switchboard-state\",\n  \"version\": 1,\n  \"connections\": {\n    \"nowhere\": {},\n    \"respan\": { \"gateway\": \"respan\", \"providers\": { \"1\": { \"fields\": { \"api_key\": \"sk-x\", \"colour\": 1 } } } }\n  }\n}\n",
    );
    let run = sandbox.run(&["plan", &file]).expect(1);
    let err = run.err();
    assert!(
        err.starts_with(&format!("3 problems in {file}; nothing was planned:")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:5:5: /connections/nowhere: Unknown connection \"nowhere\""
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:6:72: /connections/respan/providers/1/fields/api_key: Secret values are never imported")), "{err}");
    assert!(
        err.contains(
            "/connections/respan/providers/1/fields/colour: Unknown field \"colour\" for Respan"
        ),
        "{err}"
    );
    let json = sandbox.run(&["plan", &file, "--json"]).expect(1).json();
    assert_eq!(json["problems"].as_array().unwrap().len(), 3);
    assert_eq!(json["problems"][0]["at"], json!({"line": 5, "column": 5}));
    sandbox.run(&["apply", &file, "--yes"]).expect(1);
    sandbox.run(&["plan", "/nonexistent/state.json"]).expect(1);
}

#[test]
fn a_wrong_token_and_a_gateway_that_is_down_are_named() {
    let sandbox = start(Credentials::default(), vec![]);
    let wrong = [("SWITCHBOARD_TOKEN_BARNDOOR", "not-the-token")];
    let check = sandbox
        .cli(&sandbox.config_url(), &["check", "--json"], &wrong)
        .expect(1)
        .json();
    let state = |id: &str| {
        check
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["connection"] == id)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state("barndoor"), "unauthorized");
    assert_eq!(state("refactor"), "ok");
    let export = sandbox
        .cli(&sandbox.config_url(), &["export"], &wrong)
        .expect(1);
    assert!(
        export.err().starts_with("error: connection \"barndoor\": "),
        "{}",
        export.err()
    );
    assert!(!export.err().contains("not-the-token"));

    // A gateway nobody listens for: its connection points at a closed port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = sandbox.file(
        "switchboard.json",
        &json!({"connections": [
            {"id": "down", "dialect": "barndoor", "base_url": format!("http://{closed}/barndoor"), "auth": {"scheme": "bearer", "token": "t"}},
            {"id": "respan", "dialect": "respan", "base_url": format!("{}respan", sandbox.base), "auth": {"scheme": "bearer", "token": "demo-respan-key"}},
        ]})
        .to_string(),
    );
    let check = sandbox.cli(&config, &["check"], &[]).expect(1).out();
    assert!(
        check
            .lines()
            .any(|l| l.starts_with("down ") && l.contains("unreachable")),
        "{check}"
    );
    assert!(
        check
            .lines()
            .any(|l| l.starts_with("respan ") && l.contains(" ok ")),
        "{check}"
    );
    sandbox
        .cli(&config, &["export", "--connection", "respan"], &[])
        .expect(0);
    let state = sandbox.file("state.json", &json!({"format": "switchboard-state", "version": 1, "connections": {"down": {"gateway": "barndoor", "providers": {}}}}).to_string());
    let plan = sandbox.cli(&config, &["plan", &state], &[]).expect(1);
    assert!(
        plan.err()
            .contains("could not be read (The gateway could not be reached"),
        "{}",
        plan.err()
    );
}

#[test]
fn faults_during_a_run_give_accurate_outcomes() {
    let fault = |method: &str, path: &str, kind: FaultKind, times: Option<u32>| Fault {
        method: Some(method.into()),
        path: path.into(),
        kind,
        times,
    };
    let sandbox = start(
        Credentials::default(),
        vec![
            // Busy once, with Retry-After: retried after it, then done.
            fault(
                "PUT",
                "/barndoor/api/",
                FaultKind::Status {
                    status: 503,
                    retry_after: Some(1),
                },
                Some(1),
            ),
            // Carried out, but the answer is cut in half: a fresh read shows it landed.
            fault("PUT", "/refactor/v1/", FaultKind::Truncated, Some(1)),
            // Refused every time: failed, with the gateway's words.
            fault(
                "PATCH",
                "/respan/api/",
                FaultKind::Status {
                    status: 500,
                    retry_after: None,
                },
                None,
            ),
        ],
    );
    let (_, file) = edited(&sandbox);
    let started = std::time::Instant::now();
    let run = sandbox.run(&["apply", &file, "--yes", "--json"]).expect(1);
    let out = run.json();
    let outcome = |conn: &str| {
        out["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["connection"] == conn)
            .unwrap()
            .clone()
    };
    assert_eq!(outcome("barndoor")["outcome"], "done", "{out}");
    assert_eq!(outcome("refactor")["outcome"], "done", "{out}");
    assert_eq!(outcome("respan")["outcome"], "failed", "{out}");
    assert!(
        outcome("respan")["message"]
            .as_str()
            .unwrap()
            .contains("500")
            || !outcome("respan")["message"].as_str().unwrap().is_empty()
    );
    assert_eq!(out["failed"], json!(1));
    assert_eq!(out["verified"], json!(false));
    assert_eq!(out["still_differ"], json!(["respan/1"]));
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(
        sandbox.query(&format!(
            "SELECT request_timeout_secs FROM barndoor_providers WHERE id = '{BD2}'"
        )),
        vec![json!([45])]
    );
    assert_eq!(
        sandbox.query("SELECT enabled FROM refactor_providers WHERE provider = 'openai'"),
        vec![json!([0])]
    );
    assert_eq!(
        sandbox.query("SELECT provider_name FROM respan_providers WHERE id = 1"),
        vec![json!(["Azure Provider"])]
    );
}

#[test]
fn a_credential_from_the_environment_never_shows() {
    let sandbox = start(
        Credentials {
            respan_token: CANARY.into(),
            ..Credentials::default()
        },
        vec![],
    );
    // A configuration without credentials: they come from the environment only.
    let config = sandbox.file(
        "switchboard.json",
        &json!({"connections": [
            {"id": "prod-respan", "dialect": "respan", "base_url": format!("{}respan", sandbox.base), "auth": {"scheme": "bearer", "token": ""}},
        ]})
        .to_string(),
    );
    let env = [("SWITCHBOARD_TOKEN_PROD_RESPAN", CANARY)];
    let state = sandbox.dir.join("state.json").display().to_string();
    let mut runs = vec![
        sandbox.cli(&config, &["check"], &env).expect(0),
        sandbox.cli(&config, &["check", "--json"], &env).expect(0),
        sandbox
            .cli(&config, &["export", "--out", &state], &env)
            .expect(0),
    ];
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    doc["connections"]["prod-respan"]["providers"]["3"]["fields"]["provider_name"] =
        json!("vLLM (renamed)");
    let edited = sandbox.file("edited.json", &doc.to_string());
    runs.push(sandbox.cli(&config, &["plan", &edited], &env).expect(2));
    runs.push(
        sandbox
            .cli(&config, &["plan", &edited, "--json"], &env)
            .expect(2),
    );
    runs.push(
        sandbox
            .cli(&config, &["apply", &edited, "--yes"], &env)
            .expect(0),
    );
    // Without it the gateway refuses, and says so without a credential in sight.
    runs.push(sandbox.cli(&config, &["export"], &[]).expect(1));
    for run in &runs {
        assert!(
            !run.out().contains(CANARY) && !run.err().contains(CANARY),
            "{}{}",
            run.out(),
            run.err()
        );
    }
    for entry in std::fs::read_dir(&sandbox.dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            assert!(
                !std::fs::read_to_string(&path).unwrap().contains(CANARY),
                "{}",
                path.display()
            );
        }
    }
    assert_eq!(
        sandbox.query("SELECT provider_name FROM respan_providers WHERE id = 3"),
        vec![json!(["vLLM (renamed)"])]
    );
    let _ = Path::new(&state);
}

#[test]
fn paged_lists_and_declared_providers_export_what_the_gateway_holds() {
    let sandbox = start(Credentials::default(), vec![]);
    let whole: Value = sandbox.run(&["export"]).expect(0).json();
    let base = sandbox.base.clone();
    let config = sandbox.file(
        "paged.json",
        &json!({"connections": [
            // Pages of one and two: the CLI follows DRF's next links and page numbers.
            {"id": "respan", "name": "Respan (sandbox)", "dialect": "respan", "base_url": format!("{base}respan"),
             "list_path": "/api/providers/?page_size=1", "auth": {"scheme": "bearer", "token": "demo-respan-key"}},
            {"id": "barndoor", "name": "Barndoor (sandbox)", "dialect": "barndoor", "base_url": format!("{base}barndoor"),
             "list_path": "/api/llm-gateway/admin/providers?page=1&limit=2", "auth": {"scheme": "bearer", "token": "demo-barndoor-jwt"}},
            // A gateway that cannot list: the declared providers are read one by one.
            {"id": "refactor", "name": "re-factor (sandbox)", "dialect": "refactor", "base_url": format!("{base}refactor"),
             "providers": ["anthropic", "openai"], "auth": {"scheme": "bearer", "token": "demo-refactor-token"}},
        ]})
        .to_string(),
    );
    let paged: Value = sandbox.cli(&config, &["export"], &[]).expect(0).json();
    for id in ["respan", "barndoor"] {
        assert_eq!(paged["connections"][id], whole["connections"][id], "{id}");
    }
    let rf = &paged["connections"]["refactor"]["providers"];
    assert_eq!(rf.as_object().unwrap().len(), 2);
    assert_eq!(
        rf["openai"],
        whole["connections"]["refactor"]["providers"]["openai"]
    );
    // A declared provider the gateway does not have names itself in the failure.
    let missing = config.replace("paged.json", "missing.json");
    std::fs::write(
        &missing,
        std::fs::read_to_string(&config)
            .unwrap()
            .replace("\"anthropic\"", "\"xai\""),
    )
    .unwrap();
    let run = sandbox.cli(&missing, &["export"], &[]);
    assert_ne!(run.code(), 0);
    assert!(
        run.err().contains("Reading xai: No configuration found"),
        "{}",
        run.err()
    );
}
