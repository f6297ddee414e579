//! `aws glue` job, bookmark and trigger operations.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{
    params::{json_or_shorthand, json_param, split_list_option, Params},
    parse::usage,
    Command, UsageError,
};

/// The operations this module parses (listed by `aws glue` with the catalog ones).
pub(crate) const JOB_OPERATIONS: &[&str] = &[
    "batch-stop-job-run",
    "create-job",
    "create-trigger",
    "delete-job",
    "delete-trigger",
    "get-job",
    "get-job-bookmark",
    "get-job-run",
    "get-job-runs",
    "get-jobs",
    "get-trigger",
    "get-triggers",
    "reset-job-bookmark",
    "start-job-run",
    "start-trigger",
    "stop-trigger",
    "update-job",
];

/// The settings of a job (CreateJob, and UpdateJob's `JobUpdate`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobSpec {
    /// IAM role.
    pub role: String,
    /// `s3://...` of the script.
    pub script_location: String,
    /// Description.
    pub description: Option<String>,
    /// `DefaultArguments`.
    pub default_arguments: BTreeMap<String, String>,
    /// `ExecutionProperty.MaxConcurrentRuns`.
    pub max_concurrent_runs: Option<u32>,
    /// Timeout in minutes.
    pub timeout: Option<u32>,
}

/// Glue jobs, bookmarks and triggers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlueJobs {
    /// `create-job --name N --role R --command Name=glueetl,ScriptLocation=s3://... [--default-arguments ...]`
    CreateJob {
        /// Job name.
        name: String,
        /// Settings.
        spec: JobSpec,
    },
    /// `update-job --job-name N --job-update '{"Role":..,"Command":{"ScriptLocation":..},...}'`
    UpdateJob {
        /// Job name.
        name: String,
        /// New settings.
        spec: JobSpec,
    },
    /// `get-job --job-name N`
    GetJob {
        /// Job name.
        name: String,
    },
    /// `get-jobs`
    GetJobs,
    /// `delete-job --job-name N`
    DeleteJob {
        /// Job name.
        name: String,
    },
    /// `start-job-run --job-name N [--arguments '--k=v,...']`
    StartJobRun {
        /// Job name.
        name: String,
        /// Run arguments.
        arguments: BTreeMap<String, String>,
    },
    /// `get-job-run --job-name N --run-id ID`
    GetJobRun {
        /// Job name.
        name: String,
        /// Run id.
        run_id: String,
    },
    /// `get-job-runs --job-name N`
    GetJobRuns {
        /// Job name.
        name: String,
    },
    /// `batch-stop-job-run --job-name N --job-run-ids A B`
    BatchStopJobRun {
        /// Job name.
        name: String,
        /// Runs to stop.
        run_ids: Vec<String>,
    },
    /// `get-job-bookmark --job-name N`
    GetJobBookmark {
        /// Job name.
        name: String,
    },
    /// `reset-job-bookmark --job-name N`
    ResetJobBookmark {
        /// Job name.
        name: String,
    },
    /// `create-trigger --name N --type T [--schedule S] [--predicate P] --actions A [--start-on-creation]`
    CreateTrigger {
        /// Trigger name.
        name: String,
        /// `ON_DEMAND`, `SCHEDULED`, `CONDITIONAL` (or `EVENT`, refused by the service).
        trigger_type: String,
        /// `cron(...)`.
        schedule: Option<String>,
        /// `{"Logical": "AND", "Conditions": [...]}`.
        predicate: Option<Value>,
        /// `[{"JobName": ...}, {"CrawlerName": ...}]`.
        actions: Value,
        /// Description.
        description: Option<String>,
        /// `--start-on-creation`.
        start_on_creation: bool,
    },
    /// `get-trigger --name N`
    GetTrigger {
        /// Trigger name.
        name: String,
    },
    /// `get-triggers`
    GetTriggers,
    /// `start-trigger --name N`
    StartTrigger {
        /// Trigger name.
        name: String,
    },
    /// `stop-trigger --name N`
    StopTrigger {
        /// Trigger name.
        name: String,
    },
    /// `delete-trigger --name N`
    DeleteTrigger {
        /// Trigger name.
        name: String,
    },
}

fn string_map(name: &str, text: &str) -> Result<BTreeMap<String, String>, UsageError> {
    let value = json_or_shorthand(name, text)?;
    let Some(map) = value.as_object() else {
        return usage(format!("argument --{name}: expected a map of strings"));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Ok((k.clone(), other.to_string())),
        })
        .collect()
}

fn number(name: &str, text: Option<String>) -> Result<Option<u32>, UsageError> {
    text.map(|t| t.parse::<u32>().or_else(|_| usage(format!("argument --{name}: invalid int value: '{t}'"))))
        .transpose()
}

