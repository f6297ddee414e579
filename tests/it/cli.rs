//! `aws s3 cp|mv|rm` and `aws s3api` against a whole lake (#3).

use std::sync::Arc;

use puddle_lake::Lake;
use serde_json::Value;

async fn lake() -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    assert_eq!(lake.exec("aws s3 mb s3://data-lake-raw-123").await.exit_code, 0);
    lake
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[tokio::test]
async fn cp_sample_to_s3_and_back() {
    let lake = lake().await;
    let out = lake.exec("aws s3 cp sales.csv s3://data-lake-raw-123/sales/").await;
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "upload: ./sales.csv to s3://data-lake-raw-123/sales/sales.csv\n");
    let body = lake.s3().get_object("data-lake-raw-123", "sales/sales.csv").await.unwrap();
    assert_eq!(body, puddle_datagen::sales_csv(1000));

    let out = lake.exec("aws s3 cp s3://data-lake-raw-123/sales/sales.csv ./copy.csv").await;
    assert_eq!(out.stdout, "download: s3://data-lake-raw-123/sales/sales.csv to ./copy.csv\n");
    assert_eq!(lake.local().read("copy.csv").await.unwrap(), body);

    let out = lake.exec("aws s3 cp s3://data-lake-raw-123/sales/ s3://data-lake-raw-123/backup/ --recursive").await;
    assert_eq!(out.stdout, "copy: s3://data-lake-raw-123/sales/sales.csv to s3://data-lake-raw-123/backup/sales.csv\n");
    let out = lake.exec("aws s3 mv s3://data-lake-raw-123/backup/sales.csv s3://data-lake-raw-123/moved.csv").await;
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(lake.s3().get_object("data-lake-raw-123", "backup/sales.csv").await.is_err());
    assert_eq!(lake.s3().get_object("data-lake-raw-123", "moved.csv").await.unwrap(), body);

    let out = lake.exec("aws s3 rm s3://data-lake-raw-123/ --recursive").await;
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert_eq!(lake.exec("aws s3 ls s3://data-lake-raw-123 --recursive").await.stdout, "");
}

#[tokio::test]
async fn transfer_errors_are_reported() {
    let lake = lake().await;
    let out = lake.exec("aws s3 cp missing.csv s3://data-lake-raw-123/").await;
    assert_eq!(out.exit_code, 255);
    assert!(out.stderr.contains("missing.csv does not exist"), "{}", out.stderr);
    let out = lake.exec("aws s3 cp sales.csv s3://no-such-bucket-1/").await;
    assert!(out.stderr.contains("(NoSuchBucket)"), "{}", out.stderr);
    let out = lake.exec("aws s3 cp s3://data-lake-raw-123/nope.csv .").await;
    assert!(out.stderr.contains("(NoSuchKey)"), "{}", out.stderr);
    let out = lake.exec("aws s3 cp s3://data-lake-raw-123/dir/ .").await;
    assert!(out.stderr.contains("--recursive"), "{}", out.stderr);
}

#[tokio::test]
async fn s3api_operations_print_aws_json() {
    let lake = lake().await;
    let out = lake.exec("aws s3api create-bucket --bucket data-lake-processed-123").await;
    assert_eq!(json(&out.stdout)["Location"], "/data-lake-processed-123");
    let buckets = json(&lake.exec("aws s3api list-buckets").await.stdout);
    assert_eq!(buckets["Buckets"].as_array().unwrap().len(), 2);

    let put = lake
        .exec("aws s3api put-object --bucket data-lake-raw-123 --key sales/a.csv --body sales.csv --metadata owner=course")
        .await;
    assert_eq!(put.exit_code, 0, "{}", put.stderr);
    assert!(json(&put.stdout)["ETag"].as_str().unwrap().starts_with('"'));

    let head = json(&lake.exec("aws s3api head-object --bucket data-lake-raw-123 --key sales/a.csv").await.stdout);
    assert_eq!(head["ContentType"], "text/csv");
    assert_eq!(head["Metadata"]["owner"], "course");
    assert_eq!(head["ContentLength"], puddle_datagen::sales_csv(1000).len());

    let get =
        lake.exec("aws s3api get-object --bucket data-lake-raw-123 --key sales/a.csv --range bytes=0-1 head.txt").await;
    assert_eq!(json(&get.stdout)["ContentRange"].as_str().unwrap().split('/').next(), Some("bytes 0-1"));
    assert_eq!(&lake.local().read("head.txt").await.unwrap()[..], b"id");

    let copy = lake
        .exec("aws s3api copy-object --bucket data-lake-processed-123 --key b.csv --copy-source data-lake-raw-123/sales/a.csv")
        .await;
    assert!(json(&copy.stdout)["CopyObjectResult"]["ETag"].is_string(), "{}", copy.stderr);

    for k in ["sales/b.csv", "sales/c.csv", "other/x.csv"] {
        lake.exec(&format!("aws s3api put-object --bucket data-lake-raw-123 --key {k}")).await;
    }
    let all = json(&lake.exec("aws s3api list-objects-v2 --bucket data-lake-raw-123 --delimiter /").await.stdout);
    assert_eq!(all["CommonPrefixes"].as_array().unwrap().len(), 2);
    assert_eq!(all["KeyCount"], 2);
    let page = json(
        &lake.exec("aws s3api list-objects-v2 --bucket data-lake-raw-123 --prefix sales/ --max-keys 2").await.stdout,
    );
    assert_eq!(page["IsTruncated"], true);
    let token = page["NextContinuationToken"].as_str().unwrap();
    let next = json(
        &lake
            .exec(&format!(
                "aws s3api list-objects-v2 --bucket data-lake-raw-123 --prefix sales/ --max-keys 2 --continuation-token {token}"
            ))
            .await
            .stdout,
    );
    assert_eq!(next["Contents"][0]["Key"], "sales/c.csv");
    assert_eq!(next["IsTruncated"], false);

    let del = lake.exec("aws s3api delete-object --bucket data-lake-raw-123 --key sales/c.csv").await;
    assert_eq!((del.exit_code, del.stdout.as_str()), (0, ""));
    let missing = lake.exec("aws s3api head-object --bucket data-lake-raw-123 --key sales/c.csv").await;
    assert_eq!(missing.exit_code, 254);
    // A HEAD response has no body: the CLI reports the status code and its reason.
    assert!(missing.stderr.contains("(404) when calling the HeadObject operation: Not Found"), "{}", missing.stderr);
    let nobody = lake.exec("aws s3api put-object --bucket data-lake-raw-123 --key k --body nope.bin").await;
    assert_eq!(nobody.exit_code, 252);
    assert!(
        nobody.stderr.contains("Error parsing parameter '--body': Blob values must be a path to a file."),
        "{}",
        nobody.stderr
    );
}
