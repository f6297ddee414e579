//! Glue jobs, bookmarks and triggers (`aws glue ...`): typed inputs with Glue's member names,
//! answers as the output structures the AWS CLI prints.

use std::collections::BTreeMap;

use puddle_api::ApiError;
use puddle_etl::{Condition, JobInput, Predicate, Trigger, TriggerAction};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{errors::api, ops::input, Lake};

/// The Glue operations this module answers.
pub(crate) const OPERATIONS: &[&str] = &[
    "BatchStopJobRun",
    "CreateJob",
    "CreateTrigger",
    "DeleteJob",
    "DeleteTrigger",
    "GetJob",
    "GetJobBookmark",
    "GetJobRun",
    "GetJobRuns",
    "GetJobs",
    "GetTrigger",
    "GetTriggers",
    "ResetJobBookmark",
    "StartJobRun",
    "StartTrigger",
    "StopTrigger",
    "UpdateJob",
];

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct JobCommand {
    script_location: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ExecutionProperty {
    max_concurrent_runs: Option<i64>,
}

/// CreateJob's input and UpdateJob's `JobUpdate` (the settings Puddle uses; the others, such
/// as worker types, mean nothing in a browser and are accepted unused).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct JobSettings {
    #[serde(default)]
    role: String,
    #[serde(default)]
    command: JobCommand,
    description: Option<String>,
    #[serde(default)]
    default_arguments: BTreeMap<String, String>,
    #[serde(default)]
    execution_property: ExecutionProperty,
    timeout: Option<i64>,
}

