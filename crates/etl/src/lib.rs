//! Glue ETL jobs, run in the browser on DataFusion.
//!
//! A job's script (the `awsglue` PySpark that Glue Studio generates and courses teach) is parsed
//! ([`python`]) and translated ([`translate`]) into SQL over the Data Catalog: each DynamicFrame
//! is a query, each transform wraps its input's query. Anything outside the supported subset is
//! rejected before the run with its line, the construct and what is supported. Transforms whose
//! query depends on the data (DropNullFields, FillMissingValues) are resolved just before the run
//! reads ([`resolve_deferred`]). A run
//! ([`Jobs::start_job_run`]) executes each output's query, encodes Parquet (snappy by default),
//! CSV or JSON lines, Hive-partitioned by `partitionKeys`, and writes the objects only after all
//! of them were computed, so a failing run leaves no partial output.
#![deny(missing_docs)]

mod bookmarks;
mod catalog_sink;
mod dataframe;
mod error;
mod jobs;
mod null_fields;
mod options;
pub mod python;
mod run_control;
pub mod translate;
mod triggers;
mod write;

pub use bookmarks::{Bookmark, BookmarkOption};
pub use error::{Error, Result};
pub use jobs::{file_tables, Job, JobInput, JobRun, Jobs, BOOKMARK_ARG};
pub use null_fields::{resolve as resolve_deferred, Deferred, DeferredTransform};
pub use translate::{frame_query, translate, CatalogMode, CatalogTarget, FileSource, JobPlan, Sink, SourceRef};
pub use triggers::{Condition, Predicate, Trigger, TriggerAction};

#[cfg(test)]
mod jobs_tests;
#[cfg(test)]
mod null_fields_tests;
#[cfg(test)]
mod run_states_tests;
