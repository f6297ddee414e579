//! Stream lifecycle and description: CreateStream, DeleteStream, DescribeStream(Summary),
//! ListStreams, ListShards, retention and tags.

use std::collections::BTreeMap;

use base64::{engine::general_purpose::STANDARD, Engine};
use object_store::PutMode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    hashkey::equal_range,
    input::{self, epoch_seconds, ranged},
    model::{ShardMeta, StreamMeta},
    persist, Error, Kinesis, Result, ACCOUNT, MAX_SHARDS_PER_STREAM,
};

/// Shards an ON_DEMAND stream starts with (as AWS).
const ON_DEMAND_SHARDS: u32 = 4;
const DEFAULT_RETENTION_HOURS: u32 = 24;
const MAX_RETENTION_HOURS: i64 = 8_760;
const MAX_TAGS: usize = 50;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StreamModeDetails {
    stream_mode: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateStreamInput {
    stream_name: Option<String>,
    shard_count: Option<i64>,
    stream_mode_details: Option<StreamModeDetails>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StreamInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    #[allow(dead_code)]
    enforce_consumer_deletion: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeStreamInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    limit: Option<i64>,
    exclusive_start_shard_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListStreamsInput {
    limit: Option<i64>,
    exclusive_start_stream_name: Option<String>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ShardFilter {
    r#type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListShardsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    next_token: Option<String>,
    exclusive_start_shard_id: Option<String>,
    max_results: Option<i64>,
    shard_filter: Option<ShardFilter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RetentionInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    retention_period_hours: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AddTagsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListTagsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    exclusive_start_tag_key: Option<String>,
    limit: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RemoveTagsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    tag_keys: Option<Vec<String>>,
}

/// A shard as DescribeStream and ListShards show it.
pub(crate) fn shard_json(shard: &ShardMeta) -> Value {
    let mut out = json!({
        "ShardId": shard.id,
        "HashKeyRange": { "StartingHashKey": shard.start, "EndingHashKey": shard.end },
        "SequenceNumberRange": { "StartingSequenceNumber": shard.seq(0) },
    });
    if let Some(p) = &shard.parent {
        out["ParentShardId"] = json!(p);
    }
    if let Some(p) = &shard.adjacent_parent {
        out["AdjacentParentShardId"] = json!(p);
    }
    if let Some(end) = shard.closed.and_then(|c| c.end_index) {
        out["SequenceNumberRange"]["EndingSequenceNumber"] = json!(shard.seq(end));
    }
    out
}

fn mode_json(meta: &StreamMeta) -> Value {
    json!({ "StreamMode": meta.mode })
}

fn check_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(Error::validation(k, "tags", "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"));
        }
        if v.chars().count() > 256 {
            return Err(Error::validation(
                v,
                "tags",
                "Map value must satisfy constraint: [Member must have length less than or equal to 256]",
            ));
        }
    }
    Ok(())
}

impl Kinesis {
    pub(crate) async fn create_stream(&self, input: CreateStreamInput) -> Result<Value> {
        let name = input.stream_name.ok_or_else(|| Error::missing("streamName"))?;
        input::check_stream_name(&name)?;
        let mode = match input.stream_mode_details {
            None => "PROVISIONED".to_string(),
            Some(d) => d.stream_mode.ok_or_else(|| Error::missing("streamModeDetails.streamMode"))?,
        };
        let shards = match mode.as_str() {
            "PROVISIONED" => {
                let n = input
                    .shard_count
                    .ok_or_else(|| Error::invalid("ShardCount is required for a stream in PROVISIONED mode."))?;
                ranged(Some(n), "shardCount", 1, i64::from(i32::MAX), 1)? as u64
            }
            "ON_DEMAND" => u64::from(ON_DEMAND_SHARDS),
            other => {
                return Err(Error::validation(
                    other,
                    "streamModeDetails.streamMode",
                    "Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]",
                ))
            }
        };
        if shards > MAX_SHARDS_PER_STREAM as u64 {
            return Err(Error::LimitExceeded {
                message: format!(
                    "This request would exceed the shard limit for the account {ACCOUNT} in {}. Current provisioned shard count for the account in {}: 0. Limit: {MAX_SHARDS_PER_STREAM}. Number of additional shards that would have resulted from this request: {shards}.",
                    crate::REGION, crate::REGION
                ),
            });
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags)?;
        if tags.len() > MAX_TAGS {
            return Err(Error::invalid(format!(
                "Failed to create stream {name} because a stream cannot have more than {MAX_TAGS} tags."
            )));
        }
        let now = self.now_ms();
        let mut meta = StreamMeta {
            name: name.clone(),
            id: format!("{name}-{now}"),
            created_ms: now,
            mode,
            retention_hours: DEFAULT_RETENTION_HOURS,
            tags,
            shards: Vec::new(),
        };
        let n = shards as u32;
        for i in 0..n {
            meta.push_shard(equal_range(i, n), now, None, None);
        }
        // Counters first: a stream record is never visible without them.
        for s in &meta.shards {
            persist::init_shard(&self.store, &meta.id, &s.id).await?;
        }
        if !persist::put_json(&self.store, &persist::stream_path(&name), &meta, PutMode::Create).await? {
            persist::delete_prefix(&self.store, &persist::data_prefix(&meta.id)).await?;
            return Err(Error::ResourceInUse {
                message: format!("Stream {name} under account {ACCOUNT} already exists."),
            });
        }
        Ok(json!({}))
    }

