//! EventBridge rules on the lake's default event bus: an event pattern or a schedule, and the
//! targets it starts (Glue jobs and crawlers, by ARN). Rules are JSON records in
//! `_meta/events/rules/<name>.json`, cached in memory.

use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use puddle_api::ApiError;
use puddle_events::{cron::Schedule, pattern};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Account and region the lake pretends to be.
pub(crate) const ACCOUNT: &str = "123456789012";
/// Region in ARNs.
pub(crate) const REGION: &str = "us-east-1";

/// One target of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTarget {
    /// Id within the rule.
    pub id: String,
    /// `arn:aws:glue:<region>:<account>:job/<name>` or `...:crawler/<name>`.
    pub arn: String,
}

/// What a target ARN starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TargetAction {
    /// A Glue job run.
    Job(String),
    /// A crawler run.
    Crawler(String),
}

impl RuleTarget {
    pub(crate) fn action(&self) -> Option<TargetAction> {
        let rest = self.arn.strip_prefix("arn:aws:glue:")?;
        let resource = rest.splitn(3, ':').nth(2)?;
        match resource.split_once('/')? {
            ("job", name) if !name.is_empty() => Some(TargetAction::Job(name.to_string())),
            ("crawler", name) if !name.is_empty() => Some(TargetAction::Crawler(name.to_string())),
            _ => None,
        }
    }
}

/// An EventBridge rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Name.
    pub name: String,
    /// Event pattern (JSON), for event rules.
    pub event_pattern: Option<Value>,
    /// `cron(...)`/`rate(...)`, for scheduled rules.
    pub schedule_expression: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    /// Description.
    pub description: Option<String>,
    /// Targets.
    pub targets: Vec<RuleTarget>,
    /// Lake time the rule was created (rates count from it).
    pub created: chrono::DateTime<chrono::Utc>,
}

impl Rule {
    /// The rule's ARN.
    pub fn arn(&self) -> String {
        format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{}", self.name)
    }
}

/// The rules of the default event bus.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    store: Arc<dyn ObjectStore>,
    cache: Arc<Mutex<Vec<Rule>>>,
    /// Rule records that did not parse at the last load: `(path, why)`.
    damaged: Arc<Mutex<Vec<(String, String)>>>,
}

fn rule_path(name: &str) -> Path {
    Path::from_iter(["_meta", "events", "rules", &format!("{name}.json")])
}

fn not_found(name: &str) -> ApiError {
    ApiError::new("ResourceNotFoundException", format!("Rule {name} does not exist on EventBus default."))
}

impl Rules {
    /// Loads the stored rules.
    pub(crate) async fn load(store: Arc<dyn ObjectStore>) -> Result<Self, ApiError> {
        let rules = Self { store, cache: Arc::default(), damaged: Arc::default() };
        rules.reload().await?;
        Ok(rules)
    }

    /// Re-reads the stored rules (after a reset, an import or another tab's change). A record
    /// that does not parse is left out and reported by [`Rules::damaged`].
    pub(crate) async fn reload(&self) -> Result<(), ApiError> {
        let root = Path::from_iter(["_meta", "events", "rules"]);
        let metas: Vec<_> = self.store.list(Some(&root)).try_collect().await.map_err(internal)?;
        let (mut rules, mut damaged) = (Vec::new(), Vec::new());
        for m in metas {
            let bytes = self.store.get(&m.location).await.map_err(internal)?.bytes().await.map_err(internal)?;
            match serde_json::from_slice::<Rule>(&bytes) {
                Ok(rule) => rules.push(rule),
                Err(e) => damaged.push((m.location.to_string(), e.to_string())),
            }
        }
        rules.sort_by(|a, b| a.name.cmp(&b.name));
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = rules;
        *self.damaged.lock().unwrap_or_else(|e| e.into_inner()) = damaged;
        Ok(())
    }

