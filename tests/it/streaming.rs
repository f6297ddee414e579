//! Kinesis Data Streams and Firehose through the whole lake (#13): the course's CLI lines,
//! a stream feeding a delivery stream that converts to Parquet and partitions by region, the
//! crawler and Athena over what it delivered, and a reload in the middle.

use std::sync::Arc;

use base64::{engine::general_purpose::STANDARD, Engine};
use object_store::{memory::InMemory, ObjectStore};
use puddle_lake::Lake;
use serde_json::{json, Value};

async fn exec(lake: &Lake, line: &str) -> Value {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    // JSON for the API commands; `aws s3 mb` and `puddle clock` print text.
    serde_json::from_str(&out.stdout).unwrap_or(Value::String(out.stdout))
}

#[tokio::test]
async fn the_course_lines_run_verbatim() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    exec(&lake, "aws kinesis create-stream --stream-name realTimeSales --shard-count 1").await;
    let out = exec(
        &lake,
        r#"aws kinesis put-record --stream-name realTimeSales --partition-key "sales" --data "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ==""#,
    )
    .await;
    assert_eq!(out["ShardId"], "shardId-000000000000");
    assert_eq!(out["SequenceNumber"].as_str().unwrap().len(), 56);
    // The record reads back, decoded from base64 as AWS CLI v2 prints it (base64).
    let it = exec(
        &lake,
        "aws kinesis get-shard-iterator --stream-name realTimeSales --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON",
    )
    .await;
    let line = format!("aws kinesis get-records --shard-iterator {}", it["ShardIterator"].as_str().unwrap());
    let records = exec(&lake, &line).await;
    let data = records["Records"][0]["Data"].as_str().unwrap();
    assert_eq!(STANDARD.decode(data).unwrap(), br#"{"id":"123", "region":"NSW", "amount": 200}"#);
    // Errors are AWS's, with the CLI's exit code.
    let out = lake.exec("aws kinesis put-record --stream-name nope --partition-key k --data eA==").await;
    assert_eq!(out.exit_code, 254);
    assert!(out.stderr.contains("(ResourceNotFoundException) when calling the PutRecord operation"), "{}", out.stderr);
    let out =
        lake.exec("aws kinesis put-record --stream-name realTimeSales --partition-key k --data 'not base64!'").await;
    assert_eq!(out.exit_code, 252, "{}", out.stderr);
    let out = lake
        .exec("aws kinesis put-record --stream-name realTimeSales --partition-key k --data '{\"a\":1}' --cli-binary-format raw-in-base64-out")
        .await;
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
}

const REGIONS: [&str; 4] = ["NSW", "VIC", "QLD", "WA"];

fn sales_records(from: usize, n: usize) -> Value {
    json!((from..from + n)
        .map(|i| {
            let rec = json!({ "id": i, "region": REGIONS[i % 4], "product": format!("p{}", i % 7), "amount": (i % 500) as f64 + 0.5 });
            json!({ "PartitionKey": format!("k{i}"), "Data": STANDARD.encode(rec.to_string()) })
        })
        .collect::<Vec<_>>())
}

async fn put_sales(lake: &Lake, from: usize, n: usize) {
    let out = lake
        .call("kinesis", "PutRecords", json!({ "StreamName": "sales-stream", "Records": sales_records(from, n) }))
        .await
        .unwrap();
    assert_eq!(out["FailedRecordCount"], 0, "{out}");
}

async fn count_rows(lake: &Lake, table: &str) -> i64 {
    let result = lake.sql(&format!("SELECT COUNT(*) AS n FROM {table}"), Some("streaming")).await.unwrap();
    result.rows[0][0].as_i64().unwrap_or_else(|| panic!("count: {:?}", result.rows))
}

