//! PutRecord and PutRecords: validation, routing by hash key, write throttling, one segment per
//! shard touched per call.

use std::collections::BTreeMap;

use base64::{engine::general_purpose::STANDARD, Engine};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    hashkey,
    input::{self},
    model::{SegmentRecord, StreamMeta},
    persist::{self, Appended},
    throttle::Limits,
    Error, Kinesis, Result,
};

/// Largest record: data plus partition key, 1 MiB.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// Largest PutRecords call: 5 MiB of data and keys.
pub const MAX_PUT_RECORDS_BYTES: usize = 5 << 20;
/// Most records in a PutRecords call.
pub const MAX_PUT_RECORDS: usize = 500;
/// Times a write is routed again after finding its shard closed by a reshard.
const MAX_REROUTES: usize = 16;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutRecordInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    data: Option<String>,
    partition_key: Option<String>,
    explicit_hash_key: Option<String>,
    sequence_number_for_ordering: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutRecordsEntry {
    data: Option<String>,
    partition_key: Option<String>,
    explicit_hash_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutRecordsInput {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    records: Option<Vec<PutRecordsEntry>>,
}

/// A record that passed validation.
struct Prepared {
    partition_key: String,
    /// The data as given (valid base64).
    data: String,
    /// Data plus partition key bytes, as the limits count them.
    size: u64,
    hash: u128,
}

fn prepare(data: Option<String>, key: Option<String>, explicit: Option<String>, member: &str) -> Result<Prepared> {
    let data = data.ok_or_else(|| Error::missing(&format!("{member}data")))?;
    let key = key.ok_or_else(|| Error::missing(&format!("{member}partitionKey")))?;
    hashkey::check_partition_key(&key, &format!("{member}partitionKey"))?;
    if data.len() > MAX_RECORD_BYTES / 3 * 4 + 4 {
        return Err(Error::validation(
            "java.nio.HeapByteBuffer",
            &format!("{member}data"),
            "Member must have length less than or equal to 1048576",
        ));
    }
    let bytes = STANDARD.decode(&data).map_err(|e| {
        Error::invalid(format!("Data is not valid base64 ({e}); the AWS CLI v2 takes --data as base64."))
    })?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(Error::validation(
            "java.nio.HeapByteBuffer",
            &format!("{member}data"),
            "Member must have length less than or equal to 1048576",
        ));
    }
    let size = bytes.len() + key.len();
    if size > MAX_RECORD_BYTES {
        return Err(Error::invalid(format!(
            "Record size {size} bytes (data plus partition key) exceeds the maximum record size of {MAX_RECORD_BYTES} bytes."
        )));
    }
    let hash = hashkey::record_hash(&key, explicit.as_deref())?;
    Ok(Prepared { partition_key: key, data, size: size as u64, hash })
}

impl Kinesis {
    pub(crate) async fn put_record(&self, input: PutRecordInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        if let Some(s) = &input.sequence_number_for_ordering {
            crate::SequenceNumber::parse_arg(s, "sequenceNumberForOrdering")?;
        }
        let record = prepare(input.data, input.partition_key, input.explicit_hash_key, "")?;
        let mut results = self.put_batch(&name, vec![record]).await?;
        let (shard, seq) =
            results.pop().unwrap_or_else(|| Err(Error::InternalFailure { message: "no result".into() }))?;
        Ok(json!({ "ShardId": shard, "SequenceNumber": seq }))
    }

