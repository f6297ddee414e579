//! The runs in progress in this lake: their stop requests, for BatchStopJobRun, and the count
//! per job, for `MaxConcurrentRuns`.
//!
//! A run executes inside StartJobRun, but the engine answers other requests while it awaits
//! storage, so GetJobRun and BatchStopJobRun reach a run that is still working. The run checks
//! its stop flag at each checkpoint (between its stages) and ends `STOPPED` there, before any
//! output is written.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

/// One run in progress.
#[derive(Debug)]
pub(crate) struct RunHandle {
    job: String,
    stop: Arc<AtomicBool>,
    committing: AtomicBool,
}

/// What a stop request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopRequest {
    /// The run will stop at its next checkpoint.
    Accepted,
    /// The run is writing its output: too late to stop it.
    Committing,
    /// No such run in progress here.
    NotRunning,
}

impl RunHandle {
    /// The stop flag, for the run's queries to watch (`RunOptions::cancel`).
    pub(crate) fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// From now on the run writes its output and cannot be stopped.
    pub(crate) fn start_commit(&self) {
        self.committing.store(true, Ordering::SeqCst);
    }

    /// Whether BatchStopJobRun asked this run to stop.
    pub(crate) fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// The registry of runs in progress, shared by every clone of the lake's `Jobs`.
#[derive(Debug, Default)]
pub(crate) struct RunControl {
    runs: Mutex<HashMap<String, Arc<RunHandle>>>,
}

/// Removes its run from the registry when the run ends, however it ends.
pub(crate) struct Registered<'a> {
    control: &'a RunControl,
    id: String,
    /// The run's handle.
    pub(crate) handle: Arc<RunHandle>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.control.lock().remove(&self.id);
    }
}

impl RunControl {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<RunHandle>>> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers run `id` of `job` unless `max` runs of the job are already in progress
    /// (then answers how many are).
    pub(crate) fn register(&self, job: &str, id: &str, max: u32) -> Result<Registered<'_>, usize> {
        let mut runs = self.lock();
        let active = runs.values().filter(|r| r.job == job).count();
        if active >= max as usize {
            return Err(active);
        }
        let handle =
            Arc::new(RunHandle { job: job.to_string(), stop: Arc::default(), committing: AtomicBool::new(false) });
        runs.insert(id.to_string(), Arc::clone(&handle));
        Ok(Registered { control: self, id: id.to_string(), handle })
    }

    /// Asks run `id` to stop.
    pub(crate) fn request_stop(&self, id: &str) -> StopRequest {
        match self.lock().get(id) {
            Some(run) if run.committing.load(Ordering::SeqCst) => StopRequest::Committing,
            Some(run) => {
                run.stop.store(true, Ordering::SeqCst);
                StopRequest::Accepted
            }
            None => StopRequest::NotRunning,
        }
    }

    /// Whether run `id` is in progress here, and if so whether it was asked to stop.
    pub(crate) fn status(&self, id: &str) -> Option<bool> {
        self.lock().get(id).map(|r| r.stop_requested())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_counts_per_job_and_ends_with_the_guard() {
        let control = RunControl::default();
        let a = control.register("job", "jr_1", 2).unwrap_or_else(|n| panic!("refused with {n} active"));
        let _b = control.register("job", "jr_2", 2).unwrap_or_else(|n| panic!("refused with {n} active"));
        assert_eq!(control.register("job", "jr_3", 2).err(), Some(2));
        // Another job has its own count.
        assert!(control.register("other", "jr_4", 1).is_ok());
        drop(a);
        assert!(control.register("job", "jr_5", 2).is_ok());
    }

    #[test]
    fn a_stop_request_reaches_only_a_run_in_progress() {
        let control = RunControl::default();
        let run = control.register("job", "jr_1", 1).unwrap_or_else(|n| panic!("refused with {n} active"));
        assert_eq!(control.status("jr_1"), Some(false));
        assert_eq!(control.request_stop("jr_1"), StopRequest::Accepted);
        assert!(run.handle.stop_requested());
        assert_eq!(control.status("jr_1"), Some(true));
        assert_eq!(control.request_stop("jr_unknown"), StopRequest::NotRunning);
        let committing = control.register("job", "jr_2", 2).unwrap_or_else(|n| panic!("refused with {n} active"));
        committing.handle.start_commit();
        assert_eq!(control.request_stop("jr_2"), StopRequest::Committing);
        assert!(!committing.handle.stop_requested());
        drop(run);
        assert_eq!(control.status("jr_1"), None);
        assert_eq!(control.request_stop("jr_1"), StopRequest::NotRunning);
    }
}
