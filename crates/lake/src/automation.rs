//! What happens without a request asking for it: S3 events delivered to EventBridge rules,
//! scheduled rules firing, lifecycle rules running, all on the lake's simulated clock.
//!
//! There is no background thread in a browser tab's engine: the lake catches up after every
//! request ([`Lake::handle`] calls [`Lake::run_automation`]) and when the clock is advanced.
//! Targets run to completion inside that call, and their own writes are events too; a chain
//! stops after [`MAX_ROUNDS`] rounds so a rule whose job writes where the rule listens cannot
//! loop forever (real AWS would loop and bill you).

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use puddle_api::ApiError;
use puddle_events::{cron::Schedule, pattern, ClockStep, S3Event};
use serde::{Deserialize, Serialize};

use crate::{
    errors::api,
    eventbridge::{Rule, TargetAction},
    Lake,
};

/// Rounds of event delivery per request.
pub(crate) const MAX_ROUNDS: usize = 5;
/// Fire times of one schedule handled per catch-up (a daily rule and a 10-year jump would
/// otherwise run 3,650 times).
const MAX_FIRES: usize = 50;
/// Entries kept in the activity log.
const ACTIVITY_LOG: usize = 200;

/// One thing the automation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Lake time.
    pub time: DateTime<Utc>,
    /// What fired: `rule/<name>`, `lifecycle`, `trigger/<name>`.
    pub source: String,
    /// What it did.
    pub detail: String,
    /// `SUCCEEDED`, `FAILED: ...`.
    pub outcome: String,
}

/// Scheduler bookkeeping, persisted with the clock (see `shared_clock`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClockRecord {
    pub(crate) steps: Vec<ClockStep>,
    pub(crate) schedules_checked: Option<DateTime<Utc>>,
    pub(crate) lifecycle_day: Option<chrono::NaiveDate>,
    /// Names this lake's clock history; a new one after a reset (absent in older records).
    #[serde(default)]
    pub(crate) epoch: Option<String>,
}

/// Automation state shared by clones of a lake.
#[derive(Debug, Default)]
pub(crate) struct AutomationState {
    pub(crate) record: ClockRecord,
    pub(crate) activity: VecDeque<Activity>,
    pub(crate) running: bool,
    /// `(crawler, final state)` of crawls finished since the last catch-up.
    pub(crate) crawl_completions: Vec<(String, String)>,
}

impl Lake {
    pub(crate) fn automation_state(&self) -> std::sync::MutexGuard<'_, AutomationState> {
        self.automation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The most recent automation activity, oldest first.
    pub fn activity(&self) -> Vec<Activity> {
        self.automation_state().activity.iter().cloned().collect()
    }

    pub(crate) fn log(&self, source: &str, detail: String, outcome: String) -> Activity {
        let entry = Activity { time: self.s3().clock().now(), source: source.to_string(), detail, outcome };
        let mut state = self.automation_state();
        state.activity.push_back(entry.clone());
        while state.activity.len() > ACTIVITY_LOG {
            state.activity.pop_front();
        }
        entry
    }

    /// Moves the lake clock forward and lets everything that became due happen: schedules,
    /// lifecycle rules, the events they cause. Returns what happened.
    pub async fn advance_clock(&self, by: Duration) -> Result<Vec<Activity>, ApiError> {
        if by <= Duration::zero() {
            return Err(ApiError::new("InvalidArgument", "the clock only moves forward"));
        }
        self.s3().clock().advance(by);
        self.automation_state().record.lifecycle_day = None; // run lifecycle rules now
        self.save_clock().await?;
        // The new time's lifecycle rules and schedules must run in this call, even while the
        // timer's catch-up (which read the time before the advance) is running.
        self.catch_up_when_free(true).await
    }

    /// [`Lake::run_automation`] after a request: a failure of the catch-up itself (storage, a
    /// record that cannot be read) goes to the activity log, where the EventBridge page shows it.
    pub(crate) async fn run_automation_logged(&self) {
        if let Err(e) = self.run_automation().await {
            self.log(
                "automation",
                "catching up events and schedules".into(),
                format!("FAILED: {} ({})", e.message, e.code),
            );
        }
    }

