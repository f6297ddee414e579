//! The facade: requests in, responses out.

use std::sync::Arc;

use bytes::Bytes;
use object_store::ObjectStore;
use puddle_api::{
    ApiError, BucketSummary, CreateTableInput, DataFormat, ExecOutput, ListObjectsOutput, LocalFileSummary,
    ObjectSummary, PutObjectOutput, QueryResult, Request, Response, TableSummary,
};
use puddle_catalog::Catalog;
use puddle_sql::SqlEngine;
use puddle_store::S3;

use serde_json::json;

use crate::{errors::api, LocalFolder};

/// One lake: S3, the Data Catalog and SQL over one object store.
#[derive(Debug, Clone)]
pub struct Lake {
    s3: S3,
    athena: puddle_athena::Athena,
    jobs: puddle_etl::Jobs,
    local: LocalFolder,
    catalog: Arc<Catalog>,
    pub(crate) sql: SqlEngine,
    pub(crate) rules: crate::eventbridge::Rules,
    pub(crate) automation: Arc<std::sync::Mutex<crate::automation::AutomationState>>,
    /// Crawls in progress: their progress and stop requests.
    pub(crate) crawls: Arc<puddle_crawler::CrawlMonitors>,
    /// Kinesis Data Streams.
    pub(crate) kinesis: puddle_streams::Kinesis,
    /// Firehose delivery streams (reading `kinesis`, writing through `s3`).
    pub(crate) firehose: puddle_firehose::Firehose,
    /// Records set aside since the lake opened (see `repair`).
    pub(crate) damaged: Arc<std::sync::Mutex<Vec<puddle_api::DamagedRecord>>>,
}

impl Lake {
    /// Opens the lake held by `store`, loading its catalog, rules and clock. A record among them
    /// that does not parse is set aside and listed by [`Lake::damaged_records`]; only a storage
    /// failure fails the opening.
    pub async fn open(store: Arc<dyn ObjectStore>) -> Result<Self, ApiError> {
        // A lake import a closed tab left half-way is finished (it had committed) or undone.
        crate::archive_switch::recover(&store).await?;
        let catalog = Arc::new(api(Catalog::load(Arc::clone(&store)).await)?);
        // Nothing crawls while the lake opens: a crawler left RUNNING by a closed tab is READY
        // again (a failure is logged below; an unreadable record is set aside by check_records).
        let crawlers_recovered = puddle_crawler::recover_crawlers(&store).await;
        let s3 = S3::with_events(Arc::clone(&store), puddle_store::SimClock::new(), puddle_store::EventBus::new());
        // SQL (and so Athena and Glue jobs) reads through the S3 layer's guarded store and writes
        // through the S3 layer itself: one read rule for archived objects, one write path.
        let sql = SqlEngine::with_s3(s3.clone(), Arc::clone(&catalog));
        let lake = Self {
            athena: puddle_athena::Athena::new(s3.clone(), sql.clone()),
            jobs: puddle_etl::Jobs::new(s3.clone(), sql.clone()),
            rules: crate::eventbridge::Rules::load(Arc::clone(&store)).await?,
            kinesis: puddle_streams::Kinesis::new(Arc::clone(&store), s3.clock().clone()),
            firehose: puddle_firehose::Firehose::new(s3.clone(), Arc::clone(&catalog)),
            automation: Arc::default(),
            crawls: Arc::default(),
            damaged: Arc::default(),
            local: LocalFolder::new(store),
            s3,
            sql,
            catalog,
        };
        // Nor does any job run: one left in progress ends FAILED (STOPPED if it was stopping) and
        // its partial output is removed.
        let runs_recovered = lake.jobs.recover_runs().await;
        // Nor any query: one a closed tab left QUEUED or RUNNING ends FAILED.
        let queries_recovered = lake.athena.recover_executions().await;
        if let Err(e) = crawlers_recovered {
            lake.log("recovery", "crawlers left running by a closed tab".into(), format!("FAILED: {e}"));
        }
        if let Err(e) = runs_recovered {
            lake.log("recovery", "job runs left running by a closed tab".into(), format!("FAILED: {e}"));
        }
        if let Err(e) = queries_recovered {
            lake.log("recovery", "queries left running by a closed tab".into(), format!("FAILED: {e}"));
        }
        lake.set_aside_unloaded().await?;
        lake.load_clock().await?;
        Ok(lake)
    }

    /// EventBridge rules of the default bus.
    pub(crate) fn rules(&self) -> &crate::eventbridge::Rules {
        &self.rules
    }

