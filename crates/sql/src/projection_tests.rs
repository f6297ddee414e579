//! Partition projection through [`SqlEngine::run`].

use std::sync::Arc;

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::Catalog;
use serde_json::Value;

use crate::SqlEngine;

async fn lake() -> SqlEngine {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    for (path, body) in [
        ("logs/2024/12/a.csv", "id,kind\n1,view\n2,buy\n"),
        ("logs/2025/01/b.csv", "id,kind\n3,view\n"),
        ("logs/2025/02/c.csv", "id,kind\n4,buy\n5,buy\n"),
        ("hive/region=NSW/day=2025-01-01/a.json", "{\"n\": 1}\n"),
        ("hive/region=VIC/day=2025-01-02/a.json", "{\"n\": 2}\n"),
        ("hive/region=WA/day=2025-01-01/a.json", "{\"n\": 4}\n"),
        ("hive/elsewhere/a.json", "{\"n\": 16}\n"),
        ("other/sa/a.json", "{\"n\": 8}\n"),
    ] {
        store.put(&Path::from(path), PutPayload::from(body.as_bytes().to_vec())).await.unwrap();
    }
    SqlEngine::new(store.clone(), Arc::new(Catalog::load(store).await.unwrap()))
}

fn ints(rows: &[Vec<Value>]) -> Vec<i64> {
    rows.iter().map(|r| r[0].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn integer_projection_with_a_location_template() {
    let e = lake().await;
    e.run(
        "CREATE EXTERNAL TABLE logs (id bigint, kind string) PARTITIONED BY (year int, month string)
         ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://logs/'
         TBLPROPERTIES ('skip.header.line.count'='1', 'projection.enabled'='true',
           'projection.year.type'='integer', 'projection.year.range'='2024,2025',
           'projection.month.type'='integer', 'projection.month.range'='1,12', 'projection.month.digits'='2',
           'storage.location.template'='s3://logs/${year}/${month}/')",
        None,
    )
    .await
    .unwrap();
    let all = e.run("SELECT id FROM logs ORDER BY id", None).await.unwrap();
    assert_eq!(ints(&all.rows), [1, 2, 3, 4, 5], "no MSCK REPAIR needed");
    let feb =
        e.run("SELECT id, year, month FROM logs WHERE year = 2025 AND month = '02' ORDER BY id", None).await.unwrap();
    assert_eq!(feb.rows[0], vec![Value::from(4), Value::from(2025), Value::from("02")]);
    assert!(
        feb.stats.bytes_scanned < all.stats.bytes_scanned / 2,
        "projection prunes: {} vs {}",
        feb.stats.bytes_scanned,
        all.stats.bytes_scanned
    );
    let by_year = e.run("SELECT year, COUNT(*) FROM logs GROUP BY year ORDER BY year", None).await.unwrap();
    assert_eq!(by_year.rows, vec![vec![Value::from(2024), Value::from(2)], vec![Value::from(2025), Value::from(3)]]);
}

#[tokio::test]
async fn enum_date_and_injected_projections_and_misconfiguration() {
    let e = lake().await;
    e.run(
        "CREATE EXTERNAL TABLE hive (n bigint) PARTITIONED BY (region string, day string) STORED AS JSON LOCATION 's3://hive/'
         TBLPROPERTIES ('projection.enabled'='true', 'projection.region.type'='enum', 'projection.region.values'='NSW,VIC',
           'projection.day.type'='date', 'projection.day.format'='yyyy-MM-dd', 'projection.day.range'='2025-01-01,2025-01-03')",
        None,
    )
    .await
    .unwrap();
    let sum = e.run("SELECT SUM(n) FROM hive", None).await.unwrap();
    assert_eq!(sum.rows, vec![vec![Value::from(3)]], "WA is not a projected region");
    let one = e.run("SELECT n FROM hive WHERE region = 'VIC' AND day = '2025-01-02'", None).await.unwrap();
    assert_eq!(ints(&one.rows), [2]);

    e.run(
        "CREATE EXTERNAL TABLE injected (n bigint) PARTITIONED BY (region string, day string) STORED AS JSON LOCATION 's3://hive/'
         TBLPROPERTIES ('projection.enabled'='true', 'projection.region.type'='injected',
           'projection.day.type'='date', 'projection.day.format'='yyyy-MM-dd', 'projection.day.range'='NOW-1DAYS,NOW')",
        None,
    )
    .await
    .unwrap();
    let wa = e.run("SELECT n FROM injected WHERE region = 'WA'", None).await.unwrap();
    assert_eq!(ints(&wa.rows), [4], "injected keys over Hive folders are listed");

    e.run(
        "CREATE EXTERNAL TABLE broken (n bigint) PARTITIONED BY (region string) STORED AS JSON LOCATION 's3://hive/'
         TBLPROPERTIES ('projection.enabled'='true')",
        None,
    )
    .await
    .unwrap();
    let err = e.run("SELECT * FROM broken", None).await.unwrap_err();
    assert!(err.to_string().contains("region has no projection.region.type"), "{err}");
    e.run(
        "CREATE EXTERNAL TABLE huge (n bigint) PARTITIONED BY (k int) STORED AS JSON LOCATION 's3://hive/'
         TBLPROPERTIES ('projection.enabled'='true', 'projection.k.type'='integer', 'projection.k.range'='1,99999999')",
        None,
    )
    .await
    .unwrap();
    assert!(e.run("SELECT * FROM huge", None).await.unwrap_err().to_string().contains("too large"));
}

#[tokio::test]
async fn partitions_added_with_a_location_elsewhere_are_read() {
    let e = lake().await;
    e.run(
        "CREATE EXTERNAL TABLE ev (n bigint) PARTITIONED BY (region string, day string) STORED AS JSON LOCATION 's3://hive/'",
        None,
    )
    .await
    .unwrap();
    let sum = |sql: &'static str| {
        let e = &e;
        async move { e.run(sql, None).await.unwrap().rows[0][0].clone() }
    };
    // With no partition registered Puddle lists the Hive folders (Athena would need MSCK REPAIR
    // TABLE first); files outside Hive folders are not read.
    assert_eq!(sum("SELECT SUM(n) FROM ev").await, Value::from(7), "files outside Hive folders are not read");
    e.run("ALTER TABLE ev ADD PARTITION (region='NSW', day='2025-01-01')", None).await.unwrap();
    // Once partitions are registered, only they are read, as in Athena.
    assert_eq!(sum("SELECT SUM(n) FROM ev").await, Value::from(1), "only registered partitions are read");
    e.run("ALTER TABLE ev ADD PARTITION (region='SA', day='2025-01-09') LOCATION 's3://other/sa/'", None)
        .await
        .unwrap();
    e.run("ALTER TABLE ev ADD PARTITION (region='QLD', day='2025-01-09') LOCATION 's3://hive/elsewhere/'", None)
        .await
        .unwrap();
    assert_eq!(sum("SELECT SUM(n) FROM ev").await, Value::from(1 + 8 + 16));
    assert_eq!(sum("SELECT SUM(n) FROM ev WHERE region = 'SA'").await, Value::from(8));
    assert_eq!(sum("SELECT COUNT(*) FROM ev WHERE day = '2025-01-09'").await, Value::from(2));
    let pruned = e.run("SELECT SUM(n) FROM ev WHERE region = 'NSW'", None).await.unwrap();
    assert_eq!(pruned.rows, vec![vec![Value::from(1)]]);
}

#[tokio::test]
async fn union_plans_never_spawn_tasks() {
    let e = lake().await;
    e.run(
        "CREATE EXTERNAL TABLE hive (n bigint) PARTITIONED BY (region string, day string) STORED AS JSON LOCATION 's3://hive/'
         TBLPROPERTIES ('projection.enabled'='true', 'projection.region.type'='enum', 'projection.region.values'='NSW,VIC,WA',
           'projection.day.type'='date', 'projection.day.format'='yyyy-MM-dd', 'projection.day.range'='2025-01-01,2025-01-02')",
        None,
    )
    .await
    .unwrap();
    for sql in [
        "SELECT * FROM hive",
        "SELECT region, SUM(n) FROM hive GROUP BY region",
        "SELECT n FROM hive ORDER BY n LIMIT 2",
        "SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3",
        "SELECT a.n FROM hive a JOIN hive b ON a.n = b.n",
    ] {
        let plan = e.run(&format!("EXPLAIN {sql}"), None).await.unwrap();
        let text: String = plan.rows.iter().map(|r| format!("{}\n", r[1].as_str().unwrap_or_default())).collect();
        assert!(!text.contains("CoalescePartitionsExec") && !text.contains("RepartitionExec"), "{sql}:\n{text}");
        e.run(sql, None).await.unwrap();
    }
    let sum = e.run("SELECT SUM(n) FROM hive", None).await.unwrap();
    assert_eq!(sum.rows, vec![vec![Value::from(7)]]);
    let plan = e.run("EXPLAIN SELECT * FROM hive", None).await.unwrap();
    assert!(plan.rows.iter().any(|r| r[1].as_str().unwrap_or_default().contains("ConcatPartitionsExec")));
}
