//! Every target of a plan in one table: provider, connection, the exact request (auth and
//! secrets masked) or the reason it is skipped, and how it ended once the run goes.

use super::run::Run;
use crate::fleet::Outcome;
use crate::ui::form::preview::resolved_path;
use leptos::prelude::*;

/// One row's text, taken from the plan once.
struct Row {
    index: usize,
    key: String,
    provider: String,
    id: String,
    connection: String,
    request: Option<String>,
    /// Each field that changes: label, value now, value sent (secrets masked).
    diff: Vec<(&'static str, String, String)>,
}

/// A value as a diff shows it: empty text named, so that "" → "x" is visible.
pub(crate) fn shown(text: &str) -> String {
    if text.is_empty() {
        "(empty)".into()
    } else {
        text.into()
    }
}

fn outcome_text(o: &Outcome) -> (&'static str, String) {
    match o {
        Outcome::Queued => ("queued", "Will send".into()),
        Outcome::Sending => ("sending", "Sending…".into()),
        Outcome::Done => ("done", "Done".into()),
        Outcome::Failed(m) => ("failed", format!("Failed: {m}")),
        Outcome::Skipped(m) => ("skipped", format!("Skipped: {m}")),
        Outcome::Cancelled => ("cancelled", "Cancelled, not sent".into()),
    }
}

/// The plan's targets, with live outcomes.
#[component]
pub fn TargetTable(run: Run) -> impl IntoView {
    let rows = move || {
        run.generation.track();
        run.with_plan(|plan| {
            plan.targets
                .iter()
                .enumerate()
                .map(|(index, t)| Row {
                    index,
                    key: t.key(),
                    provider: t.provider_name.clone(),
                    id: t.provider_id.clone(),
                    connection: t.conn_name.clone(),
                    request: t.request_text(resolved_path),
                    diff: t
                        .update()
                        .map(|u| {
                            u.change
                                .rows()
                                .iter()
                                .filter(|r| r.changed)
                                .map(|r| (r.label, shown(&r.before), shown(&r.after)))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    // Rows of a grid, not a <table>: a table lays itself out again whole when one cell's
    // text changes, 1,000 rows for every outcome; these rows are each contained. (Not
    // `content-visibility: auto`: its per-row observers cost more each frame of a run
    // than the rows they skip.) The ARIA roles keep it a table.
    view! {
        <div class="plan-scroll" role="region" aria-label="Targets" tabindex="0">
            <div class="plan" role="table" aria-label="Targets of this action">
                <div class="plan-row plan-head" role="row">
                    <span role="columnheader">"Provider"</span><span role="columnheader">"Connection"</span>
                    <span role="columnheader">"Request"</span><span role="columnheader">"Outcome"</span>
                </div>
                {move || rows().into_iter().map(|r| {
                    let cell = run.row(r.index).map(RwSignal::from);
                    let outcome = move || cell.map(|c| c.with(outcome_text)).unwrap_or(("queued", String::new()));
                    view! {
                        <div class=move || format!("plan-row target {}", outcome().0) role="row" data-key=r.key>
                            <span role="rowheader" class="target-name">{r.provider}<span class="target-id">{r.id}</span></span>
                            <span role="cell">{r.connection}</span>
                            <span role="cell">
                                {(!r.diff.is_empty()).then(|| view! {
                                    <ul class="target-diff" aria-label="Changes">
                                        {r.diff.into_iter().map(|(label, before, after)| view! {
                                            <li><span class="diff-field">{label}</span>": "
                                                <span class="diff-before"><span class="visually-hidden">"from "</span>{before}</span>
                                                " → "<span class="diff-after"><span class="visually-hidden">"to "</span>{after}</span></li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                {match r.request {
                                Some(text) => view! { <code class="request-text">{text}</code> }.into_any(),
                                None => view! { <span class="muted">"Not sent"</span> }.into_any(),
                            }}</span>
                            <span role="cell" class="outcome">{move || outcome().1}</span>
                        </div>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}
