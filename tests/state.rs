//! The state file (configuration as code) against every dialect: exporting the live state
//! and planning that export changes nothing; applying a plan and planning again changes
//! nothing; a secret value is never accepted; a broken file gets every problem with its
//! pointer and line, never a panic. Property tests use a fixed seed, so CI runs the same
//! cases every time.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use switchboard::dialect::barndoor::auth_types;
use switchboard::dialect::{by_slug, Connection, Gateway, GATEWAYS};
use switchboard::fleet::{Goal, Plan, Step};
use switchboard::model::{Access, Auth, Field, FieldKind, Provider};
use switchboard::state::{self, export, read, LiveConnection, Problem, MATCHES};

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x57a7e),
        failure_persistence: None,
        ..Config::default()
    }
}

fn conn(slug: &str) -> Connection {
    let gateway: Gateway = by_slug(slug).unwrap();
    Connection {
        id: format!("{slug}-1"),
        name: format!("{} (test)", gateway.label()),
        gateway,
        base_url: format!("http://gw/{slug}"),
        auth: Auth::Bearer("t".into()),
        list_path: None,
        item_path: None,
        declared: Vec::new(),
        reads: true,
    }
}

fn uuid(n: u64) -> String {
    format!("3c90c3cc-0d44-4b50-8888-{:012x}", n % 0xffff_ffff_ffff)
}

/// A live state of all four gateways, as their list answers could hold it.
fn live_state() -> impl Strategy<Value = Vec<LiveConnection>> {
    let refactor = prop::collection::btree_map(
        prop::sample::select(switchboard::dialect::refactor::PROVIDERS.to_vec()),
        (any::<Option<bool>>(), any::<bool>()),
        0..7,
    );
    let barndoor = prop::collection::vec(
        (
            "[A-Za-z0-9 ]{1,10}",
            prop::sample::select(switchboard::dialect::barndoor::MODEL_PROVIDERS.to_vec()),
            any::<bool>(),
            prop::option::of(1i64..=3600),
            prop::option::of(1i64..=1800),
            prop::option::of(0u64..9),
            any::<u64>(),
        ),
        0..6,
    );
    let respan = prop::collection::vec(("[A-Za-z0-9 ]{1,10}", any::<bool>()), 0..6);
    (refactor, any::<Option<bool>>(), barndoor, respan).prop_map(|(rf, ld, bd, rs)| {
        let parse = |slug: &str, items: Vec<Value>| {
            let c = conn(slug);
            let providers = items
                .into_iter()
                .map(|v| c.gateway.parse_one(v).unwrap())
                .collect();
            LiveConnection {
                conn: c,
                providers: Ok(providers),
            }
        };
        let rf = rf
            .into_iter()
            .map(|(slug, (enabled, keyed))| {
                let mut v = json!({"provider": slug, "credentials": if keyed { json!({"api_key": "sk-***"}) } else { json!({}) }});
                if let Some(e) = enabled {
                    v["enabled"] = json!(e);
                }
                v
            })
            .collect();
        let ld: Vec<Value> = ld
            .map(|set| json!({"provider": "openai", "api_key_set": set}))
            .into_iter()
            .collect();
        let bd = bd
            .into_iter()
            .enumerate()
            .map(|(i, (name, family, enabled, rt, st, shared, seed))| {
                let auth = auth_types(family);
                json!({
                    "id": uuid(i as u64), "org_id": "org", "name": name, "model_provider": family,
                    "auth_type": auth.get(seed as usize % auth.len().max(1)), "base_url": format!("https://{family}.example/v1"),
                    "enabled": enabled, "settings": if seed.is_multiple_of(2) { json!({}) } else { json!({"region": "eu"}) },
                    "catalog_id": null, "connection_id": shared.map(|n| uuid(1000 + n)), "catalog_slug": family,
                    "request_timeout_secs": rt, "stream_idle_timeout_secs": st,
                })
            })
            .collect();
        let rs = rs
            .into_iter()
            .enumerate()
            .map(|(i, (name, managed))| {
                json!({"id": i + 1, "provider_id": format!("p{i}"), "provider_name": name, "is_managed": managed,
                       "created_at": "2024-01-15T10:30:00Z", "updated_at": "2024-01-15T10:30:00Z"})
            })
            .collect();
        let mut libredesk = parse("libredesk", Vec::new());
        libredesk.providers = Ok(ld
            .into_iter()
            .map(|d| {
                libredesk
                    .conn
                    .gateway
                    .parse_item(&json!({"status": "success", "data": d}).to_string())
                    .unwrap()
            })
            .collect());
        vec![parse("refactor", rf), libredesk, parse("barndoor", bd), parse("respan", rs)]
    })
}

