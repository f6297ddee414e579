//! The console's CreateCrawler request (the crawler wizard) and `aws glue create-crawler` go
//! through one mapping: same options, same errors.

use std::sync::Arc;

use puddle_api::{ClassifierInput, CreateCrawlerInput, Request, Response};
use puddle_lake::Lake;

async fn lake() -> Lake {
    let lake = Lake::open(Arc::new(object_store::memory::InMemory::new())).await.unwrap();
    lake.exec("aws s3 mb s3://wiz-raw").await;
    for key in ["sales/a.csv", "sales/tmp/skip.csv"] {
        lake.put_object("wiz-raw", key, b"id,region\n1,NSW\n2,VIC\n".to_vec().into(), None).await.unwrap();
    }
    lake
}

fn input(name: &str) -> CreateCrawlerInput {
    CreateCrawlerInput {
        name: name.into(),
        database: "wiz_db".into(),
        targets: vec!["s3://wiz-raw/sales/".into()],
        ..Default::default()
    }
}

async fn error_of(lake: &Lake, request: Request) -> (String, String) {
    match lake.handle(request).await {
        Response::Error(e) => (e.code, e.message),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn wizard_options_reach_the_crawler() {
    let lake = lake().await;
    let created = lake
        .handle(Request::CreateClassifier(ClassifierInput::Csv {
            name: "commas".into(),
            delimiter: Some(",".into()),
            quote_symbol: None,
            contains_header: Some("PRESENT".into()),
            header: vec![],
        }))
        .await;
    let Response::Classifiers(c) = created else { panic!("{created:?}") };
    assert_eq!(c[0].kind, "csv");
    let request = Request::CreateCrawler(CreateCrawlerInput {
        exclusions: vec!["tmp/**".into(), " ".into()],
        classifiers: vec!["commas".into()],
        update_behavior: Some("LOG".into()),
        delete_behavior: Some("LOG".into()),
        recrawl_behavior: Some("CRAWL_NEW_FOLDERS_ONLY".into()),
        schedule: Some("cron(0 3 * * ? *)".into()),
        table_prefix: "raw_".into(),
        ..input("Wiz")
    });
    let Response::Crawlers(c) = lake.handle(request.clone()).await else { panic!() };
    assert_eq!(c[0].schedule.as_deref(), Some("cron(0 3 * * ? *)"));
    assert_eq!(c[0].exclusions, ["tmp/**"]);
    let got: serde_json::Value =
        serde_json::from_str(&lake.exec("aws glue get-crawler --name Wiz").await.stdout).unwrap();
    let crawler = &got["Crawler"];
    assert_eq!(crawler["SchemaChangePolicy"]["UpdateBehavior"], "LOG");
    assert_eq!(crawler["RecrawlPolicy"]["RecrawlBehavior"], "CRAWL_NEW_FOLDERS_ONLY");
    assert_eq!(crawler["Schedule"]["ScheduleExpression"], "cron(0 3 * * ? *)");
    assert_eq!(crawler["Classifiers"][0], "commas");
    assert_eq!(crawler["TablePrefix"], "raw_");
    // The engine's AlreadyExistsException, as the wizard's review step shows it.
    assert_eq!(error_of(&lake, request).await.0, "AlreadyExistsException");

    let Response::Crawlers(c) = lake.handle(Request::StartCrawler { name: "Wiz".into() }).await else { panic!() };
    let run = c[0].last_crawl.as_ref().unwrap();
    assert_eq!(run.tables_created, ["wiz_db.raw_sales"]);
    let skipped = run.traces.iter().find(|t| t.path.ends_with("tmp/skip.csv")).unwrap();
    assert_eq!(skipped.skipped.as_deref(), Some("matches an exclusion pattern"));
}

#[tokio::test]
async fn console_and_cli_reject_the_same_definitions() {
    let lake = lake().await;
    let cli = |extra: &str| {
        format!("aws glue create-crawler --name c --role r --database-name wiz_db --targets S3Targets=[{{Path=s3://wiz-raw/sales/}}] {extra}")
    };
    let cases = [
        (
            CreateCrawlerInput { recrawl_behavior: Some("CRAWL_NEW_FOLDERS_ONLY".into()), ..input("c") },
            cli("--recrawl-policy RecrawlBehavior=CRAWL_NEW_FOLDERS_ONLY"),
        ),
        (CreateCrawlerInput { schedule: Some("rate(1 hour)".into()), ..input("c") }, cli("--schedule 'rate(1 hour)'")),
        (
            CreateCrawlerInput { schedule: Some("cron(0 3 * *)".into()), ..input("c") },
            cli("--schedule 'cron(0 3 * *)'"),
        ),
        (CreateCrawlerInput { classifiers: vec!["missing".into()], ..input("c") }, cli("--classifiers missing")),
        (CreateCrawlerInput { name: "a/b".into(), ..input("c") }, cli("").replace("--name c", "--name a/b")),
    ];
    for (request, line) in cases {
        let (code, message) = error_of(&lake, Request::CreateCrawler(request)).await;
        let out = lake.exec(&line).await;
        assert_eq!(out.exit_code, 254, "{line}");
        assert!(out.stderr.contains(&format!("({code})")), "{line}: {} vs {code}", out.stderr);
        assert!(out.stderr.contains(&message), "{line}: {} vs {message}", out.stderr);
    }
    // An enum value outside the model is refused by the CLI before the call (exit 252), and by the
    // service for the console.
    let (code, _) = error_of(
        &lake,
        Request::CreateCrawler(CreateCrawlerInput { update_behavior: Some("NOPE".into()), ..input("c") }),
    )
    .await;
    assert_eq!(code, "InvalidInputException");
    let out = lake.exec(&cli("--schema-change-policy UpdateBehavior=NOPE")).await;
    assert_eq!(out.exit_code, 252, "{}", out.stderr);
    assert!(
        out.stderr.contains("Invalid value for parameter SchemaChangePolicy.UpdateBehavior, value: NOPE"),
        "{}",
        out.stderr
    );
    let (code, message) = error_of(
        &lake,
        Request::CreateCrawler(CreateCrawlerInput { exclusions: vec!["s3://wiz-raw/sales/tmp/".into()], ..input("c") }),
    )
    .await;
    assert_eq!(code, "InvalidInputException");
    assert!(message.contains("relative"), "{message}");
}
