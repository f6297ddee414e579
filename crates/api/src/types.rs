//! Requests to the lake and the data they return.

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// One operation on the lake. The worker answers each with one [`Response`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum Request {
    /// One AWS operation through the lake's one request surface (`Lake::call`): the service as
    /// the CLI names it (`kinesis`, `firehose`, `s3api`, ...), the operation as the API does
    /// (`PutRecords`), its input structure with AWS member names. Answers [`Response::Output`].
    Call {
        /// `kinesis`, `firehose`, `s3api`, `glue`, `athena`, `events`, ...
        service: String,
        /// `CreateStream`, `PutRecord`, ...
        operation: String,
        /// The operation's input structure (JSON, AWS member names; blobs as base64 strings).
        input: serde_json::Value,
    },
    /// Per-shard traffic of one Kinesis stream (the Kinesis page's live gauges).
    StreamTraffic {
        /// Stream name.
        stream_name: String,
    },
    /// The buffers of one Firehose delivery stream (the Firehose page's gauges).
    DeliveryBuffers {
        /// Delivery stream name.
        delivery_stream_name: String,
    },
    /// Run one `aws ...` CLI line.
    Exec {
        /// The line as typed, e.g. `aws s3 mb s3://data-lake-raw-123`.
        line: String,
    },
    /// Run one SQL statement (query or DDL).
    Sql {
        /// The statement.
        query: String,
        /// Default database for unqualified table names (`default` when absent).
        database: Option<String>,
    },
    /// S3 ListBuckets.
    ListBuckets,
    /// S3 CreateBucket.
    CreateBucket {
        /// Bucket name.
        bucket: String,
    },
    /// S3 DeleteBucket (the bucket must be empty).
    DeleteBucket {
        /// Bucket name.
        bucket: String,
    },
    /// S3 ListObjectsV2 (all pages).
    ListObjects {
        /// Bucket name.
        bucket: String,
        /// Key prefix, may be empty.
        prefix: String,
        /// Group keys by this delimiter into common prefixes (usually `/`).
        delimiter: Option<String>,
    },
    /// S3 PutObject.
    PutObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// Object body.
        #[serde(with = "serde_bytes")]
        body: Vec<u8>,
        /// `Content-Type`; guessed from the key when absent.
        content_type: Option<String>,
    },
    /// S3 GetObject (whole body).
    GetObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
    /// The first rows of one object read as CSV, JSON lines or Parquet (the console's preview).
    PreviewObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// Format; guessed from the key's extension when absent.
        format: Option<DataFormat>,
        /// Rows to return.
        rows: u32,
    },
    /// S3 DeleteObject.
    DeleteObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
    /// Register (or replace) a catalog table over an S3 location, inferring its columns.
    CreateTable(CreateTableInput),
    /// List the catalog's tables, optionally of one database.
    ListTables {
        /// Only this database, or all when absent.
        database: Option<String>,
    },
    /// Write the deterministic course sales dataset to the lake.
    GenerateSales {
        /// Target bucket (must exist).
        bucket: String,
        /// Target key.
        key: String,
        /// Number of rows.
        rows: u64,
        /// File format.
        format: DataFormat,
    },
    /// Glue CreateCrawler.
    CreateCrawler(CreateCrawlerInput),
    /// Glue StartCrawler: runs the crawl to the end and answers with the crawler and its report.
    StartCrawler {
        /// Crawler name.
        name: String,
    },
    /// Glue GetCrawlers.
    ListCrawlers,
    /// Glue GetClassifiers: the custom classifiers a crawler can use.
    ListClassifiers,
    /// Glue CreateClassifier (CSV or JSON).
    CreateClassifier(ClassifierInput),
    /// Athena StartQueryExecution: runs the statement, records it in the history, writes the
    /// results to the output location, and answers with the execution and its rows.
    StartQueryExecution {
        /// The statement.
        query: String,
        /// Database of the context (`default` when absent).
        database: Option<String>,
    },
    /// Athena ListQueryExecutions of the primary workgroup, newest first.
    ListQueryExecutions,
    /// Write a file into the terminal's local folder (what `aws s3 cp ./file s3://...` reads).
    WriteLocalFile {
        /// Path in the folder, e.g. `sales.csv` or `data/a.csv`.
        name: String,
        /// Contents.
        #[serde(with = "serde_bytes")]
        body: Vec<u8>,
    },
    /// Read a file of the local folder (user file or course sample).
    ReadLocalFile {
        /// Path in the folder.
        name: String,
    },
    /// List the local folder, course samples included.
    ListLocalFiles,
    /// Empty the whole lake, storage included.
    Reset,
    /// Panic inside the engine on purpose. Exists only so tests can prove a crash is survivable.
    DebugPanic,
    /// Hold (`true`) or release (`false`) every crawl and job run at its next pause. Exists only
    /// so tests can see work in progress without racing real time.
    DebugHoldWork {
        /// Hold, or release.
        held: bool,
    },
    /// Reads every lake record back, sets aside the ones that do not parse, and answers every
    /// record set aside since the lake opened ([`Response::Damaged`]).
    CheckLake,
    /// Glue GetJobs, each with its newest run.
    ListJobs,
    /// Glue CreateJob from the console's script editor.
    CreateJob(crate::CreateJobInput),
    /// Glue StartJobRun: runs to the end, answers with the run. Meanwhile ListJobRuns shows it
    /// `STARTING`/`RUNNING` with its log so far.
    StartJobRun {
        /// Job name.
        job: String,
    },
    /// Glue GetJobRuns, newest first.
    ListJobRuns {
        /// Job name.
        job: String,
    },
    /// Glue BatchStopJobRun for one run in progress: it ends `STOPPED` before writing anything.
    /// Answers with the run, `STOPPING`.
    StopJobRun {
        /// Job name.
        job: String,
        /// `jr_...`.
        run_id: String,
    },
    /// Glue StopCrawler: a crawl in progress ends `CANCELLED` after the file it is reading.
    /// Answers with the crawler, `STOPPING`.
    StopCrawler {
        /// Crawler name.
        name: String,
    },
    /// Glue GetTriggers.
    ListTriggers,
    /// Glue StartTrigger (an on-demand trigger fires now).
    StartTrigger {
        /// Trigger name.
        name: String,
    },
    /// EventBridge ListRules with their targets.
    ListRules,
    /// EventBridge PutRule + PutTargets: run a job or crawler when objects arrive under a prefix.
    PutS3Rule(crate::S3RuleInput),
    /// EventBridge RemoveTargets + DeleteRule.
    DeleteRule {
        /// Rule name.
        name: String,
    },
    /// The lake clock.
    GetClock,
    /// Move the lake clock forward; answers with what happened because of it.
    AdvanceClock {
        /// Minutes.
        minutes: i64,
    },
    /// What rules, triggers, schedules and lifecycle rules did recently.
    ListActivity,
    /// Recent S3 event notifications.
    ListEvents,
    /// Versioning and lifecycle of a bucket.
    GetBucketSettings {
        /// Bucket.
        bucket: String,
    },
    /// PutBucketVersioning.
    PutBucketVersioning {
        /// Bucket.
        bucket: String,
        /// `Enabled` or `Suspended`.
        status: String,
    },
    /// PutBucketLifecycleConfiguration (JSON in S3's shape), or DeleteBucketLifecycle when `None`.
    PutBucketLifecycle {
        /// Bucket.
        bucket: String,
        /// `{"Rules": [...]}`.
        configuration: Option<String>,
    },
    /// ListObjectVersions under a prefix (a key lists that key's versions).
    ListObjectVersions {
        /// Bucket.
        bucket: String,
        /// Prefix.
        prefix: String,
    },
    /// HeadObject.
    HeadObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
    },
    /// RestoreObject of an archived object.
    RestoreObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// Days the restored copy stays.
        days: u32,
        /// `Expedited`, `Standard`, `Bulk`.
        tier: String,
    },
    /// Athena StartQueryExecution in a workgroup (its output location and data usage limit);
    /// answers like [`Request::StartQueryExecution`].
    StartQueryExecutionInWorkGroup {
        /// The statement.
        query: String,
        /// Database of the context (`default` when absent).
        database: Option<String>,
        /// Workgroup (`primary` when absent).
        workgroup: Option<String>,
        /// Athena's ClientRequestToken (32 to 128 characters): a second start with it returns
        /// the first execution, and [`Request::StopQueryExecution`] can name the execution by it
        /// before its id is known (the workbench's Cancel).
        #[serde(default)]
        client_request_token: Option<String>,
    },
    /// Athena StopQueryExecution of the execution with this id or started with this
    /// ClientRequestToken: it ends `CANCELLED` at its next record batch or storage read.
    /// Answers [`Response::QueryExecutions`] with the execution as it is now.
    StopQueryExecution {
        /// Execution id.
        #[serde(default)]
        query_execution_id: Option<String>,
        /// The ClientRequestToken it was started with.
        #[serde(default)]
        client_request_token: Option<String>,
    },
    /// Athena ListQueryExecutions of one workgroup, newest first.
    ListQueryExecutionsInWorkGroup {
        /// Workgroup (`primary` when absent).
        workgroup: Option<String>,
    },
    /// Athena ListWorkGroups (each with its configuration).
    ListWorkGroups,
    /// Athena CreateWorkGroup; answers with every workgroup.
    CreateWorkGroup(WorkGroupSummary),
    /// Athena ListNamedQueries of one workgroup, by name, with their SQL.
    ListNamedQueries {
        /// Workgroup (`primary` when absent).
        workgroup: Option<String>,
    },
    /// Athena CreateNamedQuery; answers with the saved query.
    CreateNamedQuery(NamedQuerySummary),
    /// Athena DeleteNamedQuery.
    DeleteNamedQuery {
        /// Saved query id.
        id: String,
    },
    /// The first rows of one frame of a Glue script (the visual editor's preview of a node).
    PreviewScriptFrame {
        /// The script (it need not write anything yet).
        script: String,
        /// The frame variable to preview.
        frame: String,
        /// How many rows (at most 1000).
        rows: u32,
    },
    /// The whole lake as a `.zip` (objects at `bucket/key`, `_meta/` records, `_manifest.json`);
    /// answered with [`Response::Object`].
    ExportLake,
    /// Replace the whole lake with an archive made by [`Request::ExportLake`]; a malformed archive
    /// fails with `InvalidLakeArchive` and changes nothing. Answered with [`Response::Imported`].
    ImportLake {
        /// The `.zip` file.
        #[serde(with = "serde_bytes")]
        zip: Vec<u8>,
    },
    /// Delete many objects at once (the console's multi-select delete and "Empty bucket"):
    /// the given keys, plus every key under each prefix (`""` empties the bucket).
    /// Answered with [`Response::Deleted`].
    DeleteObjects {
        /// Bucket name.
        bucket: String,
        /// Keys to delete.
        keys: Vec<String>,
        /// Folders to delete recursively.
        prefixes: Vec<String>,
    },
    /// The catalog browser's view of one table: definition, partitions, versions and DDL.
    GetTableDetails {
        /// Database.
        database: String,
        /// Table.
        name: String,
    },
    /// The side-by-side schema difference between two versions of a table.
    DiffTableVersions {
        /// Database.
        database: String,
        /// Table.
        name: String,
        /// Older version id.
        old_version: String,
        /// Newer version id.
        new_version: String,
    },
}

