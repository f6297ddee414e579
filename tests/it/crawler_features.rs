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

async fn fails(lake: &Lake, line: &str, code: &str) {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 254, "{line}: {}", out.stdout);
    assert!(out.stderr.contains(&format!("({code})")), "{line}: {}", out.stderr);
}

#[tokio::test]
async fn custom_csv_classifier_new_folders_only_and_stop() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://cc-1").await;
    let put = |key: &'static str, body: &'static [u8]| {
        let lake = lake.clone();
        async move { lake.put_object("cc-1", key, body.to_vec().into(), None).await.unwrap() }
    };
    put("people/2025/01/a.txt", b"ann;sydney;1\nbob;perth;2\n").await;
    ok(
        &lake,
        r#"aws glue create-classifier --csv-classifier "Name=people,Delimiter=;,ContainsHeader=ABSENT,Header=name,city,n""#,
    )
    .await;
    fails(&lake, r#"aws glue create-classifier --csv-classifier "Name=people""#, "AlreadyExistsException").await;
    // Enum values are checked from the model before the call, as a parameter error (exit 252).
    let bad = lake.exec(r#"aws glue create-classifier --csv-classifier "Name=x,ContainsHeader=MAYBE""#).await;
    assert_eq!(bad.exit_code, 252, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("Invalid value for parameter CsvClassifier.ContainsHeader, value: MAYBE"),
        "{}",
        bad.stderr
    );
    let got = ok(&lake, "aws glue get-classifier --name people").await;
    assert_eq!(got["Classifier"]["CsvClassifier"]["Header"], serde_json::json!(["name", "city", "n"]));

    let base = "aws glue create-crawler --role r --database-name db --targets S3Targets=[{Path=s3://cc-1/people/}] --classifiers people";
    fails(
        &lake,
        &format!("{base} --name bad --recrawl-policy RecrawlBehavior=CRAWL_NEW_FOLDERS_ONLY"),
        "InvalidInputException",
    )
    .await;
    let unknown = "aws glue create-crawler --name x --role r --database-name db --targets S3Targets=[{Path=s3://cc-1/}] --classifiers nope";
    fails(&lake, unknown, "EntityNotFoundException").await;
    ok(
        &lake,
        &format!(
            "{base} --name c --recrawl-policy RecrawlBehavior=CRAWL_NEW_FOLDERS_ONLY --schema-change-policy UpdateBehavior=LOG,DeleteBehavior=LOG"
        ),
    )
    .await;
    let crawler = ok(&lake, "aws glue get-crawler --name c").await;
    assert_eq!(crawler["Crawler"]["RecrawlPolicy"]["RecrawlBehavior"], "CRAWL_NEW_FOLDERS_ONLY");
    assert_eq!(crawler["Crawler"]["Classifiers"], serde_json::json!(["people"]));
    ok(&lake, "aws glue start-crawler --name c").await;
    let table = ok(&lake, "aws glue get-table --database-name db --name people").await;
    let names: Vec<&str> = table["Table"]["StorageDescriptor"]["Columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["name", "city", "n"]);

    put("people/2025/02/b.txt", b"cat;hobart;3\n").await;
    ok(&lake, "aws glue start-crawler --name c").await;
    let crawler = ok(&lake, "aws glue get-crawler --name c").await;
    assert_eq!(crawler["Crawler"]["LastCrawl"]["Status"], "SUCCEEDED");
    let parts = ok(&lake, "aws glue get-partitions --database-name db --table-name people").await;
    assert_eq!(parts["Partitions"].as_array().unwrap().len(), 2);
    let res = lake.sql("SELECT partition_1, SUM(n) FROM people GROUP BY 1 ORDER BY 1", Some("db")).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from("01"), Value::from(3)], vec![Value::from("02"), Value::from(3)]]);

    fails(&lake, "aws glue stop-crawler --name c", "CrawlerNotRunningException").await;
    fails(&lake, "aws glue stop-crawler --name nope", "EntityNotFoundException").await;
    ok(&lake, "aws glue delete-classifier --name people").await;
    assert_eq!(ok(&lake, "aws glue get-classifiers").await["Classifiers"], serde_json::json!([]));
}

#[tokio::test]
async fn custom_quote_symbol_reaches_sql() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://cc-2").await;
    lake.put_object("cc-2", "notes/a.txt", b"1|'a|b'\n2|'c'\n".to_vec().into(), None).await.unwrap();
    ok(
        &lake,
        r#"aws glue create-classifier --csv-classifier "Name=pipes,Delimiter=|,QuoteSymbol=\"'\",ContainsHeader=ABSENT,Header=id,note""#,
    )
    .await;
    ok(
        &lake,
        "aws glue create-crawler --name c --role r --database-name db --targets S3Targets=[{Path=s3://cc-2/notes/}] --classifiers pipes",
    )
    .await;
    ok(&lake, "aws glue start-crawler --name c").await;
    let table = ok(&lake, "aws glue get-table --database-name db --name notes").await;
    assert_eq!(table["Table"]["Parameters"]["quoteChar"], "'");
    let res = lake.sql("SELECT note FROM notes WHERE id = 1", Some("db")).await.unwrap();
    assert_eq!(res.rows, vec![vec![Value::from("a|b")]]);
}
