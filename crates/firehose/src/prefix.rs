//! S3 prefixes with Firehose's `!{namespace:value}` expressions: parsing, AWS's validation
//! rules, and evaluation at delivery time.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::{Error, Result};

/// The longest Prefix / ErrorOutputPrefix the API accepts.
pub const MAX_PREFIX_LEN: usize = 1024;

/// What an S3 object name starts with when the prefix holds no `!{timestamp:...}`.
pub const DEFAULT_TIME_PREFIX: &str = "yyyy/MM/dd/HH/";

/// One part of a Java `DateTimeFormatter` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TimePart {
    Literal(String),
    /// A pattern letter and how many times it repeats.
    Field(char, usize),
}

/// One part of a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Timestamp(Vec<TimePart>),
    RandomString,
    ErrorOutputType,
    PartitionKey(String),
}

/// A parsed prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prefix {
    parts: Vec<Part>,
}

impl Prefix {
    /// Parses `text`; `field` names the member in error messages (`Prefix`, `ErrorOutputPrefix`).
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        if text.len() > MAX_PREFIX_LEN {
            return Err(Error::invalid(format!(
                "{field} length must be less than or equal to {MAX_PREFIX_LEN} characters."
            )));
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("!{") {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| Error::invalid(format!("{field} '{text}' has an expression with no closing '}}'.")))?;
            let expr = &after[..end];
            if expr.contains("!{") {
                return Err(Error::invalid(format!(
                    "{field} '{text}' has nested expressions, which are not supported."
                )));
            }
            parts.push(parse_expression(expr, text, field)?);
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(Self { parts })
    }

    /// The default prefix's time folders (`yyyy/MM/dd/HH/`).
    pub fn default_time() -> Self {
        Self::parse(&format!("!{{timestamp:{DEFAULT_TIME_PREFIX}}}"), "Prefix").unwrap_or_default()
    }

    /// Whether the prefix holds any `!{...}` expression.
    pub fn has_expressions(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Literal(_)))
    }

    /// Whether the prefix holds a `!{timestamp:...}` expression.
    pub fn has_timestamp(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Timestamp(_)))
    }

    /// Whether the prefix holds `!{firehose:error-output-type}`.
    pub fn has_error_output_type(&self) -> bool {
        self.parts.contains(&Part::ErrorOutputType)
    }

    /// The `!{partitionKeyFromQuery:...}` keys, in order of appearance.
    pub fn partition_keys(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::PartitionKey(k) => Some(k.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Evaluates the prefix. `time` is the oldest record's arrival; `keys` the partition keys;
    /// `error_type` the error output type (error prefixes only).
    pub fn render(&self, time: DateTime<Utc>, keys: &BTreeMap<String, String>, error_type: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Timestamp(pattern) => format_time(pattern, time, &mut out),
                Part::RandomString => out.push_str(&random_string()),
                Part::ErrorOutputType => out.push_str(error_type),
                Part::PartitionKey(k) => out.push_str(keys.get(k).map_or("", String::as_str)),
            }
        }
        out
    }
}

fn parse_expression(expr: &str, text: &str, field: &str) -> Result<Part> {
    let invalid = || Error::invalid(format!("{field} '{text}' has an invalid expression '!{{{expr}}}'."));
    let (namespace, value) = expr.split_once(':').ok_or_else(invalid)?;
    match namespace {
        "timestamp" => Ok(Part::Timestamp(parse_time_pattern(value).ok_or_else(|| {
            Error::invalid(format!("{field} '{text}': '{value}' is not a valid timestamp format."))
        })?)),
        "firehose" => match value {
            "random-string" => Ok(Part::RandomString),
            "error-output-type" => Ok(Part::ErrorOutputType),
            _ => Err(invalid()),
        },
        "partitionKeyFromQuery" => {
            let ok = !value.is_empty()
                && value.len() <= 512
                && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if ok {
                Ok(Part::PartitionKey(value.to_string()))
            } else {
                Err(invalid())
            }
        }
        "partitionKeyFromLambda" => Err(Error::invalid(format!(
            "{field} '{text}': partitionKeyFromLambda needs a Lambda processor, and Puddle does not run Lambda functions."
        ))),
        _ => Err(invalid()),
    }
}