impl Request {
    /// Whether the request can change the lake (views refresh after those). Reads list here;
    /// anything new counts as a write until listed, which costs a refresh, never a stale view.
    pub fn mutates(&self) -> bool {
        if let Request::Call { operation, .. } = self {
            // Reads by name, as AWS names them; GetRecords and GetShardIterator change nothing
            // another tab needs to see. Nor do record puts (a producer sends several a second):
            // no view caches stream records (the Kinesis and Firehose pages re-read every
            // second), and the S3 objects a put makes Firehose deliver are announced by the
            // worker's timer, which reports every delivery.
            let record_put = matches!(operation.as_str(), "PutRecord" | "PutRecords" | "PutRecordBatch");
            return !record_put && !["Describe", "List", "Get"].iter().any(|p| operation.starts_with(p));
        }
        !matches!(
            self,
            Request::ListBuckets
                | Request::StreamTraffic { .. }
                | Request::DeliveryBuffers { .. }
                | Request::ListObjects { .. }
                | Request::GetObject { .. }
                | Request::ListTables { .. }
                | Request::ReadLocalFile { .. }
                | Request::ListLocalFiles
                | Request::ListCrawlers
                | Request::ListClassifiers
                | Request::ListQueryExecutions
                | Request::PreviewObject { .. }
                | Request::ListJobs
                | Request::ListJobRuns { .. }
                | Request::ListTriggers
                | Request::ListRules
                | Request::GetClock
                | Request::ListActivity
                | Request::ListEvents
                | Request::GetBucketSettings { .. }
                | Request::ListObjectVersions { .. }
                | Request::HeadObject { .. }
                | Request::ListWorkGroups
                | Request::PreviewScriptFrame { .. }
                | Request::ListNamedQueries { .. }
                | Request::ListQueryExecutionsInWorkGroup { .. }
                | Request::ExportLake
                | Request::GetTableDetails { .. }
                | Request::DiffTableVersions { .. }
                | Request::DebugHoldWork { .. }
        )
    }
}

