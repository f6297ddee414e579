//! The query executions in progress in this lake: their cancel flags, for StopQueryExecution,
//! and their heartbeats, for a lake opened in another tab.
//!
//! A statement runs inside StartQueryExecution, but the engine answers other requests while the
//! query awaits storage and between record batches, so GetQueryExecution sees it `RUNNING` and
//! StopQueryExecution reaches it: the stop sets the execution's cancel flag, which the SQL engine
//! checks between batches and before every object read (`RunOptions::cancel`).

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use futures::future::BoxFuture;
use object_store::ObjectStore;

use crate::executions::{load, save, QueryExecution};

/// How often a running query refreshes the heartbeat in its record (and looks there for a stop
/// request from another tab).
pub(crate) const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a `QUEUED`/`RUNNING` execution may go without a heartbeat before it is taken for
/// abandoned (its tab closed): a lake opening then ends it `FAILED`, a stop ends it `CANCELLED`.
pub(crate) const HEARTBEAT_GRACE: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// One execution in progress here.
#[derive(Debug)]
struct Entry {
    cancel: Arc<AtomicBool>,
    client_request_token: Option<String>,
}

/// The executions in progress, shared by every clone of the lake's `Athena`.
#[derive(Debug, Default)]
pub(crate) struct Running {
    executions: Mutex<HashMap<String, Entry>>,
}

/// Removes its execution from [`Running`] when the execution ends, however it ends.
pub(crate) struct Registered<'a> {
    running: &'a Running,
    id: String,
    /// The execution's cancel flag (`RunOptions::cancel`).
    pub(crate) cancel: Arc<AtomicBool>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.running.lock().remove(&self.id);
    }
}

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.executions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers execution `id`.
    pub(crate) fn register(&self, id: &str, client_request_token: Option<&str>) -> Registered<'_> {
        let cancel = Arc::new(AtomicBool::new(false));
        let entry = Entry { cancel: Arc::clone(&cancel), client_request_token: client_request_token.map(String::from) };
        self.lock().insert(id.to_string(), entry);
        Registered { running: self, id: id.to_string(), cancel }
    }

    /// Asks execution `id` to stop; false when it is not in progress here.
    pub(crate) fn request_stop(&self, id: &str) -> bool {
        match self.lock().get(id) {
            Some(e) => {
                e.cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Whether execution `id` is in progress here.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.lock().contains_key(id)
    }

    /// The id of the execution in progress here that was started with `token`.
    pub(crate) fn by_token(&self, token: &str) -> Option<String> {
        self.lock().iter().find(|(_, e)| e.client_request_token.as_deref() == Some(token)).map(|(id, _)| id.clone())
    }
}

/// Watches one running execution for the SQL engine (`RunOptions::observer`): notes when planning
/// ended, and every [`HEARTBEAT_EVERY`] between batches refreshes the record's heartbeat and
/// turns a stop request left in the record by another tab into the cancel flag.
#[derive(Debug)]
pub(crate) struct ExecutionObserver {
    store: Arc<dyn ObjectStore>,
    id: String,
    cancel: Arc<AtomicBool>,
    every: std::time::Duration,
    last_beat: Mutex<web_time::Instant>,
    planned: Mutex<Option<web_time::Instant>>,
}

impl ExecutionObserver {
    /// An observer of execution `id` that beats every `every`.
    pub(crate) fn new(
        store: Arc<dyn ObjectStore>,
        id: &str,
        cancel: Arc<AtomicBool>,
        every: std::time::Duration,
    ) -> Self {
        Self {
            store,
            id: id.to_string(),
            cancel,
            every,
            last_beat: Mutex::new(web_time::Instant::now()),
            planned: Mutex::new(None),
        }
    }

    /// When planning ended, if the statement planned a query.
    pub(crate) fn planned_at(&self) -> Option<web_time::Instant> {
        *self.planned.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Refreshes the heartbeat if it is due. Best effort: a failed write only delays it.
    async fn beat(&self) {
        {
            let mut last = self.last_beat.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() < self.every {
                return;
            }
            *last = web_time::Instant::now();
        }
        // Re-read the record so a stop request written meanwhile by another tab is seen and kept.
        let Ok(mut execution) = load(&self.store, &self.id).await else { return };
        if execution.stop_requested {
            self.cancel.store(true, Ordering::SeqCst);
        }
        if QueryExecution::is_in_progress_state(&execution.state) {
            execution.heartbeat = Some(chrono::Utc::now());
            let _ = save(&self.store, &execution).await;
        }
    }
}

impl puddle_sql::QueryObserver for ExecutionObserver {
    fn planned(&self) {
        let mut planned = self.planned.lock().unwrap_or_else(|e| e.into_inner());
        planned.get_or_insert_with(web_time::Instant::now);
    }

    fn batch_done(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.beat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_reaches_only_an_execution_in_progress_and_the_guard_ends_it() {
        let running = Running::default();
        let a = running.register("q1", Some("token-of-the-workbench-run-0000001"));
        assert!(running.contains("q1"));
        assert_eq!(running.by_token("token-of-the-workbench-run-0000001").as_deref(), Some("q1"));
        assert_eq!(running.by_token("another"), None);
        assert!(!a.cancel.load(Ordering::SeqCst));
        assert!(running.request_stop("q1"));
        assert!(a.cancel.load(Ordering::SeqCst));
        assert!(!running.request_stop("q2"));
        drop(a);
        assert!(!running.contains("q1"));
        assert!(!running.request_stop("q1"));
    }
}
