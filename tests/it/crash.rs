//! Crash consistency (#12): the engine dies at any point of a lab session (every store operation
//! after the crash point fails, as in a killed worker), and a lake opened later on what was
//! written keeps its invariants: nothing acknowledged is lost, no record is half-written, no
//! table is visible without its data, no job run or crawl stays in progress, and a run that did
//! not succeed leaves no output.
//!
//! CI runs a few dozen crash points; the torture run tries hundreds:
//! `PUDDLE_CRASH_TRIALS=500 cargo test --test it crash -- --nocapture`.

use std::{
    collections::BTreeMap,
    fmt,
    ops::Range,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt, TryStreamExt};
use object_store::{
    memory::InMemory, path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};
use puddle_lake::Lake;
use serde_json::Value;

/// A store whose process "dies" at its `crash_at`-th write: that write and every later call
/// (reads included) fail, as nothing runs after a worker is killed.
#[derive(Debug)]
struct CrashingStore {
    inner: Arc<dyn ObjectStore>,
    fuse: Arc<Fuse>,
}

/// Counts writes up to the crash point.
#[derive(Debug)]
struct Fuse {
    writes: AtomicUsize,
    crash_at: usize,
}

impl Fuse {
    fn dead(&self) -> bool {
        self.writes.load(Ordering::SeqCst) >= self.crash_at
    }

    /// Counts a write; fails it if the crash point is reached.
    fn write(&self) -> Result<()> {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 >= self.crash_at {
            return Err(crashed());
        }
        Ok(())
    }

    fn read(&self) -> Result<()> {
        if self.dead() {
            return Err(crashed());
        }
        Ok(())
    }
}

fn crashed() -> object_store::Error {
    object_store::Error::Generic { store: "CrashingStore", source: "the engine was killed".into() }
}

impl fmt::Display for CrashingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CrashingStore(at write {})", self.fuse.crash_at)
    }
}

#[async_trait]
impl ObjectStore for CrashingStore {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.fuse.write()?;
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.fuse.write()?;
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.fuse.read()?;
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.fuse.read()?;
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        // Each deletion is a write; past the crash point the rest fail.
        let (fuse, inner) = (Arc::clone(&self.fuse), Arc::clone(&self.inner));
        locations
            .then(move |path| {
                let (fuse, inner) = (Arc::clone(&fuse), Arc::clone(&inner));
                async move {
                    let path = path?;
                    fuse.write()?;
                    inner.delete(&path).await?;
                    Ok(path)
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        if self.fuse.dead() {
            return futures::stream::once(async { Err(crashed()) }).boxed();
        }
        self.inner.list(prefix)
    }

    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, Result<ObjectMeta>> {
        if self.fuse.dead() {
            return futures::stream::once(async { Err(crashed()) }).boxed();
        }
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.fuse.read()?;
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.fuse.write()?;
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.fuse.write()?;
        self.inner.rename_opts(from, to, options).await
    }
}

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
    let fuse = Arc::new(Fuse { writes: AtomicUsize::new(0), crash_at });
    let done = session_on(Arc::new(CrashingStore { inner, fuse: Arc::clone(&fuse) }), files).await;
    (done, fuse.writes.load(Ordering::SeqCst))
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
