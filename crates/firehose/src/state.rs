//! Persisted state: delivery stream records and their buffers, JSON under `_meta/firehose/`,
//! written with compare-and-swap so two tabs never lose each other's writes.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{Error, Result};

/// Where delivery stream records live.
pub fn stream_path(name: &str) -> Path {
    Path::from_iter(["_meta", "firehose", "streams", &format!("{name}.json")])
}

/// Where a delivery stream's buffers live.
pub fn buffer_path(name: &str) -> Path {
    Path::from_iter(["_meta", "firehose", "buffers", &format!("{name}.json")])
}

/// Every delivery stream record path.
pub fn streams_root() -> Path {
    Path::from_iter(["_meta", "firehose", "streams"])
}

/// One buffered record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BufRecord {
    /// Data, base64.
    pub data: String,
    /// Bytes of data.
    pub size: u64,
    /// Arrival (lake time).
    pub arrival: DateTime<Utc>,
    /// Kinesis sequence number (Kinesis sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
    /// Why the record goes to the error output (`lastErrorCode`, `lastErrorMessage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<(String, String)>,
}

/// A delivery claimed by one engine (tab) until `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Who claimed it.
    pub token: String,
    /// When the claim lapses (lake time) if its holder never finishes.
    pub until: DateTime<Utc>,
    /// How many of the oldest records it covers.
    pub count: usize,
}

/// One partition's buffer (the only one without dynamic partitioning).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PartitionBuffer {
    /// Partition keys (empty without dynamic partitioning).
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// The error output type, for a buffer of records bound for the error prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Records, oldest first.
    pub records: Vec<BufRecord>,
    /// Bytes held.
    pub bytes: u64,
    /// An in-flight delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
    /// Since when deliveries of this buffer fail (lake time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<DateTime<Utc>>,
    /// Next retry after a failure (lake time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<DateTime<Utc>>,
}

impl PartitionBuffer {
    /// When the interval hint delivers it (or the retry, or the claim lapses).
    pub fn due(&self, interval_seconds: u64) -> Option<DateTime<Utc>> {
        let oldest = self.records.first()?.arrival;
        let mut due = oldest + chrono::Duration::seconds(interval_seconds as i64);
        if let Some(r) = self.retry_at {
            due = due.max(r);
        }
        if let Some(c) = &self.claim {
            due = due.max(c.until);
        }
        Some(due)
    }

    /// Whether it should be delivered now.
    pub fn is_due(&self, now: DateTime<Utc>, size_bytes: u64, interval_seconds: u64) -> bool {
        if self.records.is_empty() || self.claim.as_ref().is_some_and(|c| c.until > now) {
            return false;
        }
        if self.retry_at.is_some_and(|r| r > now) {
            return false;
        }
        self.bytes >= size_bytes || self.due(interval_seconds).is_some_and(|d| d <= now) || self.claim.is_some()
    }
}

/// A delivery stream's buffers and its source checkpoints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BufferState {
    /// Buffers by partition id (`""` without dynamic partitioning, `!error:<type>` for error output).
    #[serde(default)]
    pub partitions: BTreeMap<String, PartitionBuffer>,
    /// Kinesis source: last sequence number read per shard.
    #[serde(default)]
    pub checkpoints: BTreeMap<String, String>,
    /// The last delivery failure (`FailureDescription.Details`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl BufferState {
    /// Active partitions (dynamic partitioning's limit counts these).
    pub fn active_partitions(&self) -> usize {
        self.partitions.values().filter(|p| p.error_type.is_none()).count()
    }
}

/// Reads a JSON record; a missing one is `T::default()`-free `None`.
pub async fn read<T: DeserializeOwned>(store: &dyn ObjectStore, path: &Path) -> Result<Option<(T, UpdateVersion)>> {
    match store.get(path).await {
        Ok(res) => {
            let version = UpdateVersion { e_tag: res.meta.e_tag.clone(), version: res.meta.version.clone() };
            let bytes = res.bytes().await?;
            let value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Service(format!("The lake record {path} is damaged: {e}")))?;
            Ok(Some((value, version)))
        }
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes a JSON record if it is still at `version` (`None`: if it does not exist yet).
/// `Ok(false)`: someone else wrote first; re-read and try again.
pub async fn write<T: Serialize>(
    store: &dyn ObjectStore,
    path: &Path,
    value: &T,
    version: Option<UpdateVersion>,
) -> Result<bool> {
    let body = serde_json::to_vec(value).map_err(|e| Error::Service(e.to_string()))?;
    let mode = match version {
        Some(v) => PutMode::Update(v),
        None => PutMode::Create,
    };
    let mut attributes = object_store::Attributes::new();
    attributes.insert(object_store::Attribute::ContentType, "application/json".into());
    let opts = PutOptions { mode, attributes, ..Default::default() };
    match store.put_opts(path, PutPayload::from_bytes(Bytes::from(body)), opts).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a record (missing is fine).
pub async fn delete(store: &dyn ObjectStore, path: &Path) -> Result<()> {
    match store.delete(path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Names of every stored delivery stream, sorted.
pub async fn stream_names(store: &dyn ObjectStore) -> Result<Vec<String>> {
    let metas: Vec<_> = store.list(Some(&streams_root())).try_collect().await?;
    let mut names: Vec<String> = metas
        .iter()
        .filter_map(|m| m.location.filename().and_then(|f| f.strip_suffix(".json")).map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}