    /// The S3 layer.
    pub fn s3(&self) -> &S3 {
        &self.s3
    }

    /// Glue ETL jobs.
    pub fn jobs(&self) -> &puddle_etl::Jobs {
        &self.jobs
    }

    /// Athena query executions.
    pub fn athena(&self) -> &puddle_athena::Athena {
        &self.athena
    }

    /// The Data Catalog.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// The terminal's local folder.
    pub fn local(&self) -> &LocalFolder {
        &self.local
    }

    /// Answers one request. Never panics on bad input: every failure is [`Response::Error`].
    pub async fn handle(&self, request: Request) -> Response {
        let response = match self.dispatch(request).await {
            Ok(res) => res,
            Err(e) => Response::Error(e),
        };
        // Events and schedules the request caused run now; their failures are in the activity
        // log and the job/crawler histories, never in this request's answer.
        self.run_automation_logged().await;
        response
    }

    async fn dispatch(&self, request: Request) -> Result<Response, ApiError> {
        Ok(match request {
            Request::Call { service, operation, input } => {
                Response::Output(self.call(&service, &operation, input).await?)
            }
            Request::StreamTraffic { stream_name } => Response::StreamTraffic(self.stream_traffic(&stream_name).await?),
            Request::DeliveryBuffers { delivery_stream_name } => {
                Response::DeliveryBuffers(self.delivery_buffers(&delivery_stream_name).await?)
            }
            Request::Exec { line } => Response::Exec(crate::exec::run(self, &line).await),
            Request::Sql { query, database } => Response::Query(self.sql(&query, database.as_deref()).await?),
            Request::ListBuckets => Response::Buckets(self.list_buckets().await?),
            Request::CreateBucket { bucket } => {
                self.call("s3api", "CreateBucket", json!({ "Bucket": bucket })).await?;
                Response::Ok
            }
            Request::DeleteBucket { bucket } => {
                self.call("s3api", "DeleteBucket", json!({ "Bucket": bucket })).await?;
                Response::Ok
            }
            Request::ListObjects { bucket, prefix, delimiter } => {
                Response::Objects(self.list_objects(&bucket, &prefix, delimiter.as_deref()).await?)
            }
            Request::PutObject { bucket, key, body, content_type } => {
                Response::Put(self.put_object(&bucket, &key, Bytes::from(body), content_type.as_deref()).await?)
            }
            Request::GetObject { bucket, key } => {
                Response::Object(api(self.s3.get_object(&bucket, &key).await)?.to_vec())
            }
            Request::PreviewObject { bucket, key, format, rows } => {
                api(self.s3.head_object(&bucket, &key).await)?;
                let ext = key.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
                let format = format.or_else(|| DataFormat::parse(ext)).ok_or_else(|| {
                    ApiError::new(
                        "InvalidArgument",
                        format!("Cannot tell the format of '{key}': choose CSV, JSON or Parquet"),
                    )
                })?;
                Response::Query(api(self
                    .sql
                    .preview(&format!("s3://{bucket}/{key}"), format, rows.min(1000) as usize)
                    .await)?)
            }
            Request::DeleteObject { bucket, key } => {
                self.call("s3api", "DeleteObject", json!({ "Bucket": bucket, "Key": key })).await?;
                Response::Ok
            }
            Request::CreateTable(input) => Response::Tables(vec![self.create_table(&input).await?]),
            Request::ListTables { database } => {
                Response::Tables(self.catalog.tables(database.as_deref()).iter().map(table_summary).collect())
            }
            Request::GenerateSales { bucket, key, rows, format } => {
                Response::Put(self.generate_sales(&bucket, &key, rows, format).await?)
            }
            Request::StartQueryExecution { query, database } => {
                let execution = api(self.athena.start_query_execution(&query, database.as_deref(), None, None).await)?;
                let result = match execution.state.as_str() {
                    "SUCCEEDED" => Some(api(self.athena.get_query_results(&execution.id).await)?.1),
                    _ => None,
                };
                Response::QueryExecution { execution: execution_summary(&execution), result }
            }
            Request::ListQueryExecutions => Response::QueryExecutions(
                api(self.athena.list_query_executions(None).await)?.iter().map(execution_summary).collect(),
            ),
            Request::CreateCrawler(input) => {
                let crawler = crate::crawlers::create_crawler(self.s3.store(), input, "console").await?;
                Response::Crawlers(vec![crate::crawlers::summary(&crawler, &self.crawls)])
            }
            Request::ListClassifiers => Response::Classifiers(
                api(puddle_crawler::classifiers::list_classifiers(self.s3.store()).await)?
                    .iter()
                    .map(crate::crawlers::classifier_summary)
                    .collect(),
            ),
            Request::CreateClassifier(input) => {
                let (name, request) = match input {
                    puddle_api::ClassifierInput::Csv { name, delimiter, quote_symbol, contains_header, header } => {
                        let mut csv = json!({ "Name": name, "Delimiter": delimiter, "QuoteSymbol": quote_symbol,
                            "ContainsHeader": contains_header });
                        if !header.is_empty() {
                            csv["Header"] = json!(header);
                        }
                        let csv = crate::ops::without_nulls(csv);
                        (name, json!({ "CsvClassifier": csv }))
                    }
                    puddle_api::ClassifierInput::Json { name, json_path } => {
                        (name.clone(), json!({ "JsonClassifier": { "Name": name, "JsonPath": json_path } }))
                    }
                };
                self.call("glue", "CreateClassifier", request).await?;
                let created = api(puddle_crawler::classifiers::get_classifier(self.s3.store(), &name).await)?;
                Response::Classifiers(vec![crate::crawlers::classifier_summary(&created)])
            }
            Request::StartCrawler { name } => {
                self.call("glue", "StartCrawler", json!({ "Name": name })).await?;
                let crawler = api(puddle_crawler::get_crawler(self.s3.store(), &name).await)?;
                Response::Crawlers(vec![crate::crawlers::summary(&crawler, &self.crawls)])
            }
            Request::StopCrawler { name } => {
                self.call("glue", "StopCrawler", json!({ "Name": name })).await?;
                let crawler = api(puddle_crawler::get_crawler(self.s3.store(), &name).await)?;
                Response::Crawlers(vec![crate::crawlers::summary(&crawler, &self.crawls)])
            }
            Request::ListCrawlers => Response::Crawlers(
                api(puddle_crawler::list_crawlers(self.s3.store()).await)?
                    .iter()
                    .map(|c| crate::crawlers::summary(c, &self.crawls))
                    .collect(),
            ),
            Request::WriteLocalFile { name, body } => {
                let f = self.local.write(&name, Bytes::from(body)).await?;
                Response::LocalFiles(vec![LocalFileSummary { name: f.name, size: f.size, sample: f.sample }])
            }
            Request::ReadLocalFile { name } => Response::Object(self.local.read(&name).await?.to_vec()),
            Request::ListLocalFiles => Response::LocalFiles(
                self.local
                    .list("")
                    .await?
                    .into_iter()
                    .map(|f| LocalFileSummary { name: f.name, size: f.size, sample: f.sample })
                    .collect(),
            ),
            Request::Reset => {
                self.reset().await?;
                Response::Ok
            }
            Request::DebugPanic => panic!("panic requested through Request::DebugPanic (a test of crash recovery)"),
            Request::CheckLake => Response::Damaged(self.check_records().await?),
            Request::DebugHoldWork { held } => {
                puddle_events::hold_work(held);
                Response::Ok
            }
            Request::ExportLake => Response::Object(self.export_lake().await?),
            Request::ImportLake { zip } => Response::Imported(self.import_lake(&zip).await?),
            Request::DeleteObjects { bucket, keys, prefixes } => {
                Response::Deleted(self.delete_objects(&bucket, &keys, &prefixes).await?)
            }
            Request::StartQueryExecutionInWorkGroup { query, database, workgroup, client_request_token } => {
                let input = puddle_athena::StartQuery {
                    query,
                    database,
                    output_location: None,
                    workgroup,
                    client_request_token,
                };
                let execution = api(self.athena.start(input).await)?;
                let result = match execution.state.as_str() {
                    "SUCCEEDED" => Some(api(self.athena.get_query_results(&execution.id).await)?.1),
                    _ => None,
                };
                Response::QueryExecution { execution: execution_summary(&execution), result }
            }
            Request::StopQueryExecution { query_execution_id, client_request_token } => Response::QueryExecutions(
                vec![execution_summary(&self.stop_query(query_execution_id, client_request_token).await?)],
            ),
            Request::ListQueryExecutionsInWorkGroup { workgroup } => Response::QueryExecutions(
                api(self.athena.list_query_executions(workgroup.as_deref()).await)?
                    .iter()
                    .map(execution_summary)
                    .collect(),
            ),
            Request::ListWorkGroups => Response::WorkGroups(self.work_groups().await?),
            Request::CreateWorkGroup(input) => {
                let mut configuration = json!({ "ResultConfiguration": {} });
                if let Some(location) = input.output_location {
                    configuration["ResultConfiguration"]["OutputLocation"] = json!(location);
                }
                if let Some(cutoff) = input.bytes_scanned_cutoff_per_query {
                    configuration["BytesScannedCutoffPerQuery"] = json!(cutoff);
                }
                let request =
                    json!({ "Name": input.name, "Description": input.description, "Configuration": configuration });
                self.call("athena", "CreateWorkGroup", request).await?;
                Response::WorkGroups(self.work_groups().await?)
            }
            Request::ListNamedQueries { workgroup } => Response::NamedQueries(
                api(self.athena.list_named_queries(workgroup.as_deref()).await)?
                    .iter()
                    .map(named_query_summary)
                    .collect(),
            ),
            Request::CreateNamedQuery(input) => {
                let mut request = json!({ "Name": input.name, "Description": input.description,
                    "Database": input.database, "QueryString": input.query_string });
                if let Some(w) = input.workgroup {
                    request["WorkGroup"] = json!(w);
                }
                let created = self.call("athena", "CreateNamedQuery", request).await?;
                let id = created["NamedQueryId"].as_str().unwrap_or_default();
                Response::NamedQueries(vec![named_query_summary(&api(self.athena.get_named_query(id).await)?)])
            }
            Request::DeleteNamedQuery { id } => {
                self.call("athena", "DeleteNamedQuery", json!({ "NamedQueryId": id })).await?;
                Response::Ok
            }
            Request::GetTableDetails { database, name } => self.table_details(&database, &name).await?,
            Request::DiffTableVersions { database, name, old_version, new_version } => {
                self.table_diff(&database, &name, &old_version, &new_version).await?
            }
            console => self.console(console).await?,
        })
    }

