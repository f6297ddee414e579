//! [`yield_now`]: lets the other tasks of a single-threaded executor run.
//!
//! The engine worker answers each request in its own task; a long crawl or job run awaits this
//! between its steps, so GetCrawler, GetJobRun or a stop request reach it while it works.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

/// A future that is pending exactly once (after waking itself), then ready.
pub fn yield_now() -> impl Future<Output = ()> {
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
        cx.waker().wake_by_ref();
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
