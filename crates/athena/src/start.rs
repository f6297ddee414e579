//! StartQueryExecution: an execution is recorded `QUEUED`, then `RUNNING` before its statement
//! runs (so GetQueryExecution, here or in another tab, sees it working), then `SUCCEEDED`,
//! `FAILED` or `CANCELLED`, with each phase measured.
//!
//! The statement runs inside the call: the engine has no executor of its own to run it after
//! answering. The worker answers every message in its own task and the query pauses between
//! record batches and at every storage read, so the other requests (GetQueryExecution,
//! StopQueryExecution) are answered while it runs.

use std::sync::{atomic::AtomicU64, Arc};

use bytes::Bytes;
use object_store::{ObjectStoreExt, PutPayload};
use puddle_api::{QueryResult, QueryStats, S3Uri};
use puddle_sql::RunOptions;
use serde::{Deserialize, Serialize};

use crate::{
    csv::to_csv,
    executions::{in_progress_path, results_path, save, statement_type, QueryExecution, Timing},
    running::ExecutionObserver,
    workgroups::WorkGroup,
    Athena, Error, Result, DEFAULT_OUTPUT_BUCKET, DEFAULT_WORKGROUP,
};

/// Athena's reason for an execution stopped by StopQueryExecution.
pub const CANCELLED_BY_USER: &str = puddle_api::QUERY_CANCELLED_BY_USER;

/// The input of StartQueryExecution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartQuery {
    /// The statement.
    pub query: String,
    /// Database of the context (`default` when absent).
    pub database: Option<String>,
    /// Output location of the query (the workgroup's wins when it enforces its configuration).
    pub output_location: Option<String>,
    /// Workgroup (`primary` when absent).
    pub workgroup: Option<String>,
    /// Athena's idempotency token (32 to 128 characters): a second start with the same token and
    /// query returns the first execution instead of running the query again.
    pub client_request_token: Option<String>,
}

/// What a client request token stands for.
#[derive(Debug, Serialize, Deserialize)]
struct TokenRecord {
    id: String,
    query: String,
}

