//! Classifiers: which format a file is in, and its schema, from a sample of its bytes.
//!
//! Built-in classifiers in Glue's order of precedence for what Puddle reads: Parquet (magic bytes
//! and footer), JSON (objects, one per line), CSV (delimiter and header sniffing). The first
//! classifier certain of a file wins; an unclassifiable file is `UNKNOWN` with the reason.

use std::io::Cursor;

use arrow::datatypes::{DataType, Schema};
use bytes::Bytes;
use puddle_catalog::{arrow_to_hive, hive_to_arrow, json_path::JsonPath, Column};
use serde::{Deserialize, Serialize};

/// Bytes of a text file the CSV and JSON classifiers look at (Glue: the first 1 MB).
pub const SAMPLE_BYTES: u64 = 1 << 20;
/// Records sampled for type inference (Glue: up to 1,000).
pub const SAMPLE_RECORDS: usize = 1000;

/// What a classifier decided about one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// `csv`, `json`, `parquet`, or `UNKNOWN`.
    pub classification: String,
    /// Which classifier decided (`built-in parquet`, `built-in csv`, ...).
    pub classifier: String,
    /// 1.0 when certain, 0.0 for UNKNOWN.
    pub certainty: f64,
    /// Columns with Hive types (empty for UNKNOWN).
    pub columns: Vec<Column>,
    /// CSV only: the delimiter found.
    pub delimiter: Option<char>,
    /// CSV only: whether the first row is a header.
    pub has_header: Option<bool>,
    /// Records sampled to infer the types (exact row count for Parquet).
    pub records: u64,
    /// Bytes of text the sampled records span (0 when the count is exact, as for Parquet).
    #[serde(default)]
    pub sampled_bytes: u64,
    /// Why, in words (shown in the crawl trace).
    pub reason: String,
    /// `gzip` when the file is gzip-compressed (classified from its decompressed bytes).
    #[serde(default)]
    pub compression: Option<String>,
    /// CSV only: the quote character, when it is not the double quote.
    #[serde(default)]
    pub quote: Option<char>,
    /// JSON classifiers only: the JsonPath that selected the records.
    #[serde(default)]
    pub json_path: Option<String>,
}

impl Classification {
    /// An UNKNOWN result with its reason.
    pub fn unknown(reason: impl Into<String>) -> Self {
        Self {
            classification: "UNKNOWN".into(),
            classifier: "none".into(),
            certainty: 0.0,
            columns: Vec::new(),
            delimiter: None,
            has_header: None,
            records: 0,
            sampled_bytes: 0,
            reason: reason.into(),
            compression: None,
            quote: None,
            json_path: None,
        }
    }

    /// Whether a classifier recognised the file.
    pub fn is_known(&self) -> bool {
        self.classification != "UNKNOWN"
    }
}

/// Classifies a Parquet file from its footer bytes (the bytes before the last 8).
pub fn classify_parquet_footer(footer: &[u8]) -> Classification {
    let metadata = match parquet::file::metadata::ParquetMetaDataReader::decode_metadata(footer) {
        Ok(m) => m,
        Err(e) => {
            return Classification::unknown(format!("Parquet magic bytes found, but the footer is unreadable: {e}"))
        }
    };
    let file = metadata.file_metadata();
    match parquet::arrow::parquet_to_arrow_schema(file.schema_descr(), file.key_value_metadata()) {
        Ok(schema) => Classification {
            classification: "parquet".into(),
            classifier: "built-in parquet".into(),
            certainty: 1.0,
            columns: columns(&schema, false),
            delimiter: None,
            has_header: None,
            records: file.num_rows().max(0) as u64,
            sampled_bytes: 0,
            reason: format!("Parquet footer: {} row group(s), {} rows", metadata.num_row_groups(), file.num_rows()),
            compression: None,
            quote: None,
            json_path: None,
        },
        Err(e) => Classification::unknown(format!("Parquet schema cannot be read: {e}")),
    }
}

/// Classifies a text file from its first bytes; `truncated` says the sample is not the whole file.
pub fn classify_text(sample: &Bytes, truncated: bool) -> Classification {
    classify_text_with(sample, truncated, &[])
}

