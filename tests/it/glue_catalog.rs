//! `aws glue` catalog operations: tables from `TableInput`, versions, partitions (#4).

use std::sync::Arc;

use puddle_lake::Lake;
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

async fn ok(lake: &Lake, line: &str) -> Value {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    if out.stdout.trim().is_empty() {
        Value::Null
    } else {
        json(&out.stdout)
    }
}

async fn fails(lake: &Lake, line: &str, code: &str) {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 254, "{line}: {}", out.stdout);
    assert!(out.stderr.contains(&format!("({code})")), "{line}: {}", out.stderr);
}

const TABLE: &str = r#"{"Name":"sales","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"},{"Name":"region","Type":"string"},{"Name":"product","Type":"string"},{"Name":"amount","Type":"string"},{"Name":"ts","Type":"string"}],"Location":"s3://lake-3/sales/","SerdeInfo":{"SerializationLibrary":"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe","Parameters":{"field.delim":","}}},"PartitionKeys":[{"Name":"year","Type":"string"}],"Parameters":{"classification":"csv","skip.header.line.count":"1"}}"#;

#[tokio::test]
async fn tables_versions_and_partitions_by_hand() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://lake-3").await;
    for (year, rows) in [("2024", 300u64), ("2025", 100)] {
        lake.generate_sales("lake-3", &format!("sales/year={year}/a.csv"), rows, puddle_api::DataFormat::Csv)
            .await
            .unwrap();
    }
    ok(&lake, r#"aws glue create-database --database-input '{"Name":"db"}'"#).await;
    let create = format!("aws glue create-table --database-name db --table-input '{TABLE}'");
    ok(&lake, &create).await;
    fails(&lake, &create, "AlreadyExistsException").await;
    fails(&lake, &create.replace("--database-name db", "--database-name nodb"), "EntityNotFoundException").await;

    let added = ok(
        &lake,
        r#"aws glue batch-create-partition --database-name db --table-name sales --partition-input-list '[{"Values":["2024"]},{"Values":["2025"],"StorageDescriptor":{"Location":"s3://lake-3/sales/year=2025/"}},{"Values":["2024"]}]'"#,
    )
    .await;
    assert_eq!(added["Errors"].as_array().unwrap().len(), 1);
    assert_eq!(added["Errors"][0]["ErrorDetail"]["ErrorCode"], "AlreadyExistsException");
    let all = ok(&lake, "aws glue get-partitions --database-name db --table-name sales").await;
    assert_eq!(all["Partitions"].as_array().unwrap().len(), 2);
    assert_eq!(all["Partitions"][0]["StorageDescriptor"]["Location"], "s3://lake-3/sales/year=2024/");
    let some =
        ok(&lake, r#"aws glue get-partitions --database-name db --table-name sales --expression "year > '2024'""#)
            .await;
    assert_eq!(some["Partitions"][0]["Values"], serde_json::json!(["2025"]));
    assert_eq!(some["Partitions"].as_array().unwrap().len(), 1);
    fails(
        &lake,
        r#"aws glue get-partitions --database-name db --table-name sales --expression "region = 'x'""#,
        "InvalidInputException",
    )
    .await;

    // SQL reads the registered partitions; a deleted partition is no longer read.
    let count = |lake: &Lake| {
        let lake = lake.clone();
        async move { lake.sql("SELECT COUNT(*) FROM sales", Some("db")).await.unwrap().rows[0][0].clone() }
    };
    assert_eq!(count(&lake).await, Value::from(400));
    ok(&lake, "aws glue delete-partition --database-name db --table-name sales --partition-values 2024").await;
    fails(
        &lake,
        "aws glue delete-partition --database-name db --table-name sales --partition-values 2024",
        "EntityNotFoundException",
    )
    .await;
    assert_eq!(count(&lake).await, Value::from(100));

    // UpdateTable keeps the previous definition as a version.
    let updated = TABLE.replace(r#"{"Name":"amount","Type":"string"}"#, r#"{"Name":"amount","Type":"double"}"#);
    ok(&lake, &format!("aws glue update-table --database-name db --table-input '{updated}'")).await;
    let table = ok(&lake, "aws glue get-table --database-name db --name sales").await;
    assert_eq!(table["Table"]["VersionId"], "2");
    assert_eq!(table["Table"]["StorageDescriptor"]["Columns"][3]["Type"], "double");
    let versions = ok(&lake, "aws glue get-table-versions --database-name db --table-name sales").await;
    let ids: Vec<&str> =
        versions["TableVersions"].as_array().unwrap().iter().map(|v| v["VersionId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2", "1"]);
    let first = ok(&lake, "aws glue get-table-version --database-name db --table-name sales --version-id 1").await;
    assert_eq!(first["TableVersion"]["VersionId"], "1");
    assert_eq!(first["TableVersion"]["Table"]["StorageDescriptor"]["Columns"][3]["Type"], "string");
    fails(
        &lake,
        "aws glue get-table-version --database-name db --table-name sales --version-id 7",
        "EntityNotFoundException",
    )
    .await;
    assert_eq!(count(&lake).await, Value::from(100), "partitions survive UpdateTable");
    fails(
        &lake,
        &format!("aws glue update-table --database-name db --table-input '{}'", TABLE.replace("\"sales\"", "\"nope\"")),
        "EntityNotFoundException",
    )
    .await;

    ok(&lake, "aws glue delete-table --database-name db --name sales").await;
    fails(&lake, "aws glue get-table-versions --database-name db --table-name sales", "EntityNotFoundException").await;
    ok(&lake, "aws glue delete-database --name db").await;
    fails(&lake, "aws glue get-database --name db", "EntityNotFoundException").await;
}

#[tokio::test]
async fn crawler_updates_are_table_versions() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://lake-4").await;
    lake.generate_sales("lake-4", "t/a.csv", 10, puddle_api::DataFormat::Csv).await.unwrap();
    ok(
        &lake,
        r#"aws glue create-crawler --name c --role r --database-name db --targets S3Targets=[{Path=s3://lake-4/t/}]"#,
    )
    .await;
    ok(&lake, "aws glue start-crawler --name c").await;
    let wider = b"id,region,product,amount,ts,note\n1,NSW,x,2.5,2025-01-01 00:00:00,hi\n".to_vec();
    lake.put_object("lake-4", "t/c.csv", wider.into(), None).await.unwrap();
    ok(&lake, "aws glue start-crawler --name c").await;
    let versions = ok(&lake, "aws glue get-table-versions --database-name db --table-name t").await;
    let list = versions["TableVersions"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{versions}");
    assert_eq!(list[0]["Table"]["StorageDescriptor"]["Columns"][5]["Name"], "note");
    assert_eq!(list[1]["Table"]["StorageDescriptor"]["Columns"].as_array().unwrap().len(), 5);
}
