//! The SQLite schema and the demo data set.

use crate::Seed;
use rusqlite::{params, Connection};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS refactor_providers (
    provider TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL,
    credentials TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS libredesk_ai (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    provider TEXT NOT NULL,
    api_key TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS barndoor_providers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    model_provider TEXT NOT NULL,
    auth_type TEXT NOT NULL,
    base_url TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    catalog_id TEXT,
    connection_id TEXT,
    request_timeout_secs INTEGER,
    stream_idle_timeout_secs INTEGER,
    catalog_slug TEXT,
    api_key TEXT,
    credentials TEXT
);
CREATE TABLE IF NOT EXISTS respan_providers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id TEXT NOT NULL UNIQUE,
    provider_name TEXT NOT NULL,
    is_managed INTEGER NOT NULL DEFAULT 0,
    api_key TEXT,
    extra_kwargs TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
";

/// The organization every demo Barndoor provider belongs to.
pub const DEMO_ORG: &str = "0f1e2d3c-4b5a-4968-8776-655443322110";
/// The shared Barndoor connection the demo's first provider uses.
pub const DEMO_CONNECTION: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

/// Opens (creating if needed) the database, sets WAL and full sync, and seeds it once.
pub fn open(path: &str, seed: Seed) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Every acknowledged update must survive a crash: sync the WAL on each commit.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(SCHEMA)?;
    let empty: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM refactor_providers) + (SELECT count(*) FROM libredesk_ai)
              + (SELECT count(*) FROM barndoor_providers) + (SELECT count(*) FROM respan_providers)",
        [],
        |r| r.get(0),
    )?;
    if empty == 0 {
        match seed {
            Seed::Demo => seed_demo(&conn)?,
            Seed::Synthetic(n) => seed_synthetic(&conn, n)?,
            Seed::None => {}
        }
    }
    Ok(conn)
}

fn seed_demo(c: &Connection) -> rusqlite::Result<()> {
    let tx = c.unchecked_transaction()?;
    for (p, en, creds) in [
        (
            "openai",
            true,
            r#"{"api_key":"sk-demo-openai-0001","organization":"org-demo"}"#,
        ),
        ("anthropic", true, r#"{"api_key":"sk-ant-demo-0002"}"#),
        (
            "azure",
            true,
            r#"{"api_key":"az-demo-0003","api_version":"2024-06-01"}"#,
        ),
        ("google-vertex", false, r#"{"service_account_json":"{}"}"#),
        ("amazon-bedrock", false, "{}"),
    ] {
        tx.execute(
            "INSERT INTO refactor_providers VALUES (?1, ?2, ?3)",
            params![p, en, creds],
        )?;
    }
    tx.execute(
        "INSERT INTO libredesk_ai VALUES (1, 'openai', 'sk-demo-libredesk-0004')",
        [],
    )?;
    let demo = [
        (
            "b1a7c3d2-0001-4a00-8000-000000000001",
            "OpenAI Production (US)",
            "openai",
            "api_key",
            "https://api.openai.com/v1",
            true,
            r#"{"organization":"org-demo"}"#,
            Some(DEMO_CONNECTION),
            Some(1800),
            Some(900),
            Some("openai"),
        ),
        (
            "b1a7c3d2-0002-4a00-8000-000000000002",
            "Anthropic Direct",
            "anthropic",
            "api_key",
            "https://api.anthropic.com",
            true,
            "{}",
            None,
            None,
            None,
            Some("anthropic"),
        ),
        (
            "b1a7c3d2-0003-4a00-8000-000000000003",
            "Bedrock EU",
            "bedrock",
            "aws_role",
            "https://bedrock-runtime.eu-west-1.amazonaws.com",
            true,
            r#"{"region":"eu-west-1"}"#,
            None,
            Some(600),
            None,
            Some("bedrock"),
        ),
        (
            "b1a7c3d2-0004-4a00-8000-000000000004",
            "Vertex Staging",
            "vertex",
            "google_adc",
            "https://europe-west4-aiplatform.googleapis.com",
            false,
            "{}",
            None,
            None,
            Some(120),
            None,
        ),
        (
            "b1a7c3d2-0005-4a00-8000-000000000005",
            "Groq Experiments",
            "groq",
            "api_key",
            "https://api.groq.com/openai/v1",
            false,
            "{}",
            None,
            None,
            None,
            Some("groq"),
        ),
    ];
    for (id, name, mp, at, url, en, settings, conn_id, rt, st, slug) in demo {
        tx.execute(
            "INSERT INTO barndoor_providers (id, org_id, name, model_provider, auth_type, base_url, enabled, settings,
                 catalog_id, connection_id, request_timeout_secs, stream_idle_timeout_secs, catalog_slug, api_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11, ?12, ?13)",
            params![id, DEMO_ORG, name, mp, at, url, en, settings, conn_id, rt, st, slug, conn_id.map_or(Some("sk-demo-direct"), |_| None)],
        )?;
    }
    let now = crate::http::now();
    for (pid, name, managed) in [
        ("my-azure-provider", "Azure Provider", false),
        ("respan-openai", "Respan OpenAI (managed)", true),
        ("local-vllm", "Local vLLM", false),
    ] {
        tx.execute(
            "INSERT INTO respan_providers (provider_id, provider_name, is_managed, api_key, extra_kwargs, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'demo-key', '{}', ?4, ?4)",
            params![pid, name, managed, now],
        )?;
    }
    tx.commit()
}

const FAMILIES: [(&str, &str); 4] = [
    ("openai", "api_key"),
    ("anthropic", "api_key"),
    ("bedrock", "aws_keys"),
    ("mistral", "api_key"),
];

fn seed_synthetic(c: &Connection, n: usize) -> rusqlite::Result<()> {
    let tx = c.unchecked_transaction()?;
    for (i, slug) in crate::refactor::PROVIDERS.iter().take(n).enumerate() {
        tx.execute(
            "INSERT INTO refactor_providers VALUES (?1, ?2, '{\"api_key\":\"sk-synthetic\"}')",
            params![slug, i % 2 == 0],
        )?;
    }
    if n > 0 {
        tx.execute(
            "INSERT INTO libredesk_ai VALUES (1, 'openai', 'sk-synthetic')",
            [],
        )?;
    }
    let now = crate::http::now();
    for i in 0..n {
        let (mp, at) = FAMILIES[i % FAMILIES.len()];
        tx.execute(
            "INSERT INTO barndoor_providers (id, org_id, name, model_provider, auth_type, base_url, enabled, settings, api_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '{}', 'sk-synthetic')",
            params![format!("00000000-0000-4000-8000-{i:012x}"), DEMO_ORG, format!("{mp} provider {i:05}"), mp, at, format!("https://{mp}.example.com/v1"), i % 3 != 0],
        )?;
        tx.execute(
            "INSERT INTO respan_providers (provider_id, provider_name, is_managed, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![format!("synthetic-{i:05}"), format!("Respan provider {i:05}"), i % 10 == 0, now],
        )?;
    }
    tx.commit()
}
