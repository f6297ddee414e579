//! Exclusion patterns: `*` and `?` within a folder name, `**` across folders.

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: Vec<char>,
}

impl Glob {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Self {
        Self { pattern: pattern.chars().collect() }
    }

    /// Whether `path` matches the whole pattern.
    pub fn matches(&self, path: &str) -> bool {
        let path: Vec<char> = path.chars().collect();
        matches(&self.pattern, &path)
    }
}

fn matches(p: &[char], s: &[char]) -> bool {
    match p {
        [] => s.is_empty(),
        ['*', '*', rest @ ..] => {
            let rest = rest.strip_prefix(&['/']).unwrap_or(rest);
            (0..=s.len()).any(|i| matches(rest, &s[i..]))
        }
        ['*', rest @ ..] => (0..=s.len()).take_while(|i| *i == 0 || s[i - 1] != '/').any(|i| matches(rest, &s[i..])),
        ['?', rest @ ..] => s.first().is_some_and(|c| *c != '/') && matches(rest, &s[1..]),
        [c, rest @ ..] => s.first() == Some(c) && matches(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn glob_rules() {
        let cases = [
            ("*.tmp", "a.tmp", true),
            ("*.tmp", "dir/a.tmp", false),
            ("**/*.tmp", "dir/sub/a.tmp", true),
            ("**.tmp", "dir/a.tmp", true),
            ("logs/**", "logs/2025/x.csv", true),
            ("year=202?/**", "year=2024/a.csv", true),
            ("year=202?/**", "year=2030/a.csv", false),
        ];
        for (pattern, path, expected) in cases {
            assert_eq!(Glob::new(pattern).matches(path), expected, "{pattern} {path}");
        }
    }
}
