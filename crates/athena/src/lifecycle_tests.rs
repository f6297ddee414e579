//! Query states, timing, StopQueryExecution and recovery (issue 12: "stop-query-execution reports
//! success and stops nothing, and queries are never QUEUED/RUNNING; timing fields are zeros").
//!
//! The concurrent tests are deterministic: the query and the other request are two futures
//! joined on one thread, the query pauses after each record batch, and the in-memory store never
//! suspends, so the other request always runs while the query is `RUNNING` after its first batch.

use std::{
    ops::Range,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::{
    memory::InMemory, path::Path, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions,
};
use puddle_catalog::Catalog;
use puddle_sql::SqlEngine;
use puddle_store::S3;

use crate::{
    executions::{in_progress_path, save},
    Athena, QueryExecution, StartQuery, Timing, CANCELLED_BY_USER, INTERRUPTED,
};

/// Keeps the state of every execution record written, in order.
#[derive(Debug, Default)]
struct RecordingStore {
    inner: InMemory,
    states: Mutex<Vec<String>>,
}

impl std::fmt::Display for RecordingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordingStore")
    }
}

#[async_trait]
impl ObjectStore for RecordingStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        if location.as_ref().starts_with("_meta/athena/executions/") {
            let bytes: Vec<u8> = payload.iter().flat_map(|b| b.to_vec()).collect();
            if let Ok(e) = serde_json::from_slice::<QueryExecution>(&bytes) {
                self.states.lock().unwrap().push(e.state);
            }
        }
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(&self, location: &Path, options: GetOptions) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }
    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> object_store::Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}

/// `e` with its floating-point fields rounded: serde_json's float parsing may differ from the
/// written value in the last bit, so a stored record is compared to the returned one this way.
fn stable(mut e: QueryExecution) -> QueryExecution {
    e.engine_ms = (e.engine_ms * 1000.0).round();
    e.cost_usd = (e.cost_usd * 1e12).round();
    e
}

const TOKEN: &str = "puddle-test-token-0000000000000000001";

/// A query over 50,000 CSV rows: several record batches, so it pauses while it runs.
const LONG_QUERY: &str = "SELECT * FROM sales";

/// A lake with table `sales` (50,000 CSV rows) over `store`.
async fn athena_over(store: Arc<dyn ObjectStore>) -> Athena {
    let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
    let s3 = S3::new(store.clone());
    if s3.head_bucket("raw-1").await.is_err() {
        s3.create_bucket("raw-1").await.unwrap();
        s3.put_object("raw-1", "sales/a.csv", Bytes::from(puddle_datagen::sales_csv(50_000))).await.unwrap();
    }
    let athena = Athena::new(s3, SqlEngine::new(store, catalog));
    let ddl = "CREATE EXTERNAL TABLE IF NOT EXISTS sales STORED AS CSV LOCATION 's3://raw-1/sales/'";
    athena.start_query_execution(ddl, None, None, None).await.unwrap();
    athena
}

fn long_query_with_token() -> StartQuery {
    StartQuery { query: LONG_QUERY.into(), client_request_token: Some(TOKEN.into()), ..StartQuery::default() }
}

/// Waits (yielding to the joined query) until execution `token` is in progress here.
async fn running_id(athena: &Athena, token: &str) -> String {
    for _ in 0..10_000 {
        if let Some(id) = athena.running.by_token(token) {
            return id;
        }
        tokio::task::yield_now().await;
    }
    panic!("the query never started");
}

