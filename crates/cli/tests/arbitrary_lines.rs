//! Bad input must never panic or hang: arbitrary lines, and arbitrary shorthand and JSON values
//! for real arguments, give a parsed line or a usage error.

use proptest::prelude::*;
use puddle_cli::{parse_with_files, Files};

/// Words a hostile or confused user may type, mixed with real ones.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("aws".to_string()),
        Just("s3api".to_string()),
        Just("glue".to_string()),
        Just("athena".to_string()),
        Just("events".to_string()),
        Just("put-object".to_string()),
        Just("create-crawler".to_string()),
        Just("--bucket".to_string()),
        Just("--targets".to_string()),
        Just("--query".to_string()),
        Just("--output".to_string()),
        Just("--cli-input-json".to_string()),
        Just("--generate-cli-skeleton".to_string()),
        Just("help".to_string()),
        "[a-zA-Z0-9=,{}\\[\\]'\"\\\\:._/@ -]{0,24}",
        any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z=,{}\\[\\]'\" \\\\]{0,40}",
        "[\\[{]{0,200}",
        any::<String>(),
        Just("S3Targets=[{Path=s3://b/}]".to_string()),
        Just("{\"a\":".repeat(60)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_lines_never_panic(words in proptest::collection::vec(word(), 0..8)) {
        let line = format!("aws {}", words.join(" "));
        let _ = parse_with_files(&line, &Files::default());
    }

    #[test]
    fn arbitrary_structure_values_never_panic(v in value()) {
        for flag in ["--targets", "--schema-change-policy", "--classifiers", "--name", "--cli-input-json"] {
            let words = vec!["aws".to_string(), "glue".into(), "create-crawler".into(), flag.to_string(), v.clone()];
            let line = shell_quote(&words);
            let _ = parse_with_files(&line, &Files::default());
        }
        let words = vec!["aws".to_string(), "s3api".into(), "list-buckets".into(), "--query".into(), v.clone()];
        let _ = parse_with_files(&shell_quote(&words), &Files::default());
    }
}

fn shell_quote(words: &[String]) -> String {
    words.iter().map(|w| format!("'{}'", w.replace('\'', "'\\''"))).collect::<Vec<_>>().join(" ")
}
