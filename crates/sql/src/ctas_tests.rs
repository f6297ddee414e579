//! Tests of CTAS, INSERT INTO, EXPLAIN and the data usage limit through [`SqlEngine`].

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::Catalog;
use serde_json::Value;

use crate::{Error, RunOptions, SqlEngine};

async fn lake() -> (Arc<dyn ObjectStore>, Arc<Catalog>, SqlEngine) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    for bucket in ["raw", "out"] {
        store.put(&Path::from_iter(["_meta", "buckets", bucket]), PutPayload::from_static(b"")).await.unwrap();
    }
    store.put(&Path::from("raw/sales/sales.csv"), PutPayload::from(puddle_datagen::sales_csv(1000))).await.unwrap();
    let engine = SqlEngine::new(store.clone(), catalog.clone());
    engine.run("CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION 's3://raw/sales/'", None).await.unwrap();
    (store, catalog, engine)
}

async fn keys(store: &Arc<dyn ObjectStore>, prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> =
        store.list(Some(&Path::from(prefix))).map_ok(|m| m.location.to_string()).try_collect().await.unwrap();
    keys.sort();
    keys
}

fn region_counts(n: u64) -> Vec<Vec<Value>> {
    let mut counts = std::collections::BTreeMap::new();
    for row in puddle_datagen::sales(n) {
        *counts.entry(row.region).or_insert(0i64) += 1;
    }
    counts.into_iter().map(|(r, c)| vec![Value::from(r), Value::from(c)]).collect()
}

#[tokio::test]
async fn ctas_writes_partitioned_parquet_and_registers_the_table() {
    let (store, catalog, engine) = lake().await;
    let res = engine
        .run(
            "CREATE TABLE by_region WITH (format = 'PARQUET', external_location = 's3://out/by_region/', \
             partitioned_by = ARRAY['region']) AS SELECT id, amount, region FROM sales",
            None,
        )
        .await
        .unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(1000)]]);
    assert!(res.stats.bytes_scanned > 0 && res.stats.billed_bytes > 0, "CTAS is billed for what it reads");
    let t = catalog.get_table("default", "by_region").unwrap();
    assert_eq!((t.classification.as_str(), t.location.as_str()), ("parquet", "s3://out/by_region/"));
    assert_eq!(t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["id", "amount"]);
    assert_eq!(t.partition_keys[0].name, "region");
    assert_eq!(t.partitions.len(), 8);
    let files = keys(&store, "out/by_region").await;
    assert_eq!(files.len(), 8);
    assert!(files.iter().all(|k| k.starts_with("out/by_region/region=") && k.ends_with(".parquet")), "{files:?}");

    let q = "SELECT region, COUNT(*) AS n FROM by_region GROUP BY region ORDER BY region";
    assert_eq!(engine.run(q, None).await.unwrap().rows, region_counts(1000));
    let nsw = engine.run("SELECT COUNT(*) FROM by_region WHERE region = 'NSW'", None).await.unwrap();
    let all = engine.run("SELECT COUNT(*) FROM by_region", None).await.unwrap();
    assert!(nsw.stats.bytes_scanned < all.stats.bytes_scanned / 4, "partition pruning reads one folder");

    // The target folder must be empty, and the name free.
    let again = engine
        .run("CREATE TABLE other WITH (external_location = 's3://out/by_region/') AS SELECT 1 AS x", None)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("HIVE_PATH_ALREADY_EXISTS"), "{again}");
    let dup = engine.run("CREATE TABLE by_region AS SELECT 1 AS x", None).await.unwrap_err();
    assert_eq!(dup.code(), "AlreadyExistsException");
    let order = engine
        .run(
            "CREATE TABLE bad WITH (external_location = 's3://out/bad/', partitioned_by = ARRAY['region']) AS SELECT region, id FROM sales",
            None,
        )
        .await
        .unwrap_err();
    assert!(order.to_string().contains("last columns"), "{order}");
    let nowhere = engine.run("CREATE TABLE t2 AS SELECT 1 AS x", None).await.unwrap_err();
    assert!(nowhere.to_string().contains("external_location"), "{nowhere}");
    let no_bucket = engine
        .run("CREATE TABLE t2 WITH (external_location = 's3://nope/x/') AS SELECT 1 AS x", None)
        .await
        .unwrap_err();
    assert!(no_bucket.to_string().contains("bucket does not exist"), "{no_bucket}");
    assert!(keys(&store, "out/bad").await.is_empty(), "a failed CTAS writes nothing");
}

