//! `aws athena ...`: query executions, printed as the AWS CLI prints them.

use puddle_api::ExecOutput;
use puddle_athena::QueryExecution;
use puddle_cli::Athena;
use serde_json::{json, Value};

use crate::{
    exec::{json_output, service_failure},
    Lake,
};

/// Runs one Athena operation.
pub(crate) async fn run(lake: &Lake, op: Athena) -> ExecOutput {
    let athena = lake.athena();
    let (operation, result) = match op {
        Athena::StartQueryExecution { query, database, output_location, workgroup } => (
            "StartQueryExecution",
            athena
                .start_query_execution(&query, database.as_deref(), output_location.as_deref(), workgroup.as_deref())
                .await
                .map(|e| json!({ "QueryExecutionId": e.id })),
        ),
        Athena::GetQueryExecution { id } => (
            "GetQueryExecution",
            athena.get_query_execution(&id).await.map(|e| json!({ "QueryExecution": execution_json(&e) })),
        ),
        Athena::GetQueryResults { id } => (
            "GetQueryResults",
            athena.get_query_results(&id).await.map(|(e, r)| {
                let cell = |v: &Value| match v {
                    Value::Null => json!({}),
                    Value::String(s) => json!({ "VarCharValue": s }),
                    other => json!({ "VarCharValue": other.to_string() }),
                };
                let mut rows =
                    vec![json!({ "Data": r.columns.iter().map(|c| json!({ "VarCharValue": c })).collect::<Vec<_>>() })];
                if e.statement_type == "DDL" {
                    rows.clear();
                }
                rows.extend(r.rows.iter().map(|row| json!({ "Data": row.iter().map(cell).collect::<Vec<_>>() })));
                let info: Vec<Value> = r
                    .columns
                    .iter()
                    .zip(&r.column_types)
                    .map(|(c, t)| json!({
                        "CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": c, "Label": c,
                        "Type": t, "Precision": 0, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": t == "varchar",
                    }))
                    .collect();
                json!({ "UpdateCount": 0, "ResultSet": { "Rows": rows, "ResultSetMetadata": { "ColumnInfo": info } } })
            }),
        ),
        Athena::ListQueryExecutions { workgroup } => (
            "ListQueryExecutions",
            athena
                .list_query_executions(workgroup.as_deref())
                .await
                .map(|list| json!({ "QueryExecutionIds": list.iter().map(|e| e.id.clone()).collect::<Vec<_>>() })),
        ),
    };
    match result {
        Ok(v) => json_output(Some(&v)),
        Err(e) => service_failure(operation, e.code(), &e.to_string()),
    }
}

/// A QueryExecution as GetQueryExecution prints it.
fn execution_json(e: &QueryExecution) -> Value {
    let mut status = json!({
        "State": e.state,
        "SubmissionDateTime": e.submitted.to_rfc3339(),
        "CompletionDateTime": e.completed.to_rfc3339(),
    });
    if let Some(reason) = &e.state_change_reason {
        status["StateChangeReason"] = json!(reason);
        status["AthenaError"] = json!({ "ErrorCategory": e.error_category.unwrap_or(2), "ErrorType": 1006, "Retryable": false, "ErrorMessage": reason });
    }
    let total_ms = (e.completed - e.submitted).num_milliseconds().max(0);
    json!({
        "QueryExecutionId": e.id,
        "Query": e.query,
        "StatementType": e.statement_type,
        "ResultConfiguration": { "OutputLocation": e.output_location },
        "QueryExecutionContext": { "Database": e.database, "Catalog": "awsdatacatalog" },
        "Status": status,
        "Statistics": {
            "EngineExecutionTimeInMillis": e.engine_ms.round() as u64,
            "DataScannedInBytes": e.bytes_scanned,
            "TotalExecutionTimeInMillis": total_ms,
            "QueryQueueTimeInMillis": 0,
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": 0,
            "ServiceProcessingTimeInMillis": 0,
        },
        "WorkGroup": e.workgroup,
        "EngineVersion": { "SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Puddle (Apache DataFusion)" },
    })
}
