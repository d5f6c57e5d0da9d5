//! Connection settings: where each gateway is and the admin's credential for it.
//! Credentials typed here stay in memory only: a reload forgets them.

use super::store::Store;
use crate::dialect::GatewayKind;
use crate::model::Auth;
use leptos::prelude::*;

/// The settings dialog.
#[component]
pub fn Settings(store: Store, open: RwSignal<bool>) -> impl IntoView {
    let rows = move || {
        store.connections.with(|c| {
            c.iter()
                .enumerate()
                .map(|(i, c)| (i, c.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title"
                on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
                <header class="dialog-head">
                    <h2 id="settings-title">"Connections"</h2>
                    <button type="button" class="icon" aria-label="Close" on:click=move |_| open.set(false)>"✕"</button>
                </header>
                <For each=rows key=|(i, c)| (*i, c.id.clone()) let((i, conn))>
                    <ConnectionRow store=store idx=i conn=conn />
                </For>
                <AddConnection store=store />
                <footer class="dialog-foot">
                    <button type="button" class="primary" on:click=move |_| open.set(false)>"Done"</button>
                </footer>
            </div>
        </div>
    }
}

#[component]
fn ConnectionRow(store: Store, idx: usize, conn: crate::dialect::Connection) -> impl IntoView {
    let base = RwSignal::new(conn.base_url.clone());
    let (user, secret) = match &conn.auth {
        Auth::Basic { key, .. } | Auth::Token { key, .. } => (key.clone(), String::new()),
        _ => (String::new(), String::new()),
    };
    let user = RwSignal::new(user);
    let secret = RwSignal::new(secret);
    let is_pair = conn.gateway == GatewayKind::Libredesk;
    let name = conn.name.clone();
    let scheme = conn.auth.clone();
    let apply = move |_| {
        let new_secret = secret.get_untracked();
        store.connections.update(|cs| {
            if let Some(c) = cs.get_mut(idx) {
                c.base_url = base.get_untracked();
                if !new_secret.is_empty() || is_pair {
                    c.auth = match &scheme {
                        Auth::Token { .. } => Auth::Token {
                            key: user.get_untracked(),
                            secret: new_secret.clone(),
                        },
                        Auth::Basic { .. } => Auth::Basic {
                            key: user.get_untracked(),
                            secret: new_secret.clone(),
                        },
                        _ if is_pair => Auth::Basic {
                            key: user.get_untracked(),
                            secret: new_secret.clone(),
                        },
                        _ => Auth::Bearer(new_secret.clone()),
                    };
                }
            }
        });
        secret.set(String::new());
        store.load(idx);
    };
    view! {
        <fieldset class="conn-row">
            <legend>{conn.name.clone()}" ("{conn.gateway.label()}")"</legend>
            <label>"Base URL"<input type="url" prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev)) /></label>
            {is_pair.then(|| view! {
                <label>"API key"<input type="text" autocomplete="off" prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev)) /></label>
            })}
            <label>{if is_pair { "API secret" } else { "Token" }}
                <input type="password" autocomplete="new-password" placeholder=if conn.auth.is_set() { "set; type to replace" } else { "not set" }
                    prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev)) />
            </label>
            <div class="conn-actions">
                <button type="button" on:click=apply>"Apply and reload"</button>
                <button type="button" class="danger" on:click=move |_| {
                    if super::dom::confirm(&format!("Remove {name} from the panel for this session? switchboard.json is not changed; a reload brings it back.")) {
                        store.remove_connection(idx);
                    }
                }>"Remove"</button>
            </div>
        </fieldset>
    }
}

/// A form that adds a gateway connection for this browser session.
#[component]
fn AddConnection(store: Store) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let gateway = RwSignal::new(GatewayKind::Refactor);
    let base = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let token_scheme = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        let (n, url) = (
            name.get_untracked().trim().to_owned(),
            base.get_untracked().trim().to_owned(),
        );
        if n.is_empty() {
            problem.set(Some("Give the connection a name.".into()));
            return;
        }
        if let Err(e) = crate::config::check_base_url(&url) {
            problem.set(Some(format!("Base URL: {e}")));
            return;
        }
        let g = gateway.get_untracked();
        let (key, pass) = (user.get_untracked(), secret.get_untracked());
        let auth = match g {
            GatewayKind::Libredesk if token_scheme.get_untracked() => {
                Auth::Token { key, secret: pass }
            }
            GatewayKind::Libredesk => Auth::Basic { key, secret: pass },
            _ => Auth::Bearer(pass),
        };
        // Unique among the connections now here (some may have been removed).
        let id = store.connections.with_untracked(|cs| {
            (cs.len() + 1..)
                .map(|n| format!("{}-{n}", g.slug()))
                .find(|id| cs.iter().all(|c| &c.id != id))
                .unwrap_or_default()
        });
        let conn = crate::dialect::Connection {
            id,
            name: n,
            gateway: g,
            base_url: url,
            auth,
            list_path: None,
            item_path: None,
        };
        store.connections.update(|c| c.push(conn));
        store
            .loads
            .update(|l| l.push(super::store::LoadState::Loading));
        store.load(store.connections.with_untracked(Vec::len) - 1);
        for field in [name, base, user, secret] {
            field.set(String::new());
        }
        problem.set(None);
    };
    view! {
        <fieldset class="conn-row">
            <legend>"Add a connection"</legend>
            <label>"Name"<input type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <label>"Gateway"
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(g) = GatewayKind::ALL.into_iter().find(|g| g.slug() == v) { gateway.set(g) }
                }>
                    {GatewayKind::ALL.into_iter().map(|g| view! { <option value=g.slug()>{g.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Base URL"<input type="url" placeholder="https://gateway.example.com" prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev)) /></label>
            <Show when=move || gateway.get() == GatewayKind::Libredesk>
                <label>"API key"<input type="text" autocomplete="off" prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev)) /></label>
                <label class="inline"><input type="checkbox" prop:checked=move || token_scheme.get()
                    on:change=move |ev| token_scheme.set(event_target_checked(&ev)) />"Send as "<code>"token key:secret"</code>" instead of Basic"</label>
            </Show>
            <label>{move || if gateway.get() == GatewayKind::Libredesk { "API secret" } else { "Token" }}
                <input type="password" autocomplete="new-password" prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev)) />
            </label>
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <button type="button" on:click=add>"Add and load"</button>
        </fieldset>
    }
}
