//! Search, filters and sort over every card, and the toolbar that sets them.

use super::cards::Listed;
use super::selection::Selection;
use super::store::Store;
use crate::dialect::Gateway;
use crate::state::Desired;
use leptos::html;
use leptos::prelude::*;
use std::sync::Arc;

/// Which providers the state filter keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateFilter {
    #[default]
    Any,
    /// Enabled, or always on (no enabled switch on their gateway).
    Enabled,
    Disabled,
}

/// What the grid is sorted by (then by name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Name,
    Gateway,
    Kind,
}

/// A choice of a `<select>`: its value in the DOM and its visible text.
trait Choice: Sized + Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn value(self) -> &'static str;
    fn text(self) -> &'static str;
    fn from_value(v: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.value() == v)
            .unwrap_or(Self::ALL[0])
    }
}

impl Choice for StateFilter {
    const ALL: &'static [Self] = &[
        StateFilter::Any,
        StateFilter::Enabled,
        StateFilter::Disabled,
    ];
    fn value(self) -> &'static str {
        match self {
            StateFilter::Any => "",
            StateFilter::Enabled => "on",
            StateFilter::Disabled => "off",
        }
    }
    fn text(self) -> &'static str {
        match self {
            StateFilter::Any => "Enabled and disabled",
            StateFilter::Enabled => "Enabled",
            StateFilter::Disabled => "Disabled",
        }
    }
}

impl Choice for SortKey {
    const ALL: &'static [Self] = &[SortKey::Name, SortKey::Gateway, SortKey::Kind];
    fn value(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Gateway => "gateway",
            SortKey::Kind => "kind",
        }
    }
    fn text(self) -> &'static str {
        match self {
            SortKey::Name => "Sort: name",
            SortKey::Gateway => "Sort: gateway",
            SortKey::Kind => "Sort: kind",
        }
    }
}

/// Filter and sort settings.
#[derive(Clone, Copy)]
pub struct Filters {
    pub search: RwSignal<String>,
    /// Only this gateway's providers, by slug.
    pub gateway: RwSignal<Option<&'static str>>,
    /// Only providers of this vendor (the provider's kind: `openai`, `anthropic`, ...),
    /// whichever gateway holds them.
    pub vendor: RwSignal<Option<String>>,
    pub state: RwSignal<StateFilter>,
    pub sort: RwSignal<SortKey>,
    /// Only providers that differ from the reference state file (when one is open).
    pub drift_only: RwSignal<bool>,
}

impl Filters {
    /// Filters with an initial search text.
    pub fn new(search: String) -> Self {
        Filters {
            search: RwSignal::new(search),
            gateway: RwSignal::new(None),
            vendor: RwSignal::new(None),
            state: RwSignal::new(StateFilter::Any),
            sort: RwSignal::new(SortKey::Name),
            drift_only: RwSignal::new(false),
        }
    }
}

/// What one pass of filtering compares against, read once per pass.
struct Pass<'a> {
    needle: String,
    gateway: Option<&'static str>,
    vendor: Option<String>,
    state: StateFilter,
    gateways: &'a [Gateway],
    /// Only cards that differ from this state file.
    drift: Option<Arc<Desired>>,
}

impl Pass<'_> {
    fn keeps(&self, key: &str, conn: usize, l: &Listed) -> bool {
        self.drift
            .as_ref()
            .is_none_or(|d| d.differs(key, &l.provider))
            && self
                .gateway
                .is_none_or(|slug| self.gateways.get(conn).is_some_and(|g| g.slug() == slug))
            && self.vendor.as_ref().is_none_or(|v| l.provider.kind == *v)
            && (self.needle.is_empty() || l.matches(&self.needle))
            && match self.state {
                StateFilter::Any => true,
                StateFilter::Enabled => l.provider.enabled != Some(false),
                StateFilter::Disabled => l.provider.enabled == Some(false),
            }
    }
}

/// The gateways of the connections, by connection index.
fn gateways(store: Store) -> Memo<Vec<Gateway>> {
    Memo::new(move |_| {
        store
            .connections
            .with(|c| c.iter().map(|c| c.gateway).collect::<Vec<_>>())
    })
}

/// Every card's position in the card set, in display order; `generation` changes with
/// every recomputation, so a result derived from an older order is never reused.
#[derive(Clone, PartialEq)]
struct Order {
    generation: u64,
    positions: Arc<[usize]>,
}

