//! Athena beyond single queries, through `Lake`: Hive DDL, views and CTAS that survive a
//! reload, workgroups with a data usage limit, named queries (#5).

use std::sync::Arc;

use object_store::ObjectStore;
use puddle_lake::Lake;
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

async fn ok(lake: &Lake, line: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

#[tokio::test]
async fn ddl_views_and_ctas_survive_a_reload() {
    let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    ok(&lake, "aws s3 mb s3://curated-123").await;
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/sales_data/year=2025/sales.csv").await;
    for sql in [
        "CREATE DATABASE sales_db",
        "CREATE EXTERNAL TABLE sales_db.sales_data (id bigint, region string, product string, amount double, ts timestamp) \
         PARTITIONED BY (year string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' \
         LOCATION 's3://data-lake-raw-123/sales_data/' TBLPROPERTIES ('skip.header.line.count'='1')",
        "MSCK REPAIR TABLE sales_db.sales_data",
        "CREATE VIEW sales_db.nsw_sales AS SELECT id, amount FROM sales_data WHERE region = 'NSW'",
        "CREATE TABLE sales_db.by_region WITH (format = 'PARQUET', external_location = 's3://curated-123/by_region/', \
         partitioned_by = ARRAY['region']) AS SELECT product, amount, region FROM sales_data",
    ] {
        lake.sql(sql, Some("sales_db")).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }
    let ls = ok(&lake, "aws s3 ls s3://curated-123/by_region/").await;
    assert!(ls.contains("PRE region=NSW/"), "{ls}");

    let reopened = Lake::open(store).await.unwrap();
    let count = |sql: &'static str| {
        let lake = &reopened;
        async move { lake.sql(sql, Some("sales_db")).await.unwrap().rows[0][0].clone() }
    };
    let nsw = count("SELECT COUNT(*) FROM sales_data WHERE region = 'NSW' AND year = '2025'").await;
    assert!(nsw.as_i64().unwrap() > 0);
    assert_eq!(count("SELECT COUNT(*) FROM nsw_sales").await, nsw, "the view is back after a reload");
    assert_eq!(count("SELECT COUNT(*) FROM by_region WHERE region = 'NSW'").await, nsw, "so is the CTAS table");
    let parts = reopened.sql("SHOW PARTITIONS sales_data", Some("sales_db")).await.unwrap();
    assert_eq!(parts.rows, vec![vec![Value::from("year=2025")]]);
    let tables = reopened.sql("SHOW TABLES", Some("sales_db")).await.unwrap();
    let names: Vec<_> = tables.rows.iter().map(|r| r[0].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["by_region", "nsw_sales", "sales_data"]);
    // The Glue API sees the same catalog: the view is a VIRTUAL_VIEW table.
    let view = json(&ok(&reopened, "aws glue get-table --database-name sales_db --name nsw_sales").await);
    assert_eq!(view["Table"]["TableType"], "VIRTUAL_VIEW");
    assert_eq!(view["Table"]["ViewOriginalText"], "SELECT id, amount FROM sales_data WHERE region = 'NSW'");
}

