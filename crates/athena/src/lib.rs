//! Athena query executions over the SQL engine.
//!
//! [`Athena::start_query_execution`] runs a statement with [`puddle_sql::SqlEngine`], records a
//! [`QueryExecution`] (id, state, times, bytes scanned, cost) in `_meta/athena/executions/`, and
//! writes the result set as `<id>.csv` (every field quoted, as Athena does) plus
//! `<id>.csv.metadata` (column names and types, JSON) to the workgroup's S3 output location,
//! where the S3 console shows them. Without an output location, results go to
//! `s3://aws-athena-query-results-123456789012-local/`, created on first use.
//!
//! An execution is recorded `QUEUED`, then `RUNNING`, before its statement runs, and its phases
//! are measured (GetQueryExecution's `Statistics`). The statement runs inside the
//! StartQueryExecution call, which returns it `SUCCEEDED`, `FAILED` or `CANCELLED` (over its
//! workgroup's data usage limit, or by StopQueryExecution); requests answered meanwhile see it
//! `RUNNING`, and StopQueryExecution reaches it through the SQL engine's cooperative cancel.
//!
//! Workgroups (`primary` plus created ones) carry an output location and a per-query
//! bytes-scanned cutoff; history and named (saved) queries are kept per workgroup.
#![deny(missing_docs)]

mod csv;
mod error;
mod executions;
mod results;
mod running;
mod start;
mod stop;
mod workgroups;

pub use error::{Error, Result};
pub use executions::{Athena, QueryExecution, Timing, DEFAULT_OUTPUT_BUCKET, DEFAULT_WORKGROUP};
pub use results::{query_results_json, update_count};
pub use start::{StartQuery, CANCELLED_BY_USER};
pub use stop::INTERRUPTED;
pub use workgroups::{NamedQuery, WorkGroup, MIN_BYTES_SCANNED_CUTOFF};

#[cfg(test)]
mod lifecycle_tests;
