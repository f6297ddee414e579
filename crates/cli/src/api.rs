//! `aws <service> <operation> [arguments]` for any modelled operation: arguments from the
//! operation's input shape, as AWS CLI v2 builds them (`awscli/clidriver.py`,
//! `awscli/arguments.py`): each top-level member is `--kebab-name`, booleans are
//! `--flag`/`--no-flag`, lists take space-separated values, a streaming output takes an
//! `outfile` positional argument; plus `--cli-input-json` and `--generate-cli-skeleton`.

use serde_json::{Map, Value};

use crate::{
    argprocess::{self, Files},
    help,
    model::{kebab, Operation, Service},
    validate, Command, UsageError,
};

/// One call of a modelled operation, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// CLI service name (`s3api`, `glue`, ...).
    pub service: String,
    /// API operation name (`PutObject`).
    pub operation: String,
    /// The operation's input structure (AWS member names), checked against the model.
    pub input: Value,
    /// The `outfile` argument of an operation with a streaming output (`get-object`).
    pub outfile: Option<String>,
}

enum Arg<'a> {
    Member {
        name: &'a str,
        shape: &'a str,
        boolean: Option<bool>,
    },
    /// `--cli-input-json` or `--cli-input-yaml`.
    CliInput(&'static str),
    Skeleton,
}