#[tokio::test]
async fn ctas_defaults_to_the_output_location_and_insert_into_appends() {
    let (store, catalog, engine) = lake().await;
    let opts = RunOptions {
        query_id: Some("q-1".into()),
        output_location: Some("s3://out/results".into()),
        ..RunOptions::default()
    };
    engine
        .run_with(
            "CREATE TABLE nsw WITH (format = 'JSON') AS SELECT id, region FROM sales WHERE region = 'NSW'",
            None,
            &opts,
        )
        .await
        .unwrap();
    let t = catalog.get_table("default", "nsw").unwrap();
    assert_eq!((t.location.as_str(), t.classification.as_str()), ("s3://out/results/tables/q-1/", "json"));
    assert_eq!(keys(&store, "out/results/tables/q-1").await, ["out/results/tables/q-1/q-1_00000.json"]);
    let before = engine.run("SELECT COUNT(*) FROM nsw", None).await.unwrap().rows[0][0].as_i64().unwrap();

    let inserted = engine.run("INSERT INTO nsw SELECT id, region FROM sales WHERE region = 'NSW'", None).await.unwrap();
    assert_eq!(inserted.rows, vec![vec![Value::from(before)]]);
    engine.run("INSERT INTO nsw VALUES (-1, 'NSW')", None).await.unwrap();
    let after = engine.run("SELECT COUNT(*) FROM nsw", None).await.unwrap().rows[0][0].as_i64().unwrap();
    assert_eq!(after, 2 * before + 1);
    assert_eq!(keys(&store, "out/results/tables/q-1").await.len(), 3, "each INSERT adds a file");

    // INSERT into a partitioned CSV table adds the partition to the catalog.
    engine
        .run(
            "CREATE TABLE parts WITH (format = 'TEXTFILE', external_location = 's3://out/parts/', partitioned_by = ARRAY['region']) \
             AS SELECT id, region FROM sales WHERE region = 'VIC'",
            None,
        )
        .await
        .unwrap();
    engine.run("INSERT INTO parts SELECT id, region FROM sales WHERE region IN ('VIC', 'TAS')", None).await.unwrap();
    let parts = engine.run("SHOW PARTITIONS parts", None).await.unwrap();
    assert_eq!(parts.rows, vec![vec![Value::from("region=TAS")], vec![Value::from("region=VIC")]]);
    let counts = engine.run("SELECT region, COUNT(*) FROM parts GROUP BY region ORDER BY region", None).await.unwrap();
    let expected: Vec<_> = region_counts(1000)
        .into_iter()
        .filter(|r| r[0] == "TAS" || r[0] == "VIC")
        .map(|r| if r[0] == "VIC" { vec![r[0].clone(), Value::from(r[1].as_i64().unwrap() * 2)] } else { r })
        .collect();
    assert_eq!(counts.rows, expected);
    engine.run("CREATE VIEW v AS SELECT 1 AS x", None).await.unwrap();
    assert!(engine.run("INSERT INTO v VALUES (2)", None).await.is_err());
}

#[tokio::test]
async fn explain_is_free_and_the_scan_limit_cancels_queries() {
    let (_, _, engine) = lake().await;
    let plan = engine.run("EXPLAIN SELECT region, COUNT(*) FROM sales GROUP BY region", None).await.unwrap();
    assert_eq!(plan.columns, ["plan_type", "plan"]);
    assert!(plan.rows.iter().any(|r| r[1].as_str().unwrap_or_default().contains("Aggregate")));
    assert_eq!((plan.stats.bytes_scanned, plan.stats.billed_bytes), (0, 0), "EXPLAIN reads nothing");
    let analyzed =
        engine.run("EXPLAIN ANALYZE SELECT region, COUNT(*) FROM sales GROUP BY region", None).await.unwrap();
    assert!(analyzed.rows.iter().any(|r| r[1].as_str().unwrap_or_default().contains("output_rows")));
    assert!(analyzed.stats.bytes_scanned > 0, "EXPLAIN ANALYZE runs the query");

    let opts = RunOptions { bytes_scanned_cutoff: Some(1000), ..RunOptions::default() };
    let err = engine.run_with("SELECT COUNT(*) FROM sales", None, &opts).await.unwrap_err();
    assert!(matches!(err, Error::BytesScannedLimitExceeded { bytes_scanned } if bytes_scanned > 1000), "{err:?}");
    assert_eq!(err.to_string(), "Query cancelled! : Bytes scanned limit was exceeded");
    let roomy = RunOptions { bytes_scanned_cutoff: Some(10 << 20), ..RunOptions::default() };
    engine.run_with("SELECT COUNT(*) FROM sales", None, &roomy).await.unwrap();
    // The engine stays usable after a cancelled query.
    assert_eq!(engine.run("SELECT COUNT(*) FROM sales", None).await.unwrap().rows, vec![vec![Value::from(1000)]]);
}

#[tokio::test]
async fn redshift_local_tables_load_parquet_and_stay_out_of_the_catalog() {
    let (store, catalog, engine) = lake().await;
    store
        .put(&Path::from("raw/pq/a.parquet"), PutPayload::from(puddle_datagen::sales_parquet(300).unwrap()))
        .await
        .unwrap();
    engine.run("CREATE TABLE local_sales (region VARCHAR(8), amount DOUBLE PRECISION, id BIGINT)", None).await.unwrap();
    let loaded = engine
        .run("COPY local_sales FROM 's3://raw/pq/' IAM_ROLE 'arn:aws:iam::123456789012:role/R' FORMAT AS PARQUET", None)
        .await
        .unwrap();
    assert_eq!(loaded.rows, vec![vec![Value::from(300)]]);
    let n = engine.run("SELECT COUNT(*) FROM local_sales WHERE id >= 0", None).await.unwrap();
    assert_eq!(n.rows, vec![vec![Value::from(300)]], "columns are matched by name, not position");
    let files = keys(&store, "_meta/redshift/data/public/local_sales").await;
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(catalog.tables(None).iter().all(|t| t.name != "local_sales"), "not a Glue table");
    assert!(engine.run("SELECT COUNT(*) FROM public.local_sales", None).await.is_ok());
    engine.run("DROP TABLE local_sales", None).await.unwrap();
    assert!(keys(&store, "_meta/redshift").await.is_empty(), "rows and definition are gone");
}