fn pairs(live: &[LiveConnection]) -> Vec<(&Connection, &Provider)> {
    live.iter()
        .flat_map(|l| l.providers.iter().flatten().map(move |p| (&l.conn, p)))
        .collect()
}

/// A valid value for a writable, non-secret field, picked by `n`.
fn valid_value(field: &Field, provider: &Provider, n: u64) -> Value {
    match &field.kind {
        FieldKind::Bool => json!(n.is_multiple_of(2)),
        FieldKind::Integer { .. } if field.nullable && n.is_multiple_of(5) => Value::Null,
        FieldKind::Integer { min, max } => json!(min + (n as i64).rem_euclid(max - min + 1)),
        FieldKind::Text => json!(format!("Name {}", n % 97)),
        FieldKind::Url => json!(format!("https://edited.example/v{}", n % 7)),
        FieldKind::Uuid => json!(uuid(2000 + n % 5).to_uppercase()),
        FieldKind::Enum { options, .. } => {
            let opts = if field.name == "auth_type" {
                auth_types(&provider.text("model_provider"))
            } else {
                options.clone()
            };
            json!(opts.get(n as usize % opts.len().max(1)))
        }
        FieldKind::Json => json!({"region": format!("r{}", n % 3)}),
        FieldKind::Secret | FieldKind::KeyValue => Value::Null,
    }
}

/// The file's `fields` object of one provider.
fn fields_mut<'a>(
    doc: &'a mut Value,
    conn: &Connection,
    provider: &Provider,
) -> &'a mut Map<String, Value> {
    doc["connections"][&conn.id]["providers"][&provider.id]["fields"]
        .as_object_mut()
        .unwrap()
}

