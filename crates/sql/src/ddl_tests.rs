//! Tests of Athena's Hive DDL through [`SqlEngine::run`].

use std::sync::Arc;

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::Catalog;
use serde_json::Value;

use crate::SqlEngine;

async fn lake() -> (Arc<dyn ObjectStore>, Arc<Catalog>, SqlEngine) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    (store.clone(), catalog.clone(), SqlEngine::new(store, catalog))
}

async fn put(store: &Arc<dyn ObjectStore>, path: &str, body: &str) {
    store.put(&Path::from(path), PutPayload::from(body.as_bytes().to_vec())).await.unwrap();
}

fn strings(rows: &[Vec<Value>]) -> Vec<String> {
    rows.iter().map(|r| r.iter().map(|v| v.as_str().unwrap_or_default()).collect::<Vec<_>>().join("|")).collect()
}

const SALES_DDL: &str = "CREATE EXTERNAL TABLE sales_db.sales (id bigint, region string, amount double)
    PARTITIONED BY (year string)
    ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
    STORED AS TEXTFILE
    LOCATION 's3://raw/sales/'
    TBLPROPERTIES ('skip.header.line.count'='1')";

async fn partitioned_sales() -> (Arc<dyn ObjectStore>, Arc<Catalog>, SqlEngine) {
    let (store, catalog, engine) = lake().await;
    put(&store, "raw/sales/year=2024/a.csv", "id,region,amount\n1,NSW,10\n2,VIC,5\n").await;
    put(&store, "raw/sales/year=2025/b.csv", "id,region,amount\n3,NSW,1.5\n").await;
    engine.run("CREATE DATABASE sales_db COMMENT 'course'", None).await.unwrap();
    let created = engine.run(SALES_DDL, None).await.unwrap();
    assert_eq!((created.stats.billed_bytes, created.stats.cost_usd), (0, 0.0), "DDL is free");
    (store, catalog, engine)
}

#[tokio::test]
async fn hive_ddl_partitions_and_msck_repair() {
    let (store, catalog, engine) = partitioned_sales().await;
    let t = catalog.get_table("sales_db", "sales").unwrap();
    assert_eq!((t.classification.as_str(), t.parameters["skip.header.line.count"].as_str()), ("csv", "1"));
    assert!(t.partitions.is_empty());

    let q = "SELECT year, SUM(amount) AS total FROM sales GROUP BY year ORDER BY year";
    let res = engine.run(q, Some("sales_db")).await.unwrap();
    assert_eq!(
        res.rows,
        vec![vec![Value::from("2024"), Value::from(15.0)], vec![Value::from("2025"), Value::from(1.5)]]
    );

    let repaired = engine.run("MSCK REPAIR TABLE sales", Some("sales_db")).await.unwrap();
    assert_eq!(
        strings(&repaired.rows),
        [
            "Partitions not in metastore:\tsales:year=2024",
            "Partitions not in metastore:\tsales:year=2025",
            "Repair: Added partition to metastore sales:year=2024",
            "Repair: Added partition to metastore sales:year=2025",
        ]
    );
    assert_eq!(repaired.stats.billed_bytes, 0);
    let again = engine.run("MSCK REPAIR TABLE sales_db.sales", None).await.unwrap();
    assert!(again.rows.is_empty(), "nothing new to add");
    let parts = engine.run("SHOW PARTITIONS sales_db.sales", None).await.unwrap();
    assert_eq!(parts.columns, ["partition"]);
    assert_eq!(strings(&parts.rows), ["year=2024", "year=2025"]);
    assert_eq!(catalog.get_table("sales_db", "sales").unwrap().partitions[1].location, "s3://raw/sales/year=2025/");

    engine
        .run("ALTER TABLE sales_db.sales ADD PARTITION (year='2026') LOCATION 's3://raw/other/2026'", None)
        .await
        .unwrap();
    let dup = engine.run("ALTER TABLE sales_db.sales ADD PARTITION (year='2026')", None).await.unwrap_err();
    assert_eq!(dup.code(), "AlreadyExistsException");
    engine.run("ALTER TABLE sales_db.sales ADD IF NOT EXISTS PARTITION (year='2026')", None).await.unwrap();
    let added = catalog.get_table("sales_db", "sales").unwrap();
    assert_eq!(added.partitions.last().unwrap().location, "s3://raw/other/2026/");
    let bad_key = engine.run("ALTER TABLE sales_db.sales ADD PARTITION (month='1')", None).await.unwrap_err();
    assert!(bad_key.to_string().contains("month"), "{bad_key}");
    engine.run("ALTER TABLE sales_db.sales DROP PARTITION (year='2026'), PARTITION (year='2024')", None).await.unwrap();
    let parts = engine.run("SHOW PARTITIONS sales_db.sales", None).await.unwrap();
    assert_eq!(strings(&parts.rows), ["year=2025"]);
    let missing = engine.run("ALTER TABLE sales_db.sales DROP PARTITION (year='1999')", None).await.unwrap_err();
    assert_eq!(missing.code(), "EntityNotFoundException");
    engine.run("ALTER TABLE sales_db.sales DROP IF EXISTS PARTITION (year='1999')", None).await.unwrap();

    // The catalog record is persisted: a reloaded catalog has the partitions.
    let reloaded = Catalog::load(store).await.unwrap();
    assert_eq!(reloaded.get_table("sales_db", "sales").unwrap().partitions.len(), 1);
}

