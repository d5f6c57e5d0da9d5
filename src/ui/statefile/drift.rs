//! The bar shown while a state file is kept open as a reference: how many of its
//! providers differ from what their gateways hold now, a filter to show only those, a
//! re-check that reads the gateways again, and a way to stop comparing. It is in the
//! state file's chunk: a file is kept open only from the import dialog.

use crate::ui::filters::Filters;
use crate::ui::store::Store;
use leptos::prelude::*;

/// What the comparison found: the file's name, its providers, those still on their
/// gateways, and those that differ.
#[derive(Clone, Debug, PartialEq)]
struct Tally {
    file: String,
    in_file: usize,
    present: usize,
    differ: usize,
}

/// The reference file's bar; nothing while no file is kept open.
#[component]
pub fn DriftBar(store: Store, filters: Filters) -> impl IntoView {
    let tally = Memo::new(move |_| {
        store.contents.track();
        store.reference.with(|r| {
            let d = r.as_ref()?;
            let (mut present, mut differ) = (0, 0);
            store.cards.with(|set| {
                for key in d.keys() {
                    if let Some(card) = set.get(key) {
                        present += 1;
                        if card.listed.with_untracked(|l| d.differs(key, &l.provider)) {
                            differ += 1;
                        }
                    }
                }
            });
            Some(Tally {
                file: d.name.clone(),
                in_file: d.len(),
                present,
                differ,
            })
        })
    });
    let text = move || {
        tally.get().map(|t| {
            let gone = t.in_file - t.present;
            let gone = match gone {
                0 => String::new(),
                1 => " 1 provider of the file is no longer on its gateway.".into(),
                n => format!(" {n} providers of the file are no longer on their gateways."),
            };
            let noun = if t.in_file == 1 {
                "provider"
            } else {
                "providers"
            };
            format!(
                "Comparing with {}: {} of its {} {noun} differ from the gateways.{gone}",
                t.file, t.differ, t.in_file
            )
        })
    };
    let recheck = move |_| {
        if let Some(d) = store.reference.get_untracked() {
            super::reload_covered(store, &d);
        }
    };
    let stop = move |_| {
        filters.drift_only.set(false);
        store.reference.set(None);
    };
    view! {
        <Show when=move || tally.with(Option::is_some)>
            <div class="drift-bar" role="region" aria-label="Reference state file">
                <span aria-live="polite">{text}</span>
                <label class="check">
                    <input type="checkbox" prop:checked=move || filters.drift_only.get()
                        on:change=move |ev| filters.drift_only.set(event_target_checked(&ev)) />
                    "Show only those that differ"
                </label>
                <button type="button" on:click=recheck>"Re-check"</button>
                <button type="button" class="link" on:click=stop>"Stop comparing"</button>
            </div>
        </Show>
    }
}
