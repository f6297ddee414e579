//! The crawler wizard's data: what the user has entered so far, the checks each step makes
//! before Next (the same rules the engine applies, so most mistakes show at their field), the
//! schedule choices and their cron expressions in words, and the `CreateCrawlerInput` it becomes.
//! Plain Rust, tested natively.

use puddle_api::CreateCrawlerInput;

/// The wizard's steps, in order.
pub const STEPS: [&str; 5] = ["Name", "Data sources", "Classifiers", "Output and scheduling", "Review and create"];

/// How often the crawler runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Only when started.
    OnDemand,
    /// Every hour at this minute.
    Hourly { minute: u8 },
    /// Every day at this time (UTC on the lake clock).
    Daily { hour: u8, minute: u8 },
    /// A `cron(...)` expression as typed.
    Custom(String),
}

impl Schedule {
    /// The `cron(...)` expression Glue stores, or `None` for on demand.
    pub fn expression(&self) -> Option<String> {
        match self {
            Schedule::OnDemand => None,
            Schedule::Hourly { minute } => Some(format!("cron({minute} * * * ? *)")),
            Schedule::Daily { hour, minute } => Some(format!("cron({minute} {hour} * * ? *)")),
            Schedule::Custom(expr) => Some(expr.trim().to_string()),
        }
    }

    /// The schedule in words.
    pub fn describe(&self) -> String {
        match self.expression() {
            None => "On demand (runs only when you start it)".into(),
            Some(expr) => cron_in_words(&expr),
        }
    }
}

/// Everything the wizard collects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Crawler name.
    pub name: String,
    /// `s3://` paths (at least one).
    pub targets: Vec<String>,
    /// Exclusion globs, one per line.
    pub exclusions: String,
    /// Crawl only folders added since the last run.
    pub new_folders_only: bool,
    /// Custom classifiers, in the order they are tried.
    pub classifiers: Vec<String>,
    /// Target database.
    pub database: String,
    /// The database is a new one (typed) rather than picked.
    pub new_database: bool,
    /// Table name prefix.
    pub table_prefix: String,
    /// `UPDATE_IN_DATABASE` or `LOG`.
    pub update_behavior: String,
    /// `DEPRECATE_IN_DATABASE`, `DELETE_FROM_DATABASE` or `LOG`.
    pub delete_behavior: String,
    /// When it runs.
    pub schedule: Schedule,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            name: String::new(),
            targets: vec!["s3://".into()],
            exclusions: String::new(),
            new_folders_only: false,
            classifiers: Vec::new(),
            database: "default".into(),
            new_database: false,
            table_prefix: String::new(),
            update_behavior: "UPDATE_IN_DATABASE".into(),
            delete_behavior: "DEPRECATE_IN_DATABASE".into(),
            schedule: Schedule::OnDemand,
        }
    }
}

/// A problem with one field: its element id and the message shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Element id of the field.
    pub field: String,
    /// What to fix.
    pub message: String,
}

fn error(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

/// The problems of the crawler name, given the crawlers that exist.
pub fn name_errors(name: &str, existing: &[String]) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        Some("Enter a crawler name.".into())
    } else if name.len() > 255 {
        Some("The name must be at most 255 characters.".into())
    } else if name.contains('/') {
        Some("The name cannot contain '/'.".into())
    } else if name.chars().any(char::is_control) {
        Some("The name must be one line of text.".into())
    } else if existing.iter().any(|e| e == name) {
        Some(format!("A crawler named {name} already exists."))
    } else {
        None
    }
}

impl Draft {
    /// The exclusion globs (blank lines dropped).
    pub fn exclusion_list(&self) -> Vec<String> {
        self.exclusions.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
    }

    /// The schema change policy the crawler gets: "new folders only" needs LOG/LOG (Glue's rule).
    pub fn policy(&self) -> (String, String) {
        if self.new_folders_only {
            ("LOG".into(), "LOG".into())
        } else {
            (self.update_behavior.clone(), self.delete_behavior.clone())
        }
    }

