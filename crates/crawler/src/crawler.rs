//! Crawler definitions and their runs, persisted in the lake (`_meta/crawlers/<name>.json`).

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::{validate_name, Catalog};
use serde::{Deserialize, Serialize};

use crate::{
    classifiers::get_classifier, crawl_with, monitor::CrawlMonitors, CrawlConfig, CrawlContext, CrawlReport,
    DeleteBehavior, Error, RecrawlBehavior, Result, UpdateBehavior,
};

/// A crawler as Glue's GetCrawler describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crawler {
    /// What and how to crawl.
    pub config: CrawlConfig,
    /// IAM role (recorded; Puddle has one account).
    pub role: String,
    /// `READY`, `RUNNING` or `STOPPING`.
    pub state: String,
    /// When it was created.
    pub creation_time: chrono::DateTime<chrono::Utc>,
    /// The last run, if any.
    pub last_crawl: Option<CrawlRun>,
    /// Runs so far.
    pub runs: u64,
    /// `SCHEDULED` or `NOT_SCHEDULED` (for a crawler with a schedule).
    #[serde(default = "not_scheduled")]
    pub schedule_state: String,
    /// Real time the crawl in progress last showed it is alive: a lake opening in another tab
    /// leaves a crawler with a recent one RUNNING.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<chrono::DateTime<chrono::Utc>>,
    /// Durations (seconds) of the recent runs, oldest first, for GetCrawlerMetrics' median.
    #[serde(default)]
    pub recent_runtimes: Vec<f64>,
}

/// How long a RUNNING crawler may go without a heartbeat before a lake opening recovers it.
const HEARTBEAT_GRACE: chrono::Duration = chrono::Duration::minutes(1);
/// How often a crawl refreshes its heartbeat.
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Refreshes a crawling crawler's `heartbeat` in its stored record, at most every
/// [`HEARTBEAT_EVERY`] (called by the crawl between files).
#[derive(Debug)]
pub struct Heartbeat {
    store: Arc<dyn ObjectStore>,
    name: String,
    last: std::sync::Mutex<web_time::Instant>,
}

impl Heartbeat {
    /// Refreshes the heartbeat if it is due. Best effort: a failed write only delays it.
    pub async fn beat(&self) {
        {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() < HEARTBEAT_EVERY {
                return;
            }
            *last = web_time::Instant::now();
        }
        // Re-read the record so a STOPPING set meanwhile (another tab) is kept.
        if let Ok(mut crawler) = get_crawler(&self.store, &self.name).await {
            crawler.heartbeat = Some(chrono::Utc::now());
            let _ = save(&self.store, &crawler).await;
        }
    }
}

fn not_scheduled() -> String {
    "NOT_SCHEDULED".into()
}