/// What a gateway does with an accepted update: the values sent become its values.
fn apply(plan: &Plan, live: &mut [LiveConnection]) {
    for t in &plan.targets {
        let Some(update) = t.update() else { continue };
        let l = live.iter_mut().find(|l| l.conn.id == t.conn_id).unwrap();
        let p = l
            .providers
            .as_mut()
            .unwrap()
            .iter_mut()
            .find(|p| p.id == t.provider_id)
            .unwrap();
        let fields = l.conn.gateway.fields(p);
        for (k, v) in update.change.body() {
            if fields.iter().any(|f| f.name == k && !f.is_secret()) {
                p.values.insert(k.clone(), v.clone());
                if k == "enabled" {
                    p.enabled = v.as_bool();
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn an_export_planned_against_its_own_state_changes_nothing(live in live_state()) {
        let text = export(pairs(&live));
        let desired = read(&text, "state.json", &live).map_err(|p| TestCaseError::fail(format!("{p:?}\n{text}")))?;
        let all = pairs(&live);
        prop_assert_eq!(desired.len(), all.len());
        let plan = Plan::build(&desired, all.iter().copied());
        prop_assert_eq!(plan.sends(), 0);
        for t in &plan.targets {
            prop_assert_eq!(&t.step, &Step::Skip(MATCHES.into()));
        }
        for (c, p) in all {
            prop_assert!(!desired.differs(&state::Desired::key(&c.id, &p.id), p));
        }
        // Two exports of one state are the same bytes.
        prop_assert_eq!(export(pairs(&live)), text);
    }

    #[test]
    fn applying_a_plan_then_planning_again_changes_nothing(
        mut live in live_state(),
        picks in prop::collection::vec((any::<u16>(), any::<u64>()), 1..12),
    ) {
        let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
        let targets: Vec<(Connection, Provider)> = pairs(&live).into_iter().map(|(c, p)| (c.clone(), p.clone())).collect();
        prop_assume!(!targets.is_empty());
        for (which, n) in picks {
            let (c, p) = &targets[which as usize % targets.len()];
            let editable: Vec<Field> = c.gateway.fields(p).into_iter()
                .filter(|f| f.is_editable() && !f.is_secret() && !f.always_sent).collect();
            if editable.is_empty() { continue; }
            let f = &editable[n as usize % editable.len()];
            fields_mut(&mut doc, c, p).insert(f.name.into(), valid_value(f, p, n));
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let desired = read(&text, "edited.json", &live).map_err(|p| TestCaseError::fail(format!("{p:?}\n{text}")))?;
        let plan = Plan::build(&desired, pairs(&live));
        // Exactly the providers the file now differs on are sent something.
        for t in &plan.targets {
            let p = targets.iter().find(|(c, p)| c.id == t.conn_id && p.id == t.provider_id).map(|(_, p)| p).unwrap();
            prop_assert_eq!(t.update().is_some(), desired.differs(&t.key(), p), "{:?}", t.step);
        }
        apply(&plan, &mut live);
        let again = Plan::build(&desired, pairs(&live));
        prop_assert_eq!(again.sends(), 0, "{:?}", again.targets.iter().map(|t| &t.step).collect::<Vec<_>>());
    }

    #[test]
    fn a_secret_value_is_never_accepted(live in live_state(), which in any::<u16>(), value in json_value()) {
        prop_assume!(!state::is_secret_marker(&value));
        let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
        let secrets: Vec<(Connection, Provider, &'static str)> = pairs(&live).into_iter()
            .flat_map(|(c, p)| c.gateway.fields(p).into_iter().filter(|f| f.is_secret() && f.access != Access::ReadOnly)
                .map(move |f| (c.clone(), p.clone(), f.name)))
            .collect();
        prop_assume!(!secrets.is_empty());
        let (c, p, name) = &secrets[which as usize % secrets.len()];
        fields_mut(&mut doc, c, p).insert((*name).into(), value);
        let problems = read(&doc.to_string(), "s.json", &live).unwrap_err();
        let pointer = format!("/connections/{}/providers/{}/fields/{name}", c.id, p.id.replace('~', "~0").replace('/', "~1"));
        prop_assert!(problems.iter().any(|p| p.pointer == pointer), "{problems:?}");
    }

    #[test]
    fn a_broken_file_gets_problems_never_a_panic(
        live in live_state(),
        edits in prop::collection::vec((any::<u16>(), json_value(), 0u8..3), 1..6),
    ) {
        let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
        for (at, value, how) in edits {
            mutate(&mut doc, at as usize, value, how);
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        if let Err(problems) = read(&text, "b.json", &live) {
            prop_assert!(!problems.is_empty());
            for p in &problems {
                prop_assert!(p.at.is_some(), "{p:?} has no position in\n{text}");
                prop_assert!(!p.message.is_empty());
            }
        }
    }

    #[test]
    fn any_text_gets_problems_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), live in live_state()) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(problems) = read(&text, "x.json", &live) {
            prop_assert!(!problems.is_empty());
        }
    }
}

/// Replaces (0), removes (1) or adds a member to (2) the `at`-th node of `doc`.
fn mutate(doc: &mut Value, at: usize, value: Value, how: u8) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Object(m) => m.values().map(count).sum(),
            Value::Array(a) => a.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, mut n: usize, value: Value, how: u8) -> Option<usize> {
        if n == 0 {
            match (how, &mut *v) {
                (1, Value::Object(m)) => {
                    let first = m.keys().next().cloned();
                    if let Some(k) = first {
                        m.remove(&k);
                    }
                }
                (2, Value::Object(m)) => {
                    m.insert("zz_extra".into(), value);
                }
                _ => *v = value,
            }
            return None;
        }
        n -= 1;
        match v {
            Value::Object(m) => {
                for child in m.values_mut() {
                    let size = count(child);
                    if n < size {
                        return walk(child, n, value, how);
                    }
                    n -= size;
                }
                Some(n)
            }
            _ => Some(n),
        }
    }
    let total = count(doc);
    let _ = walk(doc, at % total, value, how);
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(json!(1.5)),
        ".{0,8}".prop_map(Value::String),
        Just(json!({"$secret": "sett"})),
        Just(json!({"$secret": "set", "x": 1})),
        Just(json!("sk-live-canary")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec(("[a-z_$]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn fixed_live() -> Vec<LiveConnection> {
    let b = conn("barndoor");
    let r = conn("respan");
    let bd = b
        .gateway
        .parse_one(json!({"id": uuid(1), "org_id": "org", "name": "OpenAI", "model_provider": "openai", "auth_type": "api_key",
            "base_url": "https://api.openai.com/v1", "enabled": true, "settings": {}, "connection_id": uuid(77),
            "request_timeout_secs": 30, "stream_idle_timeout_secs": null}))
        .unwrap();
    let managed = r
        .gateway
        .parse_one(
            json!({"id": 7, "provider_id": "azure", "provider_name": "Azure", "is_managed": true}),
        )
        .unwrap();
    vec![
        LiveConnection {
            conn: b,
            providers: Ok(vec![bd]),
        },
        LiveConnection {
            conn: r,
            providers: Ok(vec![managed]),
        },
        LiveConnection {
            conn: conn("refactor"),
            providers: Err("401 Unauthorized".into()),
        },
    ]
}

#[test]
fn an_export_reads_as_a_person_would_write_it() {
    let live = fixed_live();
    let text = export(pairs(&live));
    let expected = format!(
        r#"{{
  "format": "switchboard-state",
  "version": 1,
  "connections": {{
    "barndoor-1": {{
      "gateway": "barndoor",
      "read_only": {{
        "name": "Barndoor (test)"
      }},
      "providers": {{
        "{id}": {{
          "fields": {{
            "api_key": {{
              "$secret": "unknown"
            }},
            "auth_type": "api_key",
            "base_url": "https://api.openai.com/v1",
            "connection_id": "{shared}",
            "credentials": {{
              "$secret": "unknown"
            }},
            "enabled": true,
            "name": "OpenAI",
            "request_timeout_secs": 30,
            "settings": {{}},
            "stream_idle_timeout_secs": null
          }},
          "read_only": {{
            "id": "{id}",
            "model_provider": "openai",
            "org_id": "org"
          }}
        }}
      }}
    }},
    "respan-1": {{
      "gateway": "respan",
      "read_only": {{
        "name": "Respan (test)"
      }},
      "providers": {{
        "7": {{
          "fields": {{
            "api_key": {{
              "$secret": "unknown"
            }},
            "extra_kwargs": {{
              "$secret": "unknown"
            }},
            "provider_name": "Azure"
          }},
          "read_only": {{
            "id": "7",
            "managed": true,
            "provider_id": "azure"
          }}
        }}
      }}
    }}
  }}
}}
"#,
        id = uuid(1),
        shared = uuid(77)
    );
    assert_eq!(text, expected);
}

#[test]
fn ten_problems_are_listed_at_once_with_pointers_and_lines() {
    let live = fixed_live();
    let id = uuid(1);
    let text = format!(
        r#"{{
  "format": "switchboard-state",
  "version": 1,
  "colour": "blue",
  "connections": {{
    "nowhere": {{ "gateway": "barndoor", "providers": {{}} }},
    "refactor-1": {{ "gateway": "refactor", "providers": {{ "openai": {{ "fields": {{}} }} }} }},
    "respan-1": {{
      "gateway": "barndoor",
      "providers": {{
        "7": {{ "fields": {{ "api_key": {{ "$secret": "set" }}, "extra_kwargs": {{ "base_url": "https://x" }} }} }},
        "8": {{ "fields": {{}} }}
      }}
    }},
    "barndoor-1": {{
      "gateway": "barndoor",
      "providers": {{
        "{id}": {{
          "fields": {{
            "name": "",
            "api_key": "sk-live-canary",
            "request_timeout_secs": 99999,
            "stream_idle_timeout_secs": "30",
            "org_id": "other",
            "colour": "blue"
          }}
        }}
      }}
    }}
  }}
}}
"#
    );
    let problems = read(&text, "bad.json", &live).unwrap_err();
    let got: Vec<(String, usize)> = problems
        .iter()
        .map(|p: &Problem| (p.pointer.clone(), p.at.unwrap().line))
        .collect();
    let at = |p: &str| format!("/connections/{p}");
    let bf = |f: &str| at(&format!("barndoor-1/providers/{id}/fields/{f}"));
    assert_eq!(
        got,
        vec![
            ("/colour".to_owned(), 4),
            (at("nowhere"), 6),
            (at("refactor-1/providers"), 7),
            (at("respan-1/gateway"), 9),
            (at("respan-1/providers/7/fields/extra_kwargs"), 11),
            (at("respan-1/providers/8"), 12),
            (bf("name"), 20),
            (bf("api_key"), 21),
            (bf("request_timeout_secs"), 22),
            (bf("stream_idle_timeout_secs"), 23),
            (bf("org_id"), 24),
            (bf("colour"), 25),
        ],
        "{problems:#?}"
    );
    let text_of = |pointer: &str| {
        problems
            .iter()
            .find(|p| p.pointer == pointer)
            .map(|p| p.message.clone())
            .unwrap()
    };
    assert_eq!(
        text_of(&at("nowhere")),
        "Unknown connection \"nowhere\": the configuration has barndoor-1, respan-1, refactor-1."
    );
    assert!(text_of(&at("refactor-1/providers")).contains("401 Unauthorized"));
    assert_eq!(
        text_of(&at("respan-1/gateway")),
        "Connection \"respan-1\" speaks respan, not barndoor."
    );
    assert!(text_of(&at("respan-1/providers/7/fields/extra_kwargs"))
        .starts_with("Secret values are never imported"));
    assert!(text_of(&bf("request_timeout_secs")).contains("3600"));
    assert_eq!(
        text_of(&bf("stream_idle_timeout_secs")),
        "Stream idle timeout (s) must be a whole number or null."
    );
    assert!(text_of(&bf("org_id")).contains("read-only"));
    assert!(text_of(&bf("colour")).starts_with("Unknown field \"colour\" for Barndoor"));
    assert!(problems
        .iter()
        .all(|p| !p.message.contains("sk-live-canary")));
}

#[test]
fn syntax_errors_say_where() {
    let problems = read(
        "{\n  \"format\": \"switchboard-state\",\n  \"version\": 1,,\n}",
        "s.json",
        &[],
    )
    .unwrap_err();
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(p.at.map(|a| (a.line, a.column)), Some((3, 16)));
    assert!(p.message.starts_with("Not valid JSON: "), "{}", p.message);
    assert!(!p.message.contains(" at line "), "{}", p.message);
}

#[test]
fn cross_field_rules_and_locks_come_from_the_dialects() {
    let live = fixed_live();
    let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
    let id = uuid(1);
    // Detaching from the shared connection without a key in the same request.
    doc["connections"]["barndoor-1"]["providers"][&id]["fields"]["connection_id"] = Value::Null;
    let problems = read(&doc.to_string(), "d.json", &live).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].pointer.ends_with("/fields/api_key"),
        "{problems:?}"
    );
    assert!(problems[0].message.contains("Detaching"), "{problems:?}");
    // Same values on a managed provider's locked fields are fine; a change is refused.
    doc["connections"]["barndoor-1"]["providers"][&id]["fields"]["connection_id"] = json!(uuid(77));
    assert!(read(&doc.to_string(), "d.json", &live).is_ok());
}

