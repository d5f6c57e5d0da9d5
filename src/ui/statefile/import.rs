//! Import: a state file from a file picker, a drop or a paste; every problem at once
//! with its line and pointer; else the plan, field by field with the exact requests; the
//! run (the bulk actions' own: bounded, cancellable, retryable); then a fresh read of the
//! gateways that shows whether the live state now equals the file.

use crate::dialect::Connection;
use crate::fleet::{Goal, Plan};
use crate::journal::Operation;
use crate::model::Provider;
use crate::state::{self, Desired, LiveConnection, Problem};
use crate::ui::fleet::plan_for;
use crate::ui::fleet::run::{guard, Run, RunControls, RunProgress, RunState};
use crate::ui::fleet::table::TargetTable;
use crate::ui::modal::Modal;
use crate::ui::store::{LoadState, Store};
use crate::ui::toast::ToastKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// What the plan leaves out: providers that already match, and what the file does not
/// mention (left alone).
#[derive(Clone, Debug, Default, PartialEq)]
struct Rest {
    matching: usize,
    /// Providers of the file's connections that the file does not have: name, connection.
    not_in_file: Vec<(String, String)>,
    /// Connections the file does not mention, with their number of providers.
    other_connections: Vec<(String, usize)>,
}

/// Where the check after a run stands.
#[derive(Clone, Debug, PartialEq)]
enum Verify {
    Idle,
    Reading,
    /// The live state equals the file for this many providers.
    Equal(usize),
    /// These providers (name) still differ, or are gone.
    Differs(Vec<String>),
}

/// The panel's live state: each connection with its providers, or why it has none.
fn live(store: Store) -> Vec<LiveConnection> {
    let conns = store.connections.get_untracked();
    let loads = store.loads.get_untracked();
    let mut lists: Vec<Vec<Provider>> = vec![Vec::new(); conns.len()];
    store.cards.with_untracked(|set| {
        for card in set.all() {
            if let Some(list) = lists.get_mut(card.conn) {
                list.push(card.listed.with_untracked(|l| l.provider.clone()));
            }
        }
    });
    conns
        .into_iter()
        .zip(lists)
        .enumerate()
        .map(|(i, (conn, list))| {
            let providers = match loads.get(i) {
                Some(LoadState::Failed(e)) => Err(e.message.clone()),
                Some(LoadState::Stopped { error, page, .. }) => Err(format!(
                    "its list stopped at page {page}: {}",
                    error.message
                )),
                Some(s) if s.pending() => Err("still loading".into()),
                _ => Ok(list),
            };
            LiveConnection { conn, providers }
        })
        .collect()
}

/// The plan of `desired` (only the providers that differ) and what it leaves out.
fn plan_of(store: Store, desired: &Desired) -> (Plan, Rest) {
    let conns: Vec<Connection> = store.connections.get_untracked();
    let covered = |c: &Connection| desired.connections().contains(&c.id);
    let mut rest = Rest::default();
    let mut counts = vec![0usize; conns.len()];
    let mut differing: Vec<(Connection, Provider)> = Vec::new();
    store.cards.with_untracked(|set| {
        for card in set.all() {
            let Some(conn) = conns.get(card.conn) else {
                continue;
            };
            if let Some(n) = counts.get_mut(card.conn) {
                *n += 1;
            }
            if !covered(conn) {
                continue;
            }
            card.listed.with_untracked(|l| {
                if !desired.has(&card.key) {
                    rest.not_in_file
                        .push((l.provider.name.clone(), conn.name.clone()));
                } else if desired.differs(&card.key, &l.provider) {
                    differing.push((conn.clone(), l.provider.clone()));
                } else {
                    rest.matching += 1;
                }
            });
        }
    });
    rest.other_connections = conns
        .iter()
        .zip(counts)
        .filter(|(c, _)| !covered(c))
        .map(|(c, n)| (c.name.clone(), n))
        .collect();
    let plan = Plan::build(desired, differing.iter().map(|(c, p)| (c, p)));
    (plan, rest)
}

