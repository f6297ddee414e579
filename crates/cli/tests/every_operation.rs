//! Walks every operation Puddle implements, from the model: every required argument missing is
//! named; every top-level argument parses from the CLI's forms (scalars, `--flag`/`--no-flag`,
//! lists as words, structures and maps as JSON and shorthand, blobs as base64, raw text with
//! `--cli-binary-format raw-in-base64-out` and `fileb://`, `file://`); `help`,
//! `--generate-cli-skeleton` (JSON and `yaml-input`), `--cli-input-json` and `--cli-input-yaml`
//! work. (Outputs are checked against the
//! output shapes in `tests/it/cli_model.rs`, where the lake runs them.)

use puddle_cli::{
    model::{kebab, Model, Service, ANY_SHAPE},
    parse_with_files, render, Command, Files, Format,
};
use serde_json::{json, Map, Value};

/// A valid sample value of a shape: enums' first value, lengths and ranges respected, required
/// members only (one member for a structure without required ones).
fn sample(service: &Service, shape: &str, depth: usize) -> Value {
    let Some(s) = service.shape(shape).filter(|_| shape != ANY_SHAPE) else { return json!({}) };
    match s.kind.as_str() {
        "string" => match s.r#enum.first() {
            Some(e) => json!(e),
            None => json!("a".repeat(s.min.unwrap_or(1.0).max(1.0) as usize)),
        },
        "integer" | "long" => json!((s.min.unwrap_or(1.0).max(1.0)).min(s.max.unwrap_or(f64::MAX)) as i64),
        "float" | "double" => json!(s.min.unwrap_or(1.0).max(1.0)),
        "boolean" => json!(true),
        "timestamp" => json!("2026-01-01T00:00:00Z"),
        "blob" => json!("aGk="),
        "list" => json!([sample(service, s.member.as_deref().unwrap_or(ANY_SHAPE), depth + 1)]),
        "map" => {
            let key = match s.key.as_deref().and_then(|k| service.shape(k)).and_then(|k| k.r#enum.first()) {
                Some(e) => e.clone(),
                None => "k".into(),
            };
            let mut m = Map::new();
            m.insert(key, sample(service, s.value.as_deref().unwrap_or(ANY_SHAPE), depth + 1));
            Value::Object(m)
        }
        "structure" if s.document => json!({"doc": 1}),
        "structure" => {
            let mut m = Map::new();
            let mut names: Vec<&String> = s.required.iter().collect();
            if names.is_empty() && depth < 6 {
                names.extend(s.members.keys().take(1));
            }
            for name in names {
                m.insert(name.clone(), sample(service, &s.members[name].shape, depth + 1));
            }
            Value::Object(m)
        }
        _ => json!(null),
    }
}

fn is_scalar(v: &Value) -> bool {
    !v.is_array() && !v.is_object()
}

/// Shorthand for a structure or map whose values are scalars or lists of scalars.
fn shorthand(v: &Value) -> Option<String> {
    let map = v.as_object().filter(|m| !m.is_empty())?;
    let mut parts = Vec::new();
    for (k, val) in map {
        let text = match val {
            Value::String(s) => s.clone(),
            Value::Array(items) if items.iter().all(is_scalar) => {
                format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| i.as_str().map_or(i.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            }
            Value::Object(_) => format!("{{{}}}", shorthand(val)?),
            other if is_scalar(other) => other.to_string(),
            _ => return None,
        };
        parts.push(format!("{k}={text}"));
    }
    Some(parts.join(","))
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

struct Op<'a> {
    service_name: &'a str,
    service: &'a Service,
    cli: String,
    input: Option<String>,
    streaming_out: bool,
}

fn operations() -> Vec<Op<'static>> {
    let model = Model::get();
    let mut out = Vec::new();
    for (name, service) in &model.services {
        for op in service.operations.values().filter(|o| o.implemented) {
            let streaming_out = op
                .output
                .as_deref()
                .and_then(|s| service.shape(s))
                .is_some_and(|s| s.members.values().any(|m| m.streaming));
            out.push(Op { service_name: name, service, cli: op.cli.clone(), input: op.input.clone(), streaming_out });
        }
    }
    assert!(out.len() >= 80, "{} implemented operations", out.len());
    out
}

