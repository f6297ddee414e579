//! Run states seen from other requests while a run works: RUNNING, STOPPING -> STOPPED,
//! MaxConcurrentRuns, and the recovery of a run its tab left in progress.

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::{jobs_tests::lake, translate::tests::COURSE_SCRIPT, JobInput, JobRun, Jobs};

async fn course_job(jobs: &Jobs, s3: &puddle_store::S3, max_concurrent_runs: u32) {
    s3.put_object("scripts-123", "transform.py", Bytes::from(COURSE_SCRIPT)).await.unwrap();
    let input = JobInput {
        role: "GlueRole".into(),
        script_location: "s3://scripts-123/transform.py".into(),
        max_concurrent_runs: Some(max_concurrent_runs),
        ..Default::default()
    };
    jobs.create_job_with("T", input).await.unwrap();
}

/// Polls until a run of job T is in progress (or the run under way finishes).
async fn in_progress(jobs: &Jobs) -> JobRun {
    loop {
        if let Some(run) = jobs.list_runs("T").await.unwrap().into_iter().find(JobRun::in_progress) {
            return run;
        }
        puddle_events::yield_now().await;
    }
}

#[tokio::test]
async fn a_run_is_seen_running_and_a_stop_ends_it_stopped_with_nothing_written() {
    let (s3, _, jobs) = lake().await;
    course_job(&jobs, &s3, 1).await;
    let (finished, seen) = futures::join!(jobs.start_job_run("T"), async {
        let running = in_progress(&jobs).await;
        assert!(matches!(running.state.as_str(), "STARTING" | "RUNNING"), "{}", running.state);
        let stopping = jobs.stop_job_run("T", &running.id).await.unwrap();
        assert_eq!(stopping.state, "STOPPING");
        // GetJobRun agrees until the run reaches its next checkpoint.
        let again = jobs.get_job_run("T", &running.id).await.unwrap();
        assert!(matches!(again.state.as_str(), "STOPPING" | "STOPPED"), "{}", again.state);
        running.id
    });
    let run = finished.unwrap();
    assert_eq!(run.id, seen);
    assert_eq!(run.state, "STOPPED", "{:?}", run.log);
    assert!(run.files_written.is_empty());
    assert!(s3.list_objects("data-lake-processed-123", "", None).await.unwrap().objects.is_empty());
    assert_eq!(jobs.get_job_run("T", &run.id).await.unwrap().state, "STOPPED");
    // A finished run cannot be stopped, as in Glue.
    let err = jobs.stop_job_run("T", &run.id).await.unwrap_err();
    assert!(err.to_string().contains("STOPPED state"), "{err}");
}

#[tokio::test]
async fn max_concurrent_runs_refuses_a_second_run_while_one_works() {
    let (s3, _, jobs) = lake().await;
    course_job(&jobs, &s3, 1).await;
    let (first, second) = futures::join!(jobs.start_job_run("T"), async {
        in_progress(&jobs).await;
        jobs.start_job_run("T").await
    });
    assert_eq!(first.unwrap().state, "SUCCEEDED");
    let err = second.unwrap_err();
    assert_eq!(err.code(), "ConcurrentRunsExceededException", "{err}");
    // Once the first run ended, a new one starts.
    assert_eq!(jobs.start_job_run("T").await.unwrap().state, "SUCCEEDED");
}

#[tokio::test]
async fn a_run_left_in_progress_by_a_closed_tab_is_failed_and_its_partial_output_removed() {
    let (s3, sql, jobs) = lake().await;
    course_job(&jobs, &s3, 1).await;
    let run = jobs.start_job_run("T").await.unwrap();
    // Rewind the record to the moment the tab closed: half-way through writing its outputs.
    let mut left = run.clone();
    left.state = "RUNNING".into();
    left.pending_outputs = run.files_written.clone();
    left.pending_outputs.push("s3://data-lake-processed-123/never-written.parquet".into());
    // While its last checkpoint is recent, another tab may still be running it: left alone.
    left.heartbeat = Some(chrono::Utc::now());
    jobs.leave_in_progress(&left).await.unwrap();
    assert!(Jobs::new(s3.clone(), sql.clone()).recover_runs().await.unwrap().is_empty());
    left.heartbeat = Some(chrono::Utc::now() - chrono::Duration::minutes(3));
    jobs.leave_in_progress(&left).await.unwrap();
    let written = run.files_written[0].trim_start_matches("s3://data-lake-processed-123/").to_string();
    assert!(s3.head_object("data-lake-processed-123", &written).await.is_ok());

    // The lake reopens: a new Jobs over the same storage.
    let reopened = Jobs::new(s3.clone(), sql);
    assert_eq!(reopened.recover_runs().await.unwrap(), vec![run.id.clone()]);
    let after = reopened.get_job_run("T", &run.id).await.unwrap();
    assert_eq!(after.state, "FAILED");
    assert!(after.error_message.as_deref().unwrap().contains("interrupted"), "{:?}", after.error_message);
    assert!(after.pending_outputs.is_empty() && after.files_written.is_empty());
    assert!(s3.head_object("data-lake-processed-123", &written).await.is_err(), "the partial output is gone");
    // Recovery is idempotent, and a finished run is never touched.
    assert!(reopened.recover_runs().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_stopping_run_left_behind_ends_stopped() {
    let (s3, sql, jobs) = lake().await;
    course_job(&jobs, &s3, 1).await;
    let mut run = jobs.start_job_run_with("T", &BTreeMap::new(), None).await.unwrap();
    run.state = "STOPPING".into();
    run.files_written.clear();
    run.heartbeat = None;
    jobs.leave_in_progress(&run).await.unwrap();
    let reopened = Jobs::new(s3, sql);
    reopened.recover_runs().await.unwrap();
    assert_eq!(reopened.get_job_run("T", &run.id).await.unwrap().state, "STOPPED");
}