/// The cards sorted, without filtering: it runs when cards arrive, a provider changes or
/// the sort changes, never per keystroke, so a keystroke sorts nothing. When cards were
/// only added at the end (a later page of a listing), only they are sorted and merged into
/// the order before: a 200-page listing would otherwise sort everything 200 times.
fn sorted_cards(
    store: Store,
    gateways: Memo<Vec<Gateway>>,
    sort: RwSignal<SortKey>,
) -> Memo<Order> {
    // The last order and what it was made from: the set's shape and length, the sort and
    // the gateways (a sort by gateway reads their labels).
    let last = StoredValue::new(None::<(u64, usize, SortKey, Vec<Gateway>, Order)>);
    Memo::new(move |_| {
        store.contents.track();
        let gws = gateways.get();
        let sort = sort.get();
        let before = last.with_value(|l| l.clone());
        let order = store.cards.with(|set| {
            // One read of each card's cell, held while sorting: comparisons touch no signal.
            let cells: Vec<_> = set
                .all()
                .iter()
                .map(|c| c.listed.read_untracked())
                .collect();
            let cmp =
                |a: &usize, b: &usize| match (set.at(*a), set.at(*b), cells.get(*a), cells.get(*b))
                {
                    (Some(ca), Some(cb), Some(la), Some(lb)) => {
                        sort_key(sort, &gws, ca.conn, la).cmp(&sort_key(sort, &gws, cb.conn, lb))
                    }
                    _ => std::cmp::Ordering::Equal,
                };
            let generation = before.as_ref().map_or(0, |b| b.4.generation) + 1;
            let positions = match before {
                Some((shape, len, was, from, order))
                    if shape == set.shape() && was == sort && from == gws && len < set.len() =>
                {
                    let mut added: Vec<usize> = (len..set.len()).collect();
                    added.sort_by(cmp);
                    merge(&order.positions, &added, cmp)
                }
                _ => {
                    let mut all: Vec<usize> = (0..set.len()).collect();
                    all.sort_by(cmp);
                    all
                }
            };
            let order = Order {
                generation,
                positions: positions.into(),
            };
            last.set_value(Some((
                set.shape(),
                set.len(),
                sort,
                gws.clone(),
                order.clone(),
            )));
            order
        });
        order
    })
}

/// Two sorted runs as one, `a`'s first among equals (as a stable sort of both would).
fn merge(
    a: &[usize],
    b: &[usize],
    cmp: impl Fn(&usize, &usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if cmp(y, x) == std::cmp::Ordering::Less {
            out.push(*y);
            j += 1;
        } else {
            out.push(*x);
            i += 1;
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or_default());
    out.extend_from_slice(b.get(j..).unwrap_or_default());
    out
}

/// The sort key, borrowed from text computed once per card change.
fn sort_key<'l>(
    sort: SortKey,
    gateways: &[Gateway],
    conn: usize,
    l: &'l Listed,
) -> (&'l str, &'l str) {
    match sort {
        SortKey::Name => (l.sort_name(), ""),
        SortKey::Gateway => (gateways.get(conn).map_or("", |g| g.label()), l.sort_name()),
        SortKey::Kind => (l.provider.kind.as_str(), l.sort_name()),
    }
}

/// The last pass: what it was given and what it kept.
struct LastPass {
    generation: u64,
    needle: String,
    rest: Rest,
    kept: Vec<usize>,
}

/// Everything a pass filters by except the search text.
#[derive(PartialEq)]
struct Rest {
    gateway: Option<&'static str>,
    vendor: Option<String>,
    state: StateFilter,
    drift: Option<usize>,
}

/// Positions (in the card set) of the cards that pass the filters, in display order. It
/// runs per keystroke, per list arrival and per provider change, never per status change.
/// A keystroke that only extends the search text filters what the last one kept: every
/// card that contains the longer text contains the shorter one.
pub fn visible_cards(store: Store, filters: Filters) -> Memo<Vec<usize>> {
    let gateways = gateways(store);
    let order = sorted_cards(store, gateways, filters.sort);
    let last = StoredValue::new(None::<LastPass>);
    Memo::new(move |_| {
        let order = order.get();
        let gws = gateways.get();
        let pass = Pass {
            needle: filters.search.get().trim().to_lowercase(),
            gateway: filters.gateway.get(),
            vendor: filters.vendor.get(),
            state: filters.state.get(),
            gateways: &gws,
            drift: filters
                .drift_only
                .get()
                .then(|| store.reference.get())
                .flatten(),
        };
        let rest = Rest {
            gateway: pass.gateway,
            vendor: pass.vendor.clone(),
            state: pass.state,
            drift: pass.drift.as_ref().map(|d| Arc::as_ptr(d) as usize),
        };
        let narrowed = last.with_value(|l| {
            l.as_ref()
                .filter(|l| {
                    l.generation == order.generation
                        && l.rest == rest
                        && pass.needle.contains(l.needle.as_str())
                })
                .map(|l| l.kept.clone())
        });
        let from = narrowed.unwrap_or_else(|| order.positions.to_vec());
        let kept: Vec<usize> = store.cards.with_untracked(|set| {
            let all = set.all();
            from.into_iter()
                .filter(|&i| {
                    all.get(i)
                        .is_some_and(|c| pass.keeps(&c.key, c.conn, &c.listed.read_untracked()))
                })
                .collect()
        });
        last.set_value(Some(LastPass {
            generation: order.generation,
            needle: pass.needle.clone(),
            rest,
            kept: kept.clone(),
        }));
        kept
    })
}

