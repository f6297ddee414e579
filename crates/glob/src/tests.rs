//! The dialects' rules, their agreement with naive reference matchers, and linear time.

use proptest::prelude::*;

use super::*;

fn check(dialect: Dialect, cases: &[(&str, &str, bool)]) {
    for (pattern, text, expected) in cases {
        let got = Glob::new(pattern, dialect).map(|g| g.is_match(text));
        assert_eq!(got, Ok(*expected), "{dialect:?} {pattern:?} {text:?}");
    }
}

#[test]
fn fnmatch_rules() {
    check(
        Dialect::Fnmatch,
        &[
            ("*.csv", "a.csv", true),
            ("*.csv", "dir/sub/a.csv", true),
            ("*.csv", "a.csv.bak", false),
            ("data/*", "data/x/y.json", true),
            ("?.txt", "a.txt", true),
            ("?.txt", "ab.txt", false),
            ("[ab]*.csv", "b1.csv", true),
            ("[!ab]*.csv", "b1.csv", false),
            ("[a-c]", "b", true),
            ("[a-c]", "d", false),
            ("[z-a]", "m", false),
            ("[!z-a]", "m", true),
            ("[]]", "]", true),
            ("[!]]", "]", false),
            ("x[", "x[", true),
            ("*", "", true),
            ("a.b", "axb", false),
            ("€*", "€uro\nline", true),
            (r"a\b", r"a\b", true),
        ],
    );
}

#[test]
fn event_bridge_rules() {
    check(
        Dialect::EventBridge,
        &[
            ("sales/*.csv", "sales/2025/a.csv", true),
            ("sales/*.json", "sales/2025/a.csv", false),
            ("*", "", true),
            (r"a\*b", "a*b", true),
            (r"a\*b", "axb", false),
            (r"a\\*", r"a\xyz", true),
            ("a.b", "axb", false),
        ],
    );
    for bad in ["a**b", r"a\b", "trailing\\"] {
        assert!(matches!(Glob::new(bad, Dialect::EventBridge), Err(Error::Invalid { .. })), "{bad}");
    }
}

#[test]
fn name_rules() {
    let sensitive = Dialect::Names { ignore_case: false };
    check(
        sensitive,
        &[
            ("sales*", "sales_data", true),
            ("*data", "sales_data", true),
            ("a|sales_data", "sales_data", true),
            ("cust*", "sales_data", false),
            ("sales_data", "sales_data", true),
            ("sales", "sales_data", false),
            ("SALES*", "sales_data", false),
            ("s.les", "sales", false),
        ],
    );
    check(
        Dialect::Names { ignore_case: true },
        &[("sa*", "sales", true), ("x | SALES", "sales", true), ("sa", "sales", false)],
    );
}

#[test]
fn exclude_rules() {
    check(
        Dialect::Exclude,
        &[
            ("*.tmp", "a.tmp", true),
            ("*.tmp", "dir/a.tmp", false),
            ("**/*.tmp", "dir/sub/a.tmp", true),
            ("**/*.tmp", "a.tmp", true),
            ("**.tmp", "dir/a.tmp", true),
            ("logs/**", "logs/2025/x.csv", true),
            ("year=202?/**", "year=2024/a.csv", true),
            ("year=202?/**", "year=2030/a.csv", false),
            ("a?c", "a/c", false),
        ],
    );
}

/// Issue 12: `--exclude '*a*a*a*a*a*a*a*a*b'` backtracked exponentially and hung the worker.
#[test]
fn many_stars_against_a_long_miss_finish() {
    let text = "a".repeat(20_000);
    for (pattern, dialect) in [
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", Dialect::Fnmatch),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", Dialect::EventBridge),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", Dialect::Names { ignore_case: true }),
        ("**a**a**a**a**a**a**a**a**b", Dialect::Exclude),
        ("*a*a*a*a*a*a*a*a*a*a*a*a*b", Dialect::Exclude),
    ] {
        assert!(!matches(pattern, dialect, &text), "{pattern} {dialect:?}");
    }
}

#[test]
fn a_huge_pattern_is_an_error_not_a_hang() {
    let pattern = "?".repeat(40_000);
    assert!(matches!(Glob::new(&pattern, Dialect::Fnmatch), Err(Error::TooComplex { .. })));
    assert!(!matches(&pattern, Dialect::Fnmatch, "abc"));
}

/// The matchers Puddle had before (exponential, but obviously right on short inputs).
mod naive {
    pub fn fnmatch(p: &[char], s: &[char]) -> bool {
        match p {
            [] => s.is_empty(),
            ['*', rest @ ..] => (0..=s.len()).any(|i| fnmatch(rest, &s[i..])),
            ['?', rest @ ..] => !s.is_empty() && fnmatch(rest, &s[1..]),
            ['[', rest @ ..] => {
                let (negated, body) = match rest {
                    ['!', r @ ..] => (true, r),
                    _ => (false, rest),
                };
                match body.iter().skip(1).position(|c| *c == ']') {
                    Some(end) => {
                        let (items, after) = (&body[..end + 1], &body[end + 2..]);
                        let Some(c) = s.first() else { return false };
                        let mut hit = false;
                        let mut i = 0;
                        while i < items.len() {
                            if i + 2 < items.len() && items[i + 1] == '-' {
                                hit |= items[i] <= *c && *c <= items[i + 2];
                                i += 3;
                            } else {
                                hit |= items[i] == *c;
                                i += 1;
                            }
                        }
                        hit != negated && fnmatch(after, &s[1..])
                    }
                    None => s.first() == Some(&'[') && fnmatch(rest, &s[1..]),
                }
            }
            [c, rest @ ..] => s.first() == Some(c) && fnmatch(rest, &s[1..]),
        }
    }

    pub fn exclude(p: &[char], s: &[char]) -> bool {
        match p {
            [] => s.is_empty(),
            ['*', '*', rest @ ..] => {
                let rest = rest.strip_prefix(&['/']).unwrap_or(rest);
                (0..=s.len()).any(|i| exclude(rest, &s[i..]))
            }
            ['*', rest @ ..] => {
                (0..=s.len()).take_while(|i| *i == 0 || s[i - 1] != '/').any(|i| exclude(rest, &s[i..]))
            }
            ['?', rest @ ..] => s.first().is_some_and(|c| *c != '/') && exclude(rest, &s[1..]),
            [c, rest @ ..] => s.first() == Some(c) && exclude(rest, &s[1..]),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fnmatch_agrees_with_the_naive_matcher(p in "[ab*?\\[\\]!/-]{0,7}", s in "[ab/\\[\\]!-]{0,6}") {
        let (pc, sc): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
        prop_assert_eq!(matches(&p, Dialect::Fnmatch, &s), naive::fnmatch(&pc, &sc), "{:?} {:?}", p, s);
    }

    #[test]
    fn exclude_agrees_with_the_naive_matcher(p in "[ab*?/]{0,8}", s in "[ab/]{0,8}") {
        let (pc, sc): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
        prop_assert_eq!(matches(&p, Dialect::Exclude, &s), naive::exclude(&pc, &sc), "{:?} {:?}", p, s);
    }

    #[test]
    fn no_pattern_panics(p in any::<String>(), s in any::<String>()) {
        for d in [Dialect::Fnmatch, Dialect::EventBridge, Dialect::Names { ignore_case: true }, Dialect::Exclude] {
            let _ = matches(&p, d, &s);
        }
    }
}
