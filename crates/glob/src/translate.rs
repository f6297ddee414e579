//! Each dialect as regex source (unanchored; `Glob::new` anchors it).

use std::fmt::Write;

use crate::Error;

/// A literal character as regex source.
fn lit(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

/// Python's `fnmatch.translate`.
pub(crate) fn fnmatch(pattern: &str) -> String {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                while p.get(i + 1) == Some(&'*') {
                    i += 1;
                }
                out.push_str(".*");
            }
            '?' => out.push('.'),
            '[' => match set(&p[i + 1..]) {
                Some((class, used)) => {
                    out.push_str(&class);
                    i += used;
                }
                // An unclosed `[` is a literal, as in fnmatch.
                None => lit(&mut out, '['),
            },
            c => lit(&mut out, c),
        }
        i += 1;
    }
    out
}

/// A `[...]` set after its `[`: the regex class and how many characters it used (with `]`).
fn set(p: &[char]) -> Option<(String, usize)> {
    let negated = p.first() == Some(&'!');
    let body = if negated { &p[1..] } else { p };
    // A `]` right after `[` or `[!` is part of the set.
    let end = body.iter().skip(1).position(|c| *c == ']')? + 1;
    let items = &body[..end];
    let mut class = String::new();
    let mut i = 0;
    while i < items.len() {
        if i + 2 < items.len() && items[i + 1] == '-' {
            // A backwards range matches nothing, as in fnmatch.
            if items[i] <= items[i + 2] {
                let _ = write!(class, r"\x{{{:x}}}-\x{{{:x}}}", items[i] as u32, items[i + 2] as u32);
            }
            i += 3;
        } else {
            let _ = write!(class, r"\x{{{:x}}}", items[i] as u32);
            i += 1;
        }
    }
    let regex = match (class.is_empty(), negated) {
        (true, false) => r"[a&&b]".to_string(), // the empty set: matches no character
        (true, true) => ".".to_string(),
        (false, false) => format!("[{class}]"),
        (false, true) => format!("[^{class}]"),
    };
    Some((regex, usize::from(negated) + end + 1))
}

/// EventBridge's `wildcard`: `*`, `\*`, `\\`.
pub(crate) fn event_bridge(pattern: &str) -> Result<String, Error> {
    let invalid = |reason: String| Error::Invalid { pattern: pattern.to_string(), reason };
    let mut out = String::new();
    let mut chars = pattern.chars().enumerate().peekable();
    while let Some((pos, c)) = chars.next() {
        match c {
            '*' if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                return Err(invalid(format!("consecutive wildcard characters at position {pos}")))
            }
            '*' => out.push_str(".*"),
            '\\' => match chars.next() {
                Some((_, e @ ('*' | '\\'))) => lit(&mut out, e),
                _ => return Err(invalid(format!("invalid escape character at position {pos}"))),
            },
            c => lit(&mut out, c),
        }
    }
    Ok(out)
}

/// Glue/Athena name patterns: `a*|b`.
pub(crate) fn names(pattern: &str) -> String {
    let alternatives: Vec<String> =
        pattern.split('|').map(|alt| alt.trim().split('*').map(regex::escape).collect::<Vec<_>>().join(".*")).collect();
    alternatives.join("|")
}

/// Crawler exclusions: `*`, `?` within a folder, `**` across folders.
pub(crate) fn exclude(pattern: &str) -> String {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' if p.get(i + 1) == Some(&'*') => {
                i += 1;
                // `**/` is `**`: the slash is optional, so `**/*.tmp` matches `a.tmp` too.
                if p.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                out.push_str(".*");
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            c => lit(&mut out, c),
        }
        i += 1;
    }
    out
}
