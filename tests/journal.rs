//! The change journal's pure parts: entries built from the exact change that was sent
//! (secrets only as replaced or removed), reverts that restore the before values or name
//! the conflicts, the cap, filters and exports. Property tests use a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Value};
use switchboard::dialect::{by_slug, Connection, Gateway};
use switchboard::journal::{keep_newest, to_csv, Ended, Entry, Filter, Operation};
use switchboard::model::{Auth, Draft, FieldKind, Provider};

fn conn(slug: &str) -> Connection {
    let gateway: Gateway = by_slug(slug).unwrap();
    Connection {
        id: slug.into(),
        name: gateway.label().into(),
        gateway,
        base_url: format!("http://gw/{slug}"),
        auth: Auth::Bearer("t".into()),
        list_path: None,
        item_path: None,
        declared: Vec::new(),
        reads: true,
    }
}

fn barndoor() -> (Connection, Provider) {
    let c = conn("barndoor");
    let p = c
        .gateway
        .parse_one(json!({"id": "b1", "name": "OpenAI", "model_provider": "openai", "auth_type": "api_key",
            "base_url": "https://api.openai.com/v1", "enabled": true, "settings": {}, "connection_id": null,
            "request_timeout_secs": 30, "stream_idle_timeout_secs": null}))
        .unwrap();
    (c, p)
}

fn draft(pairs: &[(&str, Value)]) -> Draft {
    let mut d = Draft::default();
    for (k, v) in pairs {
        d.set(k, v.clone());
    }
    d
}

/// What the gateway holds after an accepted change: the sent values of non-secret fields.
fn applied(c: &Connection, p: &Provider, d: &Draft) -> (Provider, Entry) {
    let update = c.gateway.plan_update(c, p, d).unwrap();
    let entry = Entry::of_change(1_000, c, p, &update.change, Operation::Save, Ended::Saved);
    let mut next = p.clone();
    let fields = c.gateway.fields(p);
    for (k, v) in update.change.body() {
        if fields.iter().any(|f| f.name == k && !f.is_secret()) {
            next.values.insert(k.clone(), v.clone());
            if k == "enabled" {
                next.enabled = v.as_bool();
            }
        }
    }
    (next, entry)
}

#[test]
fn an_entry_holds_before_and_after_and_a_secret_only_as_replaced() {
    let (c, p) = barndoor();
    let (_, entry) = applied(
        &c,
        &p,
        &draft(&[
            ("name", json!("OpenAI (EU)")),
            ("request_timeout_secs", Value::Null),
            ("api_key", json!("sk-canary-journal")),
        ]),
    );
    let by_field = |f: &str| entry.changes.iter().find(|c| c.field == f).unwrap().clone();
    let name = by_field("name");
    assert_eq!(
        (name.before, name.after),
        (Some(json!("OpenAI")), Some(json!("OpenAI (EU)")))
    );
    let timeout = by_field("request_timeout_secs");
    assert_eq!(
        (timeout.before_text.as_str(), timeout.after_text.as_str()),
        ("30", "inherit")
    );
    assert_eq!(
        (timeout.before, timeout.after),
        (Some(json!(30)), Some(Value::Null))
    );
    let key = by_field("api_key");
    assert!(key.secret && key.before.is_none() && key.after.is_none());
    assert_eq!(key.after_text, "replaced");
    assert_eq!(entry.key(), "barndoor/b1");
    assert!(!serde_json::to_string(&entry).unwrap().contains("sk-canary"));
    assert!(!to_csv(&[entry]).contains("sk-canary"));

    // re-factor: a credentials key set to null removes it.
    let rf = conn("refactor");
    let p = rf
        .gateway
        .parse_one(
            json!({"provider": "openai", "enabled": true, "credentials": {"api_key": "sk-***"}}),
        )
        .unwrap();
    let (_, entry) = applied(
        &rf,
        &p,
        &draft(&[("credentials", json!({"api_key": null}))]),
    );
    assert_eq!(entry.changes[0].after_text, "removed");
    assert!(
        !entry.revertible(),
        "a secret-only change cannot be reverted"
    );
}

#[test]
fn a_revert_restores_the_before_values_or_names_the_conflicts() {
    let (c, p) = barndoor();
    let (after, entry) = applied(
        &c,
        &p,
        &draft(&[
            ("name", json!("OpenAI (EU)")),
            ("request_timeout_secs", Value::Null),
            ("api_key", json!("sk-new")),
        ]),
    );
    assert!(entry.revertible());
    let revert = entry.revert(&after);
    assert!(revert.conflicts.is_empty());
    assert_eq!(revert.secrets, ["API key"]);
    let back = c.gateway.plan_update(&c, &after, &revert.draft).unwrap();
    assert_eq!(
        back.request.body,
        Some(json!({"name": "OpenAI", "request_timeout_secs": 30}))
    );

    // Someone set the timeout again since: that field is a conflict, the name still reverts.
    let mut moved = after.clone();
    moved
        .values
        .insert("request_timeout_secs".into(), json!(60));
    let revert = entry.revert(&moved);
    assert_eq!(revert.conflicts.len(), 1);
    let conflict = &revert.conflicts[0];
    assert_eq!(
        (
            conflict.field.as_str(),
            &conflict.before,
            &conflict.after,
            &conflict.now
        ),
        ("request_timeout_secs", &json!(30), &Value::Null, &json!(60))
    );
    assert_eq!(revert.draft, draft(&[("name", json!("OpenAI"))]));
    assert_eq!(
        revert.draft_with(&["request_timeout_secs".into()]),
        draft(&[
            ("name", json!("OpenAI")),
            ("request_timeout_secs", json!(30))
        ])
    );
    // Kept as JSON (IndexedDB) and read back, an "inherit" is still a value to revert to.
    let kept: Entry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
    assert_eq!(kept, entry);
    let (back, _) = applied(&c, &p, &draft(&[("request_timeout_secs", json!(45))]));
    let (_, set) = applied(&c, &after, &draft(&[("request_timeout_secs", json!(45))]));
    let kept: Entry = serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
    assert_eq!(
        kept.revert(&back).draft,
        draft(&[("request_timeout_secs", Value::Null)])
    );
    // Already back where it was: nothing to do, no conflict.
    assert_eq!(entry.revert(&p).draft, Draft::default());
    assert!(entry.revert(&p).conflicts.is_empty());
}