impl JobSettings {
    fn into_input(self) -> Result<JobInput, ApiError> {
        let script_location = self.command.script_location.ok_or_else(|| {
            ApiError::new("InvalidInputException", "Command.ScriptLocation is required: s3://bucket/script.py")
        })?;
        let clamp = |n: i64| n.clamp(0, u32::MAX as i64) as u32;
        Ok(JobInput {
            role: self.role,
            script_location,
            description: self.description,
            default_arguments: self.default_arguments,
            max_concurrent_runs: self.execution_property.max_concurrent_runs.map(clamp),
            timeout_minutes: self.timeout.map(clamp),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateJobRequest {
    name: String,
    #[serde(flatten)]
    settings: JobSettings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateJobRequest {
    job_name: String,
    job_update: JobSettings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct JobNameRequest {
    job_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartJobRunRequest {
    job_name: String,
    #[serde(default)]
    arguments: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetJobRunRequest {
    job_name: String,
    run_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchStopJobRunRequest {
    job_name: String,
    job_run_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateTriggerRequest {
    name: String,
    #[serde(rename = "Type")]
    trigger_type: String,
    schedule: Option<String>,
    predicate: Option<Value>,
    actions: Value,
    description: Option<String>,
    #[serde(default)]
    start_on_creation: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NameRequest {
    name: String,
}

/// Runs one job, bookmark or trigger operation.
pub(crate) async fn call(lake: &Lake, operation: &str, v: Value) -> Result<Value, ApiError> {
    let jobs = lake.jobs();
    Ok(match operation {
        "CreateJob" => {
            let i: CreateJobRequest = input(v)?;
            let j = api(jobs.create_job_with(&i.name, i.settings.into_input()?).await)?;
            json!({ "Name": j.name })
        }
        "UpdateJob" => {
            let i: UpdateJobRequest = input(v)?;
            let j = api(jobs.update_job(&i.job_name, i.job_update.into_input()?).await)?;
            json!({ "JobName": j.name })
        }
        "GetJob" => json!({ "Job": job_json(&api(jobs.get_job(&input::<JobNameRequest>(v)?.job_name).await)?) }),
        "GetJobs" => json!({ "Jobs": api(jobs.list_jobs().await)?.iter().map(job_json).collect::<Vec<_>>() }),
        "DeleteJob" => {
            let name = input::<JobNameRequest>(v)?.job_name;
            api(jobs.delete_job(&name).await)?;
            json!({ "JobName": name })
        }
        "StartJobRun" => {
            let i: StartJobRunRequest = input(v)?;
            json!({ "JobRunId": api(jobs.start_job_run_with(&i.job_name, &i.arguments, None).await)?.id })
        }
        "GetJobRun" => {
            let i: GetJobRunRequest = input(v)?;
            json!({ "JobRun": run_json(&api(jobs.get_job_run(&i.job_name, &i.run_id).await)?) })
        }
        "GetJobRuns" => {
            let runs = api(jobs.list_runs(&input::<JobNameRequest>(v)?.job_name).await)?;
            json!({ "JobRuns": runs.iter().map(run_json).collect::<Vec<_>>() })
        }
        "BatchStopJobRun" => {
            // A run in progress (another request of this engine is running it) is asked to stop;
            // a finished one is reported in Errors, as Glue does.
            let i: BatchStopJobRunRequest = input(v)?;
            let (mut stopped, mut errors) = (Vec::new(), Vec::new());
            for id in &i.job_run_ids {
                match jobs.stop_job_run(&i.job_name, id).await {
                    Ok(_) => stopped.push(json!({ "JobName": i.job_name, "JobRunId": id })),
                    Err(e) => errors.push(json!({ "JobName": i.job_name, "JobRunId": id,
                        "ErrorDetail": { "ErrorCode": e.code(), "ErrorMessage": e.to_string() } })),
                }
            }
            json!({ "SuccessfulSubmissions": stopped, "Errors": errors })
        }
        "GetJobBookmark" => {
            let b = api(jobs.get_job_bookmark(&input::<JobNameRequest>(v)?.job_name).await)?;
            json!({ "JobBookmarkEntry": bookmark_json(&b) })
        }
        "ResetJobBookmark" => {
            let b = api(jobs.reset_job_bookmark(&input::<JobNameRequest>(v)?.job_name).await)?;
            json!({ "JobBookmarkEntry": bookmark_json(&b) })
        }
        "CreateTrigger" => {
            let i: CreateTriggerRequest = input(v)?;
            let actions = if i.actions.is_array() { i.actions } else { Value::Array(vec![i.actions]) };
            let t = trigger_of(i.name, i.trigger_type, i.schedule, i.predicate, &actions, i.description, lake)
                .map_err(|m| ApiError::new("InvalidInputException", m))?;
            json!({ "Name": api(jobs.create_trigger(t, i.start_on_creation).await)?.name })
        }
        "GetTrigger" => {
            json!({ "Trigger": trigger_json(&api(jobs.get_trigger(&input::<NameRequest>(v)?.name).await)?) })
        }
        "GetTriggers" => {
            json!({ "Triggers": api(jobs.list_triggers().await)?.iter().map(trigger_json).collect::<Vec<_>>() })
        }
        "StartTrigger" => {
            let t = api(jobs.start_trigger(&input::<NameRequest>(v)?.name).await)?;
            if t.trigger_type == "ON_DEMAND" {
                lake.fire_trigger(&t, "StartTrigger").await;
            }
            json!({ "Name": t.name })
        }
        "StopTrigger" => json!({ "Name": api(jobs.stop_trigger(&input::<NameRequest>(v)?.name).await)?.name }),
        "DeleteTrigger" => {
            let name = input::<NameRequest>(v)?.name;
            api(jobs.delete_trigger(&name).await)?;
            json!({ "Name": name })
        }
        other => return Err(crate::ops::not_dispatched("glue", other)),
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn trigger_of(
    name: String,
    trigger_type: String,
    schedule: Option<String>,
    predicate: Option<Value>,
    actions: &Value,
    description: Option<String>,
    lake: &Lake,
) -> Result<Trigger, String> {
    let actions = actions
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|a| TriggerAction {
                    job_name: text(a, "JobName"),
                    crawler_name: text(a, "CrawlerName"),
                    arguments: a
                        .get("Arguments")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let predicate = match predicate {
        Some(p) => Some(Predicate {
            logical: text(&p, "Logical").unwrap_or_else(|| "AND".into()),
            conditions: p
                .get("Conditions")
                .and_then(Value::as_array)
                .ok_or("Predicate needs Conditions: [...]")?
                .iter()
                .map(|c| Condition {
                    job_name: text(c, "JobName"),
                    state: text(c, "State"),
                    crawler_name: text(c, "CrawlerName"),
                    crawl_state: text(c, "CrawlState"),
                })
                .collect(),
        }),
        None => None,
    };
    Ok(Trigger {
        name,
        trigger_type,
        state: "CREATED".into(),
        schedule,
        predicate,
        actions,
        description,
        created: lake.s3().clock().now(),
    })
}

fn trigger_json(t: &Trigger) -> Value {
    let actions: Vec<Value> = t
        .actions
        .iter()
        .map(|a| {
            let mut v = json!({});
            if let Some(j) = &a.job_name {
                v["JobName"] = json!(j);
            }
            if !a.arguments.is_empty() {
                v["Arguments"] = json!(a.arguments);
            }
            if let Some(c) = &a.crawler_name {
                v["CrawlerName"] = json!(c);
            }
            v
        })
        .collect();
    let mut v = json!({ "Name": t.name, "Id": t.name, "Type": t.trigger_type, "State": t.state, "Actions": actions });
    if let Some(s) = &t.schedule {
        v["Schedule"] = json!(s);
    }
    if let Some(d) = &t.description {
        v["Description"] = json!(d);
    }
    if let Some(p) = &t.predicate {
        let conditions: Vec<Value> = p
            .conditions
            .iter()
            .map(|c| {
                let mut v = json!({ "LogicalOperator": "EQUALS" });
                for (k, val) in [
                    ("JobName", &c.job_name),
                    ("State", &c.state),
                    ("CrawlerName", &c.crawler_name),
                    ("CrawlState", &c.crawl_state),
                ] {
                    if let Some(x) = val {
                        v[k] = json!(x);
                    }
                }
                v
            })
            .collect();
        v["Predicate"] = json!({ "Logical": p.logical, "Conditions": conditions });
    }
    v
}

fn bookmark_json(b: &puddle_etl::Bookmark) -> Value {
    let sources: BTreeMap<&String, usize> = b.sources.iter().map(|(k, v)| (k, v.len())).collect();
    json!({
        "JobName": b.job_name,
        "Version": b.version,
        "Run": b.run,
        "Attempt": b.attempt,
        "PreviousRunId": b.previous_run_id,
        "RunId": b.run_id,
        "JobBookmark": serde_json::to_string(&json!({ "processedObjects": sources })).unwrap_or_default(),
    })
}

pub(crate) fn job_json(j: &puddle_etl::Job) -> Value {
    let mut v = json!({
        "Name": j.name,
        "Role": j.role,
        "CreatedOn": j.created.to_rfc3339(),
        "LastModifiedOn": j.last_modified.unwrap_or(j.created).to_rfc3339(),
        "ExecutionProperty": { "MaxConcurrentRuns": j.max_concurrent_runs },
        "Command": { "Name": "glueetl", "ScriptLocation": j.script_location, "PythonVersion": "3" },
        "DefaultArguments": j.default_arguments,
        "MaxRetries": 0,
        "Timeout": j.timeout_minutes,
        "GlueVersion": "4.0",
        "ExecutionClass": "STANDARD",
    });
    if let Some(d) = &j.description {
        v["Description"] = json!(d);
    }
    v
}

pub(crate) fn run_json(r: &puddle_etl::JobRun) -> Value {
    let mut v = json!({
        "Id": r.id,
        "Attempt": 0,
        "JobName": r.job_name,
        "StartedOn": r.started.to_rfc3339(),
        "LastModifiedOn": r.completed.to_rfc3339(),
        "JobRunState": r.state,
        "Arguments": r.arguments,
        "ExecutionTime": r.execution_seconds.ceil() as u64,
        "GlueVersion": "4.0",
        "PuddleLog": r.log,
        "PuddleRowsRead": r.rows_read,
        "PuddleRowsWritten": r.rows_written,
        "PuddleFilesWritten": r.files_written,
    });
    if !r.in_progress() {
        v["CompletedOn"] = json!(r.completed.to_rfc3339());
    }
    if let Some(t) = &r.trigger_name {
        v["TriggerName"] = json!(t);
    }
    if let Some(e) = &r.error_message {
        v["ErrorMessage"] = json!(e);
    }
    v
}
