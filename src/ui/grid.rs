//! The provider grid: search, filters and sorting over every connection, rendered in a
//! window so only the rows on screen exist in the DOM, whatever the number of providers.

use super::card::ProviderCard;
use super::store::{Card, LoadState, Store};
use crate::dialect::GatewayKind;
use leptos::html;
use leptos::prelude::*;

/// Fixed row height in px; the CSS gives cards the same height so the window is exact.
pub const ROW_HEIGHT: f64 = 212.0;
const MIN_CARD_WIDTH: f64 = 300.0;
const GAP: f64 = 16.0;
const OVERSCAN_ROWS: usize = 2;
/// Roughly the height above the grid; only the first guess at its size uses it.
const CHROME_HEIGHT: f64 = 100.0;
/// Embedded, the grid grows with its content up to this height, then scrolls.
const EMBED_MAX_HEIGHT: f64 = 1600.0;

/// Filter and sort settings.
#[derive(Clone, Copy)]
pub struct Filters {
    pub search: RwSignal<String>,
    pub gateway: RwSignal<String>,
    pub enabled: RwSignal<String>,
    pub sort: RwSignal<String>,
}

impl Filters {
    /// Filters with an initial search text.
    pub fn new(search: String) -> Self {
        Filters {
            search: RwSignal::new(search),
            gateway: RwSignal::new(String::new()),
            enabled: RwSignal::new(String::new()),
            sort: RwSignal::new("name".into()),
        }
    }

    fn keep(
        &self,
        card: &Card,
        gateways: &[GatewayKind],
        needle: &str,
        gateway: &str,
        enabled: &str,
    ) -> bool {
        (needle.is_empty() || card.haystack.contains(needle))
            && (gateway.is_empty() || gateways.get(card.conn).is_some_and(|g| g.slug() == gateway))
            && match enabled {
                "on" => card.provider.enabled != Some(false),
                "off" => card.provider.enabled == Some(false),
                _ => true,
            }
    }
}

