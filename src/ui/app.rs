//! The root: loads the runtime configuration, then shows the panel or a page that says
//! exactly what is wrong with the configuration.

use super::confirm::ConfirmDialog;
use super::embed;
use super::filters::{visible_cards, Filters, Toolbar};
use super::fleet::{Intent, SelectionBar};
use super::grid::Grid;
use super::health::HealthStrip;
use super::journal::{Journal, Keeping};
use super::lazy;
use super::selection::Selection;
use super::statefile::StateView;
use super::store::{LoadState, SavedEvent, Store};
use super::toast::Toasts;
use super::vault::VaultState;
use crate::config::{self, Theme};
use crate::dialect::Connection;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How long the panel waits for the first answers before showing skeletons.
const HOLD_MS: u64 = 200;

/// Where the runtime configuration is read from, relative to the page.
pub const CONFIG_URL: &str = "switchboard.json";

/// The standalone app: reads the runtime configuration, then renders the [`Panel`].
/// `embedded` (or `?embed` in the URL) drops the outer chrome for iframes and custom
/// elements.
#[component]
pub fn App(
    /// Where `switchboard.json` is (default: next to the page).
    #[prop(optional, into)]
    config_url: Option<String>,
    #[prop(optional)] embedded: bool,
) -> impl IntoView {
    let config_url = config_url.unwrap_or_else(|| CONFIG_URL.to_owned());
    let embed = embedded || embed::requested_by_url();
    let loaded = RwSignal::new(None::<Result<config::Config, Vec<String>>>);
    spawn_local(async move {
        let answer = match take_prefetched(&config_url) {
            Some(early) => prefetched(early).await,
            None => fetched(&config_url).await,
        };
        let result = match answer {
            Ok((status, text)) if (200..300).contains(&status) => {
                config::parse(&text).and_then(|cfg| match cfg.served_problems() {
                    problems if problems.is_empty() => Ok(cfg),
                    problems => Err(problems),
                })
            }
            Ok((status, _)) => Err(vec![format!(
                "{CONFIG_URL} was not found next to index.html (status {status})."
            )]),
            Err(e) => Err(vec![format!("{CONFIG_URL} could not be fetched: {e}")]),
        };
        super::dom::mark_once("switchboard:config");
        loaded.set(Some(result));
    });
    move || match loaded.get() {
        // The page's own "Loading…" line stays until there is something to show.
        None => ().into_any(),
        Some(Err(problems)) => {
            super::dom::remove_boot_text();
            view! { <ConfigError problems=problems /> }.into_any()
        }
        Some(Ok(cfg)) => {
            apply_theme(cfg.ui.theme);
            let origins = cfg.ui.allowed_parent_origins.clone();
            let on_saved = Callback::new(move |ev: SavedEvent| embed::post_saved(&ev, &origins));
            let in_file = cfg.file_credentials();
            view! { <Panel connections=cfg.connections read_only=cfg.ui.read_only search=cfg.ui.search
                timeout_ms=cfg.ui.request_timeout_ms.unwrap_or(crate::client::DEFAULT_TIMEOUT_MS) on_saved=on_saved
                bulk_concurrency=cfg.ui.bulk_concurrency.unwrap_or(crate::config::DEFAULT_BULK_CONCURRENCY)
                journal=cfg.ui.journal.clone().unwrap_or_default() saved_events_with_values=cfg.ui.saved_events_with_values
                credentials_in_file=in_file vault_lock_after_seconds=cfg.ui.vault_lock_after_seconds.unwrap_or(900)
                embed=embed allowed_origins=cfg.ui.allowed_parent_origins /> }.into_any()
        }
    }
}

/// The page's loader starts reading the configuration while the wasm downloads and
/// compiles (`tools/postbuild.mjs`) and leaves the promise here; taken once.
const PREFETCH: &str = "switchboardConfig";

fn take_prefetched(url: &str) -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    if url != CONFIG_URL {
        return None;
    }
    let global = js_sys::global();
    let key = wasm_bindgen::JsValue::from_str(PREFETCH);
    let early = js_sys::Reflect::get(&global, &key).ok()?.dyn_into().ok()?;
    let _ = js_sys::Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &key);
    Some(early)
}

