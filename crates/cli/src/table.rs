//! `--output table`: a port of `awscli/table.py` (`MultiTable`, uncoloured, 80 columns, as the
//! CLI prints when stdout is not a terminal) and of `TableFormatter` in `awscli/formatter.py`.

use serde_json::{Map, Value};

use crate::format::py_str;

const TERMINAL_WIDTH: usize = 80;

#[derive(Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    max_widths: Vec<usize>,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

impl Section {
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.update_widths(&row);
        self.rows.push(row);
    }

    fn update_widths(&mut self, row: &[String]) {
        for (i, el) in row.iter().enumerate() {
            match self.max_widths.get_mut(i) {
                Some(w) => *w = (*w).max(width(el)),
                None => self.max_widths.push(width(el)),
            }
        }
    }

    /// The columns' widths scaled to fill `max_width`.
    fn column_widths(&self, padding: usize, max_width: usize) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let total: usize = unscaled.iter().sum();
        let scale = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled.iter().map(|w| round_half_even(scale * *w as f64)).collect();
        let mut off_by = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            // Python's table.py: take from the first columns, or give to the last ones.
            let n = scaled.len();
            for k in 0..n {
                let i = if off_by < 0 { n - 1 - k } else { k };
                scaled[i] -= off_by.signum();
                off_by -= off_by.signum();
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self, padding: usize, outer: usize) -> usize {
        let total: usize = self.max_widths.iter().map(|w| w + padding).sum::<usize>() + 2 + 2 * outer;
        total.max(width(&self.title) + 2 + 2 * outer)
    }
}

/// Python's `round()`: halves go to the even neighbour.
fn round_half_even(x: f64) -> i64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && (r as i64) % 2 != 0 {
        (r - x.signum()) as i64
    } else {
        r as i64
    }
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let tl = width(text);
    let start = (length / 2).saturating_sub(tl / 2).saturating_sub(1);
    let so_far = width(left) + start + tl;
    let right_spaces = length.saturating_sub(width(right)).saturating_sub(so_far);
    format!("{left}{}{text}{}{right}", " ".repeat(start), " ".repeat(right_spaces))
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let tl = width(text);
    let padding = if length >= tl + 2 + width(left) + width(right) { 2 } else { 0 };
    let so_far = width(left) + padding + tl;
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(padding),
        " ".repeat(length.saturating_sub(so_far).saturating_sub(width(right)))
    )
}

struct Table {
    sections: Vec<Section>,
}

