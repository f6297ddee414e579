//! The CLI's shorthand syntax, `Key=Value,List=[a,b],Nested={A=1}`: a port of the AWS CLI's
//! `awscli/shorthand.py` grammar. Purely syntactic: values are strings, lists and objects;
//! [`crate::argprocess`] converts them to the argument's shape afterwards.
//!
//! One addition: nesting deeper than [`MAX_DEPTH`] is an error, so a hostile line cannot
//! exhaust the stack.

use serde_json::{Map, Value};

/// Deepest nesting of `[...]`/`{...}` accepted.
pub const MAX_DEPTH: usize = 32;

/// Why a shorthand value does not parse; `Display` is the CLI's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ShorthandError(pub String);

/// Parses a shorthand value into a JSON object of strings, lists and objects.
pub fn parse(input: &str) -> Result<Value, ShorthandError> {
    let mut p = Parser { chars: input.chars().collect(), text: input, i: 0, depth: 0 };
    p.parameter()
}

struct Parser<'a> {
    chars: Vec<char>,
    text: &'a str,
    i: usize,
    depth: usize,
}

const KEY_CHARS: &str = "-_.#/:";

impl Parser<'_> {
    fn parameter(&mut self) -> Result<Value, ShorthandError> {
        let mut params = Map::new();
        let (k, v) = self.keyval()?;
        params.insert(k, v);
        let mut last = self.i;
        while self.i < self.chars.len() {
            self.expect(',', true)?;
            let (k, v) = self.keyval()?;
            if params.contains_key(&k) {
                return Err(ShorthandError(format!(
                    "Second instance of key \"{k}\" encountered for input:\n{}\nThis is often because there is a \
                     preceding \",\" instead of a space.",
                    self.location(last + 1)
                )));
            }
            params.insert(k, v);
            last = self.i;
        }
        Ok(Value::Object(params))
    }

    fn keyval(&mut self) -> Result<(String, Value), ShorthandError> {
        let key = self.key();
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.i;
        while self.current().is_some_and(|c| c.is_ascii_alphanumeric() || KEY_CHARS.contains(c)) {
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect()
    }

    fn values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[' | '{') => self.explicit_values(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<Value, ShorthandError> {
        let first = self.value(true)?;
        self.whitespace();
        if self.current() != Some(',') {
            return Ok(Value::String(first));
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            let saved = self.i;
            match self.value(false) {
                Ok(current) => {
                    self.whitespace();
                    if self.at_eof() {
                        list.push(current);
                        break;
                    }
                    if self.expect(',', true).is_err() {
                        self.i = saved;
                        self.backtrack_to(',');
                        break;
                    }
                    list.push(current);
                }
                Err(e) => {
                    if self.at_eof() {
                        return Err(e);
                    }
                    self.backtrack_to(',');
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(Value::String(first));
        }
        Ok(Value::Array(list.into_iter().map(Value::String).collect()))
    }

    /// `[a, b]` or `{k=v, ...}`: values separated by commas up to the closing bracket.
    fn collection(&mut self, open: char, close: char) -> Result<Value, ShorthandError> {
        self.enter()?;
        self.expect(open, true)?;
        let (mut list, mut map) = (Vec::new(), Map::new());
        while self.current() != Some(close) {
            if self.at_eof() {
                return Err(self.syntax(&close.to_string(), "EOF"));
            }
            if open == '{' {
                let key = self.key();
                self.expect('=', true)?;
                map.insert(key, self.explicit_values()?);
            } else {
                list.push(self.explicit_values()?);
            }
            self.whitespace();
            if self.current() != Some(close) {
                self.expect(',', false)?;
                self.whitespace();
            }
        }
        self.expect(close, false)?;
        self.depth -= 1;
        Ok(if open == '{' { Value::Object(map) } else { Value::Array(list) })
    }

    fn explicit_values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('[') => self.collection('[', ']'),
            Some('{') => self.collection('{', '}'),
            _ => Ok(Value::String(self.value(true)?)),
        }
    }

    fn enter(&mut self) -> Result<(), ShorthandError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ShorthandError(format!("Nested more than {MAX_DEPTH} levels deep for input:\n{}", self.text)));
        }
        Ok(())
    }

    /// A quoted value, or a first (`a` in `k=a,b`) or second (`b`) unquoted one.
    fn value(&mut self, first: bool) -> Result<String, ShorthandError> {
        match self.current() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            _ if first => Ok(self.word(true).unwrap_or_default()),
            _ => self.word(false).ok_or_else(|| self.syntax("<second>", "<none>")),
        }
    }

    /// An unquoted value, with shorthand.py's character classes: `\,` escapes a comma; a value
    /// cannot start with a quote, `,`, `=`, `[`, `{` or a space; a first value then stops at a
    /// quote, `,`, `]` or `}`; a second value (after a comma) stops at a quote, `,` or `=`, which
    /// is how `a=b,c=d` splits into two keys.
    fn word(&mut self, first: bool) -> Option<String> {
        let start_ok =
            |c: char| !matches!(c, '"' | '\'' | ',' | '=' | '[' | '{') && !c.is_control() && !c.is_whitespace();
        let follow_ok = |c: char| {
            let excluded =
                if first { matches!(c, '"' | '\'' | ',' | ']' | '}') } else { matches!(c, '"' | '\'' | ',' | '=') };
            !excluded && (!c.is_control() || c.is_whitespace())
        };
        let mut out = String::new();
        let mut n = 0;
        loop {
            let c = self.current()?;
            if c == '\\' && self.chars.get(self.i + 1) == Some(&',') {
                out.push(',');
                self.i += 2;
            } else if (n == 0 && start_ok(c)) || (n > 0 && follow_ok(c)) {
                out.push(c);
                self.i += 1;
            } else {
                break;
            }
            n += 1;
            if self.at_eof() {
                break;
            }
        }
        if n == 0 {
            return None;
        }
        Some(out.trim_end().to_string())
    }

    fn quoted(&mut self, q: char) -> Result<String, ShorthandError> {
        let start = self.i;
        self.i += 1;
        let mut raw = String::new();
        loop {
            match self.current() {
                None => {
                    self.i = start;
                    let name = if q == '\'' { "<singled quoted>" } else { "<double quoted>" };
                    return Err(self.syntax(name, "<none>"));
                }
                Some('\\') if self.chars.get(self.i + 1) == Some(&q) => {
                    raw.push('\\');
                    raw.push(q);
                    self.i += 2;
                }
                Some(c) if c == q => {
                    self.i += 1;
                    break;
                }
                Some(c) => {
                    raw.push(c);
                    self.i += 1;
                }
            }
        }
        Ok(raw.replace(&format!("\\{q}"), &q.to_string()).replace("\\\\", "\\"))
    }

    fn expect(&mut self, c: char, ws: bool) -> Result<(), ShorthandError> {
        if ws {
            self.whitespace();
        }
        match self.current() {
            None => return Err(self.syntax(&c.to_string(), "EOF")),
            Some(actual) if actual != c => return Err(self.syntax(&c.to_string(), &actual.to_string())),
            Some(_) => self.i += 1,
        }
        if ws {
            self.whitespace();
        }
        Ok(())
    }

    fn syntax(&self, expected: &str, actual: &str) -> ShorthandError {
        ShorthandError(format!("Expected: '{expected}', received: '{actual}' for input:\n{}", self.location(self.i)))
    }

    /// The input with a caret under `index`, as shorthand.py prints it.
    fn location(&self, index: usize) -> String {
        let consumed: String = self.chars.iter().collect();
        let before: String = self.chars[..index.min(self.chars.len())].iter().collect();
        let spaces = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        format!("{consumed}\n{}^", " ".repeat(spaces))
    }

    fn backtrack_to(&mut self, c: char) {
        while self.i > 0 && self.chars.get(self.i) != Some(&c) {
            self.i -= 1;
        }
    }

    fn whitespace(&mut self) {
        while self.current().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    fn current(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn at_eof(&self) -> bool {
        self.i >= self.chars.len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ok(s: &str) -> Value {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn the_cli_examples() {
        assert_eq!(ok("a=b"), json!({"a": "b"}));
        assert_eq!(ok("a=b,c"), json!({"a": ["b", "c"]}));
        assert_eq!(ok("a=b,c=d"), json!({"a": "b", "c": "d"}));
        assert_eq!(ok("a=b,c,d=e"), json!({"a": ["b", "c"], "d": "e"}));
        assert_eq!(ok("a= b ,c = d"), json!({"a": "b", "c": "d"}));
        assert_eq!(ok("a=[b,c],d={e=f,g=[h]}"), json!({"a": ["b", "c"], "d": {"e": "f", "g": ["h"]}}));
        assert_eq!(ok("a='b,c',d=\"e f\""), json!({"a": "b,c", "d": "e f"}));
        assert_eq!(ok(r"a=b\,c"), json!({"a": "b,c"}));
        assert_eq!(ok("a="), json!({"a": ""}));
        assert_eq!(
            ok("Name=glueetl,ScriptLocation=s3://b/s.py"),
            json!({"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
        );
        assert_eq!(
            ok("Name=csv,Delimiter=;,ContainsHeader=PRESENT,Header=a,b,c"),
            json!({"Name": "csv", "Delimiter": ";", "ContainsHeader": "PRESENT", "Header": ["a", "b", "c"]})
        );
        assert_eq!(
            ok("Days=2,GlacierJobParameters={Tier=Bulk}"),
            json!({"Days": "2", "GlacierJobParameters": {"Tier": "Bulk"}})
        );
        assert_eq!(
            ok("ResultConfiguration={OutputLocation=s3://x/},BytesScannedCutoffPerQuery=10000000"),
            json!({"ResultConfiguration": {"OutputLocation": "s3://x/"}, "BytesScannedCutoffPerQuery": "10000000"})
        );
        assert_eq!(ok("Values=a=b"), json!({"Values": "a=b"}));
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse("a").unwrap_err().0;
        assert!(e.starts_with("Expected: '=', received: 'EOF' for input:\na\n ^"), "{e}");
        assert!(parse("a=b,a=c").unwrap_err().0.contains("Second instance of key \"a\""));
        assert!(parse("a=[b,c").is_err());
        assert!(parse("a={b=c").is_err());
        assert!(parse("a='b").is_err());
        let deep = format!("a={}", "[".repeat(100));
        assert!(parse(&deep).unwrap_err().0.contains("Nested more than"));
    }
}
