//! Whole crawls over an in-memory lake.

use std::sync::Arc;

use object_store::{memory::InMemory, path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_catalog::Catalog;

use crate::{crawl, CrawlConfig, DeleteBehavior, UpdateBehavior};

async fn lake(files: &[(&str, Vec<u8>)]) -> (Arc<dyn ObjectStore>, Catalog) {
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    for (path, body) in files {
        store.put(&Path::from(*path), PutPayload::from(body.clone())).await.unwrap();
    }
    let catalog = Catalog::load(store.clone()).await.unwrap();
    (store, catalog)
}

fn config(target: &str) -> CrawlConfig {
    CrawlConfig { name: "c1".into(), database: "sales_db".into(), targets: vec![target.into()], ..Default::default() }
}

#[tokio::test]
async fn hive_partitions_and_recrawl_after_new_data() {
    let csv = |n| puddle_datagen::sales_csv(n);
    let (store, catalog) = lake(&[
        ("raw/sales/year=2024/month=11/a.csv", csv(10)),
        ("raw/sales/year=2025/month=01/b.csv", csv(20)),
        ("raw/sales/_SUCCESS", Vec::new()),
    ])
    .await;
    let report = crawl(&store, &catalog, &config("s3://raw/sales/")).await.unwrap();
    assert_eq!(report.tables_created, ["sales_db.sales"]);
    assert_eq!((report.files_read, report.files_skipped, report.partitions_added), (2, 1, 2));
    let table = catalog.get_table("sales_db", "sales").unwrap();
    assert_eq!(table.location, "s3://raw/sales/");
    let keys: Vec<_> = table.partition_keys.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(keys, ["year", "month"]);
    assert_eq!(table.columns.len(), 5);
    assert_eq!(table.parameters["recordCount"], "30");
    assert_eq!(table.parameters["skip.header.line.count"], "1");

    // Nothing new: nothing changes.
    let again = crawl(&store, &catalog, &config("s3://raw/sales/")).await.unwrap();
    assert!(again.tables_created.is_empty() && again.tables_updated.is_empty());

    store.put(&Path::from("raw/sales/year=2025/month=02/c.csv"), PutPayload::from(csv(5))).await.unwrap();
    let third = crawl(&store, &catalog, &config("s3://raw/sales/")).await.unwrap();
    assert_eq!((third.tables_updated.len(), third.partitions_added), (1, 1));
    assert_eq!(catalog.get_table("sales_db", "sales").unwrap().partitions.len(), 3);
}

#[tokio::test]
async fn bad_files_are_unknown_and_never_fail_the_crawl() {
    let mut truncated = puddle_datagen::sales_parquet(100).unwrap();
    truncated.drain(10..truncated.len() - 8); // keeps the magic bytes, loses the footer
    let (store, catalog) = lake(&[
        ("raw/mixed/good.csv", puddle_datagen::sales_csv(5)),
        ("raw/mixed/binary.csv", vec![0xff, 0xfe, 0x00, 0x01]),
        ("raw/mixed/broken.parquet", truncated),
        ("raw/mixed/empty.csv", Vec::new()),
    ])
    .await;
    let report = crawl(&store, &catalog, &config("s3://raw/mixed/")).await.unwrap();
    assert_eq!(report.tables_created, ["sales_db.mixed"]);
    assert_eq!(report.files_skipped, 3);
    let reasons: Vec<String> = report.traces.iter().filter_map(|t| t.skipped.clone()).collect();
    assert!(reasons.iter().any(|r| r.contains("UTF-8")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("Parquet")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("empty")), "{reasons:?}");
}

#[tokio::test]
async fn separate_folders_become_tables_and_formats_are_detected() {
    let (store, catalog) = lake(&[
        ("lake/sales/part-0.parquet", puddle_datagen::sales_parquet(50).unwrap()),
        ("lake/events/e.json", b"{\"user\":\"a\",\"n\":1}\n{\"user\":\"b\",\"n\":2}\n".to_vec()),
    ])
    .await;
    let mut cfg = config("s3://lake");
    cfg.table_prefix = "raw_".into();
    let report = crawl(&store, &catalog, &cfg).await.unwrap();
    assert_eq!(report.tables_created, ["sales_db.raw_events", "sales_db.raw_sales"]);
    let sales = catalog.get_table("sales_db", "raw_sales").unwrap();
    assert_eq!((sales.classification.as_str(), sales.parameters["recordCount"].as_str()), ("parquet", "50"));
    assert_eq!(sales.location, "s3://lake/sales/");
    assert_eq!(catalog.get_table("sales_db", "raw_events").unwrap().classification, "json");
}

#[tokio::test]
async fn schema_change_policies() {
    let (store, catalog) = lake(&[("raw/t/a.csv", b"id,amount\n1,2\n".to_vec())]).await;
    crawl(&store, &catalog, &config("s3://raw/t/")).await.unwrap();
    store.put(&Path::from("raw/t/b.csv"), PutPayload::from(b"id,amount,note\n3,4.5,x\n".to_vec())).await.unwrap();

    let mut log_only = config("s3://raw/t/");
    log_only.update_behavior = UpdateBehavior::Log;
    let logged = crawl(&store, &catalog, &log_only).await.unwrap();
    assert_eq!(logged.logged.len(), 1);
    assert_eq!(catalog.get_table("sales_db", "t").unwrap().columns.len(), 2);

    let updated = crawl(&store, &catalog, &config("s3://raw/t/")).await.unwrap();
    assert_eq!(updated.tables_updated, ["sales_db.t"]);
    let cols: Vec<_> =
        catalog.get_table("sales_db", "t").unwrap().columns.into_iter().map(|c| (c.name, c.data_type)).collect();
    assert_eq!(
        cols,
        [("id".into(), "bigint".into()), ("amount".into(), "double".into()), ("note".into(), "string".into())]
    );

    // The data disappears: deprecate by default, delete on request.
    for path in ["raw/t/a.csv", "raw/t/b.csv"] {
        store.delete(&Path::from(path)).await.unwrap();
    }
    let gone = crawl(&store, &catalog, &config("s3://raw/t/")).await.unwrap();
    assert_eq!(gone.tables_deleted, ["sales_db.t"]);
    assert!(catalog.get_table("sales_db", "t").unwrap().parameters.contains_key("DEPRECATED_BY_CRAWLER"));
    let mut delete = config("s3://raw/t/");
    delete.delete_behavior = DeleteBehavior::DeleteFromDatabase;
    catalog
        .put_table({
            let mut t = catalog.get_table("sales_db", "t").unwrap();
            t.parameters.remove("DEPRECATED_BY_CRAWLER");
            t
        })
        .await
        .unwrap();
    crawl(&store, &catalog, &delete).await.unwrap();
    assert!(catalog.get_table("sales_db", "t").is_err());
}

#[tokio::test]
async fn invalid_targets_are_errors() {
    let (store, catalog) = lake(&[]).await;
    let err = crawl(&store, &catalog, &config("http://x/")).await.unwrap_err();
    assert_eq!(err.code(), "InvalidInputException");
    let empty = crawl(&store, &catalog, &config("s3://nothing-here/")).await.unwrap();
    assert!(empty.tables_created.is_empty());
}

#[tokio::test]
async fn update_behavior_log_still_adds_partitions() {
    let csv = |n| puddle_datagen::sales_csv(n);
    let (store, catalog) = lake(&[("raw/s/year=2024/a.csv", csv(3))]).await;
    let mut log = config("s3://raw/s/");
    log.update_behavior = UpdateBehavior::Log;
    crawl(&store, &catalog, &log).await.unwrap();
    store.put(&Path::from("raw/s/year=2025/b.csv"), PutPayload::from(b"id,extra\n1,x\n".to_vec())).await.unwrap();
    let report = crawl(&store, &catalog, &log).await.unwrap();
    assert_eq!(report.partitions_added, 1);
    assert_eq!(report.logged.len(), 1, "the new column is only logged: {:?}", report.logged);
    let table = catalog.get_table("sales_db", "s").unwrap();
    assert_eq!((table.partitions.len(), table.columns.len(), table.version_id), (2, 5, 1));
}

#[tokio::test]
async fn crawl_new_folders_only_reads_only_new_folders() {
    use crate::{crawl_with, CrawlContext, RecrawlBehavior};
    let csv = |n| puddle_datagen::sales_csv(n);
    let (store, catalog) =
        lake(&[("raw/s/2025/01/a.csv", csv(10)), ("raw/s/2025/02/b.csv", csv(20)), ("raw/s/2025/02/_tmp", vec![1])])
            .await;
    let mut cfg = config("s3://raw/s/");
    cfg.recrawl_behavior = RecrawlBehavior::CrawlNewFoldersOnly;
    (cfg.update_behavior, cfg.delete_behavior) = (UpdateBehavior::Log, DeleteBehavior::Log);
    let first = crawl_with(&store, &catalog, &cfg, &CrawlContext::default()).await.unwrap();
    assert_eq!((first.files_read, first.partitions_added), (2, 2));

    // A new folder, and a new file in an old folder (which this policy does not look at).
    store.put(&Path::from("raw/s/2025/03/c.csv"), PutPayload::from(csv(5))).await.unwrap();
    store.put(&Path::from("raw/s/2025/01/late.csv"), PutPayload::from(csv(5))).await.unwrap();
    let context = CrawlContext { previous: Some(first), ..Default::default() };
    let second = crawl_with(&store, &catalog, &cfg, &context).await.unwrap();
    assert_eq!((second.files_read, second.files_reused, second.partitions_added), (1, 2, 1));
    let late = second.traces.iter().find(|t| t.path.ends_with("late.csv")).unwrap();
    assert!(late.skipped.as_deref().unwrap_or_default().contains("CRAWL_NEW_FOLDERS_ONLY"), "{late:?}");
    assert!(second.traces.iter().filter(|t| t.reused).all(|t| t.skipped.is_none()));
    let table = catalog.get_table("sales_db", "s").unwrap();
    assert_eq!(table.partitions.len(), 3);

    // The same crawl with CRAWL_EVERYTHING reads every file again.
    let mut everything = cfg.clone();
    everything.recrawl_behavior = RecrawlBehavior::CrawlEverything;
    let third = crawl_with(&store, &catalog, &everything, &context).await.unwrap();
    assert_eq!((third.files_read, third.files_reused), (4, 0));
}

#[tokio::test]
async fn crawlers_with_custom_classifiers_and_policies() {
    use crate::{
        classifiers::{create_classifier, CsvClassifier},
        create_crawler, get_crawler, recover_crawlers, run_crawler, stop_crawler, RecrawlBehavior,
    };
    let (store, catalog) = lake(&[("raw/people/p.txt", b"ann;sydney\nbob;perth\n".to_vec())]).await;
    let mut cfg = config("s3://raw/people/");
    cfg.classifiers = vec!["people".into()];
    let missing = create_crawler(&store, cfg.clone(), "r").await.unwrap_err();
    assert_eq!(missing.code(), "EntityNotFoundException");
    let people = CsvClassifier::new("people", Some(";"), None, Some("ABSENT"), vec!["name".into(), "city".into()]);
    create_classifier(&store, people.unwrap()).await.unwrap();
    create_crawler(&store, cfg.clone(), "r").await.unwrap();
    let done = run_crawler(&store, &catalog, "c1", &Default::default()).await.unwrap();
    assert_eq!(done.last_crawl.unwrap().status, "SUCCEEDED");
    let table = catalog.get_table("sales_db", "people").unwrap();
    let names: Vec<_> = table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["name", "city"]);
    assert_eq!(table.parameters["field.delim"], ";");
    assert_eq!(table.parameters["skip.header.line.count"], "0");

    // New-folders-only needs a LOG/LOG schema change policy, as in Glue.
    let mut bad = config("s3://raw/people/");
    bad.name = "c2".into();
    bad.recrawl_behavior = RecrawlBehavior::CrawlNewFoldersOnly;
    let err = create_crawler(&store, bad, "r").await.unwrap_err();
    assert!(err.to_string().contains("LOG UpdateBehavior"), "{err}");

    // StopCrawler: only a running crawler; one left running by a closed tab is recovered.
    assert_eq!(stop_crawler(&store, "c1", &Default::default()).await.unwrap_err().code(), "CrawlerNotRunningException");
    let mut stuck = get_crawler(&store, "c1").await.unwrap();
    stuck.state = "RUNNING".into();
    let path = Path::from("_meta/crawlers/c1.json");
    store.put(&path, PutPayload::from(serde_json::to_vec(&stuck).unwrap())).await.unwrap();
    assert_eq!(
        run_crawler(&store, &catalog, "c1", &Default::default()).await.unwrap_err().code(),
        "CrawlerRunningException"
    );
    assert_eq!(crate::delete_crawler(&store, "c1").await.unwrap_err().code(), "CrawlerRunningException");
    assert_eq!(stop_crawler(&store, "c1", &Default::default()).await.unwrap().state, "STOPPING");
    assert_eq!(recover_crawlers(&store).await.unwrap(), ["c1"]);
    let recovered = get_crawler(&store, "c1").await.unwrap();
    assert_eq!((recovered.state.as_str(), recovered.last_crawl.unwrap().status.as_str()), ("READY", "CANCELLED"));
    assert!(recover_crawlers(&store).await.unwrap().is_empty());
    crate::delete_crawler(&store, "c1").await.unwrap();
    assert_eq!(get_crawler(&store, "c1").await.unwrap_err().code(), "EntityNotFoundException");
}

