//! One crawl: list the targets, classify each file, plan tables, apply the schema change policy.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectMeta, ObjectStore, ObjectStoreExt};
use puddle_catalog::{Catalog, Partition, Table};
use puddle_glob::{Dialect, Glob};
use serde::{Deserialize, Serialize};

use crate::{
    classify::{classify_parquet_footer, classify_text_with, Classification, CustomClassifier, SAMPLE_BYTES},
    layout::{plan_tables, sanitize, FileSchema, TablePlan},
    monitor::CrawlMonitor,
    Error, Result,
};

/// Table parameter naming the crawler that last wrote a table (Glue's own key).
pub const UPDATED_BY_CRAWLER: &str = "UPDATED_BY_CRAWLER";

/// What to do when a table's schema changed (Glue `SchemaChangePolicy.UpdateBehavior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateBehavior {
    /// Update the table in the catalog.
    #[default]
    UpdateInDatabase,
    /// Only report the change.
    Log,
}

/// What to do with a table whose data is gone (Glue `SchemaChangePolicy.DeleteBehavior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeleteBehavior {
    /// Mark the table deprecated (`DEPRECATED_BY_CRAWLER` parameter).
    #[default]
    DeprecateInDatabase,
    /// Delete the table.
    DeleteFromDatabase,
    /// Only report it.
    Log,
}

/// Which files a crawl reads again (Glue `RecrawlPolicy.RecrawlBehavior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecrawlBehavior {
    /// Read every file on every run.
    #[default]
    CrawlEverything,
    /// Read only files in folders no earlier run saw; earlier folders keep their classification.
    CrawlNewFoldersOnly,
}

/// How one crawl runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CrawlConfig {
    /// Crawler name (recorded on the tables it writes).
    pub name: String,
    /// Database the tables go to (created when missing).
    pub database: String,
    /// `s3://bucket/prefix/` paths.
    pub targets: Vec<String>,
    /// Globs of keys to leave out (relative to the target, `**` crosses folders).
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// `cron(...)` schedule (lake time), if any.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Prepended to every table name.
    #[serde(default)]
    pub table_prefix: String,
    /// Schema change policy: updates.
    #[serde(default)]
    pub update_behavior: UpdateBehavior,
    /// Schema change policy: deletions.
    #[serde(default)]
    pub delete_behavior: DeleteBehavior,
    /// Recrawl policy.
    #[serde(default)]
    pub recrawl_behavior: RecrawlBehavior,
    /// Custom classifiers (names), tried before the built-in ones in this order.
    #[serde(default)]
    pub classifiers: Vec<String>,
}

/// What a crawl knows beyond its configuration.
#[derive(Debug, Clone, Default)]
pub struct CrawlContext {
    /// The report of the crawler's previous run (for `CRAWL_NEW_FOLDERS_ONLY`).
    pub previous: Option<CrawlReport>,
    /// The custom classifiers, in the crawler's order.
    pub classifiers: Vec<CustomClassifier>,
    /// Where progress goes and stop requests come from, when the crawl is watched.
    pub monitor: Option<Arc<CrawlMonitor>>,
    /// Keeps the crawler's record alive while it crawls (see [`crate::Heartbeat`]).
    pub heartbeat: Option<Arc<crate::Heartbeat>>,
}

/// The classifier's decision on one file, or why it was skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileTrace {
    /// `s3://bucket/key`.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// The classifier's decision.
    pub classification: Classification,
    /// Why the file is not part of any table (empty when it is).
    pub skipped: Option<String>,
    /// Classified by an earlier run and not read again (`CRAWL_NEW_FOLDERS_ONLY`).
    #[serde(default)]
    pub reused: bool,
}

