//! S3 events, EventBridge rules, the simulated clock, versioning and lifecycle, through the
//! CLI (#3, #6): the course's "run the ETL job when new data lands in S3".

use std::sync::Arc;

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
high = Filter.apply(frame=raw, f=lambda x: x["amount"] > 100)
glueContext.write_dynamic_frame.from_options(frame=high, connection_type="s3",
    connection_options={"path": "s3://data-lake-processed-123/sales/"}, format="parquet")
"#;

#[tokio::test]
async fn an_upload_matching_a_rule_runs_the_job() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.local().write("transform.py", SCRIPT.into()).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 mb s3://data-lake-processed-123",
        "aws s3 mb s3://scripts-123",
        "aws s3 cp transform.py s3://scripts-123/transform.py",
        "aws s3 cp sales.csv s3://data-lake-raw-123/raw_sales/day1.csv",
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
        "aws glue create-job --name TransformRawSalesData --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/transform.py",
        r#"aws events put-rule --name raw-uploads --event-pattern '{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["data-lake-raw-123"]},"object":{"key":[{"prefix":"raw_sales/"}]}}}'"#,
        "aws events put-targets --rule raw-uploads --targets Id=etl,Arn=arn:aws:glue:us-east-1:123456789012:job/TransformRawSalesData",
    ] {
        ok(&lake, line).await;
    }
    lake.sql(
        "CREATE EXTERNAL TABLE sales_db.raw_sales (id BIGINT, region VARCHAR, product VARCHAR, amount DOUBLE, ts VARCHAR) \
         STORED AS CSV LOCATION 's3://data-lake-raw-123/raw_sales/' OPTIONS ('format.has_header' 'true')",
        None,
    )
    .await
    .unwrap();
    let rule = json(&ok(&lake, "aws events describe-rule --name raw-uploads").await);
    assert_eq!(rule["Arn"], "arn:aws:events:us-east-1:123456789012:rule/raw-uploads");
    let runs = |lake: &Lake| {
        let lake = lake.clone();
        async move {
            json(&ok(&lake, "aws glue get-job-runs --job-name TransformRawSalesData").await)["JobRuns"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(runs(&lake).await, 0, "the object uploaded before the rule existed started nothing");

    // An upload elsewhere does not match; one under raw_sales/ runs the job once.
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/other/x.csv").await;
    assert_eq!(runs(&lake).await, 0);
    ok(&lake, "aws s3 cp sales-10k.csv s3://data-lake-raw-123/raw_sales/day2.csv").await;
    assert_eq!(runs(&lake).await, 1);
    let activity = lake.activity();
    let last = activity.last().unwrap();
    assert_eq!(last.source, "rule/raw-uploads");
    assert!(last.detail.contains("ObjectCreated:Put s3://data-lake-raw-123/raw_sales/day2.csv"), "{last:?}");
    assert_eq!(last.outcome, "SUCCEEDED");
    let listed = ok(&lake, "aws s3 ls s3://data-lake-processed-123/sales/").await;
    assert!(listed.contains(".parquet"), "{listed}");

    // A disabled rule does nothing; a rule with targets cannot be deleted.
    ok(&lake, "aws events disable-rule --name raw-uploads").await;
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/raw_sales/day3.csv").await;
    assert_eq!(runs(&lake).await, 1);
    let busy = lake.exec("aws events delete-rule --name raw-uploads").await;
    assert_eq!(busy.exit_code, 254);
    assert!(busy.stderr.contains("(ValidationException)"), "{}", busy.stderr);
    ok(&lake, "aws events remove-targets --rule raw-uploads --ids etl").await;
    ok(&lake, "aws events delete-rule --name raw-uploads").await;
    let gone = lake.exec("aws events describe-rule --name raw-uploads").await;
    assert!(gone.stderr.contains("ResourceNotFoundException"), "{}", gone.stderr);

    let bad = lake.exec(r#"aws events put-rule --name r2 --event-pattern '{"source":"aws.s3"}'"#).await;
    assert!(bad.stderr.contains("InvalidEventPatternException"), "{}", bad.stderr);
    let unsupported = json(&ok(&lake, "aws events put-rule --name r3 --schedule-expression 'rate(1 day)'").await);
    assert!(unsupported["RuleArn"].is_string());
    let failed = json(
        &ok(&lake, "aws events put-targets --rule r3 --targets Id=l,Arn=arn:aws:lambda:us-east-1:1:function:f").await,
    );
    assert_eq!(failed["FailedEntryCount"], 1);
}

#[tokio::test]
async fn scheduled_rules_and_lifecycle_follow_the_clock() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 cp sales.csv s3://data-lake-raw-123/sales/sales.csv",
        "aws s3 cp sales.csv s3://data-lake-raw-123/tmp/scratch.csv",
        r#"aws glue create-crawler --name RawCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/sales/"}]}'"#,
        "aws events put-rule --name nightly-crawl --schedule-expression 'cron(0 2 * * ? *)'",
        "aws events put-targets --rule nightly-crawl --targets Id=c,Arn=arn:aws:glue:us-east-1:123456789012:crawler/RawCrawler",
    ] {
        ok(&lake, line).await;
    }
    ok(
        &lake,
        r#"aws s3api put-bucket-lifecycle-configuration --bucket data-lake-raw-123 --lifecycle-configuration '{"Rules":[{"ID":"tmp","Status":"Enabled","Filter":{"Prefix":"tmp/"},"Expiration":{"Days":1}},{"ID":"cold","Status":"Enabled","Filter":{"Prefix":"sales/"},"Transitions":[{"Days":90,"StorageClass":"GLACIER"}]}]}'"#,
    )
    .await;
    let config = json(&ok(&lake, "aws s3api get-bucket-lifecycle-configuration --bucket data-lake-raw-123").await);
    assert_eq!(config["Rules"][0]["ID"], "tmp");
    assert!(lake.catalog().tables(Some("sales_db")).is_empty());

    let out = ok(&lake, "puddle clock advance --days 3").await;
    assert!(out.contains("Ahead of real time by: 3 day(s)"), "{out}");
    assert!(out.contains("expired s3://data-lake-raw-123/tmp/scratch.csv"), "{out}");
    let crawls = out.matches("ran crawler RawCrawler").count();
    assert!((2..=3).contains(&crawls), "a 02:00 daily schedule fires 2 or 3 times in 3 days: {out}");
    assert_eq!(lake.catalog().tables(Some("sales_db")).len(), 1, "the scheduled crawl made the table");

    ok(&lake, "aws events disable-rule --name nightly-crawl").await;
    let out = ok(&lake, "puddle clock advance --days 100").await;
    assert!(out.contains("s3://data-lake-raw-123/sales/sales.csv -> GLACIER"), "{out}");
    assert!(!out.contains("ran crawler"), "{out}");
    let get = lake.exec("aws s3 cp s3://data-lake-raw-123/sales/sales.csv copy.csv").await;
    assert_ne!(get.exit_code, 0);
    assert!(get.stderr.contains("InvalidObjectState"), "{}", get.stderr);
    let head = json(&ok(&lake, "aws s3api head-object --bucket data-lake-raw-123 --key sales/sales.csv").await);
    assert_eq!(head["StorageClass"], "GLACIER");
    ok(&lake, "aws s3api restore-object --bucket data-lake-raw-123 --key sales/sales.csv --restore-request Days=1,GlacierJobParameters={Tier=Expedited}").await;
    let head = json(&ok(&lake, "aws s3api head-object --bucket data-lake-raw-123 --key sales/sales.csv").await);
    assert_eq!(head["Restore"], "ongoing-request=\"true\"");
    ok(&lake, "puddle clock advance --minutes 10").await;
    ok(&lake, "aws s3 cp s3://data-lake-raw-123/sales/sales.csv copy.csv").await;

    // The clock survives a reopen of the same store.
    let store = lake.s3().store().clone();
    let reopened = Lake::open(store).await.unwrap();
    assert_eq!(reopened.s3().clock().offset().num_days(), 103);
    let bad = lake.exec("puddle clock advance --days x").await;
    assert_eq!(bad.exit_code, 252);
}

#[tokio::test]
async fn versioning_through_the_cli() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://raw-123").await;
    let none = ok(&lake, "aws s3api get-bucket-versioning --bucket raw-123").await;
    assert_eq!(none, "", "never-versioned buckets print nothing");
    ok(&lake, "aws s3api put-bucket-versioning --bucket raw-123 --versioning-configuration Status=Enabled").await;
    assert_eq!(json(&ok(&lake, "aws s3api get-bucket-versioning --bucket raw-123").await)["Status"], "Enabled");
    let v1 = json(&ok(&lake, "aws s3api put-object --bucket raw-123 --key a.csv --body sales.csv").await);
    let v1 = v1["VersionId"].as_str().unwrap().to_string();
    ok(&lake, "aws s3api put-object --bucket raw-123 --key a.csv --body sales.json").await;
    let deleted = json(&ok(&lake, "aws s3api delete-object --bucket raw-123 --key a.csv").await);
    assert_eq!(deleted["DeleteMarker"], true);
    let versions = json(&ok(&lake, "aws s3api list-object-versions --bucket raw-123").await);
    assert_eq!(versions["Versions"].as_array().unwrap().len(), 2, "{versions}");
    assert_eq!(versions["DeleteMarkers"][0]["IsLatest"], true);
    let missing = lake.exec("aws s3api head-object --bucket raw-123 --key a.csv").await;
    assert_eq!(missing.exit_code, 254);
    let old =
        json(&ok(&lake, &format!("aws s3api get-object --bucket raw-123 --key a.csv --version-id {v1} old.csv")).await);
    assert_eq!(old["VersionId"], v1.as_str());
    assert_eq!(lake.local().read("old.csv").await.unwrap(), lake.local().read("sales.csv").await.unwrap());
    let rb = lake.exec("aws s3api delete-bucket --bucket raw-123").await;
    assert!(rb.stderr.contains("BucketNotEmpty"), "{}", rb.stderr);
    let bad = lake.exec("aws s3api get-object --bucket raw-123 --key a.csv --version-id nope out.csv").await;
    assert!(bad.stderr.contains("NoSuchVersion"), "{}", bad.stderr);
}

