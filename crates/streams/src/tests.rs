//! Engine tests over `InMemory`, through [`Kinesis::call`] as the lake will call it.

use std::{collections::BTreeMap, sync::Arc};

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::Duration;
use futures::TryStreamExt;
use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_events::SimClock;
use serde_json::{json, Value};

use crate::{Error, Kinesis};

fn engine() -> (Kinesis, SimClock, Arc<dyn ObjectStore>) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let clock = SimClock::new();
    (Kinesis::new(store.clone(), clock.clone()), clock, store)
}

async fn ok(k: &Kinesis, op: &str, input: Value) -> Value {
    match k.call(op, input.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{op} {input}: {} {e}", e.code()),
    }
}

async fn err(k: &Kinesis, op: &str, input: Value) -> Error {
    match k.call(op, input.clone()).await {
        Ok(v) => panic!("{op} {input} should fail, answered {v}"),
        Err(e) => e,
    }
}

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

async fn create(k: &Kinesis, name: &str, shards: u32) {
    ok(k, "CreateStream", json!({ "StreamName": name, "ShardCount": shards })).await;
}

async fn put(k: &Kinesis, name: &str, key: &str, data: &str) -> Value {
    ok(k, "PutRecord", json!({ "StreamName": name, "PartitionKey": key, "Data": b64(data) })).await
}

