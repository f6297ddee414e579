//! The console's typed requests for ETL jobs, triggers, EventBridge rules, the clock and S3
//! bucket settings. A request that is an AWS operation goes through the same typed operation
//! as the CLI (`Lake::call`); the console's summaries are read from the services afterwards.

use bytes::Bytes;
use puddle_api::{
    ActivitySummary, ApiError, BucketSettings, ClockSummary, EventSummary, JobRunSummary, JobSummary, ObjectDetails,
    ObjectVersionSummary, Request, Response, RuleSummary, TriggerSummary,
};

use serde_json::{json, Value};

use crate::{
    automation::Activity,
    errors::api,
    eventbridge::{ACCOUNT, REGION},
    Lake,
};

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn run_summary(r: &puddle_etl::JobRun) -> JobRunSummary {
    JobRunSummary {
        id: r.id.clone(),
        job_name: r.job_name.clone(),
        state: r.state.clone(),
        started: time(&r.started),
        execution_seconds: r.execution_seconds,
        rows_read: r.rows_read.values().sum(),
        rows_written: r.rows_written,
        files_written: r.files_written.clone(),
        bytes_read: r.bytes_read,
        trigger_name: r.trigger_name.clone(),
        error_message: r.error_message.clone(),
        log: r.log.clone(),
    }
}

fn activity_summary(a: &Activity) -> ActivitySummary {
    ActivitySummary {
        time: time(&a.time),
        source: a.source.clone(),
        detail: a.detail.clone(),
        outcome: a.outcome.clone(),
    }
}

fn trigger_summary(t: &puddle_etl::Trigger) -> TriggerSummary {
    TriggerSummary {
        name: t.name.clone(),
        trigger_type: t.trigger_type.clone(),
        state: t.state.clone(),
        schedule: t.schedule.clone(),
        actions: t
            .actions
            .iter()
            .map(|a| match (&a.job_name, &a.crawler_name) {
                (Some(j), _) => format!("job {j}"),
                (None, Some(c)) => format!("crawler {c}"),
                _ => String::new(),
            })
            .collect(),
        conditions: t
            .predicate
            .iter()
            .flat_map(|p| p.conditions.iter())
            .map(|c| match (&c.job_name, &c.crawler_name) {
                (Some(j), _) => format!("job {j} {}", c.state.clone().unwrap_or_default()),
                (None, Some(cr)) => format!("crawler {cr} {}", c.crawl_state.clone().unwrap_or_default()),
                _ => String::new(),
            })
            .collect(),
    }
}

impl Lake {
    async fn job_summaries(&self) -> Result<Vec<JobSummary>, ApiError> {
        let mut out = Vec::new();
        for job in api(self.jobs().list_jobs().await)? {
            let last_run = api(self.jobs().list_runs(&job.name).await)?.first().map(run_summary);
            out.push(JobSummary {
                bookmark_option: job
                    .default_arguments
                    .get(puddle_etl::BOOKMARK_ARG)
                    .cloned()
                    .unwrap_or_else(|| "job-bookmark-disable".into()),
                name: job.name,
                role: job.role,
                script_location: job.script_location,
                created: time(&job.created),
                last_run,
            });
        }
        Ok(out)
    }

    fn rule_summaries(&self) -> Vec<RuleSummary> {
        self.rules
            .list()
            .into_iter()
            .map(|r| RuleSummary {
                name: r.name.clone(),
                state: r.state.clone(),
                event_pattern: r.event_pattern.as_ref().map(|p| p.to_string()),
                schedule_expression: r.schedule_expression.clone(),
                targets: r.targets.iter().map(|t| t.arn.clone()).collect(),
            })
            .collect()
    }

