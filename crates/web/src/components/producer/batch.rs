//! The producer's pacing and batching, in plain Rust (tested natively): how many records each
//! tick sends for a rate, how they are cut into PutRecords / PutRecordBatch calls, the calls'
//! input structures, and the counts read back from their outputs.

use base64::Engine as _;
use serde_json::{json, Value};

/// How often the producer sends, in milliseconds.
pub const TICK_MS: u32 = 200;
/// Highest rate the producer accepts, in records per second.
pub const MAX_RATE: u32 = 10_000;
/// Records per PutRecords and PutRecordBatch call.
pub const MAX_BATCH_RECORDS: usize = 500;

/// Where records go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// A Kinesis data stream (PutRecords).
    Stream,
    /// A Firehose delivery stream (PutRecordBatch).
    DeliveryStream,
}

impl TargetKind {
    /// Most bytes in one call: 5 MiB for PutRecords (data and partition keys), 4 MiB for
    /// PutRecordBatch.
    pub fn max_batch_bytes(self) -> usize {
        match self {
            TargetKind::Stream => 5 * 1024 * 1024,
            TargetKind::DeliveryStream => 4 * 1024 * 1024,
        }
    }

    /// The service as the CLI names it.
    pub fn service(self) -> &'static str {
        match self {
            TargetKind::Stream => "kinesis",
            TargetKind::DeliveryStream => "firehose",
        }
    }

    /// The batch operation.
    pub fn operation(self) -> &'static str {
        match self {
            TargetKind::Stream => "PutRecords",
            TargetKind::DeliveryStream => "PutRecordBatch",
        }
    }
}

/// One record to send: its data and (for streams) its partition key.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The record's bytes.
    pub data: Vec<u8>,
    /// Partition key (ignored by Firehose).
    pub partition_key: String,
}

/// Turns a rate into records per tick, carrying fractions over so that 3 records/s at 5 ticks
/// a second sends 3 records every second. A late tick catches up by at most one second.
#[derive(Debug, Clone, PartialEq)]
pub struct Pacer {
    rate: u64,
    /// Records due, in thousandths (integers, so no rounding drifts).
    carry_milli: u64,
}

impl Pacer {
    /// A pacer for `rate` records per second (clamped to `0..=MAX_RATE`).
    pub fn new(rate: u32) -> Self {
        Pacer { rate: u64::from(rate.min(MAX_RATE)), carry_milli: 0 }
    }

    /// Records due after `elapsed_ms` more milliseconds.
    pub fn due(&mut self, elapsed_ms: f64) -> usize {
        let elapsed = if elapsed_ms.is_finite() { elapsed_ms.clamp(0.0, 60_000.0).round() as u64 } else { 0 };
        self.carry_milli = (self.carry_milli + self.rate * elapsed).min(self.rate.max(1) * 1000);
        let whole = self.carry_milli / 1000;
        self.carry_milli %= 1000;
        whole as usize
    }
}