#[tokio::test]
async fn an_execution_is_recorded_queued_then_running_then_completed_with_measured_phases() {
    let store = Arc::new(RecordingStore::default());
    let athena = athena_over(store.clone()).await;
    store.states.lock().unwrap().clear();
    let e = athena
        .start_query_execution("SELECT region, COUNT(*) AS n FROM sales GROUP BY region", None, None, None)
        .await
        .unwrap();
    assert_eq!(*store.states.lock().unwrap(), ["QUEUED", "RUNNING", "SUCCEEDED"]);
    assert_eq!(e.state, "SUCCEEDED");
    let t = &e.timing;
    let (pre, queue, planning, service, total) = (
        t.pre_processing_ms.unwrap(),
        t.queue_ms.unwrap(),
        t.planning_ms.expect("a SELECT is planned"),
        t.service_processing_ms.unwrap(),
        t.total_ms.unwrap(),
    );
    let engine = e.engine_ms.round() as u64;
    assert!(e.engine_ms > 0.0, "the engine time is measured");
    assert!(planning <= engine && pre + queue + engine + service <= total + 3, "{t:?} engine {engine}");
    let stats = e.statistics_json();
    for key in [
        "EngineExecutionTimeInMillis",
        "TotalExecutionTimeInMillis",
        "QueryQueueTimeInMillis",
        "ServicePreProcessingTimeInMillis",
        "QueryPlanningTimeInMillis",
        "ServiceProcessingTimeInMillis",
        "DataScannedInBytes",
    ] {
        assert!(stats.get(key).is_some(), "{key} missing from {stats}");
    }
    assert_eq!(stats["TotalExecutionTimeInMillis"], serde_json::json!(total));
    assert!(e.completed.is_some() && e.heartbeat.is_none());
    assert!(athena.store().head(&in_progress_path(&e.id)).await.is_err(), "the in-progress marker is gone");

    // DDL plans no query: no planning time is claimed.
    let ddl = athena.start_query_execution("CREATE DATABASE IF NOT EXISTS other", None, None, None).await.unwrap();
    assert_eq!(ddl.timing.planning_ms, None);
    assert!(ddl.statistics_json().get("QueryPlanningTimeInMillis").is_none());
}

#[tokio::test]
async fn stop_query_execution_cancels_a_running_query_which_is_billed_for_what_it_read() {
    let athena = athena_over(Arc::new(InMemory::new())).await;
    let watch = async {
        let id = running_id(&athena, TOKEN).await;
        let seen = athena.get_query_execution(&id).await.unwrap();
        let stopped = athena.stop_query_execution(&id).await.unwrap();
        (seen, stopped)
    };
    let (done, (seen, stopped)) = futures::join!(athena.start(long_query_with_token()), watch);
    let done = done.unwrap();
    // Seen running by a concurrent GetQueryExecution: no completion, no engine time claimed.
    assert_eq!(seen.state, "RUNNING");
    assert!(seen.completed.is_none() && seen.heartbeat.is_some());
    let stats = seen.statistics_json();
    assert!(stats.get("EngineExecutionTimeInMillis").is_none() && stats.get("TotalExecutionTimeInMillis").is_none());
    assert!(stats.get("QueryQueueTimeInMillis").is_some(), "{stats}");
    assert_eq!(stopped.id, done.id);
    assert_eq!(done.state, "CANCELLED");
    assert_eq!(done.state_change_reason.as_deref(), Some(CANCELLED_BY_USER));
    assert!(done.bytes_scanned > 0 && done.cost_usd > 0.0, "billed for what it read: {done:?}");
    assert_eq!(stable(athena.get_query_execution(&done.id).await.unwrap()), stable(done.clone()));
    assert!(athena.get_query_results(&done.id).await.is_err(), "a cancelled query has no results");
    assert!(!athena.running.contains(&done.id));

    // Stopping a completed execution succeeds and changes nothing; an unknown id is an error.
    assert_eq!(stable(athena.stop_query_execution(&done.id).await.unwrap()), stable(done));
    assert_eq!(athena.stop_query_execution("nope").await.unwrap_err().code(), "InvalidRequestException");
    // The engine is fine afterwards.
    let after = athena.start_query_execution("SELECT COUNT(*) FROM sales", None, None, None).await.unwrap();
    assert_eq!(after.state, "SUCCEEDED");
}

#[tokio::test]
async fn the_workbench_stops_its_query_by_client_request_token() {
    let athena = athena_over(Arc::new(InMemory::new())).await;
    let watch = async {
        running_id(&athena, TOKEN).await;
        athena.stop_by_client_request_token(TOKEN).await.unwrap().expect("found by its token")
    };
    let (done, stopped) = futures::join!(athena.start(long_query_with_token()), watch);
    let done = done.unwrap();
    assert_eq!((done.state.as_str(), stopped.id.as_str()), ("CANCELLED", done.id.as_str()));
    assert_eq!(athena.stop_by_client_request_token("puddle-test-token-unknown-00000000000").await.unwrap(), None);

    // The token is Athena's idempotency token: the same start returns the same execution.
    let again = athena.start(long_query_with_token()).await.unwrap();
    assert_eq!(stable(again), stable(done));
    let other = StartQuery { query: "SELECT 1".into(), ..long_query_with_token() };
    assert_eq!(athena.start(other).await.unwrap_err().code(), "InvalidRequestException");
    let short = StartQuery { client_request_token: Some("short".into()), ..long_query_with_token() };
    assert!(athena.start(short).await.unwrap_err().to_string().contains("between 32 and 128"));
}

