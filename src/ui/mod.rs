//! Thin Leptos components that render what the core describes. No component builds a
//! URL or a JSON body: requests come from the dialects, network from [`crate::client`].

pub mod app;
pub mod card;
pub mod cards;
pub mod confirm;
pub mod dom;
pub mod embed;
pub mod filters;
pub mod fleet;
pub mod form;
pub mod grid;
pub mod health;
pub mod history;
pub mod idb;
pub mod inputs;
pub mod journal;
pub mod lazy;
pub mod modal;
pub mod selection;
pub mod settings;
pub mod statefile;
pub mod store;
pub mod tabs;
pub mod toast;
pub mod vault;
