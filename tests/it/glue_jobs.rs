//! Glue job bookmarks and triggers through the CLI (#6).

use std::{collections::BTreeMap, sync::Arc};

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

/// A Glue Studio-style script: sources with transformation_ctx, job.init/commit.
const BOOKMARKED: &str = r#"import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
S3bucket_node1 = glueContext.create_dynamic_frame.from_catalog(database="sales_db", table_name="raw_sales", transformation_ctx="S3bucket_node1")
Filter_node2 = Filter.apply(frame=S3bucket_node1, f=lambda row: (row["amount"] > 100), transformation_ctx="Filter_node2")
S3bucket_node3 = glueContext.write_dynamic_frame.from_options(frame=Filter_node2, connection_type="s3", format="parquet", connection_options={"path": "s3://data-lake-processed-123/sales/", "partitionKeys": []}, transformation_ctx="S3bucket_node3")
job.commit()
"#;

async fn lake_with_sales() -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.local().write("job.py", BOOKMARKED.into()).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 mb s3://data-lake-processed-123",
        "aws s3 mb s3://scripts-123",
        "aws s3 cp job.py s3://scripts-123/job.py",
        "aws s3 cp sales.csv s3://data-lake-raw-123/raw_sales/day1.csv",
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
    ] {
        ok(&lake, line).await;
    }
    lake.sql(
        "CREATE EXTERNAL TABLE sales_db.raw_sales (id BIGINT, region VARCHAR, product VARCHAR, amount DOUBLE, ts VARCHAR) \
         STORED AS CSV LOCATION 's3://data-lake-raw-123/raw_sales/' OPTIONS ('format.has_header' 'true')",
        None,
    )
    .await
    .unwrap();
    lake
}