/// The pattern letters Puddle formats (Java `DateTimeFormatter` meanings).
const TIME_LETTERS: &[char] = &['y', 'u', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'a', 'D', 'E'];

fn parse_time_pattern(pattern: &str) -> Option<Vec<TimePart>> {
    if pattern.is_empty() || pattern.len() > 256 {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Quoted literal; '' is a quote.
            let mut lit = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return None,
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        lit.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        lit.push(*ch);
                        i += 1;
                    }
                }
            }
            if lit.is_empty() {
                lit.push('\'');
            }
            parts.push(TimePart::Literal(lit));
        } else if c.is_ascii_alphabetic() {
            if !TIME_LETTERS.contains(&c) {
                return None;
            }
            let mut n = 1;
            while chars.get(i + n) == Some(&c) {
                n += 1;
            }
            if n > 9 {
                return None;
            }
            parts.push(TimePart::Field(c, n));
            i += n;
        } else if matches!(c, '[' | ']' | '{' | '}' | '#') {
            return None;
        } else {
            parts.push(TimePart::Literal(c.to_string()));
            i += 1;
        }
    }
    Some(parts)
}

fn pad(out: &mut String, value: i64, width: usize) {
    out.push_str(&format!("{value:0width$}"));
}

fn format_time(pattern: &[TimePart], t: DateTime<Utc>, out: &mut String) {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    for part in pattern {
        match part {
            TimePart::Literal(s) => out.push_str(s),
            TimePart::Field(c, n) => match c {
                'y' | 'u' if *n == 2 => pad(out, i64::from(t.year().rem_euclid(100)), 2),
                'y' | 'u' => pad(out, i64::from(t.year()), *n),
                'M' if *n == 3 => out.push_str(&MONTHS[t.month0() as usize][..3]),
                'M' if *n >= 4 => out.push_str(MONTHS[t.month0() as usize]),
                'M' => pad(out, i64::from(t.month()), *n),
                'd' => pad(out, i64::from(t.day()), *n),
                'D' => pad(out, i64::from(t.ordinal()), *n),
                'H' => pad(out, i64::from(t.hour()), *n),
                'h' => pad(out, i64::from((t.hour() + 11) % 12 + 1), *n),
                'm' => pad(out, i64::from(t.minute()), *n),
                's' => pad(out, i64::from(t.second()), *n),
                'S' => {
                    let nanos = format!("{:09}", t.nanosecond() % 1_000_000_000);
                    out.push_str(&nanos[..(*n).min(9)]);
                }
                'a' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
                'E' if *n >= 4 => out.push_str(DAYS[t.weekday().num_days_from_monday() as usize]),
                _ => out.push_str(&DAYS[t.weekday().num_days_from_monday() as usize][..3]),
            },
        }
    }
}

/// Firehose's `random-string`: 11 random alphanumeric characters.
fn random_string() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(11)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// The object name's fixed part: `<stream>-<version>-YYYY-MM-dd-HH-mm-ss-<uuid>`.
pub fn object_suffix(stream: &str, version: u64, time: DateTime<Utc>) -> String {
    format!("{stream}-{version}-{}-{}", time.format("%Y-%m-%d-%H-%M-%S"), uuid::Uuid::new_v4())
}