    /// Problems that keep step `step` from moving on.
    pub fn errors(&self, step: usize, existing: &[String]) -> Vec<FieldError> {
        let mut out = Vec::new();
        match step {
            0 => out.extend(name_errors(&self.name, existing).map(|m| error("wizard-name", m))),
            1 => {
                for (i, t) in self.targets.iter().enumerate() {
                    let t = t.trim();
                    let bucket = t.strip_prefix("s3://").map(|rest| rest.split('/').next().unwrap_or(""));
                    match bucket {
                        None => out.push(error(format!("wizard-path-{i}"), "An S3 path starts with s3://")),
                        Some("") => out.push(error(
                            format!("wizard-path-{i}"),
                            "Enter a bucket, e.g. s3://data-lake-raw-123/sales/",
                        )),
                        Some(_) => {}
                    }
                }
                for glob in self.exclusion_list() {
                    if glob.starts_with('/') || glob.starts_with("s3://") {
                        out.push(error(
                            "wizard-exclusions",
                            format!("'{glob}' must be relative to the data source path, e.g. tmp/** or **/*.bak"),
                        ));
                        break;
                    }
                }
            }
            3 => {
                let db = self.database.trim();
                if db.is_empty() {
                    out.push(error("wizard-database", "Choose or enter a database."));
                } else if !db.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || db.len() > 255 {
                    out.push(error("wizard-database", "A database name has only letters, digits and underscores."));
                }
                if !self.table_prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    out.push(error("wizard-prefix", "A table prefix has only letters, digits and underscores."));
                }
                if let Schedule::Custom(expr) = &self.schedule {
                    if let Err(e) = check_cron(expr) {
                        out.push(error("wizard-cron", e));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// The request the wizard sends.
    pub fn to_input(&self) -> CreateCrawlerInput {
        let (update, delete) = self.policy();
        CreateCrawlerInput {
            name: self.name.trim().to_string(),
            database: self.database.trim().to_string(),
            targets: self.targets.iter().map(|t| t.trim().to_string()).collect(),
            table_prefix: self.table_prefix.trim().to_string(),
            exclusions: self.exclusion_list(),
            classifiers: self.classifiers.clone(),
            update_behavior: Some(update),
            delete_behavior: Some(delete),
            recrawl_behavior: Some(
                if self.new_folders_only { "CRAWL_NEW_FOLDERS_ONLY" } else { "CRAWL_EVERYTHING" }.into(),
            ),
            schedule: self.schedule.expression(),
        }
    }
}

/// The six fields of a `cron(...)` expression, or what is wrong with it.
fn cron_fields(expr: &str) -> Result<Vec<&str>, String> {
    let inner = expr
        .trim()
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or("A schedule is cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *)")?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!(
            "cron(...) takes 6 fields (minutes hours day-of-month month day-of-week year), got {}",
            fields.len()
        ));
    }
    Ok(fields)
}

/// A quick check of a custom schedule (the engine checks it fully on Create).
pub fn check_cron(expr: &str) -> Result<(), String> {
    let f = cron_fields(expr)?;
    if f[2] != "?" && f[4] != "?" {
        return Err("Use ? in either day-of-month or day-of-week (AWS cron rule).".into());
    }
    Ok(())
}

fn day_name(d: &str) -> String {
    let names = [
        ("SUN", "Sunday"),
        ("MON", "Monday"),
        ("TUE", "Tuesday"),
        ("WED", "Wednesday"),
        ("THU", "Thursday"),
        ("FRI", "Friday"),
        ("SAT", "Saturday"),
    ];
    let by_number = |n: usize| names.get(n.wrapping_sub(1)).map(|(_, full)| full.to_string());
    names
        .iter()
        .find(|(short, _)| d.eq_ignore_ascii_case(short))
        .map(|(_, full)| full.to_string())
        .or_else(|| d.parse().ok().and_then(by_number))
        .unwrap_or_else(|| d.to_string())
}

/// An AWS `cron(...)` expression in words ("Every day at 03:00 UTC"), or the expression itself
/// with a note when it is not one.
pub fn cron_in_words(expr: &str) -> String {
    let Ok(f) = cron_fields(expr) else { return format!("{expr} (not a cron expression)") };
    let (min, hour, dom, month, dow, year) = (f[0], f[1], f[2], f[3], f[4], f[5]);
    let num = |s: &str| s.parse::<u8>().ok();
    let time = match (num(hour), num(min)) {
        (Some(h), Some(m)) => Some(format!("{h:02}:{m:02} UTC")),
        _ => None,
    };
    let every_day = (dom == "*" || dom == "?") && (dow == "*" || dow == "?");
    let mut text = match (time, hour, num(min)) {
        (Some(t), _, _) if every_day => format!("Every day at {t}"),
        (Some(t), _, _) if dom == "?" => {
            let days = match dow.split_once('-') {
                Some((a, b)) => format!("{} to {}", day_name(a), day_name(b)),
                None => dow.split(',').map(day_name).collect::<Vec<_>>().join(", "),
            };
            format!("At {t}, {days}")
        }
        (Some(t), _, _) => format!("At {t} on day {dom} of the month"),
        (None, "*", Some(m)) if every_day => format!("Every hour at minute {m}"),
        (None, h, Some(m)) if h.starts_with("0/") || h.starts_with("*/") => {
            format!("Every {} hours at minute {m}", &h[2..])
        }
        _ => format!("At minute {min}, hour {hour}, day-of-month {dom}, day-of-week {dow}"),
    };
    if month != "*" {
        text.push_str(&format!(", in month {month}"));
    }
    if year != "*" {
        text.push_str(&format!(", in {year}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_checked_live() {
        let existing = vec!["SalesCrawler".to_string()];
        assert!(name_errors("", &existing).unwrap().contains("Enter"));
        assert!(name_errors("a/b", &existing).unwrap().contains("'/'"));
        assert!(name_errors(&"x".repeat(256), &existing).unwrap().contains("255"));
        assert!(name_errors("SalesCrawler", &existing).unwrap().contains("already exists"));
        assert_eq!(name_errors("Other", &existing), None);
    }

    #[test]
    fn steps_check_their_fields() {
        let mut d = Draft { name: "c".into(), ..Draft::default() };
        assert_eq!(d.errors(0, &[]), []);
        assert_eq!(d.errors(1, &[])[0].field, "wizard-path-0", "s3:// alone has no bucket");
        d.targets = vec!["s3://raw/sales/".into(), "raw/x".into()];
        assert_eq!(d.errors(1, &[])[0].field, "wizard-path-1");
        d.targets.pop();
        d.exclusions = "tmp/**\n\n/abs/*".into();
        assert_eq!(d.errors(1, &[])[0].field, "wizard-exclusions");
        d.exclusions = "tmp/**\n**/*.bak\n".into();
        assert_eq!(d.errors(1, &[]), []);
        d.database = "sales-db".into();
        d.schedule = Schedule::Custom("cron(0 3 * * *)".into());
        let fields: Vec<_> = d.errors(3, &[]).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["wizard-database", "wizard-cron"]);
    }

    #[test]
    fn the_input_carries_every_choice() {
        let d = Draft {
            name: " c ".into(),
            targets: vec!["s3://raw/a/".into()],
            exclusions: "tmp/**\n".into(),
            new_folders_only: true,
            classifiers: vec!["recs".into()],
            database: "db".into(),
            schedule: Schedule::Daily { hour: 3, minute: 30 },
            ..Draft::default()
        };
        let input = d.to_input();
        assert_eq!(input.name, "c");
        assert_eq!(input.exclusions, ["tmp/**"]);
        assert_eq!((input.update_behavior.as_deref(), input.delete_behavior.as_deref()), (Some("LOG"), Some("LOG")));
        assert_eq!(input.recrawl_behavior.as_deref(), Some("CRAWL_NEW_FOLDERS_ONLY"));
        assert_eq!(input.schedule.as_deref(), Some("cron(30 3 * * ? *)"));
        assert_eq!(Draft::default().to_input().schedule, None);
    }

    #[test]
    fn schedules_in_words() {
        assert_eq!(Schedule::Hourly { minute: 15 }.describe(), "Every hour at minute 15");
        assert_eq!(Schedule::Daily { hour: 3, minute: 0 }.describe(), "Every day at 03:00 UTC");
        assert_eq!(cron_in_words("cron(0 12 ? * MON-FRI *)"), "At 12:00 UTC, Monday to Friday");
        assert_eq!(cron_in_words("cron(30 6 ? * 1,7 *)"), "At 06:30 UTC, Sunday, Saturday");
        assert_eq!(cron_in_words("cron(0 0/6 * * ? *)"), "Every 6 hours at minute 0");
        assert_eq!(cron_in_words("cron(0 8 1 * ? 2026)"), "At 08:00 UTC on day 1 of the month, in 2026");
        assert!(cron_in_words("rate(1 hour)").contains("not a cron expression"));
        assert!(Schedule::OnDemand.describe().starts_with("On demand"));
        assert!(check_cron("cron(0 3 * * * *)").unwrap_err().contains('?'));
        assert_eq!(check_cron("cron(0 3 * * ? *)"), Ok(()));
    }
}
