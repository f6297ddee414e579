//! Job runs over an in-memory lake.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{memory::InMemory, ObjectStore};
use puddle_catalog::Catalog;
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde_json::Value;

use crate::{translate::tests::COURSE_SCRIPT, Jobs};

pub(crate) async fn lake() -> (S3, SqlEngine, Jobs) {
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
    // Rows read per source, from the scans' own counts.
    assert_eq!(run.rows_read.get("sales_db.raw_sales"), Some(&2000), "{:?}", run.rows_read);
    assert!(run.log.iter().any(|l| l == "2000 row(s) read from sales_db.raw_sales"), "{:?}", run.log);

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

/// Runs `script` as a job and returns the run.
async fn run_script(s3: &S3, jobs: &Jobs, name: &str, script: &str) -> crate::JobRun {
    s3.put_object("scripts-123", &format!("{name}.py"), Bytes::from(script.to_string())).await.unwrap();
    jobs.create_job(name, "GlueRole", &format!("s3://scripts-123/{name}.py")).await.unwrap();
    jobs.start_job_run(name).await.unwrap()
}

async fn rows_at(sql: &SqlEngine, location: &str, query: &str) -> Vec<Vec<Value>> {
    let table = format!("t_{}", location.len());
    sql.run(&format!("CREATE EXTERNAL TABLE sales_db.{table} STORED AS PARQUET LOCATION '{location}'"), None)
        .await
        .unwrap();
    sql.run(&query.replace("{t}", &format!("sales_db.{table}")), None).await.unwrap().rows
}

#[tokio::test]
async fn glue_studio_s3_source_with_apply_mapping() {
    let (s3, sql, jobs) = lake().await;
    // What Glue Studio generates for an "Amazon S3" source node and a "Change schema" node.
    let script = r#"import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

# Script generated for node Amazon S3
AmazonS3_node1 = glueContext.create_dynamic_frame.from_options(
    format_options={"quoteChar": '"', "withHeader": True, "separator": ","},
    connection_type="s3",
    format="csv",
    connection_options={"paths": ["s3://data-lake-raw-123/sales/"], "recurse": True},
    transformation_ctx="AmazonS3_node1",
)

# Script generated for node Change Schema
ChangeSchema_node2 = ApplyMapping.apply(
    frame=AmazonS3_node1,
    mappings=[("id", "string", "sale_id", "long"), ("region", "string", "region", "string"), ("amount", "string", "amount", "double")],
    transformation_ctx="ChangeSchema_node2",
)

# Script generated for node Amazon S3
AmazonS3_node3 = glueContext.write_dynamic_frame.from_options(
    frame=ChangeSchema_node2,
    connection_type="s3",
    format="glueparquet",
    connection_options={"path": "s3://data-lake-processed-123/studio/", "partitionKeys": []},
    format_options={"compression": "snappy"},
    transformation_ctx="AmazonS3_node3",
)

job.commit()
"#;
    let run = run_script(&s3, &jobs, "studio", script).await;
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    assert_eq!(run.rows_written, 2000);
    let rows = rows_at(&sql, "s3://data-lake-processed-123/studio/", "SELECT COUNT(*), SUM(sale_id) FROM {t}").await;
    assert_eq!(rows[0], vec![Value::from(2000), Value::from((1..=2000u64).sum::<u64>())]);
}

#[tokio::test]
async fn dataframe_methods_and_spark_sql() {
    let (s3, sql, jobs) = lake().await;
    let script = r#"from pyspark.sql import functions as F
from pyspark.sql.functions import col
from awsglue.dynamicframe import DynamicFrame
glueContext = GlueContext(SparkContext.getOrCreate())
spark = glueContext.spark_session
raw = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
df = raw.toDF()
df = df.withColumn("amount", col("amount").cast("double")).withColumn("with_tax", F.round(col("amount") * 1.1, 2))
big = df.filter((col("amount") > 100) & (col("region") != "NT"))
totals = big.groupBy("region").agg(F.count("*").alias("sales"), F.sum("with_tax").alias("total"))
totals.createOrReplaceTempView("totals")
top = spark.sql("SELECT region, sales FROM totals WHERE sales > 0 ORDER BY sales DESC")
out = DynamicFrame.fromDF(top, glueContext, "out")
glueContext.write_dynamic_frame.from_options(frame=out, connection_type="s3", connection_options={"path": "s3://data-lake-processed-123/df/"}, format="parquet")
"#;
    let run = run_script(&s3, &jobs, "df", script).await;
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    let mut expected = std::collections::BTreeMap::new();
    for r in puddle_datagen::sales(2000).filter(|r| r.amount > 100.0 && r.region != "NT") {
        *expected.entry(r.region.to_string()).or_insert(0u64) += 1;
    }
    let rows = rows_at(&sql, "s3://data-lake-processed-123/df/", "SELECT region, sales FROM {t} ORDER BY region").await;
    let got: std::collections::BTreeMap<String, u64> =
        rows.iter().map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap())).collect();
    assert_eq!(got, expected);

    let bad = "raw = glueContext.create_dynamic_frame.from_catalog(database=\"sales_db\", table_name=\"raw_sales\")\n\
        df = raw.toDF().groupBy(\"region\")\n";
    let err = crate::translate(bad).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("agg"), "{err}");
    let bad = "raw = glueContext.create_dynamic_frame.from_catalog(database=\"sales_db\", table_name=\"raw_sales\")\n\
        df = raw.toDF().filter(F.explode(col(\"x\")))\n";
    let err = crate::translate(bad).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("explode") && err.contains("Supported:"), "{err}");
}

