//! Crawler definitions and their runs, persisted in the lake (`_meta/crawlers/<name>.json`).

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::{validate_name, Catalog};
use serde::{Deserialize, Serialize};

use crate::{crawl, CrawlConfig, CrawlReport, Error, Result};

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
    let crawler = Crawler {
        role: role.to_string(),
        state: "READY".into(),
        creation_time: chrono::Utc::now(),
        last_crawl: None,
        runs: 0,
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

/// DeleteCrawler (the tables it made stay).
pub async fn delete_crawler(store: &Arc<dyn ObjectStore>, name: &str) -> Result<()> {
    get_crawler(store, name).await?;
    store.delete(&path(name)).await?;
    Ok(())
}

/// StartCrawler, run to the end: RUNNING while it works, READY with `last_crawl` after.
pub async fn run_crawler(store: &Arc<dyn ObjectStore>, catalog: &Catalog, name: &str) -> Result<Crawler> {
    let mut crawler = get_crawler(store, name).await?;
    if crawler.state != "READY" {
        return Err(Error::Running(name.to_string()));
    }
    crawler.state = "RUNNING".into();
    save(store, &crawler).await?;
    let started = chrono::Utc::now();
    let clock = web_time::Instant::now();
    let outcome = crawl(store, catalog, &crawler.config).await;
    let duration_seconds = clock.elapsed().as_secs_f64();
    crawler.state = "READY".into();
    crawler.runs += 1;
    crawler.last_crawl = Some(match &outcome {
        Ok(report) => run_of(report, started, duration_seconds),
        Err(e) => CrawlRun {
            status: "FAILED".into(),
            error_message: Some(e.to_string()),
            start_time: started,
            duration_seconds,
            tables_created: 0,
            tables_updated: 0,
            tables_deleted: 0,
            partitions_added: 0,
            files_read: 0,
            files_skipped: 0,
            report: serde_json::Value::Null,
        },
    });
    save(store, &crawler).await?;
    Ok(crawler)
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
