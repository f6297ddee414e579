//! Step by step: make a bucket, upload sales data, register a table, run the lab query.

use std::{collections::BTreeMap, sync::Arc};

use puddle_api::{CreateTableInput, DataFormat, Request, Response};
use puddle_lake::Lake;
use serde_json::Value;

const LAB: &str = "SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region ORDER BY region";

fn expected(n: u64) -> Vec<Vec<Value>> {
    let mut counts = BTreeMap::new();
    for row in puddle_datagen::sales(n) {
        *counts.entry(row.region).or_insert(0i64) += 1;
    }
    counts.into_iter().map(|(r, c)| vec![Value::from(r), Value::from(c)]).collect()
}

#[tokio::test]
async fn course_lab_through_requests() {
    let store = Arc::new(object_store::memory::InMemory::new());
    let lake = Lake::open(store.clone()).await.unwrap();

    let Response::Exec(out) = lake.handle(Request::Exec { line: "aws s3 mb s3://data-lake-raw-123".into() }).await
    else {
        panic!("exec answers with Exec")
    };
    assert_eq!(out.stdout, "make_bucket: data-lake-raw-123\n");

    let put = lake
        .handle(Request::PutObject {
            bucket: "data-lake-raw-123".into(),
            key: "sales/sales.csv".into(),
            body: puddle_datagen::sales_csv(3000),
            content_type: None,
        })
        .await;
    assert!(matches!(put, Response::Put(ref p) if p.e_tag.starts_with('"')), "{put:?}");

    let created = lake
        .handle(Request::CreateTable(CreateTableInput {
            database: "sales_db".into(),
            name: "sales_data".into(),
            location: "s3://data-lake-raw-123/sales/".into(),
            format: DataFormat::Csv,
        }))
        .await;
    assert!(matches!(created, Response::Tables(ref t) if t[0].columns.len() == 5), "{created:?}");

    let Response::Query(res) = lake.handle(Request::Sql { query: LAB.into(), database: Some("sales_db".into()) }).await
    else {
        panic!("sql answers with Query")
    };
    assert_eq!(res.rows, expected(3000));

    // The same store opened again (a page reload) has everything.
    let reopened = Lake::open(store).await.unwrap();
    assert_eq!(reopened.sql(LAB, Some("sales_db")).await.unwrap().rows, expected(3000));
    let Response::Object(body) =
        reopened.handle(Request::GetObject { bucket: "data-lake-raw-123".into(), key: "sales/sales.csv".into() }).await
    else {
        panic!("get answers with Object")
    };
    assert_eq!(body, puddle_datagen::sales_csv(3000));

    // Reset empties everything.
    assert_eq!(reopened.handle(Request::Reset).await, Response::Ok);
    assert_eq!(reopened.handle(Request::ListBuckets).await, Response::Buckets(vec![]));
    assert!(
        matches!(reopened.handle(Request::ListTables { database: None }).await, Response::Tables(t) if t.is_empty())
    );
}

#[tokio::test]
async fn errors_are_responses_with_aws_codes() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    let cases = [
        (Request::CreateBucket { bucket: "Bad_Name".into() }, "InvalidBucketName"),
        (Request::DeleteBucket { bucket: "nope-nope".into() }, "NoSuchBucket"),
        (Request::GetObject { bucket: "nope-nope".into(), key: "k".into() }, "NoSuchBucket"),
        (Request::Sql { query: "SELEC".into(), database: None }, "InvalidRequestException"),
        (
            Request::GenerateSales { bucket: "nope-nope".into(), key: "k".into(), rows: 5, format: DataFormat::Csv },
            "NoSuchBucket",
        ),
        (
            Request::CreateTable(CreateTableInput {
                database: "bad-db".into(),
                name: "t".into(),
                location: "s3://x/".into(),
                format: DataFormat::Csv,
            }),
            "InvalidInputException",
        ),
    ];
    for (req, code) in cases {
        match lake.handle(req.clone()).await {
            Response::Error(e) => assert_eq!(e.code, code, "{req:?}: {e}"),
            other => panic!("{req:?} should fail, got {other:?}"),
        }
    }
}
