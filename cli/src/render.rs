//! What the command line prints: plans, problems, outcomes and checks, as text for people
//! or as JSON for pipelines. Secrets are masked here exactly as the panel masks them.

use serde_json::{json, Value};
use switchboard::fleet::{Outcome, Plan, Target};
use switchboard::state::Problem;

/// The providers a plan leaves out: matching the file, and not in it.
#[derive(Default)]
pub struct Rest {
    pub matching: usize,
    /// (connection id, provider id, provider name)
    pub not_in_file: Vec<(String, String, String)>,
}

/// Each field that changes, as (label, live value, file value), masked.
fn diff(t: &Target) -> Vec<(&'static str, String, String)> {
    t.update()
        .map(|u| {
            u.change
                .rows()
                .iter()
                .filter(|r| r.changed)
                .map(|r| (r.label, r.before.clone(), r.after.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn shown(text: &str) -> &str {
    if text.is_empty() {
        "(empty)"
    } else {
        text
    }
}

/// The plan as text: a line per change, its fields and its exact request.
pub fn plan_text(file: &str, plan: &Plan, rest: &Rest) -> String {
    let mut out = format!(
        "Plan for {file}: {} to update, {} already {}, {} not in the file (left alone).\n",
        plan.sends(),
        rest.matching,
        if rest.matching == 1 {
            "matches"
        } else {
            "match"
        },
        rest.not_in_file.len()
    );
    for t in plan.targets.iter().filter(|t| t.update().is_some()) {
        out.push_str(&format!(
            "\n~ {} ({}, {})\n",
            t.provider_name,
            t.key(),
            t.conn_name
        ));
        for (label, before, after) in diff(t) {
            out.push_str(&format!(
                "    {label}: {} -> {}\n",
                shown(&before),
                shown(&after)
            ));
        }
        if let Some(request) = t.request_text(str::to_owned) {
            for line in request.lines() {
                out.push_str(&format!("    | {line}\n"));
            }
        }
    }
    for (conn, id, name) in &rest.not_in_file {
        out.push_str(&format!(
            "\n  {name} ({conn}/{id}): not in the file, left alone\n"
        ));
    }
    out
}

/// The plan as JSON.
pub fn plan_json(file: &str, plan: &Plan, rest: &Rest) -> Value {
    let changes: Vec<Value> = plan
        .targets
        .iter()
        .filter_map(|t| {
            let u = t.update()?;
            Some(json!({
                "connection": t.conn_id,
                "provider": t.provider_id,
                "name": t.provider_name,
                "fields": diff(t).into_iter().map(|(label, live, file)| json!({"label": label, "live": live, "file": file})).collect::<Vec<_>>(),
                "request": {
                    "method": u.request.method.as_str(),
                    "url": u.request.url,
                    "credential": u.request.auth.masked_header(),
                    "body": Value::Object(u.change.masked_body()),
                },
            }))
        })
        .collect();
    json!({
        "file": file,
        "changes": changes,
        "matching": rest.matching,
        "not_in_file": rest.not_in_file.iter().map(|(c, p, n)| json!({"connection": c, "provider": p, "name": n})).collect::<Vec<_>>(),
    })
}

/// A file's problems as text, one line each: where, then what.
pub fn problems_text(file: &str, problems: &[Problem]) -> String {
    let mut out = format!(
        "{} {} in {file}; nothing was planned:\n",
        problems.len(),
        if problems.len() == 1 {
            "problem"
        } else {
            "problems"
        }
    );
    for p in problems {
        let at =
            p.at.map(|a| format!("{file}:{}:{}", a.line, a.column))
                .unwrap_or_else(|| file.to_owned());
        let pointer = if p.pointer.is_empty() {
            "/"
        } else {
            &p.pointer
        };
        out.push_str(&format!("  {at}: {pointer}: {}\n", p.message));
    }
    out
}

/// A file's problems as JSON.
pub fn problems_json(file: &str, problems: &[Problem]) -> Value {
    json!({"file": file, "problems": problems})
}

/// One settled target, as a line.
pub fn outcome_line(t: &Target, o: &Outcome) -> String {
    let what = match o {
        Outcome::Done => "done".to_owned(),
        Outcome::Failed(m) => format!("failed: {m}"),
        Outcome::Skipped(m) => format!("skipped: {m}"),
        Outcome::Cancelled => "cancelled".to_owned(),
        Outcome::Queued | Outcome::Sending => "pending".to_owned(),
    };
    format!("{} ({}): {what}", t.provider_name, t.key())
}

/// One outcome as JSON.
pub fn outcome_json(t: &Target, o: &Outcome) -> Value {
    let (state, message) = match o {
        Outcome::Done => ("done", None),
        Outcome::Failed(m) => ("failed", Some(m.clone())),
        Outcome::Skipped(m) => ("skipped", Some(m.clone())),
        Outcome::Cancelled => ("cancelled", None),
        Outcome::Queued | Outcome::Sending => ("pending", None),
    };
    json!({"connection": t.conn_id, "provider": t.provider_id, "name": t.provider_name, "outcome": state, "message": message})
}
