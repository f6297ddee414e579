//! Athena's operations (`aws athena ...`): typed inputs with Athena's member names, answers
//! as the output structures the AWS CLI prints.

use puddle_api::ApiError;
use puddle_athena::{QueryExecution, WorkGroup};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{errors::api, ops::input, Lake};

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Context {
    database: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ResultConfiguration {
    output_location: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartQueryExecutionInput {
    query_string: String,
    #[serde(default)]
    query_execution_context: Context,
    #[serde(default)]
    result_configuration: ResultConfiguration,
    work_group: Option<String>,
    client_request_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExecutionIdInput {
    query_execution_id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WorkGroupFilter {
    work_group: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WorkGroupInput {
    work_group: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WorkGroupConfiguration {
    #[serde(default)]
    result_configuration: ResultConfiguration,
    bytes_scanned_cutoff_per_query: Option<u64>,
    enforce_work_group_configuration: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateWorkGroupInput {
    name: String,
    description: Option<String>,
    #[serde(default)]
    configuration: WorkGroupConfiguration,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateNamedQueryInput {
    name: String,
    database: String,
    query_string: String,
    description: Option<String>,
    work_group: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NamedQueryIdInput {
    named_query_id: String,
}

/// Runs one Athena operation.
pub(crate) async fn call(lake: &Lake, operation: &str, v: Value) -> Result<Value, ApiError> {
    let athena = lake.athena();
    Ok(match operation {
        "StartQueryExecution" => {
            let i: StartQueryExecutionInput = input(v)?;
            let e = api(athena
                .start(puddle_athena::StartQuery {
                    query: i.query_string,
                    database: i.query_execution_context.database,
                    output_location: i.result_configuration.output_location,
                    workgroup: i.work_group,
                    client_request_token: i.client_request_token,
                })
                .await)?;
            json!({ "QueryExecutionId": e.id })
        }
        "GetQueryExecution" => {
            let e = api(athena.get_query_execution(&input::<ExecutionIdInput>(v)?.query_execution_id).await)?;
            json!({ "QueryExecution": execution_json(&e) })
        }
        "GetQueryResults" => {
            let (e, r) = api(athena.get_query_results(&input::<ExecutionIdInput>(v)?.query_execution_id).await)?;
            puddle_athena::query_results_json(&e, &r)
        }
        "ListQueryExecutions" => {
            let list = api(athena.list_query_executions(input::<WorkGroupFilter>(v)?.work_group.as_deref()).await)?;
            json!({ "QueryExecutionIds": list.iter().map(|e| e.id.clone()).collect::<Vec<_>>() })
        }
        "CreateWorkGroup" => {
            let i: CreateWorkGroupInput = input(v)?;
            let mut group = WorkGroup::new(i.name);
            group.description = i.description.unwrap_or_default();
            group.output_location = i.configuration.result_configuration.output_location;
            group.bytes_scanned_cutoff_per_query = i.configuration.bytes_scanned_cutoff_per_query;
            group.enforce_configuration = i.configuration.enforce_work_group_configuration.unwrap_or(true);
            api(athena.create_work_group(group).await)?;
            json!({})
        }
        "GetWorkGroup" => {
            let g = api(athena.get_work_group(&input::<WorkGroupInput>(v)?.work_group).await)?;
            json!({ "WorkGroup": work_group_json(&g) })
        }
        "ListWorkGroups" => {
            let groups = api(athena.list_work_groups().await)?;
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
        }
        "DeleteWorkGroup" => {
            api(athena.delete_work_group(&input::<WorkGroupInput>(v)?.work_group).await)?;
            json!({})
        }
        "CreateNamedQuery" => {
            let i: CreateNamedQueryInput = input(v)?;
            let q = api(athena
                .create_named_query(
                    &i.name,
                    i.description.as_deref().unwrap_or_default(),
                    &i.database,
                    &i.query_string,
                    i.work_group.as_deref(),
                )
                .await)?;
            json!({ "NamedQueryId": q.id })
        }
        "GetNamedQuery" => {
            let q = api(athena.get_named_query(&input::<NamedQueryIdInput>(v)?.named_query_id).await)?;
            let mut named = json!({
                "Name": q.name, "Database": q.database,
                "QueryString": q.query_string, "NamedQueryId": q.id, "WorkGroup": q.workgroup,
            });
            if !q.description.is_empty() {
                named["Description"] = json!(q.description);
            }
            json!({ "NamedQuery": named })
        }
        "ListNamedQueries" => {
            let list = api(athena.list_named_queries(input::<WorkGroupFilter>(v)?.work_group.as_deref()).await)?;
            json!({ "NamedQueryIds": list.iter().map(|q| q.id.clone()).collect::<Vec<_>>() })
        }
        "DeleteNamedQuery" => {
            api(athena.delete_named_query(&input::<NamedQueryIdInput>(v)?.named_query_id).await)?;
            json!({})
        }
        "StopQueryExecution" => {
            api(athena.stop_query_execution(&input::<ExecutionIdInput>(v)?.query_execution_id).await)?;
            json!({})
        }
        other => return Err(crate::ops::not_dispatched("athena", other)),
    })
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
