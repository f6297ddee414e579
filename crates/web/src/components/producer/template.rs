//! The producer's record templates, in plain Rust (tested natively): text with `{{...}}` fields
//! filled with random values for every record, in the spirit of the Kinesis Data Generator.
//!
//! Fields: `{{random.number(min,max)}}` (integer, both ends included),
//! `{{random.float(min,max)}}` (two decimals), `{{random.arrayElement(["NSW","VIC",3])}}` (one
//! element, strings without their quotes), `{{random.uuid}}`, `{{random.boolean}}`,
//! `{{date.now}}` (UTC, ISO 8601 with milliseconds), `{{date.epoch}}` (seconds),
//! `{{date.epochMillis}}` and `{{counter}}` (1, 2, 3, ... per producer run). Spaces inside the
//! braces are allowed; anything else between `{{` and `}}` is an error naming its position.
//! Templates are user input: at most [`MAX_TEMPLATE_CHARS`] characters, [`MAX_FIELDS`] fields
//! and [`MAX_ARRAY_ELEMENTS`] array elements, and parsing never recurses.

use std::fmt::{self, Write as _};

/// Longest template accepted, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 16 * 1024;
/// Most `{{...}}` fields in one template.
pub const MAX_FIELDS: usize = 256;
/// Most elements in one `random.arrayElement([...])`.
pub const MAX_ARRAY_ELEMENTS: usize = 1_000;

/// A template that could not be parsed: what is wrong and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong.
    pub message: String,
    /// Line of the problem, from 1.
    pub line: usize,
    /// Column (in characters) of the problem, from 1.
    pub column: usize,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// One random field.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// An integer in `min..=max`.
    Number(i64, i64),
    /// A number in `min..max` with two decimals.
    Float(f64, f64),
    /// One of these texts.
    Element(Vec<String>),
    /// A random UUID (version 4).
    Uuid,
    /// `true` or `false`.
    Boolean,
    /// The time, ISO 8601 UTC.
    DateNow,
    /// The time in seconds since the epoch.
    DateEpoch,
    /// The time in milliseconds since the epoch.
    DateEpochMillis,
    /// The record's number in the run.
    Counter,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field(Field),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Random numbers (SplitMix64: small, fast, seeded by the page from `Math.random`).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `min..=max` (`min <= max`).
    pub fn between(&mut self, min: i64, max: i64) -> i64 {
        let span = (max as i128 - min as i128 + 1) as u128;
        (min as i128 + (self.next_u64() as u128 % span) as i128) as i64
    }
}

/// What a record is rendered with besides randomness.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext {
    /// Now, in milliseconds since the epoch.
    pub now_ms: i64,
    /// The record's number in the run (from 1).
    pub counter: u64,
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        if text.chars().count() > MAX_TEMPLATE_CHARS {
            return Err(error_at(text, 0, format!("the template is longer than {MAX_TEMPLATE_CHARS} characters")));
        }
        let mut parts = Vec::new();
        let mut fields = 0;
        let mut rest = 0;
        while let Some(found) = text[rest..].find("{{") {
            let open = rest + found;
            if open > rest {
                parts.push(Part::Text(text[rest..open].to_string()));
            }
            let Some(len) = text[open + 2..].find("}}") else {
                return Err(error_at(text, open, "`{{` is not closed by `}}`".into()));
            };
            let body_start = open + 2;
            fields += 1;
            if fields > MAX_FIELDS {
                return Err(error_at(text, open, format!("more than {MAX_FIELDS} fields")));
            }
            let field = parse_field(text, body_start, body_start + len)?;
            parts.push(Part::Field(field));
            rest = body_start + len + 2;
        }
        if rest < text.len() {
            parts.push(Part::Text(text[rest..].to_string()));
        }
        Ok(Template { parts })
    }

    /// One record.
    pub fn render(&self, rng: &mut Rng, ctx: RenderContext) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => render_field(f, rng, ctx, &mut out),
            }
        }
        out
    }
}