#[tokio::test]
async fn show_describe_and_show_create_table_round_trip() {
    let (_, catalog, engine) = partitioned_sales().await;
    let tables = engine.run("SHOW TABLES IN sales_db", None).await.unwrap();
    assert_eq!((tables.columns.clone(), strings(&tables.rows)), (vec!["tab_name".to_string()], vec!["sales".into()]));
    assert!(engine.run("SHOW TABLES IN sales_db 'x*'", None).await.unwrap().rows.is_empty());
    let cols = engine.run("SHOW COLUMNS IN sales FROM sales_db", None).await.unwrap();
    assert_eq!(strings(&cols.rows), ["id", "region", "amount", "year"]);
    let desc = engine.run("DESCRIBE sales_db.sales", None).await.unwrap();
    assert_eq!(desc.columns, ["col_name", "data_type", "comment"]);
    let desc = strings(&desc.rows);
    assert_eq!(desc[..4], ["id|bigint|", "region|string|", "amount|double|", "year|string|"]);
    assert!(desc.contains(&"# Partition Information||".to_string()), "{desc:?}");

    let ddl = engine.run("SHOW CREATE TABLE sales_db.sales", None).await.unwrap();
    assert_eq!(ddl.columns, ["createtab_stmt"]);
    let text = strings(&ddl.rows).join("\n");
    assert!(text.starts_with("CREATE EXTERNAL TABLE `sales_db`.`sales`("), "{text}");
    assert!(text.contains("'skip.header.line.count'='1'"), "{text}");
    let before = catalog.get_table("sales_db", "sales").unwrap();
    engine.run("DROP TABLE sales_db.sales", None).await.unwrap();
    engine.run(&text, None).await.unwrap();
    let after = catalog.get_table("sales_db", "sales").unwrap();
    assert_eq!(
        (after.columns, after.partition_keys, after.parameters, after.classification),
        (before.columns, before.partition_keys, before.parameters, before.classification),
        "SHOW CREATE TABLE output recreates the same table"
    );
    assert!(engine.run("SHOW CREATE VIEW sales_db.sales", None).await.unwrap_err().to_string().contains("not a view"));
    // Not in the catalog: DataFusion's DESCRIBE still answers.
    assert!(!engine.run("DESCRIBE information_schema.tables", None).await.unwrap().rows.is_empty());
}

