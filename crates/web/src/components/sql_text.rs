//! Pure text helpers of the SQL editor: highlighting tokens, the statement under the cursor,
//! and what to complete at the cursor. No browser types, so they are unit-tested natively.

/// Kind of a highlighted piece of SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A keyword (`SELECT`).
    Keyword,
    /// A quoted string.
    Str,
    /// A number.
    Num,
    /// A `--` or `/* */` comment.
    Comment,
    /// Anything else.
    Plain,
}

const KEYWORDS: &[&str] = &[
    "select",
    "from",
    "where",
    "group",
    "by",
    "order",
    "having",
    "limit",
    "offset",
    "as",
    "and",
    "or",
    "not",
    "in",
    "is",
    "null",
    "like",
    "between",
    "join",
    "inner",
    "left",
    "right",
    "full",
    "outer",
    "cross",
    "on",
    "using",
    "union",
    "all",
    "distinct",
    "case",
    "when",
    "then",
    "else",
    "end",
    "create",
    "external",
    "table",
    "view",
    "drop",
    "alter",
    "add",
    "partition",
    "partitions",
    "show",
    "describe",
    "insert",
    "into",
    "values",
    "with",
    "stored",
    "location",
    "partitioned",
    "tblproperties",
    "if",
    "exists",
    "database",
    "databases",
    "tables",
    "columns",
    "asc",
    "desc",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "cast",
    "true",
    "false",
    "explain",
    "msck",
    "repair",
    "row",
    "format",
    "serde",
    "replace",
    "schema",
    "over",
    "unnest",
];

/// Splits `sql` into highlighted pieces that concatenate back to `sql`.
pub fn tokenize(sql: &str) -> Vec<(Tok, &str)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                Tok::Comment
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map(|p| i + 2 + p + 2).unwrap_or(b.len());
                Tok::Comment
            }
            b'\'' => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                Tok::Str
            }
            c if c.is_ascii_digit() && (i == 0 || !is_word(b[i - 1])) => {
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                Tok::Num
            }
            c if is_word(c) && (i == 0 || !is_word(b[i - 1])) => {
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                if KEYWORDS.contains(&sql[start..i].to_ascii_lowercase().as_str()) {
                    Tok::Keyword
                } else {
                    i = start;
                    Tok::Plain
                }
            }
            _ => Tok::Plain,
        };
        if kind == Tok::Plain {
            // Skip the rest of a word, or one character (whole UTF-8 sequence).
            if is_word(b[i]) {
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
            } else {
                i += sql[i..].chars().next().map_or(1, char::len_utf8);
            }
            continue;
        }
        if plain < start {
            out.push((Tok::Plain, &sql[plain..start]));
        }
        out.push((kind, &sql[start..i]));
        plain = i;
    }
    if plain < sql.len() {
        out.push((Tok::Plain, &sql[plain..]));
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Byte ranges of the statements of `sql`, split at `;` outside strings and comments.
pub fn statements(sql: &str) -> Vec<(usize, usize)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, b.len()));
    out
}

/// The statement to run: the selection when there is one, else the statement under the
/// cursor (`cursor` and the selection are UTF-16 offsets, as the browser gives them). When the
/// cursor's statement is blank (after the last `;`), the previous non-blank one.
pub fn statement_at(sql: &str, sel_start: u32, sel_end: u32) -> String {
    let (a, b) = (byte_offset(sql, sel_start), byte_offset(sql, sel_end));
    if b > a {
        return sql[a..b].trim().trim_end_matches(';').trim().to_string();
    }
    let all = statements(sql);
    let idx = all.iter().position(|&(s, e)| a >= s && a <= e).unwrap_or(all.len().saturating_sub(1));
    for &(s, e) in all[..=idx.min(all.len().saturating_sub(1))].iter().rev() {
        let text = sql[s..e].trim();
        if !text.is_empty() && !tokenize(text).iter().all(|(k, t)| *k == Tok::Comment || t.trim().is_empty()) {
            return text.to_string();
        }
    }
    String::new()
}

