//! Fleet operations: one intent over many providers, turned into a [`Plan`] of targets
//! (each an exact request or a skip with its reason), then sent by a [`Schedule`] that
//! bounds concurrency per connection and accounts for every outcome.
//!
//! Everything here is pure: the panel's bulk bar and any later shell (import, revert, a
//! command line) build the same plan and drive the same schedule; only the sending is
//! theirs.

pub mod action;
pub mod plan;
pub mod schedule;

pub use action::Action;
pub use plan::{Goal, Plan, Step, Target};
pub use schedule::{clock, summary, Next, Outcome, Progress, Schedule};
