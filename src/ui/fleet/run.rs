//! The browser's side of a bulk run: it asks the [`Schedule`] what to send next, sends it
//! through the store (turns, stale check, retry policy, card status), and shows progress.

use crate::fleet::{clock, summary, Goal, Next, Outcome, Plan, Progress, Schedule};
use crate::journal::Operation;
use crate::ui::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use std::time::Duration;

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// No plan yet.
    Empty,
    /// Planned, nothing sent.
    Planned,
    Running,
    Paused,
    Finished,
}

/// One run of one plan. `Copy`: arena handles, dropped with the dialog (the new key in
/// the goal with them).
#[derive(Clone, Copy)]
pub struct Run {
    store: Store,
    plan: StoredValue<Option<Plan>>,
    schedule: StoredValue<Option<Schedule>>,
    goal: StoredValue<Option<Arc<dyn Goal + Send + Sync>>>,
    /// What the journal calls this run's changes.
    op: StoredValue<Operation>,
    /// Each target's outcome as its row shows it. Reference-counted cells, not arena
    /// ones: a plan made from a click belongs to no component that could drop them.
    rows: StoredValue<Vec<ArcRwSignal<Outcome>>>,
    /// Bumped whenever a new plan is loaded: the table is drawn again.
    pub generation: RwSignal<u32>,
    pub state: RwSignal<RunState>,
    pub progress: RwSignal<Progress>,
    started_at: StoredValue<f64>,
    pub elapsed: RwSignal<f64>,
    ticker: StoredValue<Option<IntervalHandle>>,
    /// When a timer will wake the run (a connection waits for `Retry-After`).
    wake_at: StoredValue<Option<f64>>,
    /// Outcomes not yet shown, and whether a redraw is due: the view follows the run a
    /// few times a second, not once per target (a redraw per target is a layout, a paint
    /// and a hover hit test per target: 1,000 of them in a big run).
    unshown: StoredValue<Vec<(usize, Outcome)>>,
    redraw_due: StoredValue<bool>,
}

/// How often the view catches up with the run, in ms.
const REDRAW_MS: u64 = 100;

fn now() -> f64 {
    js_sys::Date::now()
}

impl Run {
    pub fn new(store: Store) -> Self {
        Run {
            store,
            plan: StoredValue::new(None),
            schedule: StoredValue::new(None),
            goal: StoredValue::new(None),
            op: StoredValue::new(Operation::Save),
            rows: StoredValue::new(Vec::new()),
            generation: RwSignal::new(0),
            state: RwSignal::new(RunState::Empty),
            progress: RwSignal::new(Progress::default()),
            started_at: StoredValue::new(0.0),
            elapsed: RwSignal::new(0.0),
            ticker: StoredValue::new(None),
            wake_at: StoredValue::new(None),
            unshown: StoredValue::new(Vec::new()),
            redraw_due: StoredValue::new(false),
        }
    }

    /// Shows a new plan, nothing sent.
    pub fn load(&self, plan: Plan) {
        let schedule = Schedule::new(&plan, self.store.bulk_concurrency);
        let rows = (0..plan.targets.len())
            .map(|i| ArcRwSignal::new(schedule.outcome(i).cloned().unwrap_or(Outcome::Queued)))
            .collect();
        self.progress.set(schedule.progress());
        self.rows.set_value(rows);
        self.plan.set_value(Some(plan));
        self.schedule.set_value(Some(schedule));
        self.elapsed.set(0.0);
        self.state.set(RunState::Planned);
        self.generation.update(|g| *g += 1);
    }

    /// Forgets the plan (back to composing).
    pub fn clear(&self) {
        self.plan.set_value(None);
        self.schedule.set_value(None);
        self.rows.set_value(Vec::new());
        self.state.set(RunState::Empty);
        self.generation.update(|g| *g += 1);
    }

    /// Runs `f` on the plan, if there is one (untracked).
    pub fn with_plan<R>(&self, f: impl FnOnce(&Plan) -> R) -> Option<R> {
        self.plan.try_with_value(|p| p.as_ref().map(f)).flatten()
    }

