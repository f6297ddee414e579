//! From a line of text to a [`Command`].

use puddle_api::S3Uri;

use crate::{athena::parse_athena, glue::parse_glue, s3api::parse_s3api, Command, Location, TransferKind};

/// Exit code of the AWS CLI v2 for a command it could not parse.
pub const EXIT_USAGE: i32 = 252;

const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
To see help text, you can run:

  aws help
  aws <command> help
  aws <command> <subcommand> help
";

/// A line the CLI cannot run; `Display` is what `aws` prints on stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{USAGE}\naws: error: {message}")]
pub struct UsageError {
    /// The `aws: error:` part.
    pub message: String,
}

pub(crate) fn usage<T>(message: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError { message: message.into() })
}

/// Parses one `aws ...` line.
pub fn parse(line: &str) -> Result<Command, UsageError> {
    let words = match shell_words::split(line.trim()) {
        Ok(w) => w,
        Err(_) => return usage("the command line has an unterminated quote"),
    };
    let mut words = words.iter().map(String::as_str);
    match words.next() {
        Some("aws") => {}
        Some("puddle") => {
            let rest: Vec<&str> = words.collect();
            return match rest.split_first() {
                Some((&"clock", args)) => crate::clock::parse_clock(args),
                _ => usage("Puddle's own commands: `puddle clock`, `puddle clock advance --days N`"),
            };
        }
        Some(other) => return usage(format!("'{other}' is not a command here: lines start with `aws`")),
        None => return usage("the following arguments are required: command"),
    }
    let rest: Vec<&str> = words.collect();
    match rest.as_slice() {
        [] => usage("the following arguments are required: command"),
        ["s3", args @ ..] => parse_s3(args),
        ["s3api", args @ ..] => parse_s3api(args),
        ["glue", args @ ..] => parse_glue(args),
        ["athena", args @ ..] => parse_athena(args),
        ["events", args @ ..] => crate::events::parse_events(args),
        [service, ..] => usage(format!(
            "argument command: Invalid choice '{service}', valid choices are:\n\nathena | events | glue | s3 | s3api\n\n(more services arrive with later Puddle releases)"
        )),
    }
}

fn parse_s3(args: &[&str]) -> Result<Command, UsageError> {
    let Some((sub, args)) = args.split_first() else {
        return usage("the following arguments are required: subcommand");
    };
    if *sub == "sync" {
        return crate::sync::parse_sync(args);
    }
    let (flags, positional): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with("--"));
    let allowed: &[&str] = match *sub {
        "mb" => &[],
        "rb" => &["--force"],
        "ls" => &["--recursive", "--human-readable", "--summarize"],
        "cp" | "mv" | "rm" => &["--recursive"],
        other => {
            return usage(format!(
            "argument subcommand: Invalid choice '{other}', valid choices are:\n\ncp | ls | mb | mv | rb | rm | sync"
        ))
        }
    };
    if let Some(bad) = flags.iter().find(|f| !allowed.contains(f)) {
        return usage(format!("Unknown options: {bad}"));
    }
    let has = |f: &str| flags.contains(&f);
    match (*sub, positional.as_slice()) {
        ("cp" | "mv", [src, dst]) => {
            let kind = if *sub == "cp" { TransferKind::Copy } else { TransferKind::Move };
            let (src, dst) = (location(src)?, location(dst)?);
            if matches!((&src, &dst), (Location::Local(_), Location::Local(_))) {
                return usage("Error: Invalid argument type: at least one of the paths must be an s3:// URI");
            }
            Ok(Command::S3Transfer { kind, src, dst, recursive: has("--recursive") })
        }
        ("cp" | "mv", [_]) | ("cp" | "mv", []) => usage("the following arguments are required: paths"),
        ("cp" | "mv", [_, _, extra, ..]) => usage(format!("Unknown options: {extra}")),
        ("rm", [path]) => Ok(Command::S3Remove { target: s3_uri(path)?, recursive: has("--recursive") }),
        ("mb" | "rb" | "rm", []) => usage("the following arguments are required: path"),
        ("mb" | "rb" | "ls" | "rm", [_, extra, ..]) => usage(format!("Unknown options: {extra}")),
        ("mb", [path]) => Ok(Command::S3MakeBucket { bucket: bucket_of(path)? }),
        ("rb", [path]) => Ok(Command::S3RemoveBucket { bucket: bucket_of(path)?, force: has("--force") }),
        ("ls", target) => Ok(Command::S3List {
            target: target.first().map(|p| s3_uri(p)).transpose()?,
            recursive: has("--recursive"),
            human_readable: has("--human-readable"),
            summarize: has("--summarize"),
        }),
        _ => usage("the following arguments are required: path"),
    }
}