#[test]
fn a_desired_state_plans_like_a_bulk_action() {
    let live = fixed_live();
    let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
    let id = uuid(1);
    let f = &mut doc["connections"]["barndoor-1"]["providers"][&id]["fields"];
    f["request_timeout_secs"] = Value::Null;
    f["name"] = json!("OpenAI (EU)");
    f["connection_id"] = json!(uuid(78).to_uppercase());
    let desired = read(&doc.to_string(), "state.json", &live).unwrap();
    assert_eq!(desired.title(), "Apply state.json");
    let plan = Plan::build(&desired, pairs(&live));
    assert_eq!((plan.sends(), plan.skips()), (1, 1));
    let u = plan.targets[0].update().unwrap();
    assert_eq!(
        u.request.url,
        format!("http://gw/barndoor/api/llm-gateway/admin/providers/{id}")
    );
    assert_eq!(
        u.request.body,
        Some(
            json!({"name": "OpenAI (EU)", "request_timeout_secs": null, "connection_id": uuid(78)})
        )
    );
    let (c, p) = pairs(&live)[0];
    let mut drifted: Vec<&str> = desired.differing(&state::Desired::key(&c.id, &p.id), p);
    drifted.sort_unstable();
    assert_eq!(drifted, ["connection_id", "name", "request_timeout_secs"]);
}

