//! Keeps physical plans free of spawned tasks, which wasm32 cannot run.
//!
//! With `target_partitions = 1` every table scan is one partition, but a `UNION ALL` (a user's,
//! or a projected / relocated-partition table's) has one partition per input, and DataFusion
//! merges partitions with `CoalescePartitionsExec`, which spawns one tokio task per partition.
//! [`SequentialCoalesce`] replaces it (and makes the root one partition) with
//! [`ConcatPartitionsExec`], which reads the partitions one after another on the caller's task.

use std::{fmt, sync::Arc};

use datafusion::{
    common::{
        config::ConfigOptions,
        tree_node::{Transformed, TreeNode, TreeNodeRecursion},
    },
    error::Result,
    execution::TaskContext,
    physical_expr::PhysicalExpr,
    physical_optimizer::PhysicalOptimizerRule,
    physical_plan::{
        coalesce_partitions::CoalescePartitionsExec, limit::GlobalLimitExec, stream::RecordBatchStreamAdapter,
        DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning, PlanProperties,
        SendableRecordBatchStream,
    },
};
use futures::{StreamExt, TryStreamExt};

/// The rule (appended to DataFusion's physical optimizer rules).
#[derive(Debug, Default)]
pub(crate) struct SequentialCoalesce;

fn concat(input: Arc<dyn ExecutionPlan>, fetch: Option<usize>) -> Arc<dyn ExecutionPlan> {
    let concat: Arc<dyn ExecutionPlan> = Arc::new(ConcatPartitionsExec::new(input));
    match fetch {
        Some(n) => Arc::new(GlobalLimitExec::new(concat, 0, Some(n))),
        None => concat,
    }
}

impl PhysicalOptimizerRule for SequentialCoalesce {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = plan
            .transform_up(|node| {
                if let Some(coalesce) = node.downcast_ref::<CoalescePartitionsExec>() {
                    if coalesce.input().output_partitioning().partition_count() > 1 {
                        return Ok(Transformed::yes(concat(Arc::clone(coalesce.input()), coalesce.fetch())));
                    }
                }
                Ok(Transformed::no(node))
            })?
            .data;
        // `collect` would coalesce a multi-partition root itself (spawning): do it here instead.
        Ok(if plan.output_partitioning().partition_count() > 1 { concat(plan, None) } else { plan })
    }

    fn name(&self) -> &str {
        "puddle_sequential_coalesce"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// One partition: the input's partitions, read in order, without spawning.
#[derive(Debug)]
pub(crate) struct ConcatPartitionsExec {
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl ConcatPartitionsExec {
    fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        let mut eq = input.equivalence_properties().clone();
        eq.clear_orderings();
        eq.clear_per_partition_constants();
        let properties = PlanProperties::new(
            eq,
            Partitioning::UnknownPartitioning(1),
            input.pipeline_behavior(),
            input.boundedness(),
        );
        Self { input, properties: Arc::new(properties) }
    }
}

impl DisplayAs for ConcatPartitionsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "ConcatPartitionsExec")
    }
}

impl ExecutionPlan for ConcatPartitionsExec {
    fn name(&self) -> &str {
        "ConcatPartitionsExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
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
            Some(child) if children.is_empty() => Ok(Arc::new(Self::new(child))),
            _ => Err(datafusion::error::DataFusionError::Internal("ConcatPartitionsExec has one child".into())),
        }
    }

    fn execute(&self, _partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let input = Arc::clone(&self.input);
        let count = input.output_partitioning().partition_count();
        let schema = input.schema();
        let stream = futures::stream::iter(0..count).map(move |p| input.execute(p, Arc::clone(&context))).try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, stream.boxed())))
    }
}
