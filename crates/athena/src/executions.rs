//! Query execution records: GetQueryExecution, GetQueryResults, ListQueryExecutions.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_api::QueryResult;
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde::{Deserialize, Serialize};

use crate::{running::Running, Error, Result};

/// The workgroup every account has.
pub const DEFAULT_WORKGROUP: &str = "primary";
/// Where results go when neither the query nor the workgroup names a location.
pub const DEFAULT_OUTPUT_BUCKET: &str = "aws-athena-query-results-123456789012-local";

/// One query execution, as GetQueryExecution describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryExecution {
    /// Execution id (a UUID).
    pub id: String,
    /// The statement.
    pub query: String,
    /// `DDL` or `DML`.
    pub statement_type: String,
    /// Database of the execution context.
    pub database: String,
    /// Workgroup.
    pub workgroup: String,
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELLED`.
    pub state: String,
    /// Why it failed or was cancelled.
    pub state_change_reason: Option<String>,
    /// AWS error category of a failure (`1` system, `2` user).
    pub error_category: Option<u8>,
    /// Athena's error type of a failure (`1000` user error, `100` internal service error, `401`
    /// results not written to S3); absent in records from before it was kept.
    #[serde(default)]
    pub error_type: Option<u16>,
    /// Submission time.
    pub submitted: chrono::DateTime<chrono::Utc>,
    /// Completion time; absent while the execution is `QUEUED` or `RUNNING`.
    #[serde(default)]
    pub completed: Option<chrono::DateTime<chrono::Utc>>,
    /// Engine time, ms: from `RUNNING` to the engine's answer (0 until then).
    pub engine_ms: f64,
    /// The other measured phases of the execution.
    #[serde(default)]
    pub timing: Timing,
    /// Bytes read from objects.
    pub bytes_scanned: u64,
    /// Bytes billed (MB rounding, 10 MB minimum; 0 for DDL and failures).
    pub billed_bytes: u64,
    /// Cost in USD at $5 per TB billed.
    pub cost_usd: f64,
    /// `s3://.../<id>.csv` of the results (written when the query succeeded).
    pub output_location: String,
    /// The `ClientRequestToken` it was started with (a second start with it returns this one).
    #[serde(default)]
    pub client_request_token: Option<String>,
    /// While `QUEUED`/`RUNNING`: the last sign of life of the tab running it.
    #[serde(default)]
    pub heartbeat: Option<chrono::DateTime<chrono::Utc>>,
    /// StopQueryExecution came from a tab that is not running it; the running tab stops it.
    #[serde(default)]
    pub stop_requested: bool,
}

/// The measured phases of an execution, in milliseconds. Each is absent until measured (and in
/// records written before Puddle measured it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// From submission until the execution was recorded `QUEUED` (checks, workgroup, output).
    pub pre_processing_ms: Option<u64>,
    /// From `QUEUED` until the execution was recorded `RUNNING`.
    pub queue_ms: Option<u64>,
    /// From `RUNNING` until the query's physical plan was built (absent for statements that
    /// plan no query, such as DDL).
    pub planning_ms: Option<u64>,
    /// From the engine's answer until the results were written and the execution completed.
    pub service_processing_ms: Option<u64>,
    /// From submission to completion.
    pub total_ms: Option<u64>,
}

impl QueryExecution {
    /// Whether `state` is `QUEUED` or `RUNNING`.
    pub fn is_in_progress_state(state: &str) -> bool {
        matches!(state, "QUEUED" | "RUNNING")
    }

    /// Whether the execution is `QUEUED` or `RUNNING`.
    pub fn in_progress(&self) -> bool {
        Self::is_in_progress_state(&self.state)
    }

    /// GetQueryExecution's `Status`: state, times, reason and, for a failure, `AthenaError`.
    pub fn status_json(&self) -> serde_json::Value {
        let mut status = serde_json::json!({ "State": self.state, "SubmissionDateTime": self.submitted.to_rfc3339() });
        if let Some(completed) = self.completed {
            status["CompletionDateTime"] = serde_json::json!(completed.to_rfc3339());
        }
        if let Some(reason) = &self.state_change_reason {
            status["StateChangeReason"] = serde_json::json!(reason);
            if self.state == "FAILED" {
                let category = self.error_category.unwrap_or(2);
                let error_type = self.error_type.unwrap_or(if category == 1 { 100 } else { 1000 });
                status["AthenaError"] = serde_json::json!({
                    "ErrorCategory": category,
                    "ErrorType": error_type,
                    "Retryable": category == 1,
                    "ErrorMessage": reason,
                });
            }
        }
        status
    }

