//! GetCrawlerMetrics from what is known: the crawl in progress here (files done of files listed,
//! elapsed time) and the runtimes of the crawler's recent runs. What is not known is left out.

use serde::Serialize;

use crate::{CrawlProgress, Crawler};

/// How many recent runtimes a crawler keeps for its median.
pub const RUNTIMES_KEPT: usize = 100;

/// One crawler's entry of GetCrawlerMetrics, serialized as Glue prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CrawlerMetrics {
    /// The crawler.
    pub crawler_name: String,
    /// Estimated seconds left of the crawl in progress (0 when it is not crawling; absent while
    /// it is still estimating).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_left_seconds: Option<f64>,
    /// True while the crawl in progress has not yet classified a file, or runs in another tab
    /// (whose progress this one cannot see).
    pub still_estimating: bool,
    /// Duration of the last run (absent before the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_runtime_seconds: Option<f64>,
    /// Median duration of the recent runs (absent before the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_runtime_seconds: Option<f64>,
    /// Tables the last run created.
    pub tables_created: usize,
    /// Tables the last run updated.
    pub tables_updated: usize,
    /// Tables the last run deleted or deprecated.
    pub tables_deleted: usize,
}

/// The metrics of `crawler`; `progress` is its crawl in progress in this lake, if any.
pub fn crawler_metrics(crawler: &Crawler, progress: Option<&CrawlProgress>) -> CrawlerMetrics {
    let crawling = crawler.state != "READY";
    let (time_left_seconds, still_estimating) = match progress {
        _ if !crawling => (Some(0.0), false),
        Some(p) if p.files_done > 0 => {
            let per_file = p.elapsed_seconds / p.files_done as f64;
            (Some(per_file * p.files_total.saturating_sub(p.files_done) as f64), false)
        }
        // Still listing, on the first file, or crawling in another tab.
        _ => (None, true),
    };
    let last = crawler.last_crawl.as_ref();
    CrawlerMetrics {
        crawler_name: crawler.config.name.clone(),
        time_left_seconds,
        still_estimating,
        last_runtime_seconds: last.map(|r| r.duration_seconds),
        median_runtime_seconds: median(&runtimes(crawler)),
        tables_created: last.map_or(0, |r| r.tables_created),
        tables_updated: last.map_or(0, |r| r.tables_updated),
        tables_deleted: last.map_or(0, |r| r.tables_deleted),
    }
}

/// The recent runtimes of `crawler`. A record from before they were kept knows only the last
/// run's, which is the median only when it was the sole run.
fn runtimes(crawler: &Crawler) -> Vec<f64> {
    match (&crawler.recent_runtimes[..], &crawler.last_crawl) {
        ([], Some(last)) if crawler.runs == 1 => vec![last.duration_seconds],
        (kept, _) => kept.to_vec(),
    }
}

/// The median of `values` (the mean of the two middle ones for an even count).
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Adds a finished run's runtime to `crawler`, keeping the last [`RUNTIMES_KEPT`].
pub(crate) fn record_runtime(crawler: &mut Crawler, seconds: f64) {
    crawler.recent_runtimes.push(seconds);
    let extra = crawler.recent_runtimes.len().saturating_sub(RUNTIMES_KEPT);
    crawler.recent_runtimes.drain(..extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CrawlConfig, CrawlRun};

    fn crawler(state: &str) -> Crawler {
        Crawler {
            config: CrawlConfig { name: "c".into(), ..CrawlConfig::default() },
            role: String::new(),
            state: state.into(),
            creation_time: chrono::Utc::now(),
            last_crawl: None,
            runs: 0,
            schedule_state: "NOT_SCHEDULED".into(),
            heartbeat: None,
            recent_runtimes: Vec::new(),
        }
    }

    fn run(seconds: f64, created: usize) -> CrawlRun {
        CrawlRun {
            status: "SUCCEEDED".into(),
            error_message: None,
            start_time: chrono::Utc::now(),
            duration_seconds: seconds,
            tables_created: created,
            tables_updated: 0,
            tables_deleted: 0,
            partitions_added: 0,
            files_read: 0,
            files_skipped: 0,
            report: serde_json::Value::Null,
        }
    }

    #[test]
    fn time_left_follows_the_progress_of_the_crawl() {
        let c = crawler("RUNNING");
        let listing = CrawlProgress { files_total: 0, files_done: 0, current: None, elapsed_seconds: 0.5 };
        let m = crawler_metrics(&c, Some(&listing));
        assert_eq!((m.time_left_seconds, m.still_estimating), (None, true));
        let quarter = CrawlProgress { files_total: 40, files_done: 10, current: None, elapsed_seconds: 5.0 };
        let m = crawler_metrics(&c, Some(&quarter));
        assert_eq!((m.time_left_seconds, m.still_estimating), (Some(15.0), false));
        let near_end = CrawlProgress { files_total: 40, files_done: 39, current: None, elapsed_seconds: 19.5 };
        assert_eq!(crawler_metrics(&c, Some(&near_end)).time_left_seconds, Some(0.5));
        // Crawling in another tab: this one cannot know.
        let m = crawler_metrics(&c, None);
        assert_eq!((m.time_left_seconds, m.still_estimating), (None, true));
        let json = serde_json::to_value(&m).unwrap();
        assert!(json.get("TimeLeftSeconds").is_none(), "{json}");
        assert_eq!(json["StillEstimating"], serde_json::json!(true));
        // Not crawling: nothing left.
        let m = crawler_metrics(&crawler("READY"), None);
        assert_eq!((m.time_left_seconds, m.still_estimating), (Some(0.0), false));
    }

    #[test]
    fn runtimes_and_tables_come_from_the_runs() {
        let mut c = crawler("READY");
        let json = serde_json::to_value(crawler_metrics(&c, None)).unwrap();
        assert!(json.get("LastRuntimeSeconds").is_none() && json.get("MedianRuntimeSeconds").is_none(), "{json}");
        for (seconds, created) in [(10.0, 3), (2.0, 0), (4.0, 1)] {
            c.last_crawl = Some(run(seconds, created));
            c.runs += 1;
            record_runtime(&mut c, seconds);
        }
        let m = crawler_metrics(&c, None);
        assert_eq!((m.last_runtime_seconds, m.median_runtime_seconds), (Some(4.0), Some(4.0)));
        assert_eq!(m.tables_created, 1, "the last run's");
        record_runtime(&mut c, 1.0);
        assert_eq!(crawler_metrics(&c, None).median_runtime_seconds, Some(3.0));
        for _ in 0..RUNTIMES_KEPT + 5 {
            record_runtime(&mut c, 7.0);
        }
        assert_eq!(c.recent_runtimes.len(), RUNTIMES_KEPT);
        // A record from before runtimes were kept: the median is known only after one run.
        let mut old = crawler("READY");
        old.last_crawl = Some(run(6.0, 0));
        old.runs = 1;
        assert_eq!(crawler_metrics(&old, None).median_runtime_seconds, Some(6.0));
        old.runs = 5;
        assert_eq!(crawler_metrics(&old, None).median_runtime_seconds, None);
        assert_eq!(crawler_metrics(&old, None).last_runtime_seconds, Some(6.0));
    }
}
