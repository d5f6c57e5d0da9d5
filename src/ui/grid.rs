//! The provider grid, rendered in a window so only the rows on screen exist in the DOM,
//! whatever the number of providers.

use super::card::ProviderCard;
use super::selection::Selection;
use super::store::{LoadState, Store};
use leptos::html;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Card height in px. The window's arithmetic and the stylesheet both use it: the grid
/// sets `--sb-card-height`, `--sb-card-gap` and `--sb-card-min` from these constants.
pub const CARD_HEIGHT: f64 = 196.0;
/// Gap between cards, in px.
pub const GAP: f64 = 16.0;
/// Narrowest a card gets before the grid drops a column, in px.
pub const MIN_CARD_WIDTH: f64 = 300.0;
/// One row of the grid: a card and the gap below it.
const ROW_HEIGHT: f64 = CARD_HEIGHT + GAP;
const OVERSCAN_ROWS: usize = 2;
/// Roughly the height above the grid; only the first guess at its size uses it.
const CHROME_HEIGHT: f64 = 100.0;
/// Embedded, the grid grows with its content up to this height, then scrolls.
const EMBED_MAX_HEIGHT: f64 = 1600.0;

/// A length in px, as CSS takes it.
fn px(v: f64) -> String {
    format!("{v}px")
}

