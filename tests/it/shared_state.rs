//! Never lose a student's lake (#12): damaged records are set aside and reported, never a reason
//! to lose the rest; two tabs on one lake (two `Lake`s over one store) see each other's rules
//! and clock, and lake time never goes backwards.

use std::sync::Arc;

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_api::{Request, Response};
use puddle_lake::Lake;
use serde_json::Value;

async fn ok(lake: &Lake, line: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

const SCRIPT: &str = "src = glueContext.create_dynamic_frame.from_catalog(database=\"sales_db\", table_name=\"sales\")\n\
glueContext.write_dynamic_frame.from_options(frame=src, connection_type=\"s3\", connection_options={\"path\": \"s3://lake-out-1/x/\"}, format=\"parquet\")\n";

/// A lake holding one record of every kind the services write.
async fn full_lake(store: Arc<dyn ObjectStore>) -> Lake {
    let lake = Lake::open(store).await.unwrap();
    lake.local().write("job.py", SCRIPT.into()).await.unwrap();
    for line in [
        "aws s3 mb s3://lake-raw-1",
        "aws s3 mb s3://lake-out-1",
        "aws s3 cp sales.csv s3://lake-raw-1/sales/sales.csv",
        "aws s3 cp job.py s3://lake-raw-1/scripts/job.py",
        "aws s3api put-bucket-versioning --bucket lake-raw-1 --versioning-configuration Status=Enabled",
        r#"aws s3api put-bucket-lifecycle-configuration --bucket lake-raw-1 --lifecycle-configuration '{"Rules":[{"ID":"old","Status":"Enabled","Filter":{"Prefix":"sales/"},"Transitions":[{"Days":30,"StorageClass":"GLACIER"}]}]}'"#,
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
        r#"aws glue create-crawler --name c1 --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://lake-raw-1/sales/"}]}'"#,
        "aws glue start-crawler --name c1",
        "aws glue create-classifier --csv-classifier Name=semi,Delimiter=;,ContainsHeader=PRESENT",
        "aws glue create-job --name j1 --role r --command Name=glueetl,ScriptLocation=s3://lake-raw-1/scripts/job.py",
        "aws glue start-job-run --job-name j1",
        "aws glue create-trigger --name t1 --type ON_DEMAND --actions JobName=j1",
        r#"aws events put-rule --name r1 --event-pattern '{"source":["aws.s3"]}'"#,
        "aws athena create-work-group --name wg1",
        "aws athena create-named-query --name q1 --database sales_db --query-string 'SELECT 1'",
        "aws athena start-query-execution --query-string 'SELECT COUNT(*) FROM sales' --query-execution-context Database=sales_db",
        "puddle clock advance --days 3",
    ] {
        ok(&lake, line).await;
    }
    lake
}

/// The records under `prefix` (a folder), or the record `prefix` itself.
async fn paths(store: &Arc<dyn ObjectStore>, prefix: &str) -> Vec<String> {
    use futures::TryStreamExt;
    if store.head(&Path::from(prefix)).await.is_ok() {
        return vec![prefix.to_string()];
    }
    let metas: Vec<_> = store.list(Some(&Path::from(prefix))).try_collect().await.unwrap();
    metas.into_iter().map(|m| m.location.to_string()).collect()
}

/// One record of each kind, as (kind, path prefix).
const KINDS: &[(&str, &str)] = &[
    ("database", "_meta/catalog/sales_db.json"),
    ("table", "_meta/catalog/sales_db/"),
    ("table version", "_meta/catalog-versions/"),
    ("rule", "_meta/events/rules/"),
    ("clock", "_meta/clock.json"),
    ("crawler", "_meta/crawlers/"),
    ("classifier", "_meta/classifiers/"),
    ("job", "_meta/glue/jobs/"),
    ("job run", "_meta/glue/job-runs/"),
    ("trigger", "_meta/glue/triggers/"),
    ("workgroup", "_meta/athena/workgroups/"),
    ("named query", "_meta/athena/named-queries/"),
    ("query execution", "_meta/athena/executions/"),
    ("bucket config", "_meta/bucket-config/"),
];

#[tokio::test]
async fn a_damaged_record_of_any_kind_is_set_aside_and_reported_and_the_rest_opens() {
    for (kind, prefix) in KINDS {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        drop(full_lake(Arc::clone(&store)).await);
        let victim = paths(&store, prefix).await.into_iter().next().unwrap_or_else(|| panic!("no {kind} record"));
        let garbage = b"{\"Name\": \"trunc".to_vec();
        store.put(&Path::from(victim.as_str()), PutPayload::from(garbage.clone())).await.unwrap();

        let lake = Lake::open(Arc::clone(&store)).await.unwrap_or_else(|e| panic!("{kind}: the lake must open: {e}"));
        let report = match lake.handle(Request::CheckLake).await {
            Response::Damaged(records) => records,
            other => panic!("{kind}: {other:?}"),
        };
        assert_eq!(report.len(), 1, "{kind}: {report:?}");
        assert_eq!(report[0].path, victim, "{kind}");
        assert!(report[0].error.contains("EOF"), "{kind}: the reason is said: {}", report[0].error);
        // Kept, byte for byte, out of the services' way.
        let kept = store.get(&Path::from(format!("_meta/quarantine/{victim}"))).await.unwrap().bytes().await.unwrap();
        assert_eq!(kept.as_ref(), garbage.as_slice(), "{kind}");
        // Moved, not copied (the clock is written anew by the lake's next request).
        if let Ok(now) = store.get(&Path::from(victim.as_str())).await {
            assert_ne!(now.bytes().await.unwrap().as_ref(), garbage.as_slice(), "{kind}: moved, not copied");
        }

        // What was readable still is: objects, the table (unless it was the victim), the rest.
        assert_eq!(ok(&lake, "aws s3 ls s3://lake-raw-1/sales/").await.lines().count(), 1, "{kind}");
        if *kind != "table" && *kind != "database" {
            let rows = lake.sql("SELECT COUNT(*) AS n FROM sales", Some("sales_db")).await;
            assert!(rows.is_ok(), "{kind}: {rows:?}");
        }
        ok(&lake, "aws glue get-crawlers").await;
        ok(&lake, "aws events list-rules").await;
        ok(&lake, "aws athena list-work-groups").await;
        if *kind != "clock" {
            assert_eq!(lake.s3().clock().offset().num_days(), 3, "{kind}: the clock kept its advance");
        }
    }
}

#[tokio::test]
async fn records_the_lake_needs_to_open_are_reported_by_the_opening_itself() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    drop(full_lake(Arc::clone(&store)).await);
    for path in ["_meta/events/rules/r1.json", "_meta/clock.json"] {
        store.put(&Path::from(path), PutPayload::from_static(b"not json")).await.unwrap();
    }
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    let mut reported: Vec<String> = lake.damaged_records().into_iter().map(|r| r.path).collect();
    reported.sort();
    assert_eq!(reported, ["_meta/clock.json", "_meta/events/rules/r1.json"]);
    // The lake works on: a new clock record replaces the damaged one.
    ok(&lake, "puddle clock advance --days 1").await;
    let again = Lake::open(store).await.unwrap();
    assert!(again.damaged_records().is_empty());
}

