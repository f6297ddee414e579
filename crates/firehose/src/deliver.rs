//! Delivery: due buffers become S3 objects (compressed or converted to Parquet), claimed with
//! compare-and-swap so two engines never deliver the same buffer; failures are kept and retried.

use std::collections::BTreeMap;

use base64::Engine;
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::{
    config::{Settings, StreamRecord},
    convert,
    ingest::{load_stream, FORMAT_CONVERSION_FAILED},
    prefix::{object_suffix, Prefix},
    state::{self, BufRecord, BufferState, Claim, PartitionBuffer},
    Delivery, Error, Firehose, Result,
};

/// How long a claim holds before another engine may take the delivery over (lake time).
const CLAIM_SECONDS: i64 = 300;
/// Wait before retrying a failed delivery (lake time).
const RETRY_SECONDS: i64 = 30;
/// After this long failing, records go to the error output (or are dropped), as S3 retries end.
const GIVE_UP_HOURS: i64 = 24;

/// What one claimed partition came to.
enum Outcome {
    Delivered(Vec<Delivery>),
    Failed(String),
}

/// Delivers every due buffer of `name`.
pub async fn deliver_stream(fh: &Firehose, name: &str) -> Result<Vec<Delivery>> {
    let Ok((stream, _)) = load_stream(fh, name).await else { return Ok(Vec::new()) };
    let Ok(settings) = stream.destination.settings() else { return Ok(Vec::new()) };
    let path = state::buffer_path(name);
    let now = fh.now();
    // Claim the due partitions.
    let mut claimed: Vec<(String, PartitionBuffer)> = Vec::new();
    for _ in 0..64 {
        let Some((mut buffers, version)) = state::read::<BufferState>(fh.store(), &path).await? else {
            return Ok(Vec::new());
        };
        claimed.clear();
        for (id, p) in buffers.partitions.iter_mut() {
            if p.is_due(now, settings.size_bytes, settings.interval_seconds) {
                let claim = Claim {
                    token: fh.token.clone(),
                    until: now + Duration::seconds(CLAIM_SECONDS),
                    count: p.records.len(),
                };
                p.claim = Some(claim);
                claimed.push((id.clone(), p.clone()));
            }
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        if state::write(fh.store(), &path, &buffers, Some(version)).await? {
            break;
        }
        claimed.clear();
    }
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    // Deliver each claimed partition.
    let mut outcomes = Vec::new();
    for (id, p) in &claimed {
        let count = p.claim.as_ref().map_or(0, |c| c.count);
        let records = &p.records[..count.min(p.records.len())];
        let outcome = match deliver_partition(fh, &stream, &settings, p, records).await {
            Ok(d) => Outcome::Delivered(d),
            Err(e) => Outcome::Failed(e.to_string()),
        };
        outcomes.push((id.clone(), count, outcome));
    }
    // Record the outcomes: delivered records leave the buffer, failures stay for a retry.
    let mut delivered = Vec::new();
    let mut given_up: Vec<(String, PartitionBuffer, usize, String)> = Vec::new();
    for _ in 0..64 {
        let Some((mut buffers, version)) = state::read::<BufferState>(fh.store(), &path).await? else { break };
        delivered.clear();
        given_up.clear();
        for (id, count, outcome) in &outcomes {
            let Some(p) = buffers.partitions.get_mut(id) else { continue };
            if p.claim.as_ref().is_none_or(|c| c.token != fh.token) {
                continue;
            }
            p.claim = None;
            match outcome {
                Outcome::Delivered(d) => {
                    remove_oldest(p, *count);
                    p.failing_since = None;
                    p.retry_at = None;
                    delivered.extend(d.iter().cloned());
                }
                Outcome::Failed(message) => {
                    let since = *p.failing_since.get_or_insert(now);
                    p.retry_at = Some(now + Duration::seconds(RETRY_SECONDS));
                    buffers.last_error = Some(message.clone());
                    if now - since >= Duration::hours(GIVE_UP_HOURS) {
                        given_up.push((id.clone(), p.clone(), *count, message.clone()));
                        remove_oldest(p, *count);
                        p.failing_since = None;
                        p.retry_at = None;
                    }
                }
            }
        }
        if outcomes.iter().all(|(_, _, o)| matches!(o, Outcome::Delivered(_))) {
            buffers.last_error = None;
        }
        buffers.partitions.retain(|_, p| !p.records.is_empty() || p.claim.is_some());
        if state::write(fh.store(), &path, &buffers, Some(version)).await? {
            break;
        }
    }
    // Records S3 refused for 24 hours go to the error output if it can be written now.
    for (_, p, count, message) in given_up {
        let records: Vec<BufRecord> = p.records[..count.min(p.records.len())]
            .iter()
            .cloned()
            .map(|mut r| {
                r.error = Some(("S3.DeliveryFailed".into(), message.clone()));
                r
            })
            .collect();
        if let Ok(d) = write_errors(fh, &stream, &settings, "s3-failed", &records, now).await {
            delivered.push(d);
        }
    }
    Ok(delivered)
}

fn remove_oldest(p: &mut PartitionBuffer, count: usize) {
    let count = count.min(p.records.len());
    let removed: u64 = p.records.drain(..count).map(|r| r.size).sum();
    p.bytes = p.bytes.saturating_sub(removed);
}

fn decode(r: &BufRecord) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(&r.data).unwrap_or_default()
}