/// Glue Studio's S3 target with "Create a table in the Data Catalog and on subsequent runs,
/// update the schema and add new partitions", then `write_dynamic_frame.from_catalog` into it.
#[tokio::test]
async fn catalog_targets_create_update_and_write_tables() {
    let (s3, sql, jobs) = lake().await;
    let studio = r#"
src = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
high = Filter.apply(frame=src, f=lambda row: row["amount"] > 100)
S3bucket_node3 = glueContext.getSink(
    path="s3://data-lake-processed-123/by_region/",
    connection_type="s3",
    updateBehavior="UPDATE_IN_DATABASE",
    partitionKeys=["region"],
    enableUpdateCatalog=True,
    transformation_ctx="S3bucket_node3",
)
S3bucket_node3.setCatalogInfo(catalogDatabase="sales_db", catalogTableName="by_region")
S3bucket_node3.setFormat("glueparquet", compression="snappy")
S3bucket_node3.writeFrame(high)
"#;
    s3.put_object("scripts-123", "studio.py", Bytes::from(studio)).await.unwrap();
    jobs.create_job("Studio", "r", "s3://scripts-123/studio.py").await.unwrap();
    let run = jobs.start_job_run("Studio").await.unwrap();
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    assert!(run.log.iter().any(|l| l == "Created catalog table sales_db.by_region"), "{:?}", run.log);
    assert!(run.log.iter().any(|l| l.starts_with("Added 8 partition(s)")), "{:?}", run.log);
    let table = sql.catalog().get_table("sales_db", "by_region").unwrap();
    assert_eq!(table.classification, "parquet");
    assert_eq!(table.location, "s3://data-lake-processed-123/by_region/");
    assert_eq!(table.partition_keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["region"]);
    assert!(!table.columns.iter().any(|c| c.name == "region"), "the key is not also a column");
    assert_eq!(table.partitions.len(), 8);
    let expected = puddle_datagen::sales(2000).filter(|r| r.amount > 100.0).count() as u64;
    let count = |sql: SqlEngine| async move {
        sql.run("SELECT COUNT(*) FROM sales_db.by_region", None).await.unwrap().rows[0][0].as_u64().unwrap()
    };
    assert_eq!(count(sql.clone()).await, expected);

    // A second run adds files, not partitions, and leaves the unchanged schema alone.
    let again = jobs.start_job_run("Studio").await.unwrap();
    assert_eq!(again.state, "SUCCEEDED", "{:?}", again.log);
    assert!(!again.log.iter().any(|l| l.contains("partition(s) to") || l.contains("schema")), "{:?}", again.log);
    assert_eq!(sql.catalog().get_table("sales_db", "by_region").unwrap().version_id, table.version_id);
    assert_eq!(count(sql.clone()).await, 2 * expected);

    // write_dynamic_frame.from_catalog: the table's location, format and partition keys.
    let into = r#"
src = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales")
small = Filter.apply(frame=src, f=lambda row: row["amount"] > 100)
glueContext.write_dynamic_frame.from_catalog(frame=small, database="sales_db", table_name="by_region")
"#;
    s3.put_object("scripts-123", "into.py", Bytes::from(into)).await.unwrap();
    jobs.create_job("Into", "r", "s3://scripts-123/into.py").await.unwrap();
    let run = jobs.start_job_run("Into").await.unwrap();
    assert_eq!(run.state, "SUCCEEDED", "{:?}", run.log);
    assert!(run.files_written.iter().all(|f| f.starts_with("s3://data-lake-processed-123/by_region/region=")));
    assert!(run.files_written.iter().all(|f| f.ends_with(".snappy.parquet")), "{:?}", run.files_written);
    assert_eq!(count(sql.clone()).await, 3 * expected);

    // A missing table fails the run before anything is written.
    let missing = into.replace("table_name=\"by_region\")", "table_name=\"nope\")");
    s3.put_object("scripts-123", "missing.py", Bytes::from(missing)).await.unwrap();
    jobs.create_job("Missing", "r", "s3://scripts-123/missing.py").await.unwrap();
    let failed = jobs.start_job_run("Missing").await.unwrap();
    assert_eq!(failed.state, "FAILED");
    assert!(failed.error_message.as_deref().unwrap().contains("nope"), "{:?}", failed.error_message);
    assert!(failed.files_written.is_empty());

    // enableUpdateCatalog without setCatalogInfo is a located script error.
    let no_info = studio
        .replace("S3bucket_node3.setCatalogInfo(catalogDatabase=\"sales_db\", catalogTableName=\"by_region\")\n", "");
    let err = crate::translate(&no_info).unwrap_err();
    assert!(err.to_string().contains("setCatalogInfo") && err.to_string().contains("line 13"), "{err}");
}