/// The engine's answer to one [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value")]
pub enum Response {
    /// Operation succeeded with nothing to return.
    Ok,
    /// Result of [`Request::Call`]: the operation's output structure.
    Output(serde_json::Value),
    /// Result of [`Request::StreamTraffic`].
    StreamTraffic(Vec<crate::ShardTraffic>),
    /// Result of [`Request::DeliveryBuffers`].
    DeliveryBuffers(Vec<crate::DeliveryBuffer>),
    /// Result of [`Request::CheckLake`]: the records set aside.
    Damaged(Vec<DamagedRecord>),
    /// Result of [`Request::Exec`].
    Exec(ExecOutput),
    /// Result of [`Request::Sql`].
    Query(QueryResult),
    /// Result of [`Request::ListBuckets`].
    Buckets(Vec<BucketSummary>),
    /// Result of [`Request::ListObjects`].
    Objects(ListObjectsOutput),
    /// Result of [`Request::PutObject`].
    Put(PutObjectOutput),
    /// Result of [`Request::GetObject`].
    Object(#[serde(with = "serde_bytes")] Vec<u8>),
    /// Result of [`Request::CreateTable`] and [`Request::ListTables`].
    Tables(Vec<TableSummary>),
    /// Result of [`Request::StartQueryExecution`]: the execution, and its rows if it succeeded.
    QueryExecution {
        /// The execution.
        execution: QueryExecutionSummary,
        /// The result set (absent when the query failed).
        result: Option<QueryResult>,
    },
    /// Result of [`Request::ListQueryExecutions`].
    QueryExecutions(Vec<QueryExecutionSummary>),
    /// Result of [`Request::ListCrawlers`], [`Request::CreateCrawler`], [`Request::StartCrawler`].
    Crawlers(Vec<CrawlerSummary>),
    /// Result of [`Request::ListClassifiers`] and [`Request::CreateClassifier`].
    Classifiers(Vec<ClassifierSummary>),
    /// Result of [`Request::ListLocalFiles`] and [`Request::WriteLocalFile`].
    LocalFiles(Vec<LocalFileSummary>),
    /// The operation failed.
    Error(ApiError),
    /// Result of [`Request::ListJobs`] and [`Request::CreateJob`].
    Jobs(Vec<crate::JobSummary>),
    /// Result of [`Request::ListJobRuns`] and [`Request::StartJobRun`].
    JobRuns(Vec<crate::JobRunSummary>),
    /// Result of [`Request::ListTriggers`].
    Triggers(Vec<crate::TriggerSummary>),
    /// Result of [`Request::ListRules`] and [`Request::PutS3Rule`].
    Rules(Vec<crate::RuleSummary>),
    /// Result of [`Request::GetClock`].
    Clock(crate::ClockSummary),
    /// Result of [`Request::AdvanceClock`] and [`Request::ListActivity`].
    Activity(Vec<crate::ActivitySummary>),
    /// Result of [`Request::ListEvents`].
    Events(Vec<crate::EventSummary>),
    /// Result of [`Request::GetBucketSettings`].
    BucketSettings(crate::BucketSettings),
    /// Result of [`Request::ListObjectVersions`].
    ObjectVersions(Vec<crate::ObjectVersionSummary>),
    /// Result of [`Request::HeadObject`].
    ObjectDetails(crate::ObjectDetails),
    /// Result of [`Request::ImportLake`].
    Imported(ImportSummary),
    /// Result of [`Request::DeleteObjects`]: how many objects were deleted.
    Deleted(u64),
    /// Result of [`Request::ListWorkGroups`] and [`Request::CreateWorkGroup`].
    WorkGroups(Vec<WorkGroupSummary>),
    /// Result of [`Request::ListNamedQueries`] and [`Request::CreateNamedQuery`].
    NamedQueries(Vec<NamedQuerySummary>),
    /// Result of [`Request::GetTableDetails`].
    TableDetails(Box<crate::TableDetails>),
    /// Result of [`Request::DiffTableVersions`].
    TableDiff(crate::TableDiff),
}

/// An Athena workgroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkGroupSummary {
    /// Name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// `s3://...` folder of query results (Athena's default bucket when absent).
    #[serde(rename = "outputLocation", default)]
    pub output_location: Option<String>,
    /// Per-query data usage limit in bytes (at least 10,000,000).
    #[serde(rename = "bytesScannedCutoffPerQuery", default)]
    pub bytes_scanned_cutoff_per_query: Option<u64>,
}

