//! StopQueryExecution, and the recovery of executions a closed tab left `QUEUED` or `RUNNING`.

use futures::TryStreamExt;
use object_store::ObjectStoreExt;

use crate::{
    executions::{in_progress_path, in_progress_root, load, save, QueryExecution},
    running::HEARTBEAT_GRACE,
    start::CANCELLED_BY_USER,
    Athena, Result,
};

/// The reason of an execution whose tab closed while it ran.
pub const INTERRUPTED: &str = "The query was interrupted: the browser tab running it was closed before it finished";

/// Whether an execution in progress shows no sign of life (its tab is gone).
fn abandoned(execution: &QueryExecution) -> bool {
    execution.heartbeat.is_none_or(|h| chrono::Utc::now() - h >= HEARTBEAT_GRACE)
}

impl Athena {
    /// StopQueryExecution. An execution running in this tab is cancelled at its next record
    /// batch or storage read and ends `CANCELLED`; one running in another tab gets a stop request
    /// in its record, which that tab reads at its next heartbeat; one whose tab is gone ends
    /// `CANCELLED` at once. Like Athena, stopping a completed execution succeeds and changes
    /// nothing. Returns the execution as it is now.
    pub async fn stop_query_execution(&self, id: &str) -> Result<QueryExecution> {
        let mut execution = load(self.store(), id).await?;
        if !execution.in_progress() || self.running.request_stop(id) {
            return Ok(execution);
        }
        if abandoned(&execution) {
            self.end_abandoned(&mut execution, "CANCELLED", CANCELLED_BY_USER, 2).await?;
        } else {
            execution.stop_requested = true;
            save(self.store(), &execution).await?;
        }
        Ok(execution)
    }

    /// StopQueryExecution of the execution started with `token` (the workbench's Cancel, which
    /// has not yet received the execution id). `Ok(None)` when no execution has that token.
    pub async fn stop_by_client_request_token(&self, token: &str) -> Result<Option<QueryExecution>> {
        let id = match self.running.by_token(token) {
            Some(id) => id,
            None => match self.token_execution_id(token).await? {
                Some(id) => id,
                None => return Ok(None),
            },
        };
        self.stop_query_execution(&id).await.map(Some)
    }

    /// When the lake opens, this tab runs no query: an execution left `QUEUED` or `RUNNING` (found
    /// by its in-progress marker) whose heartbeat is older than [`HEARTBEAT_GRACE`] ends `FAILED`
    /// (`CANCELLED` if a stop was requested); one with a recent heartbeat is left to the tab
    /// running it. Returns the ids of the executions ended.
    pub async fn recover_executions(&self) -> Result<Vec<String>> {
        let markers: Vec<_> = self.store().list(Some(&in_progress_root())).try_collect().await?;
        let mut recovered = Vec::new();
        for marker in markers {
            let Some(id) = marker.location.filename().map(String::from) else { continue };
            if self.running.contains(&id) {
                continue;
            }
            let execution = match load(self.store(), &id).await {
                Ok(e) => Some(e),
                Err(crate::Error::NotFound(_)) => None,
                Err(e) => return Err(e),
            };
            // A marker left by an execution that completed (its tab closed just after) goes.
            let Some(mut execution) = execution.filter(QueryExecution::in_progress) else {
                self.store().delete(&marker.location).await?;
                continue;
            };
            if !abandoned(&execution) {
                continue;
            }
            if execution.stop_requested {
                self.end_abandoned(&mut execution, "CANCELLED", CANCELLED_BY_USER, 2).await?;
            } else {
                self.end_abandoned(&mut execution, "FAILED", INTERRUPTED, 1).await?;
            }
            recovered.push(id);
        }
        Ok(recovered)
    }

    /// Ends an execution nobody runs any more in `state`.
    async fn end_abandoned(
        &self,
        execution: &mut QueryExecution,
        state: &str,
        reason: &str,
        error_category: u8,
    ) -> Result<()> {
        execution.state = state.into();
        execution.state_change_reason = Some(reason.into());
        execution.error_category = Some(error_category);
        execution.error_type = Some(if error_category == 1 { 100 } else { 1000 });
        execution.completed = Some(chrono::Utc::now());
        execution.heartbeat = None;
        execution.stop_requested = false;
        save(self.store(), execution).await?;
        self.store().delete(&in_progress_path(&execution.id)).await?;
        Ok(())
    }
}