    /// GetQueryExecution's `Statistics`: only what was measured (an execution in progress has
    /// no engine or total time yet).
    pub fn statistics_json(&self) -> serde_json::Value {
        let mut stats = serde_json::json!({ "DataScannedInBytes": self.bytes_scanned });
        let mut put = |key: &str, value: Option<u64>| {
            if let Some(v) = value {
                stats[key] = serde_json::json!(v);
            }
        };
        // A record from before the phases were measured has only the engine time; an execution
        // ended by a lake opening (its tab closed) has neither engine nor total time.
        let measured = self.timing.service_processing_ms.is_some() || self.timing == Timing::default();
        if let (Some(completed), true) = (self.completed, measured) {
            put("EngineExecutionTimeInMillis", Some(self.engine_ms.round() as u64));
            let total =
                self.timing.total_ms.unwrap_or_else(|| (completed - self.submitted).num_milliseconds().max(0) as u64);
            put("TotalExecutionTimeInMillis", Some(total));
        }
        put("ServicePreProcessingTimeInMillis", self.timing.pre_processing_ms);
        put("QueryQueueTimeInMillis", self.timing.queue_ms);
        put("QueryPlanningTimeInMillis", self.timing.planning_ms);
        put("ServiceProcessingTimeInMillis", self.timing.service_processing_ms);
        stats
    }
}

/// Athena over one lake.
#[derive(Debug, Clone)]
pub struct Athena {
    pub(crate) s3: S3,
    pub(crate) sql: SqlEngine,
    /// The executions in progress here (shared by every clone).
    pub(crate) running: Arc<Running>,
    /// How often a running query refreshes its heartbeat.
    pub(crate) heartbeat_every: std::time::Duration,
}

fn record_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "executions", &format!("{id}.json")])
}

pub(crate) fn results_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "results", &format!("{id}.json")])
}

/// The marker of an execution in progress, so a lake opening finds them without reading the
/// whole history.
pub(crate) fn in_progress_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "executions-in-progress", id])
}

/// Where the markers of executions in progress are.
pub(crate) fn in_progress_root() -> Path {
    Path::from_iter(["_meta", "athena", "executions-in-progress"])
}

