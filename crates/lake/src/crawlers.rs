//! Crawler records -> the API's summaries.

use puddle_api::{CrawlProgressSummary, CrawlRunSummary, CrawlerSummary, FileTraceSummary};
use puddle_crawler::{CrawlMonitors, CrawlReport, Crawler};

/// A crawler, the progress of its crawl if one is under way here, and its last run, for the
/// console.
pub(crate) fn summary(c: &Crawler, monitors: &CrawlMonitors) -> CrawlerSummary {
    CrawlerSummary {
        progress: monitors.get(&c.config.name).map(|m| {
            let p = m.progress();
            CrawlProgressSummary {
                files_total: p.files_total as u64,
                files_done: p.files_done as u64,
                current: p.current,
                elapsed_seconds: p.elapsed_seconds,
            }
        }),
        name: c.config.name.clone(),
        database: c.config.database.clone(),
        targets: c.config.targets.clone(),
        state: c.state.clone(),
        last_crawl: c.last_crawl.as_ref().map(|run| {
            // The stored report is the crawl's own; an older or unreadable one shows no trace.
            let report: Option<CrawlReport> = serde_json::from_value(run.report.clone()).ok();
            let report = report.unwrap_or_default();
            CrawlRunSummary {
                status: run.status.clone(),
                error_message: run.error_message.clone(),
                start_time: run.start_time.to_rfc3339(),
                duration_seconds: run.duration_seconds,
                tables_created: report.tables_created,
                tables_updated: report.tables_updated,
                tables_deleted: report.tables_deleted,
                partitions_added: run.partitions_added as u64,
                files_read: run.files_read as u64,
                files_skipped: run.files_skipped as u64,
                traces: report
                    .traces
                    .into_iter()
                    .map(|t| FileTraceSummary {
                        path: t.path,
                        classification: t.classification.classification,
                        certainty: t.classification.certainty,
                        records: t.classification.records,
                        reason: t.classification.reason,
                        skipped: t.skipped,
                    })
                    .collect(),
            }
        }),
    }
}