    /// Catches up: lifecycle once per lake day, due schedules, Kinesis -> Firehose, then S3
    /// events to rules, in rounds. While another catch-up runs (the worker's timer, or another
    /// request interleaved at an await), a call with S3 events or finished crawls waiting waits
    /// for it and then runs its own pass, so the targets a request triggered have run when it
    /// answers; a call with nothing waiting returns at once, so reads never wait behind a long
    /// target.
    pub async fn run_automation(&self) -> Result<Vec<Activity>, ApiError> {
        self.catch_up_when_free(false).await
    }

    /// [`Lake::run_automation`]; `always` waits for a running catch-up even with nothing
    /// waiting (the clock moved). Nothing inside a catch-up calls this (it would wait for itself).
    async fn catch_up_when_free(&self, always: bool) -> Result<Vec<Activity>, ApiError> {
        loop {
            {
                let mut state = self.automation_state();
                if !state.running {
                    state.running = true;
                    break;
                }
                let waiting = self.s3().bus().has_pending() || !state.crawl_completions.is_empty();
                if !always && !waiting {
                    return Ok(Vec::new());
                }
            }
            puddle_events::yield_now().await;
        }
        let result = self.catch_up().await;
        self.automation_state().running = false;
        result
    }

    async fn catch_up(&self) -> Result<Vec<Activity>, ApiError> {
        let mut done = Vec::new();
        let now = self.s3().clock().now();
        let today = now.date_naive();
        let lifecycle_due = self.automation_state().record.lifecycle_day != Some(today);
        if lifecycle_due {
            let report = api(self.s3().apply_lifecycle().await)?;
            for (bucket, key, class) in report.transitioned {
                done.push(self.log("lifecycle", format!("s3://{bucket}/{key} -> {class}"), "SUCCEEDED".into()));
            }
            for (bucket, key) in report.expired {
                done.push(self.log("lifecycle", format!("expired s3://{bucket}/{key}"), "SUCCEEDED".into()));
            }
            for (bucket, key, version) in report.noncurrent_expired {
                done.push(self.log(
                    "lifecycle",
                    format!("expired s3://{bucket}/{key} version {version}"),
                    "SUCCEEDED".into(),
                ));
            }
            self.automation_state().record.lifecycle_day = Some(today);
            self.save_clock().await?;
        }
        done.extend(self.fire_schedules(now).await?);
        done.extend(self.deliver_streams().await?);
        for round in 0..MAX_ROUNDS {
            let events = self.s3().bus().drain();
            let mut completions: Vec<(&str, String, String)> =
                self.jobs().drain_completions().into_iter().map(|(n, s)| ("job", n, s)).collect();
            let crawls = std::mem::take(&mut self.automation_state().crawl_completions);
            completions.extend(crawls.into_iter().map(|(n, s)| ("crawler", n, s)));
            if events.is_empty() && completions.is_empty() {
                break;
            }
            if !completions.is_empty() {
                done.extend(self.fire_conditional(&completions).await);
            }
            if round + 1 == MAX_ROUNDS {
                done.push(self.log(
                    "events",
                    format!("{} event(s) not delivered", events.len()),
                    format!("STOPPED: targets kept writing objects their rules match ({MAX_ROUNDS} rounds)"),
                ));
                break;
            }
            for event in &events {
                done.extend(self.deliver(event).await);
            }
        }
        Ok(done)
    }

    async fn deliver(&self, event: &S3Event) -> Vec<Activity> {
        let json = event.to_eventbridge();
        let mut done = Vec::new();
        for rule in self.rules.list() {
            let matched =
                rule.state == "ENABLED" && rule.event_pattern.as_ref().is_some_and(|p| pattern::matches(p, &json));
            if matched {
                let why = format!("{} s3://{}/{}", event.event_name, event.bucket, event.key);
                done.extend(self.run_targets(&rule, &why).await);
            }
        }
        done
    }

    /// StartCrawler through the lake, so conditional triggers hear about the crawl's end.
    pub async fn run_crawler(&self, name: &str) -> Result<puddle_crawler::Crawler, ApiError> {
        let crawler =
            api(puddle_crawler::run_crawler(&self.s3().reading_store(), self.catalog(), name, &self.crawls).await)?;
        let state = crawl_status(&crawler);
        self.automation_state().crawl_completions.push((name.to_string(), state));
        Ok(crawler)
    }

