//! The API operations: JSON in, JSON out, shaped like the real Firehose API.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{json, Value};

use crate::{
    config::{validate_name, S3Destination, StreamRecord},
    deliver, ingest, state, Error, Firehose, Result,
};

/// The largest record PutRecord / PutRecordBatch accept (1,000 KiB, before base64).
pub const MAX_RECORD_BYTES: usize = 1000 * 1024;
/// Records per PutRecordBatch.
pub const MAX_BATCH_RECORDS: usize = 500;
/// Bytes per PutRecordBatch.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// The only destination's id.
pub const DESTINATION_ID: &str = "destinationId-000000000001";
/// Delivery streams per account (AWS's default quota).
const MAX_STREAMS: usize = 5000;

pub async fn call(fh: &Firehose, operation: &str, input: Value) -> Result<Value> {
    if !input.is_object() {
        return Err(Error::invalid("The request body must be a JSON object."));
    }
    match operation {
        "CreateDeliveryStream" => create(fh, &input).await,
        "DescribeDeliveryStream" => describe(fh, &input).await,
        "ListDeliveryStreams" => list(fh, &input).await,
        "UpdateDestination" => update(fh, &input).await,
        "DeleteDeliveryStream" => delete(fh, &input).await,
        "PutRecord" => put_record(fh, &input).await,
        "PutRecordBatch" => put_record_batch(fh, &input).await,
        "TagDeliveryStream" => tag(fh, &input).await,
        "UntagDeliveryStream" => untag(fh, &input).await,
        "ListTagsForDeliveryStream" => list_tags(fh, &input).await,
        other => Err(Error::UnknownOperation(other.to_string())),
    }
}

fn name_of(input: &Value) -> Result<String> {
    let name = input
        .get("DeliveryStreamName")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("DeliveryStreamName is required."))?;
    validate_name(name)?;
    Ok(name.to_string())
}

fn tags_of(input: &Value) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let Some(list) = input.get("Tags") else { return Ok(tags) };
    let list = list.as_array().ok_or_else(|| Error::invalid("Tags must be a list."))?;
    if list.len() > 50 {
        return Err(Error::LimitExceeded("A delivery stream can have at most 50 tags.".into()));
    }
    for t in list {
        let key = t.get("Key").and_then(Value::as_str).filter(|k| !k.is_empty() && k.len() <= 128);
        let key = key.ok_or_else(|| Error::invalid("Tag keys must be 1 to 128 characters long."))?;
        let value = t.get("Value").and_then(Value::as_str).unwrap_or("");
        if value.len() > 256 {
            return Err(Error::invalid("Tag values must be at most 256 characters long."));
        }
        tags.insert(key.to_string(), value.to_string());
    }
    Ok(tags)
}