    /// Runs one SQL statement.
    pub async fn sql(&self, query: &str, database: Option<&str>) -> Result<QueryResult, ApiError> {
        api(self.sql.run(query, database).await)
    }

    /// ListBuckets.
    pub async fn list_buckets(&self) -> Result<Vec<BucketSummary>, ApiError> {
        Ok(api(self.s3.list_buckets().await)?
            .into_iter()
            .map(|b| BucketSummary { name: b.name, creation_date: b.creation_date.to_rfc3339() })
            .collect())
    }

    /// ListObjectsV2, all pages.
    pub async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        delimiter: Option<&str>,
    ) -> Result<ListObjectsOutput, ApiError> {
        let list = api(self.s3.list_objects(bucket, prefix, delimiter).await)?;
        Ok(ListObjectsOutput {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            objects: list
                .objects
                .into_iter()
                .map(|o| ObjectSummary {
                    key: o.key,
                    size: o.size,
                    last_modified: o.last_modified.to_rfc3339(),
                    e_tag: o.e_tag,
                })
                .collect(),
            common_prefixes: list.common_prefixes,
        })
    }

    /// PutObject.
    pub async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        content_type: Option<&str>,
    ) -> Result<PutObjectOutput, ApiError> {
        let info = api(self.s3.put_object_with_type(bucket, key, body, content_type).await)?;
        Ok(PutObjectOutput { e_tag: info.e_tag.unwrap_or_default(), size: info.size })
    }

    /// Registers a table over files already in the lake, with columns read from them.
    pub async fn create_table(&self, input: &CreateTableInput) -> Result<TableSummary, ApiError> {
        let table = api(self.sql.create_table_from_files(input).await)?;
        Ok(table_summary(&table))
    }

    /// Writes the first `rows` rows of the course sales dataset to `s3://bucket/key`.
    pub async fn generate_sales(
        &self,
        bucket: &str,
        key: &str,
        rows: u64,
        format: DataFormat,
    ) -> Result<PutObjectOutput, ApiError> {
        const MAX_ROWS: u64 = 10_000_000;
        if rows > MAX_ROWS {
            return Err(ApiError::new("InvalidArgument", format!("at most {MAX_ROWS} rows can be generated")));
        }
        let body = match format {
            DataFormat::Csv => puddle_datagen::sales_csv(rows),
            DataFormat::Json => puddle_datagen::sales_json_lines(rows),
            DataFormat::Parquet => {
                puddle_datagen::sales_parquet(rows).map_err(|e| ApiError::internal(e.to_string()))?
            }
        };
        self.put_object(bucket, key, Bytes::from(body), None).await
    }

    /// Empties the whole lake, storage included.
    pub async fn reset(&self) -> Result<(), ApiError> {
        api(self.s3.delete_everything().await)?;
        self.s3.bus().drain();
        *self.automation.lock().unwrap_or_else(|e| e.into_inner()) = Default::default();
        self.forget_clock();
        self.load_clock().await?;
        self.rules.reload().await?;
        api(self.catalog.reload().await)
    }

    /// Every Athena workgroup, `primary` included.
    /// StopQueryExecution by execution id or by the ClientRequestToken the query was started with.
    async fn stop_query(
        &self,
        id: Option<String>,
        token: Option<String>,
    ) -> Result<puddle_athena::QueryExecution, ApiError> {
        match (id, token) {
            (Some(id), _) => api(self.athena.stop_query_execution(&id).await),
            (None, Some(token)) => api(self.athena.stop_by_client_request_token(&token).await)?.ok_or_else(|| {
                ApiError::new(
                    "InvalidRequestException",
                    format!("No query execution was started with the ClientRequestToken {token}"),
                )
            }),
            (None, None) => Err(ApiError::new(
                "InvalidRequestException",
                "StopQueryExecution needs a QueryExecutionId (or the ClientRequestToken of the query)",
            )),
        }
    }

    async fn work_groups(&self) -> Result<Vec<puddle_api::WorkGroupSummary>, ApiError> {
        Ok(api(self.athena.list_work_groups().await)?
            .into_iter()
            .map(|g| puddle_api::WorkGroupSummary {
                name: g.name,
                description: g.description,
                output_location: g.output_location,
                bytes_scanned_cutoff_per_query: g.bytes_scanned_cutoff_per_query,
            })
            .collect())
    }

    /// The whole lake as a `.zip` archive (see [`Request::ExportLake`]).
    pub async fn export_lake(&self) -> Result<Vec<u8>, ApiError> {
        crate::archive::export(self.s3.store(), &self.s3).await
    }

    /// Replaces the lake with an archive made by [`Lake::export_lake`], then reloads the catalog.
    /// A malformed archive fails with `InvalidLakeArchive` and changes nothing.
    pub async fn import_lake(&self, zip: &[u8]) -> Result<puddle_api::ImportSummary, ApiError> {
        let summary = crate::archive::import(self.s3.store(), zip).await?;
        self.forget_clock();
        self.reload_shared_state().await?;
        Ok(summary)
    }

    /// Deletes `keys` and every key under each of `prefixes`; answers how many were deleted.
    /// Stops at the first failure (what was deleted before it stays deleted).
    pub async fn delete_objects(&self, bucket: &str, keys: &[String], prefixes: &[String]) -> Result<u64, ApiError> {
        let mut all: std::collections::BTreeSet<String> = keys.iter().cloned().collect();
        for prefix in prefixes {
            all.extend(api(self.s3.list_objects(bucket, prefix, None).await)?.objects.into_iter().map(|o| o.key));
        }
        api(self.s3.head_bucket(bucket).await)?;
        for key in &all {
            api(self.s3.delete_object(bucket, key).await)?;
        }
        Ok(all.len() as u64)
    }

    /// Runs one `aws ...` line.
    pub async fn exec(&self, line: &str) -> ExecOutput {
        let out = crate::exec::run(self, line).await;
        self.run_automation_logged().await;
        out
    }
}

