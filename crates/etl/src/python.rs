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
    let mut p = Parser { toks: rest, pos: 0, nesting: 0, depth: 0 };
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

/// How deeply brackets, lambdas and unary operators may nest (the parser recurses on them).
pub const MAX_NESTING: usize = 50;
/// How deep an expression tree may be: nesting plus chained operators, attributes and calls
/// (the translator walks trees recursively, and the worker's stack is small).
pub const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    /// Recursion depth of the parser.
    nesting: usize,
    /// Depth of the tree being built.
    depth: usize,
}

type PResult<T> = std::result::Result<T, String>;

impl Parser<'_> {
    /// One level of nesting deeper (undone by [`Parser::leave`]).
    fn enter(&mut self) -> PResult<()> {
        self.nesting += 1;
        self.link()?;
        if self.nesting > MAX_NESTING {
            return Err(format!("the expression nests deeper than {MAX_NESTING} levels"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting -= 1;
        self.depth -= 1;
    }

    /// One more chained operator, attribute or call above the operand parsed so far.
    fn link(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the expression is more than {MAX_DEPTH} operations deep"));
        }
        Ok(())
    }

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
        self.enter()?;
        let expr = self.lambda_or_test();
        self.leave();
        expr
    }

    fn lambda_or_test(&mut self) -> PResult<Expr> {
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
        let start = self.depth;
        let mut left = self.and()?;
        while self.peek_name("or") {
            self.pos += 1;
            self.link()?;
            left = Expr::Binary("or".into(), Box::new(left), Box::new(self.and()?));
        }
        self.depth = start;
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let start = self.depth;
        let mut left = self.not()?;
        while self.peek_name("and") {
            self.pos += 1;
            self.link()?;
            left = Expr::Binary("and".into(), Box::new(left), Box::new(self.not()?));
        }
        self.depth = start;
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.peek_name("not") {
            self.pos += 1;
            self.enter()?;
            let inner = self.not();
            self.leave();
            return Ok(Expr::Unary("not".into(), Box::new(inner?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.bit_or()?;
        self.link()?;
        let result = self.comparison_rest(left);
        self.depth -= 1;
        result
    }

    fn comparison_rest(&mut self, left: Expr) -> PResult<Expr> {
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
        let start = self.depth;
        let mut left = self.bit_and()?;
        while self.peek_op("|") {
            self.pos += 1;
            self.link()?;
            left = Expr::Binary("|".into(), Box::new(left), Box::new(self.bit_and()?));
        }
        self.depth = start;
        Ok(left)
    }

    /// `a & b` (PySpark's column AND).
    fn bit_and(&mut self) -> PResult<Expr> {
        let start = self.depth;
        let mut left = self.sum()?;
        while self.peek_op("&") {
            self.pos += 1;
            self.link()?;
            left = Expr::Binary("&".into(), Box::new(left), Box::new(self.sum()?));
        }
        self.depth = start;
        Ok(left)
    }

    fn sum(&mut self) -> PResult<Expr> {
        let start = self.depth;
        let mut left = self.product()?;
        while self.peek_op("+") || self.peek_op("-") {
            let Some(Tok::Op(op)) = self.toks.get(self.pos).cloned() else { break };
            self.pos += 1;
            self.link()?;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        self.depth = start;
        Ok(left)
    }

    fn product(&mut self) -> PResult<Expr> {
        let start = self.depth;
        let mut left = self.unary()?;
        while self.peek_op("*") || self.peek_op("/") || self.peek_op("%") {
            let Some(Tok::Op(op)) = self.toks.get(self.pos).cloned() else { break };
            self.pos += 1;
            self.link()?;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        self.depth = start;
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        for (op, name) in [("-", "-"), ("~", "not")] {
            if self.peek_op(op) {
                self.pos += 1;
                self.enter()?;
                let inner = self.unary();
                self.leave();
                return Ok(Expr::Unary(name.into(), Box::new(inner?)));
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let start = self.depth;
        let e = self.atom()?;
        let e = self.postfix_ops(e);
        self.depth = start;
        e
    }

    /// Attribute accesses, subscripts and calls after `e`, each one level deeper.
    fn postfix_ops(&mut self, mut e: Expr) -> PResult<Expr> {
        loop {
            if [".", "[", "("].iter().any(|op| self.peek_op(op)) {
                self.link()?;
            }
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

    /// Issue 12: thousands of `(` or `- - - x` overflowed the stack of the recursive parser.
    #[test]
    fn deep_nesting_is_an_error_naming_the_line() {
        let deep = |open: &str, close: &str, n: usize| format!("a = 1\nx = {}y{}\n", open.repeat(n), close.repeat(n));
        assert!(parse_script(&deep("(", ")", MAX_NESTING - 1)).is_ok());
        for script in [
            deep("(", ")", 20_000),
            deep("[", "]", 5_000),
            deep("f(", ")", 5_000),
            deep("- ", "", 20_000),
            deep("not ", "", 20_000),
            deep("~", "", 20_000),
            deep("lambda r: ", "", 10_000),
            format!("a = 1\nx = y{}\n", " + y".repeat(20_000)),
            format!("a = 1\nx = y{}\n", ".f()".repeat(20_000)),
            format!("a = 1\nx = y{}\n", "[0]".repeat(20_000)),
        ] {
            let err = parse_script(&script).unwrap_err();
            assert_eq!(err.code(), "InvalidInputException");
            assert!(err.to_string().contains("line 2") && err.to_string().contains("deep"), "{err}");
        }
        let chained = format!("x = df{}", ".filter(x)".repeat(50));
        assert!(parse_script(&chained).is_ok(), "a long method chain is fine");
    }

    use puddle_api::visual_job::{self, Node, NodeKind};

    proptest::proptest! {
        // Each case generates a whole script and parses it.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// Any visual-editor DAG (any node kinds, any settings the user types) gives a script
        /// or a named problem, and its script parses or fails with InvalidInputException.
        #[test]
        fn any_visual_job_script_is_total(
            kinds in proptest::collection::vec(0usize..NodeKind::ALL.len(), 1..6),
            texts in proptest::collection::vec("([a-z0-9_ ,:.()*'\"<>=!-]|\\\\|\\n|€){0,12}", 32),
        ) {
            let mut nodes: Vec<Node> = Vec::new();
            let mut text = texts.iter().cycle();
            for (i, k) in kinds.iter().enumerate() {
                let kind = NodeKind::ALL[*k];
                let inputs = (0..kind.inputs()).map(|j| format!("node{}", i.saturating_sub(j + 1) + 1)).collect();
                let mut node = Node::new(format!("node{}", i + 1), kind, inputs);
                for value in node.params.values_mut() {
                    *value = text.next().cloned().unwrap_or_default();
                }
                nodes.push(node);
            }
            if let Ok(script) = visual_job::script(&nodes) {
                if let Err(e) = parse_script(&script) {
                    proptest::prop_assert_eq!(e.code(), "InvalidInputException");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any script parses or fails with InvalidInputException, quickly.
        #[test]
        fn any_script_is_total(script in "([a-z_]{1,3}|[0-9.]{1,3}|'[^'\\n]{0,3}'|[-+*/%&|~<>=!.,:()\\[\\]{}#\\\\ \\n]|lambda|not|and|or|in|def|import|True){0,60}") {
            if let Err(e) = parse_script(&script) {
                proptest::prop_assert_eq!(e.code(), "InvalidInputException");
            }
        }

        #[test]
        fn any_unicode_is_total(script in "\\PC{0,80}") {
            if let Err(e) = parse_script(&script) {
                proptest::prop_assert_eq!(e.code(), "InvalidInputException");
            }
        }
    }
}