fn render_field(field: &Field, rng: &mut Rng, ctx: RenderContext, out: &mut String) {
    let _ = match field {
        Field::Number(min, max) => write!(out, "{}", rng.between(*min, *max)),
        Field::Float(min, max) => write!(out, "{:.2}", min + rng.next_f64() * (max - min)),
        Field::Element(items) => {
            let i = rng.between(0, items.len() as i64 - 1) as usize;
            write!(out, "{}", items[i])
        }
        Field::Uuid => write!(out, "{}", uuid_v4(rng)),
        Field::Boolean => write!(out, "{}", rng.next_u64() & 1 == 1),
        Field::DateNow => write!(out, "{}", iso_time(ctx.now_ms)),
        Field::DateEpoch => write!(out, "{}", ctx.now_ms.div_euclid(1000)),
        Field::DateEpochMillis => write!(out, "{}", ctx.now_ms),
        Field::Counter => write!(out, "{}", ctx.counter),
    };
}

/// A random version-4 UUID, lower-case hex with dashes.
pub fn uuid_v4(rng: &mut Rng) -> String {
    let (hi, lo) = (rng.next_u64(), rng.next_u64());
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0xC000 << 48)) | (0x8000 << 48);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

/// `2026-12-02T12:30:00.123Z`.
pub fn iso_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Line and column of byte offset `at`.
fn error_at(text: &str, at: usize, message: String) -> TemplateError {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    TemplateError { message, line, column }
}

/// Parses the field between byte offsets `start` and `end` of `text`.
fn parse_field(text: &str, start: usize, end: usize) -> Result<Field, TemplateError> {
    let body = &text[start..end];
    let lead = body.len() - body.trim_start().len();
    let at = start + lead;
    let body = body.trim();
    let (name, args) = match body.find('(') {
        Some(p) => (body[..p].trim_end(), Some(&body[p..])),
        None => (body, None),
    };
    let err = |offset: usize, m: String| Err(error_at(text, at + offset, m));
    let arg_start = body.len() - args.map_or(0, str::len);
    match (name, args) {
        ("random.uuid", None) => Ok(Field::Uuid),
        ("random.boolean", None) => Ok(Field::Boolean),
        ("date.now", None) => Ok(Field::DateNow),
        ("date.epoch", None) => Ok(Field::DateEpoch),
        ("date.epochMillis", None) => Ok(Field::DateEpochMillis),
        ("counter", None) => Ok(Field::Counter),
        ("random.number" | "random.float", Some(args)) => {
            let inner = match call_args(args) {
                Some(i) => i,
                None => return err(arg_start, format!("`{name}` takes `(min,max)`")),
            };
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            if parts.len() != 2 {
                return err(arg_start, format!("`{name}` takes two numbers: `{name}(min,max)`"));
            }
            if name == "random.number" {
                match (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
                    (Ok(a), Ok(b)) if a <= b => Ok(Field::Number(a, b)),
                    (Ok(_), Ok(_)) => err(arg_start, "min must not be greater than max".into()),
                    _ => err(arg_start, "`random.number` takes two integers".into()),
                }
            } else {
                match (parts[0].parse::<f64>(), parts[1].parse::<f64>()) {
                    (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() && a <= b => Ok(Field::Float(a, b)),
                    (Ok(_), Ok(_)) => err(arg_start, "min must be a finite number not greater than max".into()),
                    _ => err(arg_start, "`random.float` takes two numbers".into()),
                }
            }
        }
        ("random.arrayElement", Some(args)) => match call_args(args) {
            // `inner` starts one character (the `(`) into `args`.
            Some(inner) => {
                parse_array(inner).map(Field::Element).map_err(|(o, m)| error_at(text, at + arg_start + 1 + o, m))
            }
            None => err(arg_start, "`random.arrayElement` takes `([\"a\",\"b\"])`".into()),
        },
        ("random.uuid" | "random.boolean" | "date.now" | "date.epoch" | "date.epochMillis" | "counter", Some(_)) => {
            err(arg_start, format!("`{name}` takes no arguments"))
        }
        ("random.number" | "random.float" | "random.arrayElement", None) => {
            err(body.len(), format!("`{name}` needs its arguments in parentheses"))
        }
        ("", _) => err(0, "empty field `{{}}`".into()),
        _ => err(0, format!("unknown field `{name}`")),
    }
}

/// The text between `(` and the closing `)` that ends `args`.
fn call_args(args: &str) -> Option<&str> {
    args.strip_prefix('(')?.strip_suffix(')')
}

/// A flat JSON-like array of strings and numbers; errors carry an offset into `inner`.
fn parse_array(inner: &str) -> Result<Vec<String>, (usize, String)> {
    let trimmed = inner.trim_start();
    let mut pos = inner.len() - trimmed.len();
    let body = trimmed.trim_end();
    if !body.starts_with('[') || !body.ends_with(']') || body.len() < 2 {
        return Err((pos, "expected an array like [\"NSW\",\"VIC\"]".into()));
    }
    let chars: Vec<(usize, char)> = body[1..body.len() - 1].char_indices().collect();
    pos += 1;
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if items.len() >= MAX_ARRAY_ELEMENTS {
            return Err((pos + chars[i].0, format!("more than {MAX_ARRAY_ELEMENTS} elements")));
        }
        let (item, next) = array_item(&chars, i).map_err(|(o, m)| (pos + o, m))?;
        items.push(item);
        i = next;
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        match chars.get(i) {
            None => break,
            Some((_, ',')) => i += 1,
            Some((o, c)) => return Err((pos + o, format!("expected `,` or `]`, found `{c}`"))),
        }
    }
    if items.is_empty() {
        return Err((pos, "the array is empty".into()));
    }
    Ok(items)
}

