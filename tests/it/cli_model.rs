//! Every operation Puddle implements, run through `aws ...` lines against a whole lake: each
//! answer is checked against the operation's output shape in the AWS model (keys, types, enum
//! values, no `null`s). Members Puddle adds on purpose are named `Puddle...`.

use std::{collections::BTreeSet, sync::Arc};

use puddle_cli::model::Model;
use puddle_lake::Lake;
use serde_json::Value;

struct Walk {
    lake: Lake,
    covered: BTreeSet<(String, String)>,
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.iter().any(has_null),
        Value::Object(o) => o.values().any(has_null),
        _ => false,
    }
}

impl Walk {
    fn operation(line: &str) -> (String, String) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let model = Model::get();
        let service = model.service(words[1]).unwrap_or_else(|| panic!("{line}"));
        let (name, _) = service.operation_by_cli(words[2]).unwrap_or_else(|| panic!("{line}"));
        (words[1].to_string(), name.to_string())
    }

    /// Runs a line that must succeed; checks its output against the model and returns it.
    async fn ok(&mut self, line: &str) -> Value {
        // Boxed: the walk's one long future would not fit a test thread's stack in debug builds.
        let out = Box::pin(self.lake.exec(line)).await;
        assert_eq!(out.exit_code, 0, "{line}\n{}", out.stderr);
        let value: Value = if out.stdout.is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{line}: {e}\n{}", out.stdout))
        };
        assert!(!has_null(&value), "{line}: null in {value}");
        let (service, op) = Self::operation(line);
        let model = Model::get();
        let svc = model.service(&service).unwrap();
        if let Some(shape) = svc.operations[&op].output.as_deref() {
            // Length and range constraints bind inputs: real outputs break them (Kinesis answers
            // `"EnhancedMonitoring": [{"ShardLevelMetrics": []}]` and `"FailedRecordCount": 0`
            // where the shapes say min 1). Types, enums and members are checked.
            let errors: Vec<String> = puddle_cli::validate(svc, shape, &value)
                .into_iter()
                .filter(|e| !e.contains("\"Puddle") && !e.starts_with("Invalid length") && !e.contains(", valid m"))
                .collect();
            assert!(errors.is_empty(), "{line}: the output does not match {shape}:\n{}\n{value:#}", errors.join("\n"));
        }
        self.covered.insert((service, op));
        value
    }

    /// Runs a line whose only possible answer here is a service error (exit 254).
    async fn refused(&mut self, line: &str, code: &str) {
        let out = Box::pin(self.lake.exec(line)).await;
        assert_eq!(out.exit_code, 254, "{line}\n{}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(&format!("({code})")), "{line}: {}", out.stderr);
        self.covered.insert(Self::operation(line));
    }
}

