//! `apply`'s run: the fleet's [`Schedule`] decides what to send next (at most N in flight
//! per connection, connections taking turns, `Retry-After` slowing one connection); each
//! target is sent on a task of its own, exactly as the panel sends one: read again, planned
//! again against what its gateway holds now, sent, and, when no readable answer came back,
//! read once more to see whether it landed.

use crate::gateway::Gateways;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use switchboard::dialect::Connection;
use switchboard::fleet::{Goal, Next, Outcome, Plan, Schedule, Step};
use switchboard::model::Provider;
use tokio::sync::mpsc;

/// What a target's task tells the run.
enum Event {
    /// The gateway asked to wait this many seconds before the next request.
    SlowDown(usize, u32),
    Settled(usize, Outcome),
}

/// Runs `plan`, each target planned again by `goal`; `providers` holds each target's
/// connection and provider as listed, by card key. `report` hears every settled target.
pub async fn run(
    gateways: Arc<Gateways>,
    plan: &Plan,
    goal: Arc<dyn Goal + Send + Sync>,
    providers: &HashMap<String, (Connection, Provider)>,
    concurrency: usize,
    mut report: impl FnMut(usize, &Outcome),
) -> Schedule {
    let mut schedule = Schedule::new(plan, concurrency);
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1000.0;
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    loop {
        // Start everything the schedule allows now.
        let wait_until = loop {
            match schedule.next(now()) {
                Next::Start(i) => {
                    let target = plan
                        .targets
                        .get(i)
                        .and_then(|t| providers.get(&t.key()))
                        .cloned();
                    let tx = tx.clone();
                    let (gateways, goal) = (gateways.clone(), goal.clone());
                    tokio::spawn(async move {
                        let outcome = match target {
                            Some((conn, provider)) => {
                                let slow = |secs| {
                                    let _ = tx.send(Event::SlowDown(i, secs));
                                };
                                apply_one(&gateways, &conn, provider, goal.as_ref(), slow).await
                            }
                            None => Outcome::Failed("This provider is no longer listed.".into()),
                        };
                        let _ = tx.send(Event::Settled(i, outcome));
                    });
                }
                Next::WaitUntil(t) => break Some(t),
                Next::Idle => break None,
                Next::Finished => return schedule,
            }
        };
        let event = match wait_until {
            Some(t) => {
                let ms = (t - now()).max(0.0) as u64;
                tokio::select! {
                    e = rx.recv() => e,
                    () = tokio::time::sleep(std::time::Duration::from_millis(ms)) => continue,
                }
            }
            None => rx.recv().await,
        };
        match event {
            Some(Event::SlowDown(i, secs)) => {
                schedule.slow_down(i, now() + f64::from(secs) * 1000.0);
            }
            Some(Event::Settled(i, outcome)) => {
                report(i, &outcome);
                schedule.finish(i, outcome);
            }
            // Every sender is gone: nothing is in flight any more.
            None => return schedule,
        }
    }
}

/// One target, as the panel's store applies one: read again, planned again, sent; `Done`
/// only when the gateway acknowledged it or, after an answer that could not be read, a
/// fresh read shows it holds the change.
async fn apply_one(
    gateways: &Gateways,
    conn: &Connection,
    listed: Provider,
    goal: &(dyn Goal + Send + Sync),
    slow: impl Fn(u32),
) -> Outcome {
    // A failed re-read does not stop the update: the update reports its own failure.
    let now = gateways.read(conn, &listed).await.unwrap_or(listed);
    let update = match goal.step(conn, &now) {
        Step::Skip(why) => return Outcome::Skipped(why),
        Step::Send(update) => update,
    };
    let on_retry = |e: &switchboard::model::ApiError| {
        if let Some(secs) = e.retry_after {
            slow(secs);
        }
    };
    let e = match gateways.send(conn, &now, &update, on_retry).await {
        Ok(_) => return Outcome::Done,
        Err(e) => e,
    };
    if e.may_have_landed() {
        if let Ok(again) = gateways.read(conn, &now).await {
            if matches!(goal.step(conn, &again), Step::Skip(_)) {
                return Outcome::Done;
            }
        }
    }
    Outcome::Failed(e.message)
}