#[tokio::test]
async fn workgroups_and_named_queries_through_the_cli() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    ok(&lake, "aws s3 mb s3://team-results-123").await;
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/sales_data/sales.csv").await;
    lake.sql("CREATE EXTERNAL TABLE sales_data STORED AS CSV LOCATION 's3://data-lake-raw-123/sales_data/'", None)
        .await
        .unwrap();
    let created = ok(
        &lake,
        "aws athena create-work-group --name team --description 'course team' --configuration ResultConfiguration={OutputLocation=s3://team-results-123/q/},BytesScannedCutoffPerQuery=10000000",
    )
    .await;
    assert_eq!(created, "", "CreateWorkGroup prints nothing");
    let again = lake.exec("aws athena create-work-group --name team").await;
    assert_eq!(again.exit_code, 254);
    assert!(again.stderr.contains("(InvalidRequestException) when calling the CreateWorkGroup operation"));

    let wg = json(&ok(&lake, "aws athena get-work-group --work-group team").await);
    assert_eq!(wg["WorkGroup"]["Configuration"]["ResultConfiguration"]["OutputLocation"], "s3://team-results-123/q/");
    assert_eq!(wg["WorkGroup"]["Configuration"]["BytesScannedCutoffPerQuery"], 10_000_000);
    let list = json(&ok(&lake, "aws athena list-work-groups").await);
    let names: Vec<_> = list["WorkGroups"].as_array().unwrap().iter().map(|g| g["Name"].clone()).collect();
    assert_eq!(names, ["primary", "team"]);

    let start = ok(&lake, "aws athena start-query-execution --query-string 'SELECT region, COUNT(*) AS n FROM sales_data GROUP BY region' --work-group team").await;
    let id = json(&start)["QueryExecutionId"].as_str().unwrap().to_string();
    let e = json(&ok(&lake, &format!("aws athena get-query-execution --query-execution-id {id}")).await);
    assert_eq!(e["QueryExecution"]["WorkGroup"], "team");
    assert_eq!(
        e["QueryExecution"]["ResultConfiguration"]["OutputLocation"],
        format!("s3://team-results-123/q/{id}.csv")
    );
    assert_eq!(ok(&lake, &format!("aws athena stop-query-execution --query-execution-id {id}")).await, "");
    let stopped = json(&ok(&lake, &format!("aws athena get-query-execution --query-execution-id {id}")).await);
    assert_eq!(stopped["QueryExecution"]["Status"]["State"], "SUCCEEDED", "a finished query stays finished");
    assert_eq!(lake.exec("aws athena stop-query-execution --query-execution-id nope").await.exit_code, 254);
    let team = json(&ok(&lake, "aws athena list-query-executions --work-group team").await);
    assert_eq!(team["QueryExecutionIds"], serde_json::json!([id]));
    let primary = json(&ok(&lake, "aws athena list-query-executions").await);
    assert_eq!(primary["QueryExecutionIds"].as_array().unwrap().len(), 0);
    let missing = lake.exec("aws athena start-query-execution --query-string 'SELECT 1' --work-group nope").await;
    assert!(missing.stderr.contains("WorkGroup nope is not found"), "{}", missing.stderr);

    let saved = ok(&lake, "aws athena create-named-query --name 'lab query' --database default --query-string 'SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region' --work-group team").await;
    let qid = json(&saved)["NamedQueryId"].as_str().unwrap().to_string();
    let q = json(&ok(&lake, &format!("aws athena get-named-query --named-query-id {qid}")).await);
    assert_eq!(q["NamedQuery"]["Name"], "lab query");
    assert_eq!(q["NamedQuery"]["WorkGroup"], "team");
    let listed = json(&ok(&lake, "aws athena list-named-queries --work-group team").await);
    assert_eq!(listed["NamedQueryIds"], serde_json::json!([qid]));
    assert_eq!(json(&ok(&lake, "aws athena list-named-queries").await)["NamedQueryIds"], serde_json::json!([]));
    ok(&lake, &format!("aws athena delete-named-query --named-query-id {qid}")).await;
    assert_eq!(lake.exec(&format!("aws athena get-named-query --named-query-id {qid}")).await.exit_code, 254);
}

#[tokio::test]
async fn workgroups_and_saved_queries_through_requests() {
    use puddle_api::{NamedQuerySummary, Request, Response, WorkGroupSummary};
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    for copy in ["a", "b", "c"] {
        // 3 x 4.4 MB: over the 10 MB cap.
        ok(&lake, &format!("aws s3 cp sales-100k.csv s3://data-lake-raw-123/big/{copy}.csv")).await;
    }
    lake.sql("CREATE EXTERNAL TABLE big STORED AS CSV LOCATION 's3://data-lake-raw-123/big/'", None).await.unwrap();

    let group = WorkGroupSummary {
        name: "capped".into(),
        description: "10 MB per query".into(),
        output_location: None,
        bytes_scanned_cutoff_per_query: Some(10_000_000),
    };
    let Response::WorkGroups(groups) = lake.handle(Request::CreateWorkGroup(group.clone())).await else { panic!() };
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["capped", "primary"]);
    assert_eq!(groups[0], group);
    let Response::Error(dup) = lake.handle(Request::CreateWorkGroup(group)).await else { panic!() };
    assert_eq!(dup.code, "InvalidRequestException");

    let run = |workgroup: &str| Request::StartQueryExecutionInWorkGroup {
        query: "SELECT COUNT(*) FROM big".into(),
        database: None,
        workgroup: Some(workgroup.into()),
        client_request_token: None,
    };
    let Response::QueryExecution { execution, result } = lake.handle(run("capped")).await else { panic!() };
    if execution.bytes_scanned > 10_000_000 {
        assert_eq!(execution.state, "CANCELLED");
        assert_eq!(
            execution.state_change_reason.as_deref(),
            Some("Query cancelled! : Bytes scanned limit was exceeded")
        );
        assert!(result.is_none());
    } else {
        assert_eq!(execution.state, "SUCCEEDED", "a query under the limit runs");
    }
    let Response::QueryExecution { execution: full, .. } = lake.handle(run("primary")).await else { panic!() };
    assert_eq!(full.state, "SUCCEEDED");
    assert!(full.bytes_scanned > 10_000_000, "sales-100k.csv is over the cap: {}", full.bytes_scanned);
    let Response::QueryExecutions(history) =
        lake.handle(Request::ListQueryExecutionsInWorkGroup { workgroup: Some("capped".into()) }).await
    else {
        panic!()
    };
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].state, "CANCELLED");

    // The workbench's Cancel names its run by ClientRequestToken. A completed run stays as it is;
    // an unknown token is an error (the page then falls back to restarting the worker).
    let token = "puddle-workbench-0000000000000abc-run-0000000007";
    let by_token = Request::StartQueryExecutionInWorkGroup {
        query: "SELECT 1 AS one".into(),
        database: None,
        workgroup: None,
        client_request_token: Some(token.into()),
    };
    let Response::QueryExecution { execution: done, .. } = lake.handle(by_token).await else { panic!() };
    let stop = |token: &str| Request::StopQueryExecution {
        query_execution_id: None,
        client_request_token: Some(token.into()),
    };
    let Response::QueryExecutions(stopped) = lake.handle(stop(token)).await else { panic!() };
    assert_eq!((stopped[0].id.as_str(), stopped[0].state.as_str()), (done.id.as_str(), "SUCCEEDED"));
    let Response::Error(unknown) = lake.handle(stop("puddle-workbench-0000000000000abc-run-0000000008")).await else {
        panic!()
    };
    assert_eq!(unknown.code, "InvalidRequestException");

    let saved = NamedQuerySummary {
        id: String::new(),
        name: "count".into(),
        description: String::new(),
        database: "default".into(),
        query_string: "SELECT COUNT(*) FROM big".into(),
        workgroup: Some("capped".into()),
    };
    let Response::NamedQueries(created) = lake.handle(Request::CreateNamedQuery(saved)).await else { panic!() };
    let Response::NamedQueries(listed) =
        lake.handle(Request::ListNamedQueries { workgroup: Some("capped".into()) }).await
    else {
        panic!()
    };
    assert_eq!(listed, created);
    assert_eq!(lake.handle(Request::DeleteNamedQuery { id: created[0].id.clone() }).await, Response::Ok);
    let Response::NamedQueries(empty) =
        lake.handle(Request::ListNamedQueries { workgroup: Some("capped".into()) }).await
    else {
        panic!()
    };
    assert!(empty.is_empty());
}