    /// Runs the actions of a Glue trigger.
    pub(crate) async fn fire_trigger(&self, trigger: &puddle_etl::Trigger, why: &str) -> Vec<Activity> {
        let source = format!("trigger/{}", trigger.name);
        let mut done = Vec::new();
        for action in &trigger.actions {
            let entry = match (&action.job_name, &action.crawler_name) {
                (Some(job), _) => {
                    match self.jobs().start_job_run_with(job, &action.arguments, Some(&trigger.name)).await {
                        Ok(run) => {
                            self.log(&source, format!("{why}: started job {job} ({})", run.id), run.state.clone())
                        }
                        Err(e) => self.log(&source, format!("{why}: job {job}"), format!("FAILED: {e}")),
                    }
                }
                (None, Some(crawler)) => match self.run_crawler(crawler).await {
                    Ok(c) => self.log(&source, format!("{why}: ran crawler {crawler}"), crawl_status(&c)),
                    Err(e) => self.log(&source, format!("{why}: crawler {crawler}"), format!("FAILED: {}", e.message)),
                },
                (None, None) => continue,
            };
            done.push(entry);
        }
        done
    }

    /// Conditional triggers watching the finished runs.
    async fn fire_conditional(&self, completions: &[(&str, String, String)]) -> Vec<Activity> {
        let Ok(triggers) = self.jobs().list_triggers().await else { return Vec::new() };
        let mut done = Vec::new();
        for trigger in triggers.iter().filter(|t| t.trigger_type == "CONDITIONAL" && t.state == "ACTIVATED") {
            let Some(predicate) = &trigger.predicate else { continue };
            for (kind, name, state) in completions {
                if !predicate.conditions.iter().any(|c| c.matches(kind, name, state)) {
                    continue;
                }
                // ANY: this run is enough. AND: every other watched job or crawler's latest run
                // must be in its state too.
                let mut all = true;
                if predicate.logical == "AND" {
                    for c in &predicate.conditions {
                        all &= self.condition_holds(c).await;
                    }
                }
                if all {
                    done.extend(self.fire_trigger(trigger, &format!("{kind} {name} {state}")).await);
                    break;
                }
            }
        }
        done
    }

    async fn condition_holds(&self, c: &puddle_etl::Condition) -> bool {
        if let (Some(job), Some(state)) = (&c.job_name, &c.state) {
            let runs = self.jobs().list_runs(job).await.unwrap_or_default();
            return runs.first().is_some_and(|r| &r.state == state);
        }
        if let (Some(crawler), Some(state)) = (&c.crawler_name, &c.crawl_state) {
            let Ok(c) = puddle_crawler::get_crawler(self.s3().store(), crawler).await else { return false };
            return c.last_crawl.is_some_and(|l| &l.status == state);
        }
        false
    }