async fn deliver_partition(
    fh: &Firehose,
    stream: &StreamRecord,
    settings: &Settings,
    p: &PartitionBuffer,
    records: &[BufRecord],
) -> Result<Vec<Delivery>> {
    let Some(first) = records.first() else { return Ok(Vec::new()) };
    let time = first.arrival;
    if let Some(error_type) = &p.error_type {
        return Ok(vec![write_errors(fh, stream, settings, error_type, records, time).await?]);
    }
    let partition = (!p.keys.is_empty()).then(|| crate::ingest::partition_id(&p.keys));
    let datas: Vec<Vec<u8>> = records.iter().map(decode).collect();
    let mut out = Vec::new();
    let (body, count, content_type) = if let Some(conv) = &settings.conversion {
        let table = match fh.catalog.get_table(&conv.database, &conv.table) {
            Ok(t) => Ok(t),
            Err(_) => {
                let _ = fh.catalog.reload().await;
                fh.catalog.get_table(&conv.database, &conv.table)
            }
        };
        let schema = table.map_err(|e| e.to_string()).and_then(|t| convert::table_schema(&t));
        let slices: Vec<&[u8]> = datas.iter().map(Vec::as_slice).collect();
        let (file, failures) = match &schema {
            Ok(schema) => convert::to_parquet(&slices, schema, conv),
            Err(message) => (
                None,
                (0..records.len())
                    .map(|index| convert::ConversionFailure {
                        index,
                        code: "DataFormatConversion.InvalidSchema".into(),
                        message: format!("The schema is invalid. {message}"),
                    })
                    .collect(),
            ),
        };
        if !failures.is_empty() {
            let bad: Vec<BufRecord> = failures
                .iter()
                .map(|f| {
                    let mut r = records[f.index].clone();
                    r.error = Some((f.code.clone(), f.message.clone()));
                    r
                })
                .collect();
            out.push(write_errors(fh, stream, settings, FORMAT_CONVERSION_FAILED, &bad, time).await?);
        }
        match file {
            None => return Ok(out),
            Some(f) => (f, records.len() - failures.len(), Some("application/vnd.apache.parquet")),
        }
    } else {
        let mut body = Vec::new();
        for d in &datas {
            body.extend_from_slice(d);
            if let Some(delim) = &settings.delimiter {
                body.extend_from_slice(delim);
            }
        }
        (body, records.len(), None)
    };
    let mut key = render_prefix(&settings.prefix, time, &p.keys, "");
    let suffix = object_suffix(&stream.name, stream.version, time);
    key.push_str(&suffix);
    let entry = key.rsplit('/').next().unwrap_or(&suffix).to_string();
    key.push_str(&settings.extension);
    let body = if settings.conversion.is_some() { body } else { settings.compression.compress(&body, &entry)? };
    let content_type = content_type.or(settings.compression.content_type());
    let size = body.len() as u64;
    fh.s3.put_object_with_type(&settings.bucket, &key, Bytes::from(body), content_type).await.map_err(s3_error)?;
    out.push(Delivery {
        delivery_stream_name: stream.name.clone(),
        bucket: settings.bucket.clone(),
        key,
        records: count,
        bytes: size,
        partition,
        error_output_type: None,
    });
    Ok(out)
}

/// An S3 failure as delivery reports it (`S3.NoSuchBucket: ...`).
fn s3_error(e: puddle_store::Error) -> Error {
    Error::Service(format!("S3.{}: {e}", e.code()))
}

/// A prefix evaluated, with the default time folders when it has no timestamp.
fn render_prefix(prefix: &Prefix, time: DateTime<Utc>, keys: &BTreeMap<String, String>, error_type: &str) -> String {
    let mut key = prefix.render(time, keys, error_type);
    if !prefix.has_timestamp() {
        key.push_str(&Prefix::default_time().render(time, keys, error_type));
    }
    key
}