/// An Athena saved (named) query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedQuerySummary {
    /// Id (empty in a create request; set by Athena).
    #[serde(default)]
    pub id: String,
    /// Name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Database the query runs in.
    pub database: String,
    /// The SQL.
    #[serde(rename = "queryString")]
    pub query_string: String,
    /// Workgroup (`primary` when absent).
    #[serde(default)]
    pub workgroup: Option<String>,
}

/// What [`Request::ImportLake`] restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Buckets.
    pub buckets: u64,
    /// S3 objects (lake records not counted).
    pub objects: u64,
    /// Bytes of those objects.
    pub bytes: u64,
}

/// A lake record that could not be read back and was set aside (kept under
/// `_meta/quarantine/<path>`, and in lake exports) so that the rest of the lake opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DamagedRecord {
    /// Where the record was, e.g. `_meta/events/rules/nightly.json`.
    pub path: String,
    /// Why it could not be read.
    pub error: String,
}

/// What one CLI line printed, AWS CLI v2 style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecOutput {
    /// 0 success, 252 usage/parse error, 254 service error, 255 anything else.
    #[serde(rename = "exitCode")]
    pub exit_code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The rows of a query, plus what running it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Column types, Athena/Hive style (`bigint`, `varchar`, `double`, ...).
    #[serde(rename = "columnTypes")]
    pub column_types: Vec<String>,
    /// Rows as JSON values (numbers, strings, booleans, null). Integers beyond 2^53 are strings.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Execution statistics.
    pub stats: QueryStats,
}