/// Schema evolution, then vanishing data, under every UpdateBehavior x DeleteBehavior.
#[tokio::test]
async fn schema_evolution_under_each_policy() {
    for update in [UpdateBehavior::UpdateInDatabase, UpdateBehavior::Log] {
        for delete in [DeleteBehavior::DeprecateInDatabase, DeleteBehavior::DeleteFromDatabase, DeleteBehavior::Log] {
            let case = format!("{update:?}/{delete:?}");
            let (store, catalog) = lake(&[("raw/t/a.csv", b"id,amount\n1,2\n".to_vec())]).await;
            let mut cfg = config("s3://raw/t/");
            (cfg.update_behavior, cfg.delete_behavior) = (update, delete);
            crawl(&store, &catalog, &cfg).await.unwrap();
            // A wider file: a new column, and `amount` widens from bigint to double.
            store
                .put(&Path::from("raw/t/b.csv"), PutPayload::from(b"id,amount,note\n2,2.5,x\n".to_vec()))
                .await
                .unwrap();
            let report = crawl(&store, &catalog, &cfg).await.unwrap();
            let table = catalog.get_table("sales_db", "t").unwrap();
            let types: Vec<_> = table.columns.iter().map(|c| c.data_type.as_str()).collect();
            if update == UpdateBehavior::UpdateInDatabase {
                assert_eq!(types, ["bigint", "double", "string"], "{case}");
                assert_eq!((report.tables_updated.len(), table.version_id), (1, 2), "{case}");
            } else {
                assert_eq!(types, ["bigint", "bigint"], "{case}");
                assert_eq!((report.logged.len(), table.version_id), (1, 1), "{case}");
            }

            for path in ["raw/t/a.csv", "raw/t/b.csv"] {
                store.delete(&Path::from(path)).await.unwrap();
            }
            let gone = crawl(&store, &catalog, &cfg).await.unwrap();
            let after = catalog.get_table("sales_db", "t");
            match delete {
                DeleteBehavior::DeprecateInDatabase => {
                    assert_eq!(gone.tables_deleted, ["sales_db.t"], "{case}");
                    assert_eq!(after.unwrap().parameters["DEPRECATED_BY_CRAWLER"], "c1", "{case}");
                }
                DeleteBehavior::DeleteFromDatabase => {
                    assert_eq!(gone.tables_deleted, ["sales_db.t"], "{case}");
                    assert_eq!(after.unwrap_err().code(), "EntityNotFoundException", "{case}");
                }
                DeleteBehavior::Log => {
                    assert!(gone.tables_deleted.is_empty(), "{case}");
                    assert!(gone.logged.iter().any(|l| l.contains("gone")), "{case}: {:?}", gone.logged);
                    assert!(!after.unwrap().parameters.contains_key("DEPRECATED_BY_CRAWLER"), "{case}");
                }
            }
        }
    }
}

