//! Amazon Data Firehose for Puddle: delivery streams (Direct PUT or a Kinesis stream as source)
//! buffering records into S3 objects, with compression, JSON -> Parquet conversion typed by a
//! Glue table, and dynamic partitioning by jq.
//!
//! State lives in the lake's object store (`_meta/firehose/streams/<name>.json`, and the
//! buffers with the Kinesis checkpoints in `_meta/firehose/buffers/<name>.json`), written with
//! compare-and-swap: every call re-reads it, so several engines (tabs) share it safely.
#![deny(missing_docs)]

use std::sync::Arc;

mod compress;
mod config;
mod convert;
mod deliver;
mod error;
mod ingest;
mod jq;
mod ops;
mod prefix;
mod source;
mod state;

pub use compress::Compression;
pub use error::{Error, Result};
pub use source::{stream_name_from_arn, SourceError, SourceRecord, StreamSource};

/// The account every ARN and message names.
pub const ACCOUNT: &str = "123456789012";
/// The region every ARN names.
pub const REGION: &str = "us-east-1";

/// One object Firehose wrote to S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Delivery stream.
    pub delivery_stream_name: String,
    /// Bucket written to.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// Records in the object.
    pub records: usize,
    /// Object size in bytes.
    pub bytes: u64,
    /// Partition keys (`region=NSW`), with dynamic partitioning.
    pub partition: Option<String>,
    /// The error output type, for an object written to the error prefix.
    pub error_output_type: Option<String>,
}

/// Firehose over one lake. Cheap to clone; clones share nothing but the store.
#[derive(Debug, Clone)]
pub struct Firehose {
    s3: puddle_store::S3,
    catalog: Arc<puddle_catalog::Catalog>,
    /// Names this engine's delivery claims.
    token: String,
    /// Deliveries made inside puts and source pulls, until `deliver_due` reports them.
    unreported: Arc<std::sync::Mutex<Vec<Delivery>>>,
}

impl Firehose {
    /// Firehose over the lake `s3` (objects and the lake clock) with its Glue `catalog`.
    pub fn new(s3: puddle_store::S3, catalog: Arc<puddle_catalog::Catalog>) -> Self {
        Self { s3, catalog, token: uuid::Uuid::new_v4().to_string(), unreported: Arc::default() }
    }

    /// Keeps deliveries made inside a put or a pull for the next `deliver_due` to report.
    fn note(&self, deliveries: Vec<Delivery>) {
        self.unreported.lock().unwrap_or_else(|e| e.into_inner()).extend(deliveries);
    }

    fn store(&self) -> &dyn object_store::ObjectStore {
        self.s3.store().as_ref()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.s3.clock().now()
    }

    /// One operation by API name, input structure as JSON (AWS member names, blobs as base64),
    /// output as JSON shaped like the real API's (absent members left out).
    pub async fn call(&self, operation: &str, input: serde_json::Value) -> Result<serde_json::Value> {
        ops::call(self, operation, input).await
    }

    /// The console's gauges: one per buffer (partition) of the delivery stream.
    pub async fn buffers(&self, delivery_stream_name: &str) -> Result<Vec<puddle_api::DeliveryBuffer>> {
        deliver::buffers(self, delivery_stream_name).await
    }

    /// Moves new records of every Kinesis-sourced delivery stream from its source into its
    /// buffers (checkpoint per shard, persisted with the buffered records, so nothing is read
    /// twice or lost). [`Firehose::deliver_due`] then delivers what became due, by size or time.
    pub async fn pull_sources(&self, source: &dyn StreamSource) -> Result<()> {
        ingest::pull_sources(self, source).await
    }

    /// Delivers every buffer whose interval has passed on the lake clock; answers what was
    /// delivered, including what puts and pulls delivered since the last call (a buffer full
    /// by size is delivered inside the put that filled it).
    pub async fn deliver_due(&self) -> Result<Vec<Delivery>> {
        let mut out = std::mem::take(&mut *self.unreported.lock().unwrap_or_else(|e| e.into_inner()));
        for name in state::stream_names(self.store()).await? {
            out.extend(deliver::deliver_stream(self, &name).await?);
        }
        Ok(out)
    }

    /// When the next buffer falls due (lake time), so the worker can set a real timer.
    pub async fn next_due(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        deliver::next_due(self).await
    }
}

#[cfg(test)]
mod tests;