/// Execution statistics of one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryStats {
    /// Bytes actually read from lake objects.
    #[serde(rename = "bytesScanned")]
    pub bytes_scanned: u64,
    /// Wall time in the engine, milliseconds.
    #[serde(rename = "elapsedMs")]
    pub elapsed_ms: f64,
    /// Bytes Athena bills: scanned bytes rounded up to the megabyte, 10 MB minimum; 0 for DDL.
    #[serde(rename = "billedBytes", default)]
    pub billed_bytes: u64,
    /// Cost at Athena's $5 per TB of billed bytes.
    #[serde(rename = "costUsd", default)]
    pub cost_usd: f64,
}

impl QueryStats {
    /// Stats of a query that scanned `bytes_scanned`, priced like Athena.
    pub fn priced(bytes_scanned: u64, elapsed_ms: f64) -> Self {
        const MB: u64 = 1 << 20;
        const TB: f64 = (1u64 << 40) as f64;
        let billed_bytes = bytes_scanned.div_ceil(MB).max(10) * MB;
        Self { bytes_scanned, elapsed_ms, billed_bytes, cost_usd: billed_bytes as f64 / TB * 5.0 }
    }

    /// Stats of a statement Athena does not bill (DDL, failures).
    pub fn free(elapsed_ms: f64) -> Self {
        Self { bytes_scanned: 0, elapsed_ms, billed_bytes: 0, cost_usd: 0.0 }
    }
}

