//! The views that load on first use: the edit form, the bulk dialog, the Connections
//! view, the state file's export and import, the bar of a file kept as a reference, and
//! the History view and the health view. In the release build (`./x` sets `--cfg switchboard_split`) each is a split point:
//! its code is a separate wasm chunk, fetched when the view is first opened, or earlier,
//! once the first screen is up and the browser is idle. Elsewhere (tests, the example
//! host, `trunk serve`) they are plain functions.
//!
//! A view is always built synchronously, where it is opened, exactly as if nothing were
//! split: until its chunk is in, opening it renders nothing and starts the fetch; when the
//! chunk arrives, the opener's signal is set again and the view is built then. (Building it
//! inside a `Suspend` instead would give it another owner than the page that opened it.)
//! A chunk that cannot be fetched is an error the admin sees (a toast), never a panic;
//! the next attempt fetches it again.

use super::filters::Filters;
use super::form::EditDialog;
use super::health::HealthDialog;
use super::history::HistoryDialog;
use super::settings::Settings;
use super::statefile::{DriftBar, ExportDialog, ImportDialog, StateView};
use super::store::Store;
use super::toast::ToastKind;
use super::{fleet::FleetDialog, fleet::Intent, selection::Selection};
use leptos::prelude::*;
use std::sync::Arc;

/// A view's code could not be fetched.
#[derive(Debug)]
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(edit_form, fallible, preload(preload_edit),
        wasm_split_path = ::leptos::wasm_split)
)]
fn edit_view(store: Store, key: Arc<str>) -> Result<AnyView, NotLoaded> {
    Ok(view! { <EditDialog store=store key=key /> }.into_any())
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(bulk_dialog, fallible, preload(preload_bulk),
        wasm_split_path = ::leptos::wasm_split)
)]
fn bulk_view(
    store: Store,
    selection: Selection,
    intent: RwSignal<Option<Intent>>,
) -> Result<AnyView, NotLoaded> {
    Ok(view! { <FleetDialog store=store selection=selection intent=intent /> }.into_any())
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(connections, fallible, preload(preload_connections),
        wasm_split_path = ::leptos::wasm_split)
)]
fn connections_view(store: Store, open: RwSignal<bool>) -> Result<AnyView, NotLoaded> {
    Ok(view! { <Settings store=store open=open /> }.into_any())
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(state_file, fallible, preload(preload_state),
        wasm_split_path = ::leptos::wasm_split)
)]
fn state_view(
    store: Store,
    selection: Selection,
    visible: Memo<Vec<usize>>,
    open: RwSignal<Option<StateView>>,
) -> Result<AnyView, NotLoaded> {
    let on_close = Callback::new(move |()| open.set(None));
    Ok(match open.get_untracked() {
        Some(StateView::Export) => view! { <ExportDialog store=store selection=selection visible=visible on_close=on_close /> }.into_any(),
        Some(StateView::Import) => view! { <ImportDialog store=store on_close=on_close /> }.into_any(),
        None => ().into_any(),
    })
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(drift_bar, fallible, preload(preload_drift),
        wasm_split_path = ::leptos::wasm_split)
)]
fn drift_view(store: Store, filters: Filters) -> Result<AnyView, NotLoaded> {
    Ok(view! { <DriftBar store=store filters=filters /> }.into_any())
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(history, fallible, preload(preload_history),
        wasm_split_path = ::leptos::wasm_split)
)]
fn history_view(store: Store) -> Result<AnyView, NotLoaded> {
    let only = store.history.get_untracked().flatten();
    let on_close = Callback::new(move |()| store.history.set(None));
    Ok(view! { <HistoryDialog store=store only=only on_close=on_close /> }.into_any())
}

#[cfg_attr(
    switchboard_split,
    leptos::wasm_split::wasm_split(health, fallible, preload(preload_health),
        wasm_split_path = ::leptos::wasm_split)
)]
fn health_view(store: Store, open: RwSignal<bool>) -> Result<AnyView, NotLoaded> {
    let on_close = Callback::new(move |()| open.set(false));
    Ok(view! { <HealthDialog store=store on_close=on_close /> }.into_any())
}

#[cfg(switchboard_split)]
mod chunks {
    //! Which chunks are in, and the one-poll call of a split function whose chunk is.
    use std::future::Future;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll, Waker};

    pub static EDIT: AtomicBool = AtomicBool::new(false);
    pub static BULK: AtomicBool = AtomicBool::new(false);
    pub static CONNECTIONS: AtomicBool = AtomicBool::new(false);
    pub static STATE: AtomicBool = AtomicBool::new(false);
    pub static DRIFT: AtomicBool = AtomicBool::new(false);
    pub static HISTORY: AtomicBool = AtomicBool::new(false);
    pub static HEALTH: AtomicBool = AtomicBool::new(false);

    pub fn is_in(chunk: &AtomicBool) -> bool {
        chunk.load(Ordering::Relaxed)
    }

    pub fn arrived(chunk: &AtomicBool) {
        chunk.store(true, Ordering::Relaxed);
    }

    /// The result of a split function whose chunk is loaded: it is ready at the first poll.
    pub fn now<T>(call: impl Future<Output = T>) -> Option<T> {
        let mut call = std::pin::pin!(call);
        match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        }
    }
}