/// The arguments giving every required member (from its sample), and the outfile.
fn required_args(op: &Op, files: &mut Files) -> (Vec<String>, Map<String, Value>) {
    let mut args = Vec::new();
    let mut expected = Map::new();
    let Some(shape) = op.input.as_deref().and_then(|s| op.service.shape(s)) else { return (args, expected) };
    for r in &shape.required {
        let m = &shape.members[r];
        if m.streaming {
            continue;
        }
        let v = sample(op.service, &m.shape, 1);
        args.extend(cli_words(op.service, r, &m.shape, &v));
        expected.insert(r.clone(), v);
    }
    if op.streaming_out {
        args.push("out.bin".into());
    }
    files.existing.insert("out.bin".into());
    (args, expected)
}

/// How a user types `--member value` for a value of the member's shape.
fn cli_words(service: &Service, member: &str, shape: &str, v: &Value) -> Vec<String> {
    let flag = format!("--{}", kebab(member));
    let kind = service.shape(shape).map_or("structure", |s| s.kind.as_str());
    match (kind, v) {
        ("boolean", Value::Bool(true)) => vec![flag],
        ("boolean", _) => vec![format!("--no-{}", kebab(member))],
        ("list", Value::Array(items)) if items.iter().all(is_scalar) => std::iter::once(flag)
            .chain(items.iter().map(|i| quote(&i.as_str().map_or(i.to_string(), str::to_string))))
            .collect(),
        (_, Value::String(s)) => vec![flag, quote(s)],
        (_, v) if is_scalar(v) => vec![flag, v.to_string()],
        (_, v) => vec![flag, quote(&v.to_string())],
    }
}

fn parse(op: &Op, args: &[String], files: &Files) -> Result<Command, String> {
    let line = format!("aws {} {} {}", op.service_name, op.cli, args.join(" "));
    parse_with_files(&line, files).map(|l| l.command).map_err(|e| format!("{line}\n{e}"))
}

fn input_of(cmd: Command) -> Value {
    match cmd {
        Command::Api(call) => call.input,
        other => panic!("not an API call: {other:?}"),
    }
}

#[test]
fn every_missing_required_argument_is_named() {
    for op in operations() {
        let shape = op.input.as_deref().and_then(|s| op.service.shape(s));
        let mut wanted: Vec<String> = shape
            .map(|s| {
                s.required.iter().filter(|r| !s.members[*r].streaming).map(|r| format!("--{}", kebab(r))).collect()
            })
            .unwrap_or_default();
        if op.streaming_out {
            wanted.push("outfile".into());
        }
        match parse(&op, &[], &Files::default()) {
            Ok(_) => assert!(wanted.is_empty(), "{} {} parsed without {wanted:?}", op.service_name, op.cli),
            Err(e) => {
                assert!(
                    e.ends_with(&format!("the following arguments are required: {}", wanted.join(", "))),
                    "{} {}: {e}",
                    op.service_name,
                    op.cli
                );
            }
        }
    }
}

