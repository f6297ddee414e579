//! Job definitions and runs, persisted in the lake (`_meta/glue/jobs/`, `_meta/glue/job-runs/`).

use std::{
    collections::{BTreeMap, HashSet},
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde::{Deserialize, Serialize};

use crate::{
    bookmarks::{Bookmark, BookmarkOption},
    run_control::{RunControl, RunHandle, StopRequest},
    translate,
    write::encode,
    Error, Result,
};

/// The argument that sets a job's bookmark option.
pub const BOOKMARK_ARG: &str = "--job-bookmark-option";

fn one() -> u32 {
    1
}

fn two_days() -> u32 {
    2880
}

/// A Glue job definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Job name.
    pub name: String,
    /// IAM role (recorded).
    pub role: String,
    /// `s3://...` of the script.
    pub script_location: String,
    /// When it was created.
    pub created: chrono::DateTime<chrono::Utc>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `DefaultArguments` (`--job-bookmark-option`, `--TempDir`, script arguments).
    #[serde(default)]
    pub default_arguments: BTreeMap<String, String>,
    /// `ExecutionProperty.MaxConcurrentRuns`: StartJobRun fails with
    /// `ConcurrentRunsExceededException` while this many runs are in progress.
    #[serde(default = "one")]
    pub max_concurrent_runs: u32,
    /// Timeout in minutes (Glue's default: 2,880).
    #[serde(default = "two_days")]
    pub timeout_minutes: u32,
    /// Last update.
    #[serde(default)]
    pub last_modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// The settable parts of a job (CreateJob / UpdateJob).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobInput {
    /// IAM role.
    pub role: String,
    /// `s3://...` of the script.
    pub script_location: String,
    /// Description.
    pub description: Option<String>,
    /// Default arguments.
    pub default_arguments: BTreeMap<String, String>,
    /// Max concurrent runs (default 1).
    pub max_concurrent_runs: Option<u32>,
    /// Timeout in minutes (default 2,880).
    pub timeout_minutes: Option<u32>,
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    /// `jr_<hex>`.
    pub id: String,
    /// Job name.
    pub job_name: String,
    /// `STARTING`, `RUNNING`, `STOPPING` while it works (GetJobRun from another request sees
    /// them), then `SUCCEEDED`, `FAILED`, `STOPPED` or `TIMEOUT`.
    pub state: String,
    /// Why it failed.
    pub error_message: Option<String>,
    /// Start time.
    pub started: chrono::DateTime<chrono::Utc>,
    /// End time.
    pub completed: chrono::DateTime<chrono::Utc>,
    /// Seconds.
    pub execution_seconds: f64,
    /// Bytes read from the sources.
    pub bytes_read: u64,
    /// Rows written, all outputs together.
    pub rows_written: u64,
    /// Objects written.
    pub files_written: Vec<String>,
    /// What the run did, line by line.
    pub log: Vec<String>,
    /// Arguments of the run (the job's defaults overridden by StartJobRun's).
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
    /// The trigger that started the run.
    #[serde(default)]
    pub trigger_name: Option<String>,
    /// Objects the run read, per source (with a bookmark: only the new ones).
    #[serde(default)]
    pub objects_read: u64,
    /// Objects the run is writing: recorded before the first is written and cleared after the
    /// last, so a run interrupted mid-write has its partial output removed when the lake reopens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_outputs: Vec<String>,
    /// Rows read per source (`db.table` or its S3 paths), every output's reads together.
    #[serde(default)]
    pub rows_read: BTreeMap<String, u64>,
    /// Real time of the run's last checkpoint, while it works: a run another tab is working on
    /// has a recent one, so a lake opening meanwhile leaves it alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<chrono::DateTime<chrono::Utc>>,
}

/// How long after its last checkpoint a run in progress may belong to another tab.
const HEARTBEAT_GRACE: chrono::Duration = chrono::Duration::minutes(2);

impl JobRun {
    /// Whether the run is still working (or was, when its tab closed).
    pub fn in_progress(&self) -> bool {
        matches!(self.state.as_str(), "STARTING" | "RUNNING" | "STOPPING")
    }
}

