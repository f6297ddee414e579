//! Job runs over an in-memory lake.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{memory::InMemory, ObjectStore};
use puddle_catalog::Catalog;
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde_json::Value;

use crate::{translate::tests::COURSE_SCRIPT, Jobs};

async fn lake() -> (S3, SqlEngine, Jobs) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    let s3 = S3::new(store.clone());
    for b in ["data-lake-raw-123", "data-lake-processed-123", "scripts-123"] {
        s3.create_bucket(b).await.unwrap();
    }
    s3.put_object("data-lake-raw-123", "sales/sales.csv", Bytes::from(puddle_datagen::sales_csv(2000))).await.unwrap();
    let sql = SqlEngine::new(store, catalog);
    sql.run("CREATE DATABASE sales_db", None).await.unwrap();
    sql.run("CREATE EXTERNAL TABLE sales_db.raw_sales STORED AS CSV LOCATION 's3://data-lake-raw-123/sales/'", None)
        .await
        .unwrap();
    (s3.clone(), sql.clone(), Jobs::new(s3, sql))
}

#[tokio::test]
async fn the_course_job_writes_parquet_of_high_value_sales() {
    let (s3, sql, jobs) = lake().await;
    s3.put_object("scripts-123", "transform.py", Bytes::from(COURSE_SCRIPT)).await.unwrap();
    jobs.create_job("TransformRawSalesData", "GlueRole", "s3://scripts-123/transform.py").await.unwrap();
    let run = jobs.start_job_run("TransformRawSalesData").await.unwrap();
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    let expected = puddle_datagen::sales(2000).filter(|r| r.amount > 100.0).count() as u64;
    assert_eq!(run.rows_written, expected);
    assert_eq!(run.files_written.len(), 1);
    assert!(run.files_written[0].ends_with(".snappy.parquet"), "{:?}", run.files_written);

    sql.run(
        "CREATE EXTERNAL TABLE sales_db.processed STORED AS PARQUET LOCATION 's3://data-lake-processed-123/'",
        None,
    )
    .await
    .unwrap();
    let res = sql.run("SELECT COUNT(*), MIN(amount) FROM sales_db.processed", None).await.unwrap();
    assert_eq!(res.rows[0][0], Value::from(expected));
    assert!(res.rows[0][1].as_f64().unwrap() > 100.0);
    assert_eq!(jobs.list_runs("TransformRawSalesData").await.unwrap()[0].id, run.id);
    assert_eq!(jobs.get_job_run("TransformRawSalesData", &run.id).await.unwrap(), run);
}

#[tokio::test]
async fn partitioned_csv_output_and_failing_runs_write_nothing() {
    let (s3, _, jobs) = lake().await;
    let script = r#"
src = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
small = SelectFields.apply(frame=src, paths=["id", "region", "amount"])
glueContext.write_dynamic_frame.from_options(frame=small, connection_type="s3",
    connection_options={"path": "s3://data-lake-processed-123/by_region/", "partitionKeys": ["region"]}, format="csv")
"#;
    s3.put_object("scripts-123", "part.py", Bytes::from(script)).await.unwrap();
    jobs.create_job("ByRegion", "r", "s3://scripts-123/part.py").await.unwrap();
    let run = jobs.start_job_run("ByRegion").await.unwrap();
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    assert_eq!(run.files_written.len(), 8, "one file per region");
    assert!(run.files_written.iter().any(|f| f.contains("/by_region/region=NSW/")));
    let nsw = run.files_written.iter().find(|f| f.contains("region=NSW")).unwrap();
    let key = nsw.trim_start_matches("s3://data-lake-processed-123/");
    let body = String::from_utf8(s3.get_object("data-lake-processed-123", key).await.unwrap().to_vec()).unwrap();
    assert!(body.starts_with("id,amount\n"), "{body}");

    let broken = "src = glueContext.create_dynamic_frame.from_catalog(database=\"sales_db\", table_name=\"nope\")\nglueContext.write_dynamic_frame.from_options(frame=src, connection_type=\"s3\", connection_options={\"path\": \"s3://data-lake-processed-123/bad/\"}, format=\"parquet\")\n";
    s3.put_object("scripts-123", "broken.py", Bytes::from(broken)).await.unwrap();
    jobs.create_job("Broken", "r", "s3://scripts-123/broken.py").await.unwrap();
    let failed = jobs.start_job_run("Broken").await.unwrap();
    assert_eq!(failed.state, "FAILED");
    assert!(failed.error_message.as_deref().unwrap().contains("nope"), "{:?}", failed.error_message);
    assert!(s3.list_objects("data-lake-processed-123", "bad/", None).await.unwrap().objects.is_empty());

    assert_eq!(
        jobs.create_job("Broken", "r", "s3://x/y.py").await.unwrap_err().code(),
        "IdempotentParameterMismatchException"
    );
    assert_eq!(jobs.start_job_run("Nope").await.unwrap_err().code(), "EntityNotFoundException");
}
