//! Reading: GetShardIterator, GetRecords (read throttling, retention, closed shards and their
//! children) and the unthrottled reads Firehose's Kinesis source uses.

use std::collections::BTreeMap;

use base64::{engine::general_purpose::STANDARD, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{
    input::{self, epoch_seconds, java_date, ranged},
    model::{ShardMeta, StreamMeta},
    persist::{self, ReadLimits},
    throttle::Limits,
    Error, Kinesis, Result, SequenceNumber, StreamRecord,
};

/// An iterator is good for five minutes of lake time.
pub const ITERATOR_TTL_MS: i64 = 300_000;
/// Longest shard iterator the API takes.
const MAX_ITERATOR_CHARS: usize = 512;
/// GetRecords returns at most 10 MiB.
const MAX_GET_BYTES: usize = 10 << 20;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetShardIteratorInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    shard_id: Option<String>,
    shard_iterator_type: Option<String>,
    starting_sequence_number: Option<String>,
    timestamp: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetRecordsInput {
    shard_iterator: Option<String>,
    limit: Option<i64>,
}

/// What an iterator encodes (base64 of this JSON).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Position {
    /// Stream name.
    s: String,
    /// Stream id (a stream deleted and created again does not take old iterators).
    i: String,
    /// Shard id.
    h: String,
    /// Next record index to read.
    p: u64,
    /// Lake time it was issued, epoch ms.
    t: i64,
}

impl Position {
    fn encode(&self) -> String {
        STANDARD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(text: &str) -> Result<Position> {
        if text.is_empty() {
            return Err(Error::validation(text, "shardIterator", "Member must have length greater than or equal to 1"));
        }
        if text.chars().count() > MAX_ITERATOR_CHARS {
            return Err(Error::validation(text, "shardIterator", "Member must have length less than or equal to 512"));
        }
        let bad = || Error::invalid(format!("Invalid ShardIterator: {text}"));
        let bytes = STANDARD.decode(text).map_err(|_| bad())?;
        let pos: Position = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if input::check_stream_name(&pos.s).is_err() || !pos.h.starts_with("shardId-") || pos.p == 0 {
            return Err(bad());
        }
        Ok(pos)
    }
}

fn shard_of<'m>(meta: &'m StreamMeta, shard: &str) -> Result<&'m ShardMeta> {
    meta.shard(shard).ok_or_else(|| Error::shard_not_found(shard, &meta.name))
}

fn record_json(shard: &ShardMeta, idx: u64, rec: &crate::model::SegmentRecord) -> Value {
    json!({
        "SequenceNumber": shard.seq(idx),
        "ApproximateArrivalTimestamp": epoch_seconds(rec.t),
        "Data": rec.d,
        "PartitionKey": rec.k,
    })
}

impl Kinesis {
    pub(crate) async fn get_shard_iterator(&self, input: GetShardIteratorInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let shard_id = input.shard_id.ok_or_else(|| Error::missing("shardId"))?;
        if shard_id.is_empty() || shard_id.chars().count() > 128 {
            return Err(Error::validation(&shard_id, "shardId", "Member must have length less than or equal to 128"));
        }
        let kind = input.shard_iterator_type.ok_or_else(|| Error::missing("shardIteratorType"))?;
        let (meta, _) = self.load(&name).await?;
        let shard = shard_of(&meta, &shard_id)?;
        let now = self.now_ms();
        let (state, _) = persist::shard_state(&self.store, &meta.id, &shard.id).await?;
        let tip = self.shard_end(&meta, shard, &state).await?.map_or(state.next, |e| e + 1);
        let sequence = |member: &str| -> Result<u64> {
            let text = input.starting_sequence_number.as_deref().ok_or_else(|| {
                Error::invalid(format!("StartingSequenceNumber must be specified for ShardIteratorType {kind}."))
            })?;
            let seq = SequenceNumber::parse_arg(text, member)?;
            shard.index_of(&seq).ok_or_else(|| {
                Error::invalid(format!(
                    "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {}",
                    crate::model::shard_id(seq.shard_index.min(u64::from(u32::MAX)) as u32),
                    shard.id
                ))
            })
        };
        let p = match kind.as_str() {
            "TRIM_HORIZON" => 1,
            "LATEST" => tip,
            "AT_SEQUENCE_NUMBER" => sequence("startingSequenceNumber")?.max(1),
            "AFTER_SEQUENCE_NUMBER" => sequence("startingSequenceNumber")?.saturating_add(1),
            "AT_TIMESTAMP" => {
                let ts = input
                    .timestamp
                    .as_ref()
                    .ok_or_else(|| Error::invalid("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP."))?;
                let ts = input::timestamp_ms(ts, "timestamp")?;
                self.first_at_or_after(&meta, shard, ts, tip, now).await?
            }
            other => {
                return Err(Error::validation(
                    other,
                    "shardIteratorType",
                    "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]",
                ))
            }
        };
        let pos = Position { s: meta.name.clone(), i: meta.id.clone(), h: shard.id.clone(), p, t: now };
        Ok(json!({ "ShardIterator": pos.encode() }))
    }

    /// Index of the first record that arrived at or after `ts` (or the tip).
    async fn first_at_or_after(
        &self,
        meta: &StreamMeta,
        shard: &ShardMeta,
        ts: i64,
        tip: u64,
        now: i64,
    ) -> Result<u64> {
        let horizon = meta.horizon_ms(now).max(ts);
        let mut from = 1;
        loop {
            let limits =
                ReadLimits { until: None, records: 10_000, bytes: usize::MAX, horizon_ms: meta.horizon_ms(now) };
            let batch = persist::read_from(&self.store, &meta.id, &shard.id, from, &limits).await?;
            let Some(last) = batch.last().map(|b| b.0) else { return Ok(tip) };
            if let Some((idx, _)) = batch.iter().find(|(_, r)| r.t >= horizon) {
                return Ok(*idx);
            }
            from = last + 1;
        }
    }

