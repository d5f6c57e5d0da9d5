//! The Connections view: where each gateway is and the admin's credential for it, in the
//! auth schemes its dialect accepts. Credentials typed here stay in memory only: a reload
//! forgets them.

use super::modal::Modal;
use super::store::Store;
use super::vault::VaultState;
use crate::dialect::{Connection, Gateway, GATEWAYS};
use crate::model::{AuthScheme, CredentialSource};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The Connections dialog.
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
    let close = Callback::new(move |()| open.set(false));
    view! {
        <Modal labelled_by="settings-title" on_close=close>
            <div class="dialog-head">
                <h2 id="settings-title">"Connections"</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| open.set(false)>"✕"</button>
            </div>
            <VaultBox store=store />
            <For each=rows key=|(i, c)| (*i, c.id.clone()) let((i, conn))>
                <ConnectionRow store=store idx=i conn=conn />
            </For>
            <AddConnection store=store />
            <div class="dialog-foot">
                <button type="button" class="primary" on:click=move |_| open.set(false)>"Done"</button>
            </div>
        </Modal>
    }
}

/// The vault: create it, unlock it, lock it, or reset it, as its state allows.
#[component]
fn VaultBox(store: Store) -> impl IntoView {
    let vault = store.vault;
    let pass = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Runs one vault operation; its error is the message, and the passphrases go either way.
    let run = move |op: &'static str| {
        let (p, a) = (pass.get_untracked(), again.get_untracked());
        pass.set(String::new());
        again.set(String::new());
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            let result = match op {
                "create" if p != a => Err("The two passphrases differ.".to_owned()),
                "create" => vault.create(store, &p).await,
                _ => vault.unlock(store, &p).await,
            };
            let _ = message.try_set(result.err());
            let _ = busy.try_set(false);
        });
    };
    let reset = move |_| {
        store.ask(
            "Erase the vault and every credential in it? This cannot be undone; the credentials must then be entered again.".into(),
            "Erase the vault",
            "Keep it",
            move || {
                spawn_local(async move {
                    let _ = message.try_set(vault.reset(store).await.err());
                });
            },
        );
    };
    let passphrase = move |label: &'static str, value: RwSignal<String>| {
        view! {
            <label>{label}<input type="password" autocomplete="off" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) /></label>
        }
    };
    let body = move || {
        match vault.state.get() {
        VaultState::Unknown => view! { <p>"Looking for a vault…"</p> }.into_any(),
        VaultState::Absent => view! {
            <p>"No vault in this browser. A vault keeps credentials here, encrypted with a passphrase, so they need not be typed again after a reload."</p>
            {passphrase("Passphrase", pass)}
            {passphrase("Passphrase again", again)}
            <button type="submit" disabled=move || busy.get()>"Create vault"</button>
        }.into_any(),
        VaultState::Locked => view! {
            <p>"The vault is locked."</p>
            {passphrase("Passphrase", pass)}
            <button type="submit" class="primary" disabled=move || busy.get()>"Unlock"</button>
            <button type="button" class="danger" on:click=reset>"Reset vault…"</button>
        }.into_any(),
        VaultState::Unlocked => view! {
            <p>{format!("The vault is unlocked. It locks after {} s without a key press or a click.", (vault.lock_after_ms.get_value() / 1000.0).round())}</p>
            <button type="button" on:click=move |_| vault.lock(store)>"Lock now"</button>
            <button type="button" class="danger" on:click=reset>"Reset vault…"</button>
        }.into_any(),
        VaultState::Unreadable(why) => view! {
            <p>{why}</p>
            <button type="button" class="danger" on:click=reset>"Reset vault…"</button>
        }.into_any(),
    }
    };
    view! {
        <fieldset class="conn-row vault">
            <legend>"Vault"</legend>
            // Create and Unlock submit the form, so Enter in a passphrase field does too.
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                run(if vault.state.get_untracked() == VaultState::Absent { "create" } else { "unlock" });
            }>{body}</form>
            <p class="field-error vault-message" role="alert">{move || message.get()}</p>
        </fieldset>
    }
}

/// What the admin types for a credential: the scheme (when the gateway offers several),
/// a key for key-and-secret schemes, and the secret or token.
#[derive(Clone, Copy)]
struct CredentialInputs {
    scheme: RwSignal<AuthScheme>,
    key: RwSignal<String>,
    secret: RwSignal<String>,
}

