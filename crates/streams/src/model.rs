//! The records kept in the store: a stream's description, each shard's counter, record segments.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{hashkey, seqnum::SequenceNumber};

/// A stream as stored in `_meta/kinesis/streams/<name>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StreamMeta {
    pub name: String,
    /// Names the stream's data folder, so a stream created again under the same name never
    /// sees its predecessor's records (even if their removal was interrupted).
    pub id: String,
    pub created_ms: i64,
    /// `PROVISIONED` or `ON_DEMAND`.
    pub mode: String,
    pub retention_hours: u32,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Every shard ever created, in creation order (index = position).
    pub shards: Vec<ShardMeta>,
}

/// One shard of a stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ShardMeta {
    pub id: String,
    pub index: u32,
    /// Decimal, as the API shows hash keys.
    pub start: String,
    pub end: String,
    pub created_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjacent_parent: Option<String>,
    /// Set once split or merged: when it closed and the index of its last record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
}

/// How a shard closed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Closed {
    /// Index of its last record; `None` until its counter is closed too (a reshard records the
    /// closing first, then closes the counter: whoever meets `None` finishes the job).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_index: Option<u64>,
    pub at_ms: i64,
}

impl StreamMeta {
    pub fn provisioned(&self) -> bool {
        self.mode == "PROVISIONED"
    }

    pub fn shard(&self, id: &str) -> Option<&ShardMeta> {
        self.shards.iter().find(|s| s.id == id)
    }

    pub fn open_shards(&self) -> impl Iterator<Item = &ShardMeta> {
        self.shards.iter().filter(|s| s.closed.is_none())
    }

    /// The open shard whose range holds `hash`.
    pub fn route(&self, hash: u128) -> Option<&ShardMeta> {
        self.open_shards().find(|s| s.range().0 <= hash && hash <= s.range().1)
    }

    /// Shards still shown: open ones, and closed ones until the retention period after closing.
    pub fn visible_shards(&self, now_ms: i64) -> impl Iterator<Item = &ShardMeta> {
        let keep_ms = self.retention_ms();
        self.shards.iter().filter(move |s| s.closed.is_none_or(|c| c.at_ms.saturating_add(keep_ms) > now_ms))
    }

    pub fn retention_ms(&self) -> i64 {
        i64::from(self.retention_hours) * 3_600_000
    }

    /// Records that arrived before this lake time are gone.
    pub fn horizon_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.retention_ms())
    }

    /// The shards made from `parent` by splits, merges and rescaling.
    pub fn children(&self, parent: &str) -> Vec<&ShardMeta> {
        self.shards
            .iter()
            .filter(|s| s.parent.as_deref() == Some(parent) || s.adjacent_parent.as_deref() == Some(parent))
            .collect()
    }

    /// Adds a shard over `range`, open, with the next free id.
    pub fn push_shard(&mut self, range: (u128, u128), now_ms: i64, parent: Option<String>, adjacent: Option<String>) {
        let index = self.shards.len() as u32;
        self.shards.push(ShardMeta {
            id: shard_id(index),
            index,
            start: range.0.to_string(),
            end: range.1.to_string(),
            created_ms: now_ms,
            parent,
            adjacent_parent: adjacent,
            closed: None,
        });
    }
}

impl ShardMeta {
    pub fn range(&self) -> (u128, u128) {
        (hashkey::parse_hash_key(&self.start).unwrap_or(0), hashkey::parse_hash_key(&self.end).unwrap_or(u128::MAX))
    }

    pub fn seq(&self, index: u64) -> String {
        SequenceNumber { shard_created_ms: self.created_ms.max(0) as u64, shard_index: self.index.into(), index }
            .encode()
    }

    /// The record index a sequence number stands for, if it is one of this shard's.
    pub fn index_of(&self, seq: &SequenceNumber) -> Option<u64> {
        (seq.shard_created_ms == self.created_ms.max(0) as u64 % 10u64.pow(15)
            && seq.shard_index == u64::from(self.index))
        .then_some(seq.index)
    }
}

/// `shardId-000000000007`.
pub(crate) fn shard_id(index: u32) -> String {
    format!("shardId-{index:012}")
}

/// A shard's counter, `.../<shard>/state.json`, changed only by compare-and-swap.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ShardState {
    /// Index the next record gets (records start at 1).
    pub next: u64,
    /// Index of the last record once the shard is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<u64>,
}

impl Default for ShardState {
    fn default() -> Self {
        ShardState { next: 1, end: None }
    }
}

/// Records `first..first + records.len()` of a shard, `.../<shard>/seg/<first, 20 digits>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Segment {
    pub first: u64,
    pub records: Vec<SegmentRecord>,
}

/// One record in a segment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SegmentRecord {
    /// Partition key.
    pub k: String,
    /// Data, base64.
    pub d: String,
    /// Arrival, lake time in epoch milliseconds.
    pub t: i64,
}