#[tokio::test]
async fn databases_ddl_and_errors() {
    let (store, _, engine) = partitioned_sales().await;
    let not_empty = engine.run("DROP DATABASE sales_db", None).await.unwrap_err();
    assert!(not_empty.to_string().contains("CASCADE"), "{not_empty}");
    engine.run("DROP DATABASE sales_db CASCADE", None).await.unwrap();
    engine.run("DROP DATABASE IF EXISTS sales_db", None).await.unwrap();
    assert_eq!(engine.run("DROP DATABASE sales_db", None).await.unwrap_err().code(), "EntityNotFoundException");
    assert_eq!(engine.run(SALES_DDL, None).await.unwrap_err().code(), "EntityNotFoundException");

    engine.run("CREATE SCHEMA IF NOT EXISTS web", None).await.unwrap();
    put(&store, "raw/json/a.json", "{\"a\": 1, \"b\": \"x\"}\n").await;
    engine
        .run(
            "CREATE EXTERNAL TABLE web.j (a int, b string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://raw/json/'",
            None,
        )
        .await
        .unwrap();
    let res = engine.run("SELECT b FROM web.j WHERE a = 1", None).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from("x")]]);
    let exists = engine
        .run("CREATE EXTERNAL TABLE web.j (a int) STORED AS JSON LOCATION 's3://raw/json/'", None)
        .await
        .unwrap_err();
    assert_eq!(exists.code(), "AlreadyExistsException");
    engine
        .run("CREATE EXTERNAL TABLE IF NOT EXISTS web.j (a int) STORED AS JSON LOCATION 's3://raw/json/'", None)
        .await
        .unwrap();
    let repeated = engine
        .run(
            "CREATE EXTERNAL TABLE web.k (a int) PARTITIONED BY (a int) STORED AS JSON LOCATION 's3://raw/json/'",
            None,
        )
        .await
        .unwrap_err();
    assert!(repeated.to_string().contains("repeated"), "{repeated}");
    let unknown = engine
        .run("CREATE EXTERNAL TABLE web.k (a integr) STORED AS JSON LOCATION 's3://raw/json/'", None)
        .await
        .unwrap_err();
    assert_eq!(unknown.to_string(), "Unknown type 'integr' for column 'a'");
    let syntax = engine.run("CREATE EXTERNAL TABLE web.k (a int STORED AS JSON", None).await.unwrap_err();
    assert!(syntax.to_string().contains("STORED"), "{syntax}");
    let unpartitioned = engine.run("MSCK REPAIR TABLE web.j", None).await.unwrap_err();
    assert!(unpartitioned.to_string().contains("not partitioned"), "{unpartitioned}");
}