/// Writes records to the error output as AWS's JSON documents, one per line.
async fn write_errors(
    fh: &Firehose,
    stream: &StreamRecord,
    settings: &Settings,
    error_type: &str,
    records: &[BufRecord],
    time: DateTime<Utc>,
) -> Result<Delivery> {
    let now = fh.now();
    let mut body = Vec::new();
    for r in records {
        let (code, message) = r.error.clone().unwrap_or_default();
        let mut doc = json!({
            "attemptsMade": 1,
            "arrivalTimestamp": r.arrival.timestamp_millis(),
            "lastErrorCode": code,
            "lastErrorMessage": message,
            "attemptEndingTimestamp": now.timestamp_millis(),
            "rawData": r.data,
        });
        if let Some(seq) = &r.sequence_number {
            doc["sequenceNumber"] = json!(seq);
            doc["subSequenceNumber"] = json!(0);
        }
        if error_type == FORMAT_CONVERSION_FAILED {
            if let Some(c) = &settings.conversion {
                doc["dataCatalogTable"] = json!({
                    "catalogId": crate::ACCOUNT,
                    "databaseName": c.database,
                    "tableName": c.table,
                    "region": crate::REGION,
                    "versionId": c.version_id,
                    // The current guide names `catalogArn`; older ones (and the brief) `roleArn`.
                    "catalogArn": format!("arn:aws:glue:{}:{}:catalog", crate::REGION, crate::ACCOUNT),
                    "roleArn": c.role_arn,
                });
            }
        }
        body.extend_from_slice(doc.to_string().as_bytes());
        body.push(b'\n');
    }
    let mut key = match &settings.error_prefix {
        Some(p) => render_prefix(p, time, &BTreeMap::new(), error_type),
        None => format!("{error_type}/{}", Prefix::default_time().render(time, &BTreeMap::new(), "")),
    };
    key.push_str(&object_suffix(&stream.name, stream.version, time));
    let size = body.len() as u64;
    fh.s3
        .put_object_with_type(&settings.bucket, &key, Bytes::from(body), Some("application/json"))
        .await
        .map_err(s3_error)?;
    Ok(Delivery {
        delivery_stream_name: stream.name.clone(),
        bucket: settings.bucket.clone(),
        key,
        records: records.len(),
        bytes: size,
        partition: None,
        error_output_type: Some(error_type.to_string()),
    })
}

/// The console's gauges of one delivery stream.
pub async fn buffers(fh: &Firehose, name: &str) -> Result<Vec<puddle_api::DeliveryBuffer>> {
    let (stream, _) = load_stream(fh, name).await?;
    let settings = stream.destination.settings()?;
    let buffers =
        state::read::<BufferState>(fh.store(), &state::buffer_path(name)).await?.map(|(s, _)| s).unwrap_or_default();
    Ok(buffers
        .partitions
        .iter()
        .filter(|(_, p)| !p.records.is_empty())
        .map(|(id, p)| puddle_api::DeliveryBuffer {
            partition: if let Some(t) = &p.error_type {
                Some(format!("error:{t}"))
            } else {
                (!id.is_empty()).then(|| id.clone())
            },
            records: p.records.len() as u64,
            bytes: p.bytes,
            oldest_arrival_ms: p.records.first().map_or(0, |r| r.arrival.timestamp_millis()),
            due_ms: p.due(settings.interval_seconds).map_or(0, |d| d.timestamp_millis()),
            size_limit_bytes: settings.size_bytes,
            interval_seconds: settings.interval_seconds,
        })
        .collect())
}

/// When the next buffer of any stream falls due.
pub async fn next_due(fh: &Firehose) -> Result<Option<DateTime<Utc>>> {
    let mut next: Option<DateTime<Utc>> = None;
    for name in state::stream_names(fh.store()).await? {
        let Ok((stream, _)) = load_stream(fh, &name).await else { continue };
        let Ok(settings) = stream.destination.settings() else { continue };
        let Some((buffers, _)) = state::read::<BufferState>(fh.store(), &state::buffer_path(&name)).await? else {
            continue;
        };
        for p in buffers.partitions.values() {
            if let Some(d) = p.due(settings.interval_seconds) {
                next = Some(next.map_or(d, |n| n.min(d)));
            }
        }
    }
    Ok(next)
}

/// DescribeDeliveryStream's FailureDescription, from the last delivery failure.
pub async fn failure(fh: &Firehose, name: &str) -> Result<Option<String>> {
    Ok(state::read::<BufferState>(fh.store(), &state::buffer_path(name)).await?.and_then(|(s, _)| s.last_error))
}

impl From<puddle_catalog::Error> for Error {
    fn from(e: puddle_catalog::Error) -> Self {
        Error::Service(e.to_string())
    }
}
