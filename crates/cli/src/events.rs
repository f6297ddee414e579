//! `aws events <operation>`: EventBridge rules and targets.

use serde_json::Value;

use crate::{
    params::{json_param, split_list_option as split_multi, Params},
    parse::usage,
    Command, UsageError,
};

const OPERATIONS: &str = "delete-rule | describe-rule | disable-rule | enable-rule | list-rules | \
list-targets-by-rule | put-rule | put-targets | remove-targets";

/// One EventBridge target of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTarget {
    /// Target id, unique within the rule.
    pub id: String,
    /// ARN of what to run (`arn:aws:glue:<region>:<account>:job/<name>` or `...:crawler/<name>`).
    pub arn: String,
}

/// The EventBridge operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Events {
    /// `put-rule --name N [--event-pattern JSON] [--schedule-expression E] [--state S] [--description D]`
    PutRule {
        /// Rule name.
        name: String,
        /// Event pattern JSON text.
        event_pattern: Option<String>,
        /// `cron(...)` or `rate(...)`.
        schedule_expression: Option<String>,
        /// `ENABLED` (default) or `DISABLED`.
        state: Option<String>,
        /// Description.
        description: Option<String>,
    },
    /// `put-targets --rule R --targets Id=1,Arn=...` (or a JSON list)
    PutTargets {
        /// Rule name.
        rule: String,
        /// Targets to add or replace.
        targets: Vec<EventTarget>,
    },
    /// `list-rules [--name-prefix P]`
    ListRules {
        /// Name prefix.
        name_prefix: Option<String>,
    },
    /// `describe-rule --name N`
    DescribeRule {
        /// Rule name.
        name: String,
    },
    /// `delete-rule --name N`
    DeleteRule {
        /// Rule name.
        name: String,
    },
    /// `enable-rule --name N` / `disable-rule --name N`
    SetRuleState {
        /// Rule name.
        name: String,
        /// Enable or disable.
        enabled: bool,
    },
    /// `list-targets-by-rule --rule R`
    ListTargetsByRule {
        /// Rule name.
        rule: String,
    },
    /// `remove-targets --rule R --ids A B`
    RemoveTargets {
        /// Rule name.
        rule: String,
        /// Target ids.
        ids: Vec<String>,
    },
}

/// Parses the arguments after `aws events`.
pub(crate) fn parse_events(args: &[&str]) -> Result<Command, UsageError> {
    let Some((op, args)) = args.split_first() else {
        return usage("the following arguments are required: operation");
    };
    let op = match *op {
        "put-rule" => {
            let p = Params::parse(args, &["name", "event-pattern", "schedule-expression", "state", "description"])?;
            let event_pattern = p.optional("event-pattern");
            if let Some(text) = &event_pattern {
                json_param("event-pattern", text)?;
            }
            let schedule_expression = p.optional("schedule-expression");
            if event_pattern.is_none() && schedule_expression.is_none() {
                return usage("put-rule needs --event-pattern or --schedule-expression");
            }
            Events::PutRule {
                name: p.required("name")?,
                event_pattern,
                schedule_expression,
                state: p.optional("state"),
                description: p.optional("description"),
            }
        }
        "put-targets" => {
            // `--targets` takes one or more shorthand structures, or a JSON list.
            let (targets_text, rest) = split_multi(args, "targets");
            let p = Params::parse(&rest, &["rule"])?;
            if targets_text.is_empty() {
                return usage("the following arguments are required: --targets");
            }
            Events::PutTargets { rule: p.required("rule")?, targets: targets(&targets_text)? }
        }
        "list-rules" => {
            Events::ListRules { name_prefix: Params::parse(args, &["name-prefix"])?.optional("name-prefix") }
        }
        "describe-rule" => Events::DescribeRule { name: Params::parse(args, &["name"])?.required("name")? },
        "delete-rule" => Events::DeleteRule { name: Params::parse(args, &["name"])?.required("name")? },
        "enable-rule" => {
            Events::SetRuleState { name: Params::parse(args, &["name"])?.required("name")?, enabled: true }
        }
        "disable-rule" => {
            Events::SetRuleState { name: Params::parse(args, &["name"])?.required("name")?, enabled: false }
        }
        "list-targets-by-rule" => Events::ListTargetsByRule { rule: Params::parse(args, &["rule"])?.required("rule")? },
        "remove-targets" => {
            let (ids, rest) = split_multi(args, "ids");
            let p = Params::parse(&rest, &["rule"])?;
            if ids.is_empty() {
                return usage("the following arguments are required: --ids");
            }
            Events::RemoveTargets { rule: p.required("rule")?, ids: ids.iter().map(|s| s.to_string()).collect() }
        }
        other => {
            return usage(format!("argument operation: Invalid choice '{other}', valid choices are:\n\n{OPERATIONS}"))
        }
    };
    Ok(Command::Events(op))
}