/// AWS's rules for a destination's Prefix and ErrorOutputPrefix.
pub fn validate_prefixes(
    prefix: &str,
    error_prefix: Option<&str>,
    dynamic_partitioning: bool,
) -> Result<(Prefix, Option<Prefix>)> {
    let main = Prefix::parse(prefix, "Prefix")?;
    let error = error_prefix.filter(|p| !p.is_empty()).map(|p| Prefix::parse(p, "ErrorOutputPrefix")).transpose()?;
    for (field, text) in [("Prefix", Some(prefix)), ("ErrorOutputPrefix", error_prefix)] {
        if let Some(t) = text.filter(|t| t.starts_with('/') || t.contains("//")) {
            return Err(Error::invalid(format!(
                "{field} '{t}' is not supported by Puddle: its S3 keys cannot have empty path segments (a leading or doubled '/')."
            )));
        }
    }
    if main.has_error_output_type() {
        return Err(Error::invalid(
            "The expression !{firehose:error-output-type} is not allowed in Prefix. It can only be used in ErrorOutputPrefix.",
        ));
    }
    if main.has_expressions() && error.is_none() {
        return Err(Error::invalid("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions."));
    }
    if let Some(e) = &error {
        if !e.partition_keys().is_empty() {
            return Err(Error::invalid(
                "The expression !{partitionKeyFromQuery:...} is not allowed in ErrorOutputPrefix.",
            ));
        }
        if e.has_expressions() && !e.has_error_output_type() {
            return Err(Error::invalid(
                "ErrorOutputPrefix must contain at least one instance of !{firehose:error-output-type} when it contains expressions.",
            ));
        }
    }
    if !dynamic_partitioning && !main.partition_keys().is_empty() {
        return Err(Error::invalid(
            "Prefix expressions of the partitionKeyFromQuery namespace are only allowed when dynamic partitioning is enabled.",
        ));
    }
    if dynamic_partitioning {
        if main.partition_keys().is_empty() {
            return Err(Error::invalid(
                "When dynamic partitioning is enabled, Prefix must contain at least one partitionKeyFromQuery expression.",
            ));
        }
        if error.is_none() {
            return Err(Error::invalid(
                "ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled.",
            ));
        }
    }
    Ok((main, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 7, 9, 5, 2).unwrap()
    }

    #[test]
    fn timestamps_format_like_java() {
        let p =
            Prefix::parse("logs/!{timestamp:yyyy}/!{timestamp:MM}/d=!{timestamp:dd}/!{timestamp:HH-mm-ss}/", "Prefix")
                .unwrap();
        assert_eq!(p.render(t(), &BTreeMap::new(), ""), "logs/2026/03/d=07/09-05-02/");
        let p = Prefix::parse("!{timestamp:yy'T'MMM}", "Prefix").unwrap();
        assert_eq!(p.render(t(), &BTreeMap::new(), ""), "26TMar");
        assert_eq!(Prefix::default_time().render(t(), &BTreeMap::new(), ""), "2026/03/07/09/");
    }

    #[test]
    fn keys_random_and_error_type() {
        let p = Prefix::parse("region=!{partitionKeyFromQuery:region}/!{firehose:random-string}/", "Prefix").unwrap();
        let keys = BTreeMap::from([("region".to_string(), "NSW".to_string())]);
        let out = p.render(t(), &keys, "");
        assert!(out.starts_with("region=NSW/") && out.len() == "region=NSW/".len() + 12, "{out}");
        let e = Prefix::parse("err/!{firehose:error-output-type}/", "ErrorOutputPrefix").unwrap();
        assert_eq!(e.render(t(), &keys, "format-conversion-failed"), "err/format-conversion-failed/");
    }

    #[test]
    fn aws_rules() {
        assert!(Prefix::parse("a/!{timestamp:yyyy", "Prefix").is_err());
        assert!(Prefix::parse("a/!{timestamp:qqq}", "Prefix").is_err());
        assert!(Prefix::parse("a/!{nope:x}", "Prefix").is_err());
        assert!(validate_prefixes("a/!{timestamp:yyyy}/", None, false).is_err());
        assert!(validate_prefixes("a/!{timestamp:yyyy}/", Some("err/!{firehose:error-output-type}/"), false).is_ok());
        assert!(validate_prefixes("a/!{timestamp:yyyy}/", Some("err/!{timestamp:yyyy}/"), false).is_err());
        assert!(validate_prefixes("a/!{firehose:error-output-type}/", Some("e/"), false).is_err());
        assert!(validate_prefixes("r=!{partitionKeyFromQuery:r}/", Some("e/"), false).is_err());
        assert!(validate_prefixes("r=!{partitionKeyFromQuery:r}/", Some("e/"), true).is_ok());
        assert!(validate_prefixes("plain/", Some("e/"), true).is_err());
        assert!(validate_prefixes("plain/", None, false).is_ok());
        assert!(validate_prefixes("/abs/", None, false).is_err());
        assert!(validate_prefixes("a//b/", None, false).is_err());
    }

    #[test]
    fn suffix_shape() {
        let s = object_suffix("sales", 3, t());
        assert!(s.starts_with("sales-3-2026-03-07-09-05-02-"), "{s}");
        assert_eq!(s.len(), "sales-3-2026-03-07-09-05-02-".len() + 36);
    }
}