/// Parses an operation's arguments (the words after `aws <service> <operation>`).
pub(crate) fn parse(
    service_name: &str,
    service: &Service,
    op_name: &str,
    op: &Operation,
    args: &[String],
    files: &Files,
    raw_blobs: bool,
) -> Result<Command, UsageError> {
    if args.iter().any(|a| a == "help") {
        return Ok(Command::Help(help::operation(service_name, service, op)));
    }
    let input_shape = op.input.as_deref().and_then(|s| service.shape(s));
    let lookup = |flag: &str| -> Option<Arg> {
        match flag {
            "cli-input-json" => return Some(Arg::CliInput("cli-input-json")),
            "cli-input-yaml" => return Some(Arg::CliInput("cli-input-yaml")),
            "generate-cli-skeleton" => return Some(Arg::Skeleton),
            _ => {}
        }
        input_shape?.members.iter().find_map(|(name, m)| {
            let boolean = service.shape(&m.shape).is_some_and(|x| x.kind == "boolean");
            let cli = kebab(name);
            let value = match flag.strip_prefix("no-") {
                _ if flag == cli => Some(true),
                Some(negated) if boolean && negated == cli => Some(false),
                _ => return None,
            };
            Some(Arg::Member { name, shape: &m.shape, boolean: value.filter(|_| boolean) })
        })
    };
    let is_list = |shape: &str| service.shape(shape).is_some_and(|s| s.kind == "list");
    let wants_outfile = help::output_is_streaming(service, op);

    let mut given: Vec<(&str, &str, Vec<String>, Option<bool>)> = Vec::new();
    let mut cli_input: Option<(&str, String)> = None;
    let mut skeleton: Option<String> = None;
    let mut outfile = None;
    let mut unknown: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let Some(flag) = word.strip_prefix("--") else {
            if wants_outfile && outfile.is_none() {
                outfile = Some(word.clone());
            } else {
                unknown.push(word.clone());
            }
            continue;
        };
        let (flag, inline) = flag.split_once('=').map_or((flag, None), |(f, v)| (f, Some(v.to_string())));
        let Some(arg) = lookup(flag) else {
            unknown.push(word.clone());
            while i < args.len() && !args[i].starts_with("--") {
                unknown.push(args[i].clone());
                i += 1;
            }
            continue;
        };
        // Glue's job arguments are themselves `--name=value`: `--arguments --job-bookmark-option=
        // job-bookmark-pause` is taken as the value (the real CLI's argparse needs
        // `--arguments=--job-...`), unless it names an option of this operation.
        let map_arg =
            matches!(&arg, Arg::Member { shape, .. } if service.shape(shape).is_some_and(|s| s.kind == "map"));
        let is_glue_argument = |v: &str| {
            map_arg
                && v.contains('=')
                && lookup(v.trim_start_matches('-').split('=').next().unwrap_or_default()).is_none()
        };

        let one_value = |i: &mut usize| -> Result<String, UsageError> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            match args.get(*i) {
                Some(v) if !v.starts_with("--") || is_glue_argument(v) => {
                    *i += 1;
                    Ok(v.clone())
                }
                _ => Err(UsageError::new(format!("argument --{flag}: expected one argument"))),
            }
        };
        match arg {
            Arg::CliInput(flag) => {
                let value = one_value(&mut i)?;
                if cli_input.replace((flag, value)).is_some_and(|(other, _)| other != flag) {
                    return Err(UsageError::plain("Only one --cli-input- parameter may be specified."));
                }
            }
            Arg::Skeleton => {
                let next = args.get(i).filter(|v| !v.starts_with("--") && inline.is_none()).inspect(|_| i += 1);
                skeleton = Some(inline.clone().or(next.cloned()).unwrap_or_else(|| "input".into()));
            }
            Arg::Member { name, shape, boolean: Some(b) } => given.push((name, shape, Vec::new(), Some(b))),
            Arg::Member { name, shape, boolean: None } if is_list(shape) && inline.is_none() => {
                let mut values = Vec::new();
                while i < args.len() && !args[i].starts_with("--") {
                    values.push(args[i].clone());
                    i += 1;
                }
                if values.is_empty() {
                    return Err(UsageError::new(format!("argument --{flag}: expected at least one argument")));
                }
                given.push((name, shape, values, None));
            }
            Arg::Member { name, shape, boolean: None } => {
                let v = one_value(&mut i)?;
                given.push((name, shape, vec![v], None));
            }
        }
    }
    if !unknown.is_empty() {
        return Err(UsageError::new(format!("Unknown options: {}", unknown.join(", "))));
    }
    if let Some(kind) = skeleton {
        let text = match kind.as_str() {
            "input" => help::skeleton(service, op.input.as_deref(), false),
            "output" => help::skeleton(service, op.output.as_deref(), true),
            "yaml-input" => help::yaml_skeleton(service, op.input.as_deref()),
            _ => {
                return Err(crate::parse::invalid_choice("--generate-cli-skeleton", &["input", "output", "yaml-input"]))
            }
        };
        return Ok(Command::Help(text));
    }
    // Every required argument missing is named at once, as argparse does.
    let mut missing: Vec<String> = match input_shape.filter(|_| cli_input.is_none()) {
        Some(s) => s
            .required
            .iter()
            .filter(|r| !given.iter().any(|(n, ..)| n == r) && !s.members.get(*r).is_some_and(|m| m.streaming))
            .map(|r| format!("--{}", kebab(r)))
            .collect(),
        None => Vec::new(),
    };
    if wants_outfile && outfile.is_none() {
        missing.push("outfile".into());
    }
    if !missing.is_empty() {
        return Err(UsageError::new(format!("the following arguments are required: {}", missing.join(", "))));
    }
    let mut input = match &cli_input {
        Some((flag, text)) => cli_input_map(flag, text, files)?,
        None => Value::Object(Map::new()),
    };
    // Blobs from --cli-input-* and from arguments as text follow --cli-binary-format.
    if let Some(shape) = op.input.as_deref() {
        argprocess::blobs(service, shape, &mut input, raw_blobs).map_err(UsageError::plain)?;
    }
    for (name, shape, words, boolean) in given {
        let streaming = input_shape.and_then(|s| s.members.get(name)).is_some_and(|m| m.streaming);
        let value = match boolean {
            Some(b) => Value::Bool(b),
            None if streaming => {
                // A streaming blob names a local file (the CLI opens it).
                let path = words.first().cloned().unwrap_or_default();
                if !files.existing.contains(&path) {
                    return Err(UsageError::plain(format!(
                        "Error parsing parameter '--{}': Blob values must be a path to a file.",
                        kebab(name)
                    )));
                }
                Value::String(path)
            }
            None => {
                let mut v = argprocess::unpack(service, &format!("--{}", kebab(name)), shape, &words, files)
                    .map_err(|e| UsageError::plain(e.to_string()))?;
                if !words.iter().any(|w| w.starts_with("fileb://")) {
                    argprocess::blobs(service, shape, &mut v, raw_blobs).map_err(UsageError::plain)?;
                }
                v
            }
        };
        input[name] = value;
    }
    if let Some(shape) = op.input.as_deref() {
        let errors = validate::validate(service, shape, &input);
        if !errors.is_empty() {
            return Err(UsageError::plain(validate::report(&errors)));
        }
    }
    Ok(Command::Api(ApiCall { service: service_name.into(), operation: op_name.into(), input, outfile }))
}

