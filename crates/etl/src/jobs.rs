//! Job definitions and runs, persisted in the lake (`_meta/glue/jobs/`, `_meta/glue/job-runs/`).

use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use puddle_sql::SqlEngine;
use puddle_store::S3;
use serde::{Deserialize, Serialize};

use crate::{translate, write::encode, Error, Result};

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
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    /// `jr_<hex>`.
    pub id: String,
    /// Job name.
    pub job_name: String,
    /// `SUCCEEDED` or `FAILED` (runs complete inside StartJobRun).
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
}

fn job_path(name: &str) -> Path {
    Path::from_iter(["_meta", "glue", "jobs", &format!("{name}.json")])
}

fn run_path(job: &str, id: &str) -> Path {
    Path::from_iter(["_meta", "glue", "job-runs", job, &format!("{id}.json")])
}

/// Glue jobs over one lake.
#[derive(Debug, Clone)]
pub struct Jobs {
    s3: S3,
    sql: SqlEngine,
}

impl Jobs {
    /// Jobs reading with `sql` and writing through `s3`.
    pub fn new(s3: S3, sql: SqlEngine) -> Self {
        Self { s3, sql }
    }

    fn store(&self) -> &Arc<dyn ObjectStore> {
        self.s3.store()
    }

    /// CreateJob. The script is checked now, so a script outside the subset fails here.
    pub async fn create_job(&self, name: &str, role: &str, script_location: &str) -> Result<Job> {
        if name.is_empty() || name.len() > 255 || name.contains('/') {
            return Err(Error::InvalidInput(format!("Invalid job name '{name}'")));
        }
        let job = Job {
            name: name.into(),
            role: role.into(),
            script_location: script_location.into(),
            created: chrono::Utc::now(),
        };
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
        let job = self.get_job(name).await?;
        let id = format!("jr_{}", uuid::Uuid::new_v4().simple());
        let started = chrono::Utc::now();
        let clock = web_time::Instant::now();
        let mut run = JobRun {
            id: id.clone(),
            job_name: name.into(),
            state: "RUNNING".into(),
            error_message: None,
            started,
            completed: started,
            execution_seconds: 0.0,
            bytes_read: 0,
            rows_written: 0,
            files_written: Vec::new(),
            log: vec![format!("Reading script {}", job.script_location)],
        };
        if let Err(e) = self.execute(&job, &mut run).await {
            run.state = "FAILED".into();
            run.log.push(format!("FAILED: {e}"));
            run.error_message = Some(e.to_string());
        } else {
            run.state = "SUCCEEDED".into();
        }
        run.completed = chrono::Utc::now();
        run.execution_seconds = clock.elapsed().as_secs_f64();
        self.store().put(&run_path(name, &id), PutPayload::from(serde_json::to_vec(&run)?)).await?;
        Ok(run)
    }

    async fn execute(&self, job: &Job, run: &mut JobRun) -> Result<()> {
        let uri: puddle_api::S3Uri =
            job.script_location.parse().map_err(|e: puddle_api::S3UriError| Error::InvalidInput(e.to_string()))?;
        let script = self.s3.get_object(&uri.bucket, &uri.key).await?;
        let script =
            std::str::from_utf8(&script).map_err(|_| Error::InvalidInput("the script is not UTF-8 text".into()))?;
        let plan = translate(script)?;
        run.log.push(format!(
            "Script translated: reads {}, writes {} output(s)",
            plan.sources.join(", "),
            plan.sinks.len()
        ));
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
            let groups = self.partitions(&sink.sql, &sink.partition_keys).await?;
            for (folder, sql) in groups {
                let result = self.sql.query_batches(&sql, None).await?;
                run.bytes_read += result.bytes_read;
                let rows: usize = result.batches.iter().map(|b| b.num_rows()).sum();
                run.rows_written += rows as u64;
                let (bytes, ext) = encode(&result.schema, &result.batches, &sink.format, &sink.compression)?;
                let key = format!("{prefix}{folder}run-{}-part-00000.{ext}", run.id);
                run.log.push(format!("{rows} row(s) -> s3://{}/{key}", target.bucket));
                outputs.push((puddle_api::S3Uri { bucket: target.bucket.clone(), key }, Bytes::from(bytes)));
            }
        }
        for (uri, bytes) in outputs {
            self.s3.put_object(&uri.bucket, &uri.key, bytes).await?;
            run.files_written.push(uri.to_string());
        }
        run.log.push(format!("Done: {} row(s) written in {} file(s)", run.rows_written, run.files_written.len()));
        Ok(())
    }

    /// The (folder, query) of each output partition: `region=NSW/` and its rows without the key.
    async fn partitions(&self, sql: &str, keys: &[String]) -> Result<Vec<(String, String)>> {
        if keys.is_empty() {
            return Ok(vec![(String::new(), sql.to_string())]);
        }
        let cols: Vec<String> = keys.iter().map(|k| format!("\"{}\"", k.replace('"', "\"\""))).collect();
        let distinct = self
            .sql
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
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?)?),
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
            runs.push(serde_json::from_slice::<JobRun>(&self.store().get(&m.location).await?.bytes().await?)?);
        }
        runs.sort_by(|a, b| b.started.cmp(&a.started));
        Ok(runs)
    }
}

fn cast_all(cols: &[String]) -> String {
    cols.iter().map(|c| format!("CAST({c} AS VARCHAR) AS {c}")).collect::<Vec<_>>().join(", ")
}