/// What a crawl did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CrawlReport {
    /// Tables created (`db.table`).
    pub tables_created: Vec<String>,
    /// Tables whose schema or partitions changed.
    pub tables_updated: Vec<String>,
    /// Tables deleted or deprecated because their data is gone.
    pub tables_deleted: Vec<String>,
    /// Changes found but only logged (policy LOG).
    pub logged: Vec<String>,
    /// Partitions new since the last crawl.
    pub partitions_added: usize,
    /// Files read and classified.
    pub files_read: usize,
    /// Files skipped (hidden, excluded, unknown format, inconsistent layout).
    pub files_skipped: usize,
    /// Files in folders an earlier run crawled, not read again (`CRAWL_NEW_FOLDERS_ONLY`).
    #[serde(default)]
    pub files_reused: usize,
    /// One entry per file.
    pub traces: Vec<FileTrace>,
    /// StopCrawler ended the crawl before it read every file: the tables of the targets it
    /// finished were applied, later targets were not, and no table was deleted.
    #[serde(default)]
    pub stopped: bool,
}

/// Crawls every target and applies the result to `catalog`. One bad file never fails the crawl.
pub async fn crawl(store: &Arc<dyn ObjectStore>, catalog: &Catalog, config: &CrawlConfig) -> Result<CrawlReport> {
    crawl_with(store, catalog, config, &CrawlContext::default()).await
}

/// The folder (`s3://bucket/a/b/`) of an `s3://bucket/a/b/file` path.
fn folder_of(path: &str) -> &str {
    path.rfind('/').map_or(path, |i| &path[..=i])
}

/// [`crawl`] with the previous run's report and custom classifiers.
pub async fn crawl_with(
    store: &Arc<dyn ObjectStore>,
    catalog: &Catalog,
    config: &CrawlConfig,
    context: &CrawlContext,
) -> Result<CrawlReport> {
    catalog.create_database(&config.database, true).await?;
    // Folders an earlier run crawled, and what it decided about each file in them.
    let previous =
        context.previous.as_ref().filter(|_| config.recrawl_behavior == RecrawlBehavior::CrawlNewFoldersOnly);
    let old_folders: std::collections::BTreeSet<&str> =
        previous.iter().flat_map(|r| r.traces.iter().map(|t| folder_of(&t.path))).collect();
    let mut report = CrawlReport::default();
    let mut seen_tables = Vec::new();
    let exclusions = config
        .exclusions
        .iter()
        .map(|g| {
            Glob::new(g, Dialect::Exclude).map_err(|e| Error::InvalidInput(format!("Exclusion pattern '{g}': {e}")))
        })
        .collect::<Result<Vec<Glob>>>()?;
    let monitor = context.monitor.as_deref();
    // Every target is listed first, so the progress knows how many files there are.
    let mut listings = Vec::new();
    for target in &config.targets {
        let (bucket, prefix) = split_target(target)?;
        let folder = prefix.trim_end_matches('/').to_string();
        let list_root = if folder.is_empty() { bucket.clone() } else { format!("{bucket}/{folder}") };
        let mut metas: Vec<ObjectMeta> = store.list(Some(&Path::from(list_root.as_str()))).try_collect().await?;
        metas.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
        if let Some(m) = monitor {
            m.listed(metas.len());
        }
        listings.push((bucket, prefix, folder, list_root, metas));
    }
    'targets: for (bucket, prefix, folder, list_root, metas) in listings {
        let folder = folder.as_str();
        let strip = list_root.len() + 1;
        let mut files = Vec::new();
        for meta in metas {
            let rel = meta.location.as_ref().get(strip..).unwrap_or_default().to_string();
            let path = format!("s3://{}", meta.location);
            if let Some(m) = monitor {
                // Let GetCrawler and StopCrawler in between files.
                puddle_events::yield_now().await;
                puddle_events::wait_while_held(|| m.stop_requested()).await;
                if m.stop_requested() {
                    report.stopped = true;
                    break 'targets;
                }
                m.reading(&path);
            }
            if let Some(h) = &context.heartbeat {
                h.beat().await;
            }
            let _tick = monitor.map(Tick);
            let skip = |report: &mut CrawlReport, why: String, c: Classification| {
                report.files_skipped += 1;
                report.traces.push(FileTrace {
                    path: path.clone(),
                    size: meta.size,
                    classification: c,
                    skipped: Some(why),
                    reused: false,
                });
            };
            if rel.split('/').any(|seg| seg.starts_with('_') || seg.starts_with('.')) {
                skip(
                    &mut report,
                    "hidden or marker file (name starts with _ or .)".into(),
                    Classification::unknown("not read"),
                );
                continue;
            }
            if exclusions.iter().any(|g| g.is_match(&rel)) {
                skip(&mut report, "matches an exclusion pattern".into(), Classification::unknown("not read"));
                continue;
            }
            if old_folders.contains(folder_of(&path)) {
                let earlier = previous.and_then(|r| r.traces.iter().find(|t| t.path == path && t.skipped.is_none()));
                let Some(earlier) = earlier else {
                    let why = "in a folder an earlier run crawled (RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY)";
                    skip(&mut report, why.into(), Classification::unknown("not read"));
                    continue;
                };
                report.files_reused += 1;
                files.push(FileSchema {
                    rel: rel.clone(),
                    classification: earlier.classification.classification.clone(),
                    columns: earlier.classification.columns.clone(),
                });
                report.traces.push(FileTrace { reused: true, ..earlier.clone() });
                continue;
            }
            let classification = classify_object(store, &meta, &context.classifiers).await;
            report.files_read += 1;
            if !classification.is_known() {
                let why = format!("UNKNOWN: {}", classification.reason);
                skip(&mut report, why, classification);
                continue;
            }
            files.push(FileSchema {
                rel: rel.clone(),
                classification: classification.classification.clone(),
                columns: classification.columns.clone(),
            });
            report.traces.push(FileTrace { path, size: meta.size, classification, skipped: None, reused: false });
        }
        let target_name = folder.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(&bucket).to_string();
        for plan in plan_tables(&target_name, &files, folder.is_empty()) {
            for (rel, why) in &plan.skipped {
                if let Some(t) = report.traces.iter_mut().find(|t| t.path.ends_with(&format!("/{rel}"))) {
                    t.skipped = Some(why.clone());
                    report.files_skipped += 1;
                }
            }
            let table = table_of(config, &bucket, &prefix, &plan, &report);
            seen_tables.push(table.name.clone());
            apply(catalog, config, table, &mut report).await?;
        }
    }
    // A stopped crawl did not see every table: nothing is deleted for having vanished.
    if !report.stopped {
        remove_vanished(catalog, config, &seen_tables, &mut report).await?;
    }
    Ok(report)
}

