//! Bulk actions on the selected providers: the selection bar that offers them, and one
//! dialog that composes the action, shows its plan and runs it. The plan and the run's
//! bookkeeping are [`crate::fleet`]'s; this is only their view.

mod bar;
mod compose;
pub(crate) mod run;
pub(crate) mod table;

pub use bar::SelectionBar;

use super::modal::Modal;
use super::selection::Selection;
use super::store::Store;
use crate::fleet::{Action, Goal, Plan};
use crate::journal::Operation;
use compose::{RotateKeyForm, SetFieldForm};
use leptos::prelude::*;
use leptos::task::spawn_local;
use run::{guard, Run, RunControls, RunProgress, RunState};
use std::sync::Arc;
use table::TargetTable;

/// Which bulk action the admin picked in the selection bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Enable,
    Disable,
    SetField,
    RotateKey,
}

impl Intent {
    fn title(self) -> &'static str {
        match self {
            Intent::Enable => "Enable",
            Intent::Disable => "Disable",
            Intent::SetField => "Set a field",
            Intent::RotateKey => "Rotate key",
        }
    }
}

/// The bulk action dialog for `intent` over the selection.
#[component]
pub fn FleetDialog(
    store: Store,
    selection: Selection,
    intent: RwSignal<Option<Intent>>,
) -> impl IntoView {
    let Some(chosen) = intent.get_untracked() else {
        return ().into_any();
    };
    let keys = StoredValue::new(selection.keys());
    let composed = matches!(chosen, Intent::SetField | Intent::RotateKey);
    // Choosing the field and value, or typing the key; then the plan and the run.
    let composing = RwSignal::new(composed);
    // The action, new key included, lives as long as this dialog and no longer.
    let action = StoredValue::new(None::<Action>);
    let run = Run::new(store);
    let review = move |act: Action, targets: &[Arc<str>]| {
        let plan = plan_for(store, &act, targets);
        action.set_value(Some(act));
        run.load(plan);
        // Not at once: the compose form that asked is still running its handler, and
        // leaving compose drops it.
        spawn_local(async move { composing.set(false) });
    };
    match chosen {
        Intent::Enable => review(Action::Enable, &keys.get_value()),
        Intent::Disable => review(Action::Disable, &keys.get_value()),
        _ => {}
    }
    let on_compose = Callback::new(move |act: Action| review(act, &keys.get_value()));
    let retry = Callback::new(move |()| {
        let again = run.unfinished_keys();
        if let Some(act) = action.get_value() {
            review(act, &again);
        }
    });
    let on_close = guard(store, run, move || intent.set(None));
    let heading = move || {
        let title = run.title().unwrap_or_else(|| chosen.title().to_owned());
        match run.state.get() {
            _ if composing.get() => format!("{title}: {} selected", keys.with_value(Vec::len)),
            RunState::Planned => format!("Review: {title}"),
            RunState::Finished => format!("{title}: finished"),
            _ => format!("{title}: running"),
        }
    };
    let compose = move || {
        composing.get().then(|| match chosen {
            Intent::SetField => view! { <SetFieldForm store=store keys=keys.get_value() on_done=on_compose on_cancel=on_close /> }.into_any(),
            _ => view! { <RotateKeyForm store=store keys=keys.get_value() on_done=on_compose on_cancel=on_close /> }.into_any(),
        })
    };
    view! {
        <Modal labelled_by="fleet-title" on_close=on_close wide=true>
            <div class="dialog-head">
                <h2 id="fleet-title">{heading}</h2>
                <button type="button" class="icon" aria-label="Close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            {compose}
            <Show when=move || !composing.get()>
                <RunProgress run=run />
                <TargetTable run=run />
                <RunControls run=run
                    on_back=composed.then_some(Callback::new(move |()| { run.clear(); composing.set(true); }))
                    on_send=Callback::new(move |()| {
                        let act = action.get_value();
                        let op = Operation::Bulk { run: act.as_ref().map(Action::title).unwrap_or_default() };
                        run.start(act.map(|a| Arc::new(a) as _), op);
                    })
                    on_retry=retry on_close=on_close />
            </Show>
        </Modal>
    }
    .into_any()
}

/// The plan of `goal` over the cards with these keys, each against its provider as the
/// panel holds it now. Cards gone since they were selected are left out.
pub fn plan_for(store: Store, goal: &dyn Goal, keys: &[Arc<str>]) -> Plan {
    let pairs: Vec<_> = keys
        .iter()
        .filter_map(|k| store.card_and_connection(k).ok())
        .map(|(card, conn)| (conn, card.listed.with_untracked(|l| l.provider.clone())))
        .collect();
    Plan::build(goal, pairs.iter().map(|(c, p)| (c, p)))
}