/// The text of a picked or dropped file, with its name.
async fn file_text(file: web_sys::File) -> Result<(String, String), String> {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("{} could not be read as text.", file.name()))?;
    Ok((file.name(), text))
}

/// The import dialog.
#[component]
pub fn ImportDialog(store: Store, on_close: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let name = RwSignal::new("pasted text".to_owned());
    let problems = RwSignal::new(None::<Vec<Problem>>);
    let desired = StoredValue::new(None::<Arc<Desired>>);
    let rest = RwSignal::new(Rest::default());
    let reviewing = RwSignal::new(false);
    let verify = RwSignal::new(Verify::Idle);
    let dragging = RwSignal::new(false);
    let run = Run::new(store);
    let on_close = guard(store, run, move || on_close.run(()));

    let check = move || {
        let checked = state::read(&text.get_untracked(), &name.get_untracked(), &live(store));
        match checked {
            Err(found) => problems.set(Some(found)),
            Ok(d) => {
                let (plan, left) = plan_of(store, &d);
                problems.set(None);
                rest.set(left);
                verify.set(Verify::Idle);
                run.load(plan);
                desired.set_value(Some(Arc::new(d)));
                reviewing.set(true);
            }
        }
    };
    let take = move |picked: Result<(String, String), String>| match picked {
        Ok((file, content)) => {
            name.set(file);
            text.set(content);
            check();
        }
        Err(why) => store.toast(ToastKind::Error, why),
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let file = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        if let Some(input) = input {
            // The same file can be picked again after it is edited.
            input.set_value("");
        }
        if let Some(file) = file {
            spawn_local(async move { take(file_text(file).await) });
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            spawn_local(async move { take(file_text(file).await) });
        }
    };
    let on_send = Callback::new(move |()| {
        let goal = desired
            .get_value()
            .map(|d| d as Arc<dyn Goal + Send + Sync>);
        run.start(
            goal,
            Operation::Import {
                file: name.get_untracked(),
            },
        );
    });
    let on_retry = Callback::new(move |()| {
        if let Some(d) = desired.get_value() {
            verify.set(Verify::Idle);
            run.load(plan_for(store, &*d, &run.unfinished_keys()));
        }
    });
    let on_back = Callback::new(move |()| {
        run.clear();
        reviewing.set(false);
    });
    let keep = move |_| {
        if let Some(d) = desired.get_value() {
            let file = d.name.clone();
            store.reference.set(Some(d));
            store.toast(
                ToastKind::Success,
                format!("Cards that differ from {file} are marked."),
            );
            on_close.run(());
        }
    };
    // Once a run is over, the gateways are read again and compared with the file.
    Effect::new(move |_| {
        if run.state.get() == RunState::Finished && verify.get_untracked() == Verify::Idle {
            verify.set(Verify::Reading);
            if let Some(d) = desired.get_value() {
                super::reload_covered(store, &d);
            }
        }
    });
    Effect::new(move |_| {
        let settled = store.loads.with(|l| !l.iter().any(LoadState::pending));
        if !settled || verify.get_untracked() != Verify::Reading {
            return;
        }
        let Some(d) = desired.get_value() else {
            return;
        };
        let mut differ = Vec::new();
        store.cards.with_untracked(|set| {
            for key in d.keys() {
                match set.get(key) {
                    Some(card) => card.listed.with_untracked(|l| {
                        if d.differs(key, &l.provider) {
                            differ.push(l.provider.name.clone());
                        }
                    }),
                    None => differ.push(format!("{key} (gone)")),
                }
            }
        });
        verify.set(if differ.is_empty() {
            Verify::Equal(d.len())
        } else {
            Verify::Differs(differ)
        });
    });

    let heading = move || {
        let file = name.get();
        match run.state.get() {
            _ if !reviewing.get() => "Import a state file".to_owned(),
            RunState::Planned | RunState::Empty => format!("Review: apply {file}"),
            RunState::Finished => format!("Apply {file}: finished"),
            _ => format!("Apply {file}: running"),
        }
    };
    let problem_list = move || {
        problems.get().map(|found| {
            let n = found.len();
            let file = name.get_untracked();
            let title = format!("{n} {} in {file}; nothing was planned", if n == 1 { "problem" } else { "problems" });
            // The list can scroll, so it takes focus; the count is announced, not the list.
            view! {
                <p class="visually-hidden" role="status">{title.clone()}</p>
                <div class="problems" role="region" aria-labelledby="import-problems" tabindex="0">
                    <h3 id="import-problems">{title}</h3>
                    <ol>
                        {found.into_iter().map(|p| {
                            let at = p.at.map(|a| format!("Line {}, column {}", a.line, a.column)).unwrap_or_else(|| "In the file".into());
                            let pointer = if p.pointer.is_empty() { "/".to_owned() } else { p.pointer };
                            view! { <li><span class="problem-at">{at}</span>" "<code>{pointer}</code>" "<span>{p.message}</span></li> }
                        }).collect_view()}
                    </ol>
                </div>
            }
        })
    };
    let summary = move || {
        let r = rest.get();
        let sends = run.progress.get().total;
        let mut line = format!(
            "{sends} {} from the file and would be updated; {} {} it already.",
            if sends == 1 {
                "provider differs"
            } else {
                "providers differ"
            },
            r.matching,
            if r.matching == 1 { "matches" } else { "match" },
        );
        if !r.not_in_file.is_empty() {
            line.push_str(&format!(
                " {} not in the file, left alone.",
                r.not_in_file.len()
            ));
        }
        line
    };
    let left_alone = move || {
        let r = rest.get();
        let others = r
            .other_connections
            .iter()
            .map(|(c, n)| format!("{c} ({n} providers): not in the file, left alone."))
            .collect::<Vec<_>>();
        (!r.not_in_file.is_empty() || !others.is_empty()).then(|| view! {
            <details class="left-alone">
                <summary>{format!("Not in the file ({})", r.not_in_file.len())}</summary>
                <ul tabindex="0" aria-label="Not in the file">
                    {r.not_in_file.into_iter().map(|(p, c)| view! { <li>{p}" · "<span class="muted">{c}</span></li> }).collect_view()}
                    {others.into_iter().map(|o| view! { <li class="muted">{o}</li> }).collect_view()}
                </ul>
            </details>
        })
    };
    let verified = move || {
        match verify.get() {
        Verify::Idle => String::new(),
        Verify::Reading => "Reading the gateways again to compare with the file…".into(),
        Verify::Equal(n) => format!("Verified: the gateways now hold exactly what the file says, for all {n} providers in it."),
        Verify::Differs(names) => format!("{} still differ from the file after a fresh read: {}.", names.len(), names.join(", ")),
    }
    };
    view! {
        <Modal labelled_by="import-title" on_close=on_close wide=true>
            <div class="dialog-head">
                <h2 id="import-title">{heading}</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <Show when=move || !reviewing.get()>
                <div class="dropzone" class:dragging=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop>
                    <p>"Drop a state file here, or "
                        <label class="file-pick">"choose a file"
                            <input type="file" accept=".json,application/json" class="visually-hidden" on:change=on_pick />
                        </label>
                        "."</p>
                </div>
                <label for="import-text" class="field-label">"Or paste it here"</label>
                <textarea id="import-text" class="state-text" rows="12" spellcheck="false"
                    prop:value=move || text.get()
                    on:input=move |ev| { text.set(event_target_value(&ev)); name.set("pasted text".into()); }></textarea>
                {problem_list}
                <div class="dialog-foot">
                    <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="button" class="primary" disabled=move || text.with(|t| t.trim().is_empty())
                        on:click=move |_| check()>"Check and plan"</button>
                </div>
            </Show>
            <Show when=move || reviewing.get()>
                <p class="plan-summary">{summary}</p>
                {left_alone}
                <RunProgress run=run />
                <TargetTable run=run />
                <p class="verify" role="status">{verified}</p>
                <RunControls run=run on_back=Some(on_back) on_send=on_send on_retry=on_retry on_close=on_close />
                <div class="dialog-foot secondary">
                    <button type="button" on:click=keep>"Compare cards with this file"</button>
                </div>
            </Show>
        </Modal>
    }
}