impl CredentialInputs {
    fn new(scheme: AuthScheme, key: String) -> Self {
        CredentialInputs {
            scheme: RwSignal::new(scheme),
            key: RwSignal::new(key),
            secret: RwSignal::new(String::new()),
        }
    }

    fn auth(self) -> crate::model::Auth {
        self.scheme
            .get_untracked()
            .with(self.key.get_untracked(), self.secret.get_untracked())
    }
}

/// The credential inputs for a gateway: its schemes, then key and secret as they need.
/// `of` names the connection in each control's name ("Token for Respan (prod)"): the view
/// lists several connections, and each control must say which one it acts on.
#[component]
fn Credential(
    gateway: Signal<Gateway>,
    inputs: CredentialInputs,
    of: String,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let named = {
        let of = of.clone();
        move |what: &str| format!("{what} for {of}")
    };
    let scheme_name = named("Authorization");
    let key_name = named("API key");
    let secret_name = move || {
        named(if inputs.scheme.get().is_pair() {
            "API secret"
        } else {
            "Token"
        })
    };
    let schemes = move || gateway.get().auth_schemes();
    let pair = move || inputs.scheme.get().is_pair();
    let pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(s) = schemes().iter().copied().find(|s| s.label() == v) {
            inputs.scheme.set(s);
        }
    };
    view! {
        <Show when=move || { schemes().len() > 1 }>
            <label>"Authorization"
                <select aria-label=scheme_name.clone() on:change=pick prop:value=move || inputs.scheme.get().label()>
                    {move || schemes().iter().map(|s| view! { <option value=s.label()>{s.label()}</option> }).collect_view()}
                </select>
            </label>
        </Show>
        <Show when=pair>
            <label>"API key"<input type="text" autocomplete="off" aria-label=key_name.clone() prop:value=move || inputs.key.get()
                on:input=move |ev| inputs.key.set(event_target_value(&ev)) /></label>
        </Show>
        <label>{move || if pair() { "API secret" } else { "Token" }}
            <input type="password" autocomplete="new-password" placeholder=placeholder aria-label=secret_name
                prop:value=move || inputs.secret.get() on:input=move |ev| inputs.secret.set(event_target_value(&ev)) />
        </label>
    }
}

/// The scheme `conn` uses now, as its dialect names it.
fn scheme_of(conn: &Connection) -> AuthScheme {
    let offered = conn.gateway.auth_schemes();
    offered
        .iter()
        .copied()
        .find(|s| s.matches(&conn.auth))
        .or_else(|| offered.first().copied())
        .unwrap_or(AuthScheme::Bearer)
}

