//! Resharding: SplitShard, MergeShards and UpdateShardCount (UNIFORM_SCALING).
//!
//! Each records the closed parents and the new children in the stream record by
//! compare-and-swap, then closes the parents' counters (no record lands in a parent after its
//! ending sequence number). A put that finds its shard's counter closed routes again.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    hashkey::{self, equal_range},
    input::{self, ranged},
    model::{Closed, StreamMeta},
    Error, Kinesis, Result, ACCOUNT, MAX_SHARDS_PER_STREAM,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SplitShardInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    shard_to_split: Option<String>,
    new_starting_hash_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MergeShardsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    shard_to_merge: Option<String>,
    adjacent_shard_to_merge: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UpdateShardCountInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    target_shard_count: Option<i64>,
    scaling_type: Option<String>,
}

/// A shard to open: its hash-key range, parent and adjacent parent.
type Child = ((u128, u128), Option<String>, Option<String>);

fn shard_limit(name: &str, open: usize) -> Error {
    Error::LimitExceeded {
        message: format!(
            "Stream {name} under account {ACCOUNT} would have {open} open shards, more than the limit of {MAX_SHARDS_PER_STREAM}."
        ),
    }
}

fn open_shard<'m>(meta: &'m StreamMeta, id: &str) -> Result<&'m crate::model::ShardMeta> {
    let shard = meta.shard(id).ok_or_else(|| Error::shard_not_found(id, &meta.name))?;
    if shard.closed.is_some() {
        return Err(Error::ResourceInUse {
            message: format!(
                "Shard {id} in stream {} under account {ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.",
                meta.name
            ),
        });
    }
    Ok(shard)
}

impl Kinesis {
    /// Records the parents closed and the children open in one CAS of the stream record (puts
    /// route to the children from then on), then closes the parents' counters and records
    /// their ending sequence numbers ([`Kinesis::settled`], which also finishes the job after
    /// a tab closed in between). `children` are (range, parent, adjacent parent).
    async fn reshard(&self, name: &str, parents: &[String], children: Vec<Child>) -> Result<()> {
        let now = self.now_ms();
        self.update(name, |m| {
            for p in parents {
                open_shard(m, p)?;
            }
            for s in m.shards.iter_mut().filter(|s| parents.contains(&s.id)) {
                s.closed = Some(Closed { end_index: None, at_ms: now });
            }
            for (range, parent, adjacent) in &children {
                m.push_shard(*range, now, parent.clone(), adjacent.clone());
            }
            Ok(())
        })
        .await?;
        self.settled(name).await?;
        Ok(())
    }

    pub(crate) async fn split_shard(&self, input: SplitShardInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let shard_id = input.shard_to_split.ok_or_else(|| Error::missing("shardToSplit"))?;
        let key_text = input.new_starting_hash_key.ok_or_else(|| Error::missing("newStartingHashKey"))?;
        let key = hashkey::parse_hash_key(&key_text).ok_or_else(|| {
            Error::validation(
                &key_text,
                "newStartingHashKey",
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
            )
        })?;
        let (meta, _) = self.load(&name).await?;
        let shard = open_shard(&meta, &shard_id)?;
        let (start, end) = shard.range();
        if key <= start.saturating_add(1) || key >= end {
            return Err(Error::invalid(format!(
                "NewStartingHashKey {key} used in SplitShard() on shard {shard_id} in stream {name} under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey {start} and less than the shard's EndingHashKey {end}."
            )));
        }
        let open = meta.open_shards().count() + 1;
        if open > MAX_SHARDS_PER_STREAM {
            return Err(shard_limit(&name, open));
        }
        let parent = Some(shard.id.clone());
        self.reshard(
            &name,
            std::slice::from_ref(&shard.id),
            vec![((start, key - 1), parent.clone(), None), ((key, end), parent, None)],
        )
        .await?;
        Ok(json!({}))
    }

    pub(crate) async fn merge_shards(&self, input: MergeShardsInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let a_id = input.shard_to_merge.ok_or_else(|| Error::missing("shardToMerge"))?;
        let b_id = input.adjacent_shard_to_merge.ok_or_else(|| Error::missing("adjacentShardToMerge"))?;
        let (meta, _) = self.load(&name).await?;
        let a = open_shard(&meta, &a_id)?;
        let b = open_shard(&meta, &b_id)?;
        let (ra, rb) = (a.range(), b.range());
        let range = if ra.1.checked_add(1) == Some(rb.0) {
            (ra.0, rb.1)
        } else if rb.1.checked_add(1) == Some(ra.0) {
            (rb.0, ra.1)
        } else {
            return Err(Error::invalid(format!(
                "Shards {a_id} and {b_id} in stream {name} under account {ACCOUNT} are not an adjacent pair of shards eligible for merging"
            )));
        };
        self.reshard(&name, &[a.id.clone(), b.id.clone()], vec![(range, Some(a.id.clone()), Some(b.id.clone()))])
            .await?;
        Ok(json!({}))
    }

    pub(crate) async fn update_shard_count(&self, input: UpdateShardCountInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let target = input.target_shard_count.ok_or_else(|| Error::missing("targetShardCount"))?;
        let target = ranged(Some(target), "targetShardCount", 1, i64::from(i32::MAX), 1)? as usize;
        match input.scaling_type.as_deref() {
            Some("UNIFORM_SCALING") => {}
            None => return Err(Error::missing("scalingType")),
            Some(other) => {
                return Err(Error::validation(
                    other,
                    "scalingType",
                    "Member must satisfy enum value set: [UNIFORM_SCALING]",
                ))
            }
        }
        let (meta, _) = self.load(&name).await?;
        if !meta.provisioned() {
            return Err(Error::invalid(format!(
                "UpdateShardCount is not supported for stream {name} under account {ACCOUNT} in ON_DEMAND mode."
            )));
        }
        let open: Vec<_> = meta.open_shards().cloned().collect();
        let current = open.len();
        if target > MAX_SHARDS_PER_STREAM {
            return Err(shard_limit(&name, target));
        }
        if target > current * 2 {
            return Err(Error::LimitExceeded { message: format!("UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current} Target shard count: {target}") });
        }
        if target * 2 < current {
            return Err(Error::LimitExceeded { message: format!("UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current} Target shard count: {target}") });
        }
        if target != current {
            let holder =
                |key: u128| open.iter().find(|s| s.range().0 <= key && key <= s.range().1).map(|s| s.id.clone());
            let children = (0..target as u32)
                .map(|i| {
                    let range = equal_range(i, target as u32);
                    let parent = holder(range.0);
                    let adjacent = holder(range.1).filter(|a| Some(a) != parent.as_ref());
                    (range, parent, adjacent)
                })
                .collect();
            let parents: Vec<String> = open.iter().map(|s| s.id.clone()).collect();
            self.reshard(&name, &parents, children).await?;
        }
        Ok(json!({
            "StreamName": name,
            "CurrentShardCount": current,
            "TargetShardCount": target,
            "StreamARN": Kinesis::stream_arn(&name),
        }))
    }
}