#[tokio::test]
async fn broken_parquet_files_and_mixed_depths_are_explained() {
    let good = puddle_datagen::sales_parquet(50).unwrap();
    let n = good.len();
    // The footer length is plausible but the footer bytes are garbage.
    let mut garbage_footer = good.clone();
    garbage_footer[n - 8 - 20..n - 8].fill(0xAB);
    // (The files at the most common depth, 2025/MM/, make the table; the shallower one is left out.)
    // Cut off before the trailing magic bytes: not recognisable as Parquet, and not text either.
    let no_tail = good[..n / 2].to_vec();
    let (store, catalog) = lake(&[
        ("raw/p/2025/03/good.parquet", good.clone()),
        ("raw/p/2025/01/good.parquet", good),
        ("raw/p/2025/01/garbage.parquet", garbage_footer),
        ("raw/p/2025/02/cut.parquet", no_tail),
        ("raw/p/2025/shallow.parquet", puddle_datagen::sales_parquet(5).unwrap()),
    ])
    .await;
    let report = crawl(&store, &catalog, &config("s3://raw/p/")).await.unwrap();
    assert_eq!(report.tables_created, ["sales_db.p"]);
    let why = |name: &str| {
        report.traces.iter().find(|t| t.path.ends_with(name)).and_then(|t| t.skipped.clone()).unwrap_or_default()
    };
    assert!(why("garbage.parquet").contains("Parquet"), "{}", why("garbage.parquet"));
    assert!(why("cut.parquet").starts_with("UNKNOWN"), "{}", why("cut.parquet"));
    assert!(why("shallow.parquet").contains("folder depth"), "{}", why("shallow.parquet"));
    let table = catalog.get_table("sales_db", "p").unwrap();
    assert_eq!(table.parameters["recordCount"], "100");
    let folders: Vec<_> = table.partitions.iter().map(|p| p.values.join("/")).collect();
    assert_eq!(folders, ["2025/01", "2025/03"], "2025/02 holds no readable file");
}