/// Cuts records into calls of at most [`MAX_BATCH_RECORDS`] records and the target's byte limit.
pub fn batches(records: Vec<Outgoing>, kind: TargetKind) -> Vec<Vec<Outgoing>> {
    let limit = kind.max_batch_bytes();
    let mut out: Vec<Vec<Outgoing>> = Vec::new();
    let mut bytes = 0;
    for r in records {
        let size = r.data.len() + if kind == TargetKind::Stream { r.partition_key.len() } else { 0 };
        let full = out.last().is_none_or(|b| b.len() >= MAX_BATCH_RECORDS || bytes + size > limit);
        if full {
            out.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        out.last_mut().expect("a batch was just pushed").push(r);
    }
    out
}

/// Base64 of a blob, as AWS JSON APIs carry them.
pub fn base64_of(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// The PutRecords (stream) or PutRecordBatch (delivery stream) input for one batch.
pub fn put_input(kind: TargetKind, name: &str, batch: &[Outgoing]) -> Value {
    match kind {
        TargetKind::Stream => json!({
            "StreamName": name,
            "Records": batch.iter().map(|r| json!({"Data": base64_of(&r.data), "PartitionKey": r.partition_key})).collect::<Vec<_>>(),
        }),
        TargetKind::DeliveryStream => json!({
            "DeliveryStreamName": name,
            "Records": batch.iter().map(|r| json!({"Data": base64_of(&r.data)})).collect::<Vec<_>>(),
        }),
    }
}

/// What the producer counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records accepted.
    pub sent: u64,
    /// Records refused for throughput (`ProvisionedThroughputExceededException`, or Firehose's
    /// `ServiceUnavailableException`).
    pub throttled: u64,
    /// Records refused for anything else, or lost with a failed call.
    pub errors: u64,
    /// The last error other than throttling, `Code: message`.
    pub last_error: Option<String>,
}

impl Tally {
    /// Adds `other` (its last error wins when it has one).
    pub fn add(&mut self, other: Tally) {
        self.sent += other.sent;
        self.throttled += other.throttled;
        self.errors += other.errors;
        if other.last_error.is_some() {
            self.last_error = other.last_error;
        }
    }
}

/// The counts in a PutRecords (`Records`) or PutRecordBatch (`RequestResponses`) output.
pub fn tally_output(kind: TargetKind, output: &Value) -> Tally {
    let list = match kind {
        TargetKind::Stream => &output["Records"],
        TargetKind::DeliveryStream => &output["RequestResponses"],
    };
    let mut t = Tally::default();
    for entry in list.as_array().map(Vec::as_slice).unwrap_or_default() {
        match entry["ErrorCode"].as_str() {
            None | Some("") => t.sent += 1,
            Some("ProvisionedThroughputExceededException" | "ServiceUnavailableException") => t.throttled += 1,
            Some(code) => {
                t.errors += 1;
                t.last_error = Some(format!("{code}: {}", entry["ErrorMessage"].as_str().unwrap_or_default()));
            }
        }
    }
    t
}

/// The counts for a whole call that failed (`code`): throttling or errors for every record.
pub fn tally_failure(records: usize, code: &str, message: &str) -> Tally {
    if code == "ProvisionedThroughputExceededException" || code == "ServiceUnavailableException" {
        Tally { throttled: records as u64, ..Tally::default() }
    } else {
        Tally { errors: records as u64, last_error: Some(format!("{code}: {message}")), ..Tally::default() }
    }
}

// proptest is a native dev-dependency: these helpers are tested natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rec(n: usize, pk: &str) -> Outgoing {
        Outgoing { data: vec![b'x'; n], partition_key: pk.into() }
    }

    #[test]
    fn pacer_keeps_fractional_rates() {
        let mut p = Pacer::new(3);
        let total: usize = (0..25).map(|_| p.due(200.0)).sum();
        assert_eq!(total, 15);
        let mut p = Pacer::new(1000);
        assert_eq!(p.due(200.0), 200);
    }

    #[test]
    fn pacer_catches_up_at_most_one_second() {
        let mut p = Pacer::new(100);
        assert_eq!(p.due(60_000.0), 100);
        assert_eq!(p.due(f64::NAN), 0);
        assert_eq!(Pacer::new(u32::MAX).due(1000.0), MAX_RATE as usize);
        assert_eq!(Pacer::new(0).due(1000.0), 0);
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        let b = batches((0..1201).map(|_| rec(10, "k")).collect(), TargetKind::Stream);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [500, 500, 201]);
        let mib = 1024 * 1024;
        let b = batches((0..5).map(|_| rec(mib, "")).collect(), TargetKind::DeliveryStream);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [4, 1]);
        let b = batches((0..5).map(|_| rec(mib, "k")).collect(), TargetKind::Stream);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [4, 1]);
        assert!(batches(Vec::new(), TargetKind::Stream).is_empty());
    }

    #[test]
    fn inputs_have_aws_member_names() {
        let v = put_input(TargetKind::Stream, "realTimeSales", &[rec(3, "sales")]);
        assert_eq!(v, json!({"StreamName": "realTimeSales", "Records": [{"Data": "eHh4", "PartitionKey": "sales"}]}));
        let v = put_input(TargetKind::DeliveryStream, "d", &[rec(1, "ignored")]);
        assert_eq!(v, json!({"DeliveryStreamName": "d", "Records": [{"Data": "eA=="}]}));
        assert_eq!(base64_of(b"xxx"), "eHh4");
    }

    #[test]
    fn outputs_are_counted() {
        let out = json!({"FailedRecordCount": 2, "Records": [
            {"SequenceNumber": "1", "ShardId": "shardId-000000000000"},
            {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "Rate exceeded for shard"},
            {"ErrorCode": "InternalFailure", "ErrorMessage": "boom"},
        ]});
        let t = tally_output(TargetKind::Stream, &out);
        assert_eq!((t.sent, t.throttled, t.errors), (1, 1, 1));
        assert_eq!(t.last_error.as_deref(), Some("InternalFailure: boom"));
        let out = json!({"FailedPutCount": 0, "RequestResponses": [{"RecordId": "a"}, {"RecordId": "b"}]});
        assert_eq!(tally_output(TargetKind::DeliveryStream, &out).sent, 2);
        assert_eq!(tally_output(TargetKind::Stream, &json!(null)), Tally::default());
        let mut all = tally_failure(3, "ResourceNotFoundException", "Stream x not found");
        all.add(tally_failure(2, "ProvisionedThroughputExceededException", ""));
        assert_eq!((all.sent, all.throttled, all.errors), (0, 2, 3));
        assert!(all.last_error.unwrap().starts_with("ResourceNotFoundException"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn batches_keep_every_record_in_order(sizes in proptest::collection::vec(0usize..300_000, 0..60)) {
            let records: Vec<Outgoing> = sizes.iter().map(|n| rec(*n, "pk")).collect();
            let b = batches(records.clone(), TargetKind::DeliveryStream);
            prop_assert_eq!(b.concat(), records);
            for batch in &b {
                prop_assert!(!batch.is_empty() && batch.len() <= MAX_BATCH_RECORDS);
                let bytes: usize = batch.iter().map(|r| r.data.len()).sum();
                prop_assert!(batch.len() == 1 || bytes <= TargetKind::DeliveryStream.max_batch_bytes());
            }
        }
    }
}
