//! Glue crawlers: read the lake's files and describe them as catalog tables.
//!
//! A crawl lists each target (`s3://bucket/prefix/`), classifies every file ([`classify`]:
//! Parquet from its footer, JSON lines, CSV with delimiter and header sniffing over the first
//! 1 MB / 1,000 records), groups files into tables and partitions the way Glue does
//! ([`layout`]), merges their schemas ([`merge`]), and applies the result to the
//! [`puddle_catalog::Catalog`] under the crawler's schema change policy. One bad file never
//! fails a crawl: it is `UNKNOWN` in the [`CrawlReport`] trace, with the reason.
//!
//! ```
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {
//! use std::sync::Arc;
//! use object_store::{ObjectStore, ObjectStoreExt, path::Path};
//! let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
//! store.put(&Path::from("raw/sales/a.csv"), "id,region\n1,NSW\n".into()).await.unwrap();
//! let catalog = puddle_catalog::Catalog::load(store.clone()).await.unwrap();
//! let config = puddle_crawler::CrawlConfig {
//!     name: "c".into(), database: "sales_db".into(), targets: vec!["s3://raw/".into()], ..Default::default()
//! };
//! let report = puddle_crawler::crawl(&store, &catalog, &config).await.unwrap();
//! assert_eq!(report.tables_created, ["sales_db.sales"]);
//! # })
//! ```
#![deny(missing_docs)]

pub mod classifiers;
pub mod classify;
mod crawl;
mod crawler;
mod error;
pub mod layout;
pub mod merge;
mod metrics;
mod monitor;

pub use crawl::{
    crawl, crawl_with, CrawlConfig, CrawlContext, CrawlReport, DeleteBehavior, FileTrace, RecrawlBehavior,
    UpdateBehavior, UPDATED_BY_CRAWLER,
};
pub use crawler::{
    create_crawler, delete_crawler, get_crawler, list_crawlers, recover_crawlers, run_crawler,
    set_crawler_schedule_state, stop_crawler, update_crawler_schedule, CrawlRun, Crawler, Heartbeat,
};
pub use error::{Error, Result};
pub use metrics::{crawler_metrics, CrawlerMetrics, RUNTIMES_KEPT};
pub use monitor::{CrawlMonitor, CrawlMonitors, CrawlProgress};

#[cfg(test)]
mod crawl_tests;
