//! `aws glue` jobs, bookmarks and triggers, printed as the AWS CLI prints them.

use std::collections::BTreeMap;

use puddle_api::{ApiError, ExecOutput};
use puddle_cli::{GlueJobs, JobSpec};
use puddle_etl::{Condition, JobInput, Predicate, Trigger, TriggerAction};
use serde_json::{json, Value};

use crate::{
    errors::IntoApiError,
    exec::{json_output, service_failure},
    Lake,
};

fn input(spec: JobSpec) -> JobInput {
    JobInput {
        role: spec.role,
        script_location: spec.script_location,
        description: spec.description,
        default_arguments: spec.default_arguments,
        max_concurrent_runs: spec.max_concurrent_runs,
        timeout_minutes: spec.timeout,
    }
}

/// Runs one job, bookmark or trigger operation.
pub(crate) async fn run(lake: &Lake, op: GlueJobs) -> ExecOutput {
    let jobs = lake.jobs();
    let api = IntoApiError::into_api;
    let (operation, result): (&str, Result<Option<Value>, ApiError>) = match op {
        GlueJobs::CreateJob { name, spec } => (
            "CreateJob",
            jobs.create_job_with(&name, input(spec)).await.map(|j| Some(json!({ "Name": j.name }))).map_err(api),
        ),
        GlueJobs::UpdateJob { name, spec } => (
            "UpdateJob",
            jobs.update_job(&name, input(spec)).await.map(|j| Some(json!({ "JobName": j.name }))).map_err(api),
        ),
        GlueJobs::GetJob { name } => {
            ("GetJob", jobs.get_job(&name).await.map(|j| Some(json!({ "Job": job_json(&j) }))).map_err(api))
        }
        GlueJobs::GetJobs => (
            "GetJobs",
            jobs.list_jobs()
                .await
                .map(|all| Some(json!({ "Jobs": all.iter().map(job_json).collect::<Vec<_>>() })))
                .map_err(api),
        ),
        GlueJobs::DeleteJob { name } => {
            ("DeleteJob", jobs.delete_job(&name).await.map(|_| Some(json!({ "JobName": name }))).map_err(api))
        }
        GlueJobs::StartJobRun { name, arguments } => (
            "StartJobRun",
            jobs.start_job_run_with(&name, &arguments, None)
                .await
                .map(|r| Some(json!({ "JobRunId": r.id })))
                .map_err(api),
        ),
        GlueJobs::GetJobRun { name, run_id } => (
            "GetJobRun",
            jobs.get_job_run(&name, &run_id).await.map(|r| Some(json!({ "JobRun": run_json(&r) }))).map_err(api),
        ),
        GlueJobs::GetJobRuns { name } => (
            "GetJobRuns",
            jobs.list_runs(&name)
                .await
                .map(|runs| Some(json!({ "JobRuns": runs.iter().map(run_json).collect::<Vec<_>>() })))
                .map_err(api),
        ),
        GlueJobs::BatchStopJobRun { name, run_ids } => {
            // A run in progress (another request of this engine is running it) is asked to stop;
            // a finished one is reported in Errors, as Glue does.
            let (mut stopped, mut errors) = (Vec::new(), Vec::new());
            for id in &run_ids {
                match jobs.stop_job_run(&name, id).await {
                    Ok(_) => stopped.push(json!({ "JobName": name, "JobRunId": id })),
                    Err(e) => errors.push(json!({ "JobName": name, "JobRunId": id,
                        "ErrorDetail": { "ErrorCode": e.code(), "ErrorMessage": e.to_string() } })),
                }
            }
            ("BatchStopJobRun", Ok(Some(json!({ "SuccessfulSubmissions": stopped, "Errors": errors }))))
        }
        GlueJobs::GetJobBookmark { name } => (
            "GetJobBookmark",
            jobs.get_job_bookmark(&name)
                .await
                .map(|b| Some(json!({ "JobBookmarkEntry": bookmark_json(&b) })))
                .map_err(api),
        ),
        GlueJobs::ResetJobBookmark { name } => (
            "ResetJobBookmark",
            jobs.reset_job_bookmark(&name)
                .await
                .map(|b| Some(json!({ "JobBookmarkEntry": bookmark_json(&b) })))
                .map_err(api),
        ),
        GlueJobs::CreateTrigger {
            name,
            trigger_type,
            schedule,
            predicate,
            actions,
            description,
            start_on_creation,
        } => match trigger_of(name, trigger_type, schedule, predicate, &actions, description, lake) {
            Ok(t) => (
                "CreateTrigger",
                jobs.create_trigger(t, start_on_creation).await.map(|t| Some(json!({ "Name": t.name }))).map_err(api),
            ),
            Err(message) => ("CreateTrigger", Err(ApiError::new("InvalidInputException", message))),
        },
        GlueJobs::GetTrigger { name } => (
            "GetTrigger",
            jobs.get_trigger(&name).await.map(|t| Some(json!({ "Trigger": trigger_json(&t) }))).map_err(api),
        ),
        GlueJobs::GetTriggers => (
            "GetTriggers",
            jobs.list_triggers()
                .await
                .map(|all| Some(json!({ "Triggers": all.iter().map(trigger_json).collect::<Vec<_>>() })))
                .map_err(api),
        ),
        GlueJobs::StartTrigger { name } => match jobs.start_trigger(&name).await {
            Ok(t) => {
                if t.trigger_type == "ON_DEMAND" {
                    lake.fire_trigger(&t, "StartTrigger").await;
                }
                ("StartTrigger", Ok(Some(json!({ "Name": t.name }))))
            }
            Err(e) => ("StartTrigger", Err(api(e))),
        },
        GlueJobs::StopTrigger { name } => {
            ("StopTrigger", jobs.stop_trigger(&name).await.map(|t| Some(json!({ "Name": t.name }))).map_err(api))
        }
        GlueJobs::DeleteTrigger { name } => {
            ("DeleteTrigger", jobs.delete_trigger(&name).await.map(|_| Some(json!({ "Name": name }))).map_err(api))
        }
    };
    match result {
        Ok(value) => json_output(value.as_ref()),
        Err(e) => service_failure(operation, &e.code, &e.message),
    }
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