#[tokio::test]
async fn a_stop_from_another_tab_reaches_the_query_through_its_record() {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let mut tab_a = athena_over(Arc::clone(&store)).await;
    tab_a.heartbeat_every = std::time::Duration::ZERO; // look for a stop request after every batch
    let tab_b = athena_over(Arc::clone(&store)).await;
    let watch = async {
        let id = running_id(&tab_a, TOKEN).await;
        // Tab B does not run the query: the stop is written into the record.
        let requested = tab_b.stop_query_execution(&id).await.unwrap();
        assert!(requested.stop_requested && requested.state == "RUNNING", "{requested:?}");
    };
    let (done, ()) = futures::join!(tab_a.start(long_query_with_token()), watch);
    let done = done.unwrap();
    assert_eq!(done.state, "CANCELLED");
    assert!(!done.stop_requested);
}

/// An execution left in progress by a tab that closed (its record and its marker, as it wrote them).
async fn left_running(athena: &Athena, heartbeat_age: chrono::TimeDelta, stop_requested: bool) -> QueryExecution {
    let e = athena.start_query_execution("SELECT 1", None, None, None).await.unwrap();
    let running = QueryExecution {
        id: uuid::Uuid::new_v4().to_string(),
        state: "RUNNING".into(),
        completed: None,
        engine_ms: 0.0,
        timing: Timing { planning_ms: None, service_processing_ms: None, total_ms: None, ..e.timing.clone() },
        heartbeat: Some(chrono::Utc::now() - heartbeat_age),
        stop_requested,
        ..e
    };
    save(athena.store(), &running).await.unwrap();
    athena.store().put(&in_progress_path(&running.id), PutPayload::default()).await.unwrap();
    running
}

#[tokio::test]
async fn a_lake_opening_fails_queries_whose_tab_is_gone_and_spares_live_ones() {
    let athena = athena_over(Arc::new(InMemory::new())).await;
    let gone = left_running(&athena, chrono::TimeDelta::minutes(10), false).await;
    let stopping = left_running(&athena, chrono::TimeDelta::minutes(10), true).await;
    let live = left_running(&athena, chrono::TimeDelta::seconds(5), false).await;
    // A marker whose execution completed (its tab closed right after) is only cleaned up.
    let finished = athena.start_query_execution("SELECT 2", None, None, None).await.unwrap();
    athena.store().put(&in_progress_path(&finished.id), PutPayload::default()).await.unwrap();

    let mut recovered = athena.recover_executions().await.unwrap();
    recovered.sort();
    let mut expected = vec![gone.id.clone(), stopping.id.clone()];
    expected.sort();
    assert_eq!(recovered, expected);
    let gone = athena.get_query_execution(&gone.id).await.unwrap();
    assert_eq!((gone.state.as_str(), gone.state_change_reason.as_deref()), ("FAILED", Some(INTERRUPTED)));
    assert!(gone.completed.is_some() && gone.heartbeat.is_none());
    let stats = gone.statistics_json();
    assert!(stats.get("EngineExecutionTimeInMillis").is_none(), "no engine time is claimed: {stats}");
    assert_eq!(gone.status_json()["AthenaError"]["ErrorCategory"], serde_json::json!(1));
    assert_eq!(athena.get_query_execution(&stopping.id).await.unwrap().state, "CANCELLED");
    assert_eq!(athena.get_query_execution(&live.id).await.unwrap().state, "RUNNING");
    assert_eq!(stable(athena.get_query_execution(&finished.id).await.unwrap()), stable(finished.clone()));
    for id in [&gone.id, &stopping.id, &finished.id] {
        assert!(athena.store().head(&in_progress_path(id)).await.is_err(), "marker of {id} removed");
    }
    assert!(athena.store().head(&in_progress_path(&live.id)).await.is_ok());

    // A stop of an execution whose tab is gone ends it at once; one with a live tab is requested.
    let orphan = left_running(&athena, chrono::TimeDelta::minutes(10), false).await;
    assert_eq!(athena.stop_query_execution(&orphan.id).await.unwrap().state, "CANCELLED");
    let requested = athena.stop_query_execution(&live.id).await.unwrap();
    assert!(requested.stop_requested && requested.state == "RUNNING");
}
