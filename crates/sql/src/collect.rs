//! Runs a plan to the end, pausing between record batches ([`puddle_events::yield_now`]) so the
//! engine answers other requests (a job run's state, a stop) while a long query works.

use std::sync::{atomic::Ordering, Arc};

use datafusion::{
    arrow::array::RecordBatch,
    dataframe::DataFrame,
    execution::{
        memory_pool::{MemoryConsumer, MemoryLimit, MemoryPool},
        TaskContext,
    },
    physical_plan::{execute_stream, ExecutionPlan},
};
use futures::StreamExt;

use crate::{Error, Result, RunOptions};

/// Every batch of `plan`, like DataFusion's `collect`, with a pause after each; once
/// `opts.cancel` is set the query stops with [`Error::Cancelled`]. `opts.observer` hears when
/// execution starts and after each batch.
///
/// The collected batches count against the session's memory pool, like the operators' own
/// buffers: a result too big for the tab fails with a clear error instead of killing it.
pub(crate) async fn collect_yielding(
    plan: Arc<dyn ExecutionPlan>,
    task: Arc<TaskContext>,
    opts: &RunOptions,
) -> Result<Vec<RecordBatch>> {
    let cancelled = || opts.cancel.as_deref().is_some_and(|c| c.load(Ordering::SeqCst));
    if cancelled() {
        return Err(Error::Cancelled);
    }
    if let Some(o) = &opts.observer {
        o.planned();
    }
    let pool = Arc::clone(task.memory_pool());
    let reservation = MemoryConsumer::new("query result").register(&pool);
    let mut stream = execute_stream(plan, task)?;
    let mut batches = Vec::new();
    while let Some(batch) = stream.next().await {
        let batch = match batch {
            Ok(b) => b,
            // A scan refused to read because the query was cancelled.
            Err(_) if cancelled() => return Err(Error::Cancelled),
            Err(e) => return Err(e.into()),
        };
        if reservation.try_grow(batch.get_array_memory_size()).is_err() {
            return Err(result_too_large(&pool));
        }
        batches.push(batch);
        puddle_events::yield_now().await;
        if let Some(o) = &opts.observer {
            o.batch_done().await;
        }
        if cancelled() {
            return Err(Error::Cancelled);
        }
    }
    Ok(batches)
}

/// The error of a result bigger than the query's share of the tab's memory.
fn result_too_large(pool: &Arc<dyn MemoryPool>) -> Error {
    let limit = match pool.memory_limit() {
        MemoryLimit::Finite(bytes) => format!("the {} MiB", bytes >> 20),
        _ => "the memory".to_string(),
    };
    Error::Query(format!(
        "Query exhausted resources: its result needs more than {limit} a query may use in this tab. \
         Return fewer rows (a WHERE, a LIMIT or an aggregate), or write the result to S3 with \
         CREATE TABLE AS SELECT"
    ))
}

/// [`collect_yielding`] of a DataFrame.
pub(crate) async fn collect_df(df: DataFrame, opts: &RunOptions) -> Result<Vec<RecordBatch>> {
    let task = Arc::new(df.task_ctx());
    let plan = match df.create_physical_plan().await {
        Ok(plan) => plan,
        Err(_) if opts.cancel.as_deref().is_some_and(|c| c.load(Ordering::SeqCst)) => return Err(Error::Cancelled),
        Err(e) => return Err(e.into()),
    };
    collect_yielding(plan, task, opts).await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    use datafusion::prelude::SessionContext;

    use super::*;

    #[tokio::test]
    async fn collects_every_batch_of_a_multi_batch_query() {
        let ctx = SessionContext::new();
        let df = ctx.sql("SELECT * FROM generate_series(1, 20000) AS t(v)").await.unwrap();
        let batches = collect_df(df, &RunOptions::default()).await.unwrap();
        assert!(batches.len() > 1, "{} batch(es)", batches.len());
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 20000);
    }

    #[tokio::test]
    async fn a_result_bigger_than_the_memory_limit_fails_clearly() {
        let runtime = datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
            .with_memory_limit(4 << 20, 1.0)
            .build_arc()
            .unwrap();
        let ctx = SessionContext::new_with_config_rt(Default::default(), runtime);
        let df = ctx.sql("SELECT v, v * 2 AS w FROM generate_series(1, 2000000) AS t(v)").await.unwrap();
        let err = collect_df(df, &RunOptions::default()).await.unwrap_err();
        assert!(err.to_string().starts_with("Query exhausted resources"), "{err}");
        // A result that fits is unaffected.
        let df = ctx.sql("SELECT v FROM generate_series(1, 1000) AS t(v)").await.unwrap();
        assert_eq!(
            collect_df(df, &RunOptions::default()).await.unwrap().iter().map(RecordBatch::num_rows).sum::<usize>(),
            1000
        );
    }

    #[tokio::test]
    async fn a_cancelled_query_stops_with_cancelled() {
        let ctx = SessionContext::new();
        let df = ctx.sql("SELECT * FROM generate_series(1, 20000) AS t(v)").await.unwrap();
        let plan = df.create_physical_plan().await.unwrap();
        let opts = RunOptions { cancel: Some(Arc::new(AtomicBool::new(true))), ..RunOptions::default() };
        let err = collect_yielding(plan, ctx.task_ctx(), &opts).await.unwrap_err();
        assert!(matches!(err, Error::Cancelled), "{err}");
    }

    /// Counts what the engine tells it; sets `cancel` after `stop_after` batches.
    #[derive(Debug, Default)]
    struct Counting {
        planned: AtomicUsize,
        batches: AtomicUsize,
        stop_after: usize,
        cancel: Arc<AtomicBool>,
    }

    impl crate::QueryObserver for Counting {
        fn planned(&self) {
            self.planned.fetch_add(1, Ordering::SeqCst);
        }
        fn batch_done(&self) -> futures::future::BoxFuture<'_, ()> {
            if self.batches.fetch_add(1, Ordering::SeqCst) + 1 >= self.stop_after {
                self.cancel.store(true, Ordering::SeqCst);
            }
            Box::pin(async {})
        }
    }

    #[tokio::test]
    async fn the_observer_hears_planning_and_each_batch_and_can_stop_the_query() {
        let ctx = SessionContext::new();
        let observer = Arc::new(Counting { stop_after: 2, ..Counting::default() });
        let opts = RunOptions {
            cancel: Some(Arc::clone(&observer.cancel)),
            observer: Some(observer.clone()),
            ..RunOptions::default()
        };
        let df = ctx.sql("SELECT * FROM generate_series(1, 50000) AS t(v)").await.unwrap();
        let err = collect_df(df, &opts).await.unwrap_err();
        assert!(matches!(err, Error::Cancelled), "{err}");
        assert_eq!(observer.planned.load(Ordering::SeqCst), 1);
        assert_eq!(observer.batches.load(Ordering::SeqCst), 2, "stopped right after the batch that set the flag");
    }
}
