//! A test hook that holds long work (crawls, job runs) at its next pause until released.
//!
//! End-to-end tests must see a crawl or a job run in progress to click its Stop button. Racing
//! real time for that fails sooner or later (a fast machine finishes first), so a test holds the
//! work deterministically: [`hold_work`]`(true)`, start the work, see it RUNNING, stop it, then
//! [`hold_work`]`(false)`. Nothing in the product turns it on; the page exposes it only as
//! `window.puddle.__holdWorkForTest`.

use std::sync::atomic::{AtomicBool, Ordering};

static HELD: AtomicBool = AtomicBool::new(false);

/// Holds (`true`) or releases (`false`) every crawl and job run at its next pause.
pub fn hold_work(held: bool) {
    HELD.store(held, Ordering::SeqCst);
}

/// Whether work is being held.
pub fn work_held() -> bool {
    HELD.load(Ordering::SeqCst)
}

/// Waits, yielding to other tasks, while work is held and `stop()` is false.
pub async fn wait_while_held(stop: impl Fn() -> bool) {
    while work_held() && !stop() {
        crate::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{atomic::AtomicUsize, Arc};

    use super::*;

    #[test]
    fn held_work_waits_until_stopped() {
        // The only test touching the process-wide flag.
        hold_work(true);
        let polls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&polls);
        futures::executor::block_on(wait_while_held(move || seen.fetch_add(1, Ordering::SeqCst) >= 3));
        assert_eq!(polls.load(Ordering::SeqCst), 4, "waited until the stop condition held");
        hold_work(false);
        futures::executor::block_on(wait_while_held(|| panic!("not consulted once released")));
    }
}
