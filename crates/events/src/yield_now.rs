//! [`yield_now`]: lets the other tasks of a single-threaded executor run.
//!
//! The engine worker answers each request in its own task; a long crawl, job run or query
//! awaits this between its steps (files, record batches), so GetCrawler, GetJobRun or a stop
//! request reach it while it works.
//!
//! By default the yielding task wakes itself at once, which lets the executor's other ready
//! tasks run. In a browser that is not enough: a request is a message event, a macrotask, and
//! the futures executor runs in microtasks. The worker therefore installs a scheduler
//! ([`set_yield_scheduler`]) that wakes the task from a new macrotask.

use std::{
    future::Future,
    pin::Pin,
    sync::OnceLock,
    task::{Context, Poll, Waker},
};

static SCHEDULER: OnceLock<fn(Waker)> = OnceLock::new();

/// Installs how a yielding task is woken later (once per process; later calls are ignored).
pub fn set_yield_scheduler(wake_later: fn(Waker)) {
    let _ = SCHEDULER.set(wake_later);
}

/// A future that is pending exactly once (woken by the scheduler, or at once), then ready.
pub fn yield_now() -> impl Future<Output = ()> + Send {
    YieldNow { yielded: false }
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        match SCHEDULER.get() {
            Some(wake_later) => wake_later(cx.waker().clone()),
            None => cx.waker().wake_by_ref(),
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::{cell::Cell, rc::Rc};

    use super::*;

    #[test]
    fn another_task_runs_while_one_yields() {
        let order = Rc::new(Cell::new(Vec::<&str>::new()));
        let push = |o: &Rc<Cell<Vec<&'static str>>>, what| {
            let mut v = o.take();
            v.push(what);
            o.set(v);
        };
        let (a, b) = (Rc::clone(&order), Rc::clone(&order));
        futures::executor::block_on(async {
            futures::join!(
                async {
                    push(&a, "a1");
                    yield_now().await;
                    push(&a, "a2");
                },
                async {
                    push(&b, "b1");
                }
            )
        });
        assert_eq!(order.take(), vec!["a1", "b1", "a2"]);
    }
}