#[tokio::test]
async fn every_implemented_operation_answers_its_output_shape() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    let mut w = Walk { lake, covered: BTreeSet::new() };
    let b = "walk-bucket-1";
    // S3
    w.ok(&format!("aws s3api create-bucket --bucket {b}")).await;
    w.ok("aws s3api list-buckets").await;
    w.ok(&format!("aws s3api head-bucket --bucket {b}")).await;
    w.ok(&format!("aws s3api put-bucket-versioning --bucket {b} --versioning-configuration Status=Enabled")).await;
    w.ok(&format!("aws s3api get-bucket-versioning --bucket {b}")).await;
    w.ok(&format!("aws s3api put-object --bucket {b} --key sales/sales.csv --body sales.csv --metadata owner=me"))
        .await;
    w.ok(&format!("aws s3api put-object --bucket {b} --key cold.csv --body sales.csv --storage-class GLACIER")).await;
    w.ok(&format!("aws s3api head-object --bucket {b} --key sales/sales.csv")).await;
    w.ok(&format!("aws s3api get-object --bucket {b} --key sales/sales.csv --range bytes=0-9 out.csv")).await;
    w.ok(&format!("aws s3api copy-object --bucket {b} --key copy.csv --copy-source {b}/sales/sales.csv")).await;
    w.ok(&format!("aws s3api list-objects-v2 --bucket {b} --prefix sales/ --delimiter /")).await;
    w.ok(&format!("aws s3api list-object-versions --bucket {b}")).await;
    w.ok(&format!("aws s3api restore-object --bucket {b} --key cold.csv --restore-request Days=1")).await;
    w.ok(&format!(
        r#"aws s3api put-bucket-lifecycle-configuration --bucket {b} --lifecycle-configuration '{{"Rules":[{{"ID":"old","Status":"Enabled","Filter":{{"Prefix":"logs/"}},"Expiration":{{"Days":30}}}}]}}'"#
    ))
    .await;
    w.ok(&format!("aws s3api get-bucket-lifecycle-configuration --bucket {b}")).await;
    w.ok(&format!("aws s3api delete-bucket-lifecycle --bucket {b}")).await;
    w.ok(&format!("aws s3api delete-object --bucket {b} --key copy.csv")).await;
    w.ok("aws s3api create-bucket --bucket walk-empty-2").await;
    w.ok("aws s3api delete-bucket --bucket walk-empty-2").await;

    // Glue Data Catalog
    w.ok(r#"aws glue create-database --database-input '{"Name":"walk_db"}'"#).await;
    w.ok("aws glue get-databases").await;
    w.ok("aws glue get-database --name walk_db").await;
    let table = format!(
        r#"{{"Name":"sales","StorageDescriptor":{{"Columns":[{{"Name":"id","Type":"bigint"}},{{"Name":"region","Type":"string"}}],"Location":"s3://{b}/sales/"}},"PartitionKeys":[{{"Name":"year","Type":"string"}}],"Parameters":{{"classification":"csv"}}}}"#
    );
    w.ok(&format!("aws glue create-table --database-name walk_db --table-input '{table}'")).await;
    w.ok("aws glue get-tables --database-name walk_db").await;
    w.ok("aws glue get-table --database-name walk_db --name sales").await;
    w.ok(&format!("aws glue update-table --database-name walk_db --table-input '{table}'")).await;
    // The end-to-end test's round trip: a TableInput made of GetTable's answer.
    let got = w.ok("aws glue get-table --database-name walk_db --name sales").await["Table"].clone();
    let mut sd = got["StorageDescriptor"].clone();
    sd["Columns"].as_array_mut().unwrap().push(serde_json::json!({"Name": "note", "Type": "string"}));
    let again = serde_json::json!({"Name": got["Name"], "StorageDescriptor": sd, "PartitionKeys": got["PartitionKeys"],
        "Parameters": got["Parameters"], "TableType": got["TableType"]});
    w.ok(&format!("aws glue update-table --database-name walk_db --table-input '{again}'")).await;
    w.ok("aws glue get-table-versions --database-name walk_db --table-name sales").await;
    w.ok("aws glue get-table-version --database-name walk_db --table-name sales --version-id 1").await;
    w.ok(r#"aws glue batch-create-partition --database-name walk_db --table-name sales --partition-input-list '[{"Values":["2025"]}]'"#).await;
    w.ok("aws glue get-partitions --database-name walk_db --table-name sales").await;
    w.ok("aws glue delete-partition --database-name walk_db --table-name sales --partition-values 2025").await;
    w.ok(r#"aws glue create-classifier --csv-classifier Name=walk_csv,Delimiter=;,ContainsHeader=PRESENT"#).await;
    w.ok(r#"aws glue update-classifier --csv-classifier Name=walk_csv,Delimiter=|"#).await;
    w.ok("aws glue get-classifier --name walk_csv").await;
    w.ok("aws glue get-classifiers").await;
    w.ok(&format!(
        "aws glue create-crawler --name walk --role r --database-name walk_db --targets S3Targets=[{{Path=s3://{b}/sales/}}] --classifiers walk_csv"
    ))
    .await;
    w.ok("aws glue start-crawler --name walk").await;
    w.ok("aws glue get-crawler --name walk").await;
    w.ok("aws glue get-crawlers").await;
    w.ok("aws glue get-crawler-metrics --crawler-name-list walk").await;
    w.refused("aws glue stop-crawler --name walk", "CrawlerNotRunningException").await;
    w.ok("aws glue update-crawler-schedule --crawler-name walk --schedule 'cron(0 3 * * ? *)'").await;
    w.ok("aws glue start-crawler-schedule --crawler-name walk").await;
    w.ok("aws glue stop-crawler-schedule --crawler-name walk").await;
    w.ok("aws glue delete-crawler --name walk").await;
    w.ok("aws glue delete-classifier --name walk_csv").await;

    // Glue jobs and triggers
    w.lake.put_object(b, "scripts/job.py", "print(1)\n".into(), None).await.unwrap();
    w.ok(&format!(
        "aws glue create-job --name walk-job --role r --command Name=glueetl,ScriptLocation=s3://{b}/scripts/job.py"
    ))
    .await;
    w.ok("aws glue get-job --job-name walk-job").await;
    w.ok("aws glue get-jobs").await;
    w.ok(&format!(
        r#"aws glue update-job --job-name walk-job --job-update '{{"Role":"r","Command":{{"ScriptLocation":"s3://{b}/scripts/job.py"}},"Timeout":30}}'"#
    ))
    .await;
    let run = w.ok("aws glue start-job-run --job-name walk-job").await;
    let run_id = run["JobRunId"].as_str().unwrap().to_string();
    w.ok(&format!("aws glue get-job-run --job-name walk-job --run-id {run_id}")).await;
    w.ok("aws glue get-job-runs --job-name walk-job").await;
    w.ok(&format!("aws glue batch-stop-job-run --job-name walk-job --job-run-ids {run_id}")).await;
    w.ok("aws glue get-job-bookmark --job-name walk-job").await;
    w.ok("aws glue reset-job-bookmark --job-name walk-job").await;
    w.ok("aws glue create-trigger --name walk-trigger --type ON_DEMAND --actions JobName=walk-job").await;
    w.ok("aws glue get-trigger --name walk-trigger").await;
    w.ok("aws glue get-triggers").await;
    w.ok("aws glue start-trigger --name walk-trigger").await;
    w.ok("aws glue create-trigger --name walk-nightly --type SCHEDULED --schedule 'cron(0 1 * * ? *)' --actions JobName=walk-job --start-on-creation").await;
    w.ok("aws glue stop-trigger --name walk-nightly").await;
    w.ok("aws glue delete-trigger --name walk-nightly").await;
    w.ok("aws glue delete-job --job-name walk-job").await;
    w.ok("aws glue delete-table --database-name walk_db --name sales").await;
    w.ok("aws glue delete-database --name walk_db").await;

    // Athena
    w.ok(&format!(
        "aws athena create-work-group --name walk --description d --configuration ResultConfiguration={{OutputLocation=s3://{b}/athena/}},BytesScannedCutoffPerQuery=10000000"
    ))
    .await;
    w.ok("aws athena get-work-group --work-group walk").await;
    w.ok("aws athena list-work-groups").await;
    let q = w.ok("aws athena start-query-execution --query-string 'SELECT 1 AS one' --work-group walk").await;
    let qid = q["QueryExecutionId"].as_str().unwrap().to_string();
    w.ok(&format!("aws athena get-query-execution --query-execution-id {qid}")).await;
    w.ok(&format!("aws athena get-query-results --query-execution-id {qid}")).await;
    w.ok("aws athena list-query-executions --work-group walk").await;
    w.ok(&format!("aws athena stop-query-execution --query-execution-id {qid}")).await;
    let named = w
        .ok("aws athena create-named-query --name n --database default --query-string 'SELECT 1' --work-group walk")
        .await;
    let nid = named["NamedQueryId"].as_str().unwrap().to_string();
    w.ok(&format!("aws athena get-named-query --named-query-id {nid}")).await;
    w.ok("aws athena list-named-queries --work-group walk").await;
    w.ok(&format!("aws athena delete-named-query --named-query-id {nid}")).await;
    w.ok("aws athena delete-work-group --work-group walk").await;

    // EventBridge
    w.ok(r#"aws events put-rule --name walk --event-pattern '{"source":["aws.s3"]}' --description d"#).await;
    w.ok("aws events put-targets --rule walk --targets Id=1,Arn=arn:aws:glue:us-east-1:123456789012:job/x").await;
    w.ok("aws events list-rules --name-prefix wa").await;
    w.ok("aws events describe-rule --name walk").await;
    w.ok("aws events disable-rule --name walk").await;
    w.ok("aws events enable-rule --name walk").await;
    w.ok("aws events list-targets-by-rule --rule walk").await;
    w.ok("aws events remove-targets --rule walk --ids 1").await;
    w.ok("aws events delete-rule --name walk").await;

    // Kinesis Data Streams
    w.ok("aws kinesis create-stream --stream-name walk --shard-count 2").await;
    w.ok("aws kinesis describe-stream --stream-name walk").await;
    w.ok("aws kinesis describe-stream-summary --stream-name walk").await;
    w.ok("aws kinesis list-streams").await;
    let shards = w.ok("aws kinesis list-shards --stream-name walk").await;
    assert_eq!(shards["Shards"].as_array().unwrap().len(), 2);
    let put = w.ok("aws kinesis put-record --stream-name walk --partition-key k --data aGVsbG8=").await;
    let shard = put["ShardId"].as_str().unwrap().to_string();
    w.ok("aws kinesis put-records --stream-name walk --records PartitionKey=a,Data=eA== PartitionKey=b,Data=eQ==")
        .await;
    let it = w
        .ok(&format!(
            "aws kinesis get-shard-iterator --stream-name walk --shard-id {shard} --shard-iterator-type TRIM_HORIZON"
        ))
        .await;
    let it = it["ShardIterator"].as_str().unwrap().to_string();
    let got = w.ok(&format!("aws kinesis get-records --shard-iterator {it} --limit 10")).await;
    assert_eq!(got["Records"][0]["Data"], "aGVsbG8=");
    w.ok("aws kinesis add-tags-to-stream --stream-name walk --tags team=course").await;
    w.ok("aws kinesis list-tags-for-stream --stream-name walk").await;
    w.ok("aws kinesis remove-tags-from-stream --stream-name walk --tag-keys team").await;
    w.ok("aws kinesis increase-stream-retention-period --stream-name walk --retention-period-hours 48").await;
    w.ok("aws kinesis decrease-stream-retention-period --stream-name walk --retention-period-hours 24").await;
    w.ok(
        "aws kinesis split-shard --stream-name walk --shard-to-split shardId-000000000000 --new-starting-hash-key 1000",
    )
    .await;
    w.ok("aws kinesis merge-shards --stream-name walk --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003")
        .await;
    w.ok("aws kinesis update-shard-count --stream-name walk --target-shard-count 4 --scaling-type UNIFORM_SCALING")
        .await;
    w.refused("aws kinesis describe-stream --stream-name nope", "ResourceNotFoundException").await;

    // Firehose
    w.ok("aws s3api create-bucket --bucket walk-firehose").await;
    w.ok("aws firehose create-delivery-stream --delivery-stream-name walk \
          --extended-s3-destination-configuration BucketARN=arn:aws:s3:::walk-firehose,RoleARN=arn:aws:iam::123456789012:role/R")
        .await;
    let described = w.ok("aws firehose describe-delivery-stream --delivery-stream-name walk").await;
    let version = described["DeliveryStreamDescription"]["VersionId"].as_str().unwrap().to_string();
    w.ok("aws firehose list-delivery-streams").await;
    w.ok(&format!(
        "aws firehose update-destination --delivery-stream-name walk --current-delivery-stream-version-id {version} \
         --destination-id destinationId-000000000001 --extended-s3-destination-update Prefix=walked/"
    ))
    .await;
    w.ok("aws firehose put-record --delivery-stream-name walk --record Data=aGVsbG8=").await;
    w.ok("aws firehose put-record-batch --delivery-stream-name walk --records Data=eA== Data=eQ==").await;
    w.ok("aws firehose tag-delivery-stream --delivery-stream-name walk --tags Key=team,Value=course").await;
    w.ok("aws firehose list-tags-for-delivery-stream --delivery-stream-name walk").await;
    w.ok("aws firehose delete-delivery-stream --delivery-stream-name walk").await;
    w.ok("aws kinesis delete-stream --stream-name walk").await;

    let model = Model::get();
    let missing: Vec<String> = model
        .services
        .iter()
        .flat_map(|(s, svc)| {
            svc.operations.iter().filter(|(_, o)| o.implemented).map(move |(n, _)| (s.clone(), n.clone()))
        })
        .filter(|k| !w.covered.contains(k))
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    assert!(missing.is_empty(), "operations not walked: {missing:?}");
}

/// `--query` and `--output` through the lake; expected texts written out by awscli 1.46.3's
/// own formatters (table.py, text.py) and ruamel.yaml for the same data.
#[tokio::test]
async fn query_and_output_formats_as_the_cli_prints_them() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    for b in ["a-bucket-1", "b-bucket-2"] {
        assert_eq!(lake.exec(&format!("aws s3api create-bucket --bucket {b}")).await.exit_code, 0);
    }
    // The query editor's results bucket may be listed too; select ours.
    let names = "--query \"Buckets[?contains(Name, '-bucket-')].Name\"";
    assert_eq!(list(&lake, names).await, "[\n    \"a-bucket-1\",\n    \"b-bucket-2\"\n]\n");
    assert_eq!(list(&lake, &format!("{names} --output text")).await, "a-bucket-1\tb-bucket-2\n");
    assert_eq!(list(&lake, &format!("{names} --output yaml")).await, "- a-bucket-1\n- b-bucket-2\n");
    assert_eq!(
        list(&lake, &format!("{names} --output table")).await,
        "----------------\n|  ListBuckets |\n+--------------+\n|  a-bucket-1  |\n|  b-bucket-2  |\n+--------------+\n"
    );
    assert_eq!(
        list(&lake, "--query Owner --output table").await,
        "----------------------------------------\n\
         |              ListBuckets             |\n\
         +--------------+-----------------------+\n\
         |  DisplayName |          ID           |\n\
         +--------------+-----------------------+\n\
         |  puddle      |  puddle-123456789012  |\n\
         +--------------+-----------------------+\n"
    );
    assert_eq!(list(&lake, "--query Owner --output text").await, "puddle\tpuddle-123456789012\n");
    // Timestamps are printed as the CLI prints them.
    let created = list(&lake, "--query Buckets[0].CreationDate --output text").await;
    assert!(created.trim_end().ends_with("+00:00"), "{created}");
}

async fn list(lake: &Lake, args: &str) -> String {
    let out = lake.exec(&format!("aws s3api list-buckets {args}")).await;
    assert_eq!(out.exit_code, 0, "{args}: {}", out.stderr);
    out.stdout
}