    pub(crate) async fn get_records(&self, input: GetRecordsInput) -> Result<Value> {
        let text = input.shard_iterator.ok_or_else(|| Error::missing("shardIterator"))?;
        let limit = ranged(input.limit, "limit", 1, 10_000, 10_000)? as usize;
        let pos = Position::decode(&text)?;
        let now = self.now_ms();
        if now - pos.t > ITERATOR_TTL_MS {
            return Err(Error::ExpiredIterator {
                message: format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_TTL_MS} milliseconds.",
                    java_date(pos.t),
                    java_date(now)
                ),
            });
        }
        let (meta, _) = self.load(&pos.s).await?;
        if meta.id != pos.i {
            return Err(Error::stream_not_found(&pos.s));
        }
        let shard = shard_of(&meta, &pos.h)?;
        let limits = Limits::for_mode(meta.provisioned());
        if !self.traffic.lock().unwrap_or_else(|e| e.into_inner()).shard(&meta.id, &shard.id).try_read(now, &limits) {
            return Err(Error::throttled(&shard.id, &meta.name));
        }
        let (state, _) = persist::shard_state(&self.store, &meta.id, &shard.id).await?;
        let until = self.shard_end(&meta, shard, &state).await?;
        let read = ReadLimits { until, records: limit, bytes: MAX_GET_BYTES, horizon_ms: meta.horizon_ms(now) };
        let batch = persist::read_from(&self.store, &meta.id, &shard.id, pos.p, &read).await?;
        let bytes: usize = batch.iter().map(|(_, r)| r.d.len() / 4 * 3).sum();
        self.traffic.lock().unwrap_or_else(|e| e.into_inner()).shard(&meta.id, &shard.id).add_read_bytes(bytes as u64);
        let next = batch.last().map_or(pos.p, |(i, _)| i + 1);
        let tip = until.map_or(state.next, |e| e + 1);
        let millis_behind = match batch.last() {
            Some((_, r)) if next < tip => (now - r.t).max(0),
            _ => 0,
        };
        let mut out = json!({
            "Records": batch.iter().map(|(i, r)| record_json(shard, *i, r)).collect::<Vec<_>>(),
            "MillisBehindLatest": millis_behind,
        });
        let drained = until.is_some_and(|end| next > end);
        if drained {
            out["ChildShards"] = json!(meta
                .children(&shard.id)
                .into_iter()
                .map(|c| {
                    let parents: Vec<&String> = c.parent.iter().chain(c.adjacent_parent.iter()).collect();
                    json!({
                        "ShardId": c.id,
                        "ParentShards": parents,
                        "HashKeyRange": { "StartingHashKey": c.start, "EndingHashKey": c.end },
                    })
                })
                .collect::<Vec<_>>());
        } else {
            let following = Position { p: next, t: now, ..pos };
            out["NextShardIterator"] = json!(following.encode());
        }
        Ok(out)
    }

    pub(crate) async fn read_after_impl(
        &self,
        stream_name: &str,
        after: &BTreeMap<String, String>,
        limit: usize,
    ) -> Result<Vec<StreamRecord>> {
        input::check_stream_name(stream_name)?;
        let (meta, _) = self.load(stream_name).await?;
        let now = self.now_ms();
        let mut out = Vec::new();
        for shard in &meta.shards {
            if out.len() >= limit {
                break;
            }
            let from = match after.get(&shard.id) {
                Some(text) => {
                    let seq = SequenceNumber::parse_arg(text, "sequenceNumber")?;
                    let idx = shard.index_of(&seq).ok_or_else(|| {
                        Error::invalid(format!("Sequence number {text} is not one of shard {}'s.", shard.id))
                    })?;
                    idx.saturating_add(1)
                }
                None => 1,
            };
            let (state, _) = persist::shard_state(&self.store, &meta.id, &shard.id).await?;
            let read = ReadLimits {
                until: self.shard_end(&meta, shard, &state).await?,
                records: limit - out.len(),
                bytes: usize::MAX,
                horizon_ms: meta.horizon_ms(now),
            };
            for (idx, rec) in persist::read_from(&self.store, &meta.id, &shard.id, from, &read).await? {
                let data = STANDARD.decode(&rec.d).unwrap_or_default();
                out.push(StreamRecord {
                    shard_id: shard.id.clone(),
                    sequence_number: shard.seq(idx),
                    partition_key: rec.k,
                    data: data.into(),
                    arrival: chrono::DateTime::from_timestamp_millis(rec.t).unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    pub(crate) async fn latest_positions_impl(&self, stream_name: &str) -> Result<BTreeMap<String, String>> {
        input::check_stream_name(stream_name)?;
        let (meta, _) = self.load(stream_name).await?;
        let mut out = BTreeMap::new();
        for shard in &meta.shards {
            let (state, _) = persist::shard_state(&self.store, &meta.id, &shard.id).await?;
            let last = self.shard_end(&meta, shard, &state).await?.unwrap_or(state.next.saturating_sub(1));
            out.insert(shard.id.clone(), shard.seq(last));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterators_round_trip_and_garbage_is_refused() {
        let p = Position { s: "s".into(), i: "s-1".into(), h: "shardId-000000000000".into(), p: 3, t: 5 };
        assert_eq!(Position::decode(&p.encode()).unwrap(), p);
        for bad in ["", "!!!", "AAAA", &STANDARD.encode("{}"), &"A".repeat(600)] {
            assert!(Position::decode(bad).is_err(), "{bad}");
        }
    }
}
