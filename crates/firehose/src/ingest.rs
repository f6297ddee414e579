//! Records into buffers: PutRecord / PutRecordBatch and the Kinesis source, partitioned by the
//! dynamic partitioning query, in one compare-and-swap write per call.

use std::collections::BTreeMap;

use base64::Engine;

use crate::{
    config::{Settings, StreamRecord},
    deliver,
    state::{self, BufRecord, BufferState, PartitionBuffer},
    Error, Firehose, Result, StreamSource,
};

/// Dynamic partitioning's limit of active partitions per delivery stream.
pub const MAX_ACTIVE_PARTITIONS: usize = 500;
/// Error output type of records beyond the active partition limit.
pub const ACTIVE_PARTITION_EXCEEDED: &str = "activePartitionExceeded";
/// Error output type of records the partitioning query could not evaluate.
pub const PROCESSING_FAILED: &str = "processing-failed";
/// Error output type of records that failed Parquet conversion.
pub const FORMAT_CONVERSION_FAILED: &str = "format-conversion-failed";
/// Records read from a Kinesis source per pull and stream.
const PULL_LIMIT: usize = 1000;
/// Batches read per stream and `pull_sources` call at most.
const PULL_BATCHES: usize = 10;

/// A record on its way into a buffer.
pub struct Incoming {
    pub data: Vec<u8>,
    pub arrival: chrono::DateTime<chrono::Utc>,
    pub sequence_number: Option<String>,
    /// Why deaggregation failed (the record goes to the error output whole).
    pub failed: Option<String>,
}

/// The partition id of a set of keys: `k=v/k2=v2` (`""` without dynamic partitioning).
pub fn partition_id(keys: &BTreeMap<String, String>) -> String {
    keys.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("/")
}

/// A record's partition keys, or why it goes to the error output (`(code, message)`).
type Route = (BTreeMap<String, String>, Option<(String, String)>);

/// Where each record goes.
fn route(settings: &Settings, records: &[Incoming]) -> Vec<Route> {
    let Some(query) = &settings.query else {
        return records.iter().map(|_| (BTreeMap::new(), None)).collect();
    };
    let wanted = settings.prefix.partition_keys();
    let slices: Vec<&[u8]> = records.iter().map(|r| r.data.as_slice()).collect();
    query
        .extract_all(&slices)
        .into_iter()
        .zip(records)
        .map(|(extracted, record)| match (extracted, &record.failed) {
            (_, Some(e)) => {
                (BTreeMap::new(), Some(("DynamicPartitioning.RecordDeAggregationFailed".to_string(), e.clone())))
            }
            (Err(e), None) => (BTreeMap::new(), Some((e.code.to_string(), e.message))),
            (Ok(keys), None) => keyed(keys, &wanted),
        })
        .collect()
}

/// The keys the prefix uses, or why the record cannot be partitioned.
fn keyed(mut keys: BTreeMap<String, String>, wanted: &[&str]) -> Route {
    let fail = |msg: String| (BTreeMap::new(), Some(("DynamicPartitioning.MetadataExtractionFailed".to_string(), msg)));
    if let Some(missing) = wanted.iter().find(|k| !keys.contains_key(**k)) {
        return fail(format!("The partition key '{missing}' used in the prefix was not produced by the query"));
    }
    keys.retain(|k, _| wanted.contains(&k.as_str()));
    // Values the lake's S3 could not store in a key (empty segments, `.`/`..`).
    if let Some((k, v)) = keys.iter().find(|(_, v)| !storable_in_key(v)) {
        return fail(format!("The partition key '{k}' has the value '{v}', which cannot be part of an S3 key"));
    }
    (keys, None)
}

/// Splits aggregated records (RecordDeAggregation); a record that cannot be split stays whole,
/// marked failed.
fn deaggregate(settings: &Settings, records: Vec<Incoming>) -> Vec<Incoming> {
    let Some(d) = &settings.deaggregation else { return records };
    let mut out = Vec::new();
    for r in records {
        match d.split(&r.data) {
            Ok(parts) => out.extend(parts.into_iter().map(|data| Incoming {
                data,
                arrival: r.arrival,
                sequence_number: r.sequence_number.clone(),
                failed: None,
            })),
            Err(e) => out.push(Incoming { failed: Some(e), ..r }),
        }
    }
    out
}

fn storable_in_key(v: &str) -> bool {
    !v.starts_with('/') && !v.ends_with('/') && !v.contains("//") && v.split('/').all(|seg| seg != "." && seg != "..")
}

