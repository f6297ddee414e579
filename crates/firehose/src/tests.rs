//! End-to-end tests of the engine over an in-memory lake.

use std::{
    collections::BTreeMap,
    io::Read,
    sync::{Arc, Mutex},
};

use base64::Engine;
use chrono::Duration;
use object_store::memory::InMemory;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::{state, *};

const BUCKET: &str = "lake-raw";

struct Lake {
    s3: puddle_store::S3,
    catalog: Arc<puddle_catalog::Catalog>,
    fh: Firehose,
}

async fn lake() -> Lake {
    let store: Arc<dyn object_store::ObjectStore> = Arc::new(InMemory::new());
    let s3 = puddle_store::S3::new(store.clone());
    s3.create_bucket(BUCKET).await.unwrap();
    let catalog = Arc::new(puddle_catalog::Catalog::load(store).await.unwrap());
    let fh = Firehose::new(s3.clone(), catalog.clone());
    Lake { s3, catalog, fh }
}

fn b64(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn dest(extra: Value) -> Value {
    let mut d =
        json!({ "RoleARN": "arn:aws:iam::123456789012:role/fh", "BucketARN": format!("arn:aws:s3:::{BUCKET}") });
    if let (Some(d), Some(e)) = (d.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    d
}

async fn create(fh: &Firehose, name: &str, destination: Value) -> Result<Value> {
    fh.call(
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": destination }),
    )
    .await
}

async fn put(fh: &Firehose, name: &str, records: &[&[u8]]) -> Result<Value> {
    let recs: Vec<Value> = records.iter().map(|r| json!({ "Data": b64(r) })).collect();
    fh.call("PutRecordBatch", json!({ "DeliveryStreamName": name, "Records": recs })).await
}

async fn keys(s3: &puddle_store::S3, prefix: &str) -> Vec<String> {
    s3.list_objects(BUCKET, prefix, None).await.unwrap().objects.into_iter().map(|o| o.key).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn buffers_by_time_then_delivers_with_default_name() {
    let l = lake().await;
    let out = create(&l.fh, "sales", dest(json!({ "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 60 } })))
        .await
        .unwrap();
    assert_eq!(out["DeliveryStreamARN"], "arn:aws:firehose:us-east-1:123456789012:deliverystream/sales");
    let before = l.s3.clock().now();
    let r = put(&l.fh, "sales", &[b"{\"a\":1}", b"{\"a\":2}"]).await.unwrap();
    assert_eq!(r["FailedPutCount"], 0);
    assert_eq!(r["RequestResponses"].as_array().unwrap().len(), 2);
    assert!(l.fh.deliver_due().await.unwrap().is_empty(), "not due yet");
    let gauges = l.fh.buffers("sales").await.unwrap();
    assert_eq!((gauges.len(), gauges[0].records, gauges[0].bytes), (1, 2, 14));
    let due = l.fh.next_due().await.unwrap().unwrap();
    assert!(due >= before + Duration::seconds(60) && due <= l.s3.clock().now() + Duration::seconds(60));
    l.s3.clock().advance(Duration::seconds(61));
    let delivered = l.fh.deliver_due().await.unwrap();
    assert_eq!(delivered.len(), 1);
    let key = &delivered[0].key;
    let t = before.format("%Y/%m/%d/%H/").to_string();
    assert!(key.starts_with(&t), "{key}");
    let name = key.rsplit('/').next().unwrap();
    assert!(name.starts_with(&format!("sales-1-{}", before.format("%Y-%m-%d-%H-"))), "{name}");
    assert_eq!(name.len(), "sales-1-2026-01-01-00-00-00-".len() + 36);
    let body = l.s3.get_object(BUCKET, key).await.unwrap();
    assert_eq!(&body[..], b"{\"a\":1}{\"a\":2}", "concatenated with no delimiter");
    assert!(l.fh.buffers("sales").await.unwrap().is_empty());
    assert_eq!(l.fh.next_due().await.unwrap(), None);
    assert!(l.fh.deliver_due().await.unwrap().is_empty(), "delivered once");
    let events = l.s3.bus().recent();
    assert!(events.iter().any(|e| e.key == *key && e.event_name.starts_with("ObjectCreated")), "S3 event raised");
}

#[tokio::test(flavor = "current_thread")]
async fn a_claimed_buffer_is_left_to_its_claimant_until_the_claim_lapses() {
    let l = lake().await;
    create(&l.fh, "c", dest(json!({ "BufferingHints": { "IntervalInSeconds": 60 } }))).await.unwrap();
    put(&l.fh, "c", &[b"one"]).await.unwrap();
    l.s3.clock().advance(Duration::seconds(61));
    // Another tab claimed the delivery (and has not finished it).
    let path = state::buffer_path("c");
    let (mut buffers, version) =
        state::read::<state::BufferState>(l.s3.store().as_ref(), &path).await.unwrap().unwrap();
    let p = buffers.partitions.get_mut("").unwrap();
    p.claim =
        Some(state::Claim { token: "other-tab".into(), until: l.s3.clock().now() + Duration::seconds(300), count: 1 });
    assert!(state::write(l.s3.store().as_ref(), &path, &buffers, Some(version)).await.unwrap());
    assert!(l.fh.deliver_due().await.unwrap().is_empty(), "not delivered twice");
    put(&l.fh, "c", &[b"two"]).await.unwrap();
    assert!(l.fh.deliver_due().await.unwrap().is_empty());
    // The other tab died: once its claim lapses, this engine delivers.
    l.s3.clock().advance(Duration::seconds(301));
    let d = l.fh.deliver_due().await.unwrap();
    assert_eq!((d.len(), d[0].records), (1, 2));
    assert_eq!(&l.s3.get_object(BUCKET, &d[0].key).await.unwrap()[..], b"onetwo");
    assert!(l.fh.buffers("c").await.unwrap().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn after_a_day_of_failures_records_go_to_the_error_output() {
    let l = lake().await;
    l.s3.create_bucket("other-bucket").await.unwrap();
    let d = json!({ "BucketARN": "arn:aws:s3:::missing-bucket", "BufferingHints": { "IntervalInSeconds": 60 } });
    create(&l.fh, "f", d).await.unwrap();
    put(&l.fh, "f", &[b"lost?"]).await.unwrap();
    l.s3.clock().advance(Duration::seconds(61));
    assert!(l.fh.deliver_due().await.unwrap().is_empty());
    l.s3.clock().advance(Duration::hours(25));
    // The error output is in the same (missing) bucket: the records are given up.
    assert!(l.fh.deliver_due().await.unwrap().is_empty());
    assert!(l.fh.buffers("f").await.unwrap().is_empty(), "dropped after 24 h of failures");
}

#[tokio::test(flavor = "current_thread")]
async fn buffers_by_size_inside_the_put() {
    let l = lake().await;
    create(&l.fh, "big", dest(json!({ "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 900 } })))
        .await
        .unwrap();
    let rec = vec![b'x'; 600 * 1024];
    put(&l.fh, "big", &[&rec]).await.unwrap();
    assert!(keys(&l.s3, "").await.is_empty());
    put(&l.fh, "big", &[&rec]).await.unwrap();
    let k = keys(&l.s3, "").await;
    assert_eq!(k.len(), 1, "delivered as the buffer reached 1 MiB");
    assert_eq!(l.s3.get_object(BUCKET, &k[0]).await.unwrap().len(), 1200 * 1024);
}

#[tokio::test(flavor = "current_thread")]
async fn custom_prefix_delimiter_and_version_bump() {
    let l = lake().await;
    let processing = json!({ "Enabled": true, "Processors": [{ "Type": "AppendDelimiterToRecord" }] });
    create(
        &l.fh,
        "s",
        dest(json!({
            "Prefix": "raw/year=!{timestamp:yyyy}/month=!{timestamp:MM}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": { "IntervalInSeconds": 0 },
            "ProcessingConfiguration": processing,
        })),
    )
    .await
    .unwrap();
    let now = l.s3.clock().now();
    put(&l.fh, "s", &[b"a", b"b"]).await.unwrap();
    let k = keys(&l.s3, "raw/").await;
    assert_eq!(k.len(), 1, "interval 0 delivers at once");
    assert!(k[0].starts_with(&format!("raw/year={}/month={}/s-1-", now.format("%Y"), now.format("%m"))), "{}", k[0]);
    assert_eq!(&l.s3.get_object(BUCKET, &k[0]).await.unwrap()[..], b"a\nb\n");
    // UpdateDestination: version check, then the version in object names.
    let stale =
        l.fh.call(
            "UpdateDestination",
            json!({ "DeliveryStreamName": "s", "CurrentDeliveryStreamVersionId": "7",
        "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "Prefix": "v2/" } }),
        )
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "ConcurrentModificationException");
    l.fh.call(
        "UpdateDestination",
        json!({ "DeliveryStreamName": "s", "CurrentDeliveryStreamVersionId": "1",
        "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "Prefix": "v2/" } }),
    )
    .await
    .unwrap();
    let d = l.fh.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "s" })).await.unwrap();
    let desc = &d["DeliveryStreamDescription"];
    assert_eq!(desc["VersionId"], "2");
    assert_eq!(desc["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(desc["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"], "v2/");
    assert_eq!(desc["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"]["SizeInMBs"], 5);
    put(&l.fh, "s", &[b"c"]).await.unwrap();
    let k = keys(&l.s3, "v2/").await;
    assert!(k[0].starts_with(&format!("v2/{}s-2-", now.format("%Y/%m/%d/%H/"))), "{}", k[0]);
}

async fn delivered_body(l: &Lake, name: &str, compression: &str) -> (String, Vec<u8>) {
    create(
        &l.fh,
        name,
        dest(json!({ "CompressionFormat": compression, "BufferingHints": { "IntervalInSeconds": 0 } })),
    )
    .await
    .unwrap();
    put(&l.fh, name, &[b"{\"id\":1}", b"{\"id\":2}"]).await.unwrap();
    let k = keys(&l.s3, "").await.into_iter().find(|k| k.contains(&format!("/{name}-1-"))).unwrap();
    let body = l.s3.get_object(BUCKET, &k).await.unwrap().to_vec();
    (k, body)
}

#[tokio::test(flavor = "current_thread")]
async fn gzip_snappy_zip_objects_round_trip() {
    let l = lake().await;
    let (k, body) = delivered_body(&l, "g", "GZIP").await;
    assert!(k.ends_with(".gz"));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out, b"{\"id\":1}{\"id\":2}");
    let (k, body) = delivered_body(&l, "sn", "Snappy").await;
    assert!(k.ends_with(".snappy"));
    let mut out = Vec::new();
    snap::read::FrameDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out, b"{\"id\":1}{\"id\":2}");
    let (k, body) = delivered_body(&l, "z", "ZIP").await;
    assert!(k.ends_with(".zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut out = Vec::new();
    archive.by_index(0).unwrap().read_to_end(&mut out).unwrap();
    assert_eq!(out, b"{\"id\":1}{\"id\":2}");
}

async fn sales_table(l: &Lake) {
    l.catalog.create_database("sales", true).await.unwrap();
    let table = puddle_catalog::Table::new(
        "sales",
        "events",
        format!("s3://{BUCKET}/parquet/"),
        "parquet",
        vec![
            puddle_catalog::Column::new("id", "bigint"),
            puddle_catalog::Column::new("region", "string"),
            puddle_catalog::Column::new("amount", "double"),
        ],
    );
    l.catalog.put_table(table).await.unwrap();
}

fn conversion() -> Value {
    json!({
        "Enabled": true,
        "SchemaConfiguration": { "DatabaseName": "sales", "TableName": "events", "RoleARN": "arn:aws:iam::123456789012:role/fh" },
        "InputFormatConfiguration": { "Deserializer": { "OpenXJsonSerDe": {} } },
        "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": {} } },
    })
}

#[tokio::test(flavor = "current_thread")]
async fn json_to_parquet_typed_by_the_catalog_with_bad_records_to_the_error_prefix() {
    use arrow::array::{Float64Array, Int64Array, StringArray};
    let l = lake().await;
    sales_table(&l).await;
    let gz = create(
        &l.fh,
        "bad",
        dest(json!({ "CompressionFormat": "GZIP", "DataFormatConversionConfiguration": conversion() })),
    )
    .await;
    assert_eq!(gz.unwrap_err().code(), "InvalidArgumentException");
    let mut orc = conversion();
    orc["OutputFormatConfiguration"]["Serializer"] = json!({ "OrcSerDe": {} });
    assert!(create(&l.fh, "orc", dest(json!({ "DataFormatConversionConfiguration": orc })))
        .await
        .unwrap_err()
        .to_string()
        .contains("OrcSerDe"));
    create(
        &l.fh,
        "pq",
        dest(json!({
            "Prefix": "parquet/",
            "BufferingHints": { "IntervalInSeconds": 60 },
            "DataFormatConversionConfiguration": conversion(),
        })),
    )
    .await
    .unwrap();
    put(
        &l.fh,
        "pq",
        &[
            br#"{"ID":1,"Region":"NSW","amount":200}"#,
            b"oops",
            br#"[1]"#,
            br#"{"id":2,"region":"VIC","amount":12.5}"#,
            br#"{"id":"x"}"#,
        ],
    )
    .await
    .unwrap();
    l.s3.clock().advance(Duration::seconds(60));
    let delivered = l.fh.deliver_due().await.unwrap();
    assert_eq!(delivered.len(), 2);
    let pq = delivered.iter().find(|d| d.error_output_type.is_none()).unwrap();
    assert!(pq.key.starts_with("parquet/") && pq.key.ends_with(".parquet"), "{}", pq.key);
    assert_eq!(pq.records, 2);
    let body = l.s3.get_object(BUCKET, &pq.key).await.unwrap();
    let batch = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(body)
        .unwrap()
        .build()
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values(), &[1, 2]);
    let regions = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!((regions.value(0), regions.value(1)), ("NSW", "VIC"));
    assert_eq!(batch.column(2).as_any().downcast_ref::<Float64Array>().unwrap().values(), &[200.0, 12.5]);
    let err = delivered.iter().find(|d| d.error_output_type.is_some()).unwrap();
    assert!(err.key.starts_with("format-conversion-failed/"), "default error prefix: {}", err.key);
    let text = String::from_utf8(l.s3.get_object(BUCKET, &err.key).await.unwrap().to_vec()).unwrap();
    let docs: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["rawData"], b64(b"oops"));
    assert_eq!(docs[0]["dataCatalogTable"]["tableName"], "events");
    assert_eq!(docs[0]["dataCatalogTable"]["catalogArn"], "arn:aws:glue:us-east-1:123456789012:catalog");
    for k in ["attemptsMade", "arrivalTimestamp", "lastErrorCode", "lastErrorMessage", "attemptEndingTimestamp"] {
        assert!(docs[2].get(k).is_some(), "{k}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn missing_table_sends_records_to_the_error_output() {
    let l = lake().await;
    create(
        &l.fh,
        "pq",
        dest(json!({
            "ErrorOutputPrefix": "err/!{firehose:error-output-type}/!{timestamp:yyyy}/",
            "BufferingHints": { "IntervalInSeconds": 0 },
            "DataFormatConversionConfiguration": conversion(),
        })),
    )
    .await
    .unwrap();
    put(&l.fh, "pq", &[br#"{"id":1}"#]).await.unwrap();
    let k = keys(&l.s3, "").await;
    assert_eq!(k.len(), 1);
    assert!(k[0].starts_with("err/format-conversion-failed/"), "{}", k[0]);
}

fn dp_dest(query: &str) -> Value {
    dest(json!({
        "Prefix": "sales/region=!{partitionKeyFromQuery:region}/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
        "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 },
        "DynamicPartitioningConfiguration": { "Enabled": true },
        "ProcessingConfiguration": { "Enabled": true, "Processors": [{ "Type": "MetadataExtraction", "Parameters": [
            { "ParameterName": "MetadataExtractionQuery", "ParameterValue": query },
            { "ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6" },
        ]}]},
    }))
}

#[tokio::test(flavor = "current_thread")]
async fn dynamic_partitioning_by_jq() {
    let l = lake().await;
    let bad = create(&l.fh, "dp", dp_dest("{region:.region")).await.unwrap_err();
    assert_eq!(bad.code(), "InvalidArgumentException");
    assert!(bad.to_string().contains("MetadataExtractionQuery"), "{bad}");
    let mut small = dp_dest("{region:.region}");
    small["BufferingHints"]["SizeInMBs"] = json!(5);
    assert_eq!(create(&l.fh, "dp", small).await.unwrap_err().code(), "InvalidArgumentException");
    create(&l.fh, "dp", dp_dest("{region:.region}")).await.unwrap();
    put(
        &l.fh,
        "dp",
        &[
            br#"{"region":"NSW","amount":1}"#,
            br#"{"region":"VIC","amount":2}"#,
            br#"{"region":"NSW","amount":3}"#,
            b"not json",
            br#"{"amount":4}"#,
            br#"{"region":".."}"#,
        ],
    )
    .await
    .unwrap();
    let gauges = l.fh.buffers("dp").await.unwrap();
    let parts: Vec<_> = gauges.iter().map(|g| (g.partition.clone().unwrap(), g.records)).collect();
    assert_eq!(parts, vec![("error:processing-failed".into(), 3), ("region=NSW".into(), 2), ("region=VIC".into(), 1)]);
    l.s3.clock().advance(Duration::seconds(61));
    l.fh.deliver_due().await.unwrap();
    let nsw = keys(&l.s3, "sales/region=NSW/").await;
    assert_eq!(nsw.len(), 1);
    let t = l.s3.clock().now() - Duration::seconds(61);
    assert!(nsw[0].starts_with(&format!("sales/region=NSW/{}dp-1-", t.format("%Y/%m/%d/%H/"))), "{}", nsw[0]);
    assert_eq!(
        &l.s3.get_object(BUCKET, &nsw[0]).await.unwrap()[..],
        br#"{"region":"NSW","amount":1}{"region":"NSW","amount":3}"#
    );
    assert_eq!(keys(&l.s3, "sales/region=VIC/").await.len(), 1);
    assert_eq!(keys(&l.s3, "errors/processing-failed/").await.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn five_hundred_active_partitions_at_most() {
    let l = lake().await;
    create(&l.fh, "dp", dp_dest("{region:.id|tostring}")).await.unwrap();
    let recs: Vec<Vec<u8>> = (0..505).map(|i| format!("{{\"id\":{i}}}").into_bytes()).collect();
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    put(&l.fh, "dp", &refs[..500]).await.unwrap();
    put(&l.fh, "dp", &refs[500..]).await.unwrap();
    put(&l.fh, "dp", &[b"{\"id\":7}"]).await.unwrap();
    let gauges = l.fh.buffers("dp").await.unwrap();
    assert_eq!(gauges.iter().filter(|g| !g.partition.as_deref().unwrap().starts_with("error:")).count(), 500);
    let over = gauges.iter().find(|g| g.partition.as_deref() == Some("error:activePartitionExceeded")).unwrap();
    assert_eq!(over.records, 5);
    l.s3.clock().advance(Duration::seconds(61));
    l.fh.deliver_due().await.unwrap();
    let err = keys(&l.s3, "errors/activePartitionExceeded/").await;
    assert_eq!(err.len(), 1);
    assert_eq!(keys(&l.s3, "sales/region=7/").await.len(), 1);
}

#[derive(Default)]
struct FakeKinesis {
    shards: Mutex<BTreeMap<String, Vec<SourceRecord>>>,
    reads: Mutex<usize>,
}

impl FakeKinesis {
    fn push(&self, shard: &str, data: &str, at: chrono::DateTime<chrono::Utc>) {
        let mut shards = self.shards.lock().unwrap();
        let list = shards.entry(shard.into()).or_default();
        let seq = format!("{:056}", list.len() + 1);
        list.push(SourceRecord {
            shard_id: shard.into(),
            sequence_number: seq,
            data: bytes::Bytes::from(data.to_string()),
            arrival: at,
        });
    }
}

#[async_trait::async_trait]
impl StreamSource for FakeKinesis {
    async fn read_after(
        &self,
        stream: &str,
        after: &BTreeMap<String, String>,
        limit: usize,
    ) -> Result<Vec<SourceRecord>, SourceError> {
        if stream != "realTimeSales" {
            return Err(SourceError { code: "ResourceNotFoundException".into(), message: stream.into() });
        }
        *self.reads.lock().unwrap() += 1;
        let shards = self.shards.lock().unwrap();
        let mut out = Vec::new();
        for (id, records) in shards.iter() {
            out.extend(records.iter().filter(|r| after.get(id).is_none_or(|s| r.sequence_number > *s)).cloned());
        }
        out.truncate(limit);
        Ok(out)
    }
    async fn latest_positions(&self, _: &str) -> Result<BTreeMap<String, String>, SourceError> {
        let shards = self.shards.lock().unwrap();
        Ok(shards.iter().filter_map(|(k, v)| v.last().map(|r| (k.clone(), r.sequence_number.clone()))).collect())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn kinesis_source_from_latest_with_checkpoints() {
    let l = lake().await;
    let src = FakeKinesis::default();
    src.push("shardId-000000000000", "old", l.s3.clock().now() - Duration::seconds(5));
    l.fh.call("CreateDeliveryStream", json!({
        "DeliveryStreamName": "fromk", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales", "RoleARN": "r" },
        "ExtendedS3DestinationConfiguration": dest(json!({ "BufferingHints": { "IntervalInSeconds": 60 }, "Prefix": "k/" })),
    })).await.unwrap();
    let refused = put(&l.fh, "fromk", &[b"x"]).await.unwrap_err();
    assert_eq!(refused.code(), "InvalidArgumentException");
    assert!(refused.to_string().contains("KinesisStreamAsSource"));
    let now = l.s3.clock().now();
    src.push("shardId-000000000000", "a", now);
    src.push("shardId-000000000001", "b", now);
    l.fh.pull_sources(&src).await.unwrap();
    l.fh.pull_sources(&src).await.unwrap();
    src.push("shardId-000000000000", "c", now);
    // Another engine over the same store continues from the persisted checkpoints.
    let other = Firehose::new(l.s3.clone(), l.catalog.clone());
    other.pull_sources(&src).await.unwrap();
    assert_eq!(l.fh.buffers("fromk").await.unwrap()[0].records, 3);
    l.s3.clock().advance(Duration::seconds(61));
    let d = l.fh.deliver_due().await.unwrap();
    assert_eq!(d.len(), 1);
    let body = l.s3.get_object(BUCKET, &d[0].key).await.unwrap();
    let mut got: Vec<u8> = body.to_vec();
    got.sort();
    assert_eq!(got, b"abc", "old record skipped (LATEST), nothing twice");
    let desc = l.fh.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "fromk" })).await.unwrap();
    assert_eq!(
        desc["DeliveryStreamDescription"]["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn buffers_survive_a_new_engine_and_failures_are_retried() {
    let l = lake().await;
    create(&l.fh, "p", dest(json!({ "BufferingHints": { "IntervalInSeconds": 60 } }))).await.unwrap();
    put(&l.fh, "p", &[b"kept"]).await.unwrap();
    let reopened = Firehose::new(l.s3.clone(), l.catalog.clone());
    assert_eq!(reopened.buffers("p").await.unwrap()[0].records, 1);
    // The bucket disappears: delivery fails, the records stay, the error shows.
    l.s3.delete_bucket(BUCKET).await.unwrap();
    l.s3.clock().advance(Duration::seconds(61));
    assert!(reopened.deliver_due().await.unwrap().is_empty());
    assert_eq!(reopened.buffers("p").await.unwrap()[0].records, 1);
    let desc = reopened.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "p" })).await.unwrap();
    assert!(
        desc["DeliveryStreamDescription"]["FailureDescription"]["Details"].as_str().unwrap().contains("NoSuchBucket"),
        "{desc}"
    );
    l.s3.create_bucket(BUCKET).await.unwrap();
    l.s3.clock().advance(Duration::seconds(31));
    let d = reopened.deliver_due().await.unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(&l.s3.get_object(BUCKET, &d[0].key).await.unwrap()[..], b"kept");
    let desc = reopened.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "p" })).await.unwrap();
    assert!(desc["DeliveryStreamDescription"].get("FailureDescription").is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn list_tags_delete_and_bad_input() {
    let l = lake().await;
    for n in ["c", "a", "b"] {
        create(&l.fh, n, dest(json!({}))).await.unwrap();
    }
    assert_eq!(create(&l.fh, "a", dest(json!({}))).await.unwrap_err().code(), "ResourceInUseException");
    let page = l.fh.call("ListDeliveryStreams", json!({ "Limit": 2 })).await.unwrap();
    assert_eq!(page, json!({ "DeliveryStreamNames": ["a", "b"], "HasMoreDeliveryStreams": true }));
    let page =
        l.fh.call(
            "ListDeliveryStreams",
            json!({ "ExclusiveStartDeliveryStreamName": "b", "DeliveryStreamType": "DirectPut" }),
        )
        .await
        .unwrap();
    assert_eq!(page, json!({ "DeliveryStreamNames": ["c"], "HasMoreDeliveryStreams": false }));
    l.fh.call("TagDeliveryStream", json!({ "DeliveryStreamName": "a", "Tags": [{ "Key": "team", "Value": "data" }] }))
        .await
        .unwrap();
    let tags = l.fh.call("ListTagsForDeliveryStream", json!({ "DeliveryStreamName": "a" })).await.unwrap();
    assert_eq!(tags, json!({ "Tags": [{ "Key": "team", "Value": "data" }], "HasMoreTags": false }));
    let single =
        l.fh.call("PutRecord", json!({ "DeliveryStreamName": "a", "Record": { "Data": b64(b"x") } })).await.unwrap();
    assert_eq!(single["Encrypted"], false);
    assert!(single["RecordId"].as_str().unwrap().len() >= 56);
    l.fh.call("DeleteDeliveryStream", json!({ "DeliveryStreamName": "a" })).await.unwrap();
    let gone = l.fh.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "a" })).await.unwrap_err();
    assert_eq!(gone.code(), "ResourceNotFoundException");
    assert_eq!(gone.to_string(), "Firehose a under account 123456789012 not found.");
    let err = |r: Result<Value>| r.unwrap_err().code();
    assert_eq!(err(put(&l.fh, "nope", &[b"x"]).await), "ResourceNotFoundException");
    assert_eq!(
        err(l.fh.call("PutRecord", json!({ "DeliveryStreamName": "b", "Record": { "Data": "!!notbase64" } })).await),
        "InvalidArgumentException"
    );
    assert_eq!(err(put(&l.fh, "b", &[&vec![0u8; 1000 * 1024 + 1]]).await), "InvalidArgumentException");
    let many: Vec<&[u8]> = vec![b"x"; 501];
    assert_eq!(err(put(&l.fh, "b", &many).await), "InvalidArgumentException");
    assert_eq!(
        err(create(&l.fh, "h", dest(json!({ "BufferingHints": { "SizeInMBs": 129 } }))).await),
        "InvalidArgumentException"
    );
    assert_eq!(
        err(create(&l.fh, "h", dest(json!({ "BufferingHints": { "IntervalInSeconds": 901 } }))).await),
        "InvalidArgumentException"
    );
    assert_eq!(
        err(create(&l.fh, "h", dest(json!({ "Prefix": "x/!{timestamp:yyyy}/" }))).await),
        "InvalidArgumentException"
    );
    let lambda = json!({ "Enabled": true, "Processors": [{ "Type": "Lambda", "Parameters": [] }] });
    let e = create(&l.fh, "h", dest(json!({ "ProcessingConfiguration": lambda }))).await.unwrap_err();
    assert!(e.to_string().contains("Puddle does not run Lambda functions"));
    assert_eq!(err(create(&l.fh, "bad name!", dest(json!({}))).await), "InvalidArgumentException");
    assert_eq!(err(l.fh.call("Frobnicate", json!({})).await), "UnknownOperationException");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn arbitrary_input_never_panics(op in prop::sample::select(vec![
        "CreateDeliveryStream", "DescribeDeliveryStream", "ListDeliveryStreams", "UpdateDestination",
        "PutRecord", "PutRecordBatch", "DeleteDeliveryStream", "TagDeliveryStream", "ListTagsForDeliveryStream",
    ]), name in "[a-z!]{0,6}", field in "\\PC{0,40}", num in any::<i64>(), data in "[A-Za-z0-9+/=!]{0,16}") {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let l = lake().await;
            create(&l.fh, "s", dest(json!({ "BufferingHints": { "IntervalInSeconds": 0 } }))).await.unwrap();
            let input = json!({
                "DeliveryStreamName": if name.is_empty() { "s".to_string() } else { name.clone() },
                "Limit": num, "CurrentDeliveryStreamVersionId": field, "DestinationId": "destinationId-000000000001",
                "Record": { "Data": data }, "Records": [{ "Data": data }, { "Data": field }],
                "ExtendedS3DestinationConfiguration": dest(json!({ "Prefix": field, "ErrorOutputPrefix": field,
                    "BufferingHints": { "SizeInMBs": num } })),
                "ExtendedS3DestinationUpdate": { "Prefix": field, "CompressionFormat": field },
                "Tags": [{ "Key": field, "Value": data }],
            });
            let _ = l.fh.call(op, input).await;
            let _ = l.fh.deliver_due().await;
        });
    }
}

#[test]
fn futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let l = rt.block_on(lake());
    let src = FakeKinesis::default();
    send(&l.fh.call("ListDeliveryStreams", json!({})));
    send(&l.fh.deliver_due());
    send(&l.fh.next_due());
    send(&l.fh.buffers("x"));
    send(&l.fh.pull_sources(&src));
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_source_stream_shows_in_describe() {
    let l = lake().await;
    l.fh.call("CreateDeliveryStream", json!({
        "DeliveryStreamName": "k", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/nope" },
        "ExtendedS3DestinationConfiguration": dest(json!({})),
    })).await.unwrap();
    l.fh.pull_sources(&FakeKinesis::default()).await.unwrap();
    let d = l.fh.call("DescribeDeliveryStream", json!({ "DeliveryStreamName": "k" })).await.unwrap();
    let details = d["DeliveryStreamDescription"]["FailureDescription"]["Details"].as_str().unwrap();
    assert!(details.contains("ResourceNotFoundException"), "{details}");
    let bad =
        l.fh.call(
            "CreateDeliveryStream",
            json!({
                "DeliveryStreamName": "k2", "DeliveryStreamType": "KinesisStreamAsSource",
                "ExtendedS3DestinationConfiguration": dest(json!({})),
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "InvalidArgumentException");
}

#[tokio::test(flavor = "current_thread")]
async fn a_kinesis_backlog_is_read_in_batches() {
    let l = lake().await;
    l.fh.call(
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "k", "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/realTimeSales" },
            "ExtendedS3DestinationConfiguration": dest(json!({ "BufferingHints": { "IntervalInSeconds": 900, "SizeInMBs": 128 } })),
        }),
    )
    .await
    .unwrap();
    let src = FakeKinesis::default();
    let now = l.s3.clock().now();
    for i in 0..2500 {
        src.push("shardId-000000000000", &format!("{i},"), now);
    }
    l.fh.pull_sources(&src).await.unwrap();
    assert_eq!(l.fh.buffers("k").await.unwrap()[0].records, 2500);
    assert_eq!(*src.reads.lock().unwrap(), 3);
    l.fh.pull_sources(&src).await.unwrap();
    assert_eq!(l.fh.buffers("k").await.unwrap()[0].records, 2500, "nothing read twice");
}

#[tokio::test(flavor = "current_thread")]
async fn aggregated_records_are_split_before_partitioning() {
    let l = lake().await;
    let mut d = dp_dest("{region:.region}");
    d["ProcessingConfiguration"]["Processors"].as_array_mut().unwrap().insert(
        0,
        json!({ "Type": "RecordDeAggregation", "Parameters": [{ "ParameterName": "SubRecordType", "ParameterValue": "JSON" }] }),
    );
    create(&l.fh, "agg", d).await.unwrap();
    put(&l.fh, "agg", &[b"{\"region\":\"NSW\"}{\"region\":\"VIC\"}\n{\"region\":\"NSW\"}", b"{\"region\":\"SA\"} [1]"])
        .await
        .unwrap();
    let gauges = l.fh.buffers("agg").await.unwrap();
    let parts: Vec<_> = gauges.iter().map(|g| (g.partition.clone().unwrap(), g.records)).collect();
    assert_eq!(parts, vec![("error:processing-failed".into(), 1), ("region=NSW".into(), 2), ("region=VIC".into(), 1)]);
    let mut delimited = dp_dest("{region:.region}");
    delimited["ProcessingConfiguration"]["Processors"].as_array_mut().unwrap().push(json!({ "Type": "RecordDeAggregation",
        "Parameters": [{ "ParameterName": "SubRecordType", "ParameterValue": "DELIMITED" }, { "ParameterName": "Delimiter", "ParameterValue": b64(b"##") }] }));
    create(&l.fh, "del", delimited).await.unwrap();
    put(&l.fh, "del", &[b"{\"region\":\"WA\"}##{\"region\":\"WA\"}##"]).await.unwrap();
    assert_eq!(l.fh.buffers("del").await.unwrap()[0].records, 2);
    let no_dp = dest(
        json!({ "ProcessingConfiguration": { "Enabled": true, "Processors": [{ "Type": "RecordDeAggregation" }] } }),
    );
    assert_eq!(create(&l.fh, "x", no_dp).await.unwrap_err().code(), "InvalidArgumentException");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn deaggregation_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200), delim in proptest::collection::vec(any::<u8>(), 1..3)) {
        let _ = crate::config::Deaggregation::Json.split(&data);
        if let Ok(parts) = crate::config::Deaggregation::Delimited(delim).split(&data) {
            prop_assert!(parts.len() <= crate::config::MAX_SUB_RECORDS);
        }
    }
}