/// The object `--cli-input-json`/`--cli-input-yaml` gives (`file://` read), as
/// `awscli/customizations/cliinput.py` loads it.
fn cli_input_map(flag: &str, text: &str, files: &Files) -> Result<Value, UsageError> {
    let param = |message: String| UsageError::plain(format!("Error parsing parameter '{flag}': {message}"));
    let text =
        argprocess::paramfile(&format!("--{flag}"), text, files).map_err(|e| UsageError::plain(e.to_string()))?;
    let loaded: Option<Value> =
        if flag == "cli-input-json" { serde_json::from_str(&text).ok() } else { serde_norway::from_str(&text).ok() };
    let kind = if flag == "cli-input-json" { "JSON" } else { "YAML" };
    match loaded {
        Some(map @ Value::Object(_)) if argprocess::depth(&map) <= argprocess::MAX_JSON_DEPTH => Ok(map),
        Some(Value::Object(_)) => Err(param(format!("{kind} nested more than {} levels", argprocess::MAX_JSON_DEPTH))),
        Some(other) => Err(UsageError::plain(format!(
            "Error parsing parameter '--{flag}': Invalid type: expecting map, received {}",
            crate::validate::type_name(&other)
        ))),
        None => Err(param(format!("Invalid {kind} received."))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{format::Format, parse, Command};

    fn input(line: &str) -> serde_json::Value {
        match parse(line).unwrap_or_else(|e| panic!("{line}: {e}")).command {
            Command::Api(call) => call.input,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn err(line: &str) -> String {
        parse(line).unwrap_err().to_string()
    }

    #[test]
    fn the_course_lines_parse_into_aws_inputs() {
        assert_eq!(
            input(
                r#"aws glue create-crawler --name SalesCrawler --role r --database-name sales_db --targets '{"S3Targets":[{"Path":"s3://data-lake-raw-123/"}]}'"#
            ),
            json!({"Name": "SalesCrawler", "Role": "r", "DatabaseName": "sales_db",
                   "Targets": {"S3Targets": [{"Path": "s3://data-lake-raw-123/"}]}})
        );
        assert_eq!(
            input("aws glue create-crawler --name c --role r --targets S3Targets=[{Path=s3://b/x/}] --classifiers a b"),
            json!({"Name": "c", "Role": "r", "Targets": {"S3Targets": [{"Path": "s3://b/x/"}]}, "Classifiers": ["a", "b"]})
        );
        assert_eq!(
            input(
                "aws s3api restore-object --bucket b --key k --restore-request Days=2,GlacierJobParameters={Tier=Bulk}"
            ),
            json!({"Bucket": "b", "Key": "k", "RestoreRequest": {"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}}})
        );
        assert_eq!(
            input("aws glue start-job-run --job-name J --arguments --job-bookmark-option=job-bookmark-pause"),
            json!({"JobName": "J", "Arguments": {"--job-bookmark-option": "job-bookmark-pause"}})
        );
        assert_eq!(
            input("aws glue create-trigger --name t --type ON_DEMAND --actions JobName=J --start-on-creation"),
            json!({"Name": "t", "Type": "ON_DEMAND", "Actions": [{"JobName": "J"}], "StartOnCreation": true})
        );
        assert_eq!(input("aws s3api list-objects-v2 --bucket b --max-keys=2")["MaxKeys"], 2);
    }

    #[test]
    fn usage_errors_as_the_cli_prints_them() {
        assert!(err("aws s3api get-object").ends_with("the following arguments are required: --bucket, --key, outfile"));
        assert!(err("aws s3api list-buckets --bogus 1 --other").ends_with("Unknown options: --bogus, 1, --other"));
        assert!(err("aws s3api list-objects-v2 --bucket b --max-keys ten")
            .contains("Error parsing parameter '--max-keys': invalid literal for int() with base 10: 'ten'"));
        assert!(err("aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=On")
            .starts_with("\nParameter validation failed:\nInvalid value for parameter VersioningConfiguration.Status"));
        assert!(err("aws glue create-database --database-input '{bad'").contains("Invalid JSON"));
        assert!(err("aws s3api list-buckets --output xml").contains("argument --output: Invalid choice"));
        assert!(err("aws s3api list-buckets --query 'Buckets['").contains("Bad value for --query"));
        assert!(err("aws s3api frob").contains("argument operation: Invalid choice, valid choices are:"));
        assert!(err("aws s3api put-object --bucket b --key k --body nope.bin").contains("Blob values must be a path"));
    }

    #[test]
    fn kinesis_and_firehose_course_lines() {
        assert_eq!(
            input("aws kinesis create-stream --stream-name realTimeSales --shard-count 1"),
            json!({"StreamName": "realTimeSales", "ShardCount": 1})
        );
        let data = "eyJpZCI6IjEyMyIsICJyZWdpb24iOiJOU1ciLCAiYW1vdW50IjogMjAwfQ==";
        assert_eq!(
            input(&format!(
                r#"aws kinesis put-record --stream-name realTimeSales --partition-key "sales" --data "{data}""#
            )),
            json!({"StreamName": "realTimeSales", "PartitionKey": "sales", "Data": data})
        );
        assert_eq!(
            input("aws firehose put-record-batch --delivery-stream-name d --records Data=aGk= Data=eA=="),
            json!({"DeliveryStreamName": "d", "Records": [{"Data": "aGk="}, {"Data": "eA=="}]})
        );
    }

    #[test]
    fn cli_binary_format_as_cli_v2() {
        let put = |rest: &str| format!("aws kinesis put-record --stream-name s --partition-key p {rest}");
        // The default, base64: text that is not base64 is refused as awscli's binaryformat.py words it.
        assert_eq!(err(&put(r#"--data '{"id":1}'"#)), "\nInvalid base64: \"{\"id\":1}\"");
        assert!(err(&put("--data abcde")).contains("Invalid base64: \"abcde\""), "one char past a group of 4");
        assert!(err(&put("--data aGk")).contains("Invalid base64"), "missing padding");
        // Python's b64decode skips characters outside the alphabet and stops at the padding.
        assert_eq!(input(&put("--data 'aG k=\n'"))["Data"], "aGk=");
        assert_eq!(input(&put("--data aGk=trailing"))["Data"], "aGk=");
        assert_eq!(input(&put("--data aGl="))["Data"], "aGk=", "trailing bits are ignored");
        // raw-in-base64-out: the text is the bytes, base64-encoded into the input.
        let raw = |rest: &str| input(&format!("{} --cli-binary-format raw-in-base64-out", put(rest)));
        assert_eq!(raw(r#"--data '{"id":1}'"#)["Data"], "eyJpZCI6MX0=");
        assert_eq!(raw("--data=héllo")["Data"], "aMOpbGxv");
        // Nested blobs (shorthand, JSON, --cli-input-json) follow the same format.
        let batch = "aws firehose put-record-batch --delivery-stream-name d --records";
        assert_eq!(
            input(&format!("{batch} Data=abc --cli-binary-format=raw-in-base64-out"))["Records"],
            json!([{"Data": "YWJj"}])
        );
        assert!(err(&format!(r#"{batch} '[{{"Data": "a"}}]'"#)).contains(r#"Invalid base64: "a""#));
        let json_input = r#"--cli-input-json '{"DeliveryStreamName": "d", "Records": [{"Data": "x y"}]}'"#;
        assert_eq!(
            input(&format!("aws firehose put-record-batch {json_input} --cli-binary-format raw-in-base64-out"))
                ["Records"][0]["Data"],
            "eCB5"
        );
        // fileb:// is raw bytes either way.
        let mut files = crate::Files::default();
        files.contents.insert("r.bin".into(), vec![0xff, 0x00, b'{']);
        for format in ["base64", "raw-in-base64-out"] {
            let line = format!("{} --cli-binary-format {format}", put("--data fileb://r.bin"));
            let Command::Api(call) = crate::parse_with_files(&line, &files).unwrap().command else { panic!() };
            assert_eq!(call.input["Data"], "/wB7", "{format}");
        }
        assert!(err("aws kinesis list-streams --cli-binary-format raw")
            .contains("aws: error: argument --cli-binary-format: Invalid choice, valid choices are:\n\nbase64 "));
    }

    #[test]
    fn cli_input_yaml_as_cli_v2() {
        let yaml = "StreamName: s\nShardCount: 2\nStreamModeDetails:\n  StreamMode: PROVISIONED\n";
        assert_eq!(
            input(&format!("aws kinesis create-stream --cli-input-yaml '{yaml}'")),
            json!({"StreamName": "s", "ShardCount": 2, "StreamModeDetails": {"StreamMode": "PROVISIONED"}})
        );
        // Arguments on the command line win over the YAML's values.
        assert_eq!(
            input(&format!("aws kinesis create-stream --cli-input-yaml '{yaml}' --shard-count 3"))["ShardCount"],
            3
        );
        let mut files = crate::Files::default();
        files.contents.insert("in.yaml".into(), b"Records:\n- Data: aGk=\n  PartitionKey: p\nStreamName: s\n".to_vec());
        let Command::Api(call) =
            crate::parse_with_files("aws kinesis put-records --cli-input-yaml file://in.yaml", &files).unwrap().command
        else {
            panic!()
        };
        assert_eq!(call.input, json!({"StreamName": "s", "Records": [{"Data": "aGk=", "PartitionKey": "p"}]}));
        assert_eq!(
            err("aws kinesis list-streams --cli-input-yaml 'a: ['"),
            "\nError parsing parameter 'cli-input-yaml': Invalid YAML received."
        );
        assert_eq!(
            err("aws kinesis list-streams --cli-input-yaml '[1]'"),
            "\nError parsing parameter '--cli-input-yaml': Invalid type: expecting map, received <class 'list'>"
        );
        assert_eq!(
            err("aws kinesis list-streams --cli-input-json '{' "),
            "\nError parsing parameter 'cli-input-json': Invalid JSON received."
        );
        assert_eq!(
            err("aws kinesis list-streams --cli-input-json '{}' --cli-input-yaml 'A: 1'"),
            "\nOnly one --cli-input- parameter may be specified."
        );
        assert!(err("aws kinesis list-streams --cli-input-yaml 'Limit: x'")
            .contains("Invalid type for parameter Limit, value: x"));
    }

    #[test]
    fn yaml_input_skeleton_as_cli_v2() {
        // The layout of the CLI's documented `--generate-cli-skeleton yaml-input` output: block
        // YAML, `  # [REQUIRED] ...` comments, enums' valid values (the model keeps no member docs).
        let Command::Help(text) =
            parse("aws s3api put-bucket-versioning --generate-cli-skeleton yaml-input").unwrap().command
        else {
            panic!()
        };
        assert!(
            text.starts_with("Bucket: ''  # [REQUIRED]\nChecksumAlgorithm: CRC32  # Valid values are: CRC32, "),
            "{text}"
        );
        assert!(
            text.ends_with(
                "VersioningConfiguration:  # [REQUIRED]\n  MFADelete: Enabled  # Valid values are: Enabled, Disabled.\n  \
                 Status: Enabled  # Valid values are: Enabled, Suspended.\n"
            ),
            "{text}"
        );
        let Command::Help(text) = parse("aws kinesis put-records --generate-cli-skeleton yaml-input").unwrap().command
        else {
            panic!()
        };
        assert!(text.contains("Records:  # [REQUIRED]\n- Data: ''  # [REQUIRED]\n  ExplicitHashKey: ''\n"), "{text}");
        // What it prints reads back through --cli-input-yaml.
        let filled = text.replace("StreamName: ''", "StreamName: s").replace("Data: ''", "Data: aGk=");
        let filled: Vec<&str> = filled.lines().filter(|l| !l.contains("''")).collect();
        assert_eq!(
            input(&format!("aws kinesis put-records --cli-input-yaml '{}'", filled.join("\n"))),
            json!({"DryRun": true, "Records": [{"Data": "aGk="}], "StreamName": "s"})
        );
        assert!(err("aws s3api list-buckets --generate-cli-skeleton json")
            .contains("argument --generate-cli-skeleton: Invalid choice, valid choices are:"));
    }

    #[test]
    fn global_options_anywhere() {
        let line = parse("aws --region us-east-1 s3api list-buckets --output table --query Buckets --no-cli-pager --endpoint-url http://x").unwrap();
        assert_eq!(line.output, Format::Table);
        assert_eq!(line.query.as_deref(), Some("Buckets"));
        assert_eq!(line.notes.len(), 1);
        assert!(matches!(line.command, Command::Api(_)));
    }
}