/// The vendor filter offers at most this many vendors, the most common ones: a gateway
/// whose vendor field is really a per-provider id (Respan's `provider_id`) would otherwise
/// put thousands of options in the list. The rest are found by search, which reads vendors.
const VENDOR_CHOICES: usize = 100;

/// The vendors the filter offers (sorted by name) and how many others there are.
fn vendors(store: Store) -> Memo<(Vec<String>, usize)> {
    Memo::new(move |_| {
        store.contents.track();
        store.cards.with(|set| {
            let mut counts: rustc_hash::FxHashMap<String, usize> = Default::default();
            for card in set.all() {
                let l = card.listed.read_untracked();
                match counts.get_mut(&l.provider.kind) {
                    Some(n) => *n += 1,
                    None => {
                        counts.insert(l.provider.kind.clone(), 1);
                    }
                }
            }
            let mut all: Vec<(String, usize)> = counts.into_iter().collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let more = all.len().saturating_sub(VENDOR_CHOICES);
            let mut shown: Vec<String> = all
                .into_iter()
                .take(VENDOR_CHOICES)
                .map(|(v, _)| v)
                .collect();
            shown.sort();
            (shown, more)
        })
    })
}

/// The toolbar: search box (`/` focuses it), gateway, vendor, state and sort selects, the
/// count, and "Select all" of what the filters show.
#[component]
pub fn Toolbar(
    store: Store,
    filters: Filters,
    search_ref: NodeRef<html::Input>,
    shown: Signal<usize>,
    total: Signal<usize>,
    selection: Selection,
) -> impl IntoView {
    let vendors = vendors(store);
    // The gateways on offer are those of the connections, each once, in their order.
    let present = move || {
        store.connections.with(|cs| {
            let mut seen: Vec<Gateway> = Vec::new();
            for c in cs {
                if !seen.contains(&c.gateway) {
                    seen.push(c.gateway);
                }
            }
            seen
        })
    };
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
                <select prop:value=move || filters.gateway.get().unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filters.gateway.set(present().into_iter().map(|g| g.slug()).find(|s| *s == v));
                    }>
                    <option value="">"All gateways"</option>
                    {move || present().into_iter().map(|g| view! { <option value=g.slug()>{g.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span class="visually-hidden">"Vendor"</span>
                <select prop:value=move || filters.vendor.get().unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filters.vendor.set((!v.is_empty()).then_some(v));
                    }>
                    <option value="">"All vendors"</option>
                    {move || {
                        let (shown, more) = vendors.get();
                        let rest = (more > 0).then(|| view! { <option value="" disabled=true>{format!("{more} more: find them by search")}</option> });
                        (shown.into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view(), rest)
                    }}
                </select>
            </label>
            <ChoiceSelect label="State" signal=filters.state />
            <ChoiceSelect label="Sort by" signal=filters.sort />
            <span class="count" aria-live="polite">{move || format!("{} of {}", shown.get(), total.get())}</span>
            {(!store.read_only).then(|| view! {
                <button type="button" disabled=move || shown.get() == 0 on:click=move |_| selection.select_visible()>
                    {move || format!("Select all {}", shown.get())}
                </button>
            })}
        </div>
    }
}

/// A labelled `<select>` over every value of a [`Choice`].
#[component]
fn ChoiceSelect<C: Choice + Send + Sync>(
    label: &'static str,
    signal: RwSignal<C>,
) -> impl IntoView {
    view! {
        <label>
            <span class="visually-hidden">{label}</span>
            <select prop:value=move || signal.get().value()
                on:change=move |ev| signal.set(C::from_value(&event_target_value(&ev)))>
                {C::ALL.iter().map(|c| view! { <option value=c.value()>{c.text()}</option> }).collect_view()}
            </select>
        </label>
    }
}

// proptest is a host dev-dependency: the wasm build of the tests leaves this out.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::merge;
    use proptest::prelude::*;

    proptest! {
        /// A later page merged into the order before is the order a full sort gives: the
        /// keys here are small so that ties (and their order) are common.
        #[test]
        fn merging_a_page_is_sorting_everything(keys in prop::collection::vec(0u8..8, 0..60), split in 0usize..60) {
            let split = split.min(keys.len());
            let cmp = |a: &usize, b: &usize| keys[*a].cmp(&keys[*b]);
            let mut before: Vec<usize> = (0..split).collect();
            before.sort_by(cmp);
            let mut added: Vec<usize> = (split..keys.len()).collect();
            added.sort_by(cmp);
            let mut all: Vec<usize> = (0..keys.len()).collect();
            all.sort_by(cmp);
            prop_assert_eq!(merge(&before, &added, cmp), all);
        }
    }
}