async fn iterator(k: &Kinesis, name: &str, shard: &str, kind: &str, extra: Value) -> String {
    let mut input = json!({ "StreamName": name, "ShardId": shard, "ShardIteratorType": kind });
    if let (Some(o), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    ok(k, "GetShardIterator", input).await["ShardIterator"].as_str().unwrap().to_string()
}

/// The decoded data of a GetRecords answer.
fn datas(out: &Value) -> Vec<String> {
    out["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| String::from_utf8(STANDARD.decode(r["Data"].as_str().unwrap()).unwrap()).unwrap())
        .collect()
}

const SHARD0: &str = "shardId-000000000000";

#[tokio::test]
async fn the_course_lines_work_verbatim() {
    let (k, _, _) = engine();
    ok(&k, "CreateStream", json!({ "StreamName": "realTimeSales", "ShardCount": 1 })).await;
    let out = ok(
        &k,
        "PutRecord",
        json!({ "StreamName": "realTimeSales", "PartitionKey": "sales", "Data": "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ==" }),
    )
    .await;
    assert_eq!(out["ShardId"], SHARD0);
    assert_eq!(out["SequenceNumber"].as_str().unwrap().len(), 56);
    assert_eq!(out.as_object().unwrap().len(), 2, "no EncryptionType on an unencrypted stream: {out}");
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "realTimeSales" })).await;
    let desc = &d["StreamDescription"];
    assert_eq!(desc["StreamStatus"], "ACTIVE");
    assert_eq!(desc["StreamARN"], "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales");
    assert_eq!(desc["RetentionPeriodHours"], 24);
    assert_eq!(desc["HasMoreShards"], false);
    assert_eq!(desc["StreamModeDetails"]["StreamMode"], "PROVISIONED");
    assert!(desc["StreamCreationTimestamp"].is_f64());
    let shard = &desc["Shards"][0];
    assert_eq!(shard["HashKeyRange"]["StartingHashKey"], "0");
    assert_eq!(shard["HashKeyRange"]["EndingHashKey"], "340282366920938463463374607431768211455");
    assert!(shard["SequenceNumberRange"].get("EndingSequenceNumber").is_none());
    let it = iterator(&k, "realTimeSales", SHARD0, "TRIM_HORIZON", json!({})).await;
    let got = ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(datas(&got), vec![r#"{"id":"123", "region":"NSW", "amount": 200}"#]);
    assert_eq!(got["Records"][0]["PartitionKey"], "sales");
    assert_eq!(got["Records"][0]["SequenceNumber"], out["SequenceNumber"]);
}

/// Digests checked with `python3 -c 'import hashlib; print(hashlib.md5(b"sales").hexdigest())'`;
/// the expected shard is `min(md5 // (2**128 // n), n - 1)`, computed the same way.
#[tokio::test]
async fn known_partition_keys_land_on_known_shards() {
    let cases: [(&str, &str, [u32; 4]); 6] = [
        ("sales", "9ed083b1436e5f40ef984b28255eef18", [0, 1, 1, 2]),
        ("a", "0cc175b9c0f1b6a831c399e269772661", [0, 0, 0, 0]),
        ("c", "4a8a08f09d37b73795649038408b5f33", [0, 0, 0, 1]),
        ("key1", "c2add694bf942dc77b376592d9c862cd", [0, 1, 2, 3]),
        ("hello", "5d41402abc4b2a76b9719d911017c592", [0, 0, 1, 1]),
        ("partitionKey", "916fb4607e9099fa19225279d711a12e", [0, 1, 1, 2]),
    ];
    let (k, _, _) = engine();
    for n in 1..=4u32 {
        let name = format!("s{n}");
        create(&k, &name, n).await;
        let d = ok(&k, "DescribeStream", json!({ "StreamName": name })).await;
        let shards = d["StreamDescription"]["Shards"].as_array().unwrap().clone();
        assert_eq!(shards.len(), n as usize);
        for (key, hex, expected) in &cases {
            let hash = u128::from_str_radix(hex, 16).unwrap();
            assert_eq!(crate::partition_hash(key), hash);
            let out = put(&k, &name, key, "x").await;
            let want = format!("shardId-{:012}", expected[n as usize - 1]);
            assert_eq!(out["ShardId"], want.as_str(), "key {key} with {n} shards");
            // And the described range of that shard holds the hash.
            let shard = shards.iter().find(|s| s["ShardId"] == want.as_str()).unwrap();
            let start: u128 = shard["HashKeyRange"]["StartingHashKey"].as_str().unwrap().parse().unwrap();
            let end: u128 = shard["HashKeyRange"]["EndingHashKey"].as_str().unwrap().parse().unwrap();
            assert!(start <= hash && hash <= end);
        }
    }
    // ExplicitHashKey overrides the partition key.
    let last = ok(
        &k,
        "PutRecord",
        json!({ "StreamName": "s4", "PartitionKey": "a", "Data": b64("x"), "ExplicitHashKey": u128::MAX.to_string() }),
    )
    .await;
    assert_eq!(last["ShardId"], "shardId-000000000003");
    let first = ok(
        &k,
        "PutRecord",
        json!({ "StreamName": "s4", "PartitionKey": "key1", "Data": b64("x"), "ExplicitHashKey": "0" }),
    )
    .await;
    assert_eq!(first["ShardId"], SHARD0);
}

#[tokio::test]
async fn sequence_numbers_increase_per_shard() {
    let (k, _, _) = engine();
    create(&k, "s", 2).await;
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..60 {
        let out = put(&k, "s", &format!("k{i}"), "d").await;
        let seq = out["SequenceNumber"].as_str().unwrap().to_string();
        assert_eq!(seq.len(), 56);
        assert!(seq.bytes().all(|b| b.is_ascii_digit()));
        let shard = out["ShardId"].as_str().unwrap().to_string();
        if let Some(prev) = last.get(&shard) {
            assert!(&seq > prev, "{seq} after {prev}");
        }
        last.insert(shard, seq);
    }
    assert_eq!(last.len(), 2, "60 keys reach both shards");
    let batch: Vec<Value> = (0..20).map(|i| json!({ "PartitionKey": "same", "Data": b64(&i.to_string()) })).collect();
    let out = ok(&k, "PutRecords", json!({ "StreamName": "s", "Records": batch })).await;
    let seqs: Vec<&str> =
        out["Records"].as_array().unwrap().iter().map(|r| r["SequenceNumber"].as_str().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "request order is sequence order on one shard");
}

#[tokio::test]
async fn every_iterator_type() {
    let (k, clock, _) = engine();
    create(&k, "s", 1).await;
    let mut seqs = Vec::new();
    for i in 0..5 {
        seqs.push(put(&k, "s", "p", &format!("r{i}")).await["SequenceNumber"].as_str().unwrap().to_string());
    }
    clock.advance(Duration::seconds(10));
    let middle = clock.now();
    clock.advance(Duration::seconds(10));
    for i in 5..7 {
        seqs.push(put(&k, "s", "p", &format!("r{i}")).await["SequenceNumber"].as_str().unwrap().to_string());
    }
    // One read a second keeps under the shard's five reads per second.
    let read = |it: String| {
        let (k, clock) = (k.clone(), clock.clone());
        async move {
            clock.advance(Duration::milliseconds(1001));
            ok(&k, "GetRecords", json!({ "ShardIterator": it })).await
        }
    };
    let all = read(iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await).await;
    assert_eq!(datas(&all), ["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    let at =
        read(iterator(&k, "s", SHARD0, "AT_SEQUENCE_NUMBER", json!({ "StartingSequenceNumber": seqs[2] })).await).await;
    assert_eq!(datas(&at), ["r2", "r3", "r4", "r5", "r6"]);
    let after =
        read(iterator(&k, "s", SHARD0, "AFTER_SEQUENCE_NUMBER", json!({ "StartingSequenceNumber": seqs[2] })).await)
            .await;
    assert_eq!(datas(&after), ["r3", "r4", "r5", "r6"], "AFTER never returns the record itself");
    let after_last =
        read(iterator(&k, "s", SHARD0, "AFTER_SEQUENCE_NUMBER", json!({ "StartingSequenceNumber": seqs[6] })).await)
            .await;
    assert!(datas(&after_last).is_empty());
    let ts = read(
        iterator(&k, "s", SHARD0, "AT_TIMESTAMP", json!({ "Timestamp": middle.timestamp_millis() as f64 / 1000.0 }))
            .await,
    )
    .await;
    assert_eq!(datas(&ts), ["r5", "r6"]);
    let iso = read(iterator(&k, "s", SHARD0, "AT_TIMESTAMP", json!({ "Timestamp": middle.to_rfc3339() })).await).await;
    assert_eq!(datas(&iso), ["r5", "r6"]);
    // LATEST: nothing now, the next record later.
    let latest = read(iterator(&k, "s", SHARD0, "LATEST", json!({})).await).await;
    assert!(datas(&latest).is_empty());
    assert_eq!(latest["MillisBehindLatest"], 0);
    put(&k, "s", "p", "r7").await;
    let next = read(latest["NextShardIterator"].as_str().unwrap().to_string()).await;
    assert_eq!(datas(&next), ["r7"]);
    // Limit pages through with NextShardIterator.
    clock.advance(Duration::milliseconds(1001));
    let first_two = ok(
        &k,
        "GetRecords",
        json!({ "ShardIterator": iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await, "Limit": 2 }),
    )
    .await;
    assert_eq!(datas(&first_two), ["r0", "r1"]);
    assert!(first_two["MillisBehindLatest"].as_i64().unwrap() >= 20_000, "{first_two}");
    let rest = read(first_two["NextShardIterator"].as_str().unwrap().to_string()).await;
    assert_eq!(datas(&rest).first().map(String::as_str), Some("r2"));
    // Another shard's sequence number is refused.
    create(&k, "two", 2).await;
    let other = put(&k, "two", "key1", "x").await;
    assert_eq!(other["ShardId"], "shardId-000000000001");
    let e = err(&k, "GetShardIterator", json!({ "StreamName": "two", "ShardId": SHARD0, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": other["SequenceNumber"] })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
    assert!(e.to_string().contains("It encodes shardId-000000000001"), "{e}");
    let e =
        err(&k, "GetShardIterator", json!({ "StreamName": "s", "ShardId": SHARD0, "ShardIteratorType": "SOMEWHERE" }))
            .await;
    assert_eq!(e.code(), "ValidationException");
    let e = err(
        &k,
        "GetShardIterator",
        json!({ "StreamName": "s", "ShardId": "shardId-000000000009", "ShardIteratorType": "LATEST" }),
    )
    .await;
    assert_eq!(e.code(), "ResourceNotFoundException");
}

#[tokio::test]
async fn iterators_expire_after_five_minutes_of_lake_time() {
    let (k, clock, _) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "p", "a").await;
    let it = iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await;
    clock.advance(Duration::seconds(290));
    let out = ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(datas(&out), ["a"]);
    clock.advance(Duration::seconds(20));
    let e = err(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(e.code(), "ExpiredIteratorException");
    assert!(e.to_string().starts_with("Iterator expired. The iterator was created at time "), "{e}");
    // The iterator GetRecords answered is fresh.
    let fresh = out["NextShardIterator"].as_str().unwrap();
    ok(&k, "GetRecords", json!({ "ShardIterator": fresh })).await;
}

#[tokio::test]
async fn retention_applies_on_the_lake_clock() {
    let (k, clock, store) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "p", "old").await;
    clock.advance(Duration::hours(23));
    put(&k, "s", "p", "newer").await;
    clock.advance(Duration::hours(2));
    let out =
        ok(&k, "GetRecords", json!({ "ShardIterator": iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await }))
            .await;
    assert_eq!(datas(&out), ["newer"], "the 25-hour-old record is gone");
    let traffic = k.shard_traffic("s").await.unwrap();
    assert_eq!(traffic[0].records, 1);
    let segments: Vec<_> = store.list(Some(&Path::from("_meta/kinesis/data"))).try_collect().await.unwrap();
    let segs = segments.iter().filter(|m| m.location.as_ref().contains("/seg/")).count();
    assert_eq!(segs, 1, "the expired segment was removed from the store");
    // A longer retention keeps records longer.
    ok(&k, "IncreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 48 })).await;
    clock.advance(Duration::hours(20));
    let out =
        ok(&k, "GetRecords", json!({ "ShardIterator": iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await }))
            .await;
    assert_eq!(datas(&out), ["newer"]);
    let s = ok(&k, "DescribeStreamSummary", json!({ "StreamName": "s" })).await;
    assert_eq!(s["StreamDescriptionSummary"]["RetentionPeriodHours"], 48);
    assert_eq!(s["StreamDescriptionSummary"]["OpenShardCount"], 1);
    // AWS's wording for the bounds.
    let e = err(&k, "DecreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 12 })).await;
    assert_eq!(
        e.to_string(),
        "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short."
    );
    let e = err(&k, "IncreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 8761 })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
    let e = err(&k, "IncreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 30 })).await;
    assert!(e.to_string().contains("can not be shorter than existing retention period (48 hours)"), "{e}");
    let e = err(&k, "DecreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 100 })).await;
    assert!(e.to_string().contains("Use IncreaseRetentionPeriod API."), "{e}");
    ok(&k, "IncreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 8760 })).await;
    ok(&k, "DecreaseStreamRetentionPeriod", json!({ "StreamName": "s", "RetentionPeriodHours": 24 })).await;
}

fn batch(n: usize, key: &str) -> Value {
    json!((0..n).map(|i| json!({ "PartitionKey": key, "Data": b64(&format!("{i}")) })).collect::<Vec<_>>())
}

#[tokio::test]
async fn writes_are_throttled_per_shard_and_put_records_fails_partially() {
    let (k, _, _) = engine();
    create(&k, "s", 2).await;
    // 1,000 records/s on shard 1 ("key1"), then a mixed call: shard 1 refuses, shard 0 takes.
    for _ in 0..2 {
        let out = ok(&k, "PutRecords", json!({ "StreamName": "s", "Records": batch(500, "key1") })).await;
        assert_eq!(out["FailedRecordCount"], 0);
    }
    let mixed: Vec<Value> =
        (0..10).map(|i| json!({ "PartitionKey": if i % 2 == 0 { "key1" } else { "a" }, "Data": b64("m") })).collect();
    let out = ok(&k, "PutRecords", json!({ "StreamName": "s", "Records": mixed })).await;
    assert_eq!(out["FailedRecordCount"], 5);
    for (i, r) in out["Records"].as_array().unwrap().iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(r["ErrorCode"], "ProvisionedThroughputExceededException");
            assert_eq!(
                r["ErrorMessage"],
                "Rate exceeded for shard shardId-000000000001 in stream s under account 123456789012."
            );
            assert!(r.get("SequenceNumber").is_none());
        } else {
            assert_eq!(r["ShardId"], SHARD0);
            assert!(r.get("ErrorCode").is_none());
        }
    }
    let e = err(&k, "PutRecord", json!({ "StreamName": "s", "PartitionKey": "key1", "Data": b64("x") })).await;
    assert_eq!(e.code(), "ProvisionedThroughputExceededException");
    let traffic = k.shard_traffic("s").await.unwrap();
    assert_eq!(traffic[1].write_throttled_last_minute, 6);
    assert_eq!(traffic[1].records, 1000);
    assert!(traffic[1].incoming_records_per_second > 0.0);
    assert_eq!(traffic[1].write_limit_records, Some(1000));
    // A second later the shard takes records again.
    k.pass_real_time(1_001);
    put(&k, "s", "key1", "later").await;
    // 1 MiB/s: one large record fills the second.
    let (k, _, _) = engine();
    create(&k, "big", 1).await;
    let big = STANDARD.encode(vec![b'x'; (1 << 20) - 10]);
    ok(&k, "PutRecord", json!({ "StreamName": "big", "PartitionKey": "p", "Data": big })).await;
    let e = err(&k, "PutRecord", json!({ "StreamName": "big", "PartitionKey": "p", "Data": b64("0123456789") })).await;
    assert_eq!(e.code(), "ProvisionedThroughputExceededException");
}

#[tokio::test]
async fn reads_are_throttled_per_shard() {
    let (k, _, _) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "p", "x").await;
    let it = iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await;
    for _ in 0..5 {
        ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    }
    let e = err(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(e.code(), "ProvisionedThroughputExceededException");
    assert_eq!(k.shard_traffic("s").await.unwrap()[0].read_throttled_last_minute, 1);
    // ON_DEMAND streams start with four shards and generous limits.
    ok(&k, "CreateStream", json!({ "StreamName": "od", "StreamModeDetails": { "StreamMode": "ON_DEMAND" } })).await;
    let d = ok(&k, "DescribeStreamSummary", json!({ "StreamName": "od" })).await;
    assert_eq!(d["StreamDescriptionSummary"]["OpenShardCount"], 4);
    assert_eq!(d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"], "ON_DEMAND");
    let it = iterator(&k, "od", SHARD0, "TRIM_HORIZON", json!({})).await;
    for _ in 0..20 {
        ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    }
    assert_eq!(k.shard_traffic("od").await.unwrap()[0].write_limit_records, None);
}

#[tokio::test]
async fn get_records_stops_at_ten_mib_and_big_reads_throttle_the_next() {
    let (k, clock, _) = engine();
    create(&k, "s", 1).await;
    let mib = STANDARD.encode(vec![b'x'; (1 << 20) - 16]);
    for _ in 0..11 {
        ok(&k, "PutRecord", json!({ "StreamName": "s", "PartitionKey": "p", "Data": mib })).await;
        clock.advance(Duration::milliseconds(1001));
    }
    let it = iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await;
    let out = ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(out["Records"].as_array().unwrap().len(), 10, "10 MiB at most");
    let next = out["NextShardIterator"].as_str().unwrap().to_string();
    let e = err(&k, "GetRecords", json!({ "ShardIterator": next })).await;
    assert_eq!(e.code(), "ProvisionedThroughputExceededException", "2 MiB/s spent for this second");
    clock.advance(Duration::milliseconds(1001));
    let rest = ok(&k, "GetRecords", json!({ "ShardIterator": next })).await;
    assert_eq!(rest["Records"].as_array().unwrap().len(), 1);
    assert_eq!(rest["MillisBehindLatest"], 0);
}

fn shard<'v>(describe: &'v Value, id: &str) -> &'v Value {
    describe["StreamDescription"]["Shards"].as_array().unwrap().iter().find(|s| s["ShardId"] == id).unwrap()
}

#[tokio::test]
async fn split_and_merge_keep_lineage_and_drained_parents_end() {
    let (k, _, _) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "a", "before").await;
    let it = iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await;
    let half = (1u128 << 127).to_string();
    ok(&k, "SplitShard", json!({ "StreamName": "s", "ShardToSplit": SHARD0, "NewStartingHashKey": half })).await;
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "s" })).await;
    assert_eq!(d["StreamDescription"]["Shards"].as_array().unwrap().len(), 3);
    let parent = shard(&d, SHARD0);
    let ending = parent["SequenceNumberRange"]["EndingSequenceNumber"].as_str().unwrap();
    assert_eq!(ending.len(), 56);
    let c1 = shard(&d, "shardId-000000000001");
    let c2 = shard(&d, "shardId-000000000002");
    assert_eq!(c1["ParentShardId"], SHARD0);
    assert_eq!(c2["ParentShardId"], SHARD0);
    assert_eq!(c1["HashKeyRange"]["EndingHashKey"], ((1u128 << 127) - 1).to_string());
    assert_eq!(c2["HashKeyRange"]["StartingHashKey"], (1u128 << 127).to_string());
    // New records go to the children; the parent drains and ends.
    assert_eq!(put(&k, "s", "a", "after").await["ShardId"], "shardId-000000000001");
    assert_eq!(put(&k, "s", "key1", "after2").await["ShardId"], "shardId-000000000002");
    let out = ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(datas(&out), ["before"]);
    assert!(out.get("NextShardIterator").is_none(), "a drained closed shard has no next iterator: {out}");
    let children: Vec<&str> =
        out["ChildShards"].as_array().unwrap().iter().map(|c| c["ShardId"].as_str().unwrap()).collect();
    assert_eq!(children, ["shardId-000000000001", "shardId-000000000002"]);
    assert_eq!(out["ChildShards"][0]["ParentShards"], json!([SHARD0]));
    // Merging the children back: adjacent only.
    let e =
        err(&k, "SplitShard", json!({ "StreamName": "s", "ShardToSplit": SHARD0, "NewStartingHashKey": "5" })).await;
    assert_eq!(e.code(), "ResourceInUseException");
    let e = err(
        &k,
        "SplitShard",
        json!({ "StreamName": "s", "ShardToSplit": "shardId-000000000001", "NewStartingHashKey": "1" }),
    )
    .await;
    assert!(e.to_string().contains("is not both greater than one plus the shard's StartingHashKey"), "{e}");
    ok(&k, "SplitShard", json!({ "StreamName": "s", "ShardToSplit": "shardId-000000000001", "NewStartingHashKey": (1u128 << 126).to_string() })).await;
    // Open now: 2 [2^127, max], 3 [0, 2^126-1], 4 [2^126, 2^127-1]. 3 and 2 are not adjacent.
    let e = err(&k, "MergeShards", json!({ "StreamName": "s", "ShardToMerge": "shardId-000000000003", "AdjacentShardToMerge": "shardId-000000000002" })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
    assert!(e.to_string().contains("not an adjacent pair"), "{e}");
    ok(&k, "MergeShards", json!({ "StreamName": "s", "ShardToMerge": "shardId-000000000004", "AdjacentShardToMerge": "shardId-000000000002" })).await;
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "s" })).await;
    let merged = shard(&d, "shardId-000000000005");
    assert_eq!(merged["ParentShardId"], "shardId-000000000004");
    assert_eq!(merged["AdjacentParentShardId"], "shardId-000000000002");
    assert_eq!(merged["HashKeyRange"]["StartingHashKey"], (1u128 << 126).to_string());
    assert_eq!(merged["HashKeyRange"]["EndingHashKey"], u128::MAX.to_string());
    // The closed shard still holds its record until retention ends.
    let it2 = iterator(&k, "s", "shardId-000000000002", "TRIM_HORIZON", json!({})).await;
    let out = ok(&k, "GetRecords", json!({ "ShardIterator": it2 })).await;
    assert_eq!(datas(&out), ["after2"]);
    assert!(out.get("NextShardIterator").is_none());
    assert_eq!(out["ChildShards"][0]["ParentShards"], json!(["shardId-000000000004", "shardId-000000000002"]));
    let open = ok(&k, "ListShards", json!({ "StreamName": "s", "ShardFilter": { "Type": "AT_LATEST" } })).await;
    let ids: Vec<&str> = open["Shards"].as_array().unwrap().iter().map(|s| s["ShardId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["shardId-000000000003", "shardId-000000000005"]);
}

/// A tab closed after a reshard's stream record was written but before the parent's counter
/// was closed: the next reader finishes the close.
#[tokio::test]
async fn an_interrupted_reshard_is_finished_by_the_next_reader() {
    let (k, _, _) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "a", "before").await;
    let it = iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await;
    let now = chrono::Utc::now().timestamp_millis();
    k.update("s", |m| {
        m.shards[0].closed = Some(crate::model::Closed { end_index: None, at_ms: now });
        m.push_shard((0, u128::MAX), now, Some(SHARD0.to_string()), None);
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(put(&k, "s", "a", "after").await["ShardId"], "shardId-000000000001");
    let out = ok(&k, "GetRecords", json!({ "ShardIterator": it })).await;
    assert_eq!(datas(&out), ["before"]);
    assert!(out.get("NextShardIterator").is_none(), "{out}");
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "s" })).await;
    let ending = shard(&d, SHARD0)["SequenceNumberRange"]["EndingSequenceNumber"].as_str().unwrap().to_string();
    let first = ok(&k, "GetRecords", json!({ "ShardIterator": iterator(&k, "s", SHARD0, "AT_SEQUENCE_NUMBER", json!({ "StartingSequenceNumber": ending })).await })).await;
    assert_eq!(datas(&first), ["before"], "the ending number is the parent's last record");
}

#[tokio::test]
async fn update_shard_count_rescales_uniformly() {
    let (k, _, _) = engine();
    create(&k, "s", 2).await;
    let out = ok(
        &k,
        "UpdateShardCount",
        json!({ "StreamName": "s", "TargetShardCount": 3, "ScalingType": "UNIFORM_SCALING" }),
    )
    .await;
    assert_eq!(
        out,
        json!({ "StreamName": "s", "CurrentShardCount": 2, "TargetShardCount": 3, "StreamARN": Kinesis::stream_arn("s") })
    );
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "s" })).await;
    let shards = d["StreamDescription"]["Shards"].as_array().unwrap();
    assert_eq!(shards.len(), 5);
    let (s0, e0) = crate::equal_range(0, 3);
    let new0 = shard(&d, "shardId-000000000002");
    assert_eq!(new0["HashKeyRange"]["StartingHashKey"], s0.to_string());
    assert_eq!(new0["HashKeyRange"]["EndingHashKey"], e0.to_string());
    assert_eq!(new0["ParentShardId"], SHARD0);
    assert!(new0.get("AdjacentParentShardId").is_none());
    // The middle third straddles both old halves.
    let new1 = shard(&d, "shardId-000000000003");
    assert_eq!(new1["ParentShardId"], SHARD0);
    assert_eq!(new1["AdjacentParentShardId"], "shardId-000000000001");
    assert!(shard(&d, SHARD0)["SequenceNumberRange"].get("EndingSequenceNumber").is_some());
    let e = err(
        &k,
        "UpdateShardCount",
        json!({ "StreamName": "s", "TargetShardCount": 7, "ScalingType": "UNIFORM_SCALING" }),
    )
    .await;
    assert_eq!(e.code(), "LimitExceededException");
    let e = err(
        &k,
        "UpdateShardCount",
        json!({ "StreamName": "s", "TargetShardCount": 1, "ScalingType": "UNIFORM_SCALING" }),
    )
    .await;
    assert_eq!(e.code(), "LimitExceededException");
    let e =
        err(&k, "UpdateShardCount", json!({ "StreamName": "s", "TargetShardCount": 2, "ScalingType": "OTHER" })).await;
    assert_eq!(e.code(), "ValidationException");
    let e = err(&k, "CreateStream", json!({ "StreamName": "huge", "ShardCount": 201 })).await;
    assert_eq!(e.code(), "LimitExceededException");
}