    pub(crate) async fn delete_stream(&self, input: StreamInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let (meta, _) = self.load(&name).await?;
        persist::delete(&self.store, &persist::stream_path(&name)).await?;
        persist::delete_prefix(&self.store, &persist::data_prefix(&meta.id)).await?;
        Ok(json!({}))
    }

    pub(crate) async fn describe_stream(&self, input: DescribeStreamInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let limit = ranged(input.limit, "limit", 1, 10_000, 100)? as usize;
        let meta = self.settled(&name).await?;
        let now = self.now_ms();
        let after = input.exclusive_start_shard_id.as_deref();
        let mut shards: Vec<&ShardMeta> =
            meta.visible_shards(now).filter(|s| after.is_none_or(|a| s.id.as_str() > a)).collect();
        let more = shards.len() > limit;
        shards.truncate(limit);
        Ok(json!({ "StreamDescription": {
            "StreamName": meta.name,
            "StreamARN": Kinesis::stream_arn(&meta.name),
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": mode_json(&meta),
            "Shards": shards.into_iter().map(shard_json).collect::<Vec<_>>(),
            "HasMoreShards": more,
            "RetentionPeriodHours": meta.retention_hours,
            "StreamCreationTimestamp": epoch_seconds(meta.created_ms),
            "EnhancedMonitoring": [{ "ShardLevelMetrics": [] }],
            "EncryptionType": "NONE",
        }}))
    }

    pub(crate) async fn describe_stream_summary(&self, input: StreamInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let (meta, _) = self.load(&name).await?;
        Ok(json!({ "StreamDescriptionSummary": {
            "StreamName": meta.name,
            "StreamARN": Kinesis::stream_arn(&meta.name),
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": mode_json(&meta),
            "RetentionPeriodHours": meta.retention_hours,
            "StreamCreationTimestamp": epoch_seconds(meta.created_ms),
            "EnhancedMonitoring": [{ "ShardLevelMetrics": [] }],
            "EncryptionType": "NONE",
            "OpenShardCount": meta.open_shards().count(),
            "ConsumerCount": 0,
        }}))
    }

    pub(crate) async fn list_streams(&self, input: ListStreamsInput) -> Result<Value> {
        let limit = ranged(input.limit, "limit", 1, 10_000, 100)? as usize;
        let after = match (&input.next_token, &input.exclusive_start_stream_name) {
            (Some(token), _) => Some(decode_token(token)?),
            (None, Some(name)) => Some(name.clone()),
            (None, None) => None,
        };
        let mut streams: Vec<StreamMeta> = persist::list_streams(&self.store)
            .await?
            .into_iter()
            .filter(|s| after.as_deref().is_none_or(|a| s.name.as_str() > a))
            .collect();
        let more = streams.len() > limit;
        streams.truncate(limit);
        let mut out = json!({
            "StreamNames": streams.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "HasMoreStreams": more,
            "StreamSummaries": streams.iter().map(|s| json!({
                "StreamName": s.name,
                "StreamARN": Kinesis::stream_arn(&s.name),
                "StreamStatus": "ACTIVE",
                "StreamModeDetails": mode_json(s),
                "StreamCreationTimestamp": epoch_seconds(s.created_ms),
            })).collect::<Vec<_>>(),
        });
        if more {
            if let Some(last) = streams.last() {
                out["NextToken"] = json!(STANDARD.encode(&last.name));
            }
        }
        Ok(out)
    }

