//! Bad input that once poisoned the lake or hung the worker (#12), through the CLI: each is
//! refused with AWS's error, and a bad record already stored never breaks later requests.

use std::sync::Arc;

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_lake::Lake;

async fn fails(lake: &Lake, line: &str, code: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 254, "{line}: {}", out.stdout);
    assert!(out.stderr.contains(&format!("({code})")), "{line}: {}", out.stderr);
    out.stderr
}

async fn ok(lake: &Lake, line: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

/// `rate(100000000 days)` was saved, then every request overflowed computing its fire times.
#[tokio::test]
async fn a_huge_rate_is_refused_and_a_stored_one_never_fires() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let lake = Lake::open(store.clone()).await.unwrap();
    let err = fails(
        &lake,
        "aws events put-rule --name r --schedule-expression 'rate(100000000 days)'",
        "ValidationException",
    )
    .await;
    assert!(err.contains("Parameter ScheduleExpression is not valid."), "{err}");
    fails(
        &lake,
        "aws events put-rule --name r --schedule-expression 'cron(0/4294967296 * * * ? *)'",
        "ValidationException",
    )
    .await;
    ok(&lake, "aws events put-rule --name fine --schedule-expression 'rate(36500 days)'").await;

    // A rule an older version saved, before the limit: the lake opens and keeps answering.
    let record = serde_json::json!({
        "name": "old", "event_pattern": null, "schedule_expression": "rate(100000000 days)",
        "state": "ENABLED", "description": null, "targets": [], "created": "2025-01-01T00:00:00Z"
    });
    store.put(&Path::from("_meta/events/rules/old.json"), PutPayload::from(record.to_string())).await.unwrap();
    let lake = Lake::open(store).await.unwrap();
    ok(&lake, "aws s3 mb s3://still-works-123").await;
    ok(&lake, "puddle clock advance --days 3660").await;
    assert!(ok(&lake, "aws events list-rules").await.contains("\"old\""));
}

/// The clock is a user number meeting time: advancing it over and over saturates.
#[tokio::test]
async fn the_clock_saturates_instead_of_overflowing() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    ok(&lake, "aws events put-rule --name every --schedule-expression 'rate(1 minute)'").await;
    for _ in 0..12 {
        ok(&lake, "puddle clock advance --days 3660").await;
    }
    let shown = ok(&lake, "puddle clock").await;
    assert!(shown.contains("36500 day(s)"), "{shown}");
}

/// `restore-object` with `Days=4000000000` overflowed chrono adding the days.
#[tokio::test]
async fn a_huge_restore_is_an_s3_error() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://cold-123").await;
    ok(&lake, "aws s3api put-object --bucket cold-123 --key a.csv --storage-class GLACIER").await;
    fails(
        &lake,
        "aws s3api restore-object --bucket cold-123 --key a.csv --restore-request Days=4000000000",
        "MalformedXML",
    )
    .await;
    ok(&lake, "aws s3api restore-object --bucket cold-123 --key a.csv --restore-request Days=2").await;
}

/// Thousands of `(` in `get-partitions --expression` overflowed the parser's stack.
#[tokio::test]
async fn a_deep_partition_expression_is_invalid_input() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    ok(&lake, r#"aws glue create-database --database-input '{"Name":"db"}'"#).await;
    let table = r#"{"Name":"t","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}],"Location":"s3://b-123/t/"},"PartitionKeys":[{"Name":"year","Type":"string"}],"Parameters":{"classification":"csv"}}"#;
    ok(&lake, &format!("aws glue create-table --database-name db --table-input '{table}'")).await;
    let deep = format!("{}year = '1'{}", "(".repeat(1000), ")".repeat(1000));
    let line = format!(r#"aws glue get-partitions --database-name db --table-name t --expression "{deep}""#);
    fails(&lake, &line, "InvalidInputException").await;
}

/// An 8+ star `--exclude` backtracked exponentially; now it completes (no timing asserted).
#[tokio::test]
async fn a_many_star_exclude_completes() {
    let lake = Lake::open(Arc::new(InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://sync-123").await;
    let name = format!("{}.csv", "a".repeat(200));
    lake.local().write(&format!("dir/{name}"), b"x".to_vec().into()).await.unwrap();
    let out = ok(&lake, "aws s3 sync dir s3://sync-123/d --exclude '*a*a*a*a*a*a*a*a*a*a*a*a*b'").await;
    assert!(out.contains(&name), "{out}");
}