fn spec_from_update(update: &Value) -> Result<JobSpec, UsageError> {
    let role = update.get("Role").and_then(Value::as_str).unwrap_or_default().to_string();
    let script_location =
        update.pointer("/Command/ScriptLocation").and_then(Value::as_str).ok_or_else(|| UsageError {
            message: "argument --job-update: Command.ScriptLocation is required (JobUpdate replaces the whole job)"
                .into(),
        })?;
    let default_arguments = update
        .get("DefaultArguments")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect())
        .unwrap_or_default();
    Ok(JobSpec {
        role,
        script_location: script_location.to_string(),
        description: update.get("Description").and_then(Value::as_str).map(str::to_string),
        default_arguments,
        max_concurrent_runs: update
            .pointer("/ExecutionProperty/MaxConcurrentRuns")
            .and_then(Value::as_u64)
            .map(|n| n.min(u32::MAX as u64) as u32),
        timeout: update.get("Timeout").and_then(Value::as_u64).map(|n| n.min(u32::MAX as u64) as u32),
    })
}

/// `JobName=X[,Arguments={...}]`, `CrawlerName=X`, or a JSON list of actions.
fn actions(text: &str) -> Result<Value, UsageError> {
    let t = text.trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        let v = json_param("actions", text)?;
        return Ok(if v.is_array() { v } else { Value::Array(vec![v]) });
    }
    let one = json_or_shorthand("actions", text)?;
    Ok(Value::Array(vec![one]))
}