/// Status and text of the loader's read, which resolves to `[status, text]`.
async fn prefetched(early: js_sys::Promise) -> Result<(u16, String), String> {
    let v = wasm_bindgen_futures::JsFuture::from(early)
        .await
        .map_err(|_| "the network request failed".to_owned())?;
    let pair = js_sys::Array::from(&v);
    let status = pair.get(0).as_f64().map_or(0, |s| s as u16);
    let text = pair
        .get(1)
        .as_string()
        .ok_or_else(|| "the answer was not text".to_owned())?;
    Ok((status, text))
}

async fn fetched(url: &str) -> Result<(u16, String), String> {
    let r = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let text = r.text().await.map_err(|e| e.to_string())?;
    Ok((r.status(), text))
}

#[component]
fn ConfigError(problems: Vec<String>) -> impl IntoView {
    view! {
        <main class="config-error">
            <h1>"Switchboard needs a configuration"</h1>
            <p>"The panel reads " <code>{CONFIG_URL}</code> " from the folder it is served from. It is missing or wrong:"</p>
            <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            <p>"A working example:"</p>
            <pre><code>{config::EXAMPLE}</code></pre>
        </main>
    }
}

/// The panel itself, for embedding in a Leptos app: give it connections, and optionally
/// a callback that hears of every save (names of changed fields, never values).
#[component]
pub fn Panel(
    connections: Vec<Connection>,
    #[prop(optional)] read_only: bool,
    #[prop(optional)] search: String,
    /// Per-attempt time limit of gateway calls (default 15 s).
    #[prop(optional)]
    timeout_ms: Option<u32>,
    #[prop(optional)] on_saved: Option<Callback<SavedEvent>>,
    /// Chrome-less layout that grows with its content (iframes, custom elements).
    #[prop(optional)]
    embed: bool,
    /// Parent origins whose `switchboard:token` messages are accepted.
    #[prop(optional)]
    allowed_origins: Vec<String>,
    /// Requests a bulk run keeps in flight per connection (default 4).
    #[prop(optional)]
    bulk_concurrency: Option<u32>,
    /// Where the change journal is kept: "local" (default), "memory" or "off".
    #[prop(optional, into)]
    journal: String,
    /// Saved events carry the non-secret fields' before and after values.
    #[prop(optional)]
    saved_events_with_values: bool,
    /// Names of the connections whose credential came from the served configuration file
    /// (allowed by `ui.allow_file_credentials`): the panel says they are readable.
    #[prop(optional)]
    credentials_in_file: Vec<String>,
    /// Seconds without activity before an unlocked vault locks (default 900).
    #[prop(optional)]
    vault_lock_after_seconds: Option<u32>,
) -> impl IntoView {
    let policy = crate::client::CallPolicy {
        timeout_ms: timeout_ms.unwrap_or(crate::client::DEFAULT_TIMEOUT_MS),
        ..Default::default()
    };
    let mut store = Store::new(connections, read_only, policy, on_saved);
    if let Some(n) = bulk_concurrency {
        store.bulk_concurrency = n.max(1) as usize;
    }
    store.journal = Journal::new(match journal.as_str() {
        "memory" => Keeping::Memory,
        "off" => Keeping::Off,
        _ => Keeping::Local,
    });
    store.saved_with_values = saved_events_with_values;
    super::tabs::listen(store);
    store
        .vault
        .lock_after_ms
        .set_value(f64::from(vault_lock_after_seconds.unwrap_or(900)) * 1000.0);
    store.vault.probe();
    store.load_all();
    super::dom::mark_once("switchboard:lists");
    if embed && embed::in_frame() {
        embed::report_height(allowed_origins.clone());
    }
    if !allowed_origins.is_empty() {
        embed::accept_tokens(store, allowed_origins);
    }
    let filters = Filters::new(search);
    let search_ref = NodeRef::<html::Input>::new();
    let settings_open = RwSignal::new(false);
    let health_open = RwSignal::new(false);
    let total = Signal::derive(move || store.cards.with(|s| s.len()));
    let visible = visible_cards(store, filters);
    let shown = Signal::derive(move || visible.with(Vec::len));
    let selection = Selection::new(store, visible);
    let bulk = RwSignal::new(None::<Intent>);
    let state_view = RwSignal::new(None::<StateView>);
    let theme = RwSignal::new(Theme::Auto);
    // The view waits for the first answers (or a moment, then shows skeletons): building
    // and painting skeletons first would delay the first cards by a frame or two.
    let ready = RwSignal::new(false);
    // Relative times ("3 min ago") move on with the clock.
    let _ = set_interval_with_handle(
        move || store.now.set(js_sys::Date::now() as i64),
        std::time::Duration::from_secs(60),
    );
    set_timeout(
        move || ready.set(true),
        std::time::Duration::from_millis(HOLD_MS),
    );
    Effect::new(move |_| {
        if store
            .loads
            .with(|l| l.iter().any(|s| *s != LoadState::Loading))
        {
            ready.set(true);
        }
    });
    Effect::new(move |_| {
        if ready.get() {
            super::dom::remove_boot_text();
        }
    });
    // Once every connection has answered, the views that load on first use are fetched
    // while the browser has nothing else to do, so opening one waits for nothing.
    let prefetched = StoredValue::new(false);
    Effect::new(move |_| {
        let loaded = store.loads.with(|l| !l.iter().any(LoadState::pending));
        if loaded && !prefetched.get_value() {
            prefetched.set_value(true);
            request_idle_callback(lazy::prefetch);
        }
    });
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == "/" && !typing && store.editing.get_untracked().is_none() {
            ev.prevent_default();
            if let Some(input) = search_ref.get_untracked() {
                let _ = input.focus();
            }
        }
    });
    view! {
        <Show when=move || ready.get()>
        <div class="app" class:embed=embed>
            <header class="topbar" hidden=embed>
                <h1 class="brand">"Switchboard"</h1>
                <span class="muted">"LLM providers"</span>
                <div class="spacer"></div>
                <HealthStrip store=store open=health_open />
                <button type="button" on:click=move |_| store.load_all()>"Reload"</button>
                <button type="button" on:click=move |_| settings_open.set(true)>"Connections"</button>
                <button type="button" on:click=move |_| store.history.set(Some(None))>"History"</button>
                <button type="button" on:click=move |_| state_view.set(Some(StateView::Export))>"Export"</button>
                {(!store.read_only).then(|| view! {
                    <button type="button" on:click=move |_| state_view.set(Some(StateView::Import))>"Import"</button>
                })}
                <button type="button" on:click=move |_| {
                    let next = match theme.get_untracked() { Theme::Auto => Theme::Dark, Theme::Dark => Theme::Light, Theme::Light => Theme::Auto };
                    theme.set(next);
                    apply_theme(next);
                }>{move || match theme.get() { Theme::Auto => "Theme: auto", Theme::Dark => "Theme: dark", Theme::Light => "Theme: light" }}</button>
            </header>
            {(!credentials_in_file.is_empty()).then(|| view! {
                <aside class="file-credentials" aria-label="Credentials warning"><details>
                    <summary>"Credentials are in switchboard.json: readable by whoever can load this panel"</summary>
                    <p>{format!("{}: their credentials come from the served configuration file (ui.allow_file_credentials is on).", credentials_in_file.join(", "))}</p>
                </details></aside>
            })}
            <Show when=move || store.vault.state.get() == VaultState::Locked>
                <aside class="vault-bar" aria-label="Vault">
                    <p>"Credentials can be kept in this browser's vault, which is locked."</p>
                    <button type="button" on:click=move |_| settings_open.set(true)>"Unlock the vault…"</button>
                </aside>
            </Show>
            <Toolbar store=store filters=filters search_ref=search_ref shown=shown total=total selection=selection />
            <SelectionBar selection=selection intent=bulk />
            {move || store.reference.with(Option::is_some).then(|| lazy::drift(store, filters))}
            <main class="main">
                <Grid store=store visible=visible selection=selection embed=embed />
            </main>
            {move || bulk.get().is_some().then(|| lazy::bulk(store, selection, bulk))}
            {move || store.editing.get().map(|key| lazy::edit(store, key))}
            {move || settings_open.get().then(|| lazy::connections(store, settings_open))}
            {move || state_view.get().map(|_| lazy::state_file(store, selection, visible, state_view))}
            {move || store.history.get().map(|_| lazy::history(store))}
            {move || health_open.get().then(|| lazy::health(store, health_open))}
            <ConfirmDialog store=store />
            <Toasts store=store />
        </div>
        </Show>
    }
}

fn apply_theme(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match theme {
            Theme::Auto => root.remove_attribute("data-theme"),
            Theme::Light => root.set_attribute("data-theme", "light"),
            Theme::Dark => root.set_attribute("data-theme", "dark"),
        };
    }
}
