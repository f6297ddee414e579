//! Kinesis Data Streams and Firehose in the lake: Firehose reads the lake's Kinesis streams
//! (`KinesisSource`), delivers through the S3 layer (so its objects are S3 events like any
//! upload), and its due buffers are delivered by the automation catch-up, after every request,
//! when the clock moves and on the worker's timer (`Lake::tick`).

use std::collections::BTreeMap;

use puddle_api::{ApiError, DeliveryBuffer, ShardTraffic};
use puddle_firehose::{SourceError, SourceRecord, StreamSource};

use crate::{automation::Activity, Lake};

/// Firehose's view of the lake's Kinesis streams.
struct KinesisSource<'a>(&'a puddle_streams::Kinesis);

fn source_error(e: puddle_streams::Error) -> SourceError {
    SourceError { code: e.code().to_string(), message: e.to_string() }
}

#[async_trait::async_trait]
impl StreamSource for KinesisSource<'_> {
    async fn read_after(
        &self,
        stream_name: &str,
        after: &BTreeMap<String, String>,
        limit: usize,
    ) -> Result<Vec<SourceRecord>, SourceError> {
        let records = self.0.read_after(stream_name, after, limit).await.map_err(source_error)?;
        Ok(records
            .into_iter()
            .map(|r| SourceRecord {
                shard_id: r.shard_id,
                sequence_number: r.sequence_number,
                data: r.data,
                arrival: r.arrival,
            })
            .collect())
    }

    async fn latest_positions(&self, stream_name: &str) -> Result<BTreeMap<String, String>, SourceError> {
        self.0.latest_positions(stream_name).await.map_err(source_error)
    }
}

pub(crate) fn kinesis_error(e: puddle_streams::Error) -> ApiError {
    ApiError::new(e.code(), e.to_string())
}

pub(crate) fn firehose_error(e: puddle_firehose::Error) -> ApiError {
    ApiError::new(e.code(), e.to_string())
}

impl Lake {
    /// Per-shard traffic of a Kinesis stream (the Kinesis page's gauges).
    pub async fn stream_traffic(&self, stream_name: &str) -> Result<Vec<ShardTraffic>, ApiError> {
        self.kinesis.shard_traffic(stream_name).await.map_err(kinesis_error)
    }

    /// The buffers of a Firehose delivery stream (the Firehose page's gauges).
    pub async fn delivery_buffers(&self, name: &str) -> Result<Vec<DeliveryBuffer>, ApiError> {
        self.firehose.buffers(name).await.map_err(firehose_error)
    }

    /// Moves new Kinesis records into the Firehose buffers reading them, then delivers every
    /// buffer that is due. Each delivery is in the activity log; its objects are S3 events the
    /// rest of the catch-up delivers to EventBridge rules.
    pub(crate) async fn deliver_streams(&self) -> Result<Vec<Activity>, ApiError> {
        let pulled = self.firehose.pull_sources(&KinesisSource(&self.kinesis)).await;
        // A source that cannot be read must not hold back deliveries of the other streams.
        let delivered = self.firehose.deliver_due().await.map_err(firehose_error)?;
        let mut done: Vec<Activity> = delivered
            .into_iter()
            .map(|d| {
                let what = match &d.error_output_type {
                    Some(kind) => format!("{} record(s) to the error output ({kind})", d.records),
                    None => format!("{} record(s), {} bytes", d.records, d.bytes),
                };
                self.log(
                    &format!("firehose/{}", d.delivery_stream_name),
                    format!("s3://{}/{}: {what}", d.bucket, d.key),
                    "DELIVERED".into(),
                )
            })
            .collect();
        if let Err(e) = pulled {
            done.push(self.log("firehose", "reading Kinesis sources".into(), format!("FAILED: {e} ({})", e.code())));
        }
        Ok(done)
    }

    /// The worker's timer (about once a second): Firehose buffers fill from Kinesis and are
    /// delivered when due, and schedules fire, even when no request comes. Answers whether
    /// anything happened (the worker then tells the page and the other tabs).
    pub async fn tick(&self) -> bool {
        match self.run_automation().await {
            Ok(done) => !done.is_empty(),
            Err(e) => {
                // Once per distinct failure, not every second.
                let outcome = format!("FAILED: {} ({})", e.message, e.code);
                if self.activity().last().is_none_or(|a| a.outcome != outcome) {
                    self.log("automation", "catching up on the timer".into(), outcome);
                }
                false
            }
        }
    }
}
