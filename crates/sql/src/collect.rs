//! Runs a plan to the end, pausing between record batches ([`puddle_events::yield_now`]) so the
//! engine answers other requests (a job run's state, a stop) while a long query works.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use datafusion::{
    arrow::array::RecordBatch,
    dataframe::DataFrame,
    execution::{
        memory_pool::{MemoryConsumer, MemoryLimit},
        TaskContext,
    },
    physical_plan::{execute_stream, ExecutionPlan},
};
use futures::StreamExt;

use crate::{Error, Result};

/// Every batch of `plan`, like DataFusion's `collect`, with a pause after each; once `cancel`
/// is set the query stops with [`Error::Cancelled`].
///
/// The collected batches count against the session's memory pool, like the operators' own
/// buffers: a result too big for the tab fails with a clear error instead of killing it.
pub(crate) async fn collect_yielding(
    plan: Arc<dyn ExecutionPlan>,
    task: Arc<TaskContext>,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<RecordBatch>> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::SeqCst));
    let pool = Arc::clone(task.memory_pool());
    let reservation = MemoryConsumer::new("query result").register(&pool);
    let mut stream = execute_stream(plan, task)?;
    let mut batches = Vec::new();
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        if reservation.try_grow(batch.get_array_memory_size()).is_err() {
            let limit = match pool.memory_limit() {
                MemoryLimit::Finite(bytes) => format!("the {} MiB", bytes >> 20),
                _ => "the memory".to_string(),
            };
            return Err(Error::Query(format!(
                "Query exhausted resources: its result needs more than {limit} a query may use in this tab. \
                 Return fewer rows (a WHERE, a LIMIT or an aggregate), or write the result to S3 with \
                 CREATE TABLE AS SELECT"
            )));
        }
        batches.push(batch);
        puddle_events::yield_now().await;
        if cancelled() {
            return Err(Error::Cancelled);
        }
    }
    Ok(batches)
}

/// [`collect_yielding`] of a DataFrame.
pub(crate) async fn collect_df(df: DataFrame) -> Result<Vec<RecordBatch>> {
    let task = Arc::new(df.task_ctx());
    let plan = df.create_physical_plan().await?;
    collect_yielding(plan, task, None).await
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    use super::*;

    #[tokio::test]
    async fn collects_every_batch_of_a_multi_batch_query() {
        let ctx = SessionContext::new();
        let df = ctx.sql("SELECT * FROM generate_series(1, 20000) AS t(v)").await.unwrap();
        let batches = collect_df(df).await.unwrap();
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
        let err = collect_df(df).await.unwrap_err();
        assert!(err.to_string().starts_with("Query exhausted resources"), "{err}");
        // A result that fits is unaffected.
        let df = ctx.sql("SELECT v FROM generate_series(1, 1000) AS t(v)").await.unwrap();
        assert_eq!(collect_df(df).await.unwrap().iter().map(RecordBatch::num_rows).sum::<usize>(), 1000);
    }

    #[tokio::test]
    async fn a_cancelled_query_stops_with_cancelled() {
        let ctx = SessionContext::new();
        let df = ctx.sql("SELECT * FROM generate_series(1, 20000) AS t(v)").await.unwrap();
        let plan = df.create_physical_plan().await.unwrap();
        let cancel = AtomicBool::new(true);
        let err = collect_yielding(plan, ctx.task_ctx(), Some(&cancel)).await.unwrap_err();
        assert!(matches!(err, Error::Cancelled), "{err}");
    }
}