/// Counts one file as done when the crawl is through with it, whichever way it went.
struct Tick<'a>(&'a CrawlMonitor);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.done_one();
    }
}

/// Largest gzip file the crawler reads whole (compressed bytes), when its first
/// [`GZIP_PREFIX_BYTES`] do not inflate to a sample; bigger ones are UNKNOWN.
const MAX_GZIP_BYTES: u64 = 256 << 20;

/// Compressed bytes read first from a gzip file: deflate expands incompressible data by a few
/// bytes per 64 KiB block at most, so this prefix inflates to the 1 MB sample (or the whole
/// file) unless the gzip header itself is huge. The sample is inflated with a `take` limit, so
/// a gzip bomb costs one sample, never its full size.
const GZIP_PREFIX_BYTES: u64 = 4 << 20;

fn is_gzip_name(location: &Path) -> bool {
    location.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz") || e.eq_ignore_ascii_case("gzip"))
}

async fn classify_object(
    store: &Arc<dyn ObjectStore>,
    meta: &ObjectMeta,
    custom: &[CustomClassifier],
) -> Classification {
    let size = meta.size;
    if size > 0 && is_gzip_name(&meta.location) {
        let prefix = match store.get_range(&meta.location, 0..size.min(GZIP_PREFIX_BYTES)).await {
            Ok(bytes) => bytes,
            Err(e) => return Classification::unknown(format!("cannot read the file: {e}")),
        };
        let c = crate::classify::classify_gzip_with(&prefix, custom);
        if c.is_known() || size <= GZIP_PREFIX_BYTES || !c.reason.contains("corrupt or truncated") {
            return c;
        }
        if size > MAX_GZIP_BYTES {
            return Classification::unknown(format!(
                "its first {} MB do not inflate to a sample and it is larger than {} MB",
                GZIP_PREFIX_BYTES >> 20,
                MAX_GZIP_BYTES >> 20
            ));
        }
        return match store.get(&meta.location).await {
            Ok(res) => match res.bytes().await {
                Ok(bytes) => crate::classify::classify_gzip_with(&bytes, custom),
                Err(e) => Classification::unknown(format!("cannot read the file: {e}")),
            },
            Err(e) => Classification::unknown(format!("cannot read the file: {e}")),
        };
    }
    if size >= 12 {
        if let Ok(tail) = store.get_range(&meta.location, size - 8..size).await {
            if &tail[4..] == b"PAR1" {
                let footer_len = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) as u64;
                if footer_len + 12 > size {
                    return Classification::unknown(
                        "Parquet magic bytes found, but the footer length is past the file start (truncated?)",
                    );
                }
                return match store.get_range(&meta.location, size - 8 - footer_len..size - 8).await {
                    Ok(footer) => classify_parquet_footer(&footer),
                    Err(e) => Classification::unknown(format!("cannot read the Parquet footer: {e}")),
                };
            }
        }
    }
    if size == 0 {
        return Classification::unknown("the file is empty");
    }
    // A JSON classifier needs whole documents: it reads up to 10 MB (Glue's JSON sample).
    let json = custom.iter().any(|c| matches!(c, CustomClassifier::Json { .. }));
    let end = size.min(if json { crate::classify::JSON_SAMPLE_BYTES } else { SAMPLE_BYTES });
    match store.get_range(&meta.location, 0..end).await {
        Ok(sample) => classify_text_with(&sample, end < size, custom),
        Err(e) => Classification::unknown(format!("cannot read the file: {e}")),
    }
}