fn targets(texts: &[&str]) -> Result<Vec<EventTarget>, UsageError> {
    let mut out = Vec::new();
    for text in texts {
        if text.trim_start().starts_with('[') || text.trim_start().starts_with('{') {
            let v = json_param("targets", text)?;
            let items = match v {
                Value::Array(items) => items,
                one => vec![one],
            };
            for item in items {
                let (Some(id), Some(arn)) =
                    (item.get("Id").and_then(Value::as_str), item.get("Arn").and_then(Value::as_str))
                else {
                    return usage(format!("argument --targets: each target needs Id and Arn: {item}"));
                };
                out.push(EventTarget { id: id.into(), arn: arn.into() });
            }
        } else {
            let mut id = None;
            let mut arn = None;
            for pair in text.split(',') {
                match pair.split_once('=') {
                    Some(("Id", v)) => id = Some(v.to_string()),
                    Some(("Arn", v)) => arn = Some(v.to_string()),
                    Some((_, _)) => {}
                    None => return usage(format!("argument --targets: expected Id=..,Arn=.., got '{text}'")),
                }
            }
            let (Some(id), Some(arn)) = (id, arn) else {
                return usage(format!("argument --targets: each target needs Id and Arn, got '{text}'"));
            };
            out.push(EventTarget { id, arn });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn events(line: &str) -> Events {
        match parse(line) {
            Ok(Command::Events(e)) => e,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn rules_and_targets() {
        let Events::PutRule { name, event_pattern, .. } = events(
            r#"aws events put-rule --name raw-uploads --event-pattern '{"source":["aws.s3"],"detail-type":["Object Created"]}'"#,
        ) else {
            panic!()
        };
        assert_eq!(name, "raw-uploads");
        assert!(event_pattern.unwrap().contains("aws.s3"));
        assert_eq!(
            events("aws events put-targets --rule raw-uploads --targets Id=1,Arn=arn:aws:glue:us-east-1:123456789012:job/T Id=2,Arn=x"),
            Events::PutTargets {
                rule: "raw-uploads".into(),
                targets: vec![
                    EventTarget { id: "1".into(), arn: "arn:aws:glue:us-east-1:123456789012:job/T".into() },
                    EventTarget { id: "2".into(), arn: "x".into() }
                ]
            }
        );
        assert_eq!(
            events(r#"aws events put-targets --rule r --targets '[{"Id":"a","Arn":"b"}]'"#),
            Events::PutTargets { rule: "r".into(), targets: vec![EventTarget { id: "a".into(), arn: "b".into() }] }
        );
        assert_eq!(
            events("aws events remove-targets --rule r --ids a b"),
            Events::RemoveTargets { rule: "r".into(), ids: vec!["a".into(), "b".into()] }
        );
    }

    #[test]
    fn bad_lines() {
        for (line, why) in [
            ("aws events put-rule --name r", "--event-pattern or --schedule-expression"),
            ("aws events put-rule --name r --event-pattern '{bad'", "Invalid JSON"),
            ("aws events put-targets --rule r", "--targets"),
            ("aws events put-targets --rule r --targets Id=1", "Id and Arn"),
            ("aws events frobnicate", "Invalid choice"),
        ] {
            let err = parse(line).unwrap_err().to_string();
            assert!(err.contains(why), "{line}: {err}");
        }
    }
}
