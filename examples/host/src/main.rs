//! A Leptos app of its own (an operations dashboard) that renders the Switchboard panel as
//! a component, as the README shows: it reads the connections from the `switchboard.json`
//! next to its page, renders `<Panel>` inside its own layout, and lists what the panel
//! reports through `on_saved` (names of changed fields, never values).

use leptos::prelude::*;
use switchboard::{config, Panel, SavedEvent};

/// The connections from `switchboard.json`, or every problem found with it.
async fn connections() -> Result<Vec<switchboard::Connection>, Vec<String>> {
    let answer = gloo_net::http::Request::get("switchboard.json")
        .send()
        .await
        .map_err(|e| vec![e.to_string()])?;
    let text = answer.text().await.map_err(|e| vec![e.to_string()])?;
    config::parse(&text).map(|c| c.connections)
}

#[component]
fn Dashboard() -> impl IntoView {
    let saves = RwSignal::new(Vec::<SavedEvent>::new());
    let loaded = LocalResource::new(connections);
    let on_saved = Callback::new(move |ev: SavedEvent| saves.update(|s| s.push(ev)));
    let panel = move || {
        loaded.get().map(|result| match result {
            Ok(connections) => {
                view! { <Panel connections=connections on_saved=on_saved embed=true /> }.into_any()
            }
            Err(problems) => view! { <p role="alert">{problems.join("; ")}</p> }.into_any(),
        })
    };
    view! {
        <header class="host-bar">
            <h1>"Acme operations"</h1>
            <span>"Provider saves this session: " <output id="host-save-count">{move || saves.with(Vec::len)}</output></span>
        </header>
        <main>{panel}</main>
        <section class="host-saves" aria-label="Saved through the panel">
            <ul id="host-saves">
                {move || saves.get().into_iter().map(|ev| view! {
                    <li>{format!("{} · {} · {} · {}", ev.connection, ev.gateway, ev.provider, ev.fields.join(", "))}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn main() {
    mount_to_body(Dashboard);
}
