//! One write path and one read rule (issue 12): CTAS and INSERT INTO write through the S3 layer
//! (events, content type, versions), and archived objects fail every reader until restored.

use std::sync::Arc;

use puddle_api::{Request, Response};
use puddle_lake::Lake;
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

async fn ok(lake: &Lake, line: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

const SCRIPT: &str = r#"from awsglue.context import GlueContext
from pyspark.context import SparkContext
glueContext = GlueContext(SparkContext.getOrCreate())
raw = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
glueContext.write_dynamic_frame.from_options(frame=raw, connection_type="s3",
    connection_options={"path": "s3://processed-1/sales/"}, format="parquet")
"#;

async fn lake_with_sales(storage_class: &str) -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.local().write("transform.py", SCRIPT.into()).await.unwrap();
    for line in [
        "aws s3 mb s3://raw-1".to_string(),
        "aws s3 mb s3://processed-1".into(),
        "aws s3 mb s3://scripts-1".into(),
        "aws s3 cp transform.py s3://scripts-1/transform.py".into(),
        format!("aws s3api put-object --bucket raw-1 --key sales/day1.csv --body sales.csv --storage-class {storage_class}"),
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#.into(),
        "aws glue create-job --name Etl --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-1/transform.py"
            .into(),
    ] {
        ok(&lake, &line).await;
    }
    lake.sql(
        "CREATE EXTERNAL TABLE sales_db.raw_sales (id BIGINT, region VARCHAR, product VARCHAR, amount DOUBLE, ts VARCHAR) \
         STORED AS CSV LOCATION 's3://raw-1/sales/' OPTIONS ('format.has_header' 'true')",
        None,
    )
    .await
    .unwrap();
    lake
}

async fn job_runs(lake: &Lake) -> Vec<Value> {
    json(&ok(lake, "aws glue get-job-runs --job-name Etl").await)["JobRuns"].as_array().unwrap().clone()
}

/// Issue 12: an EventBridge rule on a CTAS target prefix fires; the objects have a content type.
#[tokio::test]
async fn ctas_output_is_an_s3_event_that_fires_rules() {
    let lake = lake_with_sales("STANDARD").await;
    ok(&lake, "aws s3 mb s3://out-1").await;
    ok(
        &lake,
        r#"aws events put-rule --name ctas-out --event-pattern '{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["out-1"]},"object":{"key":[{"prefix":"ctas/"}]}}}'"#,
    )
    .await;
    ok(
        &lake,
        "aws events put-targets --rule ctas-out --targets Id=etl,Arn=arn:aws:glue:us-east-1:123456789012:job/Etl",
    )
    .await;
    assert!(job_runs(&lake).await.is_empty());
    let request = Request::Sql {
        query: "CREATE TABLE sales_db.ctas_t WITH (format='PARQUET', external_location='s3://out-1/ctas/') \
                AS SELECT * FROM sales_db.raw_sales"
            .into(),
        database: None,
    };
    assert!(matches!(lake.handle(request).await, Response::Query(_)));
    let runs = job_runs(&lake).await;
    assert_eq!(runs.len(), 1, "the rule on the CTAS prefix ran the job");
    assert_eq!(runs[0]["JobRunState"], "SUCCEEDED", "{:?}", runs[0]);

    let listed = json(&ok(&lake, "aws s3api list-objects-v2 --bucket out-1 --prefix ctas/").await);
    let key = listed["Contents"][0]["Key"].as_str().unwrap().to_string();
    assert!(key.ends_with(".parquet"), "{key}");
    let head = json(&ok(&lake, &format!("aws s3api head-object --bucket out-1 --key {key}")).await);
    assert_eq!(head["ContentType"], "application/vnd.apache.parquet", "{head}");

    // INSERT INTO writes through the same path: one more event, one more run.
    let request =
        Request::Sql { query: "INSERT INTO sales_db.ctas_t SELECT * FROM sales_db.raw_sales".into(), database: None };
    assert!(matches!(lake.handle(request).await, Response::Query(_)));
    assert_eq!(job_runs(&lake).await.len(), 2);
}

/// Issue 12: GLACIER objects fail SQL, job runs, crawler classification and downloads with
/// `InvalidObjectState` until restored.
#[tokio::test]
async fn archived_objects_fail_every_reader_until_restored() {
    let lake = lake_with_sales("GLACIER").await;
    let err = lake.sql("SELECT COUNT(*) FROM sales_db.raw_sales", None).await.unwrap_err();
    assert_eq!(err.code, "InvalidObjectState", "{}", err.message);
    assert!(err.message.contains("s3://raw-1/sales/day1.csv is in GLACIER"), "{}", err.message);

    ok(&lake, "aws glue start-job-run --job-name Etl").await;
    let runs = job_runs(&lake).await;
    assert_eq!(runs[0]["JobRunState"], "FAILED");
    assert!(runs[0]["ErrorMessage"].as_str().unwrap().contains("InvalidObjectState"), "{:?}", runs[0]);

    ok(&lake, "aws glue create-crawler --name c --role r --database-name crawled --targets S3Targets=[{Path=s3://raw-1/sales/}]").await;
    let crawler = lake.run_crawler("c").await.unwrap();
    let text = serde_json::to_string(&crawler).unwrap();
    assert!(text.contains("InvalidObjectState"), "the crawler records the archived file: {text}");
    assert!(lake.catalog().tables(Some("crawled")).is_empty(), "nothing was read from it");

    let get = lake.exec("aws s3 cp s3://raw-1/sales/day1.csv copy.csv").await;
    assert!(get.stderr.contains("InvalidObjectState"), "{}", get.stderr);
    let request = Request::GetObject { bucket: "raw-1".into(), key: "sales/day1.csv".into() };
    assert!(matches!(lake.handle(request).await, Response::Error(e) if e.code == "InvalidObjectState"));
    let preview =
        Request::PreviewObject { bucket: "raw-1".into(), key: "sales/day1.csv".into(), format: None, rows: 5 };
    assert!(matches!(lake.handle(preview).await, Response::Error(e) if e.code == "InvalidObjectState"));

    ok(&lake, "aws s3api restore-object --bucket raw-1 --key sales/day1.csv --restore-request Days=1,GlacierJobParameters={Tier=Expedited}").await;
    ok(&lake, "puddle clock advance --minutes 10").await;
    let res = lake.sql("SELECT COUNT(*) FROM sales_db.raw_sales", None).await.unwrap();
    assert_eq!(res.rows[0][0], Value::from(1000));
    ok(&lake, "aws glue start-job-run --job-name Etl").await;
    assert_eq!(job_runs(&lake).await[0]["JobRunState"], "SUCCEEDED");
}
