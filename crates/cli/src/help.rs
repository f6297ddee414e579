//! `aws help`, `aws <service> help`, `aws <service> <operation> help` and
//! `--generate-cli-skeleton`, from the model. The real CLI prints man pages; these are the
//! same sections in plain text, saying which operations Puddle emulates.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::{
    model::{kebab, Model, Operation, Service, ANY_SHAPE},
    yaml::Comments,
};

/// The high-level `aws s3` commands (custom, as in the real CLI).
pub(crate) const S3_COMMANDS: [(&str, &str); 8] = [
    ("cp", "Copies a local file or S3 object to another location locally or in S3."),
    ("ls", "List S3 objects and common prefixes under a prefix or all S3 buckets."),
    ("mb", "Creates an S3 bucket."),
    ("mv", "Moves a local file or S3 object to another location locally or in S3."),
    ("rb", "Deletes an empty S3 bucket (or, with --force, its objects first)."),
    ("rm", "Deletes an S3 object (or, with --recursive, every object under a prefix)."),
    ("sync", "Syncs directories and S3 prefixes."),
    ("help", "Lists these commands."),
];

/// `aws help`.
pub fn top() -> String {
    let model = Model::get();
    let mut out = String::from(
        "AWS()\n\nNAME\n       aws -\n\nDESCRIPTION\n       The  AWS  Command  Line  Interface is a unified tool to manage your AWS\n       \
         services. Puddle's copy is driven by the AWS service models (botocore ",
    );
    let _ = write!(
        out,
        "{}).\n\nSYNOPSIS\n          aws [options] <command> <subcommand> [parameters]\n\n",
        model.botocore
    );
    out.push_str("GLOBAL OPTIONS\n       --output (json | text | table | yaml | yaml-stream)\n       --query (JMESPath)\n       \
                  --cli-binary-format (base64 | raw-in-base64-out)\n       --region, --profile, --endpoint-url, --no-cli-pager, --debug (accepted; Puddle has one region and no network)\n\n");
    out.push_str("AVAILABLE SERVICES\n");
    let mut names: Vec<(&str, String)> = model
        .services
        .iter()
        .map(|(name, s)| {
            let n = s.operations.values().filter(|o| o.implemented).count();
            let mark = if n == 0 { "not emulated yet".to_string() } else { format!("{n} operations emulated") };
            (name.as_str(), mark)
        })
        .collect();
    names.push(("s3", "high-level S3 commands".into()));
    names.sort();
    for (name, mark) in names {
        let _ = writeln!(out, "       o {name:<16} {mark}");
    }
    out
}

/// `aws <service> help`.
pub fn service(name: &str, service: &Service) -> String {
    let mut out = format!(
        "{}()\n\nNAME\n       {name} -\n\nDESCRIPTION\n       {}\n       {}\n\n",
        name.to_uppercase(),
        service.full_name,
        service.summary
    );
    out.push_str("AVAILABLE COMMANDS\n");
    let mut ops: Vec<&Operation> = service.operations.values().collect();
    ops.sort_by(|a, b| a.cli.cmp(&b.cli));
    for op in ops {
        let mark = if op.implemented { "[Puddle]" } else { "[not emulated]" };
        let _ = writeln!(out, "       o {} {mark}\n         {}", op.cli, op.summary);
    }
    out
}

/// `aws s3 help`.
pub fn s3() -> String {
    let mut out = String::from("S3()\n\nNAME\n       s3 -\n\nDESCRIPTION\n       High-level S3 commands (custom, as in the real CLI; the API is `aws s3api`).\n\nAVAILABLE COMMANDS\n");
    for (name, summary) in S3_COMMANDS {
        let _ = writeln!(out, "       o {name}\n         {summary}");
    }
    out
}

