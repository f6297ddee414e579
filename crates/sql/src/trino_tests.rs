//! Athena (Trino) functions through [`SqlEngine::run`].

use std::sync::Arc;

use object_store::{memory::InMemory, ObjectStore};
use puddle_catalog::Catalog;
use serde_json::{json, Value};

use crate::SqlEngine;

async fn engine() -> SqlEngine {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    SqlEngine::new(store, catalog)
}

async fn one(engine: &SqlEngine, sql: &str) -> Value {
    let res = engine.run(sql, None).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    res.rows[0][0].clone()
}

#[tokio::test]
async fn date_functions_take_mysql_formats() {
    let e = engine().await;
    let ts = "TIMESTAMP '2025-03-07 14:05:09'";
    assert_eq!(one(&e, &format!("SELECT date_format({ts}, '%Y-%m-%d %H:%i:%s')")).await, json!("2025-03-07 14:05:09"));
    assert_eq!(one(&e, &format!("SELECT date_format({ts}, '%d/%m/%y %h%p')")).await, json!("07/03/25 02PM"));
    let parsed = one(&e, "SELECT date_format(date_parse('07/03/2025 14:05', '%d/%m/%Y %H:%i'), '%Y-%m-%dT%T')").await;
    assert_eq!(parsed, json!("2025-03-07T14:05:00"));
    let res = e.run("SELECT date_parse('2025-03-07 01:02:03', '%Y-%m-%d %H:%i:%s') AS t", None).await.unwrap();
    assert_eq!(res.column_types, ["timestamp"]);
    let iso = one(&e, "SELECT date_format(from_iso8601_timestamp('2025-03-07T14:05:09Z'), '%H:%i')").await;
    assert_eq!(iso, json!("14:05"));
    assert_eq!(one(&e, "SELECT CAST(from_iso8601_date('2025-03-07') AS VARCHAR)").await, json!("2025-03-07"));
    assert_eq!(one(&e, &format!("SELECT year({ts}) * 100 + month({ts})")).await, json!(202503));
    assert_eq!(
        one(&e, &format!("SELECT day({ts}) + hour({ts}) + minute({ts}) + second({ts})")).await,
        json!(7 + 14 + 5 + 9)
    );
    assert_eq!(one(&e, &format!("SELECT quarter({ts}) * 1000 + day_of_year({ts})")).await, json!(1066));
    let added = one(&e, &format!("SELECT date_format(date_add('day', 30, {ts}), '%Y-%m-%d')")).await;
    assert_eq!(added, json!("2025-04-06"));
    let back = one(&e, &format!("SELECT date_format(date_add('month', -3, {ts}), '%Y-%m')")).await;
    assert_eq!(back, json!("2024-12"));
    let hours = one(&e, &format!("SELECT date_diff('hour', {ts}, TIMESTAMP '2025-03-08 13:59:00')")).await;
    assert_eq!(hours, json!(23), "date_diff truncates");
    let days = one(&e, &format!("SELECT date_diff('day', TIMESTAMP '2025-03-10 00:00:00', {ts})")).await;
    assert_eq!(days, json!(-2));

    let bad = e.run("SELECT date_format(now(), '%Q')", None).await.unwrap_err();
    assert!(bad.to_string().contains("%Q"), "{bad}");
    let dynamic = e.run("SELECT date_format(now(), f) FROM (VALUES ('%Y')) AS t(f)", None).await.unwrap_err();
    assert!(dynamic.to_string().contains("constant"), "{dynamic}");
    let huge = e.run("SELECT date_add('year', 9000000000, now())", None).await.unwrap_err();
    assert!(huge.to_string().contains("out of range"), "{huge}");
    let month_diff = e.run(&format!("SELECT date_diff('month', {ts}, {ts})"), None).await.unwrap_err();
    assert!(month_diff.to_string().contains("not supported"), "{month_diff}");
}

#[tokio::test]
async fn element_at_and_approx_distinct() {
    let e = engine().await;
    assert_eq!(one(&e, "SELECT element_at(ARRAY['a', 'b', 'c'], 2)").await, json!("b"));
    assert_eq!(one(&e, "SELECT element_at(ARRAY['a', 'b', 'c'], -1)").await, json!("c"));
    assert_eq!(one(&e, "SELECT element_at(ARRAY['a', 'b', 'c'], 9)").await, Value::Null);
    assert_eq!(one(&e, "SELECT element_at(MAP(['x', 'y'], [1, 2]), 'y')").await, json!(2));
    assert_eq!(one(&e, "SELECT element_at(MAP(['x', 'y'], [1, 2]), 'z')").await, Value::Null);
    let n = one(&e, "SELECT approx_distinct(v) FROM (VALUES (1), (2), (2), (3)) AS t(v)").await;
    assert_eq!(n, json!(3));
    let split = one(&e, "SELECT split_part('a-b-c', '-', 2) || CAST(regexp_like('NSW', '^N') AS VARCHAR)").await;
    assert_eq!(split, json!("btrue"));
}