/// A crawler's custom classifier, as the classification code applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomClassifier {
    /// A CSV classifier.
    Csv(CsvOptions),
    /// A JSON classifier: its name and the JsonPath selecting the records.
    Json {
        /// Classifier name (shown in the trace).
        name: String,
        /// Which values are the records.
        path: JsonPath,
    },
}

impl CustomClassifier {
    /// The classifier's name.
    pub fn name(&self) -> &str {
        match self {
            CustomClassifier::Csv(o) => &o.classifier,
            CustomClassifier::Json { name, .. } => name,
        }
    }
}

/// Bytes of a file a JSON classifier reads (Glue: up to 10 MB for JSON); the whole document is
/// needed to apply a JsonPath.
pub const JSON_SAMPLE_BYTES: u64 = 10 << 20;

/// Like [`classify_text`], trying the custom classifiers first, in order (as Glue does): the
/// first certain of the file (a CSV classifier that splits the rows consistently, a JSON
/// classifier whose path selects JSON objects) wins; otherwise the built-in classifiers decide.
pub fn classify_text_with(sample: &Bytes, truncated: bool, custom: &[CustomClassifier]) -> Classification {
    let mut bytes: &[u8] = sample;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        bytes = rest; // UTF-8 byte order mark
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Classification::unknown("the file is empty");
    }
    // Cut a truncated sample at its last complete line.
    if truncated {
        if let Some(end) = bytes.iter().rposition(|b| *b == b'\n') {
            bytes = &bytes[..=end];
        }
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Classification::unknown(format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
        }
    };
    let mut tried = Vec::new();
    for classifier in custom {
        let c = match classifier {
            CustomClassifier::Csv(options) => classify_csv_with(text, options),
            CustomClassifier::Json { name, path } => classify_json_path(text, truncated, name, path),
        };
        if c.is_known() {
            return c;
        }
        tried.push(format!("{}: {}", classifier.name(), c.reason));
    }
    let first = text.trim_start().chars().next().unwrap_or(' ');
    let mut c = match first {
        '{' => classify_json(text),
        '[' => Classification::unknown(
            "a top-level JSON array: Glue's built-in JSON classifier needs one object per record (add a JSON classifier with path $[*])",
        ),
        _ => classify_csv_with(text, &CsvOptions::default()),
    };
    if !tried.is_empty() {
        c.reason = format!("{} (custom classifiers did not match: {})", c.reason, tried.join("; "));
    }
    c
}

/// Classifies a gzip-compressed file from its compressed bytes: the decompressed text (its first
/// [`SAMPLE_BYTES`]) is classified as any other text, and the result says `compression: gzip`.
pub fn classify_gzip(compressed: &[u8]) -> Classification {
    classify_gzip_with(compressed, &[])
}

/// Like [`classify_gzip`], trying custom classifiers first.
pub fn classify_gzip_with(compressed: &[u8], custom: &[CustomClassifier]) -> Classification {
    use std::io::Read;
    if !compressed.starts_with(&[0x1f, 0x8b]) {
        return Classification::unknown("named .gz, but not gzip data (no gzip magic bytes)");
    }
    let mut sample = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(compressed);
    if let Err(e) = decoder.take(SAMPLE_BYTES + 1).read_to_end(&mut sample) {
        return Classification::unknown(format!("gzip data is corrupt or truncated: {e}"));
    }
    let truncated = sample.len() as u64 > SAMPLE_BYTES;
    sample.truncate(SAMPLE_BYTES as usize);
    let mut c = classify_text_with(&Bytes::from(sample), truncated, custom);
    if c.is_known() {
        c.compression = Some("gzip".into());
        c.classifier = format!("{} (gzip)", c.classifier);
        c.reason = format!("gzip-compressed; {}", c.reason);
    }
    c
}