    /// Fire times of `expression` in `(since, now]` (counted from `anchor` for a rate), at most
    /// [`MAX_FIRES`], and whether more were due.
    fn due_times(
        expression: Option<&str>,
        anchor: DateTime<Utc>,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> (Vec<DateTime<Utc>>, bool) {
        let Some(Ok(schedule)) = expression.map(Schedule::parse) else { return (Vec::new(), false) };
        let mut times = schedule.fire_times(anchor, since.max(anchor), now, MAX_FIRES + 1);
        let skipped = times.len() > MAX_FIRES;
        times.truncate(MAX_FIRES);
        (times, skipped)
    }

    /// The activity entry saying `source` had more fire times than one catch-up runs.
    fn log_skipped(&self, source: &str) -> Activity {
        self.log(source, "more fire times skipped".into(), format!("SKIPPED: at most {MAX_FIRES} runs per catch-up"))
    }

    async fn fire_schedules(&self, now: DateTime<Utc>) -> Result<Vec<Activity>, ApiError> {
        // Schedules have minute granularity: within the minute already checked nothing is due,
        // so most requests skip reading the trigger and crawler records.
        if let Some(since) = self.automation_state().record.schedules_checked {
            if since.timestamp().div_euclid(60) == now.timestamp().div_euclid(60) {
                return Ok(Vec::new());
            }
        }
        let rules: Vec<Rule> =
            self.rules.list().into_iter().filter(|r| r.state == "ENABLED" && r.schedule_expression.is_some()).collect();
        let triggers: Vec<puddle_etl::Trigger> = api(self.jobs().list_triggers().await)?
            .into_iter()
            .filter(|t| t.trigger_type == "SCHEDULED" && t.state == "ACTIVATED")
            .collect();
        let crawlers: Vec<puddle_crawler::Crawler> = api(puddle_crawler::list_crawlers(self.s3().store()).await)?
            .into_iter()
            .filter(|c| c.config.schedule.is_some() && c.schedule_state == "SCHEDULED")
            .collect();
        let checked = self.automation_state().record.schedules_checked;
        let Some(since) = checked else {
            self.automation_state().record.schedules_checked = Some(now);
            if !rules.is_empty() || !triggers.is_empty() || !crawlers.is_empty() {
                self.save_clock().await?;
            }
            return Ok(Vec::new());
        };
        let mut done = Vec::new();
        for trigger in &triggers {
            let source = format!("trigger/{}", trigger.name);
            let (times, skipped) = Self::due_times(trigger.schedule.as_deref(), trigger.created, since, now);
            for t in &times {
                done.extend(self.fire_trigger(trigger, &format!("schedule at {}", t.format("%Y-%m-%d %H:%M"))).await);
            }
            if skipped {
                done.push(self.log_skipped(&source));
            }
        }
        for rule in &rules {
            let source = format!("rule/{}", rule.name);
            let (times, skipped) = Self::due_times(rule.schedule_expression.as_deref(), rule.created, since, now);
            for t in &times {
                let why = format!(
                    "schedule {} at {}",
                    rule.schedule_expression.as_deref().unwrap_or(""),
                    t.format("%Y-%m-%d %H:%M")
                );
                done.extend(self.run_targets(rule, &why).await);
            }
            if skipped {
                done.push(self.log_skipped(&source));
            }
        }
        for crawler in &crawlers {
            let source = format!("crawler/{}", crawler.config.name);
            let anchor = crawler.creation_time;
            let (times, skipped) = Self::due_times(crawler.config.schedule.as_deref(), anchor, since, now);
            for t in &times {
                let why = format!("schedule at {}", t.format("%Y-%m-%d %H:%M"));
                let entry = match self.run_crawler(&crawler.config.name).await {
                    Ok(c) => self.log(&source, format!("{why}: ran crawler"), crawl_status(&c)),
                    Err(e) => self.log(&source, format!("{why}: crawler"), format!("FAILED: {}", e.message)),
                };
                done.push(entry);
            }
            if skipped {
                done.push(self.log_skipped(&source));
            }
        }
        self.automation_state().record.schedules_checked = Some(now);
        if !rules.is_empty() || !triggers.is_empty() || !crawlers.is_empty() {
            self.save_clock().await?;
        }
        Ok(done)
    }

    async fn run_targets(&self, rule: &Rule, why: &str) -> Vec<Activity> {
        let mut done = Vec::new();
        for target in &rule.targets {
            let source = format!("rule/{}", rule.name);
            let entry = match target.action() {
                Some(TargetAction::Job(job)) => match self.jobs().start_job_run(&job).await {
                    Ok(run) => self.log(&source, format!("{why}: started job {job} ({})", run.id), run.state.clone()),
                    Err(e) => self.log(&source, format!("{why}: job {job}"), format!("FAILED: {e}")),
                },
                Some(TargetAction::Crawler(name)) => match self.run_crawler(&name).await {
                    Ok(c) => self.log(&source, format!("{why}: ran crawler {name}"), crawl_status(&c)),
                    Err(e) => self.log(&source, format!("{why}: crawler {name}"), format!("FAILED: {}", e.message)),
                },
                None => self.log(&source, format!("{why}: target {}", target.arn), "FAILED: unsupported target".into()),
            };
            done.push(entry);
        }
        done
    }
}

/// The final state of a crawler's last run (`SUCCEEDED` when it kept no run record).
fn crawl_status(crawler: &puddle_crawler::Crawler) -> String {
    crawler.last_crawl.as_ref().map_or_else(|| "SUCCEEDED".into(), |c| c.status.clone())
}
