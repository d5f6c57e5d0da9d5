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
    sort: SortKey,
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

    /// The sort key, borrowed from text computed once per card change.
    fn key<'l>(&self, conn: usize, l: &'l Listed) -> (&'l str, &'l str) {
        match self.sort {
            SortKey::Name => (l.sort_name(), ""),
            SortKey::Gateway => (
                self.gateways.get(conn).map_or("", |g| g.label()),
                l.sort_name(),
            ),
            SortKey::Kind => (l.provider.kind.as_str(), l.sort_name()),
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

/// Positions (in the card set) of the cards that pass the filters, in display order. It
/// runs per keystroke, per list arrival and per provider change, never per status change.
pub fn visible_cards(store: Store, filters: Filters) -> Memo<Vec<usize>> {
    let gateways = gateways(store);
    Memo::new(move |_| {
        store.contents.track();
        let gws = gateways.get();
        let pass = Pass {
            needle: filters.search.get().trim().to_lowercase(),
            gateway: filters.gateway.get(),
            vendor: filters.vendor.get(),
            state: filters.state.get(),
            gateways: &gws,
            sort: filters.sort.get(),
            drift: filters
                .drift_only
                .get()
                .then(|| store.reference.get())
                .flatten(),
        };
        store.cards.with(|set| {
            // One read of each card's cell, held while sorting: a keystroke allocates no
            // text, and comparisons touch no signal.
            let mut kept: Vec<_> = set
                .all()
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c, c.listed.read_untracked()))
                .filter(|(_, c, l)| pass.keeps(&c.key, c.conn, l))
                .map(|(i, c, l)| (i, c.conn, l))
                .collect();
            kept.sort_by(|a, b| pass.key(a.1, &a.2).cmp(&pass.key(b.1, &b.2)));
            kept.into_iter().map(|(i, _, _)| i).collect()
        })
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