fn named_query_summary(q: &puddle_athena::NamedQuery) -> puddle_api::NamedQuerySummary {
    puddle_api::NamedQuerySummary {
        id: q.id.clone(),
        name: q.name.clone(),
        description: q.description.clone(),
        database: q.database.clone(),
        query_string: q.query_string.clone(),
        workgroup: Some(q.workgroup.clone()),
    }
}

fn execution_summary(e: &puddle_athena::QueryExecution) -> puddle_api::QueryExecutionSummary {
    puddle_api::QueryExecutionSummary {
        id: e.id.clone(),
        query: e.query.clone(),
        database: e.database.clone(),
        state: e.state.clone(),
        state_change_reason: e.state_change_reason.clone(),
        submitted: e.submitted.to_rfc3339(),
        engine_ms: e.engine_ms,
        bytes_scanned: e.bytes_scanned,
        cost_usd: e.cost_usd,
        output_location: e.output_location.clone(),
    }
}

pub(crate) fn table_summary(t: &puddle_catalog::Table) -> TableSummary {
    TableSummary {
        database: t.database.clone(),
        name: t.name.clone(),
        location: t.location.clone(),
        classification: t.classification.clone(),
        columns: t
            .columns
            .iter()
            .chain(&t.partition_keys)
            .map(|c| puddle_api::ColumnSummary { name: c.name.clone(), data_type: c.data_type.clone() })
            .collect(),
        partition_keys: t.partition_keys.iter().map(|c| c.name.clone()).collect(),
        partition_count: t.partitions.len() as u64,
    }
}