#[tokio::test]
async fn a_reload_keeps_streams_records_and_sequence_numbers() {
    let (k, _, store) = engine();
    create(&k, "s", 1).await;
    ok(&k, "AddTagsToStream", json!({ "StreamName": "s", "Tags": { "team": "data" } })).await;
    let first = put(&k, "s", "p", "one").await;
    let clock = SimClock::new();
    let reloaded = Kinesis::new(store, clock);
    let list = ok(&reloaded, "ListStreams", json!({})).await;
    assert_eq!(list["StreamNames"], json!(["s"]));
    let second = put(&reloaded, "s", "p", "two").await;
    assert!(second["SequenceNumber"].as_str() > first["SequenceNumber"].as_str());
    let out = ok(
        &reloaded,
        "GetRecords",
        json!({ "ShardIterator": iterator(&reloaded, "s", SHARD0, "TRIM_HORIZON", json!({})).await }),
    )
    .await;
    assert_eq!(datas(&out), ["one", "two"]);
    let tags = ok(&reloaded, "ListTagsForStream", json!({ "StreamName": "s" })).await;
    assert_eq!(tags, json!({ "Tags": [{ "Key": "team", "Value": "data" }], "HasMoreTags": false }));
}

#[tokio::test]
async fn two_tabs_never_share_a_sequence_number() {
    let (a, clock, store) = engine();
    let b = Kinesis::new(store, clock);
    create(&a, "s", 1).await;
    let tab = |k: Kinesis, tag: &'static str| async move {
        let mut seqs = Vec::new();
        for i in 0..40 {
            let out = if i % 4 == 0 {
                let recs: Vec<Value> =
                    (0..5).map(|j| json!({ "PartitionKey": "p", "Data": b64(&format!("{tag}{i}-{j}")) })).collect();
                let out = ok(&k, "PutRecords", json!({ "StreamName": "s", "Records": recs })).await;
                out["Records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["SequenceNumber"].as_str().unwrap().to_string())
                    .collect()
            } else {
                vec![put(&k, "s", "p", &format!("{tag}{i}")).await["SequenceNumber"].as_str().unwrap().to_string()]
            };
            seqs.extend(out);
            puddle_events::yield_now().await;
        }
        seqs
    };
    // Interleave the two tabs' futures on one thread.
    let (sa, sb) = futures::join!(tab(a.clone(), "a"), tab(b.clone(), "b"));
    let mut all: Vec<String> = sa.into_iter().chain(sb).collect();
    let n = all.len();
    assert_eq!(n, 2 * (10 * 5 + 30));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "no sequence number given twice");
    let out =
        ok(&a, "GetRecords", json!({ "ShardIterator": iterator(&a, "s", SHARD0, "TRIM_HORIZON", json!({})).await }))
            .await;
    assert_eq!(out["Records"].as_array().unwrap().len(), n, "no record lost");
}