/// One bucket in a ListBuckets answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketSummary {
    /// Bucket name.
    pub name: String,
    /// Creation time, RFC 3339 UTC.
    #[serde(rename = "creationDate")]
    pub creation_date: String,
}

/// One object in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSummary {
    /// Full key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification, RFC 3339 UTC.
    #[serde(rename = "lastModified")]
    pub last_modified: String,
    /// Entity tag, quoted as S3 prints it.
    #[serde(rename = "eTag")]
    pub e_tag: Option<String>,
}

/// A ListObjectsV2 answer (all pages joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListObjectsOutput {
    /// Bucket listed.
    pub bucket: String,
    /// Prefix listed.
    pub prefix: String,
    /// Objects directly under the prefix (or all below it without a delimiter), in key order.
    pub objects: Vec<ObjectSummary>,
    /// "Folders": prefixes up to and including the next delimiter.
    #[serde(rename = "commonPrefixes")]
    pub common_prefixes: Vec<String>,
}

/// A PutObject answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutObjectOutput {
    /// Entity tag of the stored object, quoted.
    #[serde(rename = "eTag")]
    pub e_tag: String,
    /// Size stored.
    pub size: u64,
}

/// Athena's `StateChangeReason` of an execution ended by StopQueryExecution (the workbench tells
/// it from a cancellation by the data usage limit, whose reason it shows).
pub const QUERY_CANCELLED_BY_USER: &str = "Query cancelled by user";

/// One Athena query execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryExecutionSummary {
    /// Execution id.
    pub id: String,
    /// The statement.
    pub query: String,
    /// Database of the context.
    pub database: String,
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELLED`.
    pub state: String,
    /// Why it failed or was cancelled.
    #[serde(rename = "stateChangeReason")]
    pub state_change_reason: Option<String>,
    /// Submission time, RFC 3339.
    pub submitted: String,
    /// Engine time, ms.
    #[serde(rename = "engineMs")]
    pub engine_ms: f64,
    /// Bytes scanned.
    #[serde(rename = "bytesScanned")]
    pub bytes_scanned: u64,
    /// Cost in USD.
    #[serde(rename = "costUsd")]
    pub cost_usd: f64,
    /// `s3://.../<id>.csv`.
    #[serde(rename = "outputLocation")]
    pub output_location: String,
}