fn token_path(token: &str) -> object_store::path::Path {
    object_store::path::Path::from_iter(["_meta", "athena", "client-request-tokens", &format!("{token}.json")])
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Checks a ClientRequestToken as Athena does (32 to 128 characters), and that it can name a record.
fn check_token(token: &str) -> Result<()> {
    let n = token.chars().count();
    if !(32..=128).contains(&n) {
        return Err(Error::InvalidRequest(format!(
            "ClientRequestToken must be between 32 and 128 characters long, got {n}"
        )));
    }
    if !token.chars().all(|c| c.is_ascii_graphic() && c != '/') {
        return Err(Error::InvalidRequest(
            "ClientRequestToken may only hold printable ASCII characters other than '/'".into(),
        ));
    }
    Ok(())
}

impl Athena {
    /// Runs `query` and records the execution. A failing query gives a `FAILED` execution.
    pub async fn start_query_execution(
        &self,
        query: &str,
        database: Option<&str>,
        output_location: Option<&str>,
        workgroup: Option<&str>,
    ) -> Result<QueryExecution> {
        self.start(StartQuery {
            query: query.to_string(),
            database: database.map(String::from),
            output_location: output_location.map(String::from),
            workgroup: workgroup.map(String::from),
            client_request_token: None,
        })
        .await
    }

    /// StartQueryExecution: records the execution `QUEUED`, then `RUNNING`, runs the statement
    /// and returns the completed execution (`SUCCEEDED`, `FAILED` or `CANCELLED`).
    pub async fn start(&self, input: StartQuery) -> Result<QueryExecution> {
        let started = web_time::Instant::now();
        let submitted = chrono::Utc::now();
        if input.query.trim().is_empty() {
            return Err(Error::InvalidRequest("QueryString must not be empty".into()));
        }
        let token = input.client_request_token.as_deref();
        if let Some(token) = token {
            check_token(token)?;
            if let Some(earlier) = self.execution_of_token(token, &input.query).await? {
                return Ok(earlier);
            }
        }
        let group = self.get_work_group(input.workgroup.as_deref().unwrap_or(DEFAULT_WORKGROUP)).await?;
        let output = self.output_of(&group, input.output_location.as_deref()).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let key = format!("{}{id}.csv", output.key);
        let mut execution = QueryExecution {
            id: id.clone(),
            query: input.query.clone(),
            statement_type: statement_type(&input.query).into(),
            database: input.database.clone().unwrap_or_else(|| "default".into()),
            workgroup: group.name.clone(),
            state: "QUEUED".into(),
            state_change_reason: None,
            error_category: None,
            error_type: None,
            submitted,
            completed: None,
            engine_ms: 0.0,
            timing: Timing::default(),
            bytes_scanned: 0,
            billed_bytes: 0,
            cost_usd: 0.0,
            output_location: format!("s3://{}/{key}", output.bucket),
            client_request_token: input.client_request_token.clone(),
            heartbeat: Some(chrono::Utc::now()),
            stop_requested: false,
        };
        // From here a stop in this tab reaches the execution; it is dropped when the call ends.
        let registered = self.running.register(&id, token);
        execution.timing.pre_processing_ms = Some(millis(started.elapsed()));
        let queued = web_time::Instant::now();
        self.store().put(&in_progress_path(&id), PutPayload::default()).await?;
        save(self.store(), &execution).await?;
        if let Some(token) = token {
            let record = TokenRecord { id: id.clone(), query: input.query.clone() };
            self.store().put(&token_path(token), PutPayload::from(serde_json::to_vec(&record)?)).await?;
        }
        execution.state = "RUNNING".into();
        execution.timing.queue_ms = Some(millis(queued.elapsed()));
        execution.heartbeat = Some(chrono::Utc::now());
        save(self.store(), &execution).await?;

        let running = web_time::Instant::now();
        let observer = Arc::new(ExecutionObserver::new(
            Arc::clone(self.store()),
            &id,
            Arc::clone(&registered.cancel),
            self.heartbeat_every,
        ));
        let scanned = Arc::new(AtomicU64::new(0));
        let opts = RunOptions {
            query_id: Some(id.clone()),
            output_location: Some(format!("s3://{}/{}", output.bucket, output.key)),
            bytes_scanned_cutoff: group.bytes_scanned_cutoff_per_query,
            cancel: Some(Arc::clone(&registered.cancel)),
            observer: Some(observer.clone()),
            scanned: Some(Arc::clone(&scanned)),
        };
        let outcome = if registered.cancel.load(std::sync::atomic::Ordering::SeqCst) {
            Err(puddle_sql::Error::Cancelled) // stopped while QUEUED
        } else {
            self.sql.run_with(&input.query, Some(&execution.database), &opts).await
        };
        let engine_done = web_time::Instant::now();
        execution.engine_ms = (engine_done - running).as_secs_f64() * 1000.0;
        execution.timing.planning_ms = observer.planned_at().map(|p| millis(p.saturating_duration_since(running)));
        let read = scanned.load(std::sync::atomic::Ordering::Relaxed);
        self.settle(&mut execution, outcome, read, &output.bucket, &key).await;
        execution.timing.service_processing_ms = Some(millis(engine_done.elapsed()));
        execution.timing.total_ms = Some(millis(started.elapsed()));
        execution.completed = Some(chrono::Utc::now());
        execution.heartbeat = None;
        execution.stop_requested = false;
        save(self.store(), &execution).await?;
        self.store().delete(&in_progress_path(&id)).await?;
        drop(registered);
        Ok(execution)
    }

    /// What an earlier start with `token` recorded, if any.
    async fn token_record(&self, token: &str) -> Result<Option<TokenRecord>> {
        match self.store().get(&token_path(token)).await {
            Ok(r) => Ok(Some(serde_json::from_slice(&r.bytes().await?)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The id of the execution started with `token`, if any.
    pub(crate) async fn token_execution_id(&self, token: &str) -> Result<Option<String>> {
        Ok(self.token_record(token).await?.map(|r| r.id))
    }

    /// The execution an earlier start with `token` made, if any; an error if it ran another query.
    async fn execution_of_token(&self, token: &str, query: &str) -> Result<Option<QueryExecution>> {
        let Some(record) = self.token_record(token).await? else { return Ok(None) };
        if record.query != query {
            return Err(Error::InvalidRequest(format!(
                "ClientRequestToken {token} was already used for another query (execution {})",
                record.id
            )));
        }
        Ok(Some(self.get_query_execution(&record.id).await?))
    }

    /// The bucket and key prefix (empty or ending in `/`) results go to: the workgroup's location
    /// when it enforces its configuration, else the query's, else the workgroup's, else the
    /// default results bucket (created on first use).
    async fn output_of(&self, group: &WorkGroup, query_location: Option<&str>) -> Result<S3Uri> {
        let chosen = match (&group.output_location, query_location) {
            (Some(wg), _) if group.enforce_configuration => Some(wg.as_str()),
            (_, Some(query)) => Some(query),
            (wg, None) => wg.as_deref(),
        };
        let mut output = match chosen {
            Some(loc) => loc.parse::<S3Uri>().map_err(|e| Error::InvalidRequest(e.to_string()))?,
            None => {
                if self.s3.head_bucket(DEFAULT_OUTPUT_BUCKET).await.is_err() {
                    self.s3.create_bucket(DEFAULT_OUTPUT_BUCKET).await?;
                }
                S3Uri { bucket: DEFAULT_OUTPUT_BUCKET.into(), key: String::new() }
            }
        };
        if !output.key.is_empty() && !output.key.ends_with('/') {
            output.key.push('/');
        }
        Ok(output)
    }

    /// Gives `execution` the state the statement's `outcome` means, writing the results of a
    /// success (a failure to write them fails the execution).
    async fn settle(
        &self,
        execution: &mut QueryExecution,
        outcome: puddle_sql::Result<QueryResult>,
        read: u64,
        bucket: &str,
        key: &str,
    ) {
        let cancelled = |execution: &mut QueryExecution, reason: String, bytes_scanned: u64| {
            // Cancelled queries are billed for what they read.
            let stats = QueryStats::priced(bytes_scanned, 0.0);
            execution.state = "CANCELLED".into();
            execution.state_change_reason = Some(reason);
            execution.bytes_scanned = bytes_scanned;
            execution.billed_bytes = if bytes_scanned > 0 { stats.billed_bytes } else { 0 };
            execution.cost_usd = if bytes_scanned > 0 { stats.cost_usd } else { 0.0 };
        };
        match outcome {
            Ok(result) => {
                execution.state = "SUCCEEDED".into();
                execution.bytes_scanned = result.stats.bytes_scanned;
                execution.billed_bytes = result.stats.billed_bytes;
                execution.cost_usd = result.stats.cost_usd;
                if let Err(e) = self.write_results(&execution.id, &result, bucket, key).await {
                    execution.state = "FAILED".into();
                    execution.state_change_reason = Some(format!("The results could not be written: {e}"));
                    execution.error_category = Some(1);
                    execution.error_type = Some(401);
                    execution.billed_bytes = 0;
                    execution.cost_usd = 0.0;
                }
            }
            Err(puddle_sql::Error::BytesScannedLimitExceeded { bytes_scanned }) => {
                let reason = puddle_sql::Error::BytesScannedLimitExceeded { bytes_scanned }.to_string();
                cancelled(execution, reason, bytes_scanned)
            }
            Err(puddle_sql::Error::Cancelled) => cancelled(execution, CANCELLED_BY_USER.into(), read),
            Err(e) => {
                execution.state = "FAILED".into();
                execution.state_change_reason = Some(e.to_string());
                execution.error_category = Some(2);
                execution.error_type = Some(1000);
                execution.bytes_scanned = read;
            }
        }
    }

    /// `<id>.csv` and `<id>.csv.metadata` at the output location, and the typed rows.
    async fn write_results(&self, id: &str, result: &QueryResult, bucket: &str, key: &str) -> Result<()> {
        self.s3.put_object_with_type(bucket, key, Bytes::from(to_csv(result)), Some("text/csv")).await?;
        let metadata = serde_json::json!({ "columns": result.columns, "types": result.column_types });
        self.s3
            .put_object_with_type(
                bucket,
                &format!("{key}.metadata"),
                Bytes::from(metadata.to_string()),
                Some("application/json"),
            )
            .await?;
        self.store().put(&results_path(id), PutPayload::from(serde_json::to_vec(result)?)).await?;
        Ok(())
    }
}
