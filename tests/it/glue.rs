//! The course's crawler step through `aws glue`, then SQL over the tables it made (#4).

use std::{collections::BTreeMap, sync::Arc};

use puddle_lake::Lake;
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[tokio::test]
async fn crawl_the_raw_bucket_then_query() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 cp sales.csv s3://data-lake-raw-123/sales_data/sales.csv",
        r#"aws glue create-database --database-input '{"Name":"sales_db"}'"#,
        r#"aws glue create-crawler --name SalesCrawler --role arn:aws:iam::123456789012:role/GlueRole --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/"}]}'"#,
        "aws glue start-crawler --name SalesCrawler",
    ] {
        let out = lake.exec(line).await;
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    let crawler = json(&lake.exec("aws glue get-crawler --name SalesCrawler").await.stdout);
    assert_eq!(crawler["Crawler"]["State"], "READY");
    assert_eq!(crawler["Crawler"]["LastCrawl"]["Status"], "SUCCEEDED");
    let metrics = json(&lake.exec("aws glue get-crawler-metrics").await.stdout);
    let m = &metrics["CrawlerMetricsList"][0];
    assert_eq!(m["TablesCreated"], 1);
    // Issue 12: measured, not constants. A crawler that is not crawling has nothing left.
    assert_eq!((m["TimeLeftSeconds"].as_f64(), m["StillEstimating"].as_bool()), (Some(0.0), Some(false)));
    let last = m["LastRuntimeSeconds"].as_f64().expect("the run's duration");
    assert!(last > 0.0 && m["MedianRuntimeSeconds"].as_f64() == Some(last), "{m}");

    let tables = json(&lake.exec("aws glue get-tables --database-name sales_db").await.stdout);
    let table = &tables["TableList"][0];
    assert_eq!(table["Name"], "sales_data");
    assert_eq!(table["StorageDescriptor"]["Location"], "s3://data-lake-raw-123/sales_data/");
    assert_eq!(table["Parameters"]["classification"], "csv");
    assert_eq!(table["StorageDescriptor"]["Columns"].as_array().unwrap().len(), 5);

    let res = lake
        .sql("SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region ORDER BY region", Some("sales_db"))
        .await
        .unwrap();
    let mut expected = BTreeMap::new();
    for row in puddle_datagen::sales(1000) {
        *expected.entry(row.region).or_insert(0i64) += 1;
    }
    let expected: Vec<Vec<Value>> = expected.into_iter().map(|(r, c)| vec![Value::from(r), Value::from(c)]).collect();
    assert_eq!(res.rows, expected);

    let again = lake.exec("aws glue create-crawler --name SalesCrawler --role r --database-name sales_db --targets S3Targets=[{Path=s3://x/}]").await;
    assert!(again.stderr.contains("(AlreadyExistsException)"), "{}", again.stderr);
    let missing = lake.exec("aws glue start-crawler --name Nope").await;
    assert!(
        missing.stderr.contains("(EntityNotFoundException) when calling the StartCrawler operation"),
        "{}",
        missing.stderr
    );
    let no_table = lake.exec("aws glue get-table --database-name sales_db --name nope").await;
    assert_eq!(no_table.exit_code, 254);
}

#[tokio::test]
async fn hive_partitions_are_columns_and_prune_the_scan() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://lake-1").await;
    for (year, rows) in [("2024", 3000u64), ("2025", 1000)] {
        lake.generate_sales("lake-1", &format!("sales/year={year}/part-0.csv"), rows, puddle_api::DataFormat::Csv)
            .await
            .unwrap();
    }
    let create = r#"aws glue create-crawler --name c --role r --database-name db --targets '{"S3Targets":[{"Path":"s3://lake-1/sales/"}]}'"#;
    assert_eq!(lake.exec(create).await.exit_code, 0);
    assert_eq!(lake.exec("aws glue start-crawler --name c").await.exit_code, 0);
    let table = json(&lake.exec("aws glue get-table --database-name db --name sales").await.stdout);
    assert_eq!(table["Table"]["PartitionKeys"][0]["Name"], "year");

    let all = lake.sql("SELECT year, COUNT(*) AS n FROM sales GROUP BY year ORDER BY year", Some("db")).await.unwrap();
    assert_eq!(
        all.rows,
        vec![vec![Value::from("2024"), Value::from(3000)], vec![Value::from("2025"), Value::from(1000)]]
    );
    let pruned = lake.sql("SELECT COUNT(*) FROM sales WHERE year = '2025'", Some("db")).await.unwrap();
    assert_eq!(pruned.rows, vec![vec![Value::from(1000)]]);
    assert!(
        pruned.stats.bytes_scanned * 2 < all.stats.bytes_scanned,
        "partition pruning reads only year=2025: {} vs {}",
        pruned.stats.bytes_scanned,
        all.stats.bytes_scanned
    );
}