/// Input of [`Request::CreateCrawler`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateCrawlerInput {
    /// Crawler name.
    pub name: String,
    /// Database the tables go to (created when missing).
    pub database: String,
    /// `s3://bucket/prefix/` targets.
    pub targets: Vec<String>,
    /// Prepended to table names.
    #[serde(default)]
    pub table_prefix: String,
    /// Globs of keys to leave out, relative to each target (Glue's `Exclusions`).
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// Custom classifier names, tried before the built-ins in this order.
    #[serde(default)]
    pub classifiers: Vec<String>,
    /// `UPDATE_IN_DATABASE` (default) or `LOG`.
    #[serde(default)]
    pub update_behavior: Option<String>,
    /// `DEPRECATE_IN_DATABASE` (default), `DELETE_FROM_DATABASE` or `LOG`.
    #[serde(default)]
    pub delete_behavior: Option<String>,
    /// `CRAWL_EVERYTHING` (default) or `CRAWL_NEW_FOLDERS_ONLY` (needs LOG/LOG, as in Glue).
    #[serde(default)]
    pub recrawl_behavior: Option<String>,
    /// `cron(...)` schedule on the lake clock; on demand when absent.
    #[serde(default)]
    pub schedule: Option<String>,
}

/// Input of [`Request::CreateClassifier`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ClassifierInput {
    /// A CSV classifier.
    Csv {
        /// Name.
        name: String,
        /// One character; comma when absent.
        #[serde(default)]
        delimiter: Option<String>,
        /// One character; double quote when absent.
        #[serde(default)]
        quote_symbol: Option<String>,
        /// `UNKNOWN` (default), `PRESENT` or `ABSENT`.
        #[serde(default)]
        contains_header: Option<String>,
        /// Column names to use.
        #[serde(default)]
        header: Vec<String>,
    },
    /// A JSON classifier.
    Json {
        /// Name.
        name: String,
        /// The JsonPath selecting the records, e.g. `$.records[*]`.
        json_path: String,
    },
}

/// A custom classifier, for the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassifierSummary {
    /// Name.
    pub name: String,
    /// `csv` or `json`.
    pub kind: String,
    /// What it does, in words (`JsonPath $.records[*]`, `delimiter ';', header PRESENT`).
    pub detail: String,
}

/// A crawler and its last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlerSummary {
    /// Crawler name.
    pub name: String,
    /// Target database.
    pub database: String,
    /// S3 targets.
    pub targets: Vec<String>,
    /// `READY`, `RUNNING`, `STOPPING`.
    pub state: String,
    /// `cron(...)` schedule, if any.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Exclusion globs.
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// Custom classifiers, in order.
    #[serde(default)]
    pub classifiers: Vec<String>,
    /// The last run, if any.
    #[serde(rename = "lastCrawl")]
    pub last_crawl: Option<CrawlRunSummary>,
    /// Where the crawl in progress is (while `RUNNING` or `STOPPING` in this engine).
    #[serde(default)]
    pub progress: Option<CrawlProgressSummary>,
}

/// Where a crawl in progress is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlProgressSummary {
    /// Files listed under the targets.
    #[serde(rename = "filesTotal")]
    pub files_total: u64,
    /// Files dealt with so far.
    #[serde(rename = "filesDone")]
    pub files_done: u64,
    /// The file being read.
    pub current: Option<String>,
    /// Seconds since the crawl started.
    #[serde(rename = "elapsedSeconds")]
    pub elapsed_seconds: f64,
}

/// What the last crawl did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlRunSummary {
    /// `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Failure message.
    #[serde(rename = "errorMessage")]
    pub error_message: Option<String>,
    /// Start time, RFC 3339.
    #[serde(rename = "startTime")]
    pub start_time: String,
    /// Duration.
    #[serde(rename = "durationSeconds")]
    pub duration_seconds: f64,
    /// Tables created (qualified names).
    #[serde(rename = "tablesCreated")]
    pub tables_created: Vec<String>,
    /// Tables updated.
    #[serde(rename = "tablesUpdated")]
    pub tables_updated: Vec<String>,
    /// Tables deleted or deprecated.
    #[serde(rename = "tablesDeleted")]
    pub tables_deleted: Vec<String>,
    /// Partitions added.
    #[serde(rename = "partitionsAdded")]
    pub partitions_added: u64,
    /// Files read.
    #[serde(rename = "filesRead")]
    pub files_read: u64,
    /// Files skipped.
    #[serde(rename = "filesSkipped")]
    pub files_skipped: u64,
    /// One entry per file: the classifier's decision.
    pub traces: Vec<FileTraceSummary>,
}

