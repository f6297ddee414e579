//! Crawls in progress: their progress (files classified out of files listed), for GetCrawler and
//! the console's progress bar, and their stop requests, for StopCrawler.
//!
//! A crawl runs inside StartCrawler, but the engine answers other requests while the crawl awaits
//! storage (and between files), so they see it working and can stop it after the current file.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use serde::{Deserialize, Serialize};

/// Where a crawl in progress is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlProgress {
    /// Files listed under the targets (0 while listing).
    pub files_total: usize,
    /// Files dealt with so far (classified, reused or skipped).
    pub files_done: usize,
    /// The file being classified, `s3://bucket/key`.
    pub current: Option<String>,
    /// Seconds since the crawl started.
    pub elapsed_seconds: f64,
}

/// One crawl in progress.
#[derive(Debug)]
pub struct CrawlMonitor {
    stop: AtomicBool,
    started: web_time::Instant,
    progress: Mutex<CrawlProgress>,
}

impl Default for CrawlMonitor {
    fn default() -> Self {
        Self { stop: AtomicBool::new(false), started: web_time::Instant::now(), progress: Mutex::default() }
    }
}

impl CrawlMonitor {
    fn lock(&self) -> std::sync::MutexGuard<'_, CrawlProgress> {
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether StopCrawler asked this crawl to stop.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Asks the crawl to stop after the file it is reading.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// The crawl listed `n` more files.
    pub(crate) fn listed(&self, n: usize) {
        self.lock().files_total += n;
    }

    /// The crawl is at `path`.
    pub(crate) fn reading(&self, path: &str) {
        self.lock().current = Some(path.to_string());
    }

    /// The crawl dealt with one more file.
    pub(crate) fn done_one(&self) {
        let mut p = self.lock();
        p.files_done += 1;
        p.current = None;
    }

    /// A snapshot of the progress.
    pub fn progress(&self) -> CrawlProgress {
        CrawlProgress { elapsed_seconds: self.started.elapsed().as_secs_f64(), ..self.lock().clone() }
    }
}

/// The crawls in progress in this lake, by crawler name.
#[derive(Debug, Default)]
pub struct CrawlMonitors {
    crawls: Mutex<HashMap<String, Arc<CrawlMonitor>>>,
}

/// Removes its crawl from [`CrawlMonitors`] when the crawl ends, however it ends.
pub(crate) struct Watched<'a> {
    monitors: &'a CrawlMonitors,
    name: String,
    /// The crawl's monitor.
    pub(crate) monitor: Arc<CrawlMonitor>,
}

impl Drop for Watched<'_> {
    fn drop(&mut self) {
        self.monitors.lock().remove(&self.name);
    }
}

impl CrawlMonitors {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<CrawlMonitor>>> {
        self.crawls.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts watching the crawl of `name`.
    pub(crate) fn watch(&self, name: &str) -> Watched<'_> {
        let monitor = Arc::new(CrawlMonitor::default());
        self.lock().insert(name.to_string(), Arc::clone(&monitor));
        Watched { monitors: self, name: name.to_string(), monitor }
    }

    /// The monitor of `name`'s crawl, if it is crawling here.
    pub fn get(&self, name: &str) -> Option<Arc<CrawlMonitor>> {
        self.lock().get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_files_and_the_watch_ends_with_its_guard() {
        let monitors = CrawlMonitors::default();
        let watched = monitors.watch("c");
        watched.monitor.listed(3);
        watched.monitor.reading("s3://b/a.csv");
        let p = monitors.get("c").map(|m| m.progress()).unwrap_or_default();
        assert_eq!((p.files_total, p.files_done, p.current.as_deref()), (3, 0, Some("s3://b/a.csv")));
        watched.monitor.done_one();
        assert_eq!(watched.monitor.progress().files_done, 1);
        assert!(!watched.monitor.stop_requested());
        if let Some(m) = monitors.get("c") {
            m.request_stop();
        }
        assert!(watched.monitor.stop_requested());
        drop(watched);
        assert!(monitors.get("c").is_none());
    }
}
