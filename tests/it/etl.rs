//! The course's ETL step: `aws glue start-job-run --job-name TransformRawSalesData` (#6).

use std::sync::Arc;

use puddle_lake::Lake;
use serde_json::Value;

const SCRIPT: &str = r#"import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ['JOB_NAME'])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args['JOB_NAME'], args)
raw = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
high = Filter.apply(frame=raw, f=lambda x: x["amount"] > 100)
glueContext.write_dynamic_frame.from_options(frame=high, connection_type="s3",
    connection_options={"path": "s3://data-lake-processed-123/"}, format="parquet")
job.commit()
"#;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[tokio::test]
async fn raw_to_processed_then_crawl_and_query() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.local().write("transform.py", SCRIPT.into()).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 mb s3://data-lake-processed-123",
        "aws s3 mb s3://scripts-123",
        "aws s3 cp sales-10k.csv s3://data-lake-raw-123/raw_sales/sales.csv",
        "aws s3 cp transform.py s3://scripts-123/transform.py",
        r#"aws glue create-crawler --name RawCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/"}]}'"#,
        "aws glue start-crawler --name RawCrawler",
        "aws glue create-job --name TransformRawSalesData --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/transform.py",
    ] {
        let out = lake.exec(line).await;
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    let start = lake.exec("aws glue start-job-run --job-name TransformRawSalesData").await;
    let run_id = json(&start.stdout)["JobRunId"].as_str().unwrap().to_string();
    let run = json(
        &lake.exec(&format!("aws glue get-job-run --job-name TransformRawSalesData --run-id {run_id}")).await.stdout,
    );
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");

    // Crawl the processed bucket and query it in Athena.
    for line in [
        r#"aws glue create-crawler --name ProcessedCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-processed-123/"}]}'"#,
        "aws glue start-crawler --name ProcessedCrawler",
    ] {
        assert_eq!(lake.exec(line).await.exit_code, 0, "{line}");
    }
    let table =
        json(&lake.exec("aws glue get-table --database-name sales_db --name data_lake_processed_123").await.stdout);
    assert_eq!(table["Table"]["Parameters"]["classification"], "parquet");
    let res =
        lake.sql("SELECT COUNT(*) FROM data_lake_processed_123 WHERE amount <= 100", Some("sales_db")).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(0)]]);
    let expected = puddle_datagen::sales(10_000).filter(|r| r.amount > 100.0).count();
    let all = lake.sql("SELECT COUNT(*) FROM data_lake_processed_123", Some("sales_db")).await.unwrap();
    assert_eq!(all.rows, vec![vec![Value::from(expected)]]);

    let missing = lake.exec("aws glue start-job-run --job-name Nope").await;
    assert!(
        missing.stderr.contains("(EntityNotFoundException) when calling the StartJobRun operation"),
        "{}",
        missing.stderr
    );
}
