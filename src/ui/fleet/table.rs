//! Every target of a plan in one table: provider, connection, the exact request (auth and
//! secrets masked) or the reason it is skipped, and how it ended once the run goes.

use super::run::Run;
use crate::fleet::{Outcome, Step};
use crate::ui::form::preview::request_text;
use leptos::prelude::*;

/// One row's text, taken from the plan once.
struct Row {
    index: usize,
    key: String,
    provider: String,
    id: String,
    connection: String,
    request: Option<String>,
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
                    request: match &t.step {
                        Step::Send(u) => Some(request_text(&u.request, &u.change.masked_body())),
                        Step::Skip(_) => None,
                    },
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <div class="plan-scroll" role="region" aria-label="Targets" tabindex="0">
            <table class="plan">
                <thead><tr>
                    <th scope="col">"Provider"</th><th scope="col">"Connection"</th>
                    <th scope="col">"Request"</th><th scope="col">"Outcome"</th>
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|r| {
                        let cell = run.row(r.index);
                        let cell = cell.map(RwSignal::from);
                        let outcome = move || cell.map(|c| c.with(outcome_text)).unwrap_or(("queued", String::new()));
                        view! {
                            <tr class=move || format!("target {}", outcome().0) data-key=r.key>
                                <th scope="row">{r.provider}<span class="target-id">{r.id}</span></th>
                                <td>{r.connection}</td>
                                <td>{match r.request {
                                    Some(text) => view! { <pre class="request"><code>{text}</code></pre> }.into_any(),
                                    None => view! { <span class="muted">"Not sent"</span> }.into_any(),
                                }}</td>
                                <td class="outcome">{move || outcome().1}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