/// A custom JSON classifier: the records are the values `path` selects; it is certain (1.0)
/// when it selects at least one value and every one is a JSON object, otherwise UNKNOWN with why.
fn classify_json_path(text: &str, truncated: bool, name: &str, path: &JsonPath) -> Classification {
    let records = match path.records(text) {
        Ok(records) if truncated && records.is_empty() => {
            let why = format!("the first {} MB hold no complete record at {path}", JSON_SAMPLE_BYTES >> 20);
            return Classification::unknown(why);
        }
        Ok(records) => records,
        Err(e) if truncated => {
            return Classification::unknown(format!(
                "{e} (the file is larger than the {} MB a JSON classifier reads)",
                JSON_SAMPLE_BYTES >> 20
            ))
        }
        Err(e) => return Classification::unknown(e),
    };
    if records.is_empty() {
        return Classification::unknown(format!("the JsonPath {path} selects nothing in this file"));
    }
    if let Some(other) = records.iter().find(|r| !r.is_object()) {
        let kind = match other {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Classification::unknown(format!(
            "the JsonPath {path} selects {kind}, not JSON objects (add [*] to select an array's elements)"
        ));
    }
    let mut lines = Vec::new();
    for r in records.iter().take(SAMPLE_RECORDS) {
        lines.extend(serde_json::to_vec(r).unwrap_or_default());
        lines.push(b'\n');
    }
    match arrow::json::reader::infer_json_schema(Cursor::new(&lines), Some(SAMPLE_RECORDS)) {
        Ok((schema, _)) => Classification {
            classification: "json".into(),
            classifier: name.to_string(),
            certainty: 1.0,
            columns: columns(&schema, false),
            delimiter: None,
            has_header: None,
            records: records.len() as u64,
            sampled_bytes: text.len() as u64,
            reason: format!(
                "JsonPath {path} selects {} record(s); schema from the first {}",
                records.len(),
                records.len().min(SAMPLE_RECORDS)
            ),
            compression: None,
            quote: None,
            json_path: Some(path.to_string()),
        },
        Err(e) => Classification::unknown(format!("the records at {path} have no common schema: {e}")),
    }
}

fn classify_json(text: &str) -> Classification {
    let sampled: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(SAMPLE_RECORDS).collect();
    let records = sampled.len();
    let sampled_bytes = sampled.iter().map(|l| l.len() as u64 + 1).sum();
    match arrow::json::reader::infer_json_schema(Cursor::new(text.as_bytes()), Some(SAMPLE_RECORDS)) {
        Ok((schema, _)) => Classification {
            classification: "json".into(),
            classifier: "built-in json".into(),
            certainty: 1.0,
            columns: columns(&schema, false),
            delimiter: None,
            has_header: None,
            records: records as u64,
            sampled_bytes,
            reason: format!("JSON objects, {records} record(s) sampled"),
            compression: None,
            quote: None,
            json_path: None,
        },
        Err(e) => Classification::unknown(format!("starts like JSON but does not parse: {e}")),
    }
}

/// How a CSV classifier reads text: Glue's built-in CSV classifier, or a custom one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Name shown in the trace (`built-in csv`, or the custom classifier's name).
    pub classifier: String,
    /// The delimiter; `None` sniffs comma, tab, pipe and semicolon.
    pub delimiter: Option<char>,
    /// The quote character.
    pub quote: char,
    /// `Some(true)` PRESENT, `Some(false)` ABSENT, `None` UNKNOWN (Glue's header rule decides).
    pub header: Option<bool>,
    /// Column names to use instead of the header's (or of `col0..`).
    pub names: Vec<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { classifier: "built-in csv".into(), delimiter: None, quote: '"', header: None, names: Vec::new() }
    }
}

