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

/// Issue 12: CTAS and INSERT INTO write through the S3 layer: an event per object, a content
/// type, and the old version kept when an INSERT INTO overwrites a key in a versioned bucket.
#[tokio::test]
async fn writes_go_through_the_s3_layer() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let s3 = puddle_store::S3::new(Arc::clone(&store));
    for bucket in ["raw-1", "out-1"] {
        s3.create_bucket(bucket).await.unwrap();
    }
    s3.put_object("raw-1", "sales/sales.csv", puddle_datagen::sales_csv(100).into()).await.unwrap();
    s3.put_bucket_versioning("out-1", "Enabled").await.unwrap();
    s3.bus().drain();
    let catalog = Arc::new(Catalog::load(Arc::clone(&store)).await.unwrap());
    let engine = SqlEngine::with_s3(s3.clone(), catalog);
    engine.run("CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION 's3://raw-1/sales/'", None).await.unwrap();
    let fixed = RunOptions { query_id: Some("q1".into()), ..Default::default() };
    engine
        .run_with(
            "CREATE TABLE t WITH (format = 'JSON', external_location = 's3://out-1/t/') AS SELECT id FROM sales",
            None,
            &fixed,
        )
        .await
        .unwrap();
    let events = s3.bus().drain();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!((events[0].bucket.as_str(), events[0].key.as_str()), ("out-1", "t/q1_00000.json"));
    assert_eq!(events[0].event_name, "ObjectCreated:Put");
    let head = s3.head_object("out-1", "t/q1_00000.json").await.unwrap();
    assert_eq!(head.content_type.as_deref(), Some("application/json"));

    // The same execution id again overwrites that key: the bucket keeps the first version.
    engine.run_with("INSERT INTO t SELECT id FROM sales WHERE id <= 10", None, &fixed).await.unwrap();
    let versions = s3.list_object_versions("out-1", "t/").await.unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(s3.bus().drain().len(), 1);
}

/// Issue 12: Redshift local tables are lake records written by the S3 layer with a content
/// type, and publish no S3 event (they are not S3 objects in Redshift either).
#[tokio::test]
async fn redshift_local_tables_are_typed_records_without_events() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let s3 = puddle_store::S3::new(Arc::clone(&store));
    let catalog = Arc::new(Catalog::load(Arc::clone(&store)).await.unwrap());
    let engine = SqlEngine::with_s3(s3.clone(), catalog);
    engine.run("CREATE TABLE targets (region VARCHAR(10), target INTEGER)", None).await.unwrap();
    engine.run("INSERT INTO targets VALUES ('NSW', 10), ('VIC', 20)", None).await.unwrap();
    assert!(s3.bus().drain().is_empty());
    let files = keys(&store, "_meta/redshift").await;
    assert_eq!(files.len(), 2, "{files:?}");
    for file in files {
        let res = store.get(&Path::from(file.as_str())).await.unwrap();
        let content_type = res.attributes.get(&object_store::Attribute::ContentType).map(|v| v.as_ref().to_string());
        let expected = if file.ends_with(".json") { "application/json" } else { "application/vnd.apache.parquet" };
        assert_eq!(content_type.as_deref(), Some(expected), "{file}");
    }
    let res = engine.run("SELECT SUM(target) FROM targets", None).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(30)]]);
    // A drop removes both; a new table of the same name starts empty.
    engine.run("DROP TABLE targets", None).await.unwrap();
    assert!(keys(&store, "_meta/redshift").await.is_empty());
}

/// Issue 12: a query over an archived object fails with `InvalidObjectState` until restored.
#[tokio::test]
async fn queries_over_archived_objects_fail_until_restored() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let s3 = puddle_store::S3::new(Arc::clone(&store));
    s3.create_bucket("raw-1").await.unwrap();
    let cold = puddle_store::PutObjectOptions { storage_class: Some("GLACIER".into()), ..Default::default() };
    s3.put_object_with("raw-1", "sales/a.parquet", puddle_datagen::sales_parquet(50).unwrap().into(), &cold)
        .await
        .unwrap();
    let catalog = Arc::new(Catalog::load(Arc::clone(&store)).await.unwrap());
    let engine = SqlEngine::with_s3(s3.clone(), catalog);
    let input = puddle_api::CreateTableInput {
        database: "default".into(),
        name: "sales".into(),
        location: "s3://raw-1/sales/".into(),
        format: puddle_api::DataFormat::Parquet,
    };
    let err = engine.create_table_from_files(&input).await.unwrap_err();
    assert_eq!(err.code(), "InvalidObjectState", "{err}");
    s3.restore_object("raw-1", "sales/a.parquet", 1, "Expedited").await.unwrap();
    s3.clock().advance(chrono::Duration::minutes(6));
    engine.create_table_from_files(&input).await.unwrap();
    s3.clock().advance(chrono::Duration::days(2));
    let err = engine.run("SELECT COUNT(*) FROM sales", None).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidObjectState(m) if m.contains("s3://raw-1/sales/a.parquet is in GLACIER")),
        "{err:?}"
    );
}
