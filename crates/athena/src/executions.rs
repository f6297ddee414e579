//! StartQueryExecution, GetQueryExecution, GetQueryResults, ListQueryExecutions.

use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_api::{QueryResult, S3Uri};
use puddle_sql::{RunOptions, SqlEngine};
use puddle_store::S3;
use serde::{Deserialize, Serialize};

use crate::{csv::to_csv, Error, Result};

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
    /// `SUCCEEDED`, `FAILED` (or `CANCELLED`).
    pub state: String,
    /// Why it failed.
    pub state_change_reason: Option<String>,
    /// AWS error category of a failure (`1` system, `2` user).
    pub error_category: Option<u8>,
    /// Submission time.
    pub submitted: chrono::DateTime<chrono::Utc>,
    /// Completion time.
    pub completed: chrono::DateTime<chrono::Utc>,
    /// Engine time, ms.
    pub engine_ms: f64,
    /// Bytes read from objects.
    pub bytes_scanned: u64,
    /// Bytes billed (MB rounding, 10 MB minimum; 0 for DDL and failures).
    pub billed_bytes: u64,
    /// Cost in USD at $5 per TB billed.
    pub cost_usd: f64,
    /// `s3://.../<id>.csv` of the results (set when the query succeeded).
    pub output_location: String,
}

/// Athena over one lake.
#[derive(Debug, Clone)]
pub struct Athena {
    s3: S3,
    sql: SqlEngine,
}

fn record_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "executions", &format!("{id}.json")])
}

fn results_path(id: &str) -> Path {
    Path::from_iter(["_meta", "athena", "results", &format!("{id}.json")])
}

impl Athena {
    /// Athena reading through `sql`, writing results through `s3`.
    pub fn new(s3: S3, sql: SqlEngine) -> Self {
        Self { s3, sql }
    }

    pub(crate) fn store(&self) -> &Arc<dyn ObjectStore> {
        self.s3.store()
    }

    /// Runs `query` and records the execution. A failing query gives a `FAILED` execution.
    pub async fn start_query_execution(
        &self,
        query: &str,
        database: Option<&str>,
        output_location: Option<&str>,
        workgroup: Option<&str>,
    ) -> Result<QueryExecution> {
        if query.trim().is_empty() {
            return Err(Error::InvalidRequest("QueryString must not be empty".into()));
        }
        let group = self.get_work_group(workgroup.unwrap_or(DEFAULT_WORKGROUP)).await?;
        let workgroup = group.name.as_str();
        // The workgroup's location wins when it enforces its settings, else the query's.
        let chosen = match (&group.output_location, output_location) {
            (Some(wg), _) if group.enforce_configuration => Some(wg.as_str()),
            (_, Some(query)) => Some(query),
            (wg, None) => wg.as_deref(),
        };
        let output = match chosen {
            Some(loc) => loc.parse::<S3Uri>().map_err(|e| Error::InvalidRequest(e.to_string()))?,
            None => {
                if self.s3.head_bucket(DEFAULT_OUTPUT_BUCKET).await.is_err() {
                    self.s3.create_bucket(DEFAULT_OUTPUT_BUCKET).await?;
                }
                S3Uri { bucket: DEFAULT_OUTPUT_BUCKET.into(), key: String::new() }
            }
        };
        let id = uuid::Uuid::new_v4().to_string();
        let submitted = chrono::Utc::now();
        let database = database.unwrap_or("default").to_string();
        let statement_type = statement_type(query);
        let prefix = if output.key.is_empty() || output.key.ends_with('/') {
            output.key.clone()
        } else {
            format!("{}/", output.key)
        };
        let opts = RunOptions {
            query_id: Some(id.clone()),
            output_location: Some(format!("s3://{}/{prefix}", output.bucket)),
            bytes_scanned_cutoff: group.bytes_scanned_cutoff_per_query,
            ..RunOptions::default()
        };
        let outcome = self.sql.run_with(query, Some(&database), &opts).await;
        let completed = chrono::Utc::now();
        let key = format!("{prefix}{id}.csv");
        let mut execution = QueryExecution {
            id: id.clone(),
            query: query.to_string(),
            statement_type: statement_type.into(),
            database,
            workgroup: workgroup.into(),
            state: "SUCCEEDED".into(),
            state_change_reason: None,
            error_category: None,
            submitted,
            completed,
            engine_ms: 0.0,
            bytes_scanned: 0,
            billed_bytes: 0,
            cost_usd: 0.0,
            output_location: format!("s3://{}/{key}", output.bucket),
        };
        match outcome {
            Ok(result) => {
                execution.engine_ms = result.stats.elapsed_ms;
                execution.bytes_scanned = result.stats.bytes_scanned;
                execution.billed_bytes = result.stats.billed_bytes;
                execution.cost_usd = result.stats.cost_usd;
                self.s3
                    .put_object_with_type(&output.bucket, &key, Bytes::from(to_csv(&result)), Some("text/csv"))
                    .await?;
                let metadata = serde_json::json!({ "columns": result.columns, "types": result.column_types });
                self.s3
                    .put_object_with_type(
                        &output.bucket,
                        &format!("{key}.metadata"),
                        Bytes::from(metadata.to_string()),
                        Some("application/json"),
                    )
                    .await?;
                self.store().put(&results_path(&id), PutPayload::from(serde_json::to_vec(&result)?)).await?;
            }
            Err(puddle_sql::Error::BytesScannedLimitExceeded { bytes_scanned }) => {
                // Cancelled queries are billed for what they read.
                let stats = puddle_api::QueryStats::priced(bytes_scanned, 0.0);
                execution.state = "CANCELLED".into();
                execution.state_change_reason =
                    Some(puddle_sql::Error::BytesScannedLimitExceeded { bytes_scanned }.to_string());
                execution.bytes_scanned = bytes_scanned;
                execution.billed_bytes = stats.billed_bytes;
                execution.cost_usd = stats.cost_usd;
            }
            Err(e) => {
                execution.state = "FAILED".into();
                execution.state_change_reason = Some(e.to_string());
                execution.error_category = Some(2);
            }
        }
        self.store().put(&record_path(&id), PutPayload::from(serde_json::to_vec(&execution)?)).await?;
        Ok(execution)
    }

    /// GetQueryExecution.
    pub async fn get_query_execution(&self, id: &str) -> Result<QueryExecution> {
        if id.is_empty() || id.contains('/') {
            return Err(Error::NotFound(id.to_string()));
        }
        match self.store().get(&record_path(id)).await {
            Ok(res) => Ok(serde_json::from_slice(&res.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound(id.to_string())),
            Err(e) => Err(e.into()),
        }
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
        out.sort_by(|a, b| b.submitted.cmp(&a.submitted));
        Ok(out)
    }
}

/// Athena's StatementType for a statement.
fn statement_type(query: &str) -> &'static str {
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
