//! Crawler and classifier definitions from their inputs (one path for the console's
//! `CreateCrawler` request and `aws glue create-crawler`, so both validate alike), and crawler
//! records -> the API's summaries.

use std::sync::Arc;

use object_store::ObjectStore;
use puddle_api::{
    ApiError, ClassifierInput, ClassifierSummary, CrawlProgressSummary, CrawlRunSummary, CrawlerSummary,
    CreateCrawlerInput, FileTraceSummary,
};
use puddle_crawler::{
    classifiers::{Classifier, CsvClassifier, JsonClassifier},
    CrawlConfig, CrawlMonitors, CrawlReport, Crawler, DeleteBehavior, RecrawlBehavior, UpdateBehavior,
};

use crate::errors::api;

fn invalid(message: String) -> ApiError {
    ApiError::new("InvalidInputException", message)
}

/// The crawl configuration `input` describes, with Glue's errors for values it does not take.
pub(crate) fn crawl_config(input: CreateCrawlerInput) -> Result<CrawlConfig, ApiError> {
    let update_behavior = match input.update_behavior.as_deref() {
        None | Some("UPDATE_IN_DATABASE") => UpdateBehavior::UpdateInDatabase,
        Some("LOG") => UpdateBehavior::Log,
        Some(other) => return Err(invalid(format!("UpdateBehavior '{other}' is not UPDATE_IN_DATABASE or LOG"))),
    };
    let delete_behavior = match input.delete_behavior.as_deref() {
        None | Some("DEPRECATE_IN_DATABASE") => DeleteBehavior::DeprecateInDatabase,
        Some("DELETE_FROM_DATABASE") => DeleteBehavior::DeleteFromDatabase,
        Some("LOG") => DeleteBehavior::Log,
        Some(other) => {
            return Err(invalid(format!(
                "DeleteBehavior '{other}' is not DEPRECATE_IN_DATABASE, DELETE_FROM_DATABASE or LOG"
            )))
        }
    };
    let recrawl_behavior = match input.recrawl_behavior.as_deref() {
        None | Some("CRAWL_EVERYTHING") => RecrawlBehavior::CrawlEverything,
        Some("CRAWL_NEW_FOLDERS_ONLY") => RecrawlBehavior::CrawlNewFoldersOnly,
        Some(other) => {
            return Err(invalid(format!("RecrawlBehavior '{other}' is not CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY")))
        }
    };
    let mut exclusions = Vec::new();
    for glob in input.exclusions.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        if glob.starts_with('/') || glob.starts_with("s3://") {
            return Err(invalid(format!(
                "Exclusion pattern '{glob}' must be relative to the target path (e.g. **/*.tmp)"
            )));
        }
        exclusions.push(glob.to_string());
    }
    Ok(CrawlConfig {
        name: input.name,
        database: input.database,
        targets: input.targets,
        exclusions,
        schedule: input.schedule.filter(|s| !s.trim().is_empty()),
        table_prefix: input.table_prefix,
        update_behavior,
        delete_behavior,
        recrawl_behavior,
        classifiers: input.classifiers,
    })
}

/// CreateCrawler from its input.
pub(crate) async fn create_crawler(
    store: &Arc<dyn ObjectStore>,
    input: CreateCrawlerInput,
    role: &str,
) -> Result<Crawler, ApiError> {
    api(puddle_crawler::create_crawler(store, crawl_config(input)?, role).await)
}

/// A classifier from the console's input, checked as CreateClassifier checks it.
pub(crate) fn classifier_of(input: &ClassifierInput) -> Result<Classifier, ApiError> {
    Ok(match input {
        ClassifierInput::Csv { name, delimiter, quote_symbol, contains_header, header } => api(CsvClassifier::new(
            name,
            delimiter.as_deref(),
            quote_symbol.as_deref(),
            contains_header.as_deref(),
            header.clone(),
        ))?
        .into(),
        ClassifierInput::Json { name, json_path } => api(JsonClassifier::new(name, json_path))?.into(),
    })
}

/// A classifier for the console.
pub(crate) fn classifier_summary(c: &Classifier) -> ClassifierSummary {
    let detail = match c {
        Classifier::Json(j) => format!("JsonPath {}", j.json_path),
        Classifier::Csv(c) => {
            let mut d = format!("delimiter '{}', header {}", c.delimiter, c.contains_header);
            if !c.header.is_empty() {
                d.push_str(&format!(", columns {}", c.header.join(", ")));
            }
            d
        }
    };
    ClassifierSummary { name: c.name().to_string(), kind: c.kind().to_string(), detail }
}

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
        schedule: c.config.schedule.clone(),
        exclusions: c.config.exclusions.clone(),
        classifiers: c.config.classifiers.clone(),
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
