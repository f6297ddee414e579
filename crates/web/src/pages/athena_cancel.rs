//! The workbench's Cancel, in plain Rust (tested natively): the run's ClientRequestToken, and
//! whether the engine must be restarted after the cooperative stop was tried.
//!
//! Cancel first sends StopQueryExecution for the run's token: the worker answers it between the
//! query's record batches and storage reads, and the query ends `CANCELLED` with the engine (and
//! an in-memory lake) intact. Only when the worker does not answer in time (a query busy inside
//! one batch) or cannot find the query does the page fall back to restarting the worker.

use puddle_api::{ApiError, Response};

/// How long Cancel waits for the worker to answer the stop before restarting it.
pub const STOP_ANSWER_WAIT_MS: i32 = 2_000;

/// The ClientRequestToken of run `run` of the page whose nonce is `page_nonce`: unique per page
/// load and run, and within Athena's 32 to 128 characters.
pub fn client_request_token(page_nonce: &str, run: u32) -> String {
    let nonce: String = page_nonce.chars().filter(char::is_ascii_alphanumeric).take(64).collect();
    format!("puddle-workbench-{nonce:0>16}-run-{run:010}")
}

/// Whether an execution ended `CANCELLED` because it was stopped (not by its data usage limit,
/// whose reason the page shows).
pub fn is_user_cancel(state_change_reason: Option<&str>) -> bool {
    state_change_reason == Some(puddle_api::QUERY_CANCELLED_BY_USER)
}

/// Whether the page must restart the worker after its stop request got `answer` (`None`: no
/// answer in time).
pub fn needs_restart(answer: Option<&Result<Response, ApiError>>) -> bool {
    !matches!(answer, Some(Ok(Response::QueryExecutions(_))))
}

#[cfg(test)]
mod tests {
    use puddle_api::QueryExecutionSummary;

    use super::*;

    #[test]
    fn tokens_are_athena_sized_and_differ_per_run_and_page() {
        for nonce in ["", "18c0f3a2b4", "a/b c€", &"x".repeat(500)] {
            let t = client_request_token(nonce, 7);
            assert!((32..=128).contains(&t.chars().count()), "{t}");
            assert!(t.chars().all(|c| c.is_ascii_graphic() && c != '/'), "{t}");
        }
        assert_ne!(client_request_token("18c0f3a2b4", 1), client_request_token("18c0f3a2b4", 2));
        assert_ne!(client_request_token("18c0f3a2b4", 1), client_request_token("18c0f3a2b5", 1));
    }

    #[test]
    fn the_worker_is_restarted_only_when_the_stop_did_not_reach_the_query() {
        let execution = QueryExecutionSummary {
            id: "q".into(),
            query: "SELECT 1".into(),
            database: "default".into(),
            state: "RUNNING".into(),
            state_change_reason: None,
            submitted: String::new(),
            engine_ms: 0.0,
            bytes_scanned: 0,
            cost_usd: 0.0,
            output_location: String::new(),
        };
        assert!(!needs_restart(Some(&Ok(Response::QueryExecutions(vec![execution])))));
        assert!(needs_restart(None), "no answer in time");
        let not_found = ApiError::new("InvalidRequestException", "No query execution was started with it");
        assert!(needs_restart(Some(&Err(not_found))));
        assert!(needs_restart(Some(&Ok(Response::Ok))));
    }

    #[test]
    fn only_a_stop_reads_as_cancelled() {
        assert!(is_user_cancel(Some("Query cancelled by user")));
        assert!(!is_user_cancel(Some("Query cancelled! : Bytes scanned limit was exceeded")));
        assert!(!is_user_cancel(None));
    }
}
