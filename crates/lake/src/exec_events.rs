//! EventBridge's operations (`aws events ...`, typed inputs with EventBridge's member names)
//! and `puddle clock ...`, printed as the AWS CLI prints them.

use puddle_api::{ApiError, ExecOutput};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    eventbridge::{Rule, RuleTarget},
    ops::input,
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutRuleRequest {
    name: String,
    event_pattern: Option<String>,
    schedule_expression: Option<String>,
    state: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Target {
    id: String,
    arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutTargetsRequest {
    rule: String,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NameRequest {
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ListRulesRequest {
    name_prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RuleRequest {
    rule: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RemoveTargetsRequest {
    rule: String,
    ids: Vec<String>,
}

/// Runs one EventBridge operation.
pub(crate) async fn call(lake: &Lake, operation: &str, v: Value) -> Result<Value, ApiError> {
    let rules = lake.rules();
    Ok(match operation {
        "PutRule" => {
            let i: PutRuleRequest = input(v)?;
            if i.event_pattern.is_none() && i.schedule_expression.is_none() {
                return Err(ApiError::new(
                    "ValidationException",
                    "Parameter(s) EventPattern or ScheduleExpression must be specified.",
                ));
            }
            let rule = rules
                .put_rule(
                    &i.name,
                    i.event_pattern.as_deref(),
                    i.schedule_expression.as_deref(),
                    i.state.as_deref(),
                    i.description.as_deref(),
                    lake.s3().clock().now(),
                )
                .await?;
            json!({ "RuleArn": rule.arn() })
        }
        "PutTargets" => {
            let i: PutTargetsRequest = input(v)?;
            let targets: Vec<RuleTarget> = i.targets.into_iter().map(|t| RuleTarget { id: t.id, arn: t.arn }).collect();
            let failed = rules.put_targets(&i.rule, targets).await?;
            let entries: Vec<Value> = failed
                .iter()
                .map(|id| json!({ "TargetId": id, "ErrorCode": "ValidationException",
                    "ErrorMessage": "Puddle runs Glue job and crawler targets: arn:aws:glue:<region>:<account>:job/<name> or crawler/<name>" }))
                .collect();
            json!({ "FailedEntryCount": failed.len(), "FailedEntries": entries })
        }
        "ListRules" => {
            let i: ListRulesRequest = input(v)?;
            let list: Vec<Value> = rules
                .list()
                .iter()
                .filter(|r| i.name_prefix.as_deref().is_none_or(|p| r.name.starts_with(p)))
                .map(rule_json)
                .collect();
            json!({ "Rules": list })
        }
        "DescribeRule" => rule_json(&rules.get(&input::<NameRequest>(v)?.name)?),
        "DeleteRule" => {
            rules.delete_rule(&input::<NameRequest>(v)?.name).await?;
            json!({})
        }
        "EnableRule" | "DisableRule" => {
            rules.set_state(&input::<NameRequest>(v)?.name, operation == "EnableRule").await?;
            json!({})
        }
        "ListTargetsByRule" => {
            let r = rules.get(&input::<RuleRequest>(v)?.rule)?;
            let list: Vec<Value> = r.targets.iter().map(|t| json!({ "Id": t.id, "Arn": t.arn })).collect();
            json!({ "Targets": list })
        }
        "RemoveTargets" => {
            let i: RemoveTargetsRequest = input(v)?;
            rules.remove_targets(&i.rule, &i.ids).await?;
            json!({ "FailedEntryCount": 0, "FailedEntries": [] })
        }
        other => return Err(crate::ops::not_dispatched("events", other)),
    })
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