/// `aws <service> <operation> help`.
pub fn operation(service_name: &str, service: &Service, op: &Operation) -> String {
    let mut out = format!(
        "{}()\n\nNAME\n       {} -\n\nDESCRIPTION\n       {}\n\n       {}\n\nSYNOPSIS\n            {}\n",
        op.cli.to_uppercase(),
        op.cli,
        op.summary,
        if op.implemented {
            "Puddle emulates this operation.".to_string()
        } else {
            format!("Puddle does not emulate {service_name} {} yet.", op.cli)
        },
        op.cli
    );
    let input = op.input.as_deref().and_then(|s| service.shape(s));
    let mut options = String::new();
    if let Some(input) = input {
        for (member, m) in &input.members {
            let required = input.required.contains(member);
            let shape = service.shape(&m.shape);
            let kind = if m.shape == ANY_SHAPE { "JSON" } else { shape.map_or("JSON", |s| s.kind.as_str()) };
            let flag = kebab(member);
            let synopsis =
                if kind == "boolean" { format!("--{flag} | --no-{flag}") } else { format!("--{flag} <value>") };
            let _ = writeln!(out, "          {}", if required { synopsis } else { format!("[{synopsis}]") });
            let _ = writeln!(options, "       --{flag} ({kind}){}", if required { " [required]" } else { "" });
            if let Some(s) = shape.filter(|s| !s.r#enum.is_empty()) {
                let _ =
                    writeln!(options, "          Possible values:\n          o {}", s.r#enum.join("\n          o "));
            }
            if let Some((s, min, max)) = shape.and_then(|s| Some((s, s.min?, s.max?))) {
                let number = matches!(s.kind.as_str(), "integer" | "long" | "float" | "double");
                let _ = writeln!(
                    options,
                    "          Constraints: {} {min} to {max}",
                    if number { "value" } else { "length" }
                );
            }
        }
    }
    if output_is_streaming(service, op) {
        out.push_str("          <outfile>\n");
        options.push_str("       outfile (string) [required]\n          The local file the body is written to.\n");
    }
    out.push_str(
        "          [--cli-input-json | --cli-input-yaml <value>]\n          [--generate-cli-skeleton <value>]\n\n",
    );
    out.push_str("OPTIONS\n");
    out.push_str(&options);
    out.push_str("       --cli-input-json | --cli-input-yaml (string)\n          The operation's input as JSON or YAML; arguments given on the command line override it.\n");
    out.push_str("       --generate-cli-skeleton (string)\n          Prints a skeleton of the input as JSON (`input`, default) or YAML (`yaml-input`), or of the output (`output`).\n");
    out
}

/// The operation's output has a streaming blob, so it takes an `outfile` positional argument.
pub(crate) fn output_is_streaming(service: &Service, op: &Operation) -> bool {
    op.output.as_deref().and_then(|s| service.shape(s)).is_some_and(|s| s.members.values().any(|m| m.streaming))
}

/// `--generate-cli-skeleton input|output` (botocore's `ArgumentGenerator`, member names as
/// string values for `output`).
pub fn skeleton(service: &Service, shape: Option<&str>, member_names: bool) -> String {
    let Some(shape) = shape else { return "{}\n".into() };
    let mut g = Generator { service, names: member_names, comments: None, stack: Vec::new() };
    format!("{}\n", crate::format::json(&g.generate(shape, "", "")))
}

/// `--generate-cli-skeleton yaml-input` (`YAMLArgumentGenerator` in awscli v2): the input
/// skeleton as block YAML, each member commented `[REQUIRED]` and with its valid values (the
/// model keeps no member documentation, which the real CLI adds to the comment); blobs `''`.
pub fn yaml_skeleton(service: &Service, shape: Option<&str>) -> String {
    let Some(shape) = shape else { return "{}\n".into() };
    let mut g = Generator { service, names: false, comments: Some(Comments::new()), stack: Vec::new() };
    let value = g.generate(shape, "", "");
    crate::yaml::dump_commented(&value, &g.comments.unwrap_or_default())
}

/// botocore's `ArgumentGenerator`; with `comments`, awscli's `YAMLArgumentGenerator`.
struct Generator<'a> {
    service: &'a Service,
    names: bool,
    comments: Option<Comments>,
    stack: Vec<String>,
}

impl Generator<'_> {
    /// A sample value of shape `name`, for `member` at the dotted path `at`.
    fn generate(&mut self, name: &str, member: &str, at: &str) -> Value {
        let Some(shape) = self.service.shape(name).filter(|_| name != ANY_SHAPE) else { return json!({}) };
        self.stack.push(name.to_string());
        let path = |m: &str| if at.is_empty() { m.to_string() } else { format!("{at}.{m}") };
        let v = match shape.kind.as_str() {
            "structure" if self.stack.iter().filter(|s| *s == name).count() > 1 => json!({}),
            "structure" => {
                let mut map = Map::new();
                for (m, ms) in &shape.members {
                    let required = shape.required.contains(m).then(|| "[REQUIRED]".to_string());
                    let values = self.service.shape(&ms.shape).filter(|s| !s.r#enum.is_empty());
                    let values = values.map(|s| format!("Valid values are: {}.", s.r#enum.join(", ")));
                    let comment: Vec<String> = required.into_iter().chain(values).collect();
                    if let Some(comments) = self.comments.as_mut().filter(|_| !comment.is_empty()) {
                        comments.insert(path(m), comment.join(" "));
                    }
                    map.insert(m.clone(), self.generate(&ms.shape, m, &path(m)));
                }
                Value::Object(map)
            }
            "list" => json!([self.generate(shape.member.as_deref().unwrap_or(ANY_SHAPE), "", at)]),
            "map" => {
                json!({"KeyName": self.generate(shape.value.as_deref().unwrap_or(ANY_SHAPE), "", &path("KeyName"))})
            }
            "string" if self.names => json!(member),
            "string" => json!(shape.r#enum.first().cloned().unwrap_or_default()),
            "integer" | "long" => json!(0),
            "float" | "double" => json!(0.0),
            "boolean" => json!(true),
            "timestamp" => json!("1970-01-01T00:00:00"),
            "blob" if self.comments.is_some() => json!(""),
            _ => Value::Null,
        };
        self.stack.pop();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_as_botocore_generates_it() {
        let s3 = Model::get().service("s3api").unwrap();
        let text = skeleton(s3, Some("PutBucketVersioningRequest"), false);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["Bucket"], "");
        assert_eq!(v["VersioningConfiguration"]["Status"], "Enabled");
        assert_eq!(v["VersioningConfiguration"]["MFADelete"], "Enabled");
        let text = skeleton(s3, Some("RestoreObjectRequest"), false);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["RestoreRequest"]["Days"], 0);
        assert!(text.starts_with("{\n    \""), "{text}");
    }

    #[test]
    fn help_lists_and_marks() {
        let m = Model::get();
        assert!(top().contains("o glue "));
        let glue = m.service("glue").unwrap();
        let text = service("glue", glue);
        assert!(text.contains("o create-database [Puddle]"), "{text}");
        assert!(text.contains("o create-workflow [not emulated]"), "{text}");
        let (_, op) = m.service("s3api").unwrap().operation_by_cli("get-object").unwrap();
        let text = operation("s3api", m.service("s3api").unwrap(), op);
        assert!(text.contains("--bucket (string) [required]"), "{text}");
        assert!(text.contains("<outfile>"), "{text}");
        assert!(text.contains("o COMPLETE") || text.contains("Possible values"), "{text}");
    }
}
