//! Connection health: a strip of dots in the header (one per connection, always there)
//! and the health view it opens (loaded on first use): for each connection, whether its
//! gateway is reachable, accepts the credential and this origin, which read path
//! answered, its latency and when it was last checked, with Check and Check all.

use crate::health::{Health, Level};
use crate::model::time;
use crate::ui::modal::Modal;
use crate::ui::store::Store;
use leptos::prelude::*;

/// Each connection's id, name and health, in the order of the configuration.
fn rows(store: Store) -> Vec<(usize, String, String, Health)> {
    store.connections.with(|cs| {
        store.health.with(|h| {
            cs.iter()
                .enumerate()
                .map(|(i, c)| {
                    let health = h.get(&c.id).cloned().unwrap_or_default();
                    (i, c.id.clone(), c.name.clone(), health)
                })
                .collect()
        })
    })
}

/// "3 healthy, 1 failing": how many connections are at each level.
fn summary(store: Store) -> String {
    let levels: Vec<Level> = rows(store).iter().map(|(_, _, _, h)| h.level()).collect();
    let parts: Vec<String> = [Level::Good, Level::Slow, Level::Bad, Level::Unknown]
        .into_iter()
        .filter_map(|l| {
            let n = levels.iter().filter(|x| **x == l).count();
            (n > 0).then(|| format!("{n} {}", l.word()))
        })
        .collect();
    parts.join(", ")
}

fn level_class(level: Level) -> &'static str {
    match level {
        Level::Good => "dot good",
        Level::Slow => "dot slow",
        Level::Bad => "dot bad",
        Level::Unknown => "dot unknown",
    }
}

/// The header's strip: a dot per connection; a click opens the health view.
#[component]
pub fn HealthStrip(store: Store, open: RwSignal<bool>) -> impl IntoView {
    let label = move || {
        format!(
            "Connection health: {}. Open the health view.",
            summary(store)
        )
    };
    view! {
        <button type="button" class="health-strip" aria-label=label title=move || summary(store)
            on:click=move |_| open.set(true)>
            {move || rows(store).into_iter().map(|(_, _, _, h)| view! { <span class=level_class(h.level()) aria-hidden="true"></span> }).collect_view()}
            <span class="health-word" aria-hidden="true">"Health"</span>
        </button>
    }
}

fn yes_no(v: Option<bool>, yes: &'static str, no: &'static str) -> &'static str {
    match v {
        Some(true) => yes,
        Some(false) => no,
        None => "—",
    }
}

/// The health view.
#[component]
pub fn HealthDialog(store: Store, on_close: Callback<()>) -> impl IntoView {
    let now = move || store.now.get().max(js_sys::Date::now() as i64);
    let checking = move |id: &str| store.checking.with(|c| c.iter().any(|x| x == id));
    let busy = move || store.checking.with(|c| !c.is_empty());
    let table = move || {
        rows(store)
            .into_iter()
            .map(|(i, id, name, h)| {
                let verdict = h.last.as_ref().map(|c| c.verdict);
                let status = h.status();
                let message = h.last.as_ref().and_then(|c| c.message.clone());
                let path = h.last.as_ref().and_then(|c| c.path.clone()).unwrap_or_else(|| "—".into());
                let latency = h.median().map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"));
                let checked = h
                    .last
                    .as_ref()
                    .map_or_else(|| "never".to_owned(), |c| time::relative(c.at, now()));
                let exact = h.last.as_ref().map(|c| time::exact(c.at)).unwrap_or_default();
                let id2 = id.clone();
                let label = format!("Check {name}");
                view! {
                    <tr data-connection=id.clone() class=level_class(h.level()).replace("dot ", "level-")>
                        <th scope="row">{name.clone()}</th>
                        <td class="health-status">{status}
                            {message.map(|m| view! { <span class="muted health-message">{m}</span> })}</td>
                        <td>{yes_no(verdict.and_then(|v| v.reachable()), "Yes", "No")}</td>
                        <td>{yes_no(verdict.and_then(|v| v.authorised()), "Yes", "No")}</td>
                        <td>{yes_no(verdict.and_then(|v| v.cors_allowed()), "Allowed", "Refused")}</td>
                        <td><code>{path}</code></td>
                        <td>{latency}</td>
                        <td title=exact>{checked}</td>
                        <td><button type="button" aria-label=label disabled=move || checking(&id2)
                            on:click=move |_| store.check(i)>"Check"</button></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Modal labelled_by="health-title" on_close=on_close wide=true>
            <div class="dialog-head">
                <h2 id="health-title">"Connection health"</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <p class="muted">"From the panel's own calls: the first read of each list checks the connection, every answer adds to its latency (the median of the last 20). Check reads again."</p>
            <p class="health-count" role="status">{move || if busy() { "Checking…".to_owned() } else { summary(store) }}</p>
            <div class="health-scroll" role="region" aria-label="Connections" tabindex="0">
                <table class="health-table">
                    <thead><tr>
                        <th scope="col">"Connection"</th><th scope="col">"Status"</th><th scope="col">"Reachable"</th>
                        <th scope="col">"Authorised"</th><th scope="col">"CORS"</th><th scope="col">"Read path"</th>
                        <th scope="col">"Latency"</th><th scope="col">"Last checked"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
            <div class="dialog-foot">
                <button type="button" disabled=busy on:click=move |_| store.check_all()>"Check all"</button>
                <button type="button" class="primary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Modal>
    }
}