#[tokio::test]
async fn views_are_stored_in_the_catalog_and_survive_a_reload() {
    let (store, catalog, engine) = partitioned_sales().await;
    engine
        .run("CREATE VIEW nsw AS SELECT id, amount, year FROM sales WHERE region = 'NSW'", Some("sales_db"))
        .await
        .unwrap();
    let v = catalog.get_table("sales_db", "nsw").unwrap();
    assert_eq!(v.table_type, "VIRTUAL_VIEW");
    assert_eq!(v.view_original_text.as_deref(), Some("SELECT id, amount, year FROM sales WHERE region = 'NSW'"));
    assert_eq!(v.columns.iter().map(|c| c.data_type.as_str()).collect::<Vec<_>>(), ["bigint", "double", "string"]);
    // A view over the view, created from another database: names resolve in the current database.
    let unqualified = engine.run("CREATE VIEW sales_db.nsw_total AS SELECT SUM(amount) AS total FROM nsw", None);
    assert!(unqualified.await.unwrap_err().to_string().contains("default.nsw"));
    engine.run("CREATE VIEW sales_db.nsw_total AS SELECT SUM(amount) AS total FROM sales_db.nsw", None).await.unwrap();
    let dup = engine.run("CREATE VIEW sales_db.nsw AS SELECT 1 AS x", None).await.unwrap_err();
    assert_eq!(dup.code(), "AlreadyExistsException");
    let on_table = engine.run("CREATE OR REPLACE VIEW sales_db.sales AS SELECT 1 AS x", None).await.unwrap_err();
    assert!(on_table.to_string().contains("not a view"), "{on_table}");

    let reopened = SqlEngine::new(store.clone(), Arc::new(Catalog::load(store.clone()).await.unwrap()));
    let total = reopened.run("SELECT total FROM sales_db.nsw_total", None).await.unwrap();
    assert_eq!(total.rows, vec![vec![Value::from(11.5)]]);
    assert!(total.stats.bytes_scanned > 0, "a view reads its tables");
    let show = reopened.run("SHOW VIEWS IN sales_db", None).await.unwrap();
    assert_eq!(strings(&show.rows), ["nsw", "nsw_total"]);
    let ddl = reopened.run("SHOW CREATE VIEW sales_db.nsw", None).await.unwrap();
    assert_eq!(strings(&ddl.rows)[0], "CREATE VIEW `sales_db`.`nsw` AS");

    reopened
        .run("CREATE OR REPLACE VIEW nsw AS SELECT id FROM sales WHERE region = 'VIC'", Some("sales_db"))
        .await
        .unwrap();
    let vic = reopened.run("SELECT * FROM sales_db.nsw", None).await.unwrap();
    assert_eq!(vic.rows, vec![vec![Value::from(2)]]);
    let stale = reopened.run("SELECT * FROM sales_db.nsw_total", None).await.unwrap_err();
    assert!(stale.to_string().contains("nsw_total"), "a view whose query no longer plans fails by name: {stale}");
    reopened.run("DROP VIEW sales_db.nsw_total", None).await.unwrap();
    reopened.run("DROP VIEW IF EXISTS sales_db.nsw_total", None).await.unwrap();
    assert_eq!(reopened.run("DROP VIEW sales_db.nsw_total", None).await.unwrap_err().code(), "EntityNotFoundException");
    let drop_table = reopened.run("DROP VIEW sales_db.sales", None).await.unwrap_err();
    assert!(drop_table.to_string().contains("DROP TABLE"), "{drop_table}");
}

#[tokio::test]
async fn alter_table_set_tblproperties_and_add_columns() {
    let (store, catalog, engine) = partitioned_sales().await;
    put(&store, "raw/sales/year=2026/c.csv", "id,region,amount,channel\n4,WA,2,web\n").await;
    engine.run("ALTER TABLE sales_db.sales ADD COLUMNS (channel string)", None).await.unwrap();
    let res = engine.run("SELECT id, channel FROM sales_db.sales ORDER BY id", None).await.unwrap();
    assert_eq!(res.rows.last().unwrap(), &vec![Value::from(4), Value::from("web")]);
    let dup = engine.run("ALTER TABLE sales_db.sales ADD COLUMNS (year string)", None).await.unwrap_err();
    assert!(dup.to_string().contains("already exists"), "{dup}");

    // Switching projection on: only the projected years are read, no MSCK REPAIR needed.
    engine
        .run(
            "ALTER TABLE sales_db.sales SET TBLPROPERTIES ('projection.enabled'='true', \
             'projection.year.type'='integer', 'projection.year.range'='2025,2026')",
            None,
        )
        .await
        .unwrap();
    assert_eq!(catalog.get_table("sales_db", "sales").unwrap().parameters["projection.year.type"], "integer");
    let years = engine.run("SELECT DISTINCT year FROM sales_db.sales ORDER BY year", None).await.unwrap();
    assert_eq!(strings(&years.rows), ["2025", "2026"]);
}

/// Issue 12: `CREATE VIEW v (a, b) AS SELECT x, y ...` was accepted and its column list dropped
/// (`SELECT a FROM v` then failed). It is refused with Athena's error, and nothing is created.
#[tokio::test]
async fn a_view_with_a_column_list_is_refused_and_not_created() {
    let (_, catalog, engine) = lake().await;
    let err = engine.run("CREATE VIEW v (a, b) AS SELECT 1 AS x, 2 AS y", None).await.unwrap_err();
    assert_eq!(err.code(), "InvalidRequestException");
    assert!(err.to_string().starts_with("line 1:15: mismatched input '('"), "{err}");
    assert!(catalog.get_table("default", "v").is_err());
    engine.run("CREATE VIEW v AS SELECT 1 AS a, 2 AS b", None).await.unwrap();
    let res = engine.run("SELECT a, b FROM v", None).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from(1), Value::from(2)]]);
}

