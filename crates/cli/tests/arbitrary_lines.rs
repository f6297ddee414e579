//! Bad input must never panic or hang: arbitrary lines, and arbitrary shorthand and JSON values
//! for real arguments, give a parsed line or a usage error.

use base64::Engine as _;
use proptest::prelude::*;
use puddle_cli::{parse, parse_with_files, Command, Files};

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
        Just("--cli-input-yaml".to_string()),
        Just("--cli-binary-format".to_string()),
        Just("raw-in-base64-out".to_string()),
        Just("yaml-input".to_string()),
        Just("kinesis".to_string()),
        Just("put-records".to_string()),
        Just("--data".to_string()),
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
        Just("- ".repeat(200)),
        Just("a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]".to_string()),
        "[A-Za-z0-9:&*!|>#'\"\\[\\]{}, \n-]{0,60}",
    ]
}

/// The `Data` blob of a put-record line, as the lake receives it.
fn data_of(line: &str) -> Result<String, String> {
    match parse(line).map_err(|e| e.to_string())?.command {
        Command::Api(call) => Ok(call.input["Data"].as_str().unwrap_or_default().to_string()),
        other => Err(format!("{other:?}")),
    }
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
        for op in ["put-records", "create-stream"] {
            let words = vec!["aws".to_string(), "kinesis".into(), op.into(), "--cli-input-yaml".into(), v.clone()];
            let _ = parse_with_files(&shell_quote(&words), &Files::default());
        }
    }

    #[test]
    fn raw_blobs_reach_the_lake_as_their_base64(text in "[^\u{0}]{1,60}") {
        let words = ["aws", "kinesis", "put-record", "--stream-name", "s", "--partition-key", "p",
            "--cli-binary-format", "raw-in-base64-out", &format!("--data={text}")].map(String::from);
        let data = data_of(&shell_quote(&words)).map_err(TestCaseError::fail)?;
        prop_assert_eq!(base64::engine::general_purpose::STANDARD.decode(data).unwrap(), text.as_bytes());
    }

    #[test]
    fn base64_blobs_are_kept_or_refused(bytes in proptest::collection::vec(any::<u8>(), 1..48), junk in "[^\u{0}]{1,20}") {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let line = |data: &str| shell_quote(&["aws", "kinesis", "put-record", "--stream-name", "s",
            "--partition-key", "p", "--data", data].map(String::from));
        prop_assert_eq!(data_of(&line(&encoded)), Ok(encoded));
        // Anything else is base64 by Python's rules or `Invalid base64: "..."`, never a panic.
        if let Err(e) = data_of(&line(&format!("A{junk}"))) {
            prop_assert!(e.contains("Invalid base64: "), "{}", e);
        }
    }
}

fn shell_quote(words: &[String]) -> String {
    words.iter().map(|w| format!("'{}'", w.replace('\'', "'\\''"))).collect::<Vec<_>>().join(" ")
}