    /// The rule records the last load could not parse, as `(path, why)`.
    pub(crate) fn damaged(&self) -> Vec<(String, String)> {
        self.damaged.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Every rule, by name.
    pub(crate) fn list(&self) -> Vec<Rule> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// One rule.
    pub(crate) fn get(&self, name: &str) -> Result<Rule, ApiError> {
        self.list().into_iter().find(|r| r.name == name).ok_or_else(|| not_found(name))
    }

    async fn save(&self, rule: Rule) -> Result<Rule, ApiError> {
        let body = serde_json::to_vec(&rule).map_err(|e| ApiError::internal(e.to_string()))?;
        self.store.put(&rule_path(&rule.name), PutPayload::from(body)).await.map_err(internal)?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|r| r.name != rule.name);
        cache.push(rule.clone());
        cache.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rule)
    }

    /// PutRule: creates or updates (keeping the targets).
    pub(crate) async fn put_rule(
        &self,
        name: &str,
        event_pattern: Option<&str>,
        schedule_expression: Option<&str>,
        state: Option<&str>,
        description: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Rule, ApiError> {
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid_name {
            return Err(ApiError::new(
                "ValidationException",
                format!("Rule name '{name}' must be 1-64 characters of letters, digits, '.', '-' and '_'"),
            ));
        }
        let event_pattern = match event_pattern {
            Some(text) => {
                let value: Value = serde_json::from_str(text).map_err(|e| {
                    ApiError::new("InvalidEventPatternException", format!("Event pattern is not valid. {e}"))
                })?;
                pattern::validate(&value).map_err(|e| ApiError::new(e.code(), e.to_string()))?;
                Some(value)
            }
            None => None,
        };
        if let Some(expr) = schedule_expression {
            Schedule::parse(expr).map_err(|e| {
                ApiError::new("ValidationException", format!("Parameter ScheduleExpression is not valid. ({e})"))
            })?;
        }
        if event_pattern.is_none() && schedule_expression.is_none() {
            return Err(ApiError::new(
                "ValidationException",
                "Either EventPattern or ScheduleExpression must be provided.",
            ));
        }
        let state = match state.unwrap_or("ENABLED") {
            s @ ("ENABLED" | "DISABLED") => s.to_string(),
            other => {
                return Err(ApiError::new(
                    "ValidationException",
                    format!("State must be ENABLED or DISABLED, not '{other}'"),
                ))
            }
        };
        let previous = self.get(name).ok();
        let rule = Rule {
            name: name.to_string(),
            event_pattern,
            schedule_expression: schedule_expression.map(str::to_string),
            state,
            description: description.map(str::to_string),
            targets: previous.as_ref().map(|p| p.targets.clone()).unwrap_or_default(),
            created: previous.map_or(now, |p| p.created),
        };
        self.save(rule).await
    }

    /// EnableRule / DisableRule.
    pub(crate) async fn set_state(&self, name: &str, enabled: bool) -> Result<(), ApiError> {
        let mut rule = self.get(name)?;
        rule.state = if enabled { "ENABLED" } else { "DISABLED" }.into();
        self.save(rule).await.map(|_| ())
    }

    /// PutTargets: adds targets or replaces those with the same id.
    pub(crate) async fn put_targets(&self, name: &str, targets: Vec<RuleTarget>) -> Result<Vec<String>, ApiError> {
        let mut rule = self.get(name)?;
        let mut failed = Vec::new();
        for t in targets {
            if t.action().is_none() {
                failed.push(t.id.clone());
                continue;
            }
            rule.targets.retain(|x| x.id != t.id);
            rule.targets.push(t);
        }
        if rule.targets.len() > 5 {
            return Err(ApiError::new("LimitExceededException", "A rule can have at most 5 targets."));
        }
        self.save(rule).await?;
        Ok(failed)
    }

    /// RemoveTargets.
    pub(crate) async fn remove_targets(&self, name: &str, ids: &[String]) -> Result<(), ApiError> {
        let mut rule = self.get(name)?;
        rule.targets.retain(|t| !ids.contains(&t.id));
        self.save(rule).await.map(|_| ())
    }

    /// DeleteRule: a rule must have no targets left, as in EventBridge.
    pub(crate) async fn delete_rule(&self, name: &str) -> Result<(), ApiError> {
        let rule = self.get(name)?;
        if !rule.targets.is_empty() {
            return Err(ApiError::new("ValidationException", "Rule can't be deleted since it has targets."));
        }
        self.store.delete(&rule_path(name)).await.map_err(internal)?;
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).retain(|r| r.name != name);
        Ok(())
    }
}

fn internal(e: object_store::Error) -> ApiError {
    ApiError::new(puddle_store::Error::from(e).code(), "storage error while reading or writing EventBridge rules")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_arns() {
        let t = |arn: &str| RuleTarget { id: "1".into(), arn: arn.into() }.action();
        assert_eq!(t("arn:aws:glue:us-east-1:123456789012:job/Transform"), Some(TargetAction::Job("Transform".into())));
        assert_eq!(t("arn:aws:glue:us-east-1:123456789012:crawler/raw"), Some(TargetAction::Crawler("raw".into())));
        assert_eq!(t("arn:aws:lambda:us-east-1:123456789012:function:f"), None);
        assert_eq!(t("arn:aws:glue:us-east-1:123456789012:job/"), None);
    }
}
