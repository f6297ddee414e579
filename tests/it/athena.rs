//! `aws athena` and Redshift Spectrum statements, verbatim from the course (#5).

use std::sync::Arc;

use puddle_lake::Lake;
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[tokio::test]
async fn query_execution_lifecycle_through_the_cli() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 mb s3://athena-results-123",
        "aws s3 cp sales.csv s3://data-lake-raw-123/sales_data/sales.csv",
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
    ] {
        assert_eq!(lake.exec(line).await.exit_code, 0, "{line}");
    }
    lake.sql(
        "CREATE EXTERNAL TABLE sales_data STORED AS CSV LOCATION 's3://data-lake-raw-123/sales_data/'",
        Some("sales_db"),
    )
    .await
    .unwrap();
    let start = lake
        .exec("aws athena start-query-execution --query-string \"SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region ORDER BY region\" --query-execution-context Database=sales_db --result-configuration OutputLocation=s3://athena-results-123/lab/")
        .await;
    assert_eq!(start.exit_code, 0, "{}", start.stderr);
    let id = json(&start.stdout)["QueryExecutionId"].as_str().unwrap().to_string();

    let exec = json(&lake.exec(&format!("aws athena get-query-execution --query-execution-id {id}")).await.stdout);
    let e = &exec["QueryExecution"];
    assert_eq!(e["Status"]["State"], "SUCCEEDED");
    assert_eq!(e["ResultConfiguration"]["OutputLocation"], format!("s3://athena-results-123/lab/{id}.csv"));
    assert!(e["Statistics"]["DataScannedInBytes"].as_u64().unwrap() > 0);

    let results = json(&lake.exec(&format!("aws athena get-query-results --query-execution-id {id}")).await.stdout);
    let rows = results["ResultSet"]["Rows"].as_array().unwrap();
    assert_eq!(rows[0]["Data"][0]["VarCharValue"], "region");
    assert_eq!(rows.len(), 9, "header + 8 regions");
    assert_eq!(results["ResultSet"]["ResultSetMetadata"]["ColumnInfo"][1]["Type"], "bigint");

    let ls = lake.exec("aws s3 ls s3://athena-results-123/lab/").await.stdout;
    assert!(ls.contains(&format!("{id}.csv")) && ls.contains(&format!("{id}.csv.metadata")), "{ls}");

    let failed = lake.exec("aws athena start-query-execution --query-string 'SELECT nope FROM sales_data' --query-execution-context Database=sales_db").await;
    let failed_id = json(&failed.stdout)["QueryExecutionId"].as_str().unwrap().to_string();
    let failed_exec =
        json(&lake.exec(&format!("aws athena get-query-execution --query-execution-id {failed_id}")).await.stdout);
    assert_eq!(failed_exec["QueryExecution"]["Status"]["State"], "FAILED");
    let no_results = lake.exec(&format!("aws athena get-query-results --query-execution-id {failed_id}")).await;
    assert_eq!(no_results.exit_code, 254);

    let list = json(&lake.exec("aws athena list-query-executions").await.stdout);
    assert_eq!(list["QueryExecutionIds"].as_array().unwrap().len(), 2);
    assert_eq!(list["QueryExecutionIds"][0], failed_id.as_str(), "newest first");
}
