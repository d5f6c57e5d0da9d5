//! Configuration as code in the panel: export the live state as a state file; import a
//! reviewed one (check it, see the plan field by field, apply it, see it verified); keep
//! it open as a reference to see drift. The file, its checks and its plan are
//! [`crate::state`]'s and the run is the bulk actions' own; this is only their view.

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
