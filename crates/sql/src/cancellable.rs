//! Lets a stop reach a query that computes without reading storage (`range(...)`, a cross join of
//! small tables): every leaf of the physical plan pauses after a record batch once it has worked
//! [`YIELD_EVERY`] without a pause ([`puddle_events::yield_now`], so the worker answers a
//! StopQueryExecution in between), and ends the query at the first batch after its cancel flag
//! is set.
//!
//! Without it a CPU-bound aggregation holds the worker until it has consumed all its input: the
//! cancel checks between output batches (`collect`) and before object reads (`CountingStore`)
//! are never reached.

use std::{
    fmt,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use datafusion::{
    common::{
        config::ConfigOptions,
        tree_node::{Transformed, TreeNode, TreeNodeRecursion},
    },
    error::{DataFusionError, Result},
    execution::TaskContext,
    physical_expr::PhysicalExpr,
    physical_optimizer::PhysicalOptimizerRule,
    physical_plan::{
        stream::RecordBatchStreamAdapter, DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties,
        SendableRecordBatchStream,
    },
};
use futures::StreamExt;

use crate::CANCELLED_MESSAGE;

/// How long a leaf works before it pauses: short enough for a stop to be answered at once, long
/// enough that the pauses cost nothing measurable.
const YIELD_EVERY: std::time::Duration = std::time::Duration::from_millis(16);

/// The rule (appended last to the physical optimizer rules of a session with a cancel flag).
#[derive(Debug)]
pub(crate) struct CancellableLeaves {
    pub(crate) cancel: Arc<AtomicBool>,
}

impl PhysicalOptimizerRule for CancellableLeaves {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(plan
            .transform_up(|node| {
                if node.children().is_empty() {
                    let wrapped: Arc<dyn ExecutionPlan> =
                        Arc::new(CancellableExec { input: node, cancel: Arc::clone(&self.cancel) });
                    return Ok(Transformed::yes(wrapped));
                }
                Ok(Transformed::no(node))
            })?
            .data)
    }

    fn name(&self) -> &str {
        "puddle_cancellable_leaves"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// Its input, unchanged, with a pause after every batch and an error once cancelled.
#[derive(Debug)]
pub(crate) struct CancellableExec {
    input: Arc<dyn ExecutionPlan>,
    cancel: Arc<AtomicBool>,
}

impl DisplayAs for CancellableExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CancellableExec")
    }
}

impl ExecutionPlan for CancellableExec {
    fn name(&self) -> &str {
        "CancellableExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    #[allow(deprecated)]
    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        match children.pop() {
            Some(input) if children.is_empty() => Ok(Arc::new(Self { input, cancel: Arc::clone(&self.cancel) })),
            _ => Err(DataFusionError::Internal("CancellableExec has one child".into())),
        }
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let schema = self.input.schema();
        let cancel = Arc::clone(&self.cancel);
        if cancel.load(Ordering::SeqCst) {
            return Err(DataFusionError::Execution(CANCELLED_MESSAGE.into()));
        }
        let last_pause = Arc::new(std::sync::Mutex::new(web_time::Instant::now()));
        let stream = self.input.execute(partition, context)?.then(move |batch| {
            let (cancel, last_pause) = (Arc::clone(&cancel), Arc::clone(&last_pause));
            async move {
                let due = {
                    let mut last = last_pause.lock().unwrap_or_else(|e| e.into_inner());
                    let due = last.elapsed() >= YIELD_EVERY;
                    if due {
                        *last = web_time::Instant::now();
                    }
                    due
                };
                if due {
                    puddle_events::yield_now().await;
                }
                if cancel.load(Ordering::SeqCst) {
                    return Err(DataFusionError::Execution(CANCELLED_MESSAGE.into()));
                }
                batch
            }
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, stream.boxed())))
    }
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;

    use super::*;
    use crate::{Error, RunOptions, SqlEngine};

    /// A stop reaches an aggregation that reads no storage and yields no batch until the end.
    #[tokio::test]
    async fn a_cpu_bound_query_yields_and_stops_when_cancelled() {
        let store: Arc<dyn object_store::ObjectStore> = Arc::new(InMemory::new());
        let catalog = Arc::new(puddle_catalog::Catalog::load(Arc::clone(&store)).await.unwrap());
        let engine = SqlEngine::new(store, catalog);
        let cancel = Arc::new(AtomicBool::new(false));
        let opts = RunOptions { cancel: Some(Arc::clone(&cancel)), ..RunOptions::default() };
        let query = engine.run_with("SELECT SUM(value % 7) AS s FROM range(1000000000)", None, &opts);
        let stop = async {
            // The query pauses after each batch of its leaf: the stop gets in.
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            cancel.store(true, Ordering::SeqCst);
        };
        let (outcome, ()) = futures::join!(query, stop);
        assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");

        // Without a cancel flag the plan is unchanged and the query runs.
        let res = engine.run("SELECT SUM(value % 7) AS s FROM range(10)", None).await.unwrap();
        assert_eq!(res.rows, vec![vec![serde_json::json!(24)]], "0..=9 mod 7");
        let explained = engine.run("EXPLAIN SELECT 1", None).await.unwrap();
        assert!(!format!("{:?}", explained.rows).contains("CancellableExec"));
    }
}