#[tokio::test]
async fn kinesis_to_firehose_to_parquet_partitioned_by_region_then_crawled_and_counted() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    exec(&lake, "aws s3 mb s3://stream-lake").await;
    // The schema Firehose converts with: a Glue table, as in the course.
    lake.sql(
        "CREATE EXTERNAL TABLE sales_schema (id bigint, region string, product string, amount double) \
         STORED AS PARQUET LOCATION 's3://stream-lake/schema/'",
        None,
    )
    .await
    .unwrap();
    lake.sql("CREATE DATABASE streaming", None).await.unwrap();
    exec(&lake, "aws kinesis create-stream --stream-name sales-stream --shard-count 2").await;
    let config = json!({
        "DeliveryStreamName": "sales-to-s3",
        "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {
            "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/sales-stream",
            "RoleARN": "arn:aws:iam::123456789012:role/FirehoseRole"
        },
        "ExtendedS3DestinationConfiguration": {
            "BucketARN": "arn:aws:s3:::stream-lake",
            "RoleARN": "arn:aws:iam::123456789012:role/FirehoseRole",
            "Prefix": "sales/region=!{partitionKeyFromQuery:region}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 },
            "CompressionFormat": "UNCOMPRESSED",
            "DynamicPartitioningConfiguration": { "Enabled": true },
            "ProcessingConfiguration": { "Enabled": true, "Processors": [{
                "Type": "MetadataExtraction",
                "Parameters": [
                    { "ParameterName": "MetadataExtractionQuery", "ParameterValue": "{region:.region}" },
                    { "ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6" }
                ]
            }]},
            "DataFormatConversionConfiguration": {
                "Enabled": true,
                "SchemaConfiguration": { "DatabaseName": "default", "TableName": "sales_schema", "RoleARN": "arn:aws:iam::123456789012:role/FirehoseRole" },
                "InputFormatConfiguration": { "Deserializer": { "OpenXJsonSerDe": {} } },
                "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": {} } }
            }
        }
    });
    lake.call("firehose", "CreateDeliveryStream", config).await.unwrap();

    put_sales(&lake, 0, 300).await;
    lake.tick().await; // the worker's timer: the records move into Firehose's buffers
    let buffers = lake.delivery_buffers("sales-to-s3").await.unwrap();
    assert_eq!(buffers.len(), 4, "one buffer per region: {buffers:?}");
    assert_eq!(buffers.iter().map(|b| b.records).sum::<u64>(), 300);
    assert!(lake.s3().list_objects("stream-lake", "sales/", None).await.unwrap().objects.is_empty());

    // The tab closes with records in the buffers and more in the stream, unread by Firehose.
    put_sales(&lake, 300, 100).await;
    drop(lake);
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    lake.tick().await;
    assert_eq!(lake.delivery_buffers("sales-to-s3").await.unwrap().iter().map(|b| b.records).sum::<u64>(), 400);

    // A minute of lake time later every buffer is delivered, as Parquet under region=.../.
    exec(&lake, "puddle clock advance --minutes 2").await;
    let objects = lake.s3().list_objects("stream-lake", "sales/", None).await.unwrap().objects;
    assert_eq!(objects.len(), 4, "{objects:?}");
    for region in REGIONS {
        assert!(
            objects
                .iter()
                .any(|o| o.key.starts_with(&format!("sales/region={region}/")) && o.key.ends_with(".parquet")),
            "{region}: {objects:?}"
        );
    }
    assert!(lake.delivery_buffers("sales-to-s3").await.unwrap().iter().all(|b| b.records == 0));
    assert!(
        lake.activity().iter().any(|a| a.source == "firehose/sales-to-s3" && a.outcome == "DELIVERED"),
        "{:?}",
        lake.activity()
    );

    // A crawler catalogs what Firehose delivered; Athena counts every record sent.
    exec(
        &lake,
        "aws glue create-crawler --name stream-crawler --role GlueCrawlerRole --database-name streaming \
         --targets S3Targets=[{Path=s3://stream-lake/sales/}]",
    )
    .await;
    exec(&lake, "aws glue start-crawler --name stream-crawler").await;
    let table = exec(&lake, "aws glue get-table --database-name streaming --name sales").await;
    let keys: Vec<&str> =
        table["Table"]["PartitionKeys"].as_array().unwrap().iter().map(|k| k["Name"].as_str().unwrap()).collect();
    // Firehose appends YYYY/MM/dd/HH/ to a prefix without a timestamp expression, and Glue makes
    // the plain folders partition_1..4, as it does on AWS.
    assert_eq!(keys, ["region", "partition_1", "partition_2", "partition_3", "partition_4"]);
    assert_eq!(count_rows(&lake, "sales").await, 400);
    let nsw = lake.sql("SELECT COUNT(*) FROM sales WHERE region = 'NSW'", Some("streaming")).await.unwrap();
    assert_eq!(nsw.rows[0][0].as_i64(), Some(100));
}