#[tokio::test]
async fn two_tabs_share_rules_and_the_clock_never_goes_back() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let (a, b) = (Lake::open(Arc::clone(&store)).await.unwrap(), Lake::open(Arc::clone(&store)).await.unwrap());

    // Tab A moves time 30 days on; tab B, which has not heard of it yet, saves its clock (its
    // schedules run after every request). The advance survives, in storage and in both tabs.
    ok(&a, "puddle clock advance --days 30").await;
    ok(&b, "puddle clock advance --hours 1").await;
    let reopened = Lake::open(Arc::clone(&store)).await.unwrap();
    let offset = |l: &Lake| l.s3().clock().offset();
    assert!(offset(&reopened) >= chrono::Duration::days(30), "stored: {}", offset(&reopened));
    assert!(offset(&b) >= chrono::Duration::days(30), "B merged A's advance when it saved");
    a.reload_shared_state().await.unwrap();
    assert!(offset(&a) >= chrono::Duration::days(30), "A never goes back");

    // A rule made in tab A fires for an upload in tab B once B has heard of the change.
    ok(&a, "aws s3 mb s3://two-tabs-1").await;
    ok(&a, r#"aws events put-rule --name uploads --event-pattern '{"source":["aws.s3"],"detail-type":["Object Created"]}'"#).await;
    b.reload_shared_state().await.unwrap();
    let rules: Value = serde_json::from_str(&ok(&b, "aws events list-rules").await).unwrap();
    assert_eq!(rules["Rules"][0]["Name"], "uploads");

    // A reset in one tab is a new clock history: the other tab follows it, not its old offset.
    a.reset().await.unwrap();
    b.reload_shared_state().await.unwrap();
    assert_eq!(offset(&b), chrono::Duration::zero());
}

#[tokio::test]
async fn automation_failures_are_in_the_activity_log() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    ok(&lake, "aws s3 mb s3://auto-log-1").await;
    // A trigger record damaged after this lake opened: the catch-up cannot list the triggers.
    store.put(&Path::from("_meta/glue/triggers/broken.json"), PutPayload::from_static(b"{")).await.unwrap();
    // Schedules are checked once per lake minute: move to the next one.
    lake.exec("puddle clock advance --minutes 2").await;
    lake.exec("aws s3 ls").await;
    let failures: Vec<_> = lake.activity().into_iter().filter(|a| a.source == "automation").collect();
    assert!(!failures.is_empty(), "{:?}", lake.activity());
    assert!(failures[0].outcome.starts_with("FAILED: "), "{:?}", failures[0]);
}
