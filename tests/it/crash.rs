//! Crash consistency (#12): the engine dies at any point of a lab session (a `FailingStore` in
//! crash mode: from the crash point on every store call fails, as in a killed worker), and a lake opened later on what was
//! written keeps its invariants: nothing acknowledged is lost, no record is half-written, no
//! table is visible without its data, no job run or crawl stays in progress, and a run that did
//! not succeed leaves no output.
//!
//! CI runs a few dozen crash points; the torture run tries hundreds:
//! `PUDDLE_CRASH_TRIALS=500 cargo test --test it crash -- --nocapture`.

use std::{collections::BTreeMap, sync::Arc};

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt};
use puddle_lake::Lake;
use puddle_store::failing::FailingStore;
use serde_json::Value;

const SCRIPT: &str = "src = glueContext.create_dynamic_frame.from_catalog(database=\"default\", table_name=\"sales\")\n\
big = Filter.apply(frame=src, f=lambda x: x[\"amount\"] > 100)\n\
glueContext.write_dynamic_frame.from_options(frame=big, connection_type=\"s3\", connection_options={\"path\": \"s3://crash-lake-1/job-out/\"}, format=\"parquet\")\n";

/// What the session was told had happened before the crash.
#[derive(Debug, Default)]
struct Acknowledged {
    objects: BTreeMap<String, Bytes>,
    ctas: bool,
    job_succeeded: bool,
}

/// The course's session on a store that dies at write `crash_at`: what it was told succeeded,
/// and how many writes it made.
async fn session(inner: Arc<dyn ObjectStore>, files: u64, crash_at: usize) -> (Acknowledged, usize) {
    // The worker is killed at write `crash_at`: the writes before it happened, nothing after.
    let budget = i64::try_from(crash_at).unwrap_or(i64::MAX) - 1;
    let store = Arc::new(FailingStore::new(inner, budget, true));
    let done = session_on(Arc::clone(&store) as Arc<dyn ObjectStore>, files).await;
    (done, (budget - store.writes_left()) as usize)
}