#[component]
fn ConnectionRow(store: Store, idx: usize, conn: Connection) -> impl IntoView {
    let base = RwSignal::new(conn.base_url.clone());
    let inputs = CredentialInputs::new(scheme_of(&conn), conn.auth.key().to_owned());
    let gateway = conn.gateway;
    let name = conn.name.clone();
    let apply = move |_| {
        let replace =
            !inputs.secret.get_untracked().is_empty() || inputs.scheme.get_untracked().is_pair();
        let auth = inputs.auth();
        store.connections.update(|cs| {
            if let Some(c) = cs.get_mut(idx) {
                c.base_url = base.get_untracked();
            }
        });
        inputs.secret.set(String::new());
        if replace {
            store.set_credential(idx, auth, CredentialSource::Typed);
        } else {
            store.load(idx);
        }
    };
    let id = StoredValue::new(conn.id.clone());
    let source = move || {
        id.with_value(|id| store.sources.with(|s| s.get(id).copied()))
            .unwrap_or(CredentialSource::Missing)
    };
    let forget_name = conn.name.clone();
    let forget_label = format!("Forget credential of {}", conn.name);
    let keep_label = format!("Keep in vault the credential of {}", conn.name);
    let forget = move |_| {
        store.ask(
            format!("Forget the credential of {forget_name} in this tab? Its calls will be refused until one is entered again."),
            "Forget credential",
            "Keep it",
            move || {
                let empty = store
                    .connection(idx)
                    .map(|c| c.auth.forgotten())
                    .unwrap_or_default();
                id.with_value(|id| {
                    let id = id.clone();
                    spawn_local(async move {
                        let _ = store.vault.drop_entry(&id).await;
                    });
                });
                store.set_credential(idx, empty, CredentialSource::Missing);
            },
        );
    };
    let remove = move |_| {
        store.ask(
            format!("Remove {name} from the panel for this session? switchboard.json is not changed; a reload brings it back."),
            "Remove connection",
            "Keep it",
            move || store.remove_connection(idx),
        );
    };
    view! {
        <fieldset class="conn-row">
            <legend>{conn.name.clone()}" ("{gateway.label()}")"</legend>
            <label>"Base URL"<input type="url" aria-label=format!("Base URL of {}", conn.name) prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev)) /></label>
            <p class="conn-source" data-source=move || format!("{:?}", source()).to_lowercase()>
                "Credential: "{move || source().text()}</p>
            <Credential gateway=Signal::stored(gateway) inputs=inputs of=conn.name.clone()
                placeholder=if conn.auth.is_set() { "set; type to replace" } else { "not set" } />
            <div class="conn-actions">
                <button type="button" aria-label=format!("Apply and reload {}", conn.name) on:click=apply>"Apply and reload"</button>
                <Show when=move || {
                    store.vault.state.get() == VaultState::Unlocked
                        && !matches!(source(), CredentialSource::Missing | CredentialSource::Vault)
                }>
                    <button type="button" aria-label=keep_label.clone() on:click=move |_| {
                        spawn_local(async move {
                            if let Err(e) = store.vault.keep(store, idx).await {
                                store.toast(super::toast::ToastKind::Error, e);
                            }
                        });
                    }>"Keep in vault"</button>
                </Show>
                <Show when=move || source() != CredentialSource::Missing>
                    <button type="button" aria-label=forget_label.clone() on:click=forget.clone()>"Forget credential"</button>
                </Show>
                <button type="button" class="danger" aria-label=format!("Remove {}", conn.name) on:click=remove>"Remove"</button>
            </div>
        </fieldset>
    }
}

/// A form that adds a gateway connection for this browser session.
#[component]
fn AddConnection(store: Store) -> impl IntoView {
    let first = GATEWAYS[0];
    let name = RwSignal::new(String::new());
    let gateway = RwSignal::new(first);
    let base = RwSignal::new(String::new());
    let inputs = CredentialInputs::new(
        first
            .auth_schemes()
            .first()
            .copied()
            .unwrap_or(AuthScheme::Bearer),
        String::new(),
    );
    let problem = RwSignal::new(None::<String>);
    let pick_gateway = move |ev: leptos::ev::Event| {
        if let Some(g) = crate::dialect::by_slug(&event_target_value(&ev)) {
            gateway.set(g);
            inputs.scheme.set(
                g.auth_schemes()
                    .first()
                    .copied()
                    .unwrap_or(AuthScheme::Bearer),
            );
        }
    };
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
        // Unique among the connections now here (some may have been removed).
        let id = store.connections.with_untracked(|cs| {
            (cs.len() + 1..)
                .map(|n| format!("{}-{n}", g.slug()))
                .find(|id| cs.iter().all(|c| &c.id != id))
                .unwrap_or_default()
        });
        store.add_connection(Connection {
            id,
            name: n,
            gateway: g,
            base_url: url,
            auth: inputs.auth(),
            list_path: None,
            item_path: None,
            declared: Vec::new(),
            reads: true,
        });
        for field in [name, base, inputs.key, inputs.secret] {
            field.set(String::new());
        }
        problem.set(None);
    };
    view! {
        <fieldset class="conn-row">
            <legend>"Add a connection"</legend>
            <label>"Name"<input type="text" aria-label="Name of the new connection" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <label>"Gateway"
                <select aria-label="Gateway of the new connection" on:change=pick_gateway>
                    {GATEWAYS.iter().map(|g| view! { <option value=g.slug()>{g.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Base URL"<input type="url" aria-label="Base URL of the new connection" placeholder="https://gateway.example.com" prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev)) /></label>
            <Credential gateway=gateway.into() inputs=inputs of="the new connection".to_owned() />
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <button type="button" on:click=add>"Add and load"</button>
        </fieldset>
    }
}