fn split_target(target: &str) -> Result<(String, String)> {
    let rest = target.trim().strip_prefix("s3://").ok_or_else(|| Error::InvalidTarget(target.to_string()))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(Error::InvalidTarget(target.to_string()));
    }
    let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_string() } else { format!("{prefix}/") };
    Ok((bucket.to_string(), prefix))
}

fn table_of(config: &CrawlConfig, bucket: &str, prefix: &str, plan: &TablePlan, report: &CrawlReport) -> Table {
    let table_prefix = if config.table_prefix.is_empty() { String::new() } else { sanitize(&config.table_prefix) };
    let name = format!("{table_prefix}{}", plan.name);
    let location = format!("s3://{bucket}/{prefix}{}", plan.root);
    let mut table = Table::new(&config.database, &name, &location, &plan.classification, plan.columns.clone());
    table.partition_keys = plan.partition_keys.iter().map(|k| puddle_catalog::Column::new(k, "string")).collect();
    table.partitions = plan
        .partitions
        .iter()
        .map(|(values, folder)| Partition {
            values: values.clone(),
            location: format!("s3://{bucket}/{prefix}{folder}"),
        })
        .collect();
    let traces: Vec<&FileTrace> = plan
        .files
        .iter()
        .filter_map(|rel| report.traces.iter().find(|t| t.path == format!("s3://{bucket}/{prefix}{rel}")))
        .collect();
    let first = traces.first().map(|t| &t.classification);
    let p = &mut table.parameters;
    p.insert("classification".into(), plan.classification.clone());
    p.insert("typeOfData".into(), "file".into());
    let gzip = first.is_some_and(|c| c.compression.as_deref() == Some("gzip"));
    p.insert("compressionType".into(), if gzip { "gzip" } else { "none" }.into());
    p.insert("objectCount".into(), plan.files.len().to_string());
    p.insert("sizeKey".into(), traces.iter().map(|t| t.size).sum::<u64>().to_string());
    // Glue's estimate: sampled records scaled by the file's size over the sampled bytes (exact
    // for Parquet footers and for files read whole).
    let estimate = |t: &&FileTrace| -> u64 {
        let c = &t.classification;
        let read_whole = t.size <= crate::classify::SAMPLE_BYTES && c.records < crate::classify::SAMPLE_RECORDS as u64;
        if read_whole || c.sampled_bytes == 0 || c.compression.is_some() || t.size <= c.sampled_bytes {
            c.records
        } else {
            (c.records as f64 * t.size as f64 / c.sampled_bytes as f64).round() as u64
        }
    };
    let records: u64 = traces.iter().map(estimate).sum();
    p.insert("recordCount".into(), records.to_string());
    let bytes: u64 = traces.iter().map(|t| t.size).sum();
    if let Some(average) = bytes.checked_div(records) {
        p.insert("averageRecordSize".into(), average.to_string());
    }
    p.insert(UPDATED_BY_CRAWLER.into(), config.name.clone());
    let hive = plan.partition_keys.iter().all(|k| !k.starts_with("partition_"));
    p.insert("puddle.partitionStyle".into(), if hive { "hive" } else { "positional" }.into());
    if plan.classification == "csv" {
        let header = first.and_then(|c| c.has_header).unwrap_or(true);
        p.insert("skip.header.line.count".into(), if header { "1" } else { "0" }.into());
        p.insert("field.delim".into(), first.and_then(|c| c.delimiter).unwrap_or(',').to_string());
    }
    if let Some(quote) = first.and_then(|c| c.quote) {
        p.insert("quoteChar".into(), quote.to_string());
    }
    if let Some(path) = first.and_then(|c| c.json_path.as_ref()) {
        p.insert(puddle_catalog::json_path::JSON_PATH_PARAMETER.into(), path.clone());
    }
    if let Some(custom) = first.filter(|c| !c.classifier.starts_with("built-in")) {
        p.insert("puddle.classifier".into(), custom.classifier.clone());
    }
    table
}

