//! Configuration as code in the panel: export the live state as a state file; import a
//! reviewed one (check it, see the plan field by field, apply it, see it verified); keep
//! it open as a reference to see drift. The file, its checks and its plan are
//! [`crate::state`]'s and the run is the bulk actions' own; this is only their view.

use leptos::prelude::*;

mod drift;
mod export;
mod import;

pub use drift::DriftBar;
pub use export::ExportDialog;
pub use import::ImportDialog;

/// Which state-file dialog is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateView {
    Export,
    Import,
}

/// Reads again the connections a state file covers (the file's `Desired`).
fn reload_covered(store: crate::ui::store::Store, desired: &crate::state::Desired) {
    let ids = desired.connections();
    let indices: Vec<usize> = store.connections.with_untracked(|cs| {
        cs.iter()
            .enumerate()
            .filter(|(_, c)| ids.contains(&c.id))
            .map(|(i, _)| i)
            .collect()
    });
    for i in indices {
        store.load(i);
    }
}
