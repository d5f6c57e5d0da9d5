//! The run of a plan, as bookkeeping: which target goes next, how many are in flight per
//! connection, who waits for a `Retry-After`, and how every target ended. It sends
//! nothing and reads no clock: the shell asks [`Schedule::next`] with the time and reports
//! back with [`Schedule::finish`], so the same accounting serves the browser and a
//! terminal, and is tested without either.

use super::plan::{Plan, Step};
use std::collections::VecDeque;

/// Where one target stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Waiting for its turn.
    Queued,
    /// On the wire.
    Sending,
    /// The gateway acknowledged the update.
    Done,
    /// The gateway refused it, or no answer came: the gateway's own message.
    Failed(String),
    /// Never sent, for this reason (planned as a skip, or nothing left to change).
    Skipped(String),
    /// Not sent because the run was cancelled.
    Cancelled,
}

/// What the shell should do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Next {
    /// Send the target at this index of the plan.
    Start(usize),
    /// Nothing may start before this time (ms): a connection asked to slow down.
    WaitUntil(f64),
    /// Nothing may start now; a finishing target or a resume will change that.
    Idle,
    /// Every target has an outcome.
    Finished,
}

/// Counts of a run, for the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cancelled: usize,
    pub sending: usize,
    pub queued: usize,
}

impl Progress {
    /// Targets with an outcome.
    pub fn settled(&self) -> usize {
        self.done + self.failed + self.skipped + self.cancelled
    }

    /// Targets not yet settled.
    pub fn remaining(&self) -> usize {
        self.queued + self.sending
    }

    /// Time left, from the pace so far: `elapsed_ms` spent on the requests that ended.
    pub fn eta_ms(&self, elapsed_ms: f64) -> Option<f64> {
        let ended = self.done + self.failed;
        (ended > 0 && self.remaining() > 0)
            .then(|| elapsed_ms / ended as f64 * self.remaining() as f64)
    }
}

/// One connection's line of targets.
#[derive(Debug)]
struct Lane {
    conn_id: String,
    queue: VecDeque<usize>,
    sending: usize,
    /// No new request before this time (ms); 0 when the connection is not slowed.
    resume_at: f64,
}

/// The bookkeeping of one run.
#[derive(Debug)]
pub struct Schedule {
    outcomes: Vec<Outcome>,
    lane_of: Vec<usize>,
    lanes: Vec<Lane>,
    /// Requests in flight per connection, at most.
    limit: usize,
    paused: bool,
    /// The lane the next search starts at, so connections take turns.
    cursor: usize,
}

impl Schedule {
    /// A schedule for `plan`: skipped targets are settled already, the rest queue per
    /// connection in plan order; at most `limit` (at least 1) in flight per connection.
    pub fn new(plan: &Plan, limit: usize) -> Schedule {
        let mut lanes: Vec<Lane> = Vec::new();
        let mut outcomes = Vec::with_capacity(plan.targets.len());
        let mut lane_of = Vec::with_capacity(plan.targets.len());
        for (i, t) in plan.targets.iter().enumerate() {
            let lane = match lanes.iter().position(|l| l.conn_id == t.conn_id) {
                Some(l) => l,
                None => {
                    lanes.push(Lane {
                        conn_id: t.conn_id.clone(),
                        queue: VecDeque::new(),
                        sending: 0,
                        resume_at: 0.0,
                    });
                    lanes.len() - 1
                }
            };
            lane_of.push(lane);
            match &t.step {
                Step::Send(_) => {
                    if let Some(l) = lanes.get_mut(lane) {
                        l.queue.push_back(i);
                    }
                    outcomes.push(Outcome::Queued);
                }
                Step::Skip(why) => outcomes.push(Outcome::Skipped(why.clone())),
            }
        }
        Schedule {
            outcomes,
            lane_of,
            lanes,
            limit: limit.max(1),
            paused: false,
            cursor: 0,
        }
    }

