//! The classifier and inference cases, crawled and then queried through the lake (#4).

use std::sync::Arc;

use puddle_lake::Lake;
use serde_json::Value;

async fn crawl(files: &[(&str, &[u8])]) -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://cases-1").await;
    for (key, body) in files {
        lake.put_object("cases-1", key, body.to_vec().into(), None).await.unwrap();
    }
    let create =
        "aws glue create-crawler --name c --role r --database-name db --targets S3Targets=[{Path=s3://cases-1/}]";
    assert_eq!(lake.exec(create).await.exit_code, 0);
    let out = lake.exec("aws glue start-crawler --name c").await;
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    lake
}

async fn rows(lake: &Lake, sql: &str) -> Vec<Vec<Value>> {
    lake.sql(sql, Some("db")).await.unwrap_or_else(|e| panic!("{sql}: {e:?}")).rows
}

#[tokio::test]
async fn messy_csv_files_are_crawled_and_queryable() {
    let lake = crawl(&[
        ("ragged/a.csv", b"id,name,score\n1,ann,5\n2,bob\n3,cat,7\n"),
        ("quoted/a.csv", b"id,comment\n1,\"hello, world\"\n2,\"two\nlines\"\n3,plain\n"),
        ("bom/a.csv", b"\xEF\xBB\xBFid,name\n1,ann\n2,bob\n"),
        ("semi/a.csv", b"region;amount\nNSW;1.5\nVIC;2.5\n"),
        ("headerless/a.csv", b"1,NSW,2.5\n2,VIC,3.5\n"),
        ("mixed/a.csv", b"id,code\n1,10\n2,A7\n3,\n"),
    ])
    .await;
    assert_eq!(
        rows(&lake, "SELECT COUNT(*), SUM(score) FROM ragged").await,
        vec![vec![Value::from(3), Value::from(12)]]
    );
    assert_eq!(
        rows(&lake, "SELECT comment FROM quoted WHERE id = 2").await,
        vec![vec![Value::from("two\nlines")]],
        "a quoted newline stays inside its field"
    );
    assert_eq!(rows(&lake, "SELECT COUNT(*) FROM quoted").await, vec![vec![Value::from(3)]]);
    assert_eq!(rows(&lake, "SELECT id FROM bom WHERE name = 'bob'").await, vec![vec![Value::from(2)]]);
    assert_eq!(rows(&lake, "SELECT SUM(amount) FROM semi").await, vec![vec![Value::from(4.0)]]);
    assert_eq!(rows(&lake, "SELECT col1 FROM headerless WHERE col0 = 2").await, vec![vec![Value::from("VIC")]]);
    assert_eq!(
        rows(&lake, "SELECT code FROM mixed ORDER BY id").await,
        vec![vec![Value::from("10")], vec![Value::from("A7")], vec![Value::Null]]
    );
}

#[tokio::test]
async fn nested_json_and_hive_inside_plain_folders() {
    let lake = crawl(&[
        ("events/e.json", b"{\"id\":1,\"user\":{\"name\":\"a\",\"tags\":[\"x\",\"y\"]}}\n{\"id\":2,\"user\":{\"name\":\"b\",\"tags\":[]}}\n"),
        ("sales/2025/region=NSW/a.csv", b"id,amount\n1,10\n2,20\n"),
        ("sales/2025/region=VIC/a.csv", b"id,amount\n3,30\n"),
        ("sales/2024/region=NSW/a.csv", b"id,amount\n4,40\n"),
    ])
    .await;
    assert_eq!(
        rows(&lake, "SELECT id, user['name'] FROM events ORDER BY id").await,
        vec![vec![Value::from(1), Value::from("a")], vec![Value::from(2), Value::from("b")]]
    );
    let table = lake.catalog().get_table("db", "sales").unwrap();
    let keys: Vec<&str> = table.partition_keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(keys, ["partition_0", "region"]);
    assert_eq!(
        rows(&lake, "SELECT partition_0, region, SUM(amount) FROM sales GROUP BY 1, 2 ORDER BY 1, 2").await,
        vec![
            vec![Value::from("2024"), Value::from("NSW"), Value::from(40)],
            vec![Value::from("2025"), Value::from("NSW"), Value::from(30)],
            vec![Value::from("2025"), Value::from("VIC"), Value::from(30)],
        ]
    );
}