impl Table {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        self.sections.last_mut().expect("a section exists")
    }

    fn new_section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section { title: title.to_string(), indent, ..Default::default() });
    }

    fn build(&mut self, title: Option<&str>, current: &Value, indent: usize) -> bool {
        let empty = match current {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Number(n) => n.as_f64() == Some(0.0),
        };
        if empty {
            return false;
        }
        if let Some(t) = title {
            self.new_section(t, indent);
        }
        match current {
            Value::Array(items) => {
                if items[0].is_object() {
                    self.sub_table_from_list(items, indent, title.unwrap_or(""));
                } else {
                    for item in items {
                        match item {
                            Value::Array(inner) if inner.iter().all(|v| !v.is_array() && !v.is_object()) => {
                                self.current().add_row(inner.iter().map(py_str).collect())
                            }
                            Value::Array(_) | Value::Object(_) => {
                                self.build(None, item, 0);
                            }
                            scalar => self.current().add_row(vec![py_str(scalar)]),
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent),
            scalar => self.current().add_row(vec![py_str(scalar)]),
        }
        true
    }

    fn sub_table_from_dict(&mut self, map: &Map<String, Value>, indent: usize) {
        let (headers, more) = group(map);
        if headers.len() == 1 {
            let v = py_str(&map[&headers[0]]);
            self.current().add_row(vec![headers[0].clone(), v]);
        } else if !headers.is_empty() {
            let row = headers.iter().map(|k| py_str(&map[k])).collect();
            self.current().add_header(headers);
            self.current().add_row(row);
        }
        for k in more {
            self.build(Some(&k), &map[&k], indent + 1);
        }
    }

    fn sub_table_from_list(&mut self, items: &[Value], indent: usize, title: &str) {
        let mut headers = Vec::new();
        let mut more = Vec::new();
        for item in items.iter().filter_map(Value::as_object) {
            let (h, m) = group(item);
            headers.extend(h);
            more.extend(m);
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current().add_header(headers.clone());
        for (i, element) in items.iter().enumerate() {
            let Some(element) = element.as_object() else { continue };
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent);
                self.current().add_header(headers.clone());
            }
            let row = headers.iter().map(|h| element.get(h).map(py_str).unwrap_or_default()).collect();
            self.current().add_row(row);
            for k in &more {
                if let Some(v) = element.get(k) {
                    self.build(Some(k), v, indent + 1);
                }
            }
        }
    }

    fn max_width(&self) -> usize {
        self.sections.iter().map(|s| s.total_width(4, s.indent)).max().unwrap_or(0)
    }

    fn render(mut self) -> String {
        let mut max_width = self.max_width();
        if max_width > TERMINAL_WIDTH {
            for s in &mut self.sections {
                if s.rows.len() == 1 && !s.headers.is_empty() {
                    let mut vertical = Section { title: s.title.clone(), indent: s.indent, ..Default::default() };
                    for (h, e) in s.headers.iter().zip(&s.rows[0]) {
                        vertical.add_row(vec![h.clone(), e.clone()]);
                    }
                    *s = vertical;
                }
            }
            max_width = self.max_width();
        }
        let mut out = format!("{}\n", "-".repeat(max_width));
        for s in &self.sections {
            let bars = "|".repeat(s.indent);
            let mut line = |text: String| out.push_str(&format!("{bars}{text}{bars}\n"));
            let width = max_width.saturating_sub(s.indent * 2);
            if !s.title.is_empty() {
                line(center(&s.title, width, "|", "|"));
                if s.headers.is_empty() && s.rows.is_empty() {
                    line(format!("+{}+", "-".repeat(width.saturating_sub(2))));
                }
            }
            let widths = s.column_widths(4, width);
            if !s.headers.is_empty() {
                line(line_break(&widths));
                let mut cur = String::new();
                for (i, (w, h)) in widths.iter().zip(&s.headers).enumerate() {
                    cur.push_str(&center(h, *w, if i == 0 { "|" } else { "" }, "|"));
                }
                line(cur);
            }
            if !s.rows.is_empty() && !widths.is_empty() {
                line(line_break(&widths));
                for row in &s.rows {
                    let mut cur = String::new();
                    for (i, (w, e)) in widths.iter().zip(row).enumerate() {
                        cur.push_str(&align_left(e, *w, if i == 0 { "|" } else { "" }, "|"));
                    }
                    line(cur);
                }
                line(line_break(&widths));
            }
        }
        out
    }
}

fn line_break(widths: &[usize]) -> String {
    let mut out = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            out.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    out
}

/// Scalar keys (the columns) and the others (sub-tables), each sorted.
fn group(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more) = (Vec::new(), Vec::new());
    for (k, v) in map {
        if v.is_array() || v.is_object() {
            more.push(k.clone());
        } else {
            headers.push(k.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

/// The table the CLI prints for `value`, titled with the operation name.
pub fn render(title: &str, value: &Value) -> String {
    let mut table = Table { sections: Vec::new() };
    if !table.build(Some(title), value, 0) {
        return String::new();
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn list_buckets_as_the_cli_prints_it() {
        let v = json!({"Buckets": [{"CreationDate": "2026-01-01T00:00:00+00:00", "Name": "data-lake-raw-123"}],
                       "Owner": {"DisplayName": "puddle", "ID": "puddle-123456789012"}});
        // Written out by awscli 1.46.3's TableFormatter (color off, 80 columns) for this input.
        let expected = "\
------------------------------------------------------
|                     ListBuckets                    |
+----------------------------------------------------+
||                      Buckets                     ||
|+----------------------------+---------------------+|
||        CreationDate        |        Name         ||
|+----------------------------+---------------------+|
||  2026-01-01T00:00:00+00:00 |  data-lake-raw-123  ||
|+----------------------------+---------------------+|
||                       Owner                      ||
|+-------------------+------------------------------+|
||    DisplayName    |             ID               ||
|+-------------------+------------------------------+|
||  puddle           |  puddle-123456789012         ||
|+-------------------+------------------------------+|
";
        assert_eq!(render("ListBuckets", &v), expected);
    }

    #[test]
    fn scalars_and_lists() {
        assert_eq!(
            render("GetX", &json!({"Status": "Enabled"})),
            "\
-----------------------
|        GetX         |
+---------+-----------+
|  Status |  Enabled  |
+---------+-----------+
"
        );
        assert_eq!(render("X", &json!({})), "");
        assert_eq!(round_half_even(2.5), 2);
        assert_eq!(round_half_even(3.5), 4);
        assert_eq!(round_half_even(2.4), 2);
    }

    #[test]
    fn wide_tables_turn_vertical_as_the_cli_does() {
        // Written out by awscli 1.46.3's TableFormatter (color off, 80 columns) for this input.
        let v = json!({"QueryExecution": {"QueryExecutionId": "6f0bc8e6-2d0c-4d5c-9a57-0123456789ab",
            "Query": "SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region", "StatementType": "DML",
            "Status": {"State": "SUCCEEDED"}, "Statistics": {"DataScannedInBytes": 1234, "EngineExecutionTimeInMillis": 12}}});
        let expected = "\
--------------------------------------------------------------------------------------------------
|                                        GetQueryExecution                                       |
+------------------------------------------------------------------------------------------------+
||                                        QueryExecution                                        ||
|+------------------+---------------------------------------------------------------------------+|
||  Query           |  SELECT region, COUNT(*) AS sales_count FROM sales_data GROUP BY region   ||
||  QueryExecutionId|  6f0bc8e6-2d0c-4d5c-9a57-0123456789ab                                     ||
||  StatementType   |  DML                                                                      ||
|+------------------+---------------------------------------------------------------------------+|
|||                                         Statistics                                         |||
||+-------------------------------------------------------------------------+------------------+||
|||  DataScannedInBytes                                                     |  1234            |||
|||  EngineExecutionTimeInMillis                                            |  12              |||
||+-------------------------------------------------------------------------+------------------+||
|||                                           Status                                           |||
||+------------------------------------+-------------------------------------------------------+||
|||  State                             |  SUCCEEDED                                            |||
||+------------------------------------+-------------------------------------------------------+||
";
        assert_eq!(render("GetQueryExecution", &v), expected);
    }
}
