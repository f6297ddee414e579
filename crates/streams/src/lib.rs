//! Kinesis Data Streams on the lake's object store.
//!
//! [`Kinesis::call`] runs one API operation by name with its JSON input (AWS member names) and
//! answers its JSON output shaped as the real service's. State lives under `_meta/kinesis/`
//! (see [`persist`](crate::persist) for the layout and the compare-and-swap protocol), so a
//! second engine over the same store (another tab, or a reload) sees every stream, record and
//! sequence number. Time is the lake's ([`SimClock`]): retention, iterator expiry and the
//! throughput windows all run on it.
//!
//! Choices where the real service cannot be copied exactly:
//! - Streams are ACTIVE as soon as CreateStream answers, and resharding completes within the
//!   call (no CREATING/UPDATING phase is observable): the course types `create-stream` and
//!   `put-record` one after the other, which a real CREATING phase would fail.
//! - Throughput limits are kept per engine (per tab) in memory ([`throttle`](crate::throttle)).
//! - UpdateShardCount closes every open shard and opens N equal ones; each new shard's parent is
//!   the old shard holding its starting hash key, its adjacent parent the old shard holding its
//!   ending hash key when that is another one.
//! - Data that is not base64 is `InvalidArgumentException` (the JSON protocol would answer
//!   `SerializationException`; the AWS CLI rejects it before sending, and the issue asks for
//!   the service's argument error). Model constraints (lengths, ranges, enums, required
//!   members) are `ValidationException` with AWS's `1 validation error detected` wording.
#![deny(missing_docs)]

mod admin;
mod error;
mod hashkey;
mod input;
mod model;
mod persist;
mod put;
mod read;
mod reshard;
mod seqnum;
mod throttle;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use object_store::{ObjectStore, PutMode, UpdateVersion};
use puddle_events::SimClock;
use serde_json::Value;

pub use error::{Error, Result};
pub use hashkey::{equal_range, partition_hash};
pub use seqnum::SequenceNumber;

use model::StreamMeta;

/// The account every ARN and message names.
pub const ACCOUNT: &str = "123456789012";
/// The region every ARN names.
pub const REGION: &str = "us-east-1";
/// Most open shards a stream may have.
pub const MAX_SHARDS_PER_STREAM: usize = 200;

/// One record read from a stream (for Firehose's Kinesis source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    /// The shard it is on.
    pub shard_id: String,
    /// Its 56-digit sequence number.
    pub sequence_number: String,
    /// Its partition key.
    pub partition_key: String,
    /// Its data.
    pub data: bytes::Bytes,
    /// When it arrived (lake time).
    pub arrival: DateTime<Utc>,
}

/// The Kinesis Data Streams engine. Cheap to clone; clones share the throughput windows.
#[derive(Clone)]
pub struct Kinesis {
    store: Arc<dyn ObjectStore>,
    clock: SimClock,
    traffic: Arc<Mutex<throttle::Traffic>>,
    /// Tests pin the real time the engine sees (the lake clock's offset still applies), so the
    /// one-second throughput windows never depend on how fast the machine runs the test.
    #[cfg(test)]
    pinned_real_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl std::fmt::Debug for Kinesis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kinesis").finish_non_exhaustive()
    }
}

impl Kinesis {
    /// An engine over the lake's store, on the lake's clock.
    pub fn new(store: Arc<dyn ObjectStore>, clock: SimClock) -> Self {
        Kinesis {
            store,
            clock,
            traffic: Arc::default(),
            #[cfg(test)]
            pinned_real_ms: Arc::new(std::sync::atomic::AtomicI64::new(chrono::Utc::now().timestamp_millis())),
        }
    }