    pub fn title(&self) -> Option<String> {
        self.generation.track();
        self.with_plan(|p| p.title.clone())
    }

    /// The outcome cell of row `i`.
    pub fn row(&self, i: usize) -> Option<ArcRwSignal<Outcome>> {
        self.rows.try_with_value(|r| r.get(i).cloned()).flatten()
    }

    /// True from the first request until the last target settles (paused included).
    pub fn is_running(&self) -> bool {
        matches!(
            self.state.try_get_untracked(),
            Some(RunState::Running | RunState::Paused)
        )
    }

    /// Sends the plan with `goal` (which plans each target again against the provider
    /// as its gateway has it when its turn comes); the journal records each target as `op`.
    pub fn start(&self, goal: Option<Arc<dyn Goal + Send + Sync>>, op: Operation) {
        if self.state.get_untracked() != RunState::Planned {
            return;
        }
        self.goal.set_value(goal);
        self.op.set_value(op);
        self.started_at.set_value(now());
        self.state.set(RunState::Running);
        let run = *self;
        let ticker = set_interval_with_handle(
            move || {
                let _ = run.elapsed.try_set(now() - run.started_at.get_value());
            },
            Duration::from_millis(1000),
        )
        .ok();
        self.ticker.set_value(ticker);
        self.pump();
    }

    pub fn pause(&self) {
        self.schedule
            .update_value(|s| s.iter_mut().for_each(Schedule::pause));
        self.state.set(RunState::Paused);
        self.pump();
    }

    pub fn resume(&self) {
        self.schedule
            .update_value(|s| s.iter_mut().for_each(Schedule::resume));
        self.state.set(RunState::Running);
        self.pump();
    }

    /// Sends nothing more; requests in flight finish and are counted.
    pub fn cancel(&self) {
        let cancelled = self
            .schedule
            .try_update_value(|s| {
                s.as_mut().map(|s| {
                    let queued: Vec<usize> = (0..s.progress().total)
                        .filter(|&i| s.outcome(i) == Some(&Outcome::Queued))
                        .collect();
                    s.cancel();
                    queued
                })
            })
            .flatten()
            .unwrap_or_default();
        for i in cancelled {
            self.show(i, Outcome::Cancelled);
        }
        self.pump();
    }

    /// Keys of the targets that failed or were cancelled: what "Retry" plans again.
    pub fn unfinished_keys(&self) -> Vec<Arc<str>> {
        let idx = self
            .schedule
            .with_value(|s| s.as_ref().map(Schedule::unfinished))
            .unwrap_or_default();
        self.with_plan(|p| {
            idx.iter()
                .filter_map(|&i| p.targets.get(i))
                .map(|t| Arc::from(t.key()))
                .collect()
        })
        .unwrap_or_default()
    }

    /// The run's report as text.
    pub fn summary(&self) -> String {
        let elapsed = self.elapsed.get_untracked();
        self.schedule
            .with_value(|s| {
                s.as_ref()
                    .and_then(|s| self.with_plan(|p| summary(p, s, elapsed)))
            })
            .unwrap_or_default()
    }

    /// Starts whatever the schedule allows now; called on start, on every outcome, on
    /// resume and by the `Retry-After` timer.
    fn pump(&self) {
        loop {
            let next = self
                .schedule
                .try_update_value(|s| s.as_mut().map(|s| s.next(now())))
                .flatten();
            match next {
                Some(Next::Start(i)) => self.send(i),
                Some(Next::WaitUntil(t)) => {
                    self.wake(t);
                    break;
                }
                Some(Next::Finished) => {
                    self.finish();
                    break;
                }
                Some(Next::Idle) | None => break,
            }
        }
        self.redraw_soon();
    }

    /// Queues a row's new outcome for the next redraw.
    fn show(&self, i: usize, outcome: Outcome) {
        self.unshown.try_update_value(|u| u.push((i, outcome)));
        self.redraw_soon();
    }