/// The stored execution `id`.
pub(crate) async fn load(store: &Arc<dyn ObjectStore>, id: &str) -> Result<QueryExecution> {
    if id.is_empty() || id.contains('/') {
        return Err(Error::NotFound(id.to_string()));
    }
    match store.get(&record_path(id)).await {
        Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
        Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound(id.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Writes the record of `execution`.
pub(crate) async fn save(store: &Arc<dyn ObjectStore>, execution: &QueryExecution) -> Result<()> {
    store.put(&record_path(&execution.id), PutPayload::from(serde_json::to_vec(execution)?)).await?;
    Ok(())
}

impl Athena {
    /// Athena reading through `sql`, writing results through `s3`.
    pub fn new(s3: S3, sql: SqlEngine) -> Self {
        Self { s3, sql, running: Arc::default(), heartbeat_every: crate::running::HEARTBEAT_EVERY }
    }

    pub(crate) fn store(&self) -> &Arc<dyn ObjectStore> {
        self.s3.store()
    }

    /// GetQueryExecution.
    pub async fn get_query_execution(&self, id: &str) -> Result<QueryExecution> {
        load(self.store(), id).await
    }

    /// GetQueryResults: the result set of a succeeded execution.
    pub async fn get_query_results(&self, id: &str) -> Result<(QueryExecution, QueryResult)> {
        let execution = self.get_query_execution(id).await?;
        if execution.state != "SUCCEEDED" {
            return Err(Error::NoResults(execution.state));
        }
        let bytes = self.store().get(&results_path(id)).await?.bytes().await?;
        Ok((execution, serde_json::from_slice(&bytes)?))
    }

    /// ListQueryExecutions of a workgroup, newest first.
    pub async fn list_query_executions(&self, workgroup: Option<&str>) -> Result<Vec<QueryExecution>> {
        let workgroup = workgroup.unwrap_or(DEFAULT_WORKGROUP);
        let root = Path::from_iter(["_meta", "athena", "executions"]);
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        let mut out = Vec::new();
        for m in metas {
            let e: QueryExecution = serde_json::from_slice(&self.store().get(&m.location).await?.bytes().await?)?;
            if e.workgroup == workgroup {
                out.push(e);
            }
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.submitted));
        Ok(out)
    }
}

/// Athena's StatementType for a statement.
pub(crate) fn statement_type(query: &str) -> &'static str {
    let words: Vec<String> = query.split_whitespace().take(2).map(str::to_ascii_uppercase).collect();
    if words == ["CREATE", "TABLE"] {
        return "DML"; // CTAS: Athena counts CREATE TABLE AS SELECT as DML
    }
    let first = words.first().cloned().unwrap_or_default();
    match first.as_str() {
        "CREATE" | "DROP" | "ALTER" | "SHOW" | "DESCRIBE" | "MSCK" => "DDL",
        _ => "DML",
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use object_store::memory::InMemory;
    use puddle_catalog::Catalog;

    use super::*;

    async fn athena() -> Athena {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
        let s3 = S3::new(store.clone());
        s3.create_bucket("raw-1").await.unwrap();
        s3.put_object("raw-1", "sales/a.csv", Bytes::from(puddle_datagen::sales_csv(100))).await.unwrap();
        let athena = Athena::new(s3, SqlEngine::new(store, catalog));
        athena
            .start_query_execution(
                "CREATE EXTERNAL TABLE sales STORED AS CSV LOCATION 's3://raw-1/sales/'",
                None,
                None,
                None,
            )
            .await
            .unwrap();
        athena
    }

    #[tokio::test]
    async fn executions_results_and_history() {
        let athena = athena().await;
        let e = athena.start_query_execution("SELECT COUNT(*) AS n FROM sales", None, None, None).await.unwrap();
        assert_eq!((e.state.as_str(), e.statement_type.as_str()), ("SUCCEEDED", "DML"));
        assert!(e.bytes_scanned > 0 && e.cost_usd > 0.0);
        assert!(e.output_location.starts_with(&format!("s3://{DEFAULT_OUTPUT_BUCKET}/")));
        let csv = athena.s3.get_object(DEFAULT_OUTPUT_BUCKET, &format!("{}.csv", e.id)).await.unwrap();
        assert_eq!(&csv[..], b"\"n\"\n\"100\"\n");
        let (_, result) = athena.get_query_results(&e.id).await.unwrap();
        assert_eq!(result.rows[0][0], serde_json::json!(100));

        let bad = athena
            .start_query_execution("SELECT nope FROM sales", None, Some("s3://raw-1/results/"), None)
            .await
            .unwrap();
        assert_eq!(bad.state, "FAILED");
        assert!(bad.state_change_reason.as_deref().unwrap().contains("nope"));
        assert_eq!(bad.cost_usd, 0.0);
        assert_eq!(athena.get_query_results(&bad.id).await.unwrap_err().code(), "InvalidRequestException");

        let history = athena.list_query_executions(None).await.unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(athena.get_query_execution("nope").await.unwrap_err().code(), "InvalidRequestException");
        assert!(athena.start_query_execution("SELECT 1", None, None, Some("other")).await.is_err());
    }

    #[tokio::test]
    async fn workgroups_route_results_limit_scans_and_keep_their_history() {
        let athena = athena().await;
        athena.s3.create_bucket("wg-results").await.unwrap();
        let mut group = crate::WorkGroup::new("analysts");
        group.output_location = Some("s3://wg-results/analysts/".into());
        group.bytes_scanned_cutoff_per_query = Some(crate::MIN_BYTES_SCANNED_CUTOFF);
        athena.create_work_group(group.clone()).await.unwrap();
        assert!(athena.create_work_group(group.clone()).await.unwrap_err().to_string().contains("already created"));
        group.name = "bad name".into();
        assert_eq!(athena.create_work_group(group).await.unwrap_err().code(), "InvalidRequestException");
        let mut tiny = crate::WorkGroup::new("tiny");
        tiny.bytes_scanned_cutoff_per_query = Some(1);
        assert!(athena.create_work_group(tiny).await.unwrap_err().to_string().contains("10000000"));
        let names: Vec<_> = athena.list_work_groups().await.unwrap().into_iter().map(|g| g.name).collect();
        assert_eq!(names, ["analysts", "primary"]);

        // The workgroup enforces its location over the query's.
        let e = athena
            .start_query_execution("SELECT COUNT(*) FROM sales", None, Some("s3://raw-1/x/"), Some("analysts"))
            .await
            .unwrap();
        assert_eq!(e.state, "SUCCEEDED");
        assert_eq!(e.output_location, format!("s3://wg-results/analysts/{}.csv", e.id));
        assert_eq!(athena.list_query_executions(Some("analysts")).await.unwrap().len(), 1);
        assert_eq!(athena.list_query_executions(None).await.unwrap().len(), 1, "primary has only the CREATE");

        // CTAS without a location goes to the workgroup's `tables/<id>/`.
        let ctas = athena
            .start_query_execution("CREATE TABLE copy AS SELECT * FROM sales", None, None, Some("analysts"))
            .await
            .unwrap();
        assert_eq!(ctas.state, "SUCCEEDED", "{:?}", ctas.state_change_reason);
        assert_eq!(ctas.statement_type, "DML");
        let folder = Path::from(format!("wg-results/analysts/tables/{}", ctas.id));
        let listed: Vec<_> = athena.store().list(Some(&folder)).try_collect().await.unwrap();
        assert_eq!(listed.len(), 1);

        // Over the limit: CANCELLED with Athena's message, billed for what was read.
        athena.s3.put_object("raw-1", "big/a.csv", Bytes::from(puddle_datagen::sales_csv(400_000))).await.unwrap();
        athena
            .start_query_execution(
                "CREATE EXTERNAL TABLE big STORED AS CSV LOCATION 's3://raw-1/big/'",
                None,
                None,
                None,
            )
            .await
            .unwrap();
        let over =
            athena.start_query_execution("SELECT COUNT(*) FROM big", None, None, Some("analysts")).await.unwrap();
        assert_eq!(over.state, "CANCELLED");
        assert_eq!(over.state_change_reason.as_deref(), Some("Query cancelled! : Bytes scanned limit was exceeded"));
        assert!(over.bytes_scanned > crate::MIN_BYTES_SCANNED_CUTOFF && over.cost_usd > 0.0);
        let fine = athena.start_query_execution("SELECT COUNT(*) FROM big", None, None, None).await.unwrap();
        assert_eq!(fine.state, "SUCCEEDED", "primary has no limit");
    }

    #[tokio::test]
    async fn named_queries_are_saved_per_workgroup() {
        let athena = athena().await;
        athena.create_work_group(crate::WorkGroup::new("team")).await.unwrap();
        let q = athena.create_named_query("lab", "course query", "sales_db", "SELECT 1", None).await.unwrap();
        let t = athena.create_named_query("team q", "", "default", "SELECT 2", Some("team")).await.unwrap();
        assert_eq!(athena.get_named_query(&q.id).await.unwrap(), q);
        assert_eq!(athena.list_named_queries(None).await.unwrap(), vec![q.clone()]);
        assert_eq!(athena.list_named_queries(Some("team")).await.unwrap(), vec![t]);
        assert!(athena.create_named_query("x", "", "d", "SELECT 1", Some("nope")).await.is_err());
        assert!(athena.create_named_query("x", "", "d", " ", None).await.is_err());
        athena.delete_named_query(&q.id).await.unwrap();
        assert_eq!(athena.get_named_query(&q.id).await.unwrap_err().code(), "InvalidRequestException");
        assert!(athena.delete_work_group("primary").await.is_err());
        athena.delete_work_group("team").await.unwrap();
        assert!(athena.get_work_group("team").await.is_err());
    }
}
