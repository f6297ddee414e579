//! What the Kinesis and Firehose pages show besides the AWS operations' own answers: live
//! per-shard traffic against the limits, and the state of each delivery stream's buffers.

use serde::{Deserialize, Serialize};

/// One shard of a Kinesis stream, its place in the hash-key space and its recent traffic
/// (Kinesis' CloudWatch shard metrics, measured by the lake on its clock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardTraffic {
    /// `shardId-000000000000`.
    pub shard_id: String,
    /// First hash key of the shard's range, as a decimal string.
    pub starting_hash_key: String,
    /// Last hash key of the shard's range, as a decimal string.
    pub ending_hash_key: String,
    /// Parent shard after a split or merge.
    pub parent_shard_id: Option<String>,
    /// The other parent after a merge.
    pub adjacent_parent_shard_id: Option<String>,
    /// False once the shard was split or merged (it can still be read until drained).
    pub open: bool,
    /// Records kept (inside the retention period).
    pub records: u64,
    /// Records written per second, averaged over the last few seconds.
    pub incoming_records_per_second: f64,
    /// Bytes written per second, averaged over the last few seconds.
    pub incoming_bytes_per_second: f64,
    /// Records refused with `ProvisionedThroughputExceededException` in the last minute.
    pub write_throttled_last_minute: u64,
    /// GetRecords calls refused in the last minute.
    pub read_throttled_last_minute: u64,
    /// The shard's write limit in records per second (absent in ON_DEMAND mode).
    pub write_limit_records: Option<u64>,
    /// The shard's write limit in bytes per second (absent in ON_DEMAND mode).
    pub write_limit_bytes: Option<u64>,
}

/// One buffer of a Firehose delivery stream (one per active partition with dynamic
/// partitioning, else one), filling until its size or interval hint delivers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryBuffer {
    /// The partition's keys (`region=NSW`), absent without dynamic partitioning.
    pub partition: Option<String>,
    /// Records held.
    pub records: u64,
    /// Bytes held (before conversion and compression).
    pub bytes: u64,
    /// Lake time (ms since the epoch) the oldest record arrived.
    pub oldest_arrival_ms: i64,
    /// Lake time (ms since the epoch) the interval hint delivers the buffer.
    pub due_ms: i64,
    /// `SizeInMBs` in bytes.
    pub size_limit_bytes: u64,
    /// `IntervalInSeconds`.
    pub interval_seconds: u64,
}
