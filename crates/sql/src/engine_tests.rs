//! Tests of [`SqlEngine`] over an in-memory lake.

use std::{collections::BTreeMap, sync::Arc};

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_api::{CreateTableInput, DataFormat};
use puddle_catalog::Catalog;
use serde_json::Value;

use crate::SqlEngine;

const LAB_QUERY: &str = "SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region ORDER BY region";

async fn lake() -> (Arc<dyn ObjectStore>, SqlEngine) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    catalog.create_database("default", true).await.unwrap();
    (store.clone(), SqlEngine::new(store, catalog))
}

async fn put(store: &Arc<dyn ObjectStore>, path: &str, body: Vec<u8>) {
    store.put(&Path::from(path), PutPayload::from(body)).await.unwrap();
}

/// Region counts computed straight from the generator, independently of the SQL engine.
fn expected_counts(n: u64) -> Vec<Vec<Value>> {
    let mut counts = BTreeMap::new();
    for row in puddle_datagen::sales(n) {
        *counts.entry(row.region).or_insert(0i64) += 1;
    }
    counts.into_iter().map(|(r, c)| vec![Value::from(r), Value::from(c)]).collect()
}

#[tokio::test]
async fn lab_query_over_each_format() {
    let (store, engine) = lake().await;
    put(&store, "raw/csv/sales.csv", puddle_datagen::sales_csv(2000)).await;
    put(&store, "raw/json/sales.json", puddle_datagen::sales_json_lines(2000)).await;
    put(&store, "raw/pq/sales.parquet", puddle_datagen::sales_parquet(2000).unwrap()).await;
    for (dir, format) in [("csv", DataFormat::Csv), ("json", DataFormat::Json), ("pq", DataFormat::Parquet)] {
        let input = CreateTableInput {
            database: "default".into(),
            name: "sales_data".into(),
            location: format!("s3://raw/{dir}/"),
            format,
        };
        let table = engine.create_table_from_files(&input).await.unwrap();
        let mut names: Vec<_> = table.columns.iter().map(|c| c.name.as_str()).collect();
        if format == DataFormat::Json {
            names.sort(); // arrow-json infers fields in name order, not file order
            assert_eq!(names, ["amount", "id", "product", "region", "ts"]);
        } else {
            assert_eq!(names, ["id", "region", "product", "amount", "ts"], "{dir}");
        }
        let res = engine.run(LAB_QUERY, None).await.unwrap();
        assert_eq!(res.columns, ["region", "sales_count"]);
        assert_eq!(res.column_types, ["varchar", "bigint"]);
        assert_eq!(res.rows, expected_counts(2000), "{dir}");
        assert!(res.stats.bytes_scanned > 0, "{dir}");
    }
}

