//! `aws events ...` and `puddle clock ...`, printed as the AWS CLI prints them.

use puddle_api::ExecOutput;
use puddle_cli::Events;
use serde_json::{json, Value};

use crate::{
    eventbridge::{Rule, RuleTarget},
    exec::{json_output, service_failure},
    Lake,
};

fn rule_json(rule: &Rule) -> Value {
    let mut out = json!({ "Name": rule.name, "Arn": rule.arn(), "State": rule.state, "EventBusName": "default" });
    if let Some(p) = &rule.event_pattern {
        out["EventPattern"] = json!(p.to_string());
    }
    if let Some(s) = &rule.schedule_expression {
        out["ScheduleExpression"] = json!(s);
    }
    if let Some(d) = &rule.description {
        out["Description"] = json!(d);
    }
    out
}

/// Runs one `aws events` operation.
pub(crate) async fn run(lake: &Lake, op: Events) -> ExecOutput {
    let rules = lake.rules();
    let (operation, result) = match op {
        Events::PutRule { name, event_pattern, schedule_expression, state, description } => (
            "PutRule",
            rules
                .put_rule(
                    &name,
                    event_pattern.as_deref(),
                    schedule_expression.as_deref(),
                    state.as_deref(),
                    description.as_deref(),
                    lake.s3().clock().now(),
                )
                .await
                .map(|r| Some(json!({ "RuleArn": r.arn() }))),
        ),
        Events::PutTargets { rule, targets } => {
            let targets: Vec<RuleTarget> = targets.into_iter().map(|t| RuleTarget { id: t.id, arn: t.arn }).collect();
            (
                "PutTargets",
                rules.put_targets(&rule, targets).await.map(|failed| {
                    let entries: Vec<Value> = failed
                        .iter()
                        .map(|id| json!({ "TargetId": id, "ErrorCode": "ValidationException",
                            "ErrorMessage": "Puddle runs Glue job and crawler targets: arn:aws:glue:<region>:<account>:job/<name> or crawler/<name>" }))
                        .collect();
                    Some(json!({ "FailedEntryCount": failed.len(), "FailedEntries": entries }))
                }),
            )
        }
        Events::ListRules { name_prefix } => {
            let list: Vec<Value> = rules
                .list()
                .iter()
                .filter(|r| name_prefix.as_deref().is_none_or(|p| r.name.starts_with(p)))
                .map(rule_json)
                .collect();
            ("ListRules", Ok(Some(json!({ "Rules": list }))))
        }
        Events::DescribeRule { name } => ("DescribeRule", rules.get(&name).map(|r| Some(rule_json(&r)))),
        Events::DeleteRule { name } => ("DeleteRule", rules.delete_rule(&name).await.map(|_| None)),
        Events::SetRuleState { name, enabled } => {
            (if enabled { "EnableRule" } else { "DisableRule" }, rules.set_state(&name, enabled).await.map(|_| None))
        }
        Events::ListTargetsByRule { rule } => (
            "ListTargetsByRule",
            rules.get(&rule).map(|r| {
                let list: Vec<Value> = r.targets.iter().map(|t| json!({ "Id": t.id, "Arn": t.arn })).collect();
                Some(json!({ "Targets": list }))
            }),
        ),
        Events::RemoveTargets { rule, ids } => (
            "RemoveTargets",
            rules
                .remove_targets(&rule, &ids)
                .await
                .map(|_| Some(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))),
        ),
    };
    match result {
        Ok(value) => json_output(value.as_ref()),
        Err(e) => service_failure(operation, &e.code, &e.message),
    }
}

/// `puddle clock`: the lake time and how far it is ahead.
pub(crate) fn show_clock(lake: &Lake) -> ExecOutput {
    let clock = lake.s3().clock();
    let offset = clock.offset();
    ExecOutput {
        exit_code: 0,
        stdout: format!(
            "Lake time: {}\nAhead of real time by: {} day(s) {} hour(s) {} minute(s)\n",
            clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            offset.num_days(),
            offset.num_hours() % 24,
            offset.num_minutes() % 60
        ),
        stderr: String::new(),
    }
}

/// `puddle clock advance`: moves the clock and prints what happened because of it.
pub(crate) async fn advance_clock(lake: &Lake, minutes: i64) -> ExecOutput {
    match lake.advance_clock(chrono::Duration::minutes(minutes)).await {
        Ok(activity) => {
            let mut out = show_clock(lake);
            for a in activity {
                out.stdout.push_str(&format!(
                    "{}  {:<24} {}  [{}]\n",
                    a.time.format("%Y-%m-%d %H:%M"),
                    a.source,
                    a.detail,
                    a.outcome
                ));
            }
            out
        }
        Err(e) => ExecOutput { exit_code: 255, stdout: String::new(), stderr: format!("\n{}\n", e.message) },
    }
}