/// The toolbar: search box (`/` focuses it), gateway, state and sort selects.
#[component]
pub fn Toolbar(
    filters: Filters,
    search_ref: NodeRef<html::Input>,
    shown: Signal<usize>,
    total: Signal<usize>,
) -> impl IntoView {
    view! {
        <div class="toolbar" role="search">
            <label class="search">
                <span class="visually-hidden">"Search providers"</span>
                <input type="search" placeholder="Search providers  ( / )" node_ref=search_ref
                    prop:value=move || filters.search.get()
                    on:input=move |ev| filters.search.set(event_target_value(&ev)) />
            </label>
            <label>
                <span class="visually-hidden">"Gateway"</span>
                <select on:change=move |ev| filters.gateway.set(event_target_value(&ev)) prop:value=move || filters.gateway.get()>
                    <option value="">"All gateways"</option>
                    {GatewayKind::ALL.iter().map(|g| view! { <option value=g.slug()>{g.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span class="visually-hidden">"State"</span>
                <select on:change=move |ev| filters.enabled.set(event_target_value(&ev)) prop:value=move || filters.enabled.get()>
                    <option value="">"Enabled and disabled"</option>
                    <option value="on">"Enabled"</option>
                    <option value="off">"Disabled"</option>
                </select>
            </label>
            <label>
                <span class="visually-hidden">"Sort by"</span>
                <select on:change=move |ev| filters.sort.set(event_target_value(&ev)) prop:value=move || filters.sort.get()>
                    <option value="name">"Sort: name"</option>
                    <option value="gateway">"Sort: gateway"</option>
                    <option value="kind">"Sort: kind"</option>
                </select>
            </label>
            <span class="count" aria-live="polite">{move || format!("{} of {}", shown.get(), total.get())}</span>
        </div>
    }
}

/// Indices of the cards that pass the filters, in display order. Only this runs per
/// keystroke: a lower-cased substring test over text computed once per card change.
pub fn visible_cards(store: Store, filters: Filters) -> Memo<Vec<usize>> {
    let gateways = Memo::new(move |_| {
        store
            .connections
            .with(|c| c.iter().map(|c| c.gateway).collect::<Vec<_>>())
    });
    Memo::new(move |_| {
        let needle = filters.search.get().trim().to_lowercase();
        let gateway = filters.gateway.get();
        let enabled = filters.enabled.get();
        let sort = filters.sort.get();
        let gws = gateways.get();
        store.cards.with(|cards| {
            let mut idx: Vec<usize> = (0..cards.len())
                .filter(|&i| {
                    cards
                        .get(i)
                        .is_some_and(|c| filters.keep(c, &gws, &needle, &gateway, &enabled))
                })
                .collect();
            // Keys borrow text computed once per card: a keystroke allocates nothing here.
            let key = |i: usize| {
                cards.get(i).map_or(("", ""), |c| match sort.as_str() {
                    "gateway" => (gws.get(c.conn).map_or("", |g| g.label()), c.sort_name()),
                    "kind" => (c.provider.kind.as_str(), c.sort_name()),
                    _ => (c.sort_name(), ""),
                })
            };
            idx.sort_by(|&a, &b| key(a).cmp(&key(b)));
            idx
        })
    })
}

/// The windowed grid of cards, with loading, empty and error states.
#[component]
pub fn Grid(
    store: Store,
    visible: Memo<Vec<usize>>,
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
    let slice = move || {
        let cols = columns();
        let (first, last) = window();
        let conns = store.connections.get();
        visible.with(|v| {
            store.cards.with(|cards| {
                v.iter()
                    .skip(first * cols)
                    .take((last - first) * cols)
                    .filter_map(|&i| cards.get(i).cloned())
                    .map(|c| {
                        let conn = conns.get(c.conn);
                        let gw = conn.map_or("", |k| k.gateway.label());
                        let name = conn.map(|k| k.name.clone()).unwrap_or_default();
                        (c, gw, name)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let loading = move || store.loads.with(|l| l.contains(&LoadState::Loading));
    let failures = move || {
        store.loads.with(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(i, s)| match s {
                    LoadState::Failed(e) => Some((i, e.message.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let step: i64 = match ev.key().as_str() {
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
        if !move_focus(viewport, step, !first_move) {
            // The rows past the edge arrive with the next render; move once they are in.
            request_animation_frame(move || {
                move_focus(viewport, step, true);
            });
        }
    };

    view! {
        <div class="load-errors">
            <For each=failures key=|(i, m)| (*i, m.clone()) let((i, msg))>
                <div class="load-error" role="alert">
                    <span>{move || store.connection(i).map(|c| c.name).unwrap_or_default()}": "{msg.clone()}</span>
                    <button type="button" on:click=move |_| store.load(i)>"Retry"</button>
                </div>
            </For>
        </div>
        <div class="grid-viewport" node_ref=viewport tabindex="-1"
            style:height=move || if embed { format!("{}px", (rows() as f64 * ROW_HEIGHT + 16.0).clamp(ROW_HEIGHT, EMBED_MAX_HEIGHT)) } else { String::new() }
            on:scroll=move |ev| {
                if overscan.get_untracked() == 0 {
                    overscan.set(OVERSCAN_ROWS);
                }
                scroll_top.set(f64::from(event_target::<web_sys::Element>(&ev).scroll_top()));
            }
            on:keydown=on_keydown>
            <Show when=move || !(loading() && store.cards.with(Vec::is_empty)) fallback=|| view! {
                <div class="grid" aria-busy="true">
                    {(0..6).map(|_| view! { <div class="card skeleton" aria-hidden="true"></div> }).collect_view()}
                </div>
            }>
                <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! {
                    <p class="empty">{move || if store.cards.with(Vec::is_empty) { "No providers configured on these gateways." } else { "No provider matches the search and filters." }}</p>
                }>
                    <div class="grid-space" style:height=move || format!("{}px", rows() as f64 * ROW_HEIGHT)>
                        <div class="grid"
                            style:transform=move || format!("translateY({}px)", window().0 as f64 * ROW_HEIGHT)
                            style:grid-template-columns=move || format!("repeat({}, minmax(0, 1fr))", columns())>
                            <For each=slice key=|(c, _, _)| (c.key.clone(), c.rev) let((card, gw, conn))>
                                <ProviderCard card=card store=store gateway=gw connection=conn />
                            </For>
                        </div>
                    </div>
                </Show>
            </Show>
        </div>
    }
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
    use wasm_bindgen::{closure::Closure, JsCast};
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
/// last card rendered when `clamp`; without it, a target past them is left alone and
/// `false` returned.
fn move_focus(viewport: NodeRef<html::Div>, step: i64, clamp: bool) -> bool {
    let Some(root) = viewport.get_untracked() else {
        return true;
    };
    let Ok(list) = root.query_selector_all(".card[data-key]") else {
        return true;
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
        return false;
    }
    if let Some(el) = u32::try_from(target).ok().and_then(|t| list.item(t)) {
        use wasm_bindgen::JsCast;
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
    true
}