/// A crawl is seen RUNNING with its progress, and StopCrawler ends it CANCELLED after the current
/// file: the finished target's table stays, the unfinished one is not created, nothing is deleted.
#[tokio::test]
async fn a_crawl_reports_progress_and_stops_after_the_current_file() {
    use crate::{create_crawler, get_crawler, run_crawler, stop_crawler, CrawlMonitors};
    let mut files: Vec<(String, Vec<u8>)> = vec![("raw/first/a.csv".into(), b"id,amount\n1,2\n".to_vec())];
    for i in 0..40 {
        files.push((format!("raw/second/part-{i:02}.csv"), format!("id,amount\n{i},3\n").into_bytes()));
    }
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let (store, catalog) = lake(&refs).await;
    let mut cfg = config("s3://raw/first/");
    cfg.targets.push("s3://raw/second/".into());
    create_crawler(&store, cfg, "r").await.unwrap();
    let monitors = CrawlMonitors::default();
    let (done, seen) = futures::join!(run_crawler(&store, &catalog, "c1", &monitors), async {
        // Wait until the crawl is half-way through the second target.
        loop {
            if let Some(p) = monitors.get("c1").map(|m| m.progress()) {
                if p.files_done >= 20 {
                    assert_eq!(p.files_total, 41);
                    assert_eq!(get_crawler(&store, "c1").await.unwrap().state, "RUNNING");
                    return stop_crawler(&store, "c1", &monitors).await.unwrap().state;
                }
            }
            puddle_events::yield_now().await;
        }
    });
    assert_eq!(seen, "STOPPING");
    let done = done.unwrap();
    let run = done.last_crawl.unwrap();
    assert_eq!((done.state.as_str(), run.status.as_str()), ("READY", "CANCELLED"));
    assert!(run.files_read >= 20 && run.files_read < 41, "{}", run.files_read);
    assert!(catalog.get_table("sales_db", "first").is_ok(), "the finished target's table stays");
    assert!(catalog.get_table("sales_db", "second").is_err(), "the unfinished target makes no table");
    assert!(monitors.get("c1").is_none(), "the crawl is no longer watched");
    // A full run afterwards creates the second table.
    let again = run_crawler(&store, &catalog, "c1", &monitors).await.unwrap();
    assert_eq!(again.last_crawl.unwrap().status, "SUCCEEDED");
    assert!(catalog.get_table("sales_db", "second").is_ok());
}