    /// The next thing to do at time `now` (ms). A `Start` marks the target as sending.
    pub fn next(&mut self, now: f64) -> Next {
        if self.is_finished() {
            return Next::Finished;
        }
        if self.paused {
            return Next::Idle;
        }
        let n = self.lanes.len();
        let mut soonest: Option<f64> = None;
        for step in 0..n {
            let li = (self.cursor + step) % n;
            let Some(lane) = self.lanes.get_mut(li) else {
                continue;
            };
            if lane.queue.is_empty() || lane.sending >= self.limit {
                continue;
            }
            if lane.resume_at > now {
                soonest = Some(soonest.map_or(lane.resume_at, |s: f64| s.min(lane.resume_at)));
                continue;
            }
            if let Some(i) = lane.queue.pop_front() {
                lane.sending += 1;
                self.cursor = (li + 1) % n;
                if let Some(o) = self.outcomes.get_mut(i) {
                    *o = Outcome::Sending;
                }
                return Next::Start(i);
            }
        }
        soonest.map_or(Next::Idle, Next::WaitUntil)
    }

    /// Records how the target at `i` ended (anything but `Queued` or `Sending`).
    pub fn finish(&mut self, i: usize, outcome: Outcome) {
        let Some(slot) = self.outcomes.get_mut(i) else {
            return;
        };
        if *slot != Outcome::Sending {
            return;
        }
        *slot = outcome;
        if let Some(lane) = self.lane_of.get(i).and_then(|&l| self.lanes.get_mut(l)) {
            lane.sending = lane.sending.saturating_sub(1);
        }
    }

    /// The connection of target `i` sends nothing new before `until` (ms): its gateway
    /// asked to slow down. Other connections carry on.
    pub fn slow_down(&mut self, i: usize, until: f64) {
        if let Some(lane) = self.lane_of.get(i).and_then(|&l| self.lanes.get_mut(l)) {
            lane.resume_at = lane.resume_at.max(until);
        }
    }

    /// Starts nothing new until [`Schedule::resume`]; requests in flight finish.
    pub fn pause(&mut self) {
        self.paused = true;
    }

    pub fn resume(&mut self) {
        self.paused = false;
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Sends nothing more: every queued target ends as cancelled; those in flight finish.
    pub fn cancel(&mut self) {
        for lane in &mut self.lanes {
            for i in lane.queue.drain(..) {
                if let Some(o) = self.outcomes.get_mut(i) {
                    *o = Outcome::Cancelled;
                }
            }
        }
    }

    /// True when every target has an outcome.
    pub fn is_finished(&self) -> bool {
        self.lanes
            .iter()
            .all(|l| l.queue.is_empty() && l.sending == 0)
    }

    /// How the target at `i` stands.
    pub fn outcome(&self, i: usize) -> Option<&Outcome> {
        self.outcomes.get(i)
    }

    /// The counts so far.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.outcomes.len(),
            ..Progress::default()
        };
        for o in &self.outcomes {
            match o {
                Outcome::Queued => p.queued += 1,
                Outcome::Sending => p.sending += 1,
                Outcome::Done => p.done += 1,
                Outcome::Failed(_) => p.failed += 1,
                Outcome::Skipped(_) => p.skipped += 1,
                Outcome::Cancelled => p.cancelled += 1,
            }
        }
        p
    }

    /// Indexes of the targets a retry would plan again: failed or cancelled.
    pub fn unfinished(&self) -> Vec<usize> {
        self.outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| matches!(o, Outcome::Failed(_) | Outcome::Cancelled))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A duration as `m:ss` (or `h:mm:ss`), as the progress line shows it.