/// Checks a crawler schedule: Glue takes `cron(...)` expressions only.
fn check_schedule(expression: &str) -> Result<()> {
    if !expression.trim_start().starts_with("cron(") {
        return Err(Error::InvalidInput(format!("Schedule '{expression}' must be a cron(...) expression")));
    }
    puddle_events::cron::Schedule::parse(expression).map(|_| ()).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// UpdateCrawlerSchedule: sets (or, with `None`, removes) the schedule.
pub async fn update_crawler_schedule(
    store: &Arc<dyn ObjectStore>,
    name: &str,
    schedule: Option<&str>,
) -> Result<Crawler> {
    let mut crawler = get_crawler(store, name).await?;
    if let Some(expr) = schedule {
        check_schedule(expr)?;
    }
    crawler.config.schedule = schedule.map(str::to_string);
    if schedule.is_none() {
        crawler.schedule_state = not_scheduled();
    }
    save(store, &crawler).await?;
    Ok(crawler)
}

/// StartCrawlerSchedule / StopCrawlerSchedule.
pub async fn set_crawler_schedule_state(store: &Arc<dyn ObjectStore>, name: &str, running: bool) -> Result<Crawler> {
    let mut crawler = get_crawler(store, name).await?;
    match (running, crawler.config.schedule.is_some(), crawler.schedule_state.as_str()) {
        (true, false, _) => return Err(Error::NoSchedule(name.to_string())),
        (true, true, "SCHEDULED") => return Err(Error::SchedulerRunning(name.to_string())),
        (false, _, s) if s != "SCHEDULED" => return Err(Error::SchedulerNotRunning(name.to_string())),
        _ => {}
    }
    crawler.schedule_state = if running { "SCHEDULED" } else { "NOT_SCHEDULED" }.into();
    save(store, &crawler).await?;
    Ok(crawler)
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlRun {
    /// `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Failure message.
    pub error_message: Option<String>,
    /// Start time.
    pub start_time: chrono::DateTime<chrono::Utc>,
    /// Duration in seconds.
    pub duration_seconds: f64,
    /// Tables created.
    pub tables_created: usize,
    /// Tables updated.
    pub tables_updated: usize,
    /// Tables deleted or deprecated.
    pub tables_deleted: usize,
    /// Partitions added.
    pub partitions_added: usize,
    /// Files read.
    pub files_read: usize,
    /// Files skipped.
    pub files_skipped: usize,
    /// The full report (per-file trace), as JSON.
    pub report: serde_json::Value,
}

fn path(name: &str) -> Path {
    Path::from_iter(["_meta", "crawlers", &format!("{name}.json")])
}

/// CreateCrawler.
pub async fn create_crawler(store: &Arc<dyn ObjectStore>, config: CrawlConfig, role: &str) -> Result<Crawler> {
    if config.name.is_empty() || config.name.len() > 255 || config.name.contains('/') {
        return Err(Error::InvalidInput(format!("Invalid crawler name '{}'", config.name)));
    }
    validate_name("Database", &config.database)?;
    if config.targets.is_empty() {
        return Err(Error::InvalidInput("A crawler needs at least one S3 target".into()));
    }
    for t in &config.targets {
        if !t.starts_with("s3://") || t.len() <= 5 {
            return Err(Error::InvalidTarget(t.clone()));
        }
    }
    if config.recrawl_behavior == RecrawlBehavior::CrawlNewFoldersOnly
        && (config.update_behavior != UpdateBehavior::Log || config.delete_behavior != DeleteBehavior::Log)
    {
        // Glue's own rule, and its message.
        return Err(Error::InvalidInput(
            "The SchemaChangePolicy for \"Crawl new folders only\" Amazon S3 target can have only LOG DeleteBehavior value and LOG UpdateBehavior value.".into(),
        ));
    }
    for name in &config.classifiers {
        get_classifier(store, name).await?;
    }
    if let Some(expr) = &config.schedule {
        check_schedule(expr)?;
    }
    let crawler = Crawler {
        role: role.to_string(),
        state: "READY".into(),
        creation_time: chrono::Utc::now(),
        last_crawl: None,
        runs: 0,
        heartbeat: None,
        recent_runtimes: Vec::new(),
        schedule_state: if config.schedule.is_some() { "SCHEDULED".into() } else { not_scheduled() },
        config,
    };
    let opts = object_store::PutOptions { mode: object_store::PutMode::Create, ..Default::default() };
    match store.put_opts(&path(&crawler.config.name), PutPayload::from(serde_json::to_vec(&crawler)?), opts).await {
        Ok(_) => Ok(crawler),
        Err(object_store::Error::AlreadyExists { .. }) => Err(Error::AlreadyExists(crawler.config.name)),
        Err(e) => Err(e.into()),
    }
}

/// GetCrawler.
pub async fn get_crawler(store: &Arc<dyn ObjectStore>, name: &str) -> Result<Crawler> {
    match store.get(&path(name)).await {
        Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
        Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchCrawler(name.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// GetCrawlers, by name.
pub async fn list_crawlers(store: &Arc<dyn ObjectStore>) -> Result<Vec<Crawler>> {
    let metas: Vec<_> = store.list(Some(&Path::from_iter(["_meta", "crawlers"]))).try_collect().await?;
    let mut out = Vec::new();
    for m in metas {
        out.push(serde_json::from_slice::<Crawler>(&store.get(&m.location).await?.bytes().await?)?);
    }
    out.sort_by(|a, b| a.config.name.cmp(&b.config.name));
    Ok(out)
}

/// DeleteCrawler (the tables it made stay). A running crawler cannot be deleted.
pub async fn delete_crawler(store: &Arc<dyn ObjectStore>, name: &str) -> Result<()> {
    if get_crawler(store, name).await?.state != "READY" {
        return Err(Error::Running(name.to_string()));
    }
    store.delete(&path(name)).await?;
    Ok(())
}

/// StartCrawler, run to the end: RUNNING while it works (with its progress in `monitors`),
/// READY with `last_crawl` after. A StopCrawler meanwhile ends it CANCELLED after the current file.
pub async fn run_crawler(
    store: &Arc<dyn ObjectStore>,
    catalog: &Catalog,
    name: &str,
    monitors: &CrawlMonitors,
) -> Result<Crawler> {
    let mut crawler = get_crawler(store, name).await?;
    if crawler.state != "READY" {
        return Err(Error::Running(name.to_string()));
    }
    crawler.state = "RUNNING".into();
    crawler.heartbeat = Some(chrono::Utc::now());
    save(store, &crawler).await?;
    let watched = monitors.watch(name);
    let heartbeat = Arc::new(Heartbeat {
        store: Arc::clone(store),
        name: name.to_string(),
        last: std::sync::Mutex::new(web_time::Instant::now()),
    });
    let started = chrono::Utc::now();
    let clock = web_time::Instant::now();
    let outcome = match context(store, &crawler).await {
        Ok(context) => {
            let context =
                CrawlContext { monitor: Some(Arc::clone(&watched.monitor)), heartbeat: Some(heartbeat), ..context };
            crawl_with(store, catalog, &crawler.config, &context).await
        }
        Err(e) => Err(e),
    };
    // A StopCrawler from another tab only marks the stored crawler STOPPING: that run ends as
    // CANCELLED too (after crawling to the end: that tab cannot reach this crawl's monitor).
    let stopped = watched.monitor.stop_requested()
        || get_crawler(store, name).await.map(|c| c.state == "STOPPING").unwrap_or(false);
    drop(watched);
    let duration_seconds = clock.elapsed().as_secs_f64();
    crawler.state = "READY".into();
    crawler.heartbeat = None;
    crawler.runs += 1;
    crate::metrics::record_runtime(&mut crawler, duration_seconds);
    crawler.last_crawl = Some(match &outcome {
        Ok(report) if stopped => CrawlRun { status: "CANCELLED".into(), ..run_of(report, started, duration_seconds) },
        Ok(report) => run_of(report, started, duration_seconds),
        Err(e) => failed_run(started, duration_seconds, e.to_string()),
    });
    save(store, &crawler).await?;
    Ok(crawler)
}

/// The previous successful run's report and the crawler's custom classifiers.
async fn context(store: &Arc<dyn ObjectStore>, crawler: &Crawler) -> Result<CrawlContext> {
    let previous = crawler
        .last_crawl
        .as_ref()
        .filter(|run| run.status == "SUCCEEDED")
        .and_then(|run| serde_json::from_value::<CrawlReport>(run.report.clone()).ok());
    let mut classifiers = Vec::new();
    for name in &crawler.config.classifiers {
        classifiers.push(get_classifier(store, name).await?.options());
    }
    Ok(CrawlContext { previous, classifiers, monitor: None, heartbeat: None })
}

/// StopCrawler: a crawler RUNNING becomes STOPPING, and its crawl (when it runs in this lake,
/// see [`CrawlMonitors`]) stops after the file it is reading and ends CANCELLED. Tables of the
/// targets it finished stay, as in Glue; nothing is deleted for having vanished.
pub async fn stop_crawler(store: &Arc<dyn ObjectStore>, name: &str, monitors: &CrawlMonitors) -> Result<Crawler> {
    let mut crawler = get_crawler(store, name).await?;
    if crawler.state != "RUNNING" {
        return Err(Error::NotRunning(name.to_string()));
    }
    if let Some(monitor) = monitors.get(name) {
        monitor.request_stop();
    }
    crawler.state = "STOPPING".into();
    save(store, &crawler).await?;
    Ok(crawler)
}

/// When the lake opens nothing is crawling: a crawler left RUNNING or STOPPING (its tab closed
/// mid-run) becomes READY, with a CANCELLED last run. Returns the names of those crawlers.
pub async fn recover_crawlers(store: &Arc<dyn ObjectStore>) -> Result<Vec<String>> {
    let mut recovered = Vec::new();
    for mut crawler in list_crawlers(store).await? {
        if crawler.state == "READY" {
            continue;
        }
        // Another tab on this lake may be crawling with it: leave it while it shows signs of life.
        if crawler.heartbeat.is_some_and(|h| chrono::Utc::now() - h < HEARTBEAT_GRACE) {
            continue;
        }
        crawler.state = "READY".into();
        crawler.heartbeat = None;
        crawler.last_crawl = Some(CrawlRun {
            status: "CANCELLED".into(),
            error_message: Some("The run was interrupted (the lake closed while it crawled)".into()),
            ..failed_run(chrono::Utc::now(), 0.0, String::new())
        });
        save(store, &crawler).await?;
        recovered.push(crawler.config.name.clone());
    }
    Ok(recovered)
}

fn failed_run(start_time: chrono::DateTime<chrono::Utc>, duration_seconds: f64, message: String) -> CrawlRun {
    CrawlRun {
        status: "FAILED".into(),
        error_message: Some(message),
        start_time,
        duration_seconds,
        tables_created: 0,
        tables_updated: 0,
        tables_deleted: 0,
        partitions_added: 0,
        files_read: 0,
        files_skipped: 0,
        report: serde_json::Value::Null,
    }
}

fn run_of(report: &CrawlReport, start_time: chrono::DateTime<chrono::Utc>, duration_seconds: f64) -> CrawlRun {
    CrawlRun {
        status: "SUCCEEDED".into(),
        error_message: None,
        start_time,
        duration_seconds,
        tables_created: report.tables_created.len(),
        tables_updated: report.tables_updated.len(),
        tables_deleted: report.tables_deleted.len(),
        partitions_added: report.partitions_added,
        files_read: report.files_read,
        files_skipped: report.files_skipped,
        report: serde_json::to_value(report).unwrap_or_default(),
    }
}

async fn save(store: &Arc<dyn ObjectStore>, crawler: &Crawler) -> Result<()> {
    store.put(&path(&crawler.config.name), PutPayload::from(serde_json::to_vec(crawler)?)).await?;
    Ok(())
}