fn classify_csv_with(text: &str, options: &CsvOptions) -> Classification {
    let quote = options.quote;
    let lines: Vec<&str> =
        records(text, quote).into_iter().filter(|l| !l.trim().is_empty()).take(SAMPLE_RECORDS + 1).collect();
    let delimiter = match options.delimiter {
        Some(d) if consistent_fields(&lines, d, quote).is_some() => d,
        Some(d) => return Classification::unknown(format!("the delimiter {d:?} does not split the rows consistently")),
        None => match sniff_delimiter(&lines, quote) {
            Some(d) => d,
            None => return Classification::unknown("no consistent delimiter (tried comma, tab, pipe, semicolon)"),
        },
    };
    let rows: Vec<Vec<String>> = lines.iter().map(|l| split_line(l, delimiter, quote)).collect();
    let has_header = options.header.unwrap_or_else(|| header_present(&rows));
    let format = arrow::csv::reader::Format::default()
        .with_header(has_header)
        .with_delimiter(delimiter as u8)
        .with_quote(quote as u8)
        .with_truncated_rows(true);
    let schema = match format.infer_schema(Cursor::new(text.as_bytes()), Some(SAMPLE_RECORDS)) {
        Ok((schema, _)) => schema,
        Err(e) => return Classification::unknown(format!("delimited text, but the rows do not parse: {e}")),
    };
    let mut cols = columns(&schema, true);
    for (i, c) in cols.iter_mut().enumerate() {
        if let Some(name) = options.names.get(i).filter(|n| !n.trim().is_empty()) {
            c.name = name.trim().to_lowercase();
        } else if !has_header {
            c.name = format!("col{i}");
        }
    }
    let records = rows.len() - usize::from(has_header);
    let sampled_bytes = lines.iter().skip(usize::from(has_header)).map(|l| l.len() as u64 + 1).sum();
    let header_why = match (options.header, has_header) {
        (Some(true), _) => "PRESENT (the classifier says so)",
        (Some(false), _) => "ABSENT (the classifier says so)",
        (None, true) => "PRESENT",
        (None, false) => "ABSENT (every column is a string, so the first row cannot be told apart)",
    };
    Classification {
        classification: "csv".into(),
        classifier: options.classifier.clone(),
        certainty: 1.0,
        columns: cols,
        delimiter: Some(delimiter),
        has_header: Some(has_header),
        records: records as u64,
        sampled_bytes,
        reason: format!("delimiter {delimiter:?}, header {header_why}, {records} record(s) sampled"),
        compression: None,
        quote: (quote != '"').then_some(quote),
        json_path: None,
    }
}

/// The field count (>1) most sampled lines share with `d`, if at least two thirds agree.
fn consistent_fields(lines: &[&str], d: char, quote: char) -> Option<(usize, usize)> {
    let counts: Vec<usize> = lines.iter().take(50).map(|l| split_line(l, d, quote).len()).collect();
    let &mode = mode(&counts)?;
    if mode < 2 {
        return None;
    }
    let agree = counts.iter().filter(|c| **c == mode).count();
    if agree * 3 < counts.len() * 2 {
        return None; // fewer than two thirds of the records agree
    }
    Some((mode, agree))
}

/// The delimiter giving the same field count (>1) on most sampled lines.
fn sniff_delimiter(lines: &[&str], quote: char) -> Option<char> {
    let mut best: Option<(char, usize, usize)> = None; // (delimiter, fields, lines agreeing)
    for d in [',', '\t', '|', ';'] {
        let Some((fields, agree)) = consistent_fields(lines, d, quote) else { continue };
        if best.is_none_or(|(_, f, a)| (agree, fields) > (a, f)) {
            best = Some((d, fields, agree));
        }
    }
    best.map(|(d, ..)| d)
}

fn mode(counts: &[usize]) -> Option<&usize> {
    counts.iter().max_by_key(|c| counts.iter().filter(|x| x == c).count())
}