/// The view once its chunk is in: built now; else nothing yet while the chunk is fetched,
/// then `reopen` (which renders again), or on failure `close` and a toast. Without
/// splitting, the call just runs.
macro_rules! when_loaded {
    ($chunk:ident, $preload:ident, $call:expr, $reopen:expr, $close:expr, $store:expr, $what:expr) => {{
        #[cfg(switchboard_split)]
        {
            if chunks::is_in(&chunks::$chunk) {
                chunks::now($call).unwrap_or(Err(NotLoaded))
            } else {
                let (reopen, close, store) = ($reopen, $close, $store);
                leptos::task::spawn_local(async move {
                    match $preload().await {
                        Ok(()) => {
                            chunks::arrived(&chunks::$chunk);
                            reopen();
                        }
                        Err(_) => report(store, $what, close),
                    }
                });
                Ok(().into_any())
            }
        }
        #[cfg(not(switchboard_split))]
        {
            $call
        }
    }};
}

/// Says a view could not be loaded and undoes its opening, so a new click tries again.
fn report(store: Store, what: &str, close: impl FnOnce()) {
    close();
    store.toast(
        ToastKind::Error,
        format!("The {what} could not be loaded. Check the connection and try again."),
    );
}

fn shown(
    store: Store,
    what: &str,
    view: Result<AnyView, NotLoaded>,
    close: impl FnOnce(),
) -> AnyView {
    view.unwrap_or_else(|NotLoaded| {
        report(store, what, close);
        ().into_any()
    })
}

/// The edit form of the card with `key` (nothing until its code is in).
pub fn edit(store: Store, key: Arc<str>) -> AnyView {
    let close = move || store.editing.set(None);
    let view = when_loaded!(
        EDIT,
        preload_edit,
        edit_view(store, key),
        {
            let again = key.clone();
            move || store.editing.set(Some(again))
        },
        close,
        store,
        "edit form"
    );
    shown(store, "edit form", view, close)
}

/// The bulk action dialog (nothing until its code is in).
pub fn bulk(store: Store, selection: Selection, intent: RwSignal<Option<Intent>>) -> AnyView {
    let close = move || intent.set(None);
    let view = when_loaded!(
        BULK,
        preload_bulk,
        bulk_view(store, selection, intent),
        move || intent.update(|_| {}),
        close,
        store,
        "bulk action dialog"
    );
    shown(store, "bulk action dialog", view, close)
}

/// The Connections view (nothing until its code is in).
pub fn connections(store: Store, open: RwSignal<bool>) -> AnyView {
    let close = move || open.set(false);
    let view = when_loaded!(
        CONNECTIONS,
        preload_connections,
        connections_view(store, open),
        move || open.set(true),
        close,
        store,
        "Connections view"
    );
    shown(store, "Connections view", view, close)
}

/// The state file's export or import dialog (nothing until its code is in).
pub fn state_file(
    store: Store,
    selection: Selection,
    visible: Memo<Vec<usize>>,
    open: RwSignal<Option<StateView>>,
) -> AnyView {
    let close = move || open.set(None);
    let view = when_loaded!(
        STATE,
        preload_state,
        state_view(store, selection, visible, open),
        move || open.update(|_| {}),
        close,
        store,
        "state file view"
    );
    shown(store, "state file view", view, close)
}

/// The bar of the state file kept open as a reference (nothing until its code is in).
pub fn drift(store: Store, filters: Filters) -> AnyView {
    let close = move || store.reference.set(None);
    let view = when_loaded!(
        DRIFT,
        preload_drift,
        drift_view(store, filters),
        move || store.reference.update(|_| {}),
        close,
        store,
        "reference file bar"
    );
    shown(store, "reference file bar", view, close)
}

/// The History view (nothing until its code is in).
pub fn history(store: Store) -> AnyView {
    let close = move || store.history.set(None);
    let view = when_loaded!(
        HISTORY,
        preload_history,
        history_view(store),
        move || store.history.update(|_| {}),
        close,
        store,
        "History view"
    );
    shown(store, "History view", view, close)
}

/// The health view (nothing until its code is in).
pub fn health(store: Store, open: RwSignal<bool>) -> AnyView {
    let close = move || open.set(false);
    let view = when_loaded!(
        HEALTH,
        preload_health,
        health_view(store, open),
        move || open.set(true),
        close,
        store,
        "health view"
    );
    shown(store, "health view", view, close)
}

/// Fetches every lazy view's code now, so that opening one waits for nothing. Called
/// once the first screen is up, when the browser is idle; a failure is left for the
/// opening to report.
pub fn prefetch() {
    #[cfg(switchboard_split)]
    leptos::task::spawn_local(async {
        if preload_edit().await.is_ok() {
            chunks::arrived(&chunks::EDIT);
        }
        if preload_bulk().await.is_ok() {
            chunks::arrived(&chunks::BULK);
        }
        if preload_connections().await.is_ok() {
            chunks::arrived(&chunks::CONNECTIONS);
        }
        if preload_state().await.is_ok() {
            chunks::arrived(&chunks::STATE);
        }
        if preload_drift().await.is_ok() {
            chunks::arrived(&chunks::DRIFT);
        }
        if preload_history().await.is_ok() {
            chunks::arrived(&chunks::HISTORY);
        }
        if preload_health().await.is_ok() {
            chunks::arrived(&chunks::HEALTH);
        }
    });
}