async fn apply(catalog: &Catalog, config: &CrawlConfig, table: Table, report: &mut CrawlReport) -> Result<()> {
    let qualified = table.qualified_name();
    match catalog.get_table(&table.database, &table.name) {
        Err(_) => {
            report.partitions_added += table.partitions.len();
            catalog.put_table(table).await?;
            report.tables_created.push(qualified);
        }
        Ok(old) => {
            let new_partitions = table.partitions.iter().filter(|p| !old.partitions.contains(p)).count();
            let changed = old.columns != table.columns
                || old.partition_keys != table.partition_keys
                || new_partitions > 0
                || old.location != table.location
                || old.parameters.contains_key("DEPRECATED_BY_CRAWLER");
            if !changed {
                return Ok(());
            }
            if config.update_behavior == UpdateBehavior::Log {
                // LOG keeps the table as it is, but new partitions are still added (as in Glue).
                let added: Vec<Partition> =
                    table.partitions.iter().filter(|p| !old.partitions.contains(p)).cloned().collect();
                let schema_changed = old.columns != table.columns
                    || old.partition_keys != table.partition_keys
                    || old.location != table.location;
                if schema_changed {
                    report.logged.push(format!("{qualified}: schema changed (UpdateBehavior LOG: not applied)"));
                }
                if !added.is_empty() && old.partition_keys == table.partition_keys {
                    let errors = catalog.batch_create_partition(&old.database, &old.name, added.clone()).await?;
                    report.partitions_added += added.len() - errors.len();
                }
                return Ok(());
            }
            report.partitions_added += new_partitions;
            catalog.put_table(table).await?;
            report.tables_updated.push(qualified);
        }
    }
    Ok(())
}

/// Tables this crawler wrote earlier whose data is no longer found.
async fn remove_vanished(
    catalog: &Catalog,
    config: &CrawlConfig,
    seen: &[String],
    report: &mut CrawlReport,
) -> Result<()> {
    for mut table in catalog.tables(Some(&config.database)) {
        let ours = table.parameters.get(UPDATED_BY_CRAWLER) == Some(&config.name);
        if !ours || seen.contains(&table.name) || table.parameters.contains_key("DEPRECATED_BY_CRAWLER") {
            continue;
        }
        let qualified = table.qualified_name();
        match config.delete_behavior {
            DeleteBehavior::Log => report.logged.push(format!("{qualified}: its data is gone (DeleteBehavior LOG)")),
            DeleteBehavior::DeleteFromDatabase => {
                catalog.delete_table(&table.database, &table.name).await?;
                report.tables_deleted.push(qualified);
            }
            DeleteBehavior::DeprecateInDatabase => {
                table.parameters.insert("DEPRECATED_BY_CRAWLER".into(), config.name.clone());
                catalog.put_table(table).await?;
                report.tables_deleted.push(qualified);
            }
        }
    }
    Ok(())
}