#[tokio::test]
async fn ddl_creates_persisted_tables_and_projection_lowers_bytes_scanned() {
    let (store, engine) = lake().await;
    put(&store, "raw/pq/part-0.parquet", puddle_datagen::sales_parquet(50_000).unwrap()).await;
    engine.run("CREATE DATABASE sales_db", None).await.unwrap();
    engine.run("CREATE DATABASE IF NOT EXISTS sales_db", None).await.unwrap();
    assert!(engine.run("CREATE DATABASE sales_db", None).await.is_err());
    engine
        .run("CREATE EXTERNAL TABLE sales_db.sales_data STORED AS PARQUET LOCATION 's3://raw/pq/'", None)
        .await
        .unwrap();
    let ddl = engine.run("CREATE DATABASE IF NOT EXISTS other_db", None).await.unwrap();
    assert_eq!((ddl.stats.billed_bytes, ddl.stats.cost_usd), (0, 0.0), "DDL is free");
    let all = engine.run("SELECT * FROM sales_data", Some("sales_db")).await.unwrap();
    assert_eq!(all.stats.billed_bytes, 10 << 20, "a small query is billed the 10 MB minimum");
    assert!(all.stats.cost_usd > 0.0);
    assert_eq!(all.rows.len(), 50_000);
    let one = engine.run("SELECT region FROM sales_data", Some("sales_db")).await.unwrap();
    assert!(
        one.stats.bytes_scanned < all.stats.bytes_scanned / 2,
        "projection should read fewer bytes: {} vs {}",
        one.stats.bytes_scanned,
        all.stats.bytes_scanned
    );

    // The table lives in the persisted catalog: a new engine over the same store sees it.
    let reopened = SqlEngine::new(store.clone(), Arc::new(Catalog::load(store).await.unwrap()));
    let res = reopened.run("SELECT COUNT(*) FROM sales_db.sales_data", None).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(50_000)]]);
    let tables = reopened.run("SHOW TABLES", Some("sales_db")).await.unwrap();
    assert!(tables.rows.iter().any(|r| r.contains(&Value::from("sales_data"))));

    reopened.run("DROP TABLE sales_db.sales_data", None).await.unwrap();
    let err = reopened.run("SELECT * FROM sales_db.sales_data", None).await.unwrap_err();
    assert!(err.to_string().contains("sales_data"), "{err}");
    reopened.run("DROP TABLE IF EXISTS sales_db.sales_data", None).await.unwrap();
}

#[tokio::test]
async fn csv_with_declared_columns_and_options() {
    let (store, engine) = lake().await;
    put(&store, "raw/semi/a.csv", b"NSW;3\nVIC;4\n".to_vec()).await;
    engine
        .run(
            "CREATE EXTERNAL TABLE t (region VARCHAR, amount BIGINT) STORED AS CSV LOCATION 's3://raw/semi/' \
             OPTIONS ('format.has_header' 'false', 'format.delimiter' ';')",
            None,
        )
        .await
        .unwrap();
    let res = engine.run("SELECT SUM(amount) AS total FROM t", None).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(7)]]);
}

#[tokio::test]
async fn bad_input_gives_clear_errors() {
    let (store, engine) = lake().await;
    let syntax = engine.run("SELEC region FROM x", None).await.unwrap_err();
    assert_eq!(syntax.code(), "InvalidRequestException");
    assert!(syntax.to_string().to_lowercase().contains("selec"), "{syntax}");

    let unknown = engine.run("SELECT * FROM no_such_table", None).await.unwrap_err();
    assert!(unknown.to_string().contains("no_such_table"), "{unknown}");

    // A ragged CSV: planning succeeds, reading fails with the parser's message.
    put(&store, "raw/bad/x.csv", b"a,b\n1,2\n3,4,5\n".to_vec()).await;
    engine
        .run("CREATE EXTERNAL TABLE bad (a BIGINT, b BIGINT) STORED AS CSV LOCATION 's3://raw/bad/'", None)
        .await
        .unwrap();
    let ragged = engine.run("SELECT * FROM bad", None).await.unwrap_err();
    assert!(ragged.to_string().to_lowercase().contains("csv"), "{ragged}");

    let nowhere = engine
        .run("CREATE EXTERNAL TABLE empty STORED AS CSV LOCATION 's3://raw/nothing-here/'", None)
        .await
        .unwrap_err();
    assert!(nowhere.to_string().contains("No files found"), "{nowhere}");
    let not_s3 = engine.run("CREATE EXTERNAL TABLE f STORED AS CSV LOCATION '/etc/'", None).await.unwrap_err();
    assert!(not_s3.to_string().contains("s3://"), "{not_s3}");
    let update = engine.run("UPDATE bad SET a = 1", None).await.unwrap_err();
    assert!(update.to_string().contains("not supported"), "{update}");
    let dup = engine
        .run("CREATE EXTERNAL TABLE bad (a BIGINT) STORED AS CSV LOCATION 's3://raw/bad/'", None)
        .await
        .unwrap_err();
    assert_eq!(dup.code(), "AlreadyExistsException");
}

