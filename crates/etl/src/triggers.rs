//! Glue triggers: what starts jobs and crawlers without a person clicking "Run".
//!
//! `ON_DEMAND` triggers fire on StartTrigger; `SCHEDULED` ones fire on their cron schedule (lake
//! time) while activated; `CONDITIONAL` ones fire when watched jobs or crawlers reach a state.
//! The records (`_meta/glue/triggers/<name>.json`) live here; the lake fires them, because an
//! action may start a crawler, which this crate does not know. Glue's `EVENT` triggers belong to
//! workflows, which Puddle does not run: an EventBridge rule targeting the job does that job.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use object_store::{path::Path, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use puddle_events::cron::Schedule;
use serde::{Deserialize, Serialize};

use crate::{Error, Jobs, Result};

/// One action of a trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TriggerAction {
    /// Job to run.
    pub job_name: Option<String>,
    /// Arguments for the job run.
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
    /// Crawler to run.
    pub crawler_name: Option<String>,
}

/// One condition of a conditional trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Condition {
    /// Watched job.
    pub job_name: Option<String>,
    /// Job state: SUCCEEDED, STOPPED, FAILED, TIMEOUT.
    pub state: Option<String>,
    /// Watched crawler.
    pub crawler_name: Option<String>,
    /// Crawl state: SUCCEEDED, FAILED, CANCELLED.
    pub crawl_state: Option<String>,
}

impl Condition {
    /// Whether a finished run of `kind` (`job`/`crawler`) `name` in `state` satisfies it.
    pub fn matches(&self, kind: &str, name: &str, state: &str) -> bool {
        match kind {
            "job" => self.job_name.as_deref() == Some(name) && self.state.as_deref() == Some(state),
            "crawler" => self.crawler_name.as_deref() == Some(name) && self.crawl_state.as_deref() == Some(state),
            _ => false,
        }
    }
}

/// `Predicate`: `AND` (all conditions) or `ANY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Predicate {
    /// `AND` or `ANY`.
    pub logical: String,
    /// Conditions.
    pub conditions: Vec<Condition>,
}

/// A Glue trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Name.
    pub name: String,
    /// `ON_DEMAND`, `SCHEDULED` or `CONDITIONAL`.
    pub trigger_type: String,
    /// `CREATED`, `ACTIVATED` or `DEACTIVATED`.
    pub state: String,
    /// `cron(...)` of a scheduled trigger.
    pub schedule: Option<String>,
    /// Predicate of a conditional trigger.
    pub predicate: Option<Predicate>,
    /// What it starts.
    pub actions: Vec<TriggerAction>,
    /// Description.
    pub description: Option<String>,
    /// Lake time of creation.
    pub created: chrono::DateTime<chrono::Utc>,
}

fn trigger_path(name: &str) -> Path {
    Path::from_iter(["_meta", "glue", "triggers", &format!("{name}.json")])
}

