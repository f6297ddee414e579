//! Glue's partition filter expressions (`GetPartitions --expression`): a SQL `WHERE` subset.
//!
//! ```text
//! year = '2025' AND month > '06'
//! (region IN ('NSW', 'VIC') OR region LIKE 'W%') AND NOT year BETWEEN 2020 AND 2022
//! ```
//!
//! Comparisons are between a partition key and a literal (`'quoted'` or a number), with `=`,
//! `<>`, `!=`, `<`, `<=`, `>`, `>=`, `IN`, `BETWEEN` and `LIKE` (`%`, `_`), combined with `AND`,
//! `OR`, `NOT` and parentheses. Keys of numeric types compare as numbers, others as strings.

use crate::{Column, Error, Result};

/// A parsed expression over a table's partition keys.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionFilter {
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    /// Operands of a chain `a AND b AND c` (flat: a long chain does not deepen the tree).
    And(Vec<Expr>),
    /// Operands of a chain `a OR b OR c`.
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Compare {
        key: usize,
        op: Op,
        value: String,
    },
    In {
        key: usize,
        values: Vec<String>,
    },
    Between {
        key: usize,
        low: String,
        high: String,
    },
    Like {
        key: usize,
        pattern: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(String),
    Op(Op),
    Open,
    Close,
    Comma,
}

/// Glue's limit on the length of a GetPartitions expression.
pub const MAX_EXPRESSION_CHARS: usize = 2048;

/// How deeply an expression may nest (parentheses and `NOT`s): parsing, matching and dropping
/// the tree are recursive, and the worker's stack is small.
pub const MAX_DEPTH: usize = 64;

impl PartitionFilter {
    /// Parses `expression` against `keys` (a table's partition keys).
    pub fn parse(expression: &str, keys: &[Column]) -> Result<Self> {
        let len = expression.chars().count();
        if len > MAX_EXPRESSION_CHARS {
            return Err(invalid(format!("the expression has {len} characters; Glue allows {MAX_EXPRESSION_CHARS}")));
        }
        let tokens = tokenize(expression)?;
        let mut parser = Parser { tokens, pos: 0, keys, depth: 0 };
        let expr = parser.or()?;
        if let Some(t) = parser.tokens.get(parser.pos) {
            return Err(invalid(format!("unexpected {} in the expression", describe(t))));
        }
        Ok(Self { expr })
    }

    /// Whether a partition with `values` (one per key, in key order) matches.
    pub fn matches(&self, values: &[String], keys: &[Column]) -> bool {
        eval(&self.expr, values, keys)
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidInput(format!("Unsupported expression: {message}"))
}

fn describe(t: &Token) -> String {
    match t {
        Token::Ident(s) => format!("'{s}'"),
        Token::Str(s) => format!("'{s}'"),
        Token::Num(s) => s.clone(),
        Token::Op(_) => "an operator".into(),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Comma => "','".into(),
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | ',' | '=' => {
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    ',' => Token::Comma,
                    _ => Token::Op(Op::Eq),
                });
                i += 1;
            }
            '\'' | '"' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(invalid("a quoted value is not closed".into())),
                        Some(&q) if q == quote && chars.get(i + 1) == Some(&quote) => {
                            s.push(quote);
                            i += 2;
                        }
                        Some(&q) if q == quote => {
                            i += 1;
                            break;
                        }
                        Some(&other) => {
                            s.push(other);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(s));
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                tokens.push(Token::Op(Op::Ne));
                i += 2;
            }
            '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('<', Some('=')) => (Op::Le, 2),
                    ('<', Some('>')) => (Op::Ne, 2),
                    ('>', Some('=')) => (Op::Ge, 2),
                    ('<', _) => (Op::Lt, 1),
                    _ => (Op::Gt, 1),
                };
                tokens.push(Token::Op(op));
                i += len;
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                    i += 1;
                }
                tokens.push(Token::Num(chars[start..i].iter().collect()));
            }
            c if c.is_alphanumeric() || c == '_' || c == '`' => {
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '`') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().filter(|c| **c != '`').collect();
                tokens.push(Token::Ident(word));
            }
            other => return Err(invalid(format!("unexpected character '{other}'"))),
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    keys: &'a [Column],
    /// Depth of the tree being built (each `(` and `NOT` counts one).
    depth: usize,
}