#[tokio::test]
async fn unknown_database_is_reported() {
    let (_, engine) = lake().await;
    let err = engine.run("SELECT * FROM t", Some("nodb")).await.unwrap_err();
    assert!(err.to_string().contains("t"), "{err}");
}

#[tokio::test]
async fn redshift_spectrum_statements_of_the_course_run_verbatim() {
    let (store, engine) = lake().await;
    put(&store, "raw/sales/sales.csv", puddle_datagen::sales_csv(500)).await;
    engine.run("CREATE DATABASE sales_db", None).await.unwrap();
    engine
        .run("CREATE EXTERNAL TABLE sales_db.sales_data STORED AS CSV LOCATION 's3://raw/sales/'", None)
        .await
        .unwrap();
    engine
        .run(
            "CREATE EXTERNAL SCHEMA s3_data FROM DATA CATALOG DATABASE 'sales_db' IAM_ROLE 'arn:aws:iam::123456789012:role/RedshiftRole' CREATE EXTERNAL DATABASE IF NOT EXISTS;",
            None,
        )
        .await
        .unwrap();
    let res = engine.run("SELECT * FROM s3_data.sales_data WHERE region = 'NSW';", None).await.unwrap();
    let expected = puddle_datagen::sales(500).filter(|r| r.region == "NSW").count();
    assert_eq!(res.rows.len(), expected);
    assert!(res.rows.iter().all(|r| r[1] == "NSW"));
}

#[tokio::test]
async fn preview_reads_one_object_in_each_format() {
    let (store, engine) = lake().await;
    put(&store, "raw/a.csv", puddle_datagen::sales_csv(50)).await;
    put(&store, "raw/a.parquet", puddle_datagen::sales_parquet(50).unwrap()).await;
    for (key, format) in [("raw/a.csv", DataFormat::Csv), ("raw/a.parquet", DataFormat::Parquet)] {
        let res = engine.preview(&format!("s3://{key}"), format, 5).await.unwrap();
        assert_eq!(res.rows.len(), 5, "{key}");
        assert_eq!(res.columns[1], "region");
    }
    // Not Parquet at all. (A file with both magic numbers and a footer length past its start
    // makes parquet 59.3.2 overflow a subtraction: a known upstream bug, noted on issue #5.)
    put(&store, "raw/bad.parquet", b"id,region\n1,NSW\n".to_vec()).await;
    assert!(engine.preview("s3://raw/bad.parquet", DataFormat::Parquet, 5).await.is_err());
}

#[tokio::test]
async fn show_databases_lists_the_catalog() {
    let (_, engine) = lake().await;
    engine.run("CREATE DATABASE sales_db", None).await.unwrap();
    let res = engine.run("show databases;", None).await.unwrap();
    assert_eq!(res.columns, ["database_name"]);
    assert_eq!(res.rows, vec![vec![Value::from("default")], vec![Value::from("sales_db")]]);
    let described = engine.run("DESCRIBE information_schema.tables", None).await.unwrap();
    assert!(!described.rows.is_empty());
}

#[tokio::test]
async fn a_small_parquet_file_is_not_read_whole_to_find_its_footer() {
    let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
    let body = puddle_datagen::sales_parquet(20_000).unwrap();
    let size = body.len() as u64;
    store.put(&object_store::path::Path::from("b/p/sales.parquet"), body.into()).await.unwrap();
    let catalog = Arc::new(puddle_catalog::Catalog::load(Arc::clone(&store)).await.unwrap());
    let engine = SqlEngine::new(store, catalog);
    engine.run("CREATE EXTERNAL TABLE p STORED AS PARQUET LOCATION 's3://b/p/'", None).await.unwrap();
    let res = engine.run("SELECT region, COUNT(*) FROM p GROUP BY region", None).await.unwrap();
    assert_eq!(res.rows.len(), 8);
    assert!(
        res.stats.bytes_scanned * 3 < size,
        "one column of five and the footer: {} of {size} bytes",
        res.stats.bytes_scanned
    );
}