/// The windowed grid of cards, with loading, empty and error states.
#[component]
pub fn Grid(
    store: Store,
    visible: Memo<Vec<usize>>,
    selection: Selection,
    #[prop(optional)] embed: bool,
) -> impl IntoView {
    let viewport = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    // Rows beyond the edges only matter once the grid moves: the first screen renders
    // (and lays out) just what is on it.
    let overscan = RwSignal::new(0usize);
    // The window's size is a first guess that costs no layout; the observer corrects it
    // once layout has run, before that frame is painted. Reading the viewport's size
    // here instead would force a layout of the page before any card exists.
    let size = RwSignal::new(window_size());
    Effect::new(move |_| {
        if let Some(el) = viewport.get() {
            observe_size(el.into(), size);
        }
    });

    let columns = move || (((size.get().0 + GAP) / (MIN_CARD_WIDTH + GAP)).floor() as usize).max(1);
    let rows = move || visible.with(Vec::len).div_ceil(columns());
    let window = move || {
        let (_, height) = size.get();
        let first =
            ((scroll_top.get() / ROW_HEIGHT).floor() as usize).saturating_sub(overscan.get());
        let last = (((scroll_top.get() + height) / ROW_HEIGHT).ceil() as usize + overscan.get())
            .min(rows());
        (first, last.max(first))
    };
    // The cards in the window, by handle: a card that stays in it keeps its node.
    let slice = move || {
        let cols = columns();
        let (first, last) = window();
        visible.with(|v| {
            store.cards.with(|set| {
                v.iter()
                    .skip(first * cols)
                    .take((last - first) * cols)
                    .filter_map(|&i| set.at(i).cloned())
                    .collect::<Vec<_>>()
            })
        })
    };
    let loading = move || store.loads.with(|l| l.iter().any(LoadState::pending));
    // Each failed connection: its message, and the page to go on from when earlier
    // pages are shown.
    let failures = move || {
        store.loads.with(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(i, s)| match s {
                    LoadState::Failed(e) => Some((i, e.message.clone(), None)),
                    LoadState::Stopped {
                        error,
                        page,
                        loaded,
                        total,
                    } => Some((
                        i,
                        format!(
                            "page {page} could not be loaded ({}); {} shown.",
                            error.message,
                            of_total(*loaded, *total)
                        ),
                        Some(*page),
                    )),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let progress = move || {
        store.loads.with(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(i, s)| match s {
                    LoadState::Paging { loaded, total } => Some((i, of_total(*loaded, *total))),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    // What had keyboard focus in the grid. The keyed list reorders by moving nodes, and
    // the DOM drops focus from a node it moves: when another gateway's cards arrive
    // around the focused card, focus goes back to it. A click elsewhere forgets it, so
    // focus is never pulled back from where the user put it.
    let kept = StoredValue::new_local(None::<web_sys::Element>);
    let clicked = window_event_listener(leptos::ev::pointerdown, move |_| {
        kept.set_value(None);
    });
    on_cleanup(move || clicked.remove());
    // Screen readers learn how many providers match and where each rendered card stands
    // among them, not only among the few in the window (the ARIA feed pattern).
    Effect::new(move |_| {
        let total = visible.with(Vec::len);
        let start = window().0 * columns();
        let Some(root) = viewport.get() else { return };
        if let Some(el) = kept.get_value() {
            if let (true, Some(el)) = (
                super::dom::focus_lost(),
                el.dyn_ref::<web_sys::HtmlElement>(),
            ) {
                if el.is_connected() {
                    let _ = el.focus();
                }
            }
        }
        let Ok(list) = root.query_selector_all(".grid > .card[data-key]") else {
            return;
        };
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.set_attribute("aria-posinset", &(start + i as usize + 1).to_string());
                let _ = el.set_attribute("aria-setsize", &total.to_string());
            }
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if overscan.get_untracked() == 0 && matches!(key.as_str(), "Home" | "End") {
            overscan.set(OVERSCAN_ROWS);
        }
        // Home and End reach the first and last provider, rendered or not: scroll there,
        // then focus once the rows are in.
        if let ("Home" | "End", Some(el)) = (key.as_str(), viewport.get_untracked()) {
            ev.prevent_default();
            let to_end = key == "End";
            el.set_scroll_top(if to_end { el.scroll_height() } else { 0 });
            let step = if to_end {
                i64::from(i32::MAX)
            } else {
                -i64::from(i32::MAX)
            };
            request_animation_frame(move || {
                request_animation_frame(move || {
                    let _ = move_focus(viewport, step, true);
                })
            });
            return;
        }
        let step: i64 = match key.as_str() {
            "ArrowRight" | "j" => 1,
            "ArrowLeft" | "k" => -1,
            "ArrowDown" => columns() as i64,
            "ArrowUp" => -(columns() as i64),
            _ => return,
        };
        ev.prevent_default();
        let first_move = overscan.get_untracked() == 0;
        if first_move {
            overscan.set(OVERSCAN_ROWS);
        }
        // Shift+arrow selects from where the range started to where focus lands.
        let from = ev.shift_key().then(|| focused_key(viewport)).flatten();
        let landed = move |to: Option<String>| {
            if let (Some(from), Some(to)) = (&from, to) {
                selection.extend(&Arc::from(from.as_str()), &Arc::from(to));
            }
        };
        match move_focus(viewport, step, !first_move) {
            Some(to) => landed(to),
            // The rows past the edge arrive with the next render; move once they are in.
            None => request_animation_frame(move || {
                landed(move_focus(viewport, step, true).flatten());
            }),
        }
    };

    view! {
        <div class="load-errors">
            <For each=failures key=|(i, m, _)| (*i, m.clone()) let((i, msg, page))>
                <div class="load-error" role="alert">
                    <span>{move || store.connection(i).map(|c| c.name).unwrap_or_default()}": "{msg.clone()}</span>
                    {match page {
                        Some(p) => view! { <button type="button" on:click=move |_| store.resume(i)>{format!("Retry from page {p}")}</button> }.into_any(),
                        None => view! { <button type="button" on:click=move |_| store.load(i)>"Retry"</button> }.into_any(),
                    }}
                </div>
            </For>
        </div>
        <div class="load-progress" role="status">
            <For each=progress key=|(i, m)| (*i, m.clone()) let((i, shown))>
                <p>{move || store.connection(i).map(|c| c.name).unwrap_or_default()}": "{shown}" loaded…"</p>
            </For>
        </div>
        <div class="grid-viewport" node_ref=viewport tabindex="-1"
            style=("--sb-card-height", px(CARD_HEIGHT)) style=("--sb-card-gap", px(GAP)) style=("--sb-card-min", px(MIN_CARD_WIDTH))
            style:height=move || if embed { px((rows() as f64 * ROW_HEIGHT + GAP).clamp(ROW_HEIGHT, EMBED_MAX_HEIGHT)) } else { String::new() }
            on:scroll=move |ev| {
                if overscan.get_untracked() == 0 {
                    overscan.set(OVERSCAN_ROWS);
                }
                scroll_top.set(f64::from(event_target::<web_sys::Element>(&ev).scroll_top()));
            }
            on:keydown=on_keydown
            on:focusin=move |ev| kept.set_value(ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()))>
            <Show when=move || !(loading() && store.cards.with(|s| s.is_empty())) fallback=|| view! {
                <div class="grid" aria-busy="true">
                    {(0..6).map(|_| view! { <div class="card skeleton" aria-hidden="true"></div> }).collect_view()}
                </div>
            }>
                <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! {
                    <p class="empty">{move || if store.cards.with(|s| s.is_empty()) { "No providers configured on these gateways." } else { "No provider matches the search and filters." }}</p>
                }>
                    <div class="grid-space" style:height=move || px(rows() as f64 * ROW_HEIGHT)>
                        <div class="grid" role="feed" aria-label="Providers" aria-busy=move || if loading() { "true" } else { "false" }
                            style:transform=move || format!("translateY({})", px(window().0 as f64 * ROW_HEIGHT))
                            style:grid-template-columns=move || format!("repeat({}, minmax(0, 1fr))", columns())>
                            <For each=slice key=|c| c.key.clone() let(card)>
                                <ProviderCard card=card store=store selection=selection />
                            </For>
                        </div>
                    </div>
                </Show>
            </Show>
        </div>
    }
}

/// "7,000 of 25,000 providers", or "7,000 providers" when the gateway gives no total.
fn of_total(loaded: usize, total: Option<u64>) -> String {
    let n = thousands(loaded as u64);
    match total {
        Some(t) => format!("{n} of {} providers", thousands(t)),
        None => format!("{n} providers"),
    }
}

/// 25000 as "25,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The window's size, less the usual height of the bar and toolbar above the grid.
fn window_size() -> (f64, f64) {
    let dim = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>, or: f64| {
        v.ok().and_then(|v| v.as_f64()).unwrap_or(or)
    };
    web_sys::window().map_or((1200.0, 800.0), |w| {
        (
            dim(w.inner_width(), 1200.0),
            dim(w.inner_height(), 900.0) - CHROME_HEIGHT,
        )
    })
}

/// Keeps `size` at the element's client size for as long as the element lives.
fn observe_size(el: web_sys::Element, size: RwSignal<(f64, f64)>) {
    use wasm_bindgen::closure::Closure;
    let target = el.clone();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_| {
        let now = (
            f64::from(target.client_width()),
            f64::from(target.client_height()),
        );
        if size.try_get_untracked() != Some(now) {
            let _ = size.try_set(now);
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&el);
    }
    // The observer and its callback go with the element: the grid's viewport is made once.
    on_resize.forget();
}

/// Moves keyboard focus `step` cards from the focused one, stopping at the first or
/// last card rendered when `clamp`, and gives the key of the card focused; without
/// `clamp`, a target past them is left alone and `None` returned.
fn move_focus(viewport: NodeRef<html::Div>, step: i64, clamp: bool) -> Option<Option<String>> {
    let Some(root) = viewport.get_untracked() else {
        return Some(None);
    };
    let Ok(list) = root.query_selector_all(".card[data-key]") else {
        return Some(None);
    };
    let active = super::dom::active_element(&super::dom::root_of(&root));
    let mut current: i64 = -1;
    for i in 0..list.length() {
        if let (Some(node), Some(a)) = (list.item(i), &active) {
            let el: &web_sys::Node = a.as_ref();
            if node.is_same_node(Some(el)) {
                current = i64::from(i);
            }
        }
    }
    let wanted = current + step;
    let target = wanted.clamp(0, i64::from(list.length()) - 1);
    if target != wanted && !clamp {
        return None;
    }
    let el = u32::try_from(target)
        .ok()
        .and_then(|t| list.item(t))
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    Some(el.and_then(|el| {
        let _ = el.focus();
        el.get_attribute("data-key")
    }))
}

/// The key of the card that has focus, if one has.
fn focused_key(viewport: NodeRef<html::Div>) -> Option<String> {
    let root = viewport.get_untracked()?;
    super::dom::active_element(&super::dom::root_of(&root))?.get_attribute("data-key")
}