/// One element starting at `chars[i]`: a quoted string or a bare number/word.
fn array_item(chars: &[(usize, char)], mut i: usize) -> Result<(String, usize), (usize, String)> {
    let start = chars[i].0;
    let quote = chars[i].1;
    if quote == '"' || quote == '\'' {
        let mut s = String::new();
        i += 1;
        while i < chars.len() {
            match chars[i].1 {
                c if c == quote => return Ok((s, i + 1)),
                '\\' if i + 1 < chars.len() => {
                    s.push(chars[i + 1].1);
                    i += 2;
                }
                c => {
                    s.push(c);
                    i += 1;
                }
            }
        }
        return Err((start, "unterminated string".into()));
    }
    let mut s = String::new();
    while i < chars.len() && !matches!(chars[i].1, ',' | ' ' | '\t' | '\n' | '\r') {
        s.push(chars[i].1);
        i += 1;
    }
    if s.parse::<f64>().is_err() && !matches!(s.as_str(), "true" | "false" | "null") {
        return Err((start, format!("`{s}` is not a number; quote text elements")));
    }
    Ok((s, i))
}

/// The course's sales record (id, region, product, amount, ts).
pub const DEFAULT_RECORD_TEMPLATE: &str = r#"{"id": "{{counter}}", "region": "{{random.arrayElement(["NSW","VIC","QLD","WA","SA","TAS"])}}", "product": "{{random.arrayElement(["Laptop","Phone","Tablet","Monitor","Headphones"])}}", "amount": {{random.number(10,2000)}}, "ts": "{{date.now}}"}"#;

/// A random partition key per record: spreads records evenly over the shards.
pub const DEFAULT_PARTITION_KEY_TEMPLATE: &str = "{{random.uuid}}";