    fn redraw_soon(&self) {
        if self
            .redraw_due
            .try_update_value(|d| std::mem::replace(d, true))
            == Some(false)
        {
            let run = *self;
            set_timeout(move || run.redraw(), Duration::from_millis(REDRAW_MS));
        }
    }

    /// Brings rows and counts up to date with the run.
    fn redraw(&self) {
        if self.redraw_due.try_set_value(false).is_some() {
            return;
        }
        let unshown = self
            .unshown
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for (i, outcome) in unshown {
            if let Some(cell) = self.row(i) {
                cell.try_set(outcome);
            }
        }
        if let Some(p) = self
            .schedule
            .try_with_value(|s| s.as_ref().map(Schedule::progress))
            .flatten()
        {
            let _ = self.progress.try_set(p);
        }
    }

    fn send(&self, i: usize) {
        let (Some(key), Some(goal)) = (
            self.with_plan(|p| p.targets.get(i).map(|t| t.key()))
                .flatten(),
            self.goal.get_value(),
        ) else {
            self.settle(i, Outcome::Failed("Nothing to send.".into()));
            return;
        };
        self.show(i, Outcome::Sending);
        let op = self.op.get_value();
        let run = *self;
        spawn_local(async move {
            let slow = move |e: &crate::model::ApiError| {
                if let Some(secs) = e.retry_after {
                    let until = now() + f64::from(secs) * 1000.0;
                    run.schedule
                        .try_update_value(|s| s.iter_mut().for_each(|s| s.slow_down(i, until)));
                }
            };
            let outcome = run
                .store
                .apply(&key, |conn, provider| goal.step(conn, provider), slow, &op)
                .await;
            run.settle(i, outcome);
            run.pump();
        });
    }

    fn settle(&self, i: usize, outcome: Outcome) {
        self.schedule
            .try_update_value(|s| s.iter_mut().for_each(|s| s.finish(i, outcome.clone())));
        self.show(i, outcome);
    }

    /// Wakes the run at `t` (ms) unless a timer already will, sooner.
    fn wake(&self, t: f64) {
        if self
            .wake_at
            .try_get_value()
            .flatten()
            .is_some_and(|w| w <= t)
        {
            return;
        }
        self.wake_at.set_value(Some(t));
        let run = *self;
        set_timeout(
            move || {
                if run.wake_at.try_set_value(None).is_none() {
                    run.pump();
                }
            },
            Duration::from_millis((t - now()).max(0.0) as u64),
        );
    }

    fn finish(&self) {
        if self.state.try_get_untracked() == Some(RunState::Finished) {
            return;
        }
        if let Some(Some(t)) = self.ticker.try_get_value() {
            t.clear();
        }
        let _ = self.elapsed.try_set(now() - self.started_at.get_value());
        // The last outcomes and the counts first, then "finished".
        self.redraw_due.try_set_value(true);
        self.redraw();
        let _ = self.state.try_set(RunState::Finished);
    }
}