async fn run(lake: &Lake, extra: &str) -> Value {
    let id = json(&ok(lake, &format!("aws glue start-job-run --job-name Nightly {extra}")).await)["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    json(&ok(lake, &format!("aws glue get-job-run --job-name Nightly --run-id {id}")).await)["JobRun"].clone()
}

async fn processed_rows(lake: &Lake) -> usize {
    let rows = lake.sql("SELECT COUNT(*) FROM sales_db.raw_sales", None).await.unwrap().rows[0][0].as_u64().unwrap();
    rows as usize
}

#[tokio::test]
async fn bookmarks_read_only_new_objects() {
    let lake = lake_with_sales().await;
    ok(&lake, "aws glue create-job --name Nightly --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/job.py --default-arguments --job-bookmark-option=job-bookmark-enable").await;
    let job = json(&ok(&lake, "aws glue get-job --job-name Nightly").await);
    assert_eq!(job["Job"]["DefaultArguments"]["--job-bookmark-option"], "job-bookmark-enable");
    let day1 = puddle_datagen::sales(1000).filter(|r| r.amount > 100.0).count() as u64;
    assert_eq!(processed_rows(&lake).await, 1000);

    let first = run(&lake, "").await;
    assert_eq!(first["JobRunState"], "SUCCEEDED", "{first}");
    assert_eq!(first["PuddleRowsWritten"], day1);
    let bookmark = json(&ok(&lake, "aws glue get-job-bookmark --job-name Nightly").await);
    assert_eq!(bookmark["JobBookmarkEntry"]["Run"], 1);
    assert_eq!(bookmark["JobBookmarkEntry"]["RunId"], first["Id"]);

    // Nothing new: the run succeeds and writes nothing.
    let idle = run(&lake, "").await;
    assert_eq!(idle["PuddleRowsWritten"], 0, "{idle}");
    assert!(idle["PuddleFilesWritten"].as_array().unwrap().is_empty());

    // A new day's file: only its rows are processed.
    ok(&lake, "aws s3 cp sales-10k.csv s3://data-lake-raw-123/raw_sales/day2.csv").await;
    let day2 = puddle_datagen::sales(10_000).filter(|r| r.amount > 100.0).count() as u64;
    let second = run(&lake, "").await;
    assert_eq!(second["PuddleRowsWritten"], day2, "{second}");
    let log = second["PuddleLog"].to_string();
    assert!(log.contains("1 new object(s), 1 already processed"), "{log}");

    // Pause reads new objects without moving the bookmark; disable reads everything.
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/raw_sales/day3.csv").await;
    let paused = run(&lake, "--arguments --job-bookmark-option=job-bookmark-pause").await;
    assert_eq!(paused["PuddleRowsWritten"], day1);
    let paused_again = run(&lake, "--arguments --job-bookmark-option=job-bookmark-pause").await;
    assert_eq!(paused_again["PuddleRowsWritten"], day1, "pause did not move the bookmark");
    let all = run(&lake, r#"--arguments '{"--job-bookmark-option":"job-bookmark-disable"}'"#).await;
    assert_eq!(all["PuddleRowsWritten"], day1 * 2 + day2);

    // Reset: the next enabled run reads everything again.
    let reset = json(&ok(&lake, "aws glue reset-job-bookmark --job-name Nightly").await);
    assert_eq!(reset["JobBookmarkEntry"]["Run"], 3, "every committed run counts, the idle one too");
    let after_reset = run(&lake, "").await;
    assert_eq!(after_reset["PuddleRowsWritten"], day1 * 2 + day2);

    let bad = lake.exec("aws glue start-job-run --job-name Nightly --arguments --job-bookmark-option=sometimes").await;
    assert_eq!(bad.exit_code, 254);
    assert!(bad.stderr.contains("job-bookmark-enable, job-bookmark-pause or job-bookmark-disable"), "{}", bad.stderr);
}

#[tokio::test]
async fn triggers_fire_on_demand_on_schedule_and_on_conditions() {
    let lake = lake_with_sales().await;
    for line in [
        "aws glue create-job --name Nightly --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/job.py",
        r#"aws glue create-crawler --name ProcessedCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-processed-123/"}]}'"#,
        "aws glue create-trigger --name run-now --type ON_DEMAND --actions JobName=Nightly",
        r#"aws glue create-trigger --name crawl-after-etl --type CONDITIONAL --start-on-creation --predicate '{"Logical":"ANY","Conditions":[{"LogicalOperator":"EQUALS","JobName":"Nightly","State":"SUCCEEDED"}]}' --actions '[{"CrawlerName":"ProcessedCrawler"}]'"#,
    ] {
        ok(&lake, line).await;
    }
    let runs = |lake: Lake| async move {
        json(&ok(&lake, "aws glue get-job-runs --job-name Nightly").await)["JobRuns"].as_array().unwrap().clone()
    };
    ok(&lake, "aws glue start-trigger --name run-now").await;
    let after = runs(lake.clone()).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["TriggerName"], "run-now");
    // The conditional trigger crawled the job's output.
    assert_eq!(lake.catalog().tables(Some("sales_db")).len(), 2, "{:?}", lake.activity());
    let trigger = json(&ok(&lake, "aws glue get-trigger --name crawl-after-etl").await);
    assert_eq!(trigger["Trigger"]["State"], "ACTIVATED");
    assert_eq!(trigger["Trigger"]["Predicate"]["Conditions"][0]["JobName"], "Nightly");

    // A scheduled trigger fires only while activated, on lake time.
    ok(&lake, "aws glue create-trigger --name nightly --type SCHEDULED --schedule 'cron(30 1 * * ? *)' --actions JobName=Nightly").await;
    ok(&lake, "puddle clock advance --days 2").await;
    assert_eq!(runs(lake.clone()).await.len(), 1, "a CREATED trigger does not fire");
    ok(&lake, "aws glue start-trigger --name nightly").await;
    let out = ok(&lake, "puddle clock advance --days 2").await;
    let fired = runs(lake.clone()).await.len();
    assert!((2..=3).contains(&(fired - 1)), "two or three nightly runs in two days: {out}");
    assert!(out.contains("trigger/nightly"), "{out}");
    assert!(out.contains("trigger/crawl-after-etl"), "each nightly run is followed by a crawl: {out}");
    ok(&lake, "aws glue stop-trigger --name nightly").await;
    ok(&lake, "puddle clock advance --days 2").await;
    assert_eq!(runs(lake.clone()).await.len(), fired);
    let listed = json(&ok(&lake, "aws glue get-triggers").await);
    assert_eq!(listed["Triggers"].as_array().unwrap().len(), 3);
    ok(&lake, "aws glue delete-trigger --name nightly").await;

    for (line, code, why) in [
        ("aws glue create-trigger --name e --type EVENT --actions JobName=Nightly", "InvalidInputException", "EventBridge rule"),
        ("aws glue create-trigger --name s --type SCHEDULED --actions JobName=Nightly", "InvalidInputException", "--schedule"),
        ("aws glue create-trigger --name s --type SCHEDULED --schedule 'cron(0 25 * * ? *)' --actions JobName=Nightly", "InvalidInputException", "outside 0-23"),
        ("aws glue create-trigger --name c --type CONDITIONAL --actions JobName=Nightly", "InvalidInputException", "--predicate"),
        ("aws glue create-trigger --name x --type ON_DEMAND --actions JobName=Nope", "EntityNotFoundException", "Nope"),
        ("aws glue create-trigger --name run-now --type ON_DEMAND --actions JobName=Nightly", "AlreadyExistsException", "run-now"),
        ("aws glue get-trigger --name nightly", "EntityNotFoundException", "nightly"),
        ("aws glue stop-trigger --name run-now", "InvalidInputException", "ON_DEMAND"),
    ] {
        let out = lake.exec(line).await;
        assert_eq!(out.exit_code, 254, "{line}");
        assert!(out.stderr.contains(&format!("({code})")) && out.stderr.contains(why), "{line}: {}", out.stderr);
    }
    let stop = json(
        &ok(
            &lake,
            &format!(
                "aws glue batch-stop-job-run --job-name Nightly --job-run-ids {}",
                runs(lake.clone()).await[0]["Id"].as_str().unwrap()
            ),
        )
        .await,
    );
    assert!(stop["Errors"][0]["ErrorDetail"]["ErrorMessage"].as_str().unwrap().contains("SUCCEEDED state"));
}

#[tokio::test]
async fn update_job_replaces_the_definition() {
    let lake = lake_with_sales().await;
    ok(&lake, "aws glue create-job --name Nightly --role GlueRole --command Name=glueetl,ScriptLocation=s3://scripts-123/job.py --timeout 60 --execution-property MaxConcurrentRuns=2").await;
    let job = json(&ok(&lake, "aws glue get-job --job-name Nightly").await);
    assert_eq!(
        (job["Job"]["Timeout"].as_u64(), job["Job"]["ExecutionProperty"]["MaxConcurrentRuns"].as_u64()),
        (Some(60), Some(2))
    );
    ok(&lake, r#"aws glue update-job --job-name Nightly --job-update '{"Role":"NewRole","Command":{"Name":"glueetl","ScriptLocation":"s3://scripts-123/job.py"},"DefaultArguments":{"--job-bookmark-option":"job-bookmark-enable"}}'"#).await;
    let job = json(&ok(&lake, "aws glue get-job --job-name Nightly").await);
    assert_eq!(job["Job"]["Role"], "NewRole");
    assert_eq!(job["Job"]["Timeout"], 2880, "JobUpdate replaces: the timeout is back to the default");
    let missing = lake
        .exec(r#"aws glue update-job --job-name Nope --job-update '{"Command":{"ScriptLocation":"s3://x/y.py"}}'"#)
        .await;
    assert!(missing.stderr.contains("EntityNotFoundException"), "{}", missing.stderr);
    assert_eq!(processed_rows(&lake).await, 1000);
}

#[tokio::test]
async fn every_visual_editor_node_makes_a_script_the_engine_runs() {
    use puddle_api::{
        visual_job::{script, Node, NodeKind},
        Request, Response,
    };
    let lake = lake_with_sales().await;
    // A file with gaps: `note` is empty everywhere, `amount` in two rows.
    lake.local().write("gappy.csv", "id,note,amount\n1,,10\n2,,\n3,,14\n4,,\n".into()).await.unwrap();
    ok(&lake, "aws s3 cp gappy.csv s3://data-lake-raw-123/gappy/gappy.csv").await;
    let node = |id: &str, kind, inputs: &[&str], params: &[(&str, &str)]| {
        let mut n = Node::new(id.into(), kind, inputs.iter().map(|s| s.to_string()).collect());
        for (k, v) in params {
            n.params.insert(k.to_string(), v.to_string());
        }
        n
    };
    let dag = vec![
        node("node1", NodeKind::CatalogSource, &[], &[("table", "raw_sales")]),
        node("node2", NodeKind::Filter, &["node1"], &[("column", "region"), ("op", "!="), ("value", "NT")]),
        node("node3", NodeKind::ChangeSchema, &["node2"], &[("columns", "id:long, region:string, amount:double")]),
        node("node4", NodeKind::S3Source, &[], &[("path", "s3://data-lake-raw-123/raw_sales/")]),
        node("node5", NodeKind::SelectFields, &["node4"], &[("columns", "id, product")]),
        node("node6", NodeKind::RenameField, &["node5"], &[("old", "id"), ("new", "sale_id")]),
        node("node7", NodeKind::Join, &["node3", "node6"], &[("keys1", "id"), ("keys2", "sale_id")]),
        node("node8", NodeKind::DropFields, &["node7"], &[("columns", "sale_id")]),
        node("node9", NodeKind::Union, &["node8", "node8"], &[]),
        node("node10", NodeKind::DropDuplicates, &["node9"], &[]),
        node(
            "node11",
            NodeKind::Aggregate,
            &["node10"],
            &[("group_by", "region"), ("aggregations", "count(*), sum(amount)")],
        ),
        node(
            "node12",
            NodeKind::SqlQuery,
            &["node11"],
            &[("sql", "SELECT region, count FROM myDataSource WHERE count > 0")],
        ),
        node("node13", NodeKind::S3Target, &["node12"], &[("path", "s3://data-lake-processed-123/visual/")]),
        node("node14", NodeKind::S3Source, &[], &[("path", "s3://data-lake-raw-123/gappy/")]),
        node("node15", NodeKind::DropNullFields, &["node14"], &[("empty_string", "true"), ("minus_one", "true")]),
        node("node16", NodeKind::FillMissingValues, &["node15"], &[("column", "amount")]),
        node("node17", NodeKind::S3Target, &["node16"], &[("path", "s3://data-lake-processed-123/gappy/")]),
    ];
    assert!(NodeKind::ALL.iter().all(|k| dag.iter().any(|n| n.kind == *k)), "every node kind is in the DAG");
    let text = script(&dag).unwrap();
    let mut previews = BTreeMap::new();
    for n in dag.iter().filter(|n| n.kind != NodeKind::S3Target) {
        let res = lake.handle(Request::PreviewScriptFrame { script: text.clone(), frame: n.id.clone(), rows: 5 }).await;
        let Response::Query(q) = res else { panic!("{}: {res:?}\n{text}", n.id) };
        assert!(!q.rows.is_empty(), "{} previews rows", n.id);
        previews.insert(n.id.clone(), q);
    }
    // The previews show the resolved schemas: the all-null column gone, the filled column there.
    assert_eq!(previews["node14"].columns, ["id", "note", "amount"]);
    assert_eq!(previews["node15"].columns, ["id", "amount"]);
    assert_eq!(previews["node16"].columns, ["id", "amount", "amount_filled"]);
    let filled: Vec<&Value> = previews["node16"].rows.iter().map(|r| &r[2]).collect();
    assert_eq!(filled, [&Value::from(10), &Value::from(12), &Value::from(14), &Value::from(12)]);
    lake.local().write("visual.py", text.clone().into()).await.unwrap();
    ok(&lake, "aws s3 cp visual.py s3://scripts-123/visual.py").await;
    ok(&lake, "aws glue create-job --name Visual --role r --command ScriptLocation=s3://scripts-123/visual.py").await;
    let id =
        json(&ok(&lake, "aws glue start-job-run --job-name Visual").await)["JobRunId"].as_str().unwrap().to_string();
    let run =
        json(&ok(&lake, &format!("aws glue get-job-run --job-name Visual --run-id {id}")).await)["JobRun"].clone();
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}\n{text}");
    let mut expected = BTreeMap::new();
    for r in puddle_datagen::sales(1000).filter(|r| r.region != "NT") {
        *expected.entry(r.region.to_string()).or_insert(0u64) += 1;
    }
    lake.sql(
        "CREATE EXTERNAL TABLE sales_db.visual STORED AS PARQUET LOCATION 's3://data-lake-processed-123/visual/'",
        None,
    )
    .await
    .unwrap();
    let rows = lake.sql("SELECT region, count FROM sales_db.visual", None).await.unwrap().rows;
    let got: BTreeMap<String, u64> =
        rows.iter().map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap())).collect();
    assert_eq!(got, expected);
    lake.sql(
        "CREATE EXTERNAL TABLE sales_db.gappy STORED AS PARQUET LOCATION 's3://data-lake-processed-123/gappy/'",
        None,
    )
    .await
    .unwrap();
    let gappy = lake.sql("SELECT * FROM sales_db.gappy ORDER BY id", None).await.unwrap();
    assert_eq!(gappy.columns, ["id", "amount", "amount_filled"]);
    let filled: Vec<&Value> = gappy.rows.iter().map(|r| &r[2]).collect();
    assert_eq!(filled, [&Value::from(10), &Value::from(12), &Value::from(14), &Value::from(12)]);
}
