//! `aws athena ...`: query executions, printed as the AWS CLI prints them.

use puddle_api::ExecOutput;
use puddle_athena::{QueryExecution, WorkGroup};
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
            athena.get_query_results(&id).await.map(|(e, r)| puddle_athena::query_results_json(&e, &r)),
        ),
        Athena::ListQueryExecutions { workgroup } => (
            "ListQueryExecutions",
            athena
                .list_query_executions(workgroup.as_deref())
                .await
                .map(|list| json!({ "QueryExecutionIds": list.iter().map(|e| e.id.clone()).collect::<Vec<_>>() })),
        ),
        Athena::CreateWorkGroup { name, description, output_location, bytes_scanned_cutoff, enforce } => {
            let mut group = WorkGroup::new(name);
            group.description = description.unwrap_or_default();
            group.output_location = output_location;
            group.bytes_scanned_cutoff_per_query = bytes_scanned_cutoff;
            group.enforce_configuration = enforce;
            ("CreateWorkGroup", athena.create_work_group(group).await.map(|_| Value::Null))
        }
        Athena::GetWorkGroup { workgroup } => (
            "GetWorkGroup",
            athena.get_work_group(&workgroup).await.map(|g| json!({ "WorkGroup": work_group_json(&g) })),
        ),
        Athena::ListWorkGroups => (
            "ListWorkGroups",
            athena.list_work_groups().await.map(|groups| {
                let list: Vec<Value> = groups
                    .iter()
                    .map(|g| {
                        json!({
                            "Name": g.name, "State": "ENABLED", "Description": g.description,
                            "CreationTime": g.creation_time.to_rfc3339(), "EngineVersion": engine_version(),
                        })
                    })
                    .collect();
                json!({ "WorkGroups": list })
            }),
        ),
        Athena::DeleteWorkGroup { workgroup } => {
            ("DeleteWorkGroup", athena.delete_work_group(&workgroup).await.map(|_| Value::Null))
        }
        Athena::CreateNamedQuery { name, database, query, description, workgroup } => (
            "CreateNamedQuery",
            athena
                .create_named_query(
                    &name,
                    description.as_deref().unwrap_or_default(),
                    &database,
                    &query,
                    workgroup.as_deref(),
                )
                .await
                .map(|q| json!({ "NamedQueryId": q.id })),
        ),
        Athena::GetNamedQuery { id } => (
            "GetNamedQuery",
            athena.get_named_query(&id).await.map(|q| {
                json!({ "NamedQuery": {
                    "Name": q.name, "Description": q.description, "Database": q.database,
                    "QueryString": q.query_string, "NamedQueryId": q.id, "WorkGroup": q.workgroup,
                } })
            }),
        ),
        Athena::ListNamedQueries { workgroup } => (
            "ListNamedQueries",
            athena
                .list_named_queries(workgroup.as_deref())
                .await
                .map(|list| json!({ "NamedQueryIds": list.iter().map(|q| q.id.clone()).collect::<Vec<_>>() })),
        ),
        Athena::DeleteNamedQuery { id } => {
            ("DeleteNamedQuery", athena.delete_named_query(&id).await.map(|_| Value::Null))
        }
        Athena::StopQueryExecution { id } => {
            ("StopQueryExecution", athena.stop_query_execution(&id).await.map(|_| Value::Null))
        }
    };
    match result {
        Ok(Value::Null) => json_output(None),
        Ok(v) => json_output(Some(&v)),
        Err(e) => service_failure(operation, e.code(), &e.to_string()),
    }
}

/// A QueryExecution as GetQueryExecution prints it.
fn execution_json(e: &QueryExecution) -> Value {
    json!({
        "QueryExecutionId": e.id,
        "Query": e.query,
        "StatementType": e.statement_type,
        "ResultConfiguration": { "OutputLocation": e.output_location },
        "QueryExecutionContext": { "Database": e.database, "Catalog": "awsdatacatalog" },
        "Status": e.status_json(),
        "Statistics": e.statistics_json(),
        "WorkGroup": e.workgroup,
        "EngineVersion": engine_version(),
    })
}

fn engine_version() -> Value {
    json!({ "SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Puddle (Apache DataFusion)" })
}

/// A WorkGroup as GetWorkGroup prints it.
fn work_group_json(g: &WorkGroup) -> Value {
    let mut config = json!({
        "ResultConfiguration": {},
        "EnforceWorkGroupConfiguration": g.enforce_configuration,
        "PublishCloudWatchMetricsEnabled": false,
        "RequesterPaysEnabled": false,
        "EngineVersion": engine_version(),
    });
    if let Some(loc) = &g.output_location {
        config["ResultConfiguration"]["OutputLocation"] = json!(loc);
    }
    if let Some(cutoff) = g.bytes_scanned_cutoff_per_query {
        config["BytesScannedCutoffPerQuery"] = json!(cutoff);
    }
    json!({
        "Name": g.name,
        "State": "ENABLED",
        "Configuration": config,
        "Description": g.description,
        "CreationTime": g.creation_time.to_rfc3339(),
    })
}