/// The close of a dialog that runs `run`: mid-run it asks first, and a yes cancels what
/// is not sent yet. Leaving the page mid-run is asked about too, by the browser.
pub fn guard(
    store: Store,
    run: Run,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> Callback<()> {
    // Leaving the page mid-run would drop what is not sent yet: the browser asks first.
    let _leave = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if run.is_running() {
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    Callback::new(move |()| {
        if run.is_running() {
            store.ask(
                "Stop this run? Requests already sent will finish; nothing new is sent.".into(),
                "Stop and close",
                "Keep running",
                move || {
                    run.cancel();
                    close();
                },
            );
        } else {
            close();
        }
    })
}

/// The run's bar and counts; before the run, the plan's totals.
#[component]
pub fn RunProgress(run: Run) -> impl IntoView {
    let line = move || {
        let p = run.progress.get();
        match run.state.get() {
            RunState::Empty => String::new(),
            RunState::Planned => {
                let sends = p.queued;
                let per_conn = run
                    .with_plan(|plan| {
                        plan.per_connection()
                            .iter()
                            .map(|(name, n)| format!("{name}: {n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let per_conn = if per_conn.is_empty() {
                    String::new()
                } else {
                    format!(" Requests per connection: {per_conn}.")
                };
                format!(
                    "{sends} {} to send, {} skipped. Nothing is sent until you confirm.{per_conn} Every request also carries Accept (and with a body, Content-Type): application/json.",
                    if sends == 1 { "update" } else { "updates" },
                    p.skipped
                )
            }
            state => {
                let elapsed = run.elapsed.get();
                let eta = p
                    .eta_ms(elapsed)
                    .filter(|_| state == RunState::Running)
                    .map(|ms| format!(" · about {} left", clock(ms)))
                    .unwrap_or_default();
                let paused = if state == RunState::Paused {
                    " · paused"
                } else {
                    ""
                };
                format!(
                    "{} done · {} failed · {} skipped · {} cancelled · {} remaining · {} elapsed{eta}{paused}",
                    p.done,
                    p.failed,
                    p.skipped,
                    p.cancelled,
                    p.remaining(),
                    clock(elapsed)
                )
            }
        }
    };
    let started = move || !matches!(run.state.get(), RunState::Empty | RunState::Planned);
    let finished = move || {
        (run.state.get() == RunState::Finished).then(|| {
            let p = run.progress.get();
            format!(
                "Finished: {} done, {} failed, {} skipped, {} cancelled.",
                p.done, p.failed, p.skipped, p.cancelled
            )
        })
    };
    view! {
        <div class="run-progress">
            <Show when=started>
                <progress aria-label="Run progress" max=move || run.progress.get().total.max(1)
                    value=move || run.progress.get().settled()></progress>
            </Show>
            <p class="run-counts">{line}</p>
            <p class="run-done" role="status">{finished}</p>
        </div>
    }
}

/// The buttons of each stage: send, pause, cancel, retry, copy, close.
#[component]
pub fn RunControls(
    run: Run,
    on_back: Option<Callback<()>>,
    on_retry: Callback<()>,
    on_close: Callback<()>,
    on_send: Callback<()>,
) -> impl IntoView {
    let sends = move || run.progress.get().queued;
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| copied.set(Some(crate::ui::dom::copy_text(&run.summary())));
    let copy_note = move || match copied.get() {
        Some(true) => "Summary copied.",
        Some(false) => "The browser refused the clipboard; the summary is below.",
        None => "",
    };
    let retryable = move || {
        let p = run.progress.get();
        p.failed + p.cancelled
    };
    move || {
        match run.state.get() {
        RunState::Empty => ().into_any(),
        RunState::Planned => view! {
            <div class="dialog-foot">
                {on_back.map(|back| view! { <button type="button" on:click=move |_| back.run(())>"Back"</button> })}
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="primary" disabled=move || sends() == 0 on:click=move |_| on_send.run(())>
                    {move || match sends() { 0 => "Nothing to send".to_owned(), 1 => "Send 1 update".to_owned(), n => format!("Send {n} updates") }}
                </button>
            </div>
        }.into_any(),
        RunState::Running | RunState::Paused => view! {
            <div class="dialog-foot">
                {move || if run.state.get() == RunState::Paused {
                    view! { <button type="button" on:click=move |_| run.resume()>"Resume"</button> }.into_any()
                } else {
                    view! { <button type="button" on:click=move |_| run.pause()>"Pause"</button> }.into_any()
                }}
                <button type="button" class="danger" on:click=move |_| run.cancel()>"Cancel run"</button>
            </div>
        }.into_any(),
        RunState::Finished => view! {
            <div class="dialog-foot">
                <details class="run-summary">
                    <summary>"Summary"</summary>
                    <pre>{move || { run.progress.track(); run.summary() }}</pre>
                </details>
                <span class="muted" aria-live="polite">{copy_note}</span>
                <button type="button" on:click=copy>"Copy summary"</button>
                <Show when=move || { retryable() > 0 }>
                    <button type="button" on:click=move |_| on_retry.run(())>
                        {move || format!("Retry {} failed or cancelled", retryable())}
                    </button>
                </Show>
                <button type="button" class="primary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        }.into_any(),
    }
    }
}
