//! Data the console pages for ETL jobs, EventBridge, the lake clock and S3 bucket settings
//! exchange with the engine.

use serde::{Deserialize, Serialize};

/// A Glue job in the jobs list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSummary {
    /// Job name.
    pub name: String,
    /// IAM role.
    pub role: String,
    /// `s3://...` of the script.
    pub script_location: String,
    /// `job-bookmark-enable`, `-pause` or `-disable`.
    pub bookmark_option: String,
    /// Lake time of creation (RFC 3339).
    pub created: String,
    /// The newest run.
    pub last_run: Option<JobRunSummary>,
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunSummary {
    /// `jr_...`.
    pub id: String,
    /// Job name.
    pub job_name: String,
    /// `STARTING`, `RUNNING`, `STOPPING`, then `SUCCEEDED`, `FAILED`, `STOPPED`, `TIMEOUT`.
    pub state: String,
    /// Lake time it started (RFC 3339).
    pub started: String,
    /// Seconds.
    pub execution_seconds: f64,
    /// Rows read, all sources together.
    #[serde(default)]
    pub rows_read: u64,
    /// Rows written.
    pub rows_written: u64,
    /// Objects written.
    pub files_written: Vec<String>,
    /// Bytes read.
    pub bytes_read: u64,
    /// Trigger that started it.
    pub trigger_name: Option<String>,
    /// Why it failed.
    pub error_message: Option<String>,
    /// The run's log.
    pub log: Vec<String>,
}

/// Input of [`crate::Request::CreateJob`]: the script text is stored at `script_location` first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateJobInput {
    /// Job name.
    pub name: String,
    /// IAM role (recorded).
    pub role: String,
    /// Where the script is stored, `s3://bucket/key.py`.
    pub script_location: String,
    /// The script, written to `script_location` (the object there is used as is when absent).
    pub script: Option<String>,
    /// Turn job bookmarks on.
    pub bookmarks: bool,
}

/// A Glue trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerSummary {
    /// Name.
    pub name: String,
    /// `ON_DEMAND`, `SCHEDULED`, `CONDITIONAL`.
    pub trigger_type: String,
    /// `CREATED`, `ACTIVATED`, `DEACTIVATED`.
    pub state: String,
    /// Cron schedule.
    pub schedule: Option<String>,
    /// What it starts, as `job X` / `crawler Y`.
    pub actions: Vec<String>,
    /// Its conditions, as `job X SUCCEEDED`.
    pub conditions: Vec<String>,
}

/// An EventBridge rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    /// Name.
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    /// Event pattern JSON.
    pub event_pattern: Option<String>,
    /// Schedule expression.
    pub schedule_expression: Option<String>,
    /// Target ARNs.
    pub targets: Vec<String>,
}

/// Input of [`crate::Request::PutS3Rule`]: "when an object is created in `bucket` under
/// `prefix`, run this job or crawler".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3RuleInput {
    /// Rule name.
    pub name: String,
    /// Bucket to watch.
    pub bucket: String,
    /// Key prefix (empty: the whole bucket).
    pub prefix: String,
    /// `job` or `crawler`.
    pub target_kind: String,
    /// Job or crawler name.
    pub target_name: String,
}

/// The lake clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockSummary {
    /// Lake time (RFC 3339).
    pub now: String,
    /// How far ahead of real time, in minutes.
    pub offset_minutes: i64,
}

/// Something the automation did (a rule, trigger, schedule or lifecycle rule firing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivitySummary {
    /// Lake time (RFC 3339).
    pub time: String,
    /// `rule/<name>`, `trigger/<name>`, `lifecycle`.
    pub source: String,
    /// What happened.
    pub detail: String,
    /// `SUCCEEDED`, `FAILED: ...`.
    pub outcome: String,
}

/// An S3 event notification on the lake's bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSummary {
    /// `ObjectCreated:Put`, ...
    pub event_name: String,
    /// Bucket.
    pub bucket: String,
    /// Key.
    pub key: String,
    /// Size.
    pub size: u64,
    /// Lake time (RFC 3339).
    pub time: String,
}

/// Versioning and lifecycle of a bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketSettings {
    /// Bucket.
    pub bucket: String,
    /// `Enabled`, `Suspended`, or none when never enabled.
    pub versioning: Option<String>,
    /// The lifecycle configuration as JSON (S3's shape), if any.
    pub lifecycle: Option<String>,
}

/// One version (or delete marker) of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectVersionSummary {
    /// Key.
    pub key: String,
    /// Version id.
    pub version_id: String,
    /// Newest version of the key.
    pub is_latest: bool,
    /// Delete marker.
    pub is_delete_marker: bool,
    /// Size.
    pub size: u64,
    /// Lake time (RFC 3339).
    pub last_modified: String,
    /// ETag.
    pub e_tag: Option<String>,
}

/// HeadObject, for the object details panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDetails {
    /// Key.
    pub key: String,
    /// Size.
    pub size: u64,
    /// Lake time (RFC 3339).
    pub last_modified: String,
    /// ETag.
    pub e_tag: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
    /// Storage class.
    pub storage_class: String,
    /// Version id.
    pub version_id: Option<String>,
    /// `x-amz-restore`.
    pub restore: Option<String>,
    /// User metadata.
    pub metadata: std::collections::BTreeMap<String, String>,
}