impl Jobs {
    /// CreateTrigger. `start` activates a scheduled or conditional trigger at once
    /// (`--start-on-creation`).
    pub async fn create_trigger(&self, mut trigger: Trigger, start: bool) -> Result<Trigger> {
        let bad = |m: String| Err(Error::InvalidInput(m));
        if trigger.name.is_empty() || trigger.name.len() > 255 || trigger.name.contains('/') {
            return bad(format!("Invalid trigger name '{}'", trigger.name));
        }
        match trigger.trigger_type.as_str() {
            "ON_DEMAND" => {
                if start {
                    return bad("StartOnCreation is not supported for ON_DEMAND triggers.".into());
                }
            }
            "SCHEDULED" => match trigger.schedule.as_deref() {
                Some(expr) if expr.starts_with("cron(") => {
                    Schedule::parse(expr).map_err(|e| Error::InvalidInput(e.to_string()))?;
                }
                _ => return bad("A SCHEDULED trigger needs --schedule \"cron(...)\"".into()),
            },
            "CONDITIONAL" => {
                let Some(p) = &trigger.predicate else {
                    return bad("A CONDITIONAL trigger needs --predicate".into());
                };
                if p.conditions.is_empty() {
                    return bad("The predicate needs at least one condition".into());
                }
                if p.logical != "AND" && p.logical != "ANY" {
                    return bad(format!("Predicate Logical must be AND or ANY, not '{}'", p.logical));
                }
                for c in &p.conditions {
                    let job_ok = c.job_name.is_some()
                        && matches!(c.state.as_deref(), Some("SUCCEEDED" | "STOPPED" | "FAILED" | "TIMEOUT"));
                    let crawl_ok = c.crawler_name.is_some()
                        && matches!(c.crawl_state.as_deref(), Some("SUCCEEDED" | "FAILED" | "CANCELLED"));
                    if !job_ok && !crawl_ok {
                        return bad("Each condition needs JobName with State (SUCCEEDED, STOPPED, FAILED, TIMEOUT) or CrawlerName with CrawlState (SUCCEEDED, FAILED, CANCELLED)".into());
                    }
                }
            }
            "EVENT" => {
                return bad("EVENT triggers start Glue workflows, which Puddle does not run. To run a job when objects arrive, \
                     create an EventBridge rule: aws events put-rule --event-pattern ... and aws events put-targets with the \
                     job's ARN."
                    .into())
            }
            other => return bad(format!("Trigger type must be ON_DEMAND, SCHEDULED or CONDITIONAL, not '{other}'")),
        }
        if trigger.actions.is_empty() {
            return bad("A trigger needs at least one action (JobName=... or CrawlerName=...)".into());
        }
        for a in &trigger.actions {
            match (&a.job_name, &a.crawler_name) {
                (Some(job), None) => {
                    self.get_job(job).await?;
                }
                (None, Some(_)) => {}
                _ => return bad("Each action names one JobName or one CrawlerName".into()),
            }
        }
        trigger.state = if start { "ACTIVATED" } else { "CREATED" }.into();
        let opts = PutOptions { mode: PutMode::Create, ..Default::default() };
        let body = PutPayload::from(serde_json::to_vec(&trigger)?);
        match self.s3().store().put_opts(&trigger_path(&trigger.name), body, opts).await {
            Ok(_) => Ok(trigger),
            Err(object_store::Error::AlreadyExists { .. }) => Err(Error::TriggerExists(trigger.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// GetTrigger.
    pub async fn get_trigger(&self, name: &str) -> Result<Trigger> {
        match self.s3().store().get(&trigger_path(name)).await {
            Ok(r) => Ok(serde_json::from_slice(&r.bytes().await?)?),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NoSuchTrigger(name.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// GetTriggers, by name.
    pub async fn list_triggers(&self) -> Result<Vec<Trigger>> {
        let root = Path::from_iter(["_meta", "glue", "triggers"]);
        let metas: Vec<_> = self.s3().store().list(Some(&root)).try_collect().await?;
        let mut out = Vec::new();
        for m in metas {
            out.push(serde_json::from_slice::<Trigger>(&self.s3().store().get(&m.location).await?.bytes().await?)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn save_trigger(&self, trigger: &Trigger) -> Result<()> {
        self.s3().store().put(&trigger_path(&trigger.name), PutPayload::from(serde_json::to_vec(trigger)?)).await?;
        Ok(())
    }

    /// StartTrigger: activates a scheduled or conditional trigger. An on-demand trigger stays as
    /// it is; the caller fires its actions.
    pub async fn start_trigger(&self, name: &str) -> Result<Trigger> {
        let mut trigger = self.get_trigger(name).await?;
        if trigger.trigger_type != "ON_DEMAND" {
            trigger.state = "ACTIVATED".into();
            self.save_trigger(&trigger).await?;
        }
        Ok(trigger)
    }

    /// StopTrigger: deactivates a scheduled or conditional trigger.
    pub async fn stop_trigger(&self, name: &str) -> Result<Trigger> {
        let mut trigger = self.get_trigger(name).await?;
        if trigger.trigger_type == "ON_DEMAND" {
            return Err(Error::InvalidInput(
                "ON_DEMAND triggers cannot be stopped: they never run by themselves".into(),
            ));
        }
        trigger.state = "DEACTIVATED".into();
        self.save_trigger(&trigger).await?;
        Ok(trigger)
    }

    /// DeleteTrigger.
    pub async fn delete_trigger(&self, name: &str) -> Result<()> {
        self.get_trigger(name).await?;
        self.s3().store().delete(&trigger_path(name)).await?;
        Ok(())
    }
}