    pub(crate) async fn list_shards(&self, input: ListShardsInput) -> Result<Value> {
        let max = ranged(input.max_results, "maxResults", 1, 10_000, 1_000)? as usize;
        let (name, after) = match &input.next_token {
            Some(token) => {
                if input.stream_name.is_some() || input.stream_arn.is_some() {
                    return Err(Error::invalid("NextToken and StreamName cannot be provided together."));
                }
                let decoded = decode_token(token)?;
                let (name, after) =
                    decoded.split_once('\n').ok_or_else(|| Error::invalid("Invalid ShardId in NextToken."))?;
                input::check_stream_name(name)?;
                (name.to_string(), Some(after.to_string()))
            }
            None => (
                input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?,
                input.exclusive_start_shard_id.clone(),
            ),
        };
        let only_open = match input.shard_filter.as_ref().map(|f| f.r#type.as_deref()) {
            None => false,
            Some(Some("AT_TRIM_HORIZON" | "FROM_TRIM_HORIZON")) => false,
            Some(Some("AT_LATEST")) => true,
            Some(Some(other)) => {
                return Err(Error::invalid(format!("ShardFilter type {other} is not supported by Puddle's Kinesis.")))
            }
            Some(None) => return Err(Error::missing("shardFilter.type")),
        };
        let meta = self.settled(&name).await?;
        let now = self.now_ms();
        let mut shards: Vec<&ShardMeta> = meta
            .visible_shards(now)
            .filter(|s| !only_open || s.closed.is_none())
            .filter(|s| after.as_deref().is_none_or(|a| s.id.as_str() > a))
            .collect();
        let more = shards.len() > max;
        shards.truncate(max);
        let mut out = json!({ "Shards": shards.iter().map(|s| shard_json(s)).collect::<Vec<_>>() });
        if more {
            if let Some(last) = shards.last() {
                out["NextToken"] = json!(STANDARD.encode(format!("{}\n{}", meta.name, last.id)));
            }
        }
        Ok(out)
    }

    pub(crate) async fn change_retention(&self, input: RetentionInput, increase: bool) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let hours = input.retention_period_hours.ok_or_else(|| Error::missing("retentionPeriodHours"))?;
        let hours = ranged(Some(hours), "retentionPeriodHours", 1, i64::from(i32::MAX), 24)?;
        if hours < 24 {
            return Err(Error::invalid(format!(
                "Minimum allowed retention period is 24 hours. Requested retention period ({hours} hours) is too short."
            )));
        }
        if hours > MAX_RETENTION_HOURS {
            return Err(Error::invalid(format!(
                "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
            )));
        }
        self.update(&name, |meta| {
            let current = i64::from(meta.retention_hours);
            if increase && hours < current {
                return Err(Error::invalid(format!("Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API.")));
            }
            if !increase && hours > current {
                return Err(Error::invalid(format!("Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API.")));
            }
            meta.retention_hours = hours as u32;
            Ok(())
        })
        .await?;
        Ok(json!({}))
    }

    pub(crate) async fn add_tags(&self, input: AddTagsInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let tags = input.tags.ok_or_else(|| Error::missing("tags"))?;
        if tags.is_empty() || tags.len() > 10 {
            return Err(Error::validation(
                format!("{tags:?}"),
                "tags",
                if tags.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 10"
                },
            ));
        }
        check_tags(&tags)?;
        self.update(&name, |meta| {
            let mut merged = meta.tags.clone();
            merged.extend(tags.clone());
            if merged.len() > MAX_TAGS {
                return Err(Error::invalid(format!("Failed to add tags to stream {name} under account {ACCOUNT} because a given stream cannot have more than {MAX_TAGS} tags associated with it.")));
            }
            meta.tags = merged;
            Ok(())
        })
        .await?;
        Ok(json!({}))
    }

    pub(crate) async fn list_tags(&self, input: ListTagsInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let limit = ranged(input.limit, "limit", 1, 50, 50)? as usize;
        let (meta, _) = self.load(&name).await?;
        let after = input.exclusive_start_tag_key.as_deref();
        let tags: Vec<(&String, &String)> =
            meta.tags.iter().filter(|(k, _)| after.is_none_or(|a| k.as_str() > a)).collect();
        let more = tags.len() > limit;
        Ok(json!({
            "Tags": tags.into_iter().take(limit).map(|(k, v)| json!({ "Key": k, "Value": v })).collect::<Vec<_>>(),
            "HasMoreTags": more,
        }))
    }

    pub(crate) async fn remove_tags(&self, input: RemoveTagsInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let keys = input.tag_keys.ok_or_else(|| Error::missing("tagKeys"))?;
        if keys.is_empty() || keys.len() > 50 {
            return Err(Error::validation(
                format!("{keys:?}"),
                "tagKeys",
                if keys.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 50"
                },
            ));
        }
        self.update(&name, |meta| {
            for k in &keys {
                meta.tags.remove(k);
            }
            Ok(())
        })
        .await?;
        Ok(json!({}))
    }
}

fn decode_token(token: &str) -> Result<String> {
    let bad = || Error::invalid(format!("Invalid NextToken: {}", token.chars().take(64).collect::<String>()));
    if token.len() > 1_048_576 {
        return Err(bad());
    }
    let bytes = STANDARD.decode(token).map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}
