//! `aws s3 sync SRC DST [--delete] [--exclude P] [--include P] [--dryrun] [--size-only]`.

use crate::{
    parse::{usage, words},
    Command, Location, UsageError,
};

/// One `--exclude` or `--include` filter, in command-line order (the last matching one wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFilter {
    /// `--exclude` (true) or `--include` (false).
    pub exclude: bool,
    /// The glob (`*` matches any characters, `/` included; `?` one character; `[abc]` a set).
    pub pattern: String,
}

impl SyncFilter {
    /// Whether a path (relative to the synced folder) is kept by `filters`: included unless the
    /// last filter matching it is an `--exclude`, as the AWS CLI applies them.
    pub fn keeps(filters: &[SyncFilter], path: &str) -> bool {
        filters.iter().rev().find(|f| glob_matches(&f.pattern, path)).is_none_or(|f| !f.exclude)
    }
}

/// Options of `aws s3 sync`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Delete destination files that are not in the source (and not excluded).
    pub delete: bool,
    /// Print what would be done, do nothing.
    pub dryrun: bool,
    /// Compare sizes only, not last-modified times.
    pub size_only: bool,
    /// `--exclude` / `--include` filters, in order.
    pub filters: Vec<SyncFilter>,
}

pub(crate) fn parse_sync(args: &[&str]) -> Result<Command, UsageError> {
    let w = words(args, &["delete", "dryrun", "size-only"], &["exclude", "include"])?;
    let options = SyncOptions {
        delete: w.flags.contains(&"delete"),
        dryrun: w.flags.contains(&"dryrun"),
        size_only: w.flags.contains(&"size-only"),
        filters: w
            .values
            .iter()
            .map(|(n, p)| SyncFilter { exclude: *n == "exclude", pattern: p.to_string() })
            .collect(),
    };
    match w.positional.as_slice() {
        [src, dst] => {
            let (src, dst) = (crate::parse::location(src)?, crate::parse::location(dst)?);
            if matches!((&src, &dst), (Location::Local(_), Location::Local(_))) {
                return usage("Error: Invalid argument type: at least one of the paths must be an s3:// URI");
            }
            Ok(Command::S3Sync { src, dst, options })
        }
        [_, _, extra, ..] => usage(format!("Unknown options: {extra}")),
        _ => usage("the following arguments are required: paths"),
    }
}

/// Python's `fnmatch` (what the AWS CLI's filters use): `*` also crosses `/`. Linear time
/// (`puddle_glob`), so no `--exclude` pattern can hang the worker.
pub(crate) fn glob_matches(pattern: &str, path: &str) -> bool {
    puddle_glob::matches(pattern, puddle_glob::Dialect::Fnmatch, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn fnmatch_rules() {
        assert!(glob_matches("*.csv", "a.csv"));
        assert!(glob_matches("*.csv", "dir/sub/a.csv"), "* crosses folders as in fnmatch");
        assert!(!glob_matches("*.csv", "a.csv.bak"));
        assert!(glob_matches("data/*", "data/x/y.json"));
        assert!(glob_matches("?.txt", "a.txt"));
        assert!(!glob_matches("?.txt", "ab.txt"));
        assert!(glob_matches("[ab]*.csv", "b1.csv"));
        assert!(!glob_matches("[!ab]*.csv", "b1.csv"));
        assert!(glob_matches("[a-c]", "b"));
        assert!(!glob_matches("[a-c]", "d"));
        assert!(glob_matches("x[", "x["));
        assert!(glob_matches("*", ""));
    }

    #[test]
    fn last_matching_filter_wins() {
        let f = |exclude, pattern: &str| SyncFilter { exclude, pattern: pattern.into() };
        let filters = [f(true, "*"), f(false, "*.csv")];
        assert!(SyncFilter::keeps(&filters, "a/b.csv"));
        assert!(!SyncFilter::keeps(&filters, "a/b.json"));
        assert!(SyncFilter::keeps(&[], "anything"));
        assert!(!SyncFilter::keeps(&[f(false, "*.csv"), f(true, "tmp/*")], "tmp/a.csv"));
    }

    #[test]
    fn parses_sync() {
        let Ok(Command::S3Sync { src: Location::Local(src), dst: Location::S3(dst), options }) =
            parse("aws s3 sync ./data s3://b/raw --delete --exclude '*' --include=*.csv --dryrun --size-only")
                .map(|l| l.command)
        else {
            panic!("sync")
        };
        assert_eq!((src.as_str(), dst.bucket.as_str(), dst.key.as_str()), ("./data", "b", "raw"));
        assert!(options.delete && options.dryrun && options.size_only);
        assert_eq!(options.filters.len(), 2);
        assert_eq!((options.filters[1].exclude, options.filters[1].pattern.as_str()), (false, "*.csv"));
        let err = |line: &str| parse(line).unwrap_err().message;
        assert!(err("aws s3 sync . s3://b --exclude").contains("--exclude: expected one argument"));
        assert!(err("aws s3 sync . s3://b --recursive").contains("Unknown options: --recursive"));
        assert!(err("aws s3 sync a b").contains("must be an s3:// URI"));
        assert!(err("aws s3 sync s3://b").contains("required: paths"));
        assert!(err("aws s3 sync s3://a s3://b s3://c").contains("Unknown options: s3://c"));
    }
}