#[tokio::test]
async fn crawler_schedules_run_on_the_lake_clock() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/sales/sales.csv").await;
    ok(&lake, r#"aws glue create-crawler --name daily --role r --database-name sales_db --schedule 'cron(0 3 * * ? *)' --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/sales/"}]}'"#).await;
    let c = json(&ok(&lake, "aws glue get-crawler --name daily").await);
    assert_eq!(c["Crawler"]["Schedule"]["State"], "SCHEDULED");
    let out = ok(&lake, "puddle clock advance --days 1").await;
    assert_eq!(out.matches("crawler/daily").count(), 1, "{out}");
    assert_eq!(lake.catalog().tables(Some("sales_db")).len(), 1);
    ok(&lake, "aws glue stop-crawler-schedule --crawler-name daily").await;
    let out = ok(&lake, "puddle clock advance --days 2").await;
    assert!(!out.contains("crawler/daily"), "{out}");
    let again = lake.exec("aws glue stop-crawler-schedule --crawler-name daily").await;
    assert!(again.stderr.contains("SchedulerNotRunningException"), "{}", again.stderr);
    ok(&lake, "aws glue update-crawler-schedule --crawler-name daily --schedule 'cron(0 */6 * * ? *)'").await;
    ok(&lake, "aws glue start-crawler-schedule --crawler-name daily").await;
    let out = ok(&lake, "puddle clock advance --days 1").await;
    assert_eq!(out.matches("crawler/daily").count(), 4, "every 6 hours: {out}");
    let bad = lake.exec("aws glue update-crawler-schedule --crawler-name daily --schedule 'rate(1 day)'").await;
    assert!(bad.stderr.contains("cron(...)"), "{}", bad.stderr);
}