/// Parses a job or trigger operation; `None` when `op` is not one.
pub(crate) fn parse_glue_jobs(op: &str, args: &[&str]) -> Result<Option<Command>, UsageError> {
    let name_of = |flag: &str| -> Result<String, UsageError> { Params::parse(args, &[flag])?.required(flag) };
    let jobs = match op {
        "create-job" => {
            // Capacity settings have no meaning in a browser; they are accepted and not used.
            let p = Params::parse(
                args,
                &[
                    "name",
                    "role",
                    "command",
                    "description",
                    "glue-version",
                    "number-of-workers",
                    "worker-type",
                    "default-arguments",
                    "max-retries",
                    "timeout",
                    "execution-property",
                ],
            )?;
            let command = json_or_shorthand("command", &p.required("command")?)?;
            let script_location = command.get("ScriptLocation").and_then(Value::as_str).ok_or_else(|| UsageError {
                message: "argument --command: ScriptLocation=s3://bucket/script.py is required".into(),
            })?;
            let max_concurrent_runs = match p.optional("execution-property") {
                Some(t) => json_or_shorthand("execution-property", &t)?
                    .get("MaxConcurrentRuns")
                    .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
                    .map(|n| n.min(u32::MAX as u64) as u32),
                None => None,
            };
            GlueJobs::CreateJob {
                name: p.required("name")?,
                spec: JobSpec {
                    role: p.required("role")?,
                    script_location: script_location.into(),
                    description: p.optional("description"),
                    default_arguments: p
                        .optional("default-arguments")
                        .map(|t| string_map("default-arguments", &t))
                        .transpose()?
                        .unwrap_or_default(),
                    max_concurrent_runs,
                    timeout: number("timeout", p.optional("timeout"))?,
                },
            }
        }
        "update-job" => {
            let p = Params::parse(args, &["job-name", "job-update"])?;
            let update = json_or_shorthand("job-update", &p.required("job-update")?)?;
            GlueJobs::UpdateJob { name: p.required("job-name")?, spec: spec_from_update(&update)? }
        }
        "get-job" => GlueJobs::GetJob { name: name_of("job-name")? },
        "get-jobs" => {
            Params::parse(args, &["max-results", "next-token"])?;
            GlueJobs::GetJobs
        }
        "delete-job" => GlueJobs::DeleteJob { name: name_of("job-name")? },
        "start-job-run" => {
            let p = Params::parse(args, &["job-name", "arguments", "timeout", "number-of-workers", "worker-type"])?;
            GlueJobs::StartJobRun {
                name: p.required("job-name")?,
                arguments: p
                    .optional("arguments")
                    .map(|t| string_map("arguments", &t))
                    .transpose()?
                    .unwrap_or_default(),
            }
        }
        "get-job-run" => {
            let p = Params::parse(args, &["job-name", "run-id"])?;
            GlueJobs::GetJobRun { name: p.required("job-name")?, run_id: p.required("run-id")? }
        }
        "get-job-runs" => GlueJobs::GetJobRuns { name: name_of("job-name")? },
        "batch-stop-job-run" => {
            let (ids, rest) = split_list_option(args, "job-run-ids");
            if ids.is_empty() {
                return usage("the following arguments are required: --job-run-ids");
            }
            let run_ids = ids.iter().map(|s| s.to_string()).collect();
            GlueJobs::BatchStopJobRun { name: Params::parse(&rest, &["job-name"])?.required("job-name")?, run_ids }
        }
        "get-job-bookmark" => GlueJobs::GetJobBookmark { name: name_of("job-name")? },
        "reset-job-bookmark" => GlueJobs::ResetJobBookmark { name: name_of("job-name")? },
        "create-trigger" => {
            let start_on_creation = args.contains(&"--start-on-creation");
            let rest: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| *a != "--start-on-creation" && *a != "--no-start-on-creation")
                .collect();
            let p = Params::parse(
                &rest,
                &[
                    "name",
                    "type",
                    "schedule",
                    "predicate",
                    "actions",
                    "description",
                    "workflow-name",
                    "event-batching-condition",
                ],
            )?;
            GlueJobs::CreateTrigger {
                name: p.required("name")?,
                trigger_type: p.required("type")?,
                schedule: p.optional("schedule"),
                predicate: p.optional("predicate").map(|t| json_param("predicate", &t)).transpose()?,
                actions: actions(&p.required("actions")?)?,
                description: p.optional("description"),
                start_on_creation,
            }
        }
        "get-trigger" => GlueJobs::GetTrigger { name: name_of("name")? },
        "get-triggers" => {
            Params::parse(args, &["dependent-job-name", "max-results", "next-token"])?;
            GlueJobs::GetTriggers
        }
        "start-trigger" => GlueJobs::StartTrigger { name: name_of("name")? },
        "stop-trigger" => GlueJobs::StopTrigger { name: name_of("name")? },
        "delete-trigger" => GlueJobs::DeleteTrigger { name: name_of("name")? },
        _ => return Ok(None),
    };
    Ok(Some(Command::GlueJobs(jobs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn jobs(line: &str) -> GlueJobs {
        match parse(line) {
            Ok(Command::GlueJobs(j)) => j,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn job_commands() {
        let GlueJobs::CreateJob { name, spec } = jobs(
            "aws glue create-job --name TransformRawSalesData --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/transform.py --glue-version 4.0 --default-arguments --job-bookmark-option=job-bookmark-enable",
        ) else {
            panic!()
        };
        assert_eq!(name, "TransformRawSalesData");
        assert_eq!(spec.script_location, "s3://scripts-123/transform.py");
        assert_eq!(
            spec.default_arguments.get("--job-bookmark-option").map(String::as_str),
            Some("job-bookmark-enable")
        );
        assert_eq!(
            jobs(
                r#"aws glue start-job-run --job-name T --arguments '{"--job-bookmark-option":"job-bookmark-disable"}'"#
            ),
            GlueJobs::StartJobRun {
                name: "T".into(),
                arguments: [("--job-bookmark-option".to_string(), "job-bookmark-disable".to_string())].into()
            }
        );
        assert_eq!(
            jobs("aws glue batch-stop-job-run --job-name T --job-run-ids jr_1 jr_2"),
            GlueJobs::BatchStopJobRun { name: "T".into(), run_ids: vec!["jr_1".into(), "jr_2".into()] }
        );
        assert!(parse("aws glue create-job --name j --role r --command Name=glueetl")
            .unwrap_err()
            .message
            .contains("ScriptLocation"));
        assert!(parse("aws glue update-job --job-name j --job-update '{\"Role\":\"r\"}'")
            .unwrap_err()
            .message
            .contains("ScriptLocation"));
    }

    #[test]
    fn trigger_commands() {
        let GlueJobs::CreateTrigger { trigger_type, schedule, actions, start_on_creation, .. } = jobs(
            "aws glue create-trigger --name nightly --type SCHEDULED --schedule 'cron(0 2 * * ? *)' --actions JobName=T --start-on-creation",
        ) else {
            panic!()
        };
        assert_eq!(
            (trigger_type.as_str(), schedule.as_deref(), start_on_creation),
            ("SCHEDULED", Some("cron(0 2 * * ? *)"), true)
        );
        assert_eq!(actions, serde_json::json!([{ "JobName": "T" }]));
        let GlueJobs::CreateTrigger { predicate, .. } = jobs(
            r#"aws glue create-trigger --name after --type CONDITIONAL --predicate '{"Logical":"ANY","Conditions":[{"LogicalOperator":"EQUALS","JobName":"T","State":"SUCCEEDED"}]}' --actions '[{"CrawlerName":"c"}]'"#,
        ) else {
            panic!()
        };
        assert_eq!(predicate.unwrap()["Logical"], "ANY");
        assert!(parse("aws glue create-trigger --name x --type ON_DEMAND").unwrap_err().message.contains("--actions"));
    }
}
