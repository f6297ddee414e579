//! A tokenizer and expression parser for the small Python subset Glue scripts use.
//!
//! Statements are `name = expression` or a bare expression; expressions are calls with
//! positional and keyword arguments, attribute access, subscripts, string/number/bool/None
//! literals, lists, tuples, dicts, sets, `lambda`, comparisons and `and`/`or`/`not`. A `def`
//! (Glue Studio writes helper functions at the top of its scripts) is one statement without an
//! expression whose text is the `def` line; its indented body is skipped, and the translator
//! decides whether it knows the helper. Anything else is an error naming the line.

use crate::{Error, Result};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `name`
    Name(String),
    /// `'text'` or `"text"`
    Str(String),
    /// `42`, `1.5`
    Num(String),
    /// `True` / `False`
    Bool(bool),
    /// `None`
    None,
    /// `[a, b]`, `(a, b)` or the set `{a, b}`
    List(Vec<Expr>),
    /// `{k: v}`
    Dict(Vec<(Expr, Expr)>),
    /// `value.attr`
    Attr(Box<Expr>, String),
    /// `value[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `f(a, k=v)`
    Call(Box<Expr>, Vec<Expr>, Vec<(String, Expr)>),
    /// `lambda p: body`
    Lambda(String, Box<Expr>),
    /// `a op b` for comparisons, `and`, `or`, `in`, `not in`, `+ - * / %`, `&`, `|`
    Binary(String, Box<Expr>, Box<Expr>),
    /// `not a`, `-a` (`~a` parses as `not a`)
    Unary(String, Box<Expr>),
}

/// One logical statement with its first line number.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// 1-based line.
    pub line: usize,
    /// Assigned name, if any.
    pub target: Option<String>,
    /// The expression (absent for `import` lines and `def` blocks).
    pub expr: Option<Expr>,
    /// The source text.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(String),
    Op(String),
}

/// Splits a script into logical statements (bracketed continuation lines joined).
pub fn parse_script(source: &str) -> Result<Vec<Statement>> {
    let mut out = Vec::new();
    let (mut buf, mut start, mut depth) = (String::new(), 0, 0i32);
    let mut in_def = false;
    for (idx, raw) in source.lines().enumerate() {
        let line = strip_comment(raw);
        if buf.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            // The body of a `def` is every following indented line.
            if in_def && line.starts_with(char::is_whitespace) {
                continue;
            }
            in_def = line.starts_with("def ");
            if in_def {
                out.push(Statement { line: idx + 1, target: None, expr: None, text: line.trim().into() });
                continue;
            }
            start = idx + 1;
        }
        for c in line.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
        }
        buf.push_str(line.trim_end().trim_end_matches('\\'));
        buf.push(' ');
        if depth <= 0 && !line.trim_end().ends_with('\\') {
            out.push(statement(start, buf.trim())?);
            buf.clear();
            depth = 0;
        }
    }
    if !buf.trim().is_empty() {
        return Err(Error::Script { line: start, message: "unclosed bracket at the end of the script".into() });
    }
    Ok(out)
}

fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

fn statement(line: usize, text: &str) -> Result<Statement> {
    let err = |message: String| Error::Script { line, message };
    if text.starts_with("import ") || text.starts_with("from ") {
        return Ok(Statement { line, target: None, expr: None, text: text.into() });
    }
    let toks = tokenize(text).map_err(err)?;
    let (target, rest) = match toks.as_slice() {
        [Tok::Name(n), Tok::Op(eq), rest @ ..] if eq == "=" => (Some(n.clone()), rest),
        _ => (None, toks.as_slice()),
    };
    let mut p = Parser { toks: rest, pos: 0 };
    let expr = p.expr().map_err(err)?;
    if p.pos != rest.len() {
        return Err(err(format!("unexpected {:?} in `{text}`", rest[p.pos])));
    }
    Ok(Statement { line, target, expr: Some(expr), text: text.into() })
}

fn tokenize(text: &str) -> std::result::Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err("unterminated string".into());
            }
            i += 1;
            toks.push(Tok::Str(s));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Name(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["==", "!=", "<=", ">="].contains(&two.as_str()) {
                toks.push(Tok::Op(two));
                i += 2;
            } else if "()[]{},:.=<>+-*/&|~%".contains(c) {
                toks.push(Tok::Op(c.to_string()));
                i += 1;
            } else {
                return Err(format!("unexpected character '{c}'"));
            }
        }
    }
    Ok(toks)
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
}

