//! Property tests of the SQL front end (issue 12): Athena's Hive DDL, the Redshift statements,
//! the view and format rewrites, and whole statements through [`SqlEngine::run`]. Whatever the
//! text: no panic, an answer in bounded time, and every error carries an Athena code.

use std::sync::Arc;

use object_store::{memory::InMemory, ObjectStore};
use proptest::prelude::*;
use puddle_catalog::Catalog;

use crate::{athena_ddl, projection, redshift, redshift_local, trino, views, SqlEngine};

/// SQL-looking text: keywords, names, literals and punctuation of every statement Puddle parses.
fn sqlish() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("CREATE ".to_string()),
        Just("EXTERNAL ".to_string()),
        Just("TABLE ".to_string()),
        Just("SCHEMA ".to_string()),
        Just("DATABASE ".to_string()),
        Just("VIEW ".to_string()),
        Just("AS ".to_string()),
        Just("SELECT ".to_string()),
        Just("FROM ".to_string()),
        Just("PARTITIONED BY ".to_string()),
        Just("ROW FORMAT ".to_string()),
        Just("SERDE ".to_string()),
        Just("STORED AS ".to_string()),
        Just("LOCATION ".to_string()),
        Just("TBLPROPERTIES ".to_string()),
        Just("ALTER ".to_string()),
        Just("ADD ".to_string()),
        Just("PARTITION ".to_string()),
        Just("SHOW ".to_string()),
        Just("DESCRIBE ".to_string()),
        Just("MSCK REPAIR TABLE ".to_string()),
        Just("DROP ".to_string()),
        Just("COPY ".to_string()),
        Just("IAM_ROLE ".to_string()),
        Just("FORMAT AS ".to_string()),
        Just("DATA CATALOG ".to_string()),
        Just("array<".to_string()),
        Just("struct<".to_string()),
        Just("int".to_string()),
        Just("string".to_string()),
        "[a-z_]{1,5} ",
        "'[^']{0,6}'",
        "\"[a-z]{0,4}\"",
        "`[a-z]{0,4}`",
        "[0-9]{1,4}",
        "[(),.=<>:;\\[\\]*'\"`\\\\-]",
        "--[a-z ]{0,5}\n",
        "[€’\u{a0}é ]",
    ];
    prop::collection::vec(word, 0..24).prop_map(|w| w.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn hive_ddl_and_redshift_parsers_are_total(sql in sqlish()) {
        if let Err(e) = athena_ddl::parse(&sql) {
            prop_assert_eq!(e.code(), "InvalidRequestException");
        }
        if let Err(e) = redshift::parse_create_external_schema(&sql) {
            prop_assert_eq!(e.code(), "InvalidRequestException");
        }
        if let Err(e) = redshift_local::parse_copy(&sql) {
            prop_assert_eq!(e.code(), "InvalidRequestException");
        }
        let _ = views::view_query(&sql);
    }

    #[test]
    fn unicode_text_is_total(sql in "\\PC{0,80}") {
        let _ = athena_ddl::parse(&sql);
        let _ = redshift::parse_create_external_schema(&sql);
        let _ = redshift_local::parse_copy(&sql);
        let _ = views::view_query(&sql);
        let _ = trino::mysql_to_chrono(&sql);
        let _ = projection::java_to_chrono(&sql);
    }

    #[test]
    fn format_rewrites_are_total(format in "([%][a-zA-Z%]?|[yMdHms']{1,4}|[-/: T.]|€){0,12}") {
        let _ = trino::mysql_to_chrono(&format);
        let _ = projection::java_to_chrono(&format);
    }
}

proptest! {
    // Whole statements go through DataFusion too: fewer cases, each plans a session.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn whole_statements_answer_or_fail_with_a_code(sql in sqlish()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
            let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
            catalog.create_database("default", true).await.unwrap();
            let engine = SqlEngine::new(store, catalog);
            if let Err(e) = engine.run(&sql, Some("default")).await {
                assert!(!e.code().is_empty(), "{sql}: {e}");
            }
        });
    }
}

/// Issue 12: the Hive DDL tokenizer recomputed each token's offset from the end of the text
/// (quadratic); a long statement now tokenizes in linear time.
#[test]
fn a_long_ddl_statement_parses_quickly() {
    let sql = format!("CREATE EXTERNAL TABLE t ({}) LOCATION 's3://b/t/'", vec!["c int"; 20_000].join(", "));
    let Ok(Some(athena_ddl::Statement::CreateTable(t))) = athena_ddl::parse(&sql) else { panic!("not parsed") };
    assert_eq!(t.columns.len(), 20_000);
    assert!(athena_ddl::parse(&"(".repeat(200_000)).is_ok());
}

/// Issue 12: `- -9223372036854775808` negated `i64::MIN` in `date_add`'s amount.
#[test]
fn date_add_with_the_smallest_amount_is_an_error() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let catalog = Arc::new(Catalog::load(store.clone()).await.unwrap());
        let engine = SqlEngine::new(store, catalog);
        let sql = "SELECT date_add('day', - -9223372036854775808, TIMESTAMP '2025-01-01 00:00:00')";
        let err = engine.run(sql, None).await.unwrap_err();
        assert_eq!(err.code(), "InvalidRequestException");
    });
}