#[test]
fn every_argument_parses_in_each_form() {
    let mut checked = 0;
    for op in operations() {
        let mut files = Files::default();
        let (base, expected_base) = required_args(&op, &mut files);
        let input = input_of(parse(&op, &base, &files).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(input, Value::Object(expected_base.clone()), "{} {}", op.service_name, op.cli);
        let Some(shape) = op.input.as_deref().and_then(|s| op.service.shape(s)) else { continue };
        for (member, m) in &shape.members {
            if shape.required.contains(member) || m.streaming || m.shape == ANY_SHAPE {
                continue;
            }
            let kind = op.service.shape(&m.shape).map(|s| s.kind.clone()).unwrap_or_default();
            let value = sample(op.service, &m.shape, 1);
            let mut forms: Vec<(Vec<String>, Value)> =
                vec![(cli_words(op.service, member, &m.shape, &value), value.clone())];
            if kind == "boolean" {
                forms.push((vec![format!("--no-{}", kebab(member))], json!(false)));
            }
            if matches!(kind.as_str(), "structure" | "map") {
                if let Some(sh) = shorthand(&value) {
                    forms.push((vec![format!("--{}", kebab(member)), quote(&sh)], value.clone()));
                }
                files.contents.insert("arg.json".into(), value.to_string().into_bytes());
                forms.push((vec![format!("--{}", kebab(member)), "file://arg.json".into()], value.clone()));
            }
            if kind == "list" {
                forms.push((vec![format!("--{}", kebab(member)), quote(&value.to_string())], value.clone()));
            }
            if kind == "string" {
                files.contents.insert("arg.txt".into(), value.as_str().unwrap_or_default().as_bytes().to_vec());
                forms.push((vec![format!("--{}", kebab(member)), "file://arg.txt".into()], value.clone()));
            }
            if kind == "blob" {
                files.contents.insert("arg.bin".into(), b"hi".to_vec());
                forms.push((vec![format!("--{}", kebab(member)), "fileb://arg.bin".into()], json!("aGk=")));
                let raw = vec![format!("--{}", kebab(member)), "hi".into(), "--cli-binary-format".into()];
                forms.push(([raw, vec!["raw-in-base64-out".into()]].concat(), json!("aGk=")));
                let bad = [base.clone(), vec![format!("--{}", kebab(member)), "'not base64!'".into()]].concat();
                let e = parse(&op, &bad, &files).unwrap_err();
                assert!(e.ends_with("Invalid base64: \"not base64!\""), "{e}");
            }
            for (words, want) in forms {
                let mut args = base.clone();
                args.extend(words.clone());
                let input = input_of(parse(&op, &args, &files).unwrap_or_else(|e| panic!("{e}")));
                assert_eq!(input.get(member), Some(&want), "{} {} {words:?}", op.service_name, op.cli);
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked} argument forms checked");
}

#[test]
fn help_skeleton_and_cli_input_json_for_every_operation() {
    for op in operations() {
        let help = parse(&op, &["help".into()], &Files::default()).unwrap();
        let Command::Help(text) = help else { panic!("help") };
        assert!(text.contains("Puddle emulates this operation."), "{}", op.cli);
        let Command::Help(skeleton) = parse(&op, &["--generate-cli-skeleton".into()], &Files::default()).unwrap()
        else {
            panic!("skeleton")
        };
        let skeleton: Value = serde_json::from_str(&skeleton).unwrap_or_else(|e| panic!("{}: {e}", op.cli));
        assert!(skeleton.is_object());
        let Command::Help(out) =
            parse(&op, &["--generate-cli-skeleton".into(), "output".into()], &Files::default()).unwrap()
        else {
            panic!("skeleton output")
        };
        assert!(serde_json::from_str::<Value>(&out).is_ok());
        // The required members given as --cli-input-json instead of arguments.
        let mut files = Files::default();
        let (_, expected) = required_args(&op, &mut files);
        let mut args = vec!["--cli-input-json".to_string(), quote(&Value::Object(expected.clone()).to_string())];
        if op.streaming_out {
            args.push("out.bin".into());
        }
        let input = input_of(parse(&op, &args, &files).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(input, Value::Object(expected.clone()), "{}", op.cli);
        // The same as block YAML (as `--output yaml` prints it) through --cli-input-yaml.
        args[0] = "--cli-input-yaml".into();
        let yaml = render(Format::Yaml, "", &Value::Object(expected.clone()));
        args[1] = quote(if yaml.is_empty() { "{}" } else { &yaml });
        let input = input_of(parse(&op, &args, &files).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(input, Value::Object(expected), "{}", op.cli);
        let Command::Help(yaml) =
            parse(&op, &["--generate-cli-skeleton".into(), "yaml-input".into()], &Files::default()).unwrap()
        else {
            panic!("yaml skeleton")
        };
        let skeleton: Value = serde_norway::from_str(&yaml).unwrap_or_else(|e| panic!("{}: {e}\n{yaml}", op.cli));
        assert!(skeleton.is_object() || yaml == "{}\n", "{}: {yaml}", op.cli);
    }
}

#[test]
fn operations_aws_has_and_puddle_does_not_are_marked() {
    let line = parse_with_files("aws kinesis enable-enhanced-monitoring --stream-name s", &Files::default()).unwrap();
    assert_eq!(
        line.command,
        Command::NotEmulated { service: "kinesis".into(), operation: "enable-enhanced-monitoring".into() }
    );
    let Command::Help(text) = parse_with_files("aws s3api put-bucket-acl help", &Files::default()).unwrap().command
    else {
        panic!()
    };
    assert!(text.contains("Puddle does not emulate s3api put-bucket-acl yet."), "{text}");
}
