//! Every wildcard pattern of the lake, matched in linear time.
//!
//! Each dialect is translated once into a [`regex::Regex`] (the `regex` crate guarantees
//! matching in time linear in the text, whatever the pattern), so a pattern with many stars
//! against a long name can never backtrack exponentially and hang the worker.
//!
//! | dialect | used by | syntax |
//! |---|---|---|
//! | [`Dialect::Fnmatch`] | `aws s3 sync --exclude/--include` | Python `fnmatch`: `*` (crosses `/`), `?`, `[set]`, `[!set]` |
//! | [`Dialect::EventBridge`] | `{"wildcard": ...}` event patterns | `*` only; `\*` and `\\` are a literal star and backslash |
//! | [`Dialect::Names`] | Glue `GetTables --expression`, Athena `SHOW TABLES LIKE` | `*` any run, `\|` between alternatives |
//! | [`Dialect::Exclude`] | crawler exclusions | `*` and `?` within a folder name, `**` across folders |
//!
//! ```
//! use puddle_glob::{Dialect, Glob};
//! let g = Glob::new("sales/**/*.csv", Dialect::Exclude).unwrap();
//! assert!(g.is_match("sales/2025/01/a.csv"));
//! assert!(!g.is_match("sales/2025/01/a.json"));
//! ```
#![deny(missing_docs)]

mod translate;

use regex::{Regex, RegexBuilder};

/// A pattern language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Python's `fnmatch` (the AWS CLI's filters): `*` any run (also across `/`), `?` one
    /// character, `[abc]`, `[a-z]`, `[!abc]`; an unclosed `[` is a literal; no escapes.
    Fnmatch,
    /// EventBridge's `wildcard` filter: `*` any run; `\*` is a literal `*`, `\\` a literal `\`;
    /// any other backslash, and two stars in a row, are invalid (as in EventBridge).
    EventBridge,
    /// Glue and Athena table-name patterns: alternatives separated by `|` (each trimmed), `*`
    /// any run, everything else literal.
    Names {
        /// Whether letters match regardless of case (Athena's `SHOW TABLES`).
        ignore_case: bool,
    },
    /// Crawler exclusion globs: `*` and `?` within a folder name, `**` across folders (a `/`
    /// right after `**` is optional, so `**/*.tmp` also matches `a.tmp`).
    Exclude,
}

/// Why a pattern cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pattern breaks the dialect's syntax (EventBridge escapes and `**`).
    #[error("invalid wildcard pattern '{pattern}': {reason}")]
    Invalid {
        /// The pattern.
        pattern: String,
        /// Why.
        reason: String,
    },
    /// The pattern is too large to compile within the matcher's memory budget.
    #[error("wildcard pattern is too complex ({len} characters)")]
    TooComplex {
        /// Length of the pattern in characters.
        len: usize,
    },
}

/// A compiled pattern. Matching is against the whole text.
#[derive(Debug, Clone)]
pub struct Glob {
    regex: Regex,
}

/// Memory budget of one compiled pattern (the regex crate's default is 10 MiB).
const SIZE_LIMIT: usize = 4 << 20;

impl Glob {
    /// Compiles `pattern` in `dialect`.
    pub fn new(pattern: &str, dialect: Dialect) -> Result<Self, Error> {
        let (source, ignore_case) = match dialect {
            Dialect::Fnmatch => (translate::fnmatch(pattern), false),
            Dialect::EventBridge => (translate::event_bridge(pattern)?, false),
            Dialect::Names { ignore_case } => (translate::names(pattern), ignore_case),
            Dialect::Exclude => (translate::exclude(pattern), false),
        };
        let regex = RegexBuilder::new(&format!(r"\A(?:{source})\z"))
            .case_insensitive(ignore_case)
            .dot_matches_new_line(true)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build()
            .map_err(|_| Error::TooComplex { len: pattern.chars().count() })?;
        Ok(Self { regex })
    }

    /// Whether all of `text` matches the pattern.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// Compiles and matches once; a pattern that does not compile matches nothing.
pub fn matches(pattern: &str, dialect: Dialect, text: &str) -> bool {
    Glob::new(pattern, dialect).is_ok_and(|g| g.is_match(text))
}

#[cfg(test)]
mod tests;