#[tokio::test]
async fn direct_put_delivers_on_size_and_time_and_bad_records_go_to_the_error_prefix() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    exec(&lake, "aws s3 mb s3://direct-lake").await;
    exec(
        &lake,
        "aws firehose create-delivery-stream --delivery-stream-name direct \
         --extended-s3-destination-configuration BucketARN=arn:aws:s3:::direct-lake,RoleARN=arn:aws:iam::123456789012:role/R,Prefix=raw/,BufferingHints={SizeInMBs=1,IntervalInSeconds=300},CompressionFormat=GZIP",
    )
    .await;
    let out = exec(&lake, "aws firehose put-record --delivery-stream-name direct --record Data=aGVsbG8K").await;
    assert!(out["RecordId"].as_str().is_some_and(|id| !id.is_empty()), "{out}");
    assert!(lake.s3().list_objects("direct-lake", "raw/", None).await.unwrap().objects.is_empty());
    exec(&lake, "puddle clock advance --minutes 6").await;
    let objects = lake.s3().list_objects("direct-lake", "raw/", None).await.unwrap().objects;
    assert_eq!(objects.len(), 1, "{objects:?}");
    let key = &objects[0].key;
    // raw/YYYY/MM/dd/HH/direct-1-YYYY-MM-dd-HH-mm-ss-<uuid>.gz
    let parts: Vec<&str> = key.split('/').collect();
    assert_eq!(parts.len(), 6, "{key}");
    assert!(parts[5].starts_with("direct-1-") && parts[5].ends_with(".gz"), "{key}");
    // Unknown streams and bad input answer AWS's errors.
    let out = lake.exec("aws firehose put-record --delivery-stream-name nope --record Data=aGVsbG8K").await;
    assert_eq!(out.exit_code, 254);
    assert!(out.stderr.contains("ResourceNotFoundException"), "{}", out.stderr);
    let e = lake
        .call(
            "firehose",
            "CreateDeliveryStream",
            json!({ "DeliveryStreamName": "badjq", "ExtendedS3DestinationConfiguration": {
                "BucketARN": "arn:aws:s3:::direct-lake", "RoleARN": "arn:aws:iam::123456789012:role/R",
                "Prefix": "p/!{partitionKeyFromQuery:r}/", "ErrorOutputPrefix": "e/",
                "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 },
                "DynamicPartitioningConfiguration": { "Enabled": true },
                "ProcessingConfiguration": { "Enabled": true, "Processors": [{ "Type": "MetadataExtraction", "Parameters": [
                    { "ParameterName": "MetadataExtractionQuery", "ParameterValue": "{r:.region" },
                    { "ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6" }]}]}
            }}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "InvalidArgumentException", "{e:?}");
}

/// Zero buffering (IntervalInSeconds 0) with Parquet conversion: the next tick after the put
/// delivers, and a table over the prefix counts the records (the bench's latency path).
#[tokio::test]
async fn zero_buffering_delivers_on_the_next_tick_and_is_queryable() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    exec(&lake, "aws s3 mb s3://zero-lake").await;
    lake.sql("CREATE DATABASE bench", None).await.unwrap();
    lake.sql(
        "CREATE EXTERNAL TABLE bench.stream_latency (id string, region string, product string, amount bigint, ts string) \
         STORED AS PARQUET LOCATION 's3://zero-lake/stream-latency/'",
        None,
    )
    .await
    .unwrap();
    exec(&lake, "aws kinesis create-stream --stream-name zero --shard-count 1").await;
    lake.call(
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "zero",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/zero", "RoleARN": "arn:aws:iam::123456789012:role/R" },
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": "arn:aws:s3:::zero-lake", "RoleARN": "arn:aws:iam::123456789012:role/R",
                // A timestamp expression in the prefix replaces the default YYYY/MM/dd/HH/ folders,
                // so every object lands directly in the table's folder (Puddle's SQL, like Hive,
                // reads a table's folder without its subfolders).
                "Prefix": "stream-latency/!{timestamp:yyyy}-", "ErrorOutputPrefix": "stream-errors/",
                "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 0 },
                "DataFormatConversionConfiguration": {
                    "Enabled": true,
                    "SchemaConfiguration": { "DatabaseName": "bench", "TableName": "stream_latency", "RoleARN": "arn:aws:iam::123456789012:role/R" },
                    "InputFormatConfiguration": { "Deserializer": { "OpenXJsonSerDe": {} } },
                    "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": {} } }
                }
            }
        }),
    )
    .await
    .unwrap();
    let records: Vec<Value> = (0..1000)
        .map(|i| {
            let rec = json!({ "id": i.to_string(), "region": "NSW", "product": "p", "amount": i, "ts": "2026-12-02T10:00:00Z" });
            json!({ "PartitionKey": format!("l{i}"), "Data": STANDARD.encode(rec.to_string()) })
        })
        .collect();
    for chunk in records.chunks(500) {
        lake.call("kinesis", "PutRecords", json!({ "StreamName": "zero", "Records": chunk })).await.unwrap();
    }
    lake.tick().await;
    let n = lake.sql("SELECT COUNT(*) FROM stream_latency", Some("bench")).await.unwrap();
    assert_eq!(n.rows[0][0].as_i64(), Some(1000), "{:?}", lake.activity());
}