type PResult<T> = std::result::Result<T, String>;

impl Parser<'_> {
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Op(o)) if o == op)
    }

    fn peek_name(&self, name: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Name(n)) if n == name)
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.peek_op(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{op}', found {:?}", self.toks.get(self.pos)))
        }
    }

    fn expr(&mut self) -> PResult<Expr> {
        if self.peek_name("lambda") {
            self.pos += 1;
            let Some(Tok::Name(param)) = self.toks.get(self.pos).cloned() else {
                return Err("lambda needs one parameter".into());
            };
            self.pos += 1;
            self.expect_op(":")?;
            return Ok(Expr::Lambda(param, Box::new(self.expr()?)));
        }
        self.or()
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.peek_name("or") {
            self.pos += 1;
            left = Expr::Binary("or".into(), Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.not()?;
        while self.peek_name("and") {
            self.pos += 1;
            left = Expr::Binary("and".into(), Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.peek_name("not") {
            self.pos += 1;
            return Ok(Expr::Unary("not".into(), Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.bit_or()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.peek_op(op) {
                self.pos += 1;
                return Ok(Expr::Binary(op.into(), Box::new(left), Box::new(self.bit_or()?)));
            }
        }
        if self.peek_name("in") {
            self.pos += 1;
            return Ok(Expr::Binary("in".into(), Box::new(left), Box::new(self.bit_or()?)));
        }
        if self.peek_name("not") && matches!(self.toks.get(self.pos + 1), Some(Tok::Name(n)) if n == "in") {
            self.pos += 2;
            return Ok(Expr::Binary("not in".into(), Box::new(left), Box::new(self.bit_or()?)));
        }
        Ok(left)
    }

    /// `a | b` (PySpark's column OR).
    fn bit_or(&mut self) -> PResult<Expr> {
        let mut left = self.bit_and()?;
        while self.peek_op("|") {
            self.pos += 1;
            left = Expr::Binary("|".into(), Box::new(left), Box::new(self.bit_and()?));
        }
        Ok(left)
    }

    /// `a & b` (PySpark's column AND).
    fn bit_and(&mut self) -> PResult<Expr> {
        let mut left = self.sum()?;
        while self.peek_op("&") {
            self.pos += 1;
            left = Expr::Binary("&".into(), Box::new(left), Box::new(self.sum()?));
        }
        Ok(left)
    }

    fn sum(&mut self) -> PResult<Expr> {
        let mut left = self.product()?;
        while self.peek_op("+") || self.peek_op("-") {
            let Some(Tok::Op(op)) = self.toks.get(self.pos).cloned() else { break };
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        while self.peek_op("*") || self.peek_op("/") || self.peek_op("%") {
            let Some(Tok::Op(op)) = self.toks.get(self.pos).cloned() else { break };
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.peek_op("-") {
            self.pos += 1;
            return Ok(Expr::Unary("-".into(), Box::new(self.unary()?)));
        }
        if self.peek_op("~") {
            self.pos += 1;
            return Ok(Expr::Unary("not".into(), Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            if self.peek_op(".") {
                self.pos += 1;
                let Some(Tok::Name(n)) = self.toks.get(self.pos).cloned() else {
                    return Err("expected a name after '.'".into());
                };
                self.pos += 1;
                e = Expr::Attr(Box::new(e), n);
            } else if self.peek_op("[") {
                self.pos += 1;
                let index = self.expr()?;
                self.expect_op("]")?;
                e = Expr::Index(Box::new(e), Box::new(index));
            } else if self.peek_op("(") {
                self.pos += 1;
                let (mut args, mut kwargs) = (Vec::new(), Vec::new());
                while !self.peek_op(")") {
                    match (self.toks.get(self.pos), self.toks.get(self.pos + 1)) {
                        (Some(Tok::Name(k)), Some(Tok::Op(eq))) if eq == "=" => {
                            let k = k.clone();
                            self.pos += 2;
                            kwargs.push((k, self.expr()?));
                        }
                        _ => args.push(self.expr()?),
                    }
                    if !self.peek_op(")") {
                        self.expect_op(",")?;
                    }
                }
                self.pos += 1;
                e = Expr::Call(Box::new(e), args, kwargs);
            } else {
                return Ok(e);
            }
        }
    }

    fn atom(&mut self) -> PResult<Expr> {
        let tok = self.toks.get(self.pos).cloned().ok_or("unexpected end of statement")?;
        self.pos += 1;
        match tok {
            Tok::Str(s) => {
                let mut s = s;
                while let Some(Tok::Str(next)) = self.toks.get(self.pos).cloned() {
                    s.push_str(&next); // implicit concatenation
                    self.pos += 1;
                }
                Ok(Expr::Str(s))
            }
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Name(n) => Ok(match n.as_str() {
                "True" => Expr::Bool(true),
                "False" => Expr::Bool(false),
                "None" => Expr::None,
                _ => Expr::Name(n),
            }),
            Tok::Op(o) if o == "(" || o == "[" => {
                let close = if o == "(" { ")" } else { "]" };
                let mut items = Vec::new();
                while !self.peek_op(close) {
                    items.push(self.expr()?);
                    if !self.peek_op(close) {
                        self.expect_op(",")?;
                    }
                }
                self.pos += 1;
                Ok(if o == "(" && items.len() == 1 { items.remove(0) } else { Expr::List(items) })
            }
            Tok::Op(o) if o == "{" => {
                let mut items = Vec::new();
                let mut set = Vec::new();
                while !self.peek_op("}") {
                    let k = self.expr()?;
                    // `{a, b}` is a set; `{k: v}` a dict (`{}` is an empty dict, as in Python).
                    if set.is_empty() && items.is_empty() && !self.peek_op(":") || !set.is_empty() {
                        set.push(k);
                    } else {
                        self.expect_op(":")?;
                        items.push((k, self.expr()?));
                    }
                    if !self.peek_op("}") {
                        self.expect_op(",")?;
                    }
                }
                self.pos += 1;
                Ok(if set.is_empty() { Expr::Dict(items) } else { Expr::List(set) })
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_and_expressions() {
        let s = parse_script(
            "import sys\n# comment\nx = Filter.apply(frame=src,\n    f=lambda r: r[\"amount\"] > 100 and r['region'] in ['NSW', \"VIC\"])  # tail\njob.commit()\n",
        )
        .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].line, 3);
        assert_eq!(s[1].target.as_deref(), Some("x"));
        let Some(Expr::Call(_, args, kwargs)) = &s[1].expr else { panic!() };
        assert!(args.is_empty());
        assert!(
            matches!(&kwargs[1].1, Expr::Lambda(p, body) if p == "r" && matches!(**body, Expr::Binary(ref op, ..) if op == "and"))
        );
    }

    #[test]
    fn def_blocks_and_sets() {
        let s = parse_script(
            "import sys\ndef drop_nulls(glueContext, frame,\n        nullStringSet) -> DynamicFrame:\n    x = {a for a in b}\n\n    return DropFields.apply(frame=frame)\n\nx = f(s={\"\", \"null\"}, i={-1}, e={}, d={\"k\": 1})\n",
        )
        .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!((s[1].line, s[1].expr.is_none()), (2, true));
        assert!(s[1].text.starts_with("def drop_nulls("), "{}", s[1].text);
        assert_eq!(s[2].line, 8);
        let Some(Expr::Call(_, _, kwargs)) = &s[2].expr else { panic!("{:?}", s[2]) };
        assert_eq!(kwargs[0].1, Expr::List(vec![Expr::Str(String::new()), Expr::Str("null".into())]));
        assert_eq!(kwargs[1].1, Expr::List(vec![Expr::Unary("-".into(), Box::new(Expr::Num("1".into())))]));
        assert_eq!(kwargs[2].1, Expr::Dict(vec![]));
        assert_eq!(kwargs[3].1, Expr::Dict(vec![(Expr::Str("k".into()), Expr::Num("1".into()))]));
        let e = parse_script("x = {1: 2, 3}\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_script("a = 1\nb = foo(\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = parse_script("x = y @ z").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
