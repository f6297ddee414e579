//! Export of the whole lake as a .zip and import back (#3): lossless round trip through
//! `Request::ExportLake` / `Request::ImportLake`, and a malformed archive changes nothing.

use std::{collections::BTreeMap, sync::Arc};

use futures::TryStreamExt;
use object_store::{ObjectStore, ObjectStoreExt};
use puddle_api::{Request, Response};
use puddle_lake::Lake;

async fn empty_lake() -> Lake {
    Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap()
}

/// Every store path with its body and attributes: the whole state of a lake.
async fn snapshot(lake: &Lake) -> BTreeMap<String, (Vec<u8>, String)> {
    let store = lake.s3().store();
    let metas: Vec<_> = store.list(None).try_collect().await.unwrap();
    let mut out = BTreeMap::new();
    for m in metas {
        let res = store.get(&m.location).await.unwrap();
        let mut attrs: Vec<String> = res.attributes.iter().map(|(k, v)| format!("{k:?}={}", v.as_ref())).collect();
        attrs.sort();
        out.insert(m.location.to_string(), (res.bytes().await.unwrap().to_vec(), attrs.join(";")));
    }
    out
}

async fn ok(lake: &Lake, line: &str) {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
}

async fn export(lake: &Lake) -> Vec<u8> {
    match lake.handle(Request::ExportLake).await {
        Response::Object(bytes) => bytes,
        other => panic!("export: {other:?}"),
    }
}

#[tokio::test]
async fn export_import_round_trip_is_lossless() {
    let lake = empty_lake().await;
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 mb s3://empty-bucket-1",
        "aws s3 cp sales.csv s3://data-lake-raw-123/sales_data/sales.csv",
        "aws s3api put-object --bucket data-lake-raw-123 --key docs/readme.txt --body sales.json --content-type text/plain --metadata owner=course,Team=Data",
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
        r#"aws glue create-crawler --name SalesCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/sales_data/"}]}'"#,
        "aws glue start-crawler --name SalesCrawler",
    ] {
        ok(&lake, line).await;
    }
    lake.generate_sales("data-lake-raw-123", "parquet/sales.parquet", 500, puddle_api::DataFormat::Parquet)
        .await
        .unwrap();
    let when = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z").unwrap().with_timezone(&chrono::Utc);
    lake.local().write_with_mtime("notes/ü ñ.csv", b"a\n1\n".to_vec().into(), when).await.unwrap();
    lake.sql("SELECT COUNT(*) FROM sales_data", Some("sales_db")).await.unwrap();
    let before = snapshot(&lake).await;
    let zip = export(&lake).await;
    assert_eq!(&zip[..2], b"PK");

    // Into a fresh lake, and into one with other content (which the import replaces).
    for target in [empty_lake().await, {
        let l = empty_lake().await;
        ok(&l, "aws s3 mb s3://other-bucket").await;
        ok(&l, "aws s3 cp sales.csv s3://other-bucket/x.csv").await;
        l
    }] {
        let summary = match target.handle(Request::ImportLake { zip: zip.clone() }).await {
            Response::Imported(s) => s,
            other => panic!("import: {other:?}"),
        };
        assert_eq!((summary.buckets, summary.objects), (2, 3));
        assert_eq!(snapshot(&target).await, before, "bodies, paths and attributes are identical");
        let head = target.s3().head_object("data-lake-raw-123", "docs/readme.txt").await.unwrap();
        assert_eq!(head.content_type.as_deref(), Some("text/plain"));
        assert_eq!(head.metadata.get("team").map(String::as_str), Some("Data"));
        assert_eq!(target.local().modified("notes/ü ñ.csv").await.unwrap(), when);
        // The catalog was reloaded: the crawled table answers queries at once.
        let res = target.sql("SELECT COUNT(*) AS n FROM sales_data", Some("sales_db")).await.unwrap();
        assert_eq!(res.rows[0][0], 1000);
        let crawlers = target.exec("aws glue get-crawler --name SalesCrawler").await;
        assert!(crawlers.stdout.contains("SUCCEEDED"), "{}", crawlers.stdout);
        let buckets: Vec<_> = target.list_buckets().await.unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(buckets, ["data-lake-raw-123", "empty-bucket-1"]);
        // Export of the import is the same lake again.
        let again = empty_lake().await;
        again.import_lake(&export(&target).await).await.unwrap();
        assert_eq!(snapshot(&again).await, before);
    }
}

#[tokio::test]
async fn malformed_archives_change_nothing() {
    let lake = empty_lake().await;
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    ok(&lake, "aws s3 cp sales.csv s3://data-lake-raw-123/sales.csv").await;
    let zip = export(&lake).await;
    let before = snapshot(&lake).await;
    let mut flipped = zip.clone();
    // A byte inside the first entry's compressed data: its CRC no longer matches.
    flipped[200] ^= 0xff;
    for (what, bytes) in [
        ("garbage", b"not a zip at all".to_vec()),
        ("empty", Vec::new()),
        ("truncated", zip[..zip.len() / 2].to_vec()),
        ("damaged entry", flipped),
    ] {
        match lake.handle(Request::ImportLake { zip: bytes }).await {
            Response::Error(e) => {
                assert_eq!(e.code, "InvalidLakeArchive", "{what}: {}", e.message);
                assert!(e.message.contains("The lake was not changed"), "{what}: {}", e.message);
            }
            other => panic!("{what}: {other:?}"),
        }
        assert_eq!(snapshot(&lake).await, before, "{what}");
    }
}

#[tokio::test]
async fn delete_objects_takes_keys_and_folders() {
    let lake = empty_lake().await;
    ok(&lake, "aws s3 mb s3://data-lake-raw-123").await;
    for k in ["a.csv", "b.csv", "dir/x.csv", "dir/sub/y.csv", "dirt.csv"] {
        lake.put_object("data-lake-raw-123", k, "1".into(), None).await.unwrap();
    }
    let req = Request::DeleteObjects {
        bucket: "data-lake-raw-123".into(),
        keys: vec!["a.csv".into(), "dir/x.csv".into()],
        prefixes: vec!["dir/".into()],
    };
    assert_eq!(lake.handle(req).await, Response::Deleted(3));
    let left: Vec<_> =
        lake.list_objects("data-lake-raw-123", "", None).await.unwrap().objects.into_iter().map(|o| o.key).collect();
    assert_eq!(left, ["b.csv", "dirt.csv"]);
    let empty = Request::DeleteObjects { bucket: "data-lake-raw-123".into(), keys: vec![], prefixes: vec!["".into()] };
    assert_eq!(lake.handle(empty).await, Response::Deleted(2));
    let missing = Request::DeleteObjects { bucket: "nope-1".into(), keys: vec!["k".into()], prefixes: vec![] };
    match lake.handle(missing).await {
        Response::Error(e) => assert_eq!(e.code, "NoSuchBucket"),
        other => panic!("{other:?}"),
    }
}