/// The classifier's decision on one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileTraceSummary {
    /// `s3://bucket/key`.
    pub path: String,
    /// `csv`, `json`, `parquet` or `UNKNOWN`.
    pub classification: String,
    /// Certainty (1.0 or 0.0).
    pub certainty: f64,
    /// Records sampled.
    pub records: u64,
    /// The classifier's reasoning.
    pub reason: String,
    /// Why the file is in no table, if it is not.
    pub skipped: Option<String>,
}

/// A file of the terminal's local folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalFileSummary {
    /// Path in the folder.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether it is a generated course sample (read-only).
    pub sample: bool,
}

/// File formats the lake reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// JSON lines (one object per line).
    Json,
    /// Apache Parquet.
    Parquet,
}

impl DataFormat {
    /// The Glue `classification` name of the format.
    pub fn classification(self) -> &'static str {
        match self {
            DataFormat::Csv => "csv",
            DataFormat::Json => "json",
            DataFormat::Parquet => "parquet",
        }
    }

    /// Parses a classification or file extension (`csv`, `json`, `jsonl`, `parquet`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(DataFormat::Csv),
            "json" | "jsonl" | "ndjson" => Some(DataFormat::Json),
            "parquet" => Some(DataFormat::Parquet),
            _ => None,
        }
    }
}

/// Input of [`Request::CreateTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTableInput {
    /// Database (created when missing).
    pub database: String,
    /// Table name (lowercased, as Glue does).
    pub name: String,
    /// `s3://bucket/prefix/` folder, or one object.
    pub location: String,
    /// Format of the files.
    pub format: DataFormat,
}

/// A catalog table as listed to callers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    /// Database name.
    pub database: String,
    /// Table name.
    pub name: String,
    /// S3 location.
    pub location: String,
    /// Classification (`csv`, `json`, `parquet`).
    pub classification: String,
    /// Columns with Hive types (data columns, then partition keys).
    pub columns: Vec<ColumnSummary>,
    /// Names of the partition keys (the last columns).
    #[serde(rename = "partitionKeys", default)]
    pub partition_keys: Vec<String>,
    /// Number of partitions found.
    #[serde(rename = "partitionCount", default)]
    pub partition_count: u64,
}

/// A column with its Glue/Hive type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Hive type (`string`, `bigint`, `double`, `timestamp`, ...).
    #[serde(rename = "type")]
    pub data_type: String,
}

impl Response {
    /// Turns an error response into `Err`, anything else into `Ok`.
    pub fn into_result(self) -> Result<Response, ApiError> {
        match self {
            Response::Error(e) => Err(e),
            other => Ok(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::QueryStats;

    #[test]
    fn athena_pricing() {
        let small = QueryStats::priced(1234, 1.0);
        assert_eq!(small.billed_bytes, 10 << 20, "10 MB minimum");
        assert!((small.cost_usd - 10.0 * 5.0 / (1u64 << 20) as f64).abs() < 1e-12);
        assert_eq!(QueryStats::priced((10 << 20) + 1, 1.0).billed_bytes, 11 << 20, "rounded up to the MB");
        assert_eq!(QueryStats::priced(1 << 40, 1.0).cost_usd, 5.0);
        assert_eq!(QueryStats::free(3.0).cost_usd, 0.0);
    }

    #[test]
    fn which_requests_change_the_lake() {
        use super::Request;
        assert!(!Request::ListBuckets.mutates());
        assert!(!Request::ExportLake.mutates());
        assert!(Request::ImportLake { zip: vec![] }.mutates());
        assert!(Request::Exec { line: "aws s3 ls".into() }.mutates(), "a CLI line may write");
        let del = Request::DeleteObjects { bucket: "b".into(), keys: vec![], prefixes: vec![] };
        assert!(del.mutates());
        let json = serde_json::to_string(&del).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), del);
    }
}
