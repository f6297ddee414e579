//! The whole engine in the browser: DataFusion compiled to wasm32, reading the IndexedDB store.
#![cfg(target_arch = "wasm32")]

use std::{collections::BTreeMap, sync::Arc};

use puddle_api::{CreateTableInput, DataFormat};
use puddle_lake::Lake;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const LAB: &str = "SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region ORDER BY region";

fn expected(n: u64) -> Vec<Vec<Value>> {
    let mut counts = BTreeMap::new();
    for row in puddle_datagen::sales(n) {
        *counts.entry(row.region).or_insert(0i64) += 1;
    }
    counts.into_iter().map(|(r, c)| vec![Value::from(r), Value::from(c)]).collect()
}

async fn open(name: &str) -> Lake {
    Lake::open(Arc::new(puddle_store_idb::open(name).await.unwrap())).await.unwrap()
}

#[wasm_bindgen_test]
async fn lab_query_over_csv_and_parquet_in_indexeddb_survives_reopen() {
    let db = "puddle-test-lake-1";
    let _ = puddle_store_idb::delete_database(db).await;
    let lake = open(db).await;
    assert_eq!(lake.exec("aws s3 mb s3://data-lake-raw-123").await.exit_code, 0);
    lake.generate_sales("data-lake-raw-123", "csv/sales.csv", 20_000, DataFormat::Csv).await.unwrap();
    lake.generate_sales("data-lake-raw-123", "pq/sales.parquet", 20_000, DataFormat::Parquet).await.unwrap();
    for (dir, format, name) in [("csv", DataFormat::Csv, "sales_data"), ("pq", DataFormat::Parquet, "sales_pq")] {
        let input = CreateTableInput {
            database: "sales_db".into(),
            name: name.into(),
            location: format!("s3://data-lake-raw-123/{dir}/"),
            format,
        };
        lake.create_table(&input).await.unwrap();
    }
    let csv = lake.sql(LAB, Some("sales_db")).await.unwrap();
    assert_eq!(csv.rows, expected(20_000));
    let pq = lake.sql(&LAB.replace("sales_data", "sales_pq"), Some("sales_db")).await.unwrap();
    assert_eq!(pq.rows, expected(20_000));
    assert!(pq.stats.bytes_scanned < csv.stats.bytes_scanned, "parquet reads only the region column");
    drop(lake);

    // A new lake over the same IndexedDB database: buckets, objects and tables are all back.
    let lake = open(db).await;
    assert!(lake.exec("aws s3 ls").await.stdout.contains("data-lake-raw-123"));
    assert_eq!(lake.sql(LAB, Some("sales_db")).await.unwrap().rows, expected(20_000));
}

#[wasm_bindgen_test]
async fn bad_input_in_the_browser_is_an_error_not_a_panic() {
    let db = "puddle-test-lake-2";
    let _ = puddle_store_idb::delete_database(db).await;
    let lake = open(db).await;
    lake.exec("aws s3 mb s3://raw-1").await;
    lake.put_object("raw-1", "bad/x.csv", "a,b\n1,2\n3,4,5\n".into(), None).await.unwrap();
    lake.sql("CREATE EXTERNAL TABLE bad (a BIGINT, b BIGINT) STORED AS CSV LOCATION 's3://raw-1/bad/'", None)
        .await
        .unwrap();
    let err = lake.sql("SELECT * FROM bad", None).await.unwrap_err();
    assert!(err.message.to_lowercase().contains("csv"), "{err}");
    assert_eq!(lake.sql("SELEC 1", None).await.unwrap_err().code, "InvalidRequestException");
    lake.put_object("raw-1", "pq/broken.parquet", "PAR1 this is not parquet".into(), None).await.unwrap();
    let err = lake
        .create_table(&CreateTableInput {
            database: "default".into(),
            name: "broken".into(),
            location: "s3://raw-1/pq/".into(),
            format: DataFormat::Parquet,
        })
        .await
        .unwrap_err();
    assert!(!err.message.is_empty());
    // The lake still answers.
    assert_eq!(lake.sql("SELECT 1 AS one", None).await.unwrap().rows, vec![vec![Value::from(1)]]);
}

#[wasm_bindgen_test]
async fn athena_ddl_views_ctas_and_unions_run_in_wasm() {
    let db = "puddle-test-lake-3";
    let _ = puddle_store_idb::delete_database(db).await;
    let lake = open(db).await;
    assert_eq!(lake.exec("aws s3 mb s3://raw-1").await.exit_code, 0);
    assert_eq!(lake.exec("aws s3 mb s3://out-1").await.exit_code, 0);
    lake.generate_sales("raw-1", "sales/year=2025/sales.csv", 5_000, DataFormat::Csv).await.unwrap();
    for sql in [
        "CREATE DATABASE sales_db",
        "CREATE EXTERNAL TABLE sales_db.sales_data (id bigint, region string, product string, amount double, ts timestamp) \
         PARTITIONED BY (year string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://raw-1/sales/' \
         TBLPROPERTIES ('skip.header.line.count'='1')",
        "MSCK REPAIR TABLE sales_db.sales_data",
        "CREATE VIEW sales_db.nsw AS SELECT id, amount FROM sales_data WHERE region = 'NSW'",
        "CREATE TABLE sales_db.by_region WITH (format = 'PARQUET', external_location = 's3://out-1/by_region/', \
         partitioned_by = ARRAY['region']) AS SELECT product, amount, region FROM sales_db.sales_data",
    ] {
        lake.sql(sql, Some("sales_db")).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // Multi-partition plans (UNION ALL, and the per-region files of the CTAS table) must not spawn tasks.
    let union = lake
        .sql("SELECT region, COUNT(*) FROM (SELECT region FROM by_region UNION ALL SELECT region FROM sales_data) GROUP BY region ORDER BY region", Some("sales_db"))
        .await
        .unwrap();
    let doubled: Vec<Vec<Value>> =
        expected(5_000).into_iter().map(|r| vec![r[0].clone(), Value::from(r[1].as_i64().unwrap() * 2)]).collect();
    assert_eq!(union.rows, doubled);
    let nsw = lake.sql("SELECT COUNT(*) FROM nsw", Some("sales_db")).await.unwrap();
    let from_ctas = lake.sql("SELECT COUNT(*) FROM by_region WHERE region = 'NSW'", Some("sales_db")).await.unwrap();
    assert_eq!(nsw.rows, from_ctas.rows);
    let formatted = lake.sql("SELECT date_format(MIN(ts), '%Y') FROM sales_data", Some("sales_db")).await.unwrap();
    assert!(formatted.rows[0][0].is_string());
}
