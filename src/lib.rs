//! Switchboard: an admin panel for LLM provider configuration across gateways.
//!
//! The crate is split the way it is tested: [`model`] and [`dialect`] are pure Rust
//! (no DOM, no network) and run under plain `cargo test`; [`client`], [`config`] and
//! [`ui`] form the browser shell and only build with the default `ui` feature.

pub mod dialect;
pub mod fleet;
pub mod health;
pub mod journal;
pub mod model;
pub mod state;
pub mod vault;

#[cfg(feature = "ui")]
pub mod client;
#[cfg(feature = "ui")]
pub mod queue;
#[cfg(feature = "ui")]
pub mod storage;
#[cfg(feature = "ui")]
pub mod ui;

pub mod config;

#[cfg(feature = "ui")]
pub use ui::app::{App, Panel, PanelProps};
#[cfg(feature = "ui")]
pub use ui::store::SavedEvent;

pub use dialect::{Connection, Gateway};
pub use model::Auth;