// proptest is a native dev-dependency: these helpers are tested natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::Rng;
    use super::*;

    const CTX: RenderContext = RenderContext { now_ms: 1_764_678_600_123, counter: 7 };

    #[test]
    fn default_template_renders_the_sales_schema_as_json() {
        let t = Template::parse(DEFAULT_RECORD_TEMPLATE).unwrap();
        let mut rng = Rng::new(1);
        for _ in 0..50 {
            let v: serde_json::Value = serde_json::from_str(&t.render(&mut rng, CTX)).unwrap();
            assert_eq!(v["id"], "7");
            assert!(["NSW", "VIC", "QLD", "WA", "SA", "TAS"].contains(&v["region"].as_str().unwrap()));
            let amount = v["amount"].as_i64().unwrap();
            assert!((10..=2000).contains(&amount));
            assert_eq!(v["ts"], "2025-12-02T12:30:00.123Z");
        }
    }

    #[test]
    fn every_field_renders() {
        let t = Template::parse(
            "{{ random.number(-3, 3) }}|{{random.float(1.5,2.5)}}|{{random.uuid}}|{{random.boolean}}|{{date.epoch}}|{{date.epochMillis}}|{{counter}}|{{random.arrayElement(['a\\'b', 42])}}",
        )
        .unwrap();
        let mut rng = Rng::new(9);
        for _ in 0..100 {
            let out = t.render(&mut rng, CTX);
            let p: Vec<&str> = out.split('|').collect();
            assert!((-3..=3).contains(&p[0].parse::<i64>().unwrap()));
            let f: f64 = p[1].parse().unwrap();
            assert!((1.5..=2.5).contains(&f));
            assert_eq!(p[2].len(), 36);
            assert_eq!(&p[2][14..15], "4");
            assert!(["8", "9", "a", "b"].contains(&&p[2][19..20]));
            assert!(p[3] == "true" || p[3] == "false");
            assert_eq!(p[4], "1764678600");
            assert_eq!(p[5], "1764678600123");
            assert_eq!(p[6], "7");
            assert!(p[7] == "a'b" || p[7] == "42");
        }
    }

    #[test]
    fn number_covers_both_ends() {
        let t = Template::parse("{{random.number(1,3)}}").unwrap();
        let mut rng = Rng::new(3);
        let seen: std::collections::BTreeSet<String> = (0..200).map(|_| t.render(&mut rng, CTX)).collect();
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["1", "2", "3"]);
        let t = Template::parse(&format!("{{{{random.number({},{})}}}}", i64::MIN, i64::MAX)).unwrap();
        t.render(&mut rng, CTX);
    }

    #[test]
    fn plain_text_and_single_braces_stay() {
        let t = Template::parse("{\"a\": {\"b\": 1}}").unwrap();
        assert_eq!(t.render(&mut Rng::new(0), CTX), "{\"a\": {\"b\": 1}}");
        assert_eq!(t.parts.len(), 1);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = Template::parse("{\n  \"x\": {{random.nomber(1,2)}}\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("random.nomber"), "{e}");
        let e = Template::parse("ab{{counter").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        let e = Template::parse("{{random.number(5,1)}}").unwrap_err();
        assert!(e.message.contains("greater"), "{e}");
        let e = Template::parse("{{random.arrayElement([\"a\" \"b\"])}}").unwrap_err();
        assert_eq!(e.column, 28, "{e}");
        let e = Template::parse("{{random.arrayElement([NSW])}}").unwrap_err();
        assert!(e.message.contains("quote"), "{e}");
        assert!(Template::parse("{{random.arrayElement([])}}").is_err());
        assert!(Template::parse("{{counter(1)}}").is_err());
        assert!(Template::parse("{{random.number}}").is_err());
        assert!(Template::parse("{{ }}").is_err());
    }

    #[test]
    fn limits_hold() {
        assert!(Template::parse(&"x".repeat(MAX_TEMPLATE_CHARS + 1)).is_err());
        assert!(Template::parse(&"{{counter}}".repeat(MAX_FIELDS)).is_ok());
        assert!(Template::parse(&"{{counter}}".repeat(MAX_FIELDS + 1)).is_err());
        let many = vec!["1"; MAX_ARRAY_ELEMENTS + 1].join(",");
        assert!(Template::parse(&format!("{{{{random.arrayElement([{many}])}}}}")).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_templates_never_panic(text in "\\PC{0,200}", seed in any::<u64>()) {
            if let Ok(t) = Template::parse(&text) {
                t.render(&mut Rng::new(seed), CTX);
            }
        }

        #[test]
        fn field_like_templates_never_panic(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("{{".to_string()), Just("}}".to_string()), Just("(".to_string()), Just(")".to_string()),
                    Just("[".to_string()), Just("]".to_string()), Just("\"".to_string()), Just(",".to_string()),
                    Just("random.number".to_string()), Just("random.arrayElement".to_string()),
                    Just("random.float".to_string()), Just("counter".to_string()), "[0-9a-zé -]{0,4}",
                ],
                0..30,
            ),
            seed in any::<u64>(),
        ) {
            let text = parts.concat();
            match Template::parse(&text) {
                Ok(t) => { t.render(&mut Rng::new(seed), CTX); }
                Err(e) => prop_assert!(e.line >= 1 && e.column >= 1),
            }
        }
    }
}
