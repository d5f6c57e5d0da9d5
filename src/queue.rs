//! Turns per key: async work on one key runs one at a time, in the order it asked, while
//! work on other keys runs freely. Saves to one provider use it so that each is checked
//! against the state the previous one left.

use futures_channel::oneshot;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// Keys held now, each with who waits for it next. Only keys with work in flight are here,
/// a handful at a time, so a list is enough.
#[derive(Default)]
struct Waiting(Vec<(String, VecDeque<oneshot::Sender<()>>)>);

impl Waiting {
    fn get_mut(&mut self, key: &str) -> Option<&mut VecDeque<oneshot::Sender<()>>> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, q)| q)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    fn insert(&mut self, key: String) {
        self.0.push((key, VecDeque::new()));
    }

    fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }
}

/// A queue per key. Cloning shares the queues.
#[derive(Clone, Default)]
pub struct KeyedQueue {
    // A key is present while someone holds its turn; its list holds who waits next.
    waiting: Arc<Mutex<Waiting>>,
}

/// The right to work on one key; dropping it hands the key to the next waiter.
pub struct Turn {
    queue: KeyedQueue,
    key: String,
}

impl KeyedQueue {
    /// Waits until every earlier holder of `key` is done, then holds it.
    pub async fn turn(&self, key: &str) -> Turn {
        let wait = {
            let mut waiting = self.lock();
            match waiting.get_mut(key) {
                None => {
                    waiting.insert(key.to_owned());
                    None
                }
                Some(queue) => {
                    let (tx, rx) = oneshot::channel();
                    queue.push_back(tx);
                    Some(rx)
                }
            }
        };
        if let Some(rx) = wait {
            // An error means the queue itself is gone; nobody else holds the key then.
            let _ = rx.await;
        }
        Turn {
            queue: self.clone(),
            key: key.to_owned(),
        }
    }

    /// True when someone holds `key`.
    pub fn is_busy(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        // Nothing panics while holding the lock, and the map stays consistent if it did.
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut waiting = self.queue.lock();
        let Some(queue) = waiting.get_mut(&self.key) else {
            return;
        };
        // A waiter that gave up (its future was dropped) cannot take the turn: skip it.
        while let Some(next) = queue.pop_front() {
            if next.send(()).is_ok() {
                return;
            }
        }
        waiting.remove(&self.key);
    }
}

#[cfg(test)]
// The executor the tests use is a host dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn one_key_runs_in_order_other_keys_do_not_wait() {
        let mut pool = LocalPool::new();
        let queue = KeyedQueue::default();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let spawner = pool.spawner();
        {
            let (q, log) = (queue.clone(), log.clone());
            spawner
                .spawn_local(async move {
                    let _turn = q.turn("a").await;
                    log.borrow_mut().push("a1 start");
                    let _ = release_rx.await;
                    log.borrow_mut().push("a1 end");
                })
                .unwrap();
        }
        for name in ["a2", "b1"] {
            let (q, log) = (queue.clone(), log.clone());
            let key = name.get(..1).unwrap_or_default().to_owned();
            spawner
                .spawn_local(async move {
                    let _turn = q.turn(&key).await;
                    log.borrow_mut().push(name);
                })
                .unwrap();
        }
        pool.run_until_stalled();
        assert_eq!(*log.borrow(), ["a1 start", "b1"]);
        assert!(queue.is_busy("a") && !queue.is_busy("b"));
        release_tx.send(()).unwrap();
        pool.run_until_stalled();
        assert_eq!(*log.borrow(), ["a1 start", "b1", "a1 end", "a2"]);
        assert!(!queue.is_busy("a"), "the last turn frees the key");
    }

    #[test]
    fn a_waiter_that_gave_up_is_skipped() {
        let mut pool = LocalPool::new();
        let queue = KeyedQueue::default();
        let first = pool.run_until(queue.turn("k"));
        let mut gave_up = Box::pin(queue.turn("k"));
        let polled = pool.run_until(async { futures::poll!(gave_up.as_mut()) });
        assert!(polled.is_pending(), "the key is held, so it waits");
        let q = queue.clone();
        let done = Rc::new(RefCell::new(false));
        let d = done.clone();
        pool.spawner()
            .spawn_local(async move {
                let _t = q.turn("k").await;
                *d.borrow_mut() = true;
            })
            .unwrap();
        pool.run_until_stalled();
        drop(gave_up);
        drop(first);
        pool.run_until_stalled();
        assert!(*done.borrow());
        assert!(!queue.is_busy("k"));
    }
}