/// Issue 12: a query a closed tab left RUNNING ends FAILED when the lake next opens; the CLI
/// sees the states and measured statistics of executions, and stop-query-execution of a
/// finished one changes nothing.
#[tokio::test]
async fn a_query_left_running_by_a_closed_tab_fails_when_the_lake_opens() {
    let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
    let lake = Lake::open(Arc::clone(&store)).await.unwrap();
    let started = json(&ok(&lake, "aws athena start-query-execution --query-string 'SELECT 1 AS one'").await);
    let id = started["QueryExecutionId"].as_str().unwrap().to_string();
    let done = json(&ok(&lake, &format!("aws athena get-query-execution --query-execution-id {id}")).await);
    let stats = &done["QueryExecution"]["Statistics"];
    for key in [
        "EngineExecutionTimeInMillis",
        "TotalExecutionTimeInMillis",
        "QueryQueueTimeInMillis",
        "QueryPlanningTimeInMillis",
    ] {
        assert!(stats[key].is_u64(), "{key} in {stats}");
    }
    ok(&lake, &format!("aws athena stop-query-execution --query-execution-id {id}")).await;
    let still = json(&ok(&lake, &format!("aws athena get-query-execution --query-execution-id {id}")).await);
    assert_eq!(still["QueryExecution"]["Status"]["State"], "SUCCEEDED");

    // The record and marker a tab writes while the query runs, as a tab closed 10 minutes ago
    // left them.
    let record = object_store::path::Path::from(format!("_meta/athena/executions/{id}.json"));
    let mut running: Value = serde_json::from_slice(
        &object_store::ObjectStoreExt::get(&*store, &record).await.unwrap().bytes().await.unwrap(),
    )
    .unwrap();
    running["state"] = "RUNNING".into();
    running["completed"] = Value::Null;
    running["heartbeat"] = (chrono::Utc::now() - chrono::TimeDelta::minutes(10)).to_rfc3339().into();
    let put = |path: object_store::path::Path, body: Vec<u8>| {
        let store = Arc::clone(&store);
        async move { object_store::ObjectStoreExt::put(&*store, &path, body.into()).await.unwrap() }
    };
    put(record, serde_json::to_vec(&running).unwrap()).await;
    put(object_store::path::Path::from(format!("_meta/athena/executions-in-progress/{id}")), Vec::new()).await;

    let reopened = Lake::open(Arc::clone(&store)).await.unwrap();
    let failed = json(&ok(&reopened, &format!("aws athena get-query-execution --query-execution-id {id}")).await);
    let status = &failed["QueryExecution"]["Status"];
    assert_eq!(status["State"], "FAILED", "{status}");
    assert!(status["StateChangeReason"].as_str().unwrap().contains("tab running it was closed"), "{status}");
    assert_eq!(status["AthenaError"]["ErrorCategory"], 1);
}