/// Adds `records` to `state`'s buffers (partitioning and the active partition limit applied).
fn add(state: &mut BufferState, settings: &Settings, records: Vec<Incoming>) {
    let records = deaggregate(settings, records);
    let routes = route(settings, &records);
    for (record, (keys, error)) in records.into_iter().zip(routes) {
        let (id, keys, error, error_type) = match error {
            Some(e) => (format!("!error:{PROCESSING_FAILED}"), BTreeMap::new(), Some(e), Some(PROCESSING_FAILED)),
            None => {
                let id = partition_id(&keys);
                if settings.query.is_some()
                    && !state.partitions.contains_key(&id)
                    && state.active_partitions() >= MAX_ACTIVE_PARTITIONS
                {
                    let e = (
                        "DynamicPartitioning.ActivePartitionsLimitExceeded".to_string(),
                        format!("The number of active partitions has exceeded the limit of {MAX_ACTIVE_PARTITIONS}"),
                    );
                    (
                        format!("!error:{ACTIVE_PARTITION_EXCEEDED}"),
                        BTreeMap::new(),
                        Some(e),
                        Some(ACTIVE_PARTITION_EXCEEDED),
                    )
                } else {
                    (id, keys, None, None)
                }
            }
        };
        let buffer = state.partitions.entry(id).or_insert_with(|| PartitionBuffer {
            keys,
            error_type: error_type.map(str::to_string),
            ..Default::default()
        });
        let size = record.data.len() as u64;
        buffer.bytes += size;
        buffer.records.push(BufRecord {
            data: base64::engine::general_purpose::STANDARD.encode(&record.data),
            size,
            arrival: record.arrival,
            sequence_number: record.sequence_number,
            error,
        });
    }
}

/// Buffers `records` for the stream `name` (one compare-and-swap write), then delivers what is due.
pub async fn put(fh: &Firehose, name: &str, records: Vec<Vec<u8>>) -> Result<()> {
    let (stream, _) = load_stream(fh, name).await?;
    if stream.stream_type == "KinesisStreamAsSource" {
        return Err(Error::invalid(format!(
            "This operation is not permitted on KinesisStreamAsSource delivery stream type (delivery stream {name})."
        )));
    }
    let settings = stream.destination.settings()?;
    let now = fh.now();
    let path = state::buffer_path(name);
    for _ in 0..64 {
        let (mut buffers, version) = match state::read::<BufferState>(fh.store(), &path).await? {
            Some((s, v)) => (s, Some(v)),
            None => (BufferState::default(), None),
        };
        let incoming = records
            .iter()
            .map(|d| Incoming { data: d.clone(), arrival: now, sequence_number: None, failed: None })
            .collect();
        add(&mut buffers, &settings, incoming);
        if state::write(fh.store(), &path, &buffers, version).await? {
            fh.note(deliver::deliver_stream(fh, name).await?);
            return Ok(());
        }
    }
    Err(Error::Service(format!("Too many concurrent writers to the buffers of {name}; try again.")))
}

/// The stored stream `name`, or ResourceNotFoundException.
pub async fn load_stream(fh: &Firehose, name: &str) -> Result<(StreamRecord, object_store::UpdateVersion)> {
    state::read::<StreamRecord>(fh.store(), &state::stream_path(name)).await?.ok_or_else(|| Error::not_found(name))
}

/// Reads new records of every Kinesis-sourced stream into its buffers (`deliver_due` delivers them).
pub async fn pull_sources(fh: &Firehose, source: &dyn StreamSource) -> Result<()> {
    for name in state::stream_names(fh.store()).await? {
        let Ok((stream, _)) = load_stream(fh, &name).await else { continue };
        if stream.stream_type != "KinesisStreamAsSource" {
            continue;
        }
        let Some(kinesis) = stream.kinesis_stream_arn.as_deref().and_then(crate::stream_name_from_arn) else {
            continue;
        };
        let Ok(settings) = stream.destination.settings() else { continue };
        // A few batches per call, so a busy stream does not fall behind the worker's polling.
        // Delivering what is due (by size too) is `deliver_due`'s, which the lake calls next.
        for _ in 0..PULL_BATCHES {
            if pull_one(fh, source, &name, kinesis, &stream, &settings).await? < PULL_LIMIT {
                break;
            }
        }
    }
    Ok(())
}

async fn pull_one(
    fh: &Firehose,
    source: &dyn StreamSource,
    name: &str,
    kinesis: &str,
    stream: &StreamRecord,
    settings: &Settings,
) -> Result<usize> {
    let path = state::buffer_path(name);
    for _ in 0..64 {
        let (mut buffers, version) = match state::read::<BufferState>(fh.store(), &path).await? {
            Some((s, v)) => (s, Some(v)),
            None => (BufferState::default(), None),
        };
        let read = match source.read_after(kinesis, &buffers.checkpoints, PULL_LIMIT).await {
            Ok(r) => r,
            Err(e) => {
                // Surfaced like a delivery failure; the next pull tries again.
                buffers.last_error = Some(format!("Kinesis source {kinesis}: {}: {}", e.code, e.message));
                state::write(fh.store(), &path, &buffers, version).await?;
                return Ok(0);
            }
        };
        let source_recovered = buffers.last_error.as_deref().is_some_and(|e| e.starts_with("Kinesis source "));
        if source_recovered {
            buffers.last_error = None;
        }
        if read.is_empty() && !source_recovered {
            return Ok(0);
        }
        let count = read.len();
        let mut incoming = Vec::new();
        for r in read {
            buffers.checkpoints.insert(r.shard_id.clone(), r.sequence_number.clone());
            // The delivery stream starts reading at LATEST when it is created.
            if r.arrival >= stream.created {
                incoming.push(Incoming {
                    data: r.data.to_vec(),
                    arrival: fh.now(),
                    sequence_number: Some(r.sequence_number),
                    failed: None,
                });
            }
        }
        add(&mut buffers, settings, incoming);
        if state::write(fh.store(), &path, &buffers, version).await? {
            return Ok(count);
        }
    }
    Err(Error::Service(format!("Too many concurrent writers to the buffers of {name}; try again.")))
}