/// Issue 12: comments, quote and escape characters of CREATE EXTERNAL TABLE were parsed and
/// dropped; they are kept and the files are read with them.
#[tokio::test]
async fn table_comments_quotes_and_escapes_are_honoured() {
    let (store, catalog, engine) = lake().await;
    put(&store, "raw/q/a.csv", "1;'a;b'\n2;'it''s'\n").await;
    engine
        .run(
            "CREATE EXTERNAL TABLE q (id int COMMENT 'the id', name string) COMMENT 'quoted' \
             ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' \
             WITH SERDEPROPERTIES ('separatorChar'=';', 'quoteChar'='\\'') LOCATION 's3://raw/q/'",
            None,
        )
        .await
        .unwrap();
    let t = catalog.get_table("default", "q").unwrap();
    assert_eq!((t.columns[0].comment.as_deref(), t.parameters["comment"].as_str()), (Some("the id"), "quoted"));
    let res = engine.run("SELECT name FROM q ORDER BY id", None).await.unwrap();
    assert_eq!(strings(&res.rows), ["a;b", "it's"]);
    let described = engine.run("DESCRIBE q", None).await.unwrap();
    assert_eq!(strings(&described.rows)[0], "id|int|the id");
    // FORMATTED was accepted and ignored; it adds the table's details.
    let formatted = strings(&engine.run("DESCRIBE FORMATTED q", None).await.unwrap().rows);
    assert_eq!(formatted[..2], strings(&described.rows)[..]);
    for line in ["Location:|s3://raw/q/|", "Table Type:|EXTERNAL_TABLE|", "|comment|quoted", "|quoteChar|'"] {
        assert!(formatted.iter().any(|l| l == line), "{line} not in {formatted:?}");
    }

    put(&store, "raw/e/a.csv", "1,\"a\\\"b\"\n").await;
    engine
        .run(
            "CREATE EXTERNAL TABLE e (id int, name string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' \
             WITH SERDEPROPERTIES ('escapeChar'='\\\\') LOCATION 's3://raw/e/'",
            None,
        )
        .await
        .unwrap();
    let res = engine.run("SELECT name FROM e", None).await.unwrap();
    assert_eq!(strings(&res.rows), ["a\"b"]);

    engine.run("CREATE DATABASE d COMMENT 'for the lab' LOCATION 's3://raw/d/'", None).await.unwrap();
    let d = catalog.get_database("d").unwrap();
    assert_eq!((d.description.as_str(), d.location_uri.as_deref()), ("for the lab", Some("s3://raw/d/")));
}

/// Issue 12: clauses of Redshift's CREATE TABLE and of CTAS that Puddle would not honour are
/// refused (they were accepted and dropped), informational ones are accepted.
#[tokio::test]
async fn create_table_clauses_puddle_would_drop_are_refused() {
    let (_, _, engine) = lake().await;
    for (sql, expected) in [
        ("CREATE TABLE t1 (region VARCHAR(10) NOT NULL, target INTEGER)", "NOT NULL"),
        ("CREATE TABLE t2 (region VARCHAR(10), target INTEGER DEFAULT 0)", "DEFAULT"),
        ("CREATE TEMPORARY TABLE t3 (region VARCHAR(10))", "emporary"),
        ("CREATE TABLE t4 WITH (bucketed_by = ARRAY['a'], bucket_count = 4) AS SELECT 1 AS a", "bucket"),
    ] {
        let err = engine.run(sql, None).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{sql}: {err}");
    }
    engine.run("CREATE TABLE t5 (id INTEGER PRIMARY KEY, region VARCHAR(10))", None).await.unwrap();
    engine.run("INSERT INTO t5 VALUES (1, 'NSW')", None).await.unwrap();
    let res = engine.run("SELECT region FROM t5", None).await.unwrap();
    assert_eq!(strings(&res.rows), ["NSW"]);
}
