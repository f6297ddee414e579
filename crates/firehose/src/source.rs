//! Kinesis Data Streams as a Firehose source, seen through a trait the lake implements.

use std::collections::BTreeMap;

/// One record read from a Kinesis stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// The shard it was read from (`shardId-000000000000`).
    pub shard_id: String,
    /// Its sequence number (decimal).
    pub sequence_number: String,
    /// Its data blob.
    pub data: bytes::Bytes,
    /// Approximate arrival (lake time).
    pub arrival: chrono::DateTime<chrono::Utc>,
}

/// Why a source read failed (an AWS error code and message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// AWS error code, e.g. `ResourceNotFoundException`.
    pub code: String,
    /// Message.
    pub message: String,
}

/// A Kinesis stream Firehose reads from (implemented by the lake over puddle-streams).
#[async_trait::async_trait]
pub trait StreamSource: Send + Sync {
    /// Records strictly after the per-shard sequence numbers in `after` (a shard not in the map:
    /// from its first retained record), oldest first per shard, at most `limit` records.
    async fn read_after(
        &self,
        stream_name: &str,
        after: &BTreeMap<String, String>,
        limit: usize,
    ) -> Result<Vec<SourceRecord>, SourceError>;
    /// Each shard's latest sequence number (Firehose starts reading at LATEST when created).
    async fn latest_positions(&self, stream_name: &str) -> Result<BTreeMap<String, String>, SourceError>;
}

/// The stream name in a Kinesis stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`).
pub fn stream_name_from_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:kinesis:")?;
    let name = rest.split_once(":stream/")?.1;
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_names() {
        assert_eq!(
            stream_name_from_arn("arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales"),
            Some("realTimeSales")
        );
        assert_eq!(stream_name_from_arn("arn:aws:kinesis:us-east-1:123456789012:stream/"), None);
        assert_eq!(stream_name_from_arn("arn:aws:s3:::bucket"), None);
    }
}