#[tokio::test]
async fn a_segment_left_without_its_counter_is_rolled_forward() {
    let (k, _, store) = engine();
    create(&k, "s", 1).await;
    put(&k, "s", "p", "one").await;
    // A tab wrote the next segment and closed before moving the counter.
    let seg_dir = store
        .list(Some(&Path::from("_meta/kinesis/data")))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.location.as_ref().contains("/seg/"))
        .unwrap()
        .location
        .as_ref()
        .rsplit_once('/')
        .unwrap()
        .0
        .to_string();
    let orphan =
        json!({ "first": 2, "records": [{ "k": "p", "d": b64("two"), "t": chrono::Utc::now().timestamp_millis() }] });
    store.put(&Path::from(format!("{seg_dir}/{:020}.json", 2)), PutPayload::from(orphan.to_string())).await.unwrap();
    put(&k, "s", "p", "three").await;
    let out =
        ok(&k, "GetRecords", json!({ "ShardIterator": iterator(&k, "s", SHARD0, "TRIM_HORIZON", json!({})).await }))
            .await;
    assert_eq!(datas(&out), ["one", "two", "three"]);
}

#[tokio::test]
async fn put_records_writes_one_segment_per_shard_touched() {
    let (k, _, store) = engine();
    create(&k, "s", 4).await;
    let recs: Vec<Value> =
        (0..500).map(|i| json!({ "PartitionKey": format!("k{i}"), "Data": b64("{\"id\":1}") })).collect();
    let out = ok(&k, "PutRecords", json!({ "StreamName": "s", "Records": recs })).await;
    assert_eq!(out["FailedRecordCount"], 0);
    let segs = store
        .list(Some(&Path::from("_meta/kinesis/data")))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.location.as_ref().contains("/seg/"))
        .count();
    assert_eq!(segs, 4);
}