#[tokio::test]
async fn plain_folders_are_partition_n_columns_and_prune_the_scan() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://lake-2").await;
    for (month, rows) in [("01", 3000u64), ("02", 1000)] {
        lake.generate_sales("lake-2", &format!("sales/2025/{month}/part-0.csv"), rows, puddle_api::DataFormat::Csv)
            .await
            .unwrap();
    }
    let create = r#"aws glue create-crawler --name c --role r --database-name db --targets '{"S3Targets":[{"Path":"s3://lake-2/sales/"}]}'"#;
    assert_eq!(lake.exec(create).await.exit_code, 0);
    assert_eq!(lake.exec("aws glue start-crawler --name c").await.exit_code, 0);
    let table = json(&lake.exec("aws glue get-table --database-name db --name sales").await.stdout);
    assert_eq!(table["Table"]["PartitionKeys"][1]["Name"], "partition_1");

    let all = lake
        .sql("SELECT partition_0, partition_1, COUNT(*) AS n FROM sales GROUP BY 1, 2 ORDER BY 2", Some("db"))
        .await
        .unwrap();
    let row = |m: &str, n: i64| vec![Value::from("2025"), Value::from(m), Value::from(n)];
    assert_eq!(all.rows, vec![row("01", 3000), row("02", 1000)]);
    let pruned = lake.sql("SELECT COUNT(*) FROM sales WHERE partition_1 = '02'", Some("db")).await.unwrap();
    assert_eq!(pruned.rows, vec![vec![Value::from(1000)]]);
    assert!(
        pruned.stats.bytes_scanned * 2 < all.stats.bytes_scanned,
        "partition pruning reads only 2025/02: {} vs {}",
        pruned.stats.bytes_scanned,
        all.stats.bytes_scanned
    );
}

#[tokio::test]
async fn hive_folders_over_csv_files_that_hold_the_key_column_too() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    assert_eq!(lake.exec("aws s3 mb s3://data-lake-raw-123").await.exit_code, 0);
    // The course's sales CSV split by region into Hive folders, each file keeping its region column.
    let rows: Vec<_> = puddle_datagen::sales(4000).collect();
    let mut regions: Vec<&str> = rows.iter().map(|r| r.region).collect();
    regions.sort_unstable();
    regions.dedup();
    for region in &regions {
        let mut csv = String::from("id,region,product,amount,ts\n");
        for r in rows.iter().filter(|r| r.region == *region) {
            csv.push_str(&format!("{},{},{},{:.2},2025-01-01 00:00:00\n", r.id, r.region, r.product, r.amount));
        }
        lake.s3()
            .put_object("data-lake-raw-123", &format!("sales/region={region}/part.csv"), csv.into())
            .await
            .unwrap();
    }
    for line in [
        r#"aws glue create-crawler --name c --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/sales/"}]}'"#,
        "aws glue start-crawler --name c",
    ] {
        let out = lake.exec(line).await;
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    let table = lake.catalog().get_table("sales_db", "sales").unwrap();
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "region_data", "product", "amount", "ts"], "the file's own column is kept, renamed");
    assert_eq!(table.partition_keys[0].name, "region");
    let all = lake.sql("SELECT COUNT(*) FROM sales", Some("sales_db")).await.unwrap();
    assert_eq!(all.rows[0][0], serde_json::Value::from(4000));
    let nsw =
        lake.sql("SELECT COUNT(*), MIN(region_data) FROM sales WHERE region = 'NSW'", Some("sales_db")).await.unwrap();
    let expected = rows.iter().filter(|r| r.region == "NSW").count();
    assert_eq!(nsw.rows[0], vec![serde_json::Value::from(expected), serde_json::Value::from("NSW")]);
    assert!(
        nsw.stats.bytes_scanned * 4 < all.stats.bytes_scanned,
        "pruning reads one region's file: {} vs {}",
        nsw.stats.bytes_scanned,
        all.stats.bytes_scanned
    );
}

#[tokio::test]
async fn record_count_is_estimated_from_the_sample_as_glue_does() {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    for line in [
        "aws s3 mb s3://data-lake-raw-123",
        "aws s3 cp sales-100k.csv s3://data-lake-raw-123/big/sales.csv",
        r#"aws glue create-crawler --name c --role r --database-name db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/big/"}]}'"#,
        "aws glue start-crawler --name c",
    ] {
        let out = lake.exec(line).await;
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    let table = lake.catalog().get_table("db", "big").unwrap();
    let count: f64 = table.parameters["recordCount"].parse().unwrap();
    assert!((count - 100_000.0).abs() < 5_000.0, "1,000 sampled records scaled to the file: {count}");
    assert!(table.parameters.contains_key("averageRecordSize"));
}
