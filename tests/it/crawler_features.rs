//! Crawler features through `aws glue`: gzip files, recrawl policy, custom classifiers (#4).

use std::{io::Write, sync::Arc};

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

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn gzip_csv_is_crawled_and_queried() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://gz-1").await;
    for (batch, rows) in [("a", 300u64), ("b", 100)] {
        let body = gz(&puddle_datagen::sales_csv(rows));
        lake.put_object("gz-1", &format!("sales/batch={batch}/part.csv.gz"), body.into(), None).await.unwrap();
    }
    ok(
        &lake,
        "aws glue create-crawler --name c --role r --database-name db --targets S3Targets=[{Path=s3://gz-1/sales/}]",
    )
    .await;
    ok(&lake, "aws glue start-crawler --name c").await;
    let table = ok(&lake, "aws glue get-table --database-name db --name sales").await;
    assert_eq!(table["Table"]["Parameters"]["compressionType"], "gzip");
    assert_eq!(table["Table"]["Parameters"]["classification"], "csv");
    assert_eq!(table["Table"]["StorageDescriptor"]["Columns"].as_array().unwrap().len(), 5);
    let res = lake.sql("SELECT batch, COUNT(*) FROM sales GROUP BY batch ORDER BY batch", Some("db")).await.unwrap();
    let row = |r: &str, n: i64| vec![Value::from(r), Value::from(n)];
    assert_eq!(res.rows, vec![row("a", 300), row("b", 100)]);
    let one = lake.sql("SELECT SUM(amount) > 0 FROM sales WHERE batch = 'b'", Some("db")).await.unwrap();
    assert_eq!(one.rows, vec![vec![Value::from(true)]]);
    assert!(one.stats.bytes_scanned * 2 < res.stats.bytes_scanned, "pruned to the compressed bytes of one file");
}