async fn create(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let stream_type = input.get("DeliveryStreamType").and_then(Value::as_str).unwrap_or("DirectPut").to_string();
    let (kinesis_stream_arn, kinesis_role_arn) = match stream_type.as_str() {
        "DirectPut" => {
            if input.get("KinesisStreamSourceConfiguration").is_some() {
                return Err(Error::invalid(
                    "KinesisStreamSourceConfiguration is only allowed with DeliveryStreamType KinesisStreamAsSource.",
                ));
            }
            (None, None)
        }
        "KinesisStreamAsSource" => {
            let src = input.get("KinesisStreamSourceConfiguration").ok_or_else(|| {
                Error::invalid("KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.")
            })?;
            let arn = src.get("KinesisStreamARN").and_then(Value::as_str).unwrap_or("");
            if crate::stream_name_from_arn(arn).is_none() {
                return Err(Error::invalid(format!("KinesisStreamARN '{arn}' is not a valid Kinesis stream ARN.")));
            }
            (Some(arn.to_string()), src.get("RoleARN").and_then(Value::as_str).map(str::to_string))
        }
        other => {
            return Err(Error::invalid(format!(
                "1 validation error detected: Value '{other}' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource]"
            )))
        }
    };
    let (destination, extended) = match (input.get("ExtendedS3DestinationConfiguration"), input.get("S3DestinationConfiguration")) {
        (Some(d), None) => (S3Destination::from_json(d, "ExtendedS3DestinationConfiguration")?, true),
        (None, Some(d)) => {
            let dest = S3Destination::from_json(d, "S3DestinationConfiguration")?;
            (S3Destination { processing_configuration: None, data_format_conversion_configuration: None, dynamic_partitioning_configuration: None, ..dest }, false)
        }
        (None, None) => {
            return Err(Error::invalid(
                "Puddle's Firehose delivers to S3: ExtendedS3DestinationConfiguration (or S3DestinationConfiguration) is required.",
            ))
        }
        (Some(_), Some(_)) => return Err(Error::invalid("Only one destination configuration can be specified.")),
    };
    destination.settings()?;
    let tags = tags_of(input)?;
    if state::stream_names(fh.store()).await?.len() >= MAX_STREAMS {
        return Err(Error::LimitExceeded(format!(
            "You have already reached the limit of {MAX_STREAMS} delivery streams."
        )));
    }
    let record = StreamRecord {
        name: name.clone(),
        stream_type,
        kinesis_stream_arn,
        kinesis_role_arn,
        version: 1,
        created: fh.now(),
        updated: None,
        destination,
        extended,
        tags,
    };
    let in_use = || Error::ResourceInUse(format!("Firehose {name} under account {} already exists.", crate::ACCOUNT));
    if state::read::<StreamRecord>(fh.store(), &state::stream_path(&name)).await?.is_some() {
        return Err(in_use());
    }
    // Leftover buffers of a deleted stream of the same name (a delete cut short) are not this one's.
    state::delete(fh.store(), &state::buffer_path(&name)).await?;
    if !state::write(fh.store(), &state::stream_path(&name), &record, None).await? {
        return Err(in_use());
    }
    Ok(json!({ "DeliveryStreamARN": record.arn() }))
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> Value {
    json!(t.timestamp_millis() as f64 / 1000.0)
}

async fn describe(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let (s, _) = ingest::load_stream(fh, &name).await?;
    let mut destination = json!({ "DestinationId": crate::ops::DESTINATION_ID, "S3DestinationDescription": s.destination.describe_plain() });
    // AWS answers the extended view whichever structure created the destination.
    destination["ExtendedS3DestinationDescription"] = s.destination.describe();
    let mut d = json!({
        "DeliveryStreamName": s.name,
        "DeliveryStreamARN": s.arn(),
        "DeliveryStreamStatus": "ACTIVE",
        "DeliveryStreamEncryptionConfiguration": { "Status": "DISABLED" },
        "DeliveryStreamType": s.stream_type,
        "VersionId": s.version.to_string(),
        "CreateTimestamp": timestamp(s.created),
        "Destinations": [destination],
        "HasMoreDestinations": false,
    });
    if let Some(u) = s.updated {
        d["LastUpdateTimestamp"] = timestamp(u);
    }
    if let Some(arn) = &s.kinesis_stream_arn {
        let mut src = json!({ "KinesisStreamARN": arn, "DeliveryStartTimestamp": timestamp(s.created) });
        if let Some(role) = &s.kinesis_role_arn {
            src["RoleARN"] = json!(role);
        }
        d["Source"] = json!({ "KinesisStreamSourceDescription": src });
    }
    if let Some(details) = deliver::failure(fh, &name).await? {
        d["FailureDescription"] = json!({ "Type": "UNKNOWN_ERROR", "Details": details });
    }
    Ok(json!({ "DeliveryStreamDescription": d }))
}

async fn list(fh: &Firehose, input: &Value) -> Result<Value> {
    let limit = match input.get("Limit") {
        None => 10,
        Some(v) => match v.as_i64() {
            Some(n) if (1..=10000).contains(&n) => n as usize,
            _ => {
                return Err(Error::invalid(format!(
                    "1 validation error detected: Value '{v}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000"
                )))
            }
        },
    };
    let kind = input.get("DeliveryStreamType").and_then(Value::as_str);
    if let Some(k) = kind {
        if !matches!(k, "DirectPut" | "KinesisStreamAsSource") {
            return Err(Error::invalid(format!(
                "1 validation error detected: Value '{k}' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource]"
            )));
        }
    }
    let start = input.get("ExclusiveStartDeliveryStreamName").and_then(Value::as_str);
    let mut names = Vec::new();
    for name in state::stream_names(fh.store()).await? {
        if start.is_some_and(|s| name.as_str() <= s) {
            continue;
        }
        if let Some(k) = kind {
            match ingest::load_stream(fh, &name).await {
                Ok((s, _)) if s.stream_type == k => {}
                _ => continue,
            }
        }
        names.push(name);
    }
    let more = names.len() > limit;
    names.truncate(limit);
    Ok(json!({ "DeliveryStreamNames": names, "HasMoreDeliveryStreams": more }))
}

async fn update(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let given = input
        .get("CurrentDeliveryStreamVersionId")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("CurrentDeliveryStreamVersionId is required."))?
        .to_string();
    let destination_id = input.get("DestinationId").and_then(Value::as_str).unwrap_or("");
    let (mut s, version) = ingest::load_stream(fh, &name).await?;
    if destination_id != DESTINATION_ID {
        return Err(Error::invalid(format!("Destination Id {destination_id} is not found for Firehose {name}.")));
    }
    if given != s.version.to_string() {
        return Err(Error::ConcurrentModification(format!(
            "Cannot update firehose: {name} since the current version id: {} and specified version id: {given} do not match",
            s.version
        )));
    }
    let update = match (input.get("ExtendedS3DestinationUpdate"), input.get("S3DestinationUpdate")) {
        (Some(d), None) => {
            s.extended = true;
            S3Destination::from_json(d, "ExtendedS3DestinationUpdate")?
        }
        (None, Some(d)) => S3Destination::from_json(d, "S3DestinationUpdate")?,
        _ => {
            return Err(Error::invalid(
                "Exactly one of ExtendedS3DestinationUpdate and S3DestinationUpdate is required.",
            ))
        }
    };
    let was_dp = s.destination.dynamic_partitioning();
    s.destination.merge(update);
    if s.destination.dynamic_partitioning() != was_dp {
        return Err(Error::invalid(
            "Dynamic partitioning can only be enabled when the Firehose stream is created; it cannot be turned on or off by UpdateDestination.",
        ));
    }
    s.destination.settings()?;
    s.version += 1;
    s.updated = Some(fh.now());
    if !state::write(fh.store(), &state::stream_path(&name), &s, Some(version)).await? {
        return Err(Error::ConcurrentModification(format!(
            "Cannot update firehose: {name} since it was modified concurrently; describe it and try again."
        )));
    }
    Ok(json!({}))
}