impl Parser<'_> {
    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(invalid(format!("the expression nests deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect_word(&mut self, word: &str) -> Result<()> {
        if self.peek_word(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(invalid(format!("expected {word}")))
        }
    }

    fn or(&mut self) -> Result<Expr> {
        let mut operands = vec![self.and()?];
        while self.peek_word("OR") {
            self.pos += 1;
            operands.push(self.and()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Expr::Or(operands) })
    }

    fn and(&mut self) -> Result<Expr> {
        let mut operands = vec![self.not()?];
        while self.peek_word("AND") {
            self.pos += 1;
            operands.push(self.not()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Expr::And(operands) })
    }

    fn not(&mut self) -> Result<Expr> {
        if self.peek_word("NOT") {
            self.pos += 1;
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn value(&mut self) -> Result<String> {
        match self.next() {
            Some(Token::Str(s) | Token::Num(s)) => Ok(s),
            Some(t) => Err(invalid(format!("expected a value, found {}", describe(&t)))),
            None => Err(invalid("the expression ends where a value is expected".into())),
        }
    }

    fn primary(&mut self) -> Result<Expr> {
        match self.next() {
            Some(Token::Open) => {
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(invalid("a '(' is not closed".into())),
                }
            }
            Some(Token::Ident(name)) => {
                let key = self.keys.iter().position(|k| k.name.eq_ignore_ascii_case(&name)).ok_or_else(|| {
                    let keys: Vec<&str> = self.keys.iter().map(|k| k.name.as_str()).collect();
                    invalid(format!("'{name}' is not a partition key (keys: {})", keys.join(", ")))
                })?;
                let negated = self.peek_word("NOT");
                if negated {
                    self.pos += 1;
                }
                let expr = match self.next() {
                    Some(Token::Op(op)) if !negated => Expr::Compare { key, op, value: self.value()? },
                    Some(Token::Ident(w)) if w.eq_ignore_ascii_case("IN") => {
                        if self.next() != Some(Token::Open) {
                            return Err(invalid("IN needs a list in parentheses".into()));
                        }
                        let mut values = vec![self.value()?];
                        loop {
                            match self.next() {
                                Some(Token::Comma) => values.push(self.value()?),
                                Some(Token::Close) => break,
                                _ => return Err(invalid("an IN list is not closed".into())),
                            }
                        }
                        Expr::In { key, values }
                    }
                    Some(Token::Ident(w)) if w.eq_ignore_ascii_case("BETWEEN") => {
                        let low = self.value()?;
                        self.expect_word("AND")?;
                        Expr::Between { key, low, high: self.value()? }
                    }
                    Some(Token::Ident(w)) if w.eq_ignore_ascii_case("LIKE") => {
                        Expr::Like { key, pattern: self.value()? }
                    }
                    _ => return Err(invalid(format!("expected a comparison after '{name}'"))),
                };
                Ok(if negated { Expr::Not(Box::new(expr)) } else { expr })
            }
            Some(t) => Err(invalid(format!("unexpected {}", describe(&t)))),
            None => Err(invalid("the expression is empty or ends too early".into())),
        }
    }
}

fn is_numeric(data_type: &str) -> bool {
    let t = data_type.to_ascii_lowercase();
    ["tinyint", "smallint", "int", "integer", "bigint", "long", "float", "double"].contains(&t.as_str())
        || t.starts_with("decimal")
}

/// `None` when the values do not compare (or `key` is missing: a filter applied with other keys).
fn compare(value: &str, literal: &str, key: Option<&Column>) -> Option<std::cmp::Ordering> {
    if is_numeric(&key?.data_type) {
        let (a, b) = (value.trim().parse::<f64>().ok()?, literal.trim().parse::<f64>().ok()?);
        a.partial_cmp(&b)
    } else {
        Some(value.cmp(literal))
    }
}

fn like(value: &str, pattern: &str) -> bool {
    let (v, p): (Vec<char>, Vec<char>) = (value.chars().collect(), pattern.chars().collect());
    // Iterative wildcard match: `%` any run, `_` one character.
    let (mut vi, mut pi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == v[vi]) {
            vi += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

fn eval(expr: &Expr, values: &[String], keys: &[Column]) -> bool {
    use std::cmp::Ordering::*;
    let value = |key: usize| values.get(key).map(String::as_str).unwrap_or_default();
    match expr {
        Expr::And(operands) => operands.iter().all(|e| eval(e, values, keys)),
        Expr::Or(operands) => operands.iter().any(|e| eval(e, values, keys)),
        Expr::Not(e) => !eval(e, values, keys),
        Expr::Compare { key, op, value: literal } => match compare(value(*key), literal, keys.get(*key)) {
            None => false,
            Some(ord) => match op {
                Op::Eq => ord == Equal,
                Op::Ne => ord != Equal,
                Op::Lt => ord == Less,
                Op::Le => ord != Greater,
                Op::Gt => ord == Greater,
                Op::Ge => ord != Less,
            },
        },
        Expr::In { key, values: list } => list.iter().any(|l| compare(value(*key), l, keys.get(*key)) == Some(Equal)),
        Expr::Between { key, low, high } => {
            compare(value(*key), low, keys.get(*key)).is_some_and(|o| o != Less)
                && compare(value(*key), high, keys.get(*key)).is_some_and(|o| o != Greater)
        }
        Expr::Like { key, pattern } => like(value(*key), pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Column> {
        vec![Column::new("year", "string"), Column::new("month", "string"), Column::new("day", "int")]
    }

    fn matching(expression: &str) -> Vec<&'static str> {
        let partitions = ["2024/12/5", "2025/01/15", "2025/07/9", "2025/11/30"];
        let filter = PartitionFilter::parse(expression, &keys()).unwrap();
        partitions
            .into_iter()
            .filter(|p| filter.matches(&p.split('/').map(String::from).collect::<Vec<_>>(), &keys()))
            .collect()
    }

    #[test]
    fn glue_expressions_select_partitions() {
        assert_eq!(matching("year='2025' AND month>'06'"), ["2025/07/9", "2025/11/30"]);
        assert_eq!(matching("year = '2024' OR month = '01'"), ["2024/12/5", "2025/01/15"]);
        assert_eq!(matching("NOT (year = '2025')"), ["2024/12/5"]);
        assert_eq!(matching("month IN ('01', '11')"), ["2025/01/15", "2025/11/30"]);
        assert_eq!(matching("month NOT IN ('01', '11') and year <> '2024'"), ["2025/07/9"]);
        assert_eq!(matching("month BETWEEN '02' AND '11'"), ["2025/07/9", "2025/11/30"]);
        assert_eq!(matching("year LIKE '202_' AND month LIKE '1%'"), ["2024/12/5", "2025/11/30"]);
        // `day` is an int: 9 < 15 as numbers, though '9' > '15' as strings.
        assert_eq!(matching("day >= 9 AND day < 20"), ["2025/01/15", "2025/07/9"]);
        assert_eq!(matching("day = 30"), ["2025/11/30"]);
    }

    #[test]
    fn bad_expressions_are_invalid_input() {
        for bad in
            ["", "year =", "region = 'NSW'", "year = '2025", "(year = '1'", "year ~ 1", "year IN '1'", "1 = year"]
        {
            let err = PartitionFilter::parse(bad, &keys()).unwrap_err();
            assert_eq!(err.code(), "InvalidInputException", "{bad}: {err}");
        }
    }

    /// Issue 12: thousands of `(` or `NOT`s overflowed the stack of the recursive parser.
    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let nested = |n: usize| format!("{}year = '2025'{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(matching(&nested(MAX_DEPTH)), ["2025/01/15", "2025/07/9", "2025/11/30"]);
        for bad in
            [nested(MAX_DEPTH + 1), nested(100_000), format!("{}year = '2025'", "NOT ".repeat(1000)), "(".repeat(2048)]
        {
            let err = PartitionFilter::parse(&bad, &keys()).unwrap_err();
            assert_eq!(err.code(), "InvalidInputException");
            assert!(err.to_string().contains("deeper") || err.to_string().contains("characters"), "{err}");
        }
        let chain = vec!["day = 1"; 180].join(" OR ");
        assert!(PartitionFilter::parse(&chain, &keys()).is_ok(), "a long flat chain is fine");
    }

    /// A filter applied with fewer keys than it was parsed with indexed past them and panicked.
    #[test]
    fn matching_with_other_keys_is_false_not_a_panic() {
        let f = PartitionFilter::parse("day = 9 AND month IN ('01') AND year BETWEEN '1' AND '3'", &keys()).unwrap();
        assert!(!f.matches(&["2".into(), "01".into(), "9".into()], &[]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text parses or fails with InvalidInputException; a parsed filter evaluates.
        #[test]
        fn any_expression_is_total(
            expr in "([()' ,=<>!%_-]|year|month|day|AND|OR|NOT|IN|LIKE|BETWEEN|'20[0-9]{2}'|[0-9]{1,3}){0,40}",
        ) {
            match PartitionFilter::parse(&expr, &keys()) {
                Ok(f) => { let _ = f.matches(&["2025".into(), "01".into(), "15".into()], &keys()); }
                Err(e) => proptest::prop_assert_eq!(e.code(), "InvalidInputException"),
            }
        }

        #[test]
        fn any_unicode_is_total(expr in "\\PC{0,64}") {
            if let Err(e) = PartitionFilter::parse(&expr, &keys()) {
                proptest::prop_assert_eq!(e.code(), "InvalidInputException");
            }
        }
    }
}