/// A lake opening in a second tab leaves alone a crawler the first tab is crawling with (recent
/// heartbeat), and recovers one whose crawl went silent.
#[tokio::test]
async fn recovery_spares_a_crawler_with_a_recent_heartbeat() {
    use crate::{create_crawler, get_crawler, recover_crawlers};
    let (store, _) = lake(&[("raw/t/a.csv", b"id\n1\n".to_vec())]).await;
    create_crawler(&store, config("s3://raw/t/"), "r").await.unwrap();
    let path = Path::from("_meta/crawlers/c1.json");
    let mut crawling = get_crawler(&store, "c1").await.unwrap();
    crawling.state = "RUNNING".into();
    crawling.heartbeat = Some(chrono::Utc::now());
    store.put(&path, PutPayload::from(serde_json::to_vec(&crawling).unwrap())).await.unwrap();
    assert!(recover_crawlers(&store).await.unwrap().is_empty());
    assert_eq!(get_crawler(&store, "c1").await.unwrap().state, "RUNNING");
    crawling.heartbeat = Some(chrono::Utc::now() - chrono::Duration::minutes(5));
    store.put(&path, PutPayload::from(serde_json::to_vec(&crawling).unwrap())).await.unwrap();
    assert_eq!(recover_crawlers(&store).await.unwrap(), ["c1"]);
    let recovered = get_crawler(&store, "c1").await.unwrap();
    assert_eq!((recovered.state.as_str(), recovered.heartbeat), ("READY", None));
}

/// Issue 12: a gzip bomb (1 GiB of CSV in 4 MB of concatenated gzip members) is classified from
/// the first 4 MB it reads and the 1 MB sample it inflates, never inflated whole.
#[tokio::test]
async fn a_gzip_bomb_is_classified_from_a_bounded_sample() {
    use std::io::Write;
    let rows: Vec<u8> = (0..1 << 20).map(|i| b"1,2\n"[i % 4]).collect();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&rows).unwrap();
    let member = e.finish().unwrap();
    let mut head = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    head.write_all(b"a,b\n").unwrap();
    let mut bomb = head.finish().unwrap();
    while bomb.len() < 5 << 20 {
        bomb.extend_from_slice(&member);
    }
    let inflated = (bomb.len() / member.len()) << 20;
    assert!(inflated > 1 << 30, "{inflated} bytes once inflated");
    let (store, catalog) = lake(&[("raw/bomb/a.csv.gz", bomb)]).await;
    let report = crawl(&store, &catalog, &config("s3://raw/bomb/")).await.unwrap();
    let trace = &report.traces[0].classification;
    assert_eq!((trace.classification.as_str(), trace.compression.as_deref()), ("csv", Some("gzip")), "{trace:?}");
}