#[tokio::test]
async fn listing_paging_tags_and_deletion() {
    let (k, _, _) = engine();
    for name in ["c", "a", "b"] {
        create(&k, name, 3).await;
    }
    let page = ok(&k, "ListStreams", json!({ "Limit": 2 })).await;
    assert_eq!(page["StreamNames"], json!(["a", "b"]));
    assert_eq!(page["HasMoreStreams"], true);
    assert_eq!(page["StreamSummaries"][0]["StreamStatus"], "ACTIVE");
    let rest = ok(&k, "ListStreams", json!({ "NextToken": page["NextToken"] })).await;
    assert_eq!(rest["StreamNames"], json!(["c"]));
    assert!(rest.get("NextToken").is_none());
    let rest = ok(&k, "ListStreams", json!({ "ExclusiveStartStreamName": "a" })).await;
    assert_eq!(rest["StreamNames"], json!(["b", "c"]));
    let shards = ok(&k, "ListShards", json!({ "StreamName": "a", "MaxResults": 2 })).await;
    assert_eq!(shards["Shards"].as_array().unwrap().len(), 2);
    let more = ok(&k, "ListShards", json!({ "NextToken": shards["NextToken"] })).await;
    assert_eq!(more["Shards"][0]["ShardId"], "shardId-000000000002");
    let e = err(&k, "ListShards", json!({ "StreamName": "a", "NextToken": shards["NextToken"] })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
    let e = err(&k, "ListShards", json!({ "StreamName": "a", "ShardFilter": { "Type": "AT_TIMESTAMP" } })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
    let d = ok(&k, "DescribeStream", json!({ "StreamName": "a", "Limit": 1, "ExclusiveStartShardId": SHARD0 })).await;
    assert_eq!(d["StreamDescription"]["Shards"][0]["ShardId"], "shardId-000000000001");
    assert_eq!(d["StreamDescription"]["HasMoreShards"], true);
    let arn = Kinesis::stream_arn("a");
    ok(&k, "AddTagsToStream", json!({ "StreamARN": arn, "Tags": { "x": "1", "y": "2", "z": "3" } })).await;
    let t = ok(&k, "ListTagsForStream", json!({ "StreamName": "a", "Limit": 2 })).await;
    assert_eq!(t["HasMoreTags"], true);
    ok(&k, "RemoveTagsFromStream", json!({ "StreamName": "a", "TagKeys": ["x", "y"] })).await;
    let t = ok(&k, "ListTagsForStream", json!({ "StreamName": "a" })).await;
    assert_eq!(t["Tags"], json!([{ "Key": "z", "Value": "3" }]));
    // Deleting and creating again starts empty.
    put(&k, "a", "p", "old").await;
    ok(&k, "DeleteStream", json!({ "StreamName": "a", "EnforceConsumerDeletion": true })).await;
    assert_eq!(err(&k, "DescribeStream", json!({ "StreamName": "a" })).await.code(), "ResourceNotFoundException");
    create(&k, "a", 1).await;
    let out =
        ok(&k, "GetRecords", json!({ "ShardIterator": iterator(&k, "a", SHARD0, "TRIM_HORIZON", json!({})).await }))
            .await;
    assert!(datas(&out).is_empty());
    assert_eq!(k.stream_names().await.unwrap(), ["a", "b", "c"]);
}

#[tokio::test]
async fn firehose_reads_after_positions_without_throttling() {
    let (k, _, _) = engine();
    create(&k, "s", 2).await;
    let start = k.latest_positions("s").await.unwrap();
    assert_eq!(start.len(), 2);
    for i in 0..10 {
        put(&k, "s", &format!("k{i}"), &format!("r{i}")).await;
    }
    let all = k.read_after("s", &BTreeMap::new(), 100).await.unwrap();
    assert_eq!(all.len(), 10);
    let after_start = k.read_after("s", &start, 100).await.unwrap();
    assert_eq!(after_start, all, "the starting positions precede every record");
    let mut checkpoint = BTreeMap::new();
    for r in &all[..3] {
        checkpoint.insert(r.shard_id.clone(), r.sequence_number.clone());
    }
    let rest = k.read_after("s", &checkpoint, 100).await.unwrap();
    assert!(rest.iter().all(|r| checkpoint.get(&r.shard_id).is_none_or(|c| &r.sequence_number > c)));
    assert_eq!(k.read_after("s", &BTreeMap::new(), 4).await.unwrap().len(), 4);
    for _ in 0..20 {
        k.read_after("s", &BTreeMap::new(), 100).await.unwrap();
    }
    let latest = k.latest_positions("s").await.unwrap();
    assert!(k.read_after("s", &latest, 100).await.unwrap().is_empty());
    assert_eq!(all.iter().filter(|r| r.data.as_ref() == b"r0").count(), 1);
    assert_eq!(all.iter().filter(|r| r.partition_key == "k0").count(), 1);
}

#[tokio::test]
async fn bad_input_gives_the_aws_error() {
    let (k, _, _) = engine();
    create(&k, "s", 1).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": "p", "Data": "not base64!" }),
            "InvalidArgumentException",
        ),
        ("PutRecord", json!({ "StreamName": "s", "PartitionKey": "", "Data": "" }), "ValidationException"),
        ("PutRecord", json!({ "StreamName": "s", "PartitionKey": "x".repeat(257), "Data": "" }), "ValidationException"),
        (
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": "p", "Data": "", "ExplicitHashKey": "-1" }),
            "InvalidArgumentException",
        ),
        (
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": "p", "Data": "", "ExplicitHashKey": "340282366920938463463374607431768211456" }),
            "InvalidArgumentException",
        ),
        (
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": "p", "Data": STANDARD.encode(vec![0u8; (1 << 20) + 1]) }),
            "ValidationException",
        ),
        (
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": "pp", "Data": STANDARD.encode(vec![0u8; 1 << 20]) }),
            "InvalidArgumentException",
        ),
        ("PutRecord", json!({ "StreamName": "nope", "PartitionKey": "p", "Data": "" }), "ResourceNotFoundException"),
        ("PutRecord", json!({ "StreamName": "s", "PartitionKey": 5, "Data": "" }), "SerializationException"),
        ("PutRecord", json!({ "StreamName": "s", "Data": "" }), "ValidationException"),
        ("PutRecords", json!({ "StreamName": "s", "Records": [] }), "ValidationException"),
        ("PutRecords", json!({ "StreamName": "s", "Records": batch(501, "p") }), "ValidationException"),
        ("CreateStream", json!({ "StreamName": "s", "ShardCount": 1 }), "ResourceInUseException"),
        ("CreateStream", json!({ "StreamName": "bad name", "ShardCount": 1 }), "ValidationException"),
        ("CreateStream", json!({ "StreamName": "z", "ShardCount": 0 }), "ValidationException"),
        ("GetRecords", json!({ "ShardIterator": "garbage" }), "InvalidArgumentException"),
        ("GetRecords", json!({ "ShardIterator": STANDARD.encode("{\"s\":\"s\"}") }), "InvalidArgumentException"),
        (
            "DescribeStream",
            json!({ "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/nope" }),
            "ResourceNotFoundException",
        ),
        ("DescribeStream", json!({}), "InvalidArgumentException"),
        ("ListStreams", json!({ "Limit": 0 }), "ValidationException"),
        ("Frobnicate", json!({}), "UnknownOperationException"),
    ];
    for (op, input, code) in cases {
        let e = err(&k, op, input.clone()).await;
        assert_eq!(e.code(), code, "{op} {}: {e}", input.to_string().chars().take(200).collect::<String>());
    }
    let e = err(&k, "PutRecord", json!({ "StreamName": "nope", "PartitionKey": "p", "Data": "" })).await;
    assert_eq!(e.to_string(), "Stream nope under account 123456789012 not found.");
    let e = err(&k, "PutRecords", json!({ "StreamName": "s", "Records": [{ "PartitionKey": "", "Data": "" }] })).await;
    assert!(e.to_string().contains("at 'records.1.member.partitionKey'"), "{e}");
    // 5 MiB per PutRecords call.
    let big = STANDARD.encode(vec![0u8; 900_000]);
    let recs: Vec<Value> = (0..6).map(|_| json!({ "PartitionKey": "p", "Data": big })).collect();
    let e = err(&k, "PutRecords", json!({ "StreamName": "s", "Records": recs })).await;
    assert_eq!(e.code(), "InvalidArgumentException");
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const OPS: [&str; 18] = [
        "CreateStream",
        "DeleteStream",
        "DescribeStream",
        "DescribeStreamSummary",
        "ListStreams",
        "ListShards",
        "PutRecord",
        "PutRecords",
        "GetShardIterator",
        "GetRecords",
        "SplitShard",
        "MergeShards",
        "UpdateShardCount",
        "IncreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriod",
        "AddTagsToStream",
        "ListTagsForStream",
        "RemoveTagsFromStream",
    ];

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-3i64..300).prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "[a-zA-Z0-9_=+/.:-]{0,12}".prop_map(Value::from),
            Just(json!("s")),
            Just(json!("shardId-000000000000")),
            Just(json!("TRIM_HORIZON")),
            Just(json!("UNIFORM_SCALING")),
            Just(json!("170141183460469231731687303715884105728")),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("StreamName".to_string()),
                        Just("ShardCount".to_string()),
                        Just("PartitionKey".to_string()),
                        Just("Data".to_string()),
                        Just("ExplicitHashKey".to_string()),
                        Just("ShardId".to_string()),
                        Just("ShardIteratorType".to_string()),
                        Just("StartingSequenceNumber".to_string()),
                        Just("Timestamp".to_string()),
                        Just("ShardIterator".to_string()),
                        Just("Limit".to_string()),
                        Just("Records".to_string()),
                        Just("NewStartingHashKey".to_string()),
                        Just("ShardToSplit".to_string()),
                        Just("TargetShardCount".to_string()),
                        Just("Tags".to_string()),
                        Just("NextToken".to_string()),
                        "[A-Za-z]{1,8}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_operation_inputs_never_panic(op in 0..OPS.len(), input in value(), second in value()) {
            futures::executor::block_on(async {
                let (k, _, _) = engine();
                create(&k, "s", 2).await;
                put(&k, "s", "p", "x").await;
                let _ = k.call(OPS[op], input).await;
                let _ = k.call(OPS[(op + 7) % OPS.len()], second).await;
                // The stream still answers whatever happened.
                let _ = k.call("DescribeStream", json!({ "StreamName": "s" })).await;
            });
        }

        #[test]
        fn arbitrary_iterators_keys_and_hash_keys_never_panic(
            iterator in ".{0,600}",
            key in ".{0,300}",
            hash in "[0-9]{0,45}",
            raw in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            futures::executor::block_on(async {
                let (k, _, _) = engine();
                create(&k, "s", 3).await;
                let _ = k.call("GetRecords", json!({ "ShardIterator": iterator })).await;
                let _ = k.call("GetRecords", json!({ "ShardIterator": STANDARD.encode(&raw) })).await;
                let r = k.call("PutRecord", json!({ "StreamName": "s", "PartitionKey": key, "Data": "", "ExplicitHashKey": hash })).await;
                let count = key.chars().count();
                if (1..=256).contains(&count) && crate::hashkey::parse_hash_key(&hash).is_some() {
                    prop_assert!(r.is_ok(), "{r:?}");
                } else {
                    prop_assert!(r.is_err());
                }
                let _ = k.call("GetShardIterator", json!({ "StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": hash })).await;
                let _ = k.call("SplitShard", json!({ "StreamName": "s", "ShardToSplit": "shardId-000000000001", "NewStartingHashKey": hash })).await;
                Ok(())
            })?;
        }
    }
}

/// The lake holds the engine in shared state and awaits its futures from `Send` contexts.
#[test]
fn the_engine_and_its_futures_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let (k, _, _) = engine();
    send_sync(&k);
    send(k.call("ListStreams", json!({})));
    send(k.shard_traffic("s"));
    send(k.read_after("s", &BTreeMap::new(), 1));
    send(k.latest_positions("s"));
}
