//! The lake: one AWS account's worth of services behind one API.
//!
//! [`Lake`] owns the S3 layer, the Data Catalog and the SQL engine, all over one
//! `Arc<dyn ObjectStore>` (IndexedDB in the browser, `InMemory` in tests), and answers
//! [`puddle_api::Request`]s with [`puddle_api::Response`]s. The Web Worker, `window.puddle`
//! and the native integration tests all go through [`Lake::handle`]; the UI never sees
//! DataFusion or object_store types.
//!
//! ```
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap(); rt.block_on(async {
//! use std::sync::Arc;
//! let lake = puddle_lake::Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
//! let out = lake.exec("aws s3 mb s3://data-lake-raw-123").await;
//! assert_eq!((out.exit_code, out.stdout.as_str()), (0, "make_bucket: data-lake-raw-123\n"));
//! # })
//! ```
#![deny(missing_docs)]

mod archive;
mod archive_switch;
#[cfg(test)]
mod archive_tests;
mod automation;
mod console;
mod console_catalog;
mod crawlers;
mod errors;
mod eventbridge;
mod exec;
mod exec_athena;
mod exec_events;
mod exec_glue;
mod exec_glue_catalog;
mod exec_glue_jobs;
mod exec_s3api;
mod exec_sync;
mod exec_transfer;
mod lake;
mod local;
mod ops;
mod repair;
mod shared_clock;
mod streaming;

pub use automation::Activity;
pub use eventbridge::{Rule, RuleTarget};
pub use lake::Lake;
pub use local::{LocalFile, LocalFolder};
pub use ops::Streams;