    /// Answers the console requests (jobs, triggers, rules, clock, bucket settings).
    pub(crate) async fn console(&self, request: Request) -> Result<Response, ApiError> {
        Ok(match request {
            Request::ListJobs => Response::Jobs(self.job_summaries().await?),
            Request::CreateJob(input) => {
                if let Some(script) = input.script {
                    let uri: puddle_api::S3Uri = input
                        .script_location
                        .parse()
                        .map_err(|e: puddle_api::S3UriError| ApiError::new("InvalidInputException", e.to_string()))?;
                    api(self
                        .s3()
                        .put_object_with_type(&uri.bucket, &uri.key, Bytes::from(script), Some("text/x-python"))
                        .await)?;
                }
                let mut arguments = serde_json::Map::new();
                if input.bookmarks {
                    arguments.insert(puddle_etl::BOOKMARK_ARG.into(), "job-bookmark-enable".into());
                }
                self.call(
                    "glue",
                    "CreateJob",
                    json!({ "Name": input.name, "Role": input.role,
                        "Command": { "Name": "glueetl", "ScriptLocation": input.script_location },
                        "DefaultArguments": arguments }),
                )
                .await?;
                Response::Jobs(self.job_summaries().await?)
            }
            Request::StartJobRun { job } => {
                let started = self.call("glue", "StartJobRun", json!({ "JobName": job })).await?;
                let id = started["JobRunId"].as_str().unwrap_or_default();
                Response::JobRuns(vec![run_summary(&api(self.jobs().get_job_run(&job, id).await)?)])
            }
            Request::ListJobRuns { job } => {
                Response::JobRuns(api(self.jobs().list_runs(&job).await)?.iter().map(run_summary).collect())
            }
            Request::StopJobRun { job, run_id } => {
                let answer =
                    self.call("glue", "BatchStopJobRun", json!({ "JobName": job, "JobRunIds": [run_id] })).await?;
                if let Some(detail) = answer["Errors"].get(0).map(|e| &e["ErrorDetail"]) {
                    return Err(ApiError::new(
                        detail["ErrorCode"].as_str().unwrap_or("InternalError"),
                        detail["ErrorMessage"].as_str().unwrap_or_default(),
                    ));
                }
                Response::JobRuns(vec![run_summary(&api(self.jobs().get_job_run(&job, &run_id).await)?)])
            }
            Request::ListTriggers => {
                Response::Triggers(api(self.jobs().list_triggers().await)?.iter().map(trigger_summary).collect())
            }
            Request::StartTrigger { name } => {
                self.call("glue", "StartTrigger", json!({ "Name": name })).await?;
                Response::Ok
            }
            Request::ListRules => Response::Rules(self.rule_summaries()),
            Request::PutS3Rule(input) => {
                let kind = match input.target_kind.as_str() {
                    "job" | "crawler" => input.target_kind.as_str(),
                    other => {
                        return Err(ApiError::new(
                            "ValidationException",
                            format!("target kind must be job or crawler, not '{other}'"),
                        ))
                    }
                };
                match kind {
                    "job" => drop(api(self.jobs().get_job(&input.target_name).await)?),
                    _ => drop(api(puddle_crawler::get_crawler(self.s3().store(), &input.target_name).await)?),
                }
                api(self.s3().head_bucket(&input.bucket).await)?;
                let mut object = serde_json::json!({});
                if !input.prefix.is_empty() {
                    object = serde_json::json!({ "key": [{ "prefix": input.prefix }] });
                }
                let mut detail = serde_json::json!({ "bucket": { "name": [input.bucket] } });
                if !input.prefix.is_empty() {
                    detail["object"] = object;
                }
                let pattern =
                    serde_json::json!({ "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": detail });
                self.call("events", "PutRule", json!({ "Name": input.name, "EventPattern": pattern.to_string() }))
                    .await?;
                let arn = format!("arn:aws:glue:{REGION}:{ACCOUNT}:{kind}/{}", input.target_name);
                self.call(
                    "events",
                    "PutTargets",
                    json!({ "Rule": input.name, "Targets": [{ "Id": "target-1", "Arn": arn }] }),
                )
                .await?;
                Response::Rules(self.rule_summaries())
            }
            Request::DeleteRule { name } => {
                let targets = self.call("events", "ListTargetsByRule", json!({ "Rule": name })).await?;
                let ids: Vec<&Value> = targets["Targets"].as_array().into_iter().flatten().map(|t| &t["Id"]).collect();
                if !ids.is_empty() {
                    self.call("events", "RemoveTargets", json!({ "Rule": name, "Ids": ids })).await?;
                }
                self.call("events", "DeleteRule", json!({ "Name": name })).await?;
                Response::Ok
            }
            Request::GetClock => {
                let clock = self.s3().clock();
                Response::Clock(ClockSummary { now: time(&clock.now()), offset_minutes: clock.offset().num_minutes() })
            }
            Request::AdvanceClock { minutes } => {
                if !(1..=3660 * 1440).contains(&minutes) {
                    return Err(ApiError::new("InvalidArgument", "advance the clock by 1 minute to 10 years"));
                }
                let done = self.advance_clock(chrono::Duration::minutes(minutes)).await?;
                Response::Activity(done.iter().map(activity_summary).collect())
            }
            Request::ListActivity => Response::Activity(self.activity().iter().map(activity_summary).collect()),
            Request::ListEvents => Response::Events(
                self.s3()
                    .bus()
                    .recent()
                    .iter()
                    .map(|e| EventSummary {
                        event_name: e.event_name.clone(),
                        bucket: e.bucket.clone(),
                        key: e.key.clone(),
                        size: e.size,
                        time: time(&e.time),
                    })
                    .collect(),
            ),
            Request::GetBucketSettings { bucket } => {
                let versioning = api(self.s3().bucket_versioning(&bucket).await)?.as_status().map(str::to_string);
                let lifecycle = match self.s3().bucket_lifecycle(&bucket).await {
                    Ok(c) => Some(serde_json::to_string_pretty(&c).map_err(|e| ApiError::internal(e.to_string()))?),
                    Err(puddle_store::Error::NoSuchLifecycleConfiguration { .. }) => None,
                    Err(e) => return Err(api::<(), _>(Err(e)).unwrap_err()),
                };
                Response::BucketSettings(BucketSettings { bucket, versioning, lifecycle })
            }
            Request::PutBucketVersioning { bucket, status } => {
                self.call(
                    "s3api",
                    "PutBucketVersioning",
                    json!({ "Bucket": bucket, "VersioningConfiguration": { "Status": status } }),
                )
                .await?;
                Response::Ok
            }
            Request::PutBucketLifecycle { bucket, configuration: None } => {
                self.call("s3api", "DeleteBucketLifecycle", json!({ "Bucket": bucket })).await?;
                Response::Ok
            }
            Request::PutBucketLifecycle { bucket, configuration: Some(text) } => {
                let config: Value = serde_json::from_str(&text).map_err(|e| {
                    ApiError::new(
                        "MalformedXML",
                        format!("The lifecycle configuration is not valid JSON in S3's shape: {e}"),
                    )
                })?;
                self.call(
                    "s3api",
                    "PutBucketLifecycleConfiguration",
                    json!({ "Bucket": bucket, "LifecycleConfiguration": config }),
                )
                .await?;
                Response::Ok
            }
            Request::ListObjectVersions { bucket, prefix } => Response::ObjectVersions(
                api(self.s3().list_object_versions(&bucket, &prefix).await)?
                    .into_iter()
                    .map(|v| ObjectVersionSummary {
                        key: v.key,
                        version_id: v.version_id,
                        is_latest: v.is_latest,
                        is_delete_marker: v.is_delete_marker,
                        size: v.size,
                        last_modified: time(&v.last_modified),
                        e_tag: v.e_tag,
                    })
                    .collect(),
            ),
            Request::HeadObject { bucket, key } => {
                let h = api(self.s3().head_object(&bucket, &key).await)?;
                Response::ObjectDetails(ObjectDetails {
                    key,
                    size: h.info.size,
                    last_modified: time(&h.info.last_modified),
                    e_tag: h.info.e_tag,
                    content_type: h.content_type,
                    storage_class: h.storage_class,
                    version_id: h.version_id,
                    restore: h.restore,
                    metadata: h.metadata,
                })
            }
            Request::RestoreObject { bucket, key, days, tier } => {
                let request = json!({ "Days": days, "GlacierJobParameters": { "Tier": tier } });
                self.call("s3api", "RestoreObject", json!({ "Bucket": bucket, "Key": key, "RestoreRequest": request }))
                    .await?;
                Response::Ok
            }
            Request::PreviewScriptFrame { script, frame, rows } => {
                let (mut sql, mut plan) = api(puddle_etl::frame_query(&script, &frame))?;
                let engine = self.sql.with_file_tables(api(puddle_etl::file_tables(&plan))?);
                plan.sinks.clear(); // only the previewed frame is read
                api(puddle_etl::resolve_deferred(&engine, &mut plan, &mut [&mut sql]).await)?;
                let rows = rows.clamp(1, 1000);
                Response::Query(api(engine.run(&format!("SELECT * FROM ({sql}) AS t LIMIT {rows}"), None).await)?)
            }
            other => return Err(ApiError::internal(format!("not a console request: {other:?}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use puddle_api::{CreateJobInput, S3RuleInput};

    use super::*;

    async fn ok(lake: &Lake, request: Request) -> Response {
        match lake.handle(request.clone()).await {
            Response::Error(e) => panic!("{request:?}: {e:?}"),
            r => r,
        }
    }

    #[tokio::test]
    async fn console_flow_jobs_rules_clock_and_bucket_settings() {
        let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
        for b in ["raw-1", "out-1", "scripts-1"] {
            ok(&lake, Request::CreateBucket { bucket: b.into() }).await;
        }
        let script = "glueContext = GlueContext(SparkContext.getOrCreate())\n\
            raw = glueContext.create_dynamic_frame.from_catalog(database=\"db\", table_name=\"t\")\n\
            glueContext.write_dynamic_frame.from_options(frame=raw, connection_type=\"s3\", connection_options={\"path\": \"s3://out-1/t/\"}, format=\"csv\")\n";
        lake.catalog().create_database("db", true).await.unwrap();
        lake.sql("CREATE EXTERNAL TABLE db.t (id BIGINT) STORED AS CSV LOCATION 's3://raw-1/t/' OPTIONS ('format.has_header' 'true')", None)
            .await
            .unwrap();
        let input = CreateJobInput {
            name: "copy".into(),
            role: "GlueRole".into(),
            script_location: "s3://scripts-1/copy.py".into(),
            script: Some(script.into()),
            bookmarks: true,
        };
        let Response::Jobs(jobs) = ok(&lake, Request::CreateJob(input)).await else { panic!() };
        assert_eq!((jobs[0].name.as_str(), jobs[0].bookmark_option.as_str()), ("copy", "job-bookmark-enable"));
        let rule = S3RuleInput {
            name: "on-upload".into(),
            bucket: "raw-1".into(),
            prefix: "t/".into(),
            target_kind: "job".into(),
            target_name: "copy".into(),
        };
        let Response::Rules(rules) = ok(&lake, Request::PutS3Rule(rule)).await else { panic!() };
        assert_eq!(rules[0].targets, ["arn:aws:glue:us-east-1:123456789012:job/copy"]);
        ok(
            &lake,
            Request::PutObject {
                bucket: "raw-1".into(),
                key: "t/a.csv".into(),
                body: b"id\n1\n2\n".to_vec(),
                content_type: None,
            },
        )
        .await;
        let Response::JobRuns(runs) = ok(&lake, Request::ListJobRuns { job: "copy".into() }).await else { panic!() };
        assert_eq!((runs.len(), runs[0].rows_written), (1, 2), "{runs:?}");
        let Response::Events(events) = ok(&lake, Request::ListEvents).await else { panic!() };
        assert!(events.iter().any(|e| e.key == "t/a.csv" && e.event_name == "ObjectCreated:Put"));
        let Response::Activity(activity) = ok(&lake, Request::ListActivity).await else { panic!() };
        assert_eq!(activity.last().unwrap().source, "rule/on-upload");
        ok(&lake, Request::DeleteRule { name: "on-upload".into() }).await;

        ok(&lake, Request::PutBucketVersioning { bucket: "raw-1".into(), status: "Enabled".into() }).await;
        let lifecycle = r#"{"Rules":[{"ID":"cold","Status":"Enabled","Filter":{"Prefix":"t/"},"Transitions":[{"Days":30,"StorageClass":"GLACIER"}]}]}"#;
        ok(&lake, Request::PutBucketLifecycle { bucket: "raw-1".into(), configuration: Some(lifecycle.into()) }).await;
        let Response::BucketSettings(settings) = ok(&lake, Request::GetBucketSettings { bucket: "raw-1".into() }).await
        else {
            panic!()
        };
        assert_eq!(settings.versioning.as_deref(), Some("Enabled"));
        assert!(settings.lifecycle.unwrap().contains("GLACIER"));
        let Response::Activity(done) = ok(&lake, Request::AdvanceClock { minutes: 31 * 1440 }).await else { panic!() };
        assert!(done.iter().any(|a| a.detail.contains("-> GLACIER")), "{done:?}");
        let Response::ObjectDetails(head) =
            ok(&lake, Request::HeadObject { bucket: "raw-1".into(), key: "t/a.csv".into() }).await
        else {
            panic!()
        };
        assert_eq!(head.storage_class, "GLACIER");
        ok(
            &lake,
            Request::RestoreObject { bucket: "raw-1".into(), key: "t/a.csv".into(), days: 1, tier: "Standard".into() },
        )
        .await;
        let Response::Clock(clock) = ok(&lake, Request::GetClock).await else { panic!() };
        assert_eq!(clock.offset_minutes / 1440, 31);
        let Response::Error(e) = lake.handle(Request::AdvanceClock { minutes: 0 }).await else { panic!() };
        assert_eq!(e.code, "InvalidArgument");
        let Response::Error(e) = lake
            .handle(Request::PutBucketLifecycle { bucket: "raw-1".into(), configuration: Some("{nope".into()) })
            .await
        else {
            panic!()
        };
        assert_eq!(e.code, "MalformedXML");
        let Response::ObjectVersions(v) =
            ok(&lake, Request::ListObjectVersions { bucket: "raw-1".into(), prefix: "t/".into() }).await
        else {
            panic!()
        };
        assert_eq!(v.len(), 1);
    }
}