fn s3_uri(path: &str) -> Result<S3Uri, UsageError> {
    path.parse()
        .or_else(|_| usage(format!("argument path: '{path}' is not a valid S3 path: expected s3://bucket[/key]")))
}

pub(crate) fn location(path: &str) -> Result<Location, UsageError> {
    if path.starts_with("s3://") {
        Ok(Location::S3(s3_uri(path)?))
    } else if path.contains("://") {
        usage(format!("argument paths: '{path}' is neither a local path nor an s3:// URI"))
    } else {
        Ok(Location::Local(path.to_string()))
    }
}

fn bucket_of(path: &str) -> Result<String, UsageError> {
    let uri = s3_uri(path)?;
    if !uri.key.is_empty() {
        return usage(format!("argument path: '{path}' must be a bucket, s3://bucket, without a key"));
    }
    Ok(uri.bucket)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Command {
        parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    fn err(line: &str) -> String {
        parse(line).unwrap_err().message
    }

    #[test]
    fn s3_commands() {
        assert_eq!(
            ok("aws s3 mb s3://data-lake-raw-123"),
            Command::S3MakeBucket { bucket: "data-lake-raw-123".into() }
        );
        assert_eq!(ok("  aws s3 mb 's3://b-1/'  "), Command::S3MakeBucket { bucket: "b-1".into() });
        assert_eq!(ok("aws s3 rb s3://b-1 --force"), Command::S3RemoveBucket { bucket: "b-1".into(), force: true });
        assert_eq!(
            ok("aws s3 ls"),
            Command::S3List { target: None, recursive: false, human_readable: false, summarize: false }
        );
        let Command::S3List { target: Some(t), recursive: true, human_readable: true, summarize: true } =
            ok("aws s3 ls s3://b-1/sales/ --recursive --human-readable --summarize")
        else {
            panic!("ls flags")
        };
        assert_eq!((t.bucket.as_str(), t.key.as_str()), ("b-1", "sales/"));
    }

    #[test]
    fn transfers() {
        let Command::S3Transfer {
            kind: TransferKind::Copy,
            src: Location::Local(src),
            dst: Location::S3(dst),
            recursive: false,
        } = ok("aws s3 cp sales.csv s3://data-lake-raw-123/sales/")
        else {
            panic!("cp")
        };
        assert_eq!((src.as_str(), dst.key.as_str()), ("sales.csv", "sales/"));
        let Command::S3Transfer { kind: TransferKind::Move, recursive: true, .. } =
            ok("aws s3 mv s3://a/x/ s3://b/y/ --recursive")
        else {
            panic!("mv")
        };
        let Command::S3Remove { recursive: true, target } = ok("aws s3 rm s3://b/sales/ --recursive") else {
            panic!("rm")
        };
        assert_eq!(target.key, "sales/");
    }

    #[test]
    fn usage_errors() {
        assert_eq!(err("aws s3 mb"), "the following arguments are required: path");
        assert!(err("aws s3 mb bucket").contains("not a valid S3 path"));
        assert!(err("aws s3 mb s3://b/key").contains("without a key"));
        assert!(err("aws s3 mb s3://a s3://b").contains("Unknown options: s3://b"));
        assert!(err("aws s3 ls --bogus").contains("Unknown options: --bogus"));
        assert!(err("aws s3 frobnicate").contains("Invalid choice 'frobnicate'"));
        assert!(err("aws ec2 describe-instances").contains("Invalid choice 'ec2'"));
        assert!(err("aws s3 cp a.csv").contains("required: paths"));
        assert!(err("aws s3 cp a.csv b.csv").contains("must be an s3:// URI"));
        assert!(err("aws s3 cp http://x/y s3://b/").contains("neither a local path"));
        assert!(err("aws s3 rm").contains("required: path"));
        assert!(err("aws s3").contains("required: subcommand"));
        assert!(err("aws").contains("required: command"));
        assert!(err("").contains("required: command"));
        assert!(err("ls -la").contains("lines start with `aws`"));
        assert!(err("aws s3 mb 's3://b").contains("unterminated quote"));
    }

    #[test]
    fn display_is_the_cli_text() {
        let text = parse("aws s3 mb").unwrap_err().to_string();
        assert!(text.starts_with("usage: aws [options]"));
        assert!(text.ends_with("aws: error: the following arguments are required: path"));
    }
}