#[test]
fn a_provider_nobody_could_read_is_not_exported_never_drifts_and_gets_every_value() {
    let live = fixed_live();
    let mut doc: Value = serde_json::from_str(&export(pairs(&live))).unwrap();
    let id = uuid(1);
    doc["connections"]["barndoor-1"]["providers"][&id]["fields"]["name"] = json!("OpenAI (EU)");
    let desired = read(&doc.to_string(), "state.json", &live).unwrap();
    let (c, p) = pairs(&live)[0];
    let unread = c.gateway.declared(&p.id, Some("Declared"));
    assert!(unread.unread);
    assert!(
        !export([(c, &unread)]).contains(&p.id),
        "no state to write down"
    );
    let key = state::Desired::key(&c.id, &p.id);
    assert!(desired.differing(&key, &unread).is_empty() && !desired.differs(&key, &unread));
    // Its current values are unknown, so every value the file gives is sent.
    let Step::Send(u) = desired.step(c, &unread) else {
        panic!("an unread provider is planned a change");
    };
    let body = u.request.body.clone().unwrap();
    assert_eq!(body["name"], json!("OpenAI (EU)"));
    assert!(body.as_object().unwrap().len() > 3, "{body}");
}

/// The field names the schema gives one gateway's providers.
fn schema_fields(schema: &Value, slug: &str) -> BTreeSet<String> {
    schema["$defs"][format!("connection-{slug}")]["properties"]["providers"]["additionalProperties"]
        ["properties"]["fields"]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no fields for {slug}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn the_schema_and_the_dialects_agree() {
    let schema = state::schema();
    assert_eq!(
        schema["properties"]["format"]["const"],
        json!(state::FORMAT)
    );
    assert_eq!(
        schema["$defs"]["secret"]["properties"]["$secret"]["enum"],
        json!(["set", "not set", "unknown"])
    );
    for gateway in GATEWAYS {
        let c = conn(gateway.slug());
        let blank = c.gateway.parse_one(match gateway.slug() {
            "refactor" => json!({"provider": "openai"}),
            "libredesk" => json!({"provider": "openai"}),
            "barndoor" => {
                json!({"id": uuid(1), "name": "n", "model_provider": "openai", "enabled": true})
            }
            _ => json!({"id": 1, "provider_name": "n"}),
        });
        let fields = match blank {
            Ok(p) => c.gateway.fields(&p),
            Err(e) => panic!("{gateway:?}: {e}"),
        };
        let writable: BTreeSet<String> = fields
            .iter()
            .filter(|f| f.access != Access::ReadOnly)
            .map(|f| f.name.to_owned())
            .collect();
        assert_eq!(
            schema_fields(&schema, gateway.slug()),
            writable,
            "{gateway:?}"
        );
        let props = &schema["$defs"][format!("connection-{}", gateway.slug())]["properties"]
            ["providers"]["additionalProperties"]["properties"]["fields"]["properties"];
        for f in &fields {
            let s = &props[f.name];
            if f.access == Access::ReadOnly {
                continue;
            }
            assert_eq!(s["title"], json!(f.label));
            if f.is_secret() {
                assert_eq!(s["$ref"], json!("#/$defs/secret"), "{}", f.name);
            } else if let FieldKind::Integer { min, max } = f.kind {
                let typed = if f.nullable { &s["anyOf"][0] } else { s };
                assert_eq!(
                    (typed["minimum"].as_i64(), typed["maximum"].as_i64()),
                    (Some(min), Some(max)),
                    "{}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn the_schema_in_docs_is_the_one_the_dialects_make() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/switchboard-state.schema.json"
    );
    let made = format!(
        "{}\n",
        serde_json::to_string_pretty(&state::schema()).unwrap()
    );
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &made).unwrap();
    }
    let shipped = std::fs::read_to_string(path).unwrap_or_default();
    assert!(shipped == made, "docs/switchboard-state.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test --test state");
}