/// Uploads `files` CSV files, then a table, a CTAS, a Glue job run and a crawl over them.
async fn session_on(store: Arc<dyn ObjectStore>, files: u64) -> Acknowledged {
    let mut done = Acknowledged::default();
    let Ok(lake) = Lake::open(store).await else { return done };
    if lake.exec("aws s3 mb s3://crash-lake-1").await.exit_code != 0 {
        return done;
    }
    for i in 0..files {
        let key = format!("sales/part-{i}.csv");
        let body = Bytes::from(puddle_datagen::sales_csv(50 + i * 10));
        if lake.put_object("crash-lake-1", &key, body.clone(), None).await.is_ok() {
            done.objects.insert(format!("crash-lake-1/{key}"), body);
        }
    }
    let _ = lake.put_object("crash-lake-1", "scripts/job.py", Bytes::from_static(SCRIPT.as_bytes()), None).await;
    let _ = lake
        .sql(
            "CREATE EXTERNAL TABLE sales (id BIGINT, region STRING, product STRING, amount DOUBLE, ts STRING) \
             ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://crash-lake-1/sales/' \
             TBLPROPERTIES ('skip.header.line.count'='1')",
            None,
        )
        .await;
    done.ctas = lake
        .sql(
            "CREATE TABLE by_region WITH (format='PARQUET', external_location='s3://crash-lake-1/ctas/') AS \
             SELECT region, COUNT(*) AS n FROM sales GROUP BY region",
            None,
        )
        .await
        .is_ok();
    let _ = lake.exec("aws glue create-job --name crash-job --role r --command Name=glueetl,ScriptLocation=s3://crash-lake-1/scripts/job.py").await;
    let out = lake.exec("aws glue start-job-run --job-name crash-job").await;
    if out.exit_code == 0 {
        let id: Value = serde_json::from_str(&out.stdout).unwrap_or_default();
        let id = id["JobRunId"].as_str().unwrap_or_default().to_string();
        let run = lake.exec(&format!("aws glue get-job-run --job-name crash-job --run-id {id}")).await;
        done.job_succeeded =
            serde_json::from_str::<Value>(&run.stdout).is_ok_and(|r| r["JobRun"]["JobRunState"] == "SUCCEEDED");
    }
    let _ = lake.exec(r#"aws glue create-crawler --name crash-crawler --role r --database-name default --targets '{"S3Targets":[{"Path":"s3://crash-lake-1/sales/"}]}'"#).await;
    let _ = lake.exec("aws glue start-crawler --name crash-crawler").await;
    done
}

/// What a lake opening much later sees: work in progress whose heartbeat stopped minutes ago.
async fn let_heartbeats_go_stale(store: &Arc<dyn ObjectStore>) {
    let stale = (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339();
    for root in ["_meta/glue/job-runs", "_meta/crawlers"] {
        let metas: Vec<_> = store.list(Some(&Path::from(root))).try_collect().await.unwrap();
        for m in metas {
            let bytes = store.get(&m.location).await.unwrap().bytes().await.unwrap();
            let mut record: Value = serde_json::from_slice(&bytes).unwrap();
            if record.get("heartbeat").is_some_and(|h| !h.is_null()) {
                record["heartbeat"] = Value::String(stale.clone());
                store.put(&m.location, serde_json::to_vec(&record).unwrap().into()).await.unwrap();
            }
        }
    }
}

async fn check_invariants(store: Arc<dyn ObjectStore>, done: &Acknowledged, crash_at: usize) {
    let ctx = |what: &str| format!("crash at write {crash_at}: {what}");
    let_heartbeats_go_stale(&store).await;
    let lake = Lake::open(Arc::clone(&store)).await.unwrap_or_else(|e| panic!("{}: {e}", ctx("reopen")));
    let damaged = lake.check_records().await.unwrap();
    assert!(damaged.is_empty(), "{}: {damaged:?}", ctx("no half-written record"));
    for (path, body) in &done.objects {
        let got = store.get(&Path::from(path.as_str())).await.unwrap_or_else(|e| panic!("{}: {e}", ctx(path)));
        assert_eq!(&got.bytes().await.unwrap(), body, "{}", ctx(path));
    }
    // Every table the catalog shows can be read: none is visible without its data.
    for table in lake.catalog().tables(None) {
        let q = format!("SELECT COUNT(*) FROM \"{}\".\"{}\"", table.database, table.name);
        lake.sql(&q, None).await.unwrap_or_else(|e| panic!("{}: {e:?}", ctx(&q)));
    }
    if done.ctas {
        assert!(lake.catalog().get_table("default", "by_region").is_ok(), "{}", ctx("CTAS acknowledged"));
    }
    // Nothing stays in progress; a run that did not succeed left no output behind.
    let runs: Value = serde_json::from_str(&lake.exec("aws glue get-job-runs --job-name crash-job").await.stdout)
        .unwrap_or_else(|_| serde_json::json!({"JobRuns": []}));
    for run in runs["JobRuns"].as_array().into_iter().flatten() {
        let state = run["JobRunState"].as_str().unwrap_or_default();
        assert!(["SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"].contains(&state), "{}", ctx(state));
    }
    let succeeded = runs["JobRuns"].as_array().into_iter().flatten().any(|r| r["JobRunState"] == "SUCCEEDED");
    assert!(succeeded || !done.job_succeeded, "{}", ctx("an acknowledged run is kept"));
    if !succeeded {
        let out = lake.exec("aws s3 ls s3://crash-lake-1/job-out/ --recursive").await;
        assert_eq!(out.stdout.trim(), "", "{}", ctx("a run that did not succeed leaves no output"));
    }
    let crawler: Value = serde_json::from_str(&lake.exec("aws glue get-crawler --name crash-crawler").await.stdout)
        .unwrap_or_else(|_| serde_json::json!({"Crawler": {"State": "READY"}}));
    assert_eq!(crawler["Crawler"]["State"], "READY", "{}", ctx("no crawl stays RUNNING"));
}

#[tokio::test]
async fn a_lake_killed_at_any_write_reopens_with_its_invariants() {
    // Sessions of growing size, each killed at every one of its writes, until the budget is spent.
    let budget: usize = std::env::var("PUDDLE_CRASH_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let (mut trials, mut files) = (0, 1);
    while trials < budget {
        let (done, writes) = session(Arc::new(InMemory::new()), files, usize::MAX).await;
        assert!(done.ctas && done.job_succeeded, "the crash-free session works: {done:?}");
        for crash_at in (1..=writes).take(budget - trials) {
            let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
            let (done, _) = session(Arc::clone(&inner), files, crash_at).await;
            check_invariants(inner, &done, crash_at).await;
            trials += 1;
        }
        println!("crash consistency: a session of {files} upload(s) and {writes} writes, killed at each write");
        files += 1;
    }
    println!("crash consistency: {trials} trial(s), every invariant held");
}
