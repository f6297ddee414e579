//! `aws s3 sync` between the local folder and S3, and between prefixes (#3).

use std::sync::Arc;

use puddle_lake::Lake;

const B: &str = "data-lake-raw-123";

async fn lake() -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    assert_eq!(lake.exec(&format!("aws s3 mb s3://{B}")).await.exit_code, 0);
    for (name, body) in [("data/a.csv", "a,b\n1,2\n"), ("data/b.json", "{\"a\":1}\n"), ("data/tmp/x.tmp", "x")] {
        lake.local().write(name, body.as_bytes().to_vec().into()).await.unwrap();
    }
    lake
}

async fn run(lake: &Lake, line: &str) -> String {
    let out = lake.exec(line).await;
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

#[tokio::test]
async fn local_to_s3_copies_only_new_or_changed_files() {
    let lake = lake().await;
    let out = run(&lake, &format!("aws s3 sync ./data s3://{B}/in")).await;
    assert_eq!(
        out,
        format!(
            "upload: ./data/a.csv to s3://{B}/in/a.csv\nupload: ./data/b.json to s3://{B}/in/b.json\n\
             upload: ./data/tmp/x.tmp to s3://{B}/in/tmp/x.tmp\n"
        )
    );
    assert_eq!(&lake.s3().get_object(B, "in/tmp/x.tmp").await.unwrap()[..], b"x");
    assert_eq!(run(&lake, &format!("aws s3 sync ./data s3://{B}/in/")).await, "", "nothing changed");

    // A new size is a change; so is the same size with a newer local time.
    lake.local().write("data/a.csv", "a,b\n1,2\n3,4\n".as_bytes().to_vec().into()).await.unwrap();
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    lake.local().write_with_mtime("data/b.json", "{\"a\":2}\n".as_bytes().to_vec().into(), later).await.unwrap();
    let out = run(&lake, &format!("aws s3 sync data s3://{B}/in")).await;
    assert_eq!(
        out,
        format!("upload: ./data/a.csv to s3://{B}/in/a.csv\nupload: ./data/b.json to s3://{B}/in/b.json\n")
    );
    assert_eq!(&lake.s3().get_object(B, "in/b.json").await.unwrap()[..], b"{\"a\":2}\n");
    // --size-only ignores the time.
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    lake.local().write_with_mtime("data/b.json", "{\"a\":3}\n".as_bytes().to_vec().into(), later).await.unwrap();
    assert_eq!(run(&lake, &format!("aws s3 sync data s3://{B}/in --size-only")).await, "");

    // --delete removes what the source lacks, except what a filter excludes; --dryrun only tells.
    lake.local().delete("data/a.csv").await.unwrap();
    lake.local().delete("data/tmp/x.tmp").await.unwrap();
    let dry = run(&lake, &format!("aws s3 sync data s3://{B}/in --delete --exclude '*.tmp' --dryrun")).await;
    assert_eq!(
        dry,
        format!("(dryrun) delete: s3://{B}/in/a.csv\n(dryrun) upload: ./data/b.json to s3://{B}/in/b.json\n")
    );
    assert!(lake.s3().get_object(B, "in/a.csv").await.is_ok(), "dryrun changed nothing");
    let out = run(&lake, &format!("aws s3 sync data s3://{B}/in --delete --exclude '*.tmp' --size-only")).await;
    assert_eq!(out, format!("delete: s3://{B}/in/a.csv\n"));
    assert!(lake.s3().get_object(B, "in/tmp/x.tmp").await.is_ok(), "excluded from --delete");
}

#[tokio::test]
async fn s3_to_local_keeps_object_times() {
    let lake = lake().await;
    run(&lake, &format!("aws s3 sync ./data s3://{B}/in")).await;
    lake.local().write("restore/extra.csv", "e".as_bytes().to_vec().into()).await.unwrap();
    let out = run(&lake, &format!("aws s3 sync s3://{B}/in ./restore --exclude 'tmp/*'")).await;
    assert_eq!(
        out,
        format!("download: s3://{B}/in/a.csv to ./restore/a.csv\ndownload: s3://{B}/in/b.json to ./restore/b.json\n")
    );
    let head = lake.s3().head_object(B, "in/a.csv").await.unwrap();
    assert_eq!(lake.local().modified("restore/a.csv").await.unwrap(), head.info.last_modified);
    assert_eq!(run(&lake, &format!("aws s3 sync s3://{B}/in ./restore --exclude 'tmp/*'")).await, "");
    // A local edit (newer than the object) is overwritten on the next sync, as the CLI does.
    lake.local().write("restore/a.csv", "a,b\n9,9\n".as_bytes().to_vec().into()).await.unwrap();
    let out = run(&lake, &format!("aws s3 sync s3://{B}/in restore --delete --exclude 'tmp/*'")).await;
    assert_eq!(out, format!("download: s3://{B}/in/a.csv to ./restore/a.csv\ndelete: ./restore/extra.csv\n"));
    assert_eq!(&lake.local().read("restore/a.csv").await.unwrap()[..], b"a,b\n1,2\n");
    assert!(lake.local().read("restore/extra.csv").await.is_err());
    // Syncing into the root with --delete never deletes the (read-only) course samples.
    let out =
        run(&lake, &format!("aws s3 sync s3://{B}/in/tmp . --delete --exclude 'data/*' --exclude 'restore/*'")).await;
    assert_eq!(out, format!("download: s3://{B}/in/tmp/x.tmp to ./x.tmp\n"));
    assert!(lake.local().read("sales.csv").await.is_ok());
}

#[tokio::test]
async fn s3_to_s3_with_filters_and_errors() {
    let lake = lake().await;
    run(&lake, "aws s3 mb s3://backup-123").await;
    run(&lake, &format!("aws s3 sync data s3://{B}/in")).await;
    let out = run(&lake, &format!("aws s3 sync s3://{B}/in s3://backup-123 --exclude '*' --include '*.csv'")).await;
    assert_eq!(out, format!("copy: s3://{B}/in/a.csv to s3://backup-123/a.csv\n"));
    assert_eq!(
        run(&lake, &format!("aws s3 sync s3://{B}/in s3://backup-123 --exclude '*' --include '*.csv'")).await,
        ""
    );
    let out = run(&lake, &format!("aws s3 sync s3://{B} s3://backup-123")).await;
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains(&format!("copy: s3://{B}/in/b.json to s3://backup-123/in/b.json")), "{out}");

    let out = lake.exec("aws s3 sync data s3://no-such-bucket-9").await;
    assert_eq!(out.exit_code, 254);
    assert!(out.stderr.contains("(NoSuchBucket) when calling the ListObjectsV2 operation"), "{}", out.stderr);
    let out = lake.exec(&format!("aws s3 sync ./nope s3://{B}")).await;
    assert_eq!(out.exit_code, 255);
    assert!(out.stderr.contains("nope does not exist"), "{}", out.stderr);
    let out = lake.exec(&format!("aws s3 sync ../x s3://{B}")).await;
    assert_eq!(out.exit_code, 255);
    let out = lake.exec("aws s3 sync data").await;
    assert_eq!(out.exit_code, 252);
}