    /// `arn:aws:kinesis:us-east-1:123456789012:stream/<name>`.
    pub fn stream_arn(name: &str) -> String {
        format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}")
    }

    /// Runs one operation by its API name (`PutRecord`, ...) with its input structure as JSON
    /// (AWS member names, blobs as base64 strings, timestamps as epoch seconds or ISO-8601),
    /// answering its output structure as the real API's JSON protocol does.
    pub async fn call(&self, operation: &str, input: Value) -> Result<Value> {
        match operation {
            "CreateStream" => self.create_stream(input::parse(input)?).await,
            "DeleteStream" => self.delete_stream(input::parse(input)?).await,
            "DescribeStream" => self.describe_stream(input::parse(input)?).await,
            "DescribeStreamSummary" => self.describe_stream_summary(input::parse(input)?).await,
            "ListStreams" => self.list_streams(input::parse(input)?).await,
            "ListShards" => self.list_shards(input::parse(input)?).await,
            "PutRecord" => self.put_record(input::parse(input)?).await,
            "PutRecords" => self.put_records(input::parse(input)?).await,
            "GetShardIterator" => self.get_shard_iterator(input::parse(input)?).await,
            "GetRecords" => self.get_records(input::parse(input)?).await,
            "SplitShard" => self.split_shard(input::parse(input)?).await,
            "MergeShards" => self.merge_shards(input::parse(input)?).await,
            "UpdateShardCount" => self.update_shard_count(input::parse(input)?).await,
            "IncreaseStreamRetentionPeriod" => self.change_retention(input::parse(input)?, true).await,
            "DecreaseStreamRetentionPeriod" => self.change_retention(input::parse(input)?, false).await,
            "AddTagsToStream" => self.add_tags(input::parse(input)?).await,
            "ListTagsForStream" => self.list_tags(input::parse(input)?).await,
            "RemoveTagsFromStream" => self.remove_tags(input::parse(input)?).await,
            other => Err(Error::UnknownOperation { operation: other.chars().take(64).collect() }),
        }
    }

    /// The names of every stream, sorted (for the Firehose page's source picker).
    pub async fn stream_names(&self) -> Result<Vec<String>> {
        Ok(persist::list_streams(&self.store).await?.into_iter().map(|s| s.name).collect())
    }

    #[cfg(not(test))]
    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    #[cfg(test)]
    fn now_ms(&self) -> i64 {
        self.pinned_real_ms.load(std::sync::atomic::Ordering::Relaxed) + self.clock.offset().num_milliseconds()
    }

    /// Moves the pinned real time forward (tests only).
    #[cfg(test)]
    pub(crate) fn pass_real_time(&self, ms: i64) {
        self.pinned_real_ms.fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// The stream and its version.
    async fn load(&self, name: &str) -> Result<(StreamMeta, UpdateVersion)> {
        persist::get_json::<StreamMeta>(&self.store, &persist::stream_path(name))
            .await?
            .ok_or_else(|| Error::stream_not_found(name))
    }

    /// Changes the stream record with compare-and-swap, retrying on another writer's change.
    async fn update<T>(&self, name: &str, mut change: impl FnMut(&mut StreamMeta) -> Result<T>) -> Result<T> {
        for _ in 0..64 {
            let (mut meta, version) = self.load(name).await?;
            let out = change(&mut meta)?;
            if persist::put_json(&self.store, &persist::stream_path(name), &meta, PutMode::Update(version)).await? {
                return Ok(out);
            }
        }
        Err(Error::ResourceInUse {
            message: format!("Stream {name} under account {ACCOUNT} is being changed by another request."),
        })
    }

    /// The stream with every closed shard's ending recorded: a reshard that stopped between
    /// closing a shard in the stream record and closing its counter is finished here.
    async fn settled(&self, name: &str) -> Result<StreamMeta> {
        let (meta, _) = self.load(name).await?;
        let mut ends = BTreeMap::new();
        for s in meta.shards.iter().filter(|s| s.closed.is_some_and(|c| c.end_index.is_none())) {
            ends.insert(s.id.clone(), persist::close(&self.store, &meta.id, &s.id).await?);
        }
        if ends.is_empty() {
            return Ok(meta);
        }
        self.update(name, |m| {
            for s in &mut m.shards {
                if let (Some(c), Some(end)) = (s.closed.as_mut(), ends.get(&s.id)) {
                    c.end_index.get_or_insert(*end);
                }
            }
            Ok(m.clone())
        })
        .await
    }

    /// A shard's last index if it is closed (closing its counter if the stream says it is
    /// closed and the counter does not know yet).
    async fn shard_end(
        &self,
        meta: &StreamMeta,
        shard: &model::ShardMeta,
        state: &model::ShardState,
    ) -> Result<Option<u64>> {
        match (state.end, shard.closed) {
            (Some(end), _) => Ok(Some(end)),
            (None, Some(_)) => Ok(Some(persist::close(&self.store, &meta.id, &shard.id).await?)),
            (None, None) => Ok(None),
        }
    }

    /// Live per-shard traffic for the console: every shard still shown, its range, lineage,
    /// records kept and the rates measured by this engine.
    pub async fn shard_traffic(&self, stream_name: &str) -> Result<Vec<puddle_api::ShardTraffic>> {
        input::check_stream_name(stream_name)?;
        let (meta, _) = self.load(stream_name).await?;
        let now = self.now_ms();
        let limits = throttle::Limits::for_mode(meta.provisioned());
        let mut out = Vec::new();
        for shard in meta.visible_shards(now) {
            let (state, _) = persist::shard_state(&self.store, &meta.id, &shard.id).await?;
            let records = persist::count(&self.store, &meta.id, &shard.id, &state, meta.horizon_ms(now)).await?;
            let (rps, bps, wt, rt) =
                self.traffic.lock().unwrap_or_else(|e| e.into_inner()).shard(&meta.id, &shard.id).stats(now);
            out.push(puddle_api::ShardTraffic {
                shard_id: shard.id.clone(),
                starting_hash_key: shard.start.clone(),
                ending_hash_key: shard.end.clone(),
                parent_shard_id: shard.parent.clone(),
                adjacent_parent_shard_id: shard.adjacent_parent.clone(),
                open: shard.closed.is_none(),
                records,
                incoming_records_per_second: rps,
                incoming_bytes_per_second: bps,
                write_throttled_last_minute: wt,
                read_throttled_last_minute: rt,
                write_limit_records: limits.provisioned.then_some(limits.write_records),
                write_limit_bytes: limits.provisioned.then_some(limits.write_bytes),
            });
        }
        Ok(out)
    }

    /// Records of every shard strictly after the given per-shard sequence numbers (a shard
    /// missing from the map: from its first retained record), oldest first per shard, at most
    /// `limit` in all, without read throttling (a service-internal consumer).
    pub async fn read_after(
        &self,
        stream_name: &str,
        after: &BTreeMap<String, String>,
        limit: usize,
    ) -> Result<Vec<StreamRecord>> {
        self.read_after_impl(stream_name, after, limit).await
    }

    /// Every shard's latest sequence number (its starting number while it has no record), for
    /// checkpoints that start at LATEST.
    pub async fn latest_positions(&self, stream_name: &str) -> Result<BTreeMap<String, String>> {
        self.latest_positions_impl(stream_name).await
    }
}

#[cfg(test)]
mod tests;