/// The byte offset of a UTF-16 offset (clamped to the text).
pub fn byte_offset(s: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}

/// The UTF-16 offset of a byte offset (an offset inside a character counts from its start).
pub fn utf16_offset(s: &str, byte: usize) -> u32 {
    let mut end = byte.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].encode_utf16().count() as u32
}

/// Where the identifier that ends `text` starts: just after the last character that is not a
/// letter, digit or `_` (after its whole UTF-8 sequence: `€`, `’` or a non-breaking space are
/// several bytes).
fn word_start(text: &str) -> usize {
    text.char_indices().rev().find(|(_, c)| !(c.is_alphanumeric() || *c == '_')).map_or(0, |(i, c)| i + c.len_utf8())
}

/// What the cursor is completing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A table (or database) name, after `FROM` / `JOIN`.
    Table,
    /// A name after `qualifier.`: a table of database `qualifier`, or a column of table `qualifier`.
    Member(String),
    /// Anything (Ctrl+Space): databases, tables, columns.
    Any,
}

/// The completion context at byte offset `cursor` (an offset inside a character counts as the
/// end of the text) and the partial word being typed. `forced`
/// (Ctrl+Space) always gives a context; otherwise only after `FROM `, `JOIN ` or `.`.
pub fn completion_context(sql: &str, cursor: usize, forced: bool) -> Option<(Context, String)> {
    let before = sql.get(..cursor).unwrap_or(sql);
    let start = word_start(before);
    let word = before[start..].to_string();
    let head = &before[..start];
    if let Some(q) = head.strip_suffix('.') {
        let q_start = word_start(q);
        let qualifier = &q[q_start..];
        if !qualifier.is_empty() {
            return Some((Context::Member(qualifier.to_ascii_lowercase()), word));
        }
    }
    let prev = head.trim_end();
    let last_word = prev.rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',').next().unwrap_or("");
    if head.len() > prev.len() && (last_word.eq_ignore_ascii_case("from") || last_word.eq_ignore_ascii_case("join")) {
        return Some((Context::Table, word));
    }
    forced.then_some((Context::Any, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text_and_classify() {
        let sql = "SELECT 'it''s', 42, x1 -- note\nFROM t /* c */ WHERE région = 3";
        let toks = tokenize(sql);
        assert_eq!(toks.iter().map(|(_, t)| *t).collect::<String>(), sql);
        let kinds: Vec<_> = toks.iter().filter(|(k, _)| *k != Tok::Plain).map(|(k, t)| (*k, *t)).collect();
        assert_eq!(
            kinds,
            vec![
                (Tok::Keyword, "SELECT"),
                (Tok::Str, "'it''s'"),
                (Tok::Num, "42"),
                (Tok::Comment, "-- note"),
                (Tok::Keyword, "FROM"),
                (Tok::Comment, "/* c */"),
                (Tok::Keyword, "WHERE"),
                (Tok::Num, "3"),
            ]
        );
        // An unterminated string or comment runs to the end without panicking.
        assert_eq!(tokenize("SELECT 'abc").last(), Some(&(Tok::Str, "'abc")));
        assert_eq!(tokenize("/* abc").last(), Some(&(Tok::Comment, "/* abc")));
    }

    #[test]
    fn statement_under_cursor_or_selection() {
        let sql = "SELECT 1;\nSELECT ';' AS s;\n\nSELECT 3;\n";
        assert_eq!(statement_at(sql, 3, 3), "SELECT 1");
        assert_eq!(statement_at(sql, 12, 12), "SELECT ';' AS s");
        assert_eq!(statement_at(sql, 30, 30), "SELECT 3");
        // After the last `;`: the previous statement.
        assert_eq!(statement_at(sql, sql.len() as u32, sql.len() as u32), "SELECT 3");
        assert_eq!(statement_at(sql, 0, 8), "SELECT 1");
        assert_eq!(statement_at("", 0, 0), "");
        assert_eq!(statement_at("-- only a comment", 3, 3), "");
        // UTF-16 offsets past multi-byte characters.
        let s = "SELECT 'é';SELECT 2";
        assert_eq!(statement_at(s, 12, 12), "SELECT 2");
        assert_eq!(byte_offset(s, 99), s.len());
        assert_eq!(utf16_offset(s, s.len()), 19);
    }

    #[test]
    fn completion_contexts() {
        let ctx = |s: &str, forced| completion_context(s, s.len(), forced);
        assert_eq!(ctx("SELECT * FROM sa", false), Some((Context::Table, "sa".into())));
        assert_eq!(ctx("SELECT * FROM ", false), Some((Context::Table, String::new())));
        assert_eq!(ctx("select * from a join ", false), Some((Context::Table, String::new())));
        assert_eq!(ctx("SELECT * FROM sales_db.r", false), Some((Context::Member("sales_db".into()), "r".into())));
        assert_eq!(ctx("SELECT s.", false), Some((Context::Member("s".into()), String::new())));
        assert_eq!(ctx("SELECT reg", false), None);
        assert_eq!(ctx("SELECT reg", true), Some((Context::Any, "reg".into())));
        assert_eq!(ctx("SELECT * FROMX ", false), None);
        assert_eq!(ctx("FROM", false), None);
    }

    /// Issue 12: a multi-byte character before the cursor (`€`, `’`, a non-breaking space)
    /// made the completion slice inside it and killed the page's wasm.
    #[test]
    fn multi_byte_characters_before_the_cursor() {
        for sql in ["SELECT €", "SELECT ’x", "SELECT\u{a0}reg", "FROM\u{a0}", "x€.a", "€.", "SELECT 'é' FROM t’s.c"]
        {
            for cursor in 0..=sql.len() + 2 {
                let _ = completion_context(sql, cursor, true);
                let _ = utf16_offset(sql, cursor);
            }
        }
        assert_eq!(completion_context("SELECT\u{a0}reg", 11, true), Some((Context::Any, "reg".into())));
        assert_eq!(completion_context("SELECT €x", 11, true), Some((Context::Any, "x".into())));
        assert_eq!(completion_context("SELECT t’s.c", 14, false), Some((Context::Member("s".into()), "c".into())));
        assert_eq!(utf16_offset("€", 1), 0);
    }

    // proptest is a native dev-dependency: the console's helpers are tested natively.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Every helper is total on any text and any offsets, and tokens concatenate back.
        #[test]
        fn text_helpers_are_total(
            sql in "([a-zA-Z0-9_ .;,'\\n*/-]|€|’|\u{a0}|é|😀|FROM |from ){0,40}",
            a in 0u32..200,
            b in 0u32..200,
            cursor in 0usize..200,
            forced in proptest::prelude::any::<bool>(),
        ) {
            proptest::prop_assert_eq!(tokenize(&sql).iter().map(|(_, t)| *t).collect::<String>(), sql.clone());
            for (s, e) in statements(&sql) {
                proptest::prop_assert!(s <= e && sql.get(s..e).is_some());
            }
            let _ = statement_at(&sql, a, b);
            let _ = statement_at(&sql, b, a);
            let _ = completion_context(&sql, cursor, forced);
            let byte = byte_offset(&sql, a);
            proptest::prop_assert!(sql.is_char_boundary(byte));
            let _ = utf16_offset(&sql, cursor);
        }

        #[test]
        fn any_unicode_text_is_total(sql in "\\PC{0,60}", a in 0u32..100, cursor in 0usize..200) {
            proptest::prop_assert_eq!(tokenize(&sql).iter().map(|(_, t)| *t).collect::<String>(), sql.clone());
            let _ = statement_at(&sql, a, a / 2);
            let _ = completion_context(&sql, cursor, true);
            let _ = utf16_offset(&sql, cursor);
        }
    }
}
