//! Custom JSON classifiers (JsonPath) end to end: `aws glue create-classifier --json-classifier`,
//! a crawl that uses one, the table's `jsonPath`, and SQL over whole-document JSON files.

use std::sync::Arc;

use puddle_api::{Request, Response};
use puddle_lake::Lake;
use serde_json::Value;

async fn ok(lake: &Lake, line: &str) -> Value {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    if out.stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
    }
}

async fn fails(lake: &Lake, line: &str, code: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 254, "{line}: {}", out.stdout);
    assert!(out.stderr.contains(&format!("({code})")), "{line}: {}", out.stderr);
    out.stderr
}

/// A pretty-printed export: `{"exported": .., "records": [{id, region, amount}, ..]}`.
fn export(first_id: u64, rows: u64) -> String {
    let records: Vec<Value> = (first_id..first_id + rows)
        .map(|i| {
            let region = if i % 2 == 0 { "NSW" } else { "VIC" };
            serde_json::json!({"id": i, "region": region, "amount": i as f64 + 0.5})
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({"exported": "2025-01-01", "records": records})).unwrap()
}

async fn lake_with_exports() -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    assert_eq!(lake.exec("aws s3 mb s3://json-raw").await.exit_code, 0);
    for (day, first, rows) in [("1", 0, 30u64), ("2", 30, 20)] {
        let key = format!("exports/day={day}/export.json");
        lake.put_object("json-raw", &key, export(first, rows).into_bytes().into(), None).await.unwrap();
    }
    lake
}

#[tokio::test]
async fn json_classifier_api_shapes_and_errors() {
    let lake = lake_with_exports().await;
    ok(&lake, r#"aws glue create-classifier --json-classifier '{"Name":"recs","JsonPath":"$.records[*]"}'"#).await;
    let got = ok(&lake, "aws glue get-classifier --name recs").await;
    let j = &got["Classifier"]["JsonClassifier"];
    assert_eq!(
        (j["Name"].as_str(), j["JsonPath"].as_str(), j["Version"].as_u64()),
        (Some("recs"), Some("$.records[*]"), Some(1))
    );
    assert!(j["CreationTime"].is_string() && j["LastUpdated"].is_string(), "{got}");
    fails(
        &lake,
        r#"aws glue create-classifier --json-classifier '{"Name":"recs","JsonPath":"$"}'"#,
        "AlreadyExistsException",
    )
    .await;
    let bad = fails(
        &lake,
        r#"aws glue create-classifier --json-classifier '{"Name":"b","JsonPath":"records[*]"}'"#,
        "InvalidInputException",
    )
    .await;
    assert!(bad.contains("records[*]"), "{bad}");
    fails(
        &lake,
        r#"aws glue create-classifier --json-classifier '{"Name":"b","JsonPath":"$..id"}'"#,
        "InvalidInputException",
    )
    .await;
    ok(&lake, r#"aws glue update-classifier --json-classifier '{"Name":"recs","JsonPath":"$[\"records\"][*]"}'"#).await;
    let all = ok(&lake, "aws glue get-classifiers").await;
    let j = &all["Classifiers"][0]["JsonClassifier"];
    assert_eq!((j["JsonPath"].as_str(), j["Version"].as_u64()), (Some("$[\"records\"][*]"), Some(2)));
    fails(
        &lake,
        r#"aws glue update-classifier --json-classifier '{"Name":"nope","JsonPath":"$"}'"#,
        "EntityNotFoundException",
    )
    .await;
    fails(&lake, "aws glue update-classifier --csv-classifier Name=recs,Delimiter=;", "InvalidInputException").await;
    // The console's read-only list.
    let Response::Classifiers(list) = lake.handle(Request::ListClassifiers).await else { panic!() };
    assert_eq!((list[0].kind.as_str(), list[0].detail.as_str()), ("json", "JsonPath $[\"records\"][*]"));
    assert!(!Request::ListClassifiers.mutates());
    ok(&lake, "aws glue delete-classifier --name recs").await;
    fails(&lake, "aws glue get-classifier --name recs", "EntityNotFoundException").await;
}

#[tokio::test]
async fn crawl_with_a_json_path_classifier_is_queryable() {
    let lake = lake_with_exports().await;
    ok(&lake, r#"aws glue create-classifier --json-classifier '{"Name":"recs","JsonPath":"$.records[*]"}'"#).await;
    ok(
        &lake,
        "aws glue create-crawler --name j --role r --database-name jdb --classifiers recs \
         --targets S3Targets=[{Path=s3://json-raw/exports/}]",
    )
    .await;
    ok(&lake, "aws glue start-crawler --name j").await;
    let table = &ok(&lake, "aws glue get-table --database-name jdb --name exports").await["Table"];
    assert_eq!(table["Parameters"]["jsonPath"], "$.records[*]");
    assert_eq!(table["Parameters"]["classification"], "json");
    assert_eq!(table["Parameters"]["recordCount"], "50");
    let cols: Vec<(&str, &str)> = table["StorageDescriptor"]["Columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["Name"].as_str().unwrap(), c["Type"].as_str().unwrap()))
        .collect();
    // Document order (the export writes its keys sorted).
    assert_eq!(cols, [("amount", "double"), ("id", "bigint"), ("region", "string")]);
    assert_eq!(table["PartitionKeys"][0]["Name"], "day");

    // The trace names the classifier's decision.
    let Response::Crawlers(crawlers) = lake.handle(Request::ListCrawlers).await else { panic!() };
    let traces = &crawlers[0].last_crawl.as_ref().unwrap().traces;
    assert_eq!(traces.len(), 2);
    assert!(
        traces.iter().all(|t| t.certainty == 1.0 && t.reason.contains("JsonPath $.records[*] selects")),
        "{traces:?}"
    );

    let res = lake
        .sql("SELECT day, COUNT(*) AS n, SUM(id) AS ids FROM exports GROUP BY day ORDER BY day", Some("jdb"))
        .await
        .unwrap();
    assert_eq!(
        res.rows,
        vec![
            vec![Value::from("1"), Value::from(30), Value::from((0..30).sum::<i64>())],
            vec![Value::from("2"), Value::from(20), Value::from((30..50).sum::<i64>())],
        ]
    );
    let vic = lake.sql("SELECT COUNT(*) FROM exports WHERE region = 'VIC' AND day = '2'", Some("jdb")).await.unwrap();
    assert_eq!(vic.rows, vec![vec![Value::from(10)]]);
    assert!(vic.stats.bytes_scanned > 0);

    // A file the path cannot read fails the query, naming the JsonPath: never wrong rows.
    lake.put_object("json-raw", "exports/day=2/broken.json", b"{\"records\": [".to_vec().into(), None).await.unwrap();
    let err = lake.sql("SELECT COUNT(*) FROM exports", Some("jdb")).await.unwrap_err();
    assert!(err.message.contains("$.records[*]") && err.message.contains("broken.json"), "{}", err.message);
}