pub fn clock(ms: f64) -> String {
    let secs = (ms.max(0.0) / 1000.0).round() as u64;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A run's report as plain text, to copy: the counts, then every target that did not
/// end done, with its reason, failures first.
pub fn summary(plan: &Plan, schedule: &Schedule, elapsed_ms: f64) -> String {
    let p = schedule.progress();
    let mut out = format!(
        "{}: {} done, {} failed, {} skipped, {} cancelled, of {} in {}.",
        plan.title,
        p.done,
        p.failed,
        p.skipped,
        p.cancelled,
        p.total,
        clock(elapsed_ms)
    );
    // What needs the admin's attention first: failures, then what was not sent.
    let rank = |o: &Outcome| match o {
        Outcome::Failed(_) => 0,
        Outcome::Queued | Outcome::Sending => 1,
        Outcome::Cancelled => 2,
        Outcome::Skipped(_) => 3,
        Outcome::Done => 4,
    };
    let mut listed: Vec<_> = plan
        .targets
        .iter()
        .zip(&schedule.outcomes)
        .filter(|(_, o)| **o != Outcome::Done)
        .collect();
    listed.sort_by_key(|(_, o)| rank(o));
    for (t, o) in listed {
        let (word, why) = match o {
            Outcome::Failed(m) => ("failed", m.as_str()),
            Outcome::Skipped(m) => ("skipped", m.as_str()),
            Outcome::Cancelled => ("cancelled", "not sent"),
            Outcome::Queued | Outcome::Sending | Outcome::Done => ("unfinished", ""),
        };
        out.push_str(&format!(
            "\n- {} ({}, {}): {word}. {why}",
            t.provider_name,
            t.conn_name,
            t.key()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::testkit::conn;
    use crate::dialect::{barndoor::Barndoor, refactor::Refactor, Dialect};
    use crate::fleet::Action;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use serde_json::json;

    /// A disable plan over `per_conn[i]` enabled providers on connection i, plus one
    /// already-disabled provider (a skip) on the first.
    fn plan(per_conn: &[usize]) -> Plan {
        let conns: Vec<_> = per_conn
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let mut c = conn(if i % 2 == 0 { &Barndoor } else { &Refactor });
                c.id = format!("c{i}");
                c.name = format!("C{i}");
                c
            })
            .collect();
        let mut items = Vec::new();
        for (i, &n) in per_conn.iter().enumerate() {
            for k in 0..n {
                let p = if i % 2 == 0 {
                    Barndoor.parse_one(json!({"id":format!("p{k}"),"name":"x","model_provider":"openai","auth_type":"api_key","base_url":"https://a.example","enabled":true})).unwrap()
                } else {
                    Refactor
                        .parse_one(json!({"provider":"openai","enabled":true}))
                        .unwrap()
                };
                items.push((i, p));
            }
        }
        if !per_conn.is_empty() {
            let off = Barndoor.parse_one(json!({"id":"off","name":"x","model_provider":"openai","auth_type":"api_key","base_url":"https://a.example","enabled":false})).unwrap();
            items.push((0, off));
        }
        Plan::build(&Action::Disable, items.iter().map(|(i, p)| (&conns[*i], p)))
    }

    #[test]
    fn concurrency_is_bounded_per_connection_and_connections_take_turns() {
        let p = plan(&[3, 3]);
        let mut s = Schedule::new(&p, 2);
        let started: Vec<_> = std::iter::from_fn(|| match s.next(0.0) {
            Next::Start(i) => Some(p.targets[i].conn_id.clone()),
            _ => None,
        })
        .collect();
        assert_eq!(started, ["c0", "c1", "c0", "c1"]);
        assert_eq!(s.next(0.0), Next::Idle);
        assert_eq!(s.progress().sending, 4);
        assert_eq!(s.progress().skipped, 1);
    }

    #[test]
    fn retry_after_slows_only_its_connection() {
        let p = plan(&[2, 2]);
        let mut s = Schedule::new(&p, 1);
        let Next::Start(a) = s.next(0.0) else {
            panic!()
        };
        let Next::Start(b) = s.next(0.0) else {
            panic!()
        };
        s.slow_down(a, 5_000.0);
        s.finish(a, Outcome::Failed("503".into()));
        s.finish(b, Outcome::Done);
        let Next::Start(c) = s.next(10.0) else {
            panic!()
        };
        assert_eq!(p.targets[c].conn_id, p.targets[b].conn_id);
        assert_eq!(s.next(10.0), Next::WaitUntil(5_000.0));
        assert!(
            matches!(s.next(5_000.0), Next::Start(i) if p.targets[i].conn_id == p.targets[a].conn_id)
        );
    }

    #[test]
    fn pause_cancel_and_retry() {
        let p = plan(&[4]);
        let mut s = Schedule::new(&p, 2);
        let Next::Start(a) = s.next(0.0) else {
            panic!()
        };
        s.pause();
        assert_eq!(s.next(0.0), Next::Idle);
        s.resume();
        let Next::Start(b) = s.next(0.0) else {
            panic!()
        };
        s.cancel();
        assert_eq!(s.next(0.0), Next::Idle, "in flight still");
        s.finish(a, Outcome::Done);
        s.finish(b, Outcome::Failed("refused".into()));
        assert_eq!(s.next(0.0), Next::Finished);
        let pr = s.progress();
        assert_eq!((pr.done, pr.failed, pr.cancelled, pr.skipped), (1, 1, 2, 1));
        assert_eq!(s.unfinished().len(), 3);
        assert!(!s.unfinished().contains(&a));
    }

    #[test]
    fn the_summary_names_every_target_not_done() {
        let p = plan(&[2]);
        let mut s = Schedule::new(&p, 4);
        let Next::Start(a) = s.next(0.0) else {
            panic!()
        };
        let Next::Start(b) = s.next(0.0) else {
            panic!()
        };
        s.finish(a, Outcome::Done);
        s.finish(b, Outcome::Failed("Gateway said no.".into()));
        let text = summary(&p, &s, 65_000.0);
        assert_eq!(
            text,
            "Disable: 1 done, 1 failed, 1 skipped, 0 cancelled, of 3 in 1:05.\n\
             - x (C0, c0/p1): failed. Gateway said no.\n\
             - x (C0, c0/off): skipped. Already disabled."
        );
        assert_eq!(clock(3_725_000.0), "1:02:05");
    }

    #[test]
    fn eta_follows_the_pace() {
        let p = Progress {
            total: 10,
            done: 4,
            queued: 6,
            ..Progress::default()
        };
        assert_eq!(p.eta_ms(2_000.0), Some(3_000.0));
        assert_eq!(Progress::default().eta_ms(5.0), None);
    }

    // proptest is a host dev-dependency: the wasm build of these tests leaves it out.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        /// Whatever order answers come in, a run never exceeds the limit on any connection,
        /// starts each sendable target exactly once, and ends with every target settled.
        #[test]
        fn every_target_settles_once(sizes in prop::collection::vec(0usize..6, 1..4), limit in 1usize..4, seed in any::<u64>()) {
            let p = plan(&sizes);
            let mut s = Schedule::new(&p, limit);
            let mut flying: Vec<usize> = Vec::new();
            let mut started = vec![0usize; p.targets.len()];
            let mut rng = seed;
            loop {
                match s.next(0.0) {
                    Next::Start(i) => {
                        started[i] += 1;
                        flying.push(i);
                        for c in &s.lanes {
                            prop_assert!(c.sending <= limit);
                        }
                    }
                    Next::Finished => break,
                    _ => {
                        prop_assert!(!flying.is_empty());
                        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        let k = (rng >> 33) as usize % flying.len();
                        let i = flying.swap_remove(k);
                        s.finish(i, if rng % 3 == 0 { Outcome::Failed("x".into()) } else { Outcome::Done });
                    }
                }
            }
            let pr = s.progress();
            prop_assert_eq!(pr.settled(), p.targets.len());
            for (i, t) in p.targets.iter().enumerate() {
                prop_assert_eq!(started[i], usize::from(t.update().is_some()));
            }
        }
    }
}