/// The `from_options` sources of a plan as tables the SQL engine reads.
pub fn file_tables(plan: &crate::JobPlan) -> Result<Vec<puddle_sql::FileTable>> {
    plan.file_sources
        .iter()
        .map(|s| {
            let format = puddle_api::DataFormat::parse(&s.format)
                .ok_or_else(|| Error::InvalidInput(format!("format '{}' is not supported", s.format)))?;
            Ok(puddle_sql::FileTable {
                name: s.name.clone(),
                paths: s.paths.clone(),
                format,
                has_header: s.has_header,
                delimiter: s.delimiter,
            })
        })
        .collect()
}

fn job_path(name: &str) -> Path {
    Path::from_iter(["_meta", "glue", "jobs", &format!("{name}.json")])
}

fn run_path(job: &str, id: &str) -> Path {
    Path::from_iter(["_meta", "glue", "job-runs", job, &format!("{id}.json")])
}

/// Root of the markers of runs in progress (one empty object per run, while it works), so a
/// lake opening reads only those runs, not the whole run history.
fn in_progress_root() -> Path {
    Path::from_iter(["_meta", "glue", "job-runs-in-progress"])
}

fn in_progress_path(job: &str, id: &str) -> Path {
    Path::from_iter(["_meta", "glue", "job-runs-in-progress", job, id])
}

/// Glue jobs over one lake.
#[derive(Debug, Clone)]
pub struct Jobs {
    s3: S3,
    sql: SqlEngine,
    completions: Arc<Mutex<Vec<(String, String)>>>,
    runs: Arc<RunControl>,
}

impl Jobs {
    /// Jobs reading with `sql` and writing through `s3`.
    pub fn new(s3: S3, sql: SqlEngine) -> Self {
        Self { s3, sql, completions: Arc::default(), runs: Arc::default() }
    }

    fn store(&self) -> &Arc<dyn ObjectStore> {
        self.s3.store()
    }

    pub(crate) fn s3(&self) -> &S3 {
        &self.s3
    }