/// Splits text into records at line ends outside quotes (a quoted field may hold newlines).
fn records(text: &str, quote: char) -> Vec<&str> {
    let (mut out, mut start, mut quoted) = (Vec::new(), 0, false);
    for (i, c) in text.char_indices() {
        match c {
            c if c == quote => quoted = !quoted,
            '\n' if !quoted => {
                out.push(text[start..i].trim_end_matches('\r'));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Splits one record at `delimiter`, honouring quotes.
fn split_line(line: &str, delimiter: char, quote: char) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            c if c == quote => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Glue's rule: the first row is a header only if it is all strings and at least one column of
/// the other rows parses as something other than a string.
fn header_present(rows: &[Vec<String>]) -> bool {
    let Some((first, rest)) = rows.split_first() else { return false };
    if rest.is_empty() || first.iter().any(|v| v.trim().is_empty() || !is_string(v)) {
        return false;
    }
    (0..first.len()).any(|col| {
        let values: Vec<&String> = rest.iter().filter_map(|r| r.get(col)).filter(|v| !v.is_empty()).collect();
        !values.is_empty() && values.iter().all(|v| !is_string(v))
    })
}

fn is_string(v: &str) -> bool {
    let v = v.trim();
    v.parse::<f64>().is_err()
        && !v.eq_ignore_ascii_case("true")
        && !v.eq_ignore_ascii_case("false")
        && !looks_like_date(v)
}

fn looks_like_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn columns(schema: &Schema, lowercase: bool) -> Vec<Column> {
    schema
        .fields()
        .iter()
        .map(|f| {
            let name = if lowercase { f.name().to_lowercase() } else { f.name().clone() };
            let dt = if f.data_type() == &DataType::Null { DataType::Utf8 } else { f.data_type().clone() };
            // A value nested deeper than SQL reads (`MAX_TYPE_DEPTH`) is kept as its JSON text.
            let hive =
                Some(arrow_to_hive(&dt)).filter(|h| hive_to_arrow(h).is_some()).unwrap_or_else(|| "string".into());
            Column::new(name, hive)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Classification {
        classify_text(&Bytes::from(s.to_string()), false)
    }

    fn types(c: &Classification) -> Vec<(&str, &str)> {
        c.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str())).collect()
    }

    #[test]
    fn csv_with_header_and_types() {
        let c = classify_text(&Bytes::from(puddle_datagen::sales_csv(50)), false);
        assert_eq!(c.classification, "csv");
        assert_eq!(c.has_header, Some(true));
        assert_eq!(
            types(&c),
            [("id", "bigint"), ("region", "string"), ("product", "string"), ("amount", "double"), ("ts", "timestamp")]
        );
        assert_eq!(c.records, 50);
    }

    #[test]
    fn csv_dialects() {
        let semi = text("Region;Amount\nNSW;1.5\nVIC;2\n");
        assert_eq!((semi.delimiter, types(&semi)), (Some(';'), vec![("region", "string"), ("amount", "double")]));
        let tsv = text("a\tb\n1\tx\n2\ty\n");
        assert_eq!(tsv.delimiter, Some('\t'));
        let pipe = text("a|b\n1|2\n");
        assert_eq!(pipe.delimiter, Some('|'));
        let bom = text("\u{feff}id,name\n1,a\n");
        assert_eq!(bom.columns[0].name, "id");
        let quoted = text("id,comment\n1,\"hello, world\"\n2,\"multi\nline\"\n");
        assert_eq!(quoted.classification, "csv", "{}", quoted.reason);
        assert_eq!(quoted.columns.len(), 2);
    }

    #[test]
    fn headerless_and_all_string_csv_get_positional_names() {
        let headerless = text("1,NSW,2.5\n2,VIC,3\n");
        assert_eq!(headerless.has_header, Some(false));
        assert_eq!(types(&headerless)[0], ("col0", "bigint"));
        let all_strings = text("name,city\nann,sydney\nbob,perth\n");
        assert_eq!(all_strings.has_header, Some(false), "Glue cannot tell a header of strings from data");
        assert_eq!(all_strings.columns.len(), 2);
    }

    #[test]
    fn mixed_and_ragged_columns() {
        let mixed = text("id,code\n1,10\n2,A7\n3,\n");
        assert_eq!(types(&mixed), [("id", "bigint"), ("code", "string")]);
        let ragged = text("a,b,c\n1,2,3\n4,5\n6,7,8\n");
        assert_eq!(ragged.classification, "csv", "{}", ragged.reason);
        assert_eq!(ragged.columns.len(), 3);
    }

    #[test]
    fn json_lines_and_nested() {
        let c = text(
            "{\"id\":1,\"user\":{\"name\":\"a\",\"tags\":[\"x\"]}}\n{\"id\":2,\"user\":{\"name\":\"b\",\"tags\":[]}}\n",
        );
        assert_eq!(c.classification, "json");
        assert_eq!(types(&c)[0], ("id", "bigint"));
        assert_eq!(types(&c)[1], ("user", "struct<name:string,tags:array<string>>"));
        assert!(!text("[{\"a\":1}]").is_known());
        assert!(!text("{\"a\": 1,").is_known());
    }

    /// Issue 12: JSON nested deeper than SQL reads becomes a `string` column, not a table
    /// whose every query fails.
    #[test]
    fn deeply_nested_json_is_total() {
        let deep = |n: usize| format!("{{\"id\":1,\"v\":{}1{}}}\n", "[".repeat(n), "]".repeat(n));
        let c = text(&deep(100));
        assert_eq!(c.classification, "json", "{}", c.reason);
        assert_eq!(types(&c)[1], ("v", "string"));
        assert_eq!(types(&text(&deep(3)))[1], ("v", "array<array<array<bigint>>>"));
        // Beyond serde_json's own recursion limit the file is UNKNOWN with a reason.
        assert!(!text(&deep(100_000)).is_known());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any bytes classify (as something or UNKNOWN with a reason), never panic.
        #[test]
        fn any_bytes_classify(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let c = classify_text(&Bytes::from(bytes.clone()), false);
            proptest::prop_assert!(c.is_known() || !c.reason.is_empty());
            let _ = classify_text(&Bytes::from(bytes.clone()), true);
            let _ = classify_parquet_footer(&bytes);
            let _ = classify_gzip(&bytes);
        }

        /// CSV- and JSON-looking text: the sniffers and inference never panic.
        #[test]
        fn csv_and_json_ish_text_classifies(t in "([a-z0-9]{0,4}|[,;|\\t\"'{}\\[\\]:\\n -]){0,80}") {
            let c = text(&t);
            proptest::prop_assert!(c.is_known() || !c.reason.is_empty());
            let custom = CustomClassifier::Json { name: "j".into(), path: JsonPath::parse("$[*]").unwrap() };
            let _ = classify_text_with(&Bytes::from(t.clone()), false, &[custom]);
        }

        /// A Parquet-looking footer (magic bytes around junk) is UNKNOWN or a schema, never a panic.
        #[test]
        fn parquet_ish_footers(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200), len in 0u32..300) {
            let mut footer = b"PAR1".to_vec();
            footer.extend(&body);
            footer.extend(len.to_le_bytes());
            footer.extend(b"PAR1");
            let _ = classify_parquet_footer(&footer);
        }
    }

    #[test]
    fn unknowns_have_reasons() {
        assert_eq!(text("").reason, "the file is empty");
        assert!(classify_text(&Bytes::from_static(b"\xff\xfe\x00garbage"), false).reason.contains("UTF-8"));
        assert!(text("just one line of prose without delimiters\n").reason.contains("delimiter"));
        assert!(!classify_parquet_footer(b"not a footer").is_known());
    }

    #[test]
    fn gzip_files_are_classified_from_their_content() {
        use std::io::Write;
        let gz = |bytes: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        };
        let c = classify_gzip(&gz(&puddle_datagen::sales_csv(20)));
        assert_eq!((c.classification.as_str(), c.compression.as_deref()), ("csv", Some("gzip")));
        assert_eq!((c.records, c.columns.len()), (20, 5));
        let j = classify_gzip(&gz(b"{\"a\":1}\n"));
        assert_eq!(j.classification, "json");
        let mut broken = gz(&puddle_datagen::sales_csv(200));
        broken.truncate(broken.len() / 2);
        assert!(classify_gzip(&broken).reason.contains("corrupt"), "{}", classify_gzip(&broken).reason);
        assert!(classify_gzip(b"id,name\n1,a\n").reason.contains("not gzip"));
        assert_eq!(classify_gzip(&gz(b"")).reason, "the file is empty");
    }

    #[test]
    fn parquet_footer() {
        let file = puddle_datagen::sales_parquet(100).unwrap();
        let n = file.len();
        let footer_len = u32::from_le_bytes(file[n - 8..n - 4].try_into().unwrap()) as usize;
        let c = classify_parquet_footer(&file[n - 8 - footer_len..n - 8]);
        assert_eq!(c.classification, "parquet");
        assert_eq!(c.records, 100);
        assert_eq!(types(&c)[4], ("ts", "timestamp"));
    }
}