    pub(crate) async fn put_records(&self, input: PutRecordsInput) -> Result<Value> {
        let name = input::stream_target(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let entries = input.records.ok_or_else(|| Error::missing("records"))?;
        if entries.is_empty() {
            return Err(Error::validation("[]", "records", "Member must have length greater than or equal to 1"));
        }
        if entries.len() > MAX_PUT_RECORDS {
            return Err(Error::validation(
                format!("[{} records]", entries.len()),
                "records",
                "Member must have length less than or equal to 500",
            ));
        }
        let mut prepared = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            prepared.push(prepare(
                e.data,
                e.partition_key,
                e.explicit_hash_key,
                &format!("records.{}.member.", i + 1),
            )?);
        }
        let total: u64 = prepared.iter().map(|p| p.size).sum();
        if total > MAX_PUT_RECORDS_BYTES as u64 {
            return Err(Error::invalid(format!("Records size exceeds 5 MB limit ({total} bytes).")));
        }
        let results = self.put_batch(&name, prepared).await?;
        let failed = results.iter().filter(|r| r.is_err()).count();
        let records: Vec<Value> = results
            .into_iter()
            .map(|r| match r {
                Ok((shard, seq)) => json!({ "SequenceNumber": seq, "ShardId": shard }),
                // Per-record codes are the two PutRecords documents; a store failure is "InternalFailure".
                Err(e @ Error::ProvisionedThroughputExceeded { .. }) => {
                    json!({ "ErrorCode": e.code(), "ErrorMessage": e.to_string() })
                }
                Err(e) => json!({ "ErrorCode": "InternalFailure", "ErrorMessage": e.to_string() }),
            })
            .collect();
        Ok(json!({ "FailedRecordCount": failed, "Records": records }))
    }

    /// Writes validated records; per record its (shard, sequence number) or why it failed.
    async fn put_batch(&self, name: &str, records: Vec<Prepared>) -> Result<Vec<Result<(String, String)>>> {
        let (mut meta, _) = self.load(name).await?;
        let now = self.now_ms();
        let limits = Limits::for_mode(meta.provisioned());
        let mut results: Vec<Option<Result<(String, String)>>> = (0..records.len()).map(|_| None).collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        {
            let mut traffic = self.traffic.lock().unwrap_or_else(|e| e.into_inner());
            for (i, r) in records.iter().enumerate() {
                let Some(shard) = meta.route(r.hash) else {
                    results[i] = Some(Err(no_shard(name)));
                    continue;
                };
                if traffic.shard(&meta.id, &shard.id).try_write(now, r.size, &limits) {
                    groups.entry(shard.id.clone()).or_default().push(i);
                } else {
                    results[i] = Some(Err(Error::throttled(&shard.id, name)));
                }
            }
        }
        for _ in 0..MAX_REROUTES {
            if groups.is_empty() {
                break;
            }
            let mut reroute = Vec::new();
            for (shard_id, idxs) in std::mem::take(&mut groups) {
                let batch = idxs
                    .iter()
                    .map(|&i| SegmentRecord { k: records[i].partition_key.clone(), d: records[i].data.clone(), t: now })
                    .collect();
                match persist::append(&self.store, &meta.id, &shard_id, batch).await {
                    Ok(Appended::At(first)) => {
                        let shard = meta.shard(&shard_id).cloned();
                        for (j, &i) in idxs.iter().enumerate() {
                            let seq = shard.as_ref().map(|s| s.seq(first + j as u64)).unwrap_or_default();
                            results[i] = Some(Ok((shard_id.clone(), seq)));
                        }
                    }
                    Ok(Appended::Closed) => reroute.extend(idxs),
                    Err(e) => {
                        for &i in &idxs {
                            results[i] = Some(Err(Error::InternalFailure { message: e.to_string() }));
                        }
                    }
                }
            }
            if reroute.is_empty() {
                break;
            }
            meta = self.load(name).await?.0;
            route_again(&meta, &records, reroute, &mut groups, &mut results, name);
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::InternalFailure { message: "Internal service failure.".into() })))
            .collect())
    }
}

fn no_shard(name: &str) -> Error {
    Error::InternalFailure { message: format!("Stream {name} has no open shard for this hash key.") }
}

fn route_again(
    meta: &StreamMeta,
    records: &[Prepared],
    idxs: Vec<usize>,
    groups: &mut BTreeMap<String, Vec<usize>>,
    results: &mut [Option<Result<(String, String)>>],
    name: &str,
) {
    for i in idxs {
        match meta.route(records[i].hash) {
            Some(shard) => groups.entry(shard.id.clone()).or_default().push(i),
            None => results[i] = Some(Err(no_shard(name))),
        }
    }
}