async fn delete(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    ingest::load_stream(fh, &name).await?;
    // AWS makes no promise to deliver what is buffered when a stream is deleted: it is dropped.
    state::delete(fh.store(), &state::stream_path(&name)).await?;
    state::delete(fh.store(), &state::buffer_path(&name)).await?;
    Ok(json!({}))
}

fn record_data(record: &Value, index: Option<usize>) -> Result<Vec<u8>> {
    let at = index.map_or("record.data".to_string(), |i| format!("records.{}.member.data", i + 1));
    let data =
        record.get("Data").and_then(Value::as_str).ok_or_else(|| Error::invalid(format!("{at} is required.")))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| Error::invalid(format!("{at} is not valid base64: {e}")))?;
    if bytes.is_empty() || bytes.len() > MAX_RECORD_BYTES {
        return Err(Error::invalid(format!(
            "1 validation error detected: Value at '{at}' failed to satisfy constraint: Member must have length less than or equal to {MAX_RECORD_BYTES} and greater than or equal to 1 (record size {} bytes)",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn record_id() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

async fn put_record(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let record = input.get("Record").ok_or_else(|| Error::invalid("Record is required."))?;
    let data = record_data(record, None)?;
    ingest::put(fh, &name, vec![data]).await?;
    Ok(json!({ "RecordId": record_id(), "Encrypted": false }))
}

async fn put_record_batch(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let records =
        input.get("Records").and_then(Value::as_array).ok_or_else(|| Error::invalid("Records is required."))?;
    if records.is_empty() || records.len() > MAX_BATCH_RECORDS {
        return Err(Error::invalid(format!(
            "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to {MAX_BATCH_RECORDS} and greater than or equal to 1"
        )));
    }
    let datas = records.iter().enumerate().map(|(i, r)| record_data(r, Some(i))).collect::<Result<Vec<_>>>()?;
    let total: usize = datas.iter().map(Vec::len).sum();
    if total > MAX_BATCH_BYTES {
        return Err(Error::invalid(format!(
            "The PutRecordBatch request is {total} bytes; the limit is {MAX_BATCH_BYTES} bytes (4 MiB)."
        )));
    }
    let n = datas.len();
    ingest::put(fh, &name, datas).await?;
    let responses: Vec<Value> = (0..n).map(|_| json!({ "RecordId": record_id() })).collect();
    Ok(json!({ "FailedPutCount": 0, "Encrypted": false, "RequestResponses": responses }))
}

async fn tag(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let tags = tags_of(input)?;
    for _ in 0..16 {
        let (mut s, version) = ingest::load_stream(fh, &name).await?;
        s.tags.extend(tags.clone());
        if s.tags.len() > 50 {
            return Err(Error::LimitExceeded("A delivery stream can have at most 50 tags.".into()));
        }
        if state::write(fh.store(), &state::stream_path(&name), &s, Some(version)).await? {
            return Ok(json!({}));
        }
    }
    Err(Error::ConcurrentModification(format!("Firehose {name} was modified concurrently; try again.")))
}

async fn untag(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let keys: Vec<String> = input
        .get("TagKeys")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::invalid("TagKeys is required."))?
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    for _ in 0..16 {
        let (mut s, version) = ingest::load_stream(fh, &name).await?;
        s.tags.retain(|k, _| !keys.contains(k));
        if state::write(fh.store(), &state::stream_path(&name), &s, Some(version)).await? {
            return Ok(json!({}));
        }
    }
    Err(Error::ConcurrentModification(format!("Firehose {name} was modified concurrently; try again.")))
}

async fn list_tags(fh: &Firehose, input: &Value) -> Result<Value> {
    let name = name_of(input)?;
    let (s, _) = ingest::load_stream(fh, &name).await?;
    let tags: Vec<Value> = s.tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    Ok(json!({ "Tags": tags, "HasMoreTags": false }))
}