#[test]
fn the_cap_keeps_the_newest_and_filters_and_csv_read_right() {
    let (c, p) = barndoor();
    let mut entries: Vec<Entry> = (1..=12)
        .map(|i| {
            let mut e = Entry::skipped(
                i * 1000,
                &c,
                &p,
                if i % 2 == 0 {
                    Operation::Save
                } else {
                    Operation::Bulk {
                        run: "Disable".into(),
                    }
                },
                "Already disabled.".into(),
            );
            e.id = i as u64;
            e
        })
        .collect();
    keep_newest(&mut entries, 10);
    assert_eq!(
        entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        (3..=12).collect::<Vec<_>>()
    );
    let bulk = Filter {
        operation: Some("bulk".into()),
        since: Some(5_000),
        ..Filter::default()
    };
    assert_eq!(
        entries
            .iter()
            .filter(|e| bulk.keeps(e))
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [5, 7, 9, 11]
    );
    let by_name = Filter {
        provider: "openai".into(),
        connection: Some("barndoor".into()),
        ..Filter::default()
    };
    assert!(entries.iter().all(|e| by_name.keeps(e)));
    assert!(!entries.iter().any(|e| Filter {
        connection: Some("respan".into()),
        ..Filter::default()
    }
    .keeps(e)));

    let mut quoted = entries[0].clone();
    quoted.name = "Say \"hi\", then go".into();
    let csv = to_csv(&[quoted]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,time,connection,gateway,provider,name,operation,outcome,message,field,before,after"
        )
    );
    assert_eq!(lines.next(), Some("3,1970-01-01T00:00:03.000Z,barndoor,barndoor,b1,\"Say \"\"hi\"\", then go\",Bulk: Disable,skipped,Already disabled.,,,"));
}

fn config() -> Config {
    Config {
        cases: 2_000,
        rng_seed: RngSeed::Fixed(0x10a2),
        failure_persistence: None,
        ..Config::default()
    }
}

/// A valid value for an editable, non-secret field, picked by `n`.
fn value_for(kind: &FieldKind, nullable: bool, n: u64) -> Value {
    match kind {
        FieldKind::Bool => json!(n % 2 == 1),
        FieldKind::Integer { .. } if nullable && n.is_multiple_of(4) => Value::Null,
        FieldKind::Integer { min, max } => json!(min + (n as i64).rem_euclid(max - min + 1)),
        FieldKind::Text => json!(format!("name {}", n % 50)),
        FieldKind::Url => json!(format!("https://e{}.example/v1", n % 9)),
        FieldKind::Json => json!({"k": n % 5}),
        FieldKind::Enum { options, .. } => json!(options.get(n as usize % options.len().max(1))),
        _ => Value::Null,
    }
}

proptest! {
    #![proptest_config(config())]

    // Whatever was changed, applying the change and then its revert gives back the
    // provider it started from (every field the change touched that is not a secret).
    #[test]
    fn a_revert_undoes_any_change(picks in prop::collection::vec((any::<u8>(), any::<u64>()), 1..6), which in 0usize..3) {
        let (c, p) = match which {
            0 => barndoor(),
            1 => { let c = conn("respan"); let p = c.gateway.parse_one(json!({"id": 4, "provider_name": "R", "is_managed": false})).unwrap(); (c, p) }
            _ => { let c = conn("refactor"); let p = c.gateway.parse_one(json!({"provider": "xai", "enabled": false})).unwrap(); (c, p) }
        };
        let fields: Vec<_> = c.gateway.fields(&p).into_iter()
            .filter(|f| f.is_editable() && !f.is_secret() && !matches!(f.kind, FieldKind::Uuid | FieldKind::Enum { depends_on: Some(_), .. }))
            .collect();
        prop_assume!(!fields.is_empty());
        let mut d = Draft::default();
        for (i, n) in picks {
            let f = &fields[i as usize % fields.len()];
            d.set(f.name, value_for(&f.kind, f.nullable, n));
        }
        let Ok(update) = c.gateway.plan_update(&c, &p, &d) else { return Ok(()) };
        prop_assume!(!update.change.is_empty());
        let (after, entry) = applied(&c, &p, &d);
        let revert = entry.revert(&after);
        prop_assert!(revert.conflicts.is_empty());
        let (restored, _) = applied(&c, &after, &revert.draft);
        for change in &entry.changes {
            prop_assert_eq!(restored.value(&change.field), p.value(&change.field), "{}", change.field);
        }
    }
}