    /// `(job name, final state)` of every run finished since the last call, for conditional
    /// triggers.
    pub fn drain_completions(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.completions.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// CreateJob with a role and a script.
    pub async fn create_job(&self, name: &str, role: &str, script_location: &str) -> Result<Job> {
        let input =
            JobInput { role: role.to_string(), script_location: script_location.to_string(), ..Default::default() };
        self.create_job_with(name, input).await
    }

    /// UpdateJob: replaces the job's settings (`JobUpdate` replaces, as in Glue).
    pub async fn update_job(&self, name: &str, input: JobInput) -> Result<Job> {
        let old = self.get_job(name).await?;
        let job = Self::job_of(name, input, old.created, Some(self.s3.clock().now()))?;
        self.store().put(&job_path(name), PutPayload::from(serde_json::to_vec(&job)?)).await?;
        Ok(job)
    }

    fn job_of(
        name: &str,
        input: JobInput,
        created: chrono::DateTime<chrono::Utc>,
        last_modified: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Job> {
        if name.is_empty() || name.len() > 255 || name.contains('/') {
            return Err(Error::InvalidInput(format!("Invalid job name '{name}'")));
        }
        BookmarkOption::parse(input.default_arguments.get(BOOKMARK_ARG).map(String::as_str))?;
        let max_concurrent_runs = input.max_concurrent_runs.unwrap_or(1);
        if max_concurrent_runs == 0 {
            return Err(Error::InvalidInput("MaxConcurrentRuns must be at least 1".into()));
        }
        let timeout_minutes = input.timeout_minutes.unwrap_or(2880);
        if timeout_minutes == 0 {
            return Err(Error::InvalidInput("Timeout must be at least 1 minute".into()));
        }
        Ok(Job {
            name: name.into(),
            role: input.role,
            script_location: input.script_location,
            created,
            description: input.description,
            default_arguments: input.default_arguments,
            max_concurrent_runs,
            timeout_minutes,
            last_modified,
        })
    }

    /// CreateJob with every setting.
    pub async fn create_job_with(&self, name: &str, input: JobInput) -> Result<Job> {
        let job = Self::job_of(name, input, self.s3.clock().now(), None)?;
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        match self.store().put_opts(&job_path(name), PutPayload::from(serde_json::to_vec(&job)?), opts).await {
            Ok(_) => Ok(job),
            Err(object_store::Error::AlreadyExists { .. }) => Err(Error::AlreadyExists(name.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// GetJob.
    pub async fn get_job(&self, name: &str) -> Result<Job> {
        match self.store().get(&job_path(name)).await {
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchJob(name.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// GetJobs, by name.
    pub async fn list_jobs(&self) -> Result<Vec<Job>> {
        let metas: Vec<_> = self.store().list(Some(&Path::from_iter(["_meta", "glue", "jobs"]))).try_collect().await?;
        let mut jobs = Vec::new();
        for m in metas {
            jobs.push(serde_json::from_slice::<Job>(&self.store().get(&m.location).await?.bytes().await?)?);
        }
        jobs.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(jobs)
    }

    /// DeleteJob (its runs go too).
    pub async fn delete_job(&self, name: &str) -> Result<()> {
        self.get_job(name).await?;
        for run in self.list_runs(name).await? {
            self.store().delete(&run_path(name, &run.id)).await?;
        }
        self.store().delete(&job_path(name)).await?;
        Ok(())
    }

    /// StartJobRun: runs the job's script to the end and records the run.
    pub async fn start_job_run(&self, name: &str) -> Result<JobRun> {
        self.start_job_run_with(name, &BTreeMap::new(), None).await
    }

    /// StartJobRun with run arguments (over the job's defaults), started by `trigger` if any.
    ///
    /// The run is recorded `STARTING`, then `RUNNING` with its log as it goes, so GetJobRun
    /// answered meanwhile shows where it is; it ends `SUCCEEDED`, `FAILED`, `STOPPED` (after
    /// [`Jobs::stop_job_run`]) or `TIMEOUT` (past the job's timeout, checked between stages).
    pub async fn start_job_run_with(
        &self,
        name: &str,
        arguments: &BTreeMap<String, String>,
        trigger: Option<&str>,
    ) -> Result<JobRun> {
        let job = self.get_job(name).await?;
        let mut merged = job.default_arguments.clone();
        merged.extend(arguments.iter().map(|(k, v)| (k.clone(), v.clone())));
        BookmarkOption::parse(merged.get(BOOKMARK_ARG).map(String::as_str))?;
        let id = format!("jr_{}", uuid::Uuid::new_v4().simple());
        let registered = self
            .runs
            .register(name, &id, job.max_concurrent_runs)
            .map_err(|active| Error::ConcurrentRuns { job: name.to_string(), active, max: job.max_concurrent_runs })?;
        let started = self.s3.clock().now();
        let clock = web_time::Instant::now();
        let mut run = JobRun {
            id: id.clone(),
            job_name: name.into(),
            state: "STARTING".into(),
            error_message: None,
            started,
            completed: started,
            execution_seconds: 0.0,
            bytes_read: 0,
            rows_written: 0,
            files_written: Vec::new(),
            log: vec![format!("Reading script {}", job.script_location)],
            arguments: merged,
            trigger_name: trigger.map(str::to_string),
            objects_read: 0,
            pending_outputs: Vec::new(),
            rows_read: BTreeMap::new(),
            heartbeat: Some(chrono::Utc::now()),
        };
        if let Some(t) = trigger {
            run.log.insert(0, format!("Started by trigger {t}"));
        }
        self.store().put(&in_progress_path(name, &id), PutPayload::default()).await?;
        self.save_run(&run).await?;
        let mut stage = Stage { jobs: self, handle: &registered.handle, clock, timeout_minutes: job.timeout_minutes };
        let outcome = self.execute(&job, &mut run, &mut stage).await;
        run.execution_seconds = clock.elapsed().as_secs_f64();
        run.completed = started + chrono::Duration::milliseconds((run.execution_seconds * 1000.0) as i64);
        match outcome {
            Ok(()) if run.execution_seconds > job.timeout_minutes as f64 * 60.0 => {
                run.state = "TIMEOUT".into();
                run.error_message = Some(Error::TimedOut(job.timeout_minutes).to_string());
            }
            Ok(()) => run.state = "SUCCEEDED".into(),
            Err(Error::Stopped) => {
                run.state = "STOPPED".into();
                run.log.push("STOPPED: stopped by BatchStopJobRun; nothing was written".into());
            }
            Err(e @ Error::TimedOut(_)) => {
                run.state = "TIMEOUT".into();
                run.log.push(format!("TIMEOUT: {e}; nothing was written"));
                run.error_message = Some(e.to_string());
            }
            Err(e) => {
                run.state = "FAILED".into();
                run.log.push(format!("FAILED: {e}"));
                run.error_message = Some(e.to_string());
            }
        }
        run.heartbeat = None;
        self.save_run(&run).await?;
        self.store().delete(&in_progress_path(name, &id)).await?;
        drop(registered);
        self.completions.lock().unwrap_or_else(|e| e.into_inner()).push((name.to_string(), run.state.clone()));
        Ok(run)
    }

    pub(crate) async fn save_run(&self, run: &JobRun) -> Result<()> {
        self.store().put(&run_path(&run.job_name, &run.id), PutPayload::from(serde_json::to_vec(run)?)).await?;
        Ok(())
    }

    /// Saves `run` as a closed tab would have left it: its record and its in-progress marker.
    #[cfg(test)]
    pub(crate) async fn leave_in_progress(&self, run: &JobRun) -> Result<()> {
        self.store().put(&in_progress_path(&run.job_name, &run.id), PutPayload::default()).await?;
        self.save_run(run).await
    }

    /// BatchStopJobRun for one run: a run in progress is asked to stop (it ends `STOPPED` at its
    /// next checkpoint, before writing anything); a finished run cannot be stopped.
    pub async fn stop_job_run(&self, job: &str, id: &str) -> Result<JobRun> {
        let mut run = self.get_job_run(job, id).await?;
        match self.runs.request_stop(id) {
            StopRequest::Accepted => {
                run.state = "STOPPING".into();
                Ok(run)
            }
            StopRequest::Committing => {
                Err(Error::InvalidInput("Job Run cannot be stopped: it is already writing its output".into()))
            }
            StopRequest::NotRunning => {
                Err(Error::InvalidInput(format!("Job Run cannot be stopped as it is in {} state", run.state)))
            }
        }
    }

    /// When the lake opens nothing runs: a run left in progress by a closed tab (found by its
    /// in-progress marker, so the run history is not read) becomes
    /// `STOPPED` (if it was stopping) or `FAILED`, and the objects it was writing are removed, so
    /// no reader sees a partial output. Returns the ids of those runs.
    pub async fn recover_runs(&self) -> Result<Vec<String>> {
        let markers: Vec<_> = self.store().list(Some(&in_progress_root())).try_collect().await?;
        let mut recovered = Vec::new();
        for marker in markers {
            let parts: Vec<_> = marker.location.parts().collect();
            let [.., job, id] = parts.as_slice() else { continue };
            let run = match self.store().get(&run_path(job.as_ref(), id.as_ref())).await {
                Ok(r) => serde_json::from_slice::<JobRun>(&r.bytes().await?).ok(),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            if self.runs.status(id.as_ref()).is_some() {
                continue;
            }
            // A marker left by a run that ended (its tab closed just after) goes.
            let Some(mut run) = run.filter(JobRun::in_progress) else {
                self.store().delete(&marker.location).await?;
                continue;
            };
            // Another tab on this lake may be working on it: leave it until it has been silent
            // for a while (a later opening recovers it).
            if run.heartbeat.is_some_and(|h| chrono::Utc::now() - h < HEARTBEAT_GRACE) {
                continue;
            }
            let mut removed = 0;
            for output in std::mem::take(&mut run.pending_outputs) {
                let Ok(uri) = output.parse::<puddle_api::S3Uri>() else { continue };
                if self.s3.delete_object(&uri.bucket, &uri.key).await.is_ok() {
                    removed += 1;
                }
            }
            run.files_written.clear();
            let why = format!(
                "The run was interrupted (the lake closed while it ran); {removed} partially written object(s) removed"
            );
            run.log.push(why.clone());
            run.state = if run.state == "STOPPING" { "STOPPED" } else { "FAILED" }.into();
            run.error_message = Some(why);
            run.heartbeat = None;
            self.save_run(&run).await?;
            self.store().delete(&marker.location).await?;
            recovered.push(run.id);
        }
        Ok(recovered)
    }

    async fn execute(&self, job: &Job, run: &mut JobRun, stage: &mut Stage<'_>) -> Result<()> {
        let uri: puddle_api::S3Uri =
            job.script_location.parse().map_err(|e: puddle_api::S3UriError| Error::InvalidInput(e.to_string()))?;
        let script = self.s3.get_object(&uri.bucket, &uri.key).await?;
        let script =
            std::str::from_utf8(&script).map_err(|_| Error::InvalidInput("the script is not UTF-8 text".into()))?;
        let mut plan = translate(script)?;
        run.log.push(format!(
            "Script translated: reads {}, writes {} output(s)",
            plan.sources.join(", "),
            plan.sinks.len()
        ));
        run.state = "RUNNING".into();
        stage.checkpoint(run).await?;
        let option = BookmarkOption::parse(run.arguments.get(BOOKMARK_ARG).map(String::as_str))?;
        let (sql, next_bookmark) = self.bookmarked_engine(&job.name, &plan, option, run).await?;
        let sql = sql.with_file_tables(file_tables(&plan)?);
        stage.checkpoint(run).await?;
        let resolved = crate::resolve_deferred(&sql, &mut plan, &mut []).await?;
        if !resolved.is_empty() {
            run.log.extend(resolved);
            stage.checkpoint(run).await?;
        }
        crate::catalog_sink::resolve_targets(&self.sql, &mut plan.sinks)?;
        // Where each source's rows are read from, for its "rows read".
        let sources: Vec<(String, Vec<String>)> = self
            .plan_sources(&plan)?
            .into_iter()
            .map(|s| (s.name, s.locations.into_iter().chain(s.partitions).collect()))
            .collect();
        // Everything is computed and encoded before the first object is written, so a failing
        // run leaves no partial output.
        let mut outputs: Vec<(puddle_api::S3Uri, Bytes)> = Vec::new();
        for sink in &plan.sinks {
            let target: puddle_api::S3Uri =
                sink.path.parse().map_err(|e: puddle_api::S3UriError| Error::InvalidInput(e.to_string()))?;
            self.s3.head_bucket(&target.bucket).await?;
            let prefix = if target.key.is_empty() || target.key.ends_with('/') {
                target.key.clone()
            } else {
                format!("{}/", target.key)
            };
            let groups = self.partitions(&sql, &sink.sql, &sink.partition_keys).await?;
            for (folder, query) in groups {
                let options = puddle_sql::RunOptions { cancel: Some(stage.handle.stop_flag()), ..Default::default() };
                let result = match sql.query_batches_with(&query, None, &options).await {
                    Err(puddle_sql::Error::Cancelled) => return Err(Error::Stopped),
                    other => other?,
                };
                run.bytes_read += result.bytes_read;
                for (source, locations) in &sources {
                    *run.rows_read.entry(source.clone()).or_default() +=
                        puddle_sql::rows_under(&result.scans, locations);
                }
                let rows: usize = result.batches.iter().map(|b| b.num_rows()).sum();
                if rows == 0 {
                    // Glue writes no file for an empty frame (e.g. nothing new since the bookmark).
                    run.log.push(format!("0 rows for s3://{}/{prefix}{folder}: nothing written", target.bucket));
                    stage.checkpoint(run).await?;
                    continue;
                }
                run.rows_written += rows as u64;
                let (bytes, ext) = encode(&result.schema, &result.batches, &sink.format, &sink.compression)?;
                let key = format!("{prefix}{folder}run-{}-part-00000.{ext}", run.id);
                run.log.push(format!("{rows} row(s) computed for s3://{}/{key}", target.bucket));
                outputs.push((puddle_api::S3Uri { bucket: target.bucket.clone(), key }, Bytes::from(bytes)));
                stage.checkpoint(run).await?;
            }
        }
        // The last point where a stop or the timeout ends the run; from here it commits.
        for (source, rows) in &run.rows_read {
            run.log.push(format!("{rows} row(s) read from {source}"));
        }
        run.pending_outputs = outputs.iter().map(|(uri, _)| uri.to_string()).collect();
        run.log.push(format!("Committing {} object(s)", outputs.len()));
        // A stop accepted before this line ends the run at this checkpoint; later ones are refused.
        stage.handle.start_commit();
        stage.checkpoint(run).await?;
        for (uri, bytes) in outputs {
            if let Err(e) = self.s3.put_object(&uri.bucket, &uri.key, bytes).await {
                // E.g. the browser's storage quota: take back what this run wrote.
                for written in std::mem::take(&mut run.files_written) {
                    if let Ok(w) = written.parse::<puddle_api::S3Uri>() {
                        let _ = self.s3.delete_object(&w.bucket, &w.key).await;
                    }
                }
                run.pending_outputs.clear();
                return Err(e.into());
            }
            run.files_written.push(uri.to_string());
        }
        run.pending_outputs.clear();
        for sink in &plan.sinks {
            run.log.extend(crate::catalog_sink::update_catalog(&self.sql, sink).await?);
        }
        run.log.push(format!("Done: {} row(s) written in {} file(s)", run.rows_written, run.files_written.len()));
        if let Some(mut bookmark) = next_bookmark {
            bookmark.version += 1;
            bookmark.run += 1;
            bookmark.previous_run_id = bookmark.run_id.take();
            bookmark.run_id = Some(run.id.clone());
            self.save_bookmark(&bookmark).await?;
            run.log.push(format!("Job bookmark committed (run {})", bookmark.run));
        }
        Ok(())
    }

    /// Each source of `plan`: `db.table` with its location and partition folders, or a
    /// `from_options` source with its paths.
    fn plan_sources(&self, plan: &crate::JobPlan) -> Result<Vec<PlanSource>> {
        let mut out = Vec::new();
        for source in &plan.source_refs {
            let table =
                self.sql.catalog().get_table(&source.database, &source.table).map_err(puddle_sql::Error::from)?;
            out.push(PlanSource {
                transformation_ctx: source.transformation_ctx.clone(),
                name: format!("{}.{}", source.database, source.table),
                locations: vec![table.location.clone()],
                partitions: table.partitions.iter().map(|p| p.location.clone()).filter(|l| !l.is_empty()).collect(),
            });
        }
        for source in &plan.file_sources {
            out.push(PlanSource {
                transformation_ctx: source.transformation_ctx.clone(),
                name: source.paths.join(", "),
                locations: source.paths.clone(),
                partitions: Vec::new(),
            });
        }
        Ok(out)
    }

    /// The engine a run reads with: with a bookmark, objects processed by earlier runs are
    /// hidden. Also returns the bookmark to commit when the run succeeds.
    async fn bookmarked_engine(
        &self,
        job: &str,
        plan: &crate::JobPlan,
        option: BookmarkOption,
        run: &mut JobRun,
    ) -> Result<(SqlEngine, Option<Bookmark>)> {
        if option == BookmarkOption::Disable {
            return Ok((self.sql.clone(), None));
        }
        let mut bookmark = self.get_job_bookmark(job).await?;
        let mut hidden = HashSet::new();
        let mut tracked = 0;
        // The bookmark tracks the objects under each source's location (not partition folders
        // elsewhere).
        for PlanSource { transformation_ctx: ctx, name: what, locations, .. } in self.plan_sources(plan)? {
            let Some(ctx) = ctx else {
                run.log.push(format!(
                    "{what} has no transformation_ctx: the bookmark does not track it, every object is read"
                ));
                continue;
            };
            tracked += 1;
            let mut objects = Vec::new();
            for location in &locations {
                let uri: puddle_api::S3Uri =
                    location.parse().map_err(|e: puddle_api::S3UriError| Error::InvalidInput(e.to_string()))?;
                let listing = self.s3.list_objects(&uri.bucket, &uri.key, None).await?;
                objects.extend(listing.objects.into_iter().map(|o| (uri.bucket.clone(), o)));
            }
            let done = bookmark.sources.entry(ctx.clone()).or_default();
            let mut current = BTreeMap::new();
            let mut new = 0;
            for (bucket, o) in objects {
                let name = format!("s3://{bucket}/{}", o.key);
                let etag = o.e_tag.clone().unwrap_or_default();
                if done.get(&name) == Some(&etag) {
                    hidden.insert(Path::from(format!("{bucket}/{}", o.key)));
                } else {
                    new += 1;
                }
                current.insert(name, etag);
            }
            run.objects_read += new;
            run.log
                .push(format!("Bookmark {ctx}: {new} new object(s), {} already processed", current.len() as u64 - new));
            *done = current;
        }
        if tracked == 0 {
            run.log.push("Job bookmarks are on, but no source has a transformation_ctx".into());
        }
        let commit = option == BookmarkOption::Enable && plan.commits;
        if option == BookmarkOption::Enable && !plan.commits {
            run.log.push("The script does not call job.commit(): the bookmark is not saved".into());
        }
        Ok((self.sql.hiding(Arc::new(hidden)), commit.then_some(bookmark)))
    }

    /// The (folder, query) of each output partition: `region=NSW/` and its rows without the key.
    async fn partitions(&self, engine: &SqlEngine, sql: &str, keys: &[String]) -> Result<Vec<(String, String)>> {
        if keys.is_empty() {
            return Ok(vec![(String::new(), sql.to_string())]);
        }
        let cols: Vec<String> = keys.iter().map(|k| format!("\"{}\"", k.replace('"', "\"\""))).collect();
        let distinct = engine
            .run(&format!("SELECT DISTINCT {} FROM ({sql}) AS t ORDER BY {}", cast_all(&cols), cols.join(", ")), None)
            .await?;
        let mut out = Vec::new();
        for row in distinct.rows {
            let mut folder = String::new();
            let mut conds = Vec::new();
            for ((key, col), v) in keys.iter().zip(&cols).zip(row) {
                match v.as_str() {
                    Some(s) => {
                        folder.push_str(&format!("{key}={s}/"));
                        conds.push(format!("CAST({col} AS VARCHAR) = '{}'", s.replace('\'', "''")));
                    }
                    None => {
                        folder.push_str(&format!("{key}=__HIVE_DEFAULT_PARTITION__/"));
                        conds.push(format!("{col} IS NULL"));
                    }
                }
            }
            out.push((
                folder,
                format!("SELECT * EXCLUDE ({}) FROM ({sql}) AS t WHERE {}", cols.join(", "), conds.join(" AND ")),
            ));
        }
        Ok(out)
    }

    /// GetJobRun.
    pub async fn get_job_run(&self, job: &str, id: &str) -> Result<JobRun> {
        self.get_job(job).await?;
        match self.store().get(&run_path(job, id)).await {
            Ok(r) => Ok(self.live(serde_json::from_slice(&r.bytes().await?)?)),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchRun(id.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// GetJobRuns, newest first.
    pub async fn list_runs(&self, job: &str) -> Result<Vec<JobRun>> {
        let root = Path::from_iter(["_meta", "glue", "job-runs", job]);
        let metas: Vec<_> = self.store().list(Some(&root)).try_collect().await?;
        let mut runs = Vec::new();
        for m in metas {
            runs.push(
                self.live(serde_json::from_slice::<JobRun>(&self.store().get(&m.location).await?.bytes().await?)?),
            );
        }
        runs.sort_by_key(|r| std::cmp::Reverse(r.started));
        Ok(runs)
    }
}

/// A source of a job's plan, as a run reads it.
struct PlanSource {
    /// The bookmark key (`transformation_ctx=`), if any.
    transformation_ctx: Option<String>,
    /// `db.table`, or the paths of a `from_options` source.
    name: String,
    /// The table's location, or the source's paths.
    locations: Vec<String>,
    /// Partition folders of a catalog table (they may lie outside its location).
    partitions: Vec<String>,
}

impl Jobs {
    /// A stored run as it is now: `STOPPING` once a stop was asked of a run still working.
    fn live(&self, mut run: JobRun) -> JobRun {
        if run.in_progress() && self.runs.status(&run.id) == Some(true) {
            run.state = "STOPPING".into();
        }
        run
    }
}

/// Where a run is between its stages: each checkpoint saves the run (its state and log so far)
/// and ends it if it was asked to stop or outlived its timeout.
struct Stage<'a> {
    jobs: &'a Jobs,
    handle: &'a RunHandle,
    clock: web_time::Instant,
    timeout_minutes: u32,
}

impl Stage<'_> {
    async fn checkpoint(&mut self, run: &mut JobRun) -> Result<()> {
        if self.handle.stop_requested() {
            return Err(Error::Stopped);
        }
        if self.clock.elapsed().as_secs_f64() > self.timeout_minutes as f64 * 60.0 {
            return Err(Error::TimedOut(self.timeout_minutes));
        }
        run.execution_seconds = self.clock.elapsed().as_secs_f64();
        run.heartbeat = Some(chrono::Utc::now());
        self.jobs.save_run(run).await?;
        // Let requests waiting on this engine (GetJobRun, BatchStopJobRun) in.
        puddle_events::yield_now().await;
        // A test holding work keeps the run here, RUNNING, until it stops it or lets it go.
        puddle_events::wait_while_held(|| self.handle.stop_requested()).await;
        if self.handle.stop_requested() {
            return Err(Error::Stopped);
        }
        Ok(())
    }
}

fn cast_all(cols: &[String]) -> String {
    cols.iter().map(|c| format!("CAST({c} AS VARCHAR) AS {c}")).collect::<Vec<_>>().join(", ")
}
