//! From a line of text to a [`Command`]: global options, then the high-level `aws s3`
//! commands and `puddle clock` (custom, as in the real CLI), or any modelled operation
//! (`crate::api`), or help.

use puddle_api::S3Uri;

use crate::{argprocess::Files, format::Format, help, model::Model, Command, Location, TransferKind};

/// Exit code of the AWS CLI v2 for a command it could not parse.
pub const EXIT_USAGE: i32 = 252;

const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
To see help text, you can run:

  aws help
  aws <command> help
  aws <command> <subcommand> help
";

/// A line the CLI cannot run (exit 252); `Display` is what `aws` prints on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// The `aws: error:` part (or the whole message for a parameter error).
    pub message: String,
    /// Printed after the usage banner, as argparse errors are; parameter errors
    /// (`Error parsing parameter ...`, `Parameter validation failed`) are printed alone.
    pub banner: bool,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.banner {
            write!(f, "{USAGE}\naws: error: {}", self.message)
        } else {
            write!(f, "\n{}", self.message)
        }
    }
}

impl std::error::Error for UsageError {}

impl UsageError {
    /// An argparse error, printed after the usage banner.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), banner: true }
    }

    /// A parameter error, printed alone.
    pub fn plain(message: impl Into<String>) -> Self {
        Self { message: message.into(), banner: false }
    }
}

/// argparse's error for a value outside an argument's choices, as `awscli/argparser.py` words it.
pub(crate) fn invalid_choice(arg: &str, choices: &[&str]) -> UsageError {
    let lines: Vec<String> =
        choices.chunks(2).map(|c| c.iter().map(|s| format!("{s:<40}")).collect::<Vec<_>>().join(" | ")).collect();
    UsageError::new(format!("argument {arg}: Invalid choice, valid choices are:\n\n{}", lines.join("\n")))
}

pub(crate) fn usage<T>(message: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError::new(message))
}

/// One parsed line: the command and the global options that shape its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What to run.
    pub command: Command,
    /// `--output`.
    pub output: Format,
    /// `--query`.
    pub query: Option<String>,
    /// Notes for stderr about options accepted but without effect here (`--endpoint-url`).
    pub notes: Vec<String>,
}

/// Global options that take a value, and whether Puddle ignores them with a note.
const GLOBAL_WITH_VALUE: [(&str, bool); 10] = [
    ("output", false),
    ("cli-binary-format", false),
    ("query", false),
    ("region", false),
    ("profile", false),
    ("endpoint-url", true),
    ("color", false),
    ("ca-bundle", true),
    ("cli-read-timeout", false),
    ("cli-connect-timeout", false),
];
const GLOBAL_FLAGS: [&str; 7] = [
    "no-cli-pager",
    "debug",
    "no-paginate",
    "no-verify-ssl",
    "no-sign-request",
    "cli-auto-prompt",
    "no-cli-auto-prompt",
];

/// Parses one line, without local files (`file://` arguments fail as missing).
pub fn parse(line: &str) -> Result<Line, UsageError> {
    parse_with_files(line, &Files::default())
}

/// Parses one line; `files` holds what it may read from the local folder
/// (see [`crate::file_references`]).
pub fn parse_with_files(line: &str, files: &Files) -> Result<Line, UsageError> {
    let Ok(words) = shell_words::split(line.trim()) else {
        return usage("the command line has an unterminated quote");
    };
    let Some((first, rest)) = words.split_first() else {
        return usage("the following arguments are required: command");
    };
    let plain = |command| Line { command, output: Format::Json, query: None, notes: Vec::new() };
    match first.as_str() {
        "aws" => {}
        "puddle" => {
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            return match rest.split_first() {
                Some((&"clock", args)) => crate::clock::parse_clock(args).map(plain),
                _ => usage("Puddle's own commands: `puddle clock`, `puddle clock advance --days N`"),
            };
        }
        other => return usage(format!("'{other}' is not a command here: lines start with `aws`")),
    }
    let mut line = plain(Command::Help(String::new()));
    let mut args: Vec<String> = Vec::new();
    let mut raw_blobs = false;
    let mut i = 0;
    while i < rest.len() {
        let word = &rest[i];
        i += 1;
        let Some(flag) = word.strip_prefix("--") else {
            args.push(word.clone());
            continue;
        };
        let (name, inline) = flag.split_once('=').map_or((flag, None), |(n, v)| (n, Some(v.to_string())));
        if let Some((_, note)) = GLOBAL_WITH_VALUE.iter().find(|(g, _)| *g == name) {
            let Some(value) = inline.or_else(|| rest.get(i).inspect(|_| i += 1).cloned()) else {
                return usage(format!("argument --{name}: expected one argument"));
            };
            match name {
                "output" => {
                    line.output = Format::from_name(&value)
                        .ok_or_else(|| invalid_choice("--output", &["json", "text", "table", "yaml", "yaml-stream"]))?
                }
                "cli-binary-format" => match value.as_str() {
                    "base64" => raw_blobs = false,
                    "raw-in-base64-out" => raw_blobs = true,
                    _ => return Err(invalid_choice("--cli-binary-format", &["base64", "raw-in-base64-out"])),
                },
                "query" => {
                    jmespath::compile(&value).map_err(|e| {
                        UsageError::new(format!("argument --query: Bad value for --query {value}: {e}"))
                    })?;
                    line.query = Some(value);
                }
                _ if *note => line.notes.push(format!("Note: --{name} is ignored: Puddle's services run in this tab")),
                _ => {}
            }
        } else if !GLOBAL_FLAGS.contains(&name) {
            args.push(word.clone());
        }
    }
    line.command = command(&args, files, raw_blobs)?;
    Ok(line)
}

fn command(args: &[String], files: &Files, raw_blobs: bool) -> Result<Command, UsageError> {
    let model = Model::get();
    let Some((service_name, args)) = args.split_first() else {
        return usage("the following arguments are required: command");
    };
    if service_name == "help" {
        return Ok(Command::Help(help::top()));
    }
    if service_name == "s3" {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        return parse_s3(&args);
    }
    let Some(service) = model.service(service_name) else {
        let mut names: Vec<&str> = model.services.keys().map(String::as_str).chain(["s3"]).collect();
        names.sort();
        return Err(invalid_choice("command", &names));
    };
    let Some((op_cli, args)) = args.split_first() else {
        return usage("the following arguments are required: operation");
    };
    if op_cli == "help" {
        return Ok(Command::Help(help::service(service_name, service)));
    }
    let Some((op_name, op)) = service.operation_by_cli(op_cli) else {
        let mut names: Vec<&str> = service.operations.values().map(|o| o.cli.as_str()).collect();
        names.sort();
        return Err(invalid_choice("operation", &names));
    };
    if !op.implemented {
        if args.iter().any(|a| a == "help") {
            return Ok(Command::Help(help::operation(service_name, service, op)));
        }
        return Ok(Command::NotEmulated { service: service_name.clone(), operation: op_cli.clone() });
    }
    crate::api::parse(service_name, service, op_name, op, args, files, raw_blobs)
}

/// The words of a custom command (`aws s3 ...`, `puddle clock ...`), read as argparse reads
/// them: positional words, the `flags` given, and the values of the `valued` options
/// (`--name value` or `--name=value`, in order).
#[derive(Default)]
pub(crate) struct Words<'a> {
    pub(crate) positional: Vec<&'a str>,
    pub(crate) flags: Vec<&'a str>,
    pub(crate) values: Vec<(&'a str, &'a str)>,
}

pub(crate) fn words<'a>(args: &[&'a str], flags: &[&str], valued: &[&str]) -> Result<Words<'a>, UsageError> {
    let mut w = Words::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(name) = arg.strip_prefix("--") else {
            w.positional.push(arg);
            continue;
        };
        let (name, inline) = name.split_once('=').map_or((name, None), |(n, v)| (n, Some(v)));
        if flags.contains(&name) && inline.is_none() {
            w.flags.push(name);
        } else if valued.contains(&name) {
            let Some(value) = inline.or_else(|| iter.next().copied()) else {
                return usage(format!("argument --{name}: expected one argument"));
            };
            w.values.push((name, value));
        } else {
            return usage(format!("Unknown options: {arg}"));
        }
    }
    Ok(w)
}

fn parse_s3(args: &[&str]) -> Result<Command, UsageError> {
    let Some((sub, args)) = args.split_first() else {
        return usage("the following arguments are required: subcommand");
    };
    if *sub == "help" || args.contains(&"help") {
        return Ok(Command::Help(help::s3()));
    }
    if *sub == "sync" {
        return crate::sync::parse_sync(args);
    }
    let allowed: &[&str] = match *sub {
        "mb" => &[],
        "rb" => &["force"],
        "ls" => &["recursive", "human-readable", "summarize"],
        "cp" | "mv" | "rm" => &["recursive"],
        _ => return Err(invalid_choice("subcommand", &["cp", "ls", "mb", "mv", "rb", "rm", "sync"])),
    };
    let Words { positional, flags, .. } = words(args, allowed, &[])?;
    let has = |f: &str| flags.contains(&f);
    match (*sub, positional.as_slice()) {
        ("cp" | "mv", [src, dst]) => {
            let kind = if *sub == "cp" { TransferKind::Copy } else { TransferKind::Move };
            let (src, dst) = (location(src)?, location(dst)?);
            if matches!((&src, &dst), (Location::Local(_), Location::Local(_))) {
                return usage("Error: Invalid argument type: at least one of the paths must be an s3:// URI");
            }
            Ok(Command::S3Transfer { kind, src, dst, recursive: has("recursive") })
        }
        ("cp" | "mv", [_]) | ("cp" | "mv", []) => usage("the following arguments are required: paths"),
        ("cp" | "mv", [_, _, extra, ..]) => usage(format!("Unknown options: {extra}")),
        ("rm", [path]) => Ok(Command::S3Remove { target: s3_uri(path)?, recursive: has("recursive") }),
        ("mb" | "rb" | "rm", []) => usage("the following arguments are required: path"),
        ("mb" | "rb" | "ls" | "rm", [_, extra, ..]) => usage(format!("Unknown options: {extra}")),
        ("mb", [path]) => Ok(Command::S3MakeBucket { bucket: bucket_of(path)? }),
        ("rb", [path]) => Ok(Command::S3RemoveBucket { bucket: bucket_of(path)?, force: has("force") }),
        ("ls", target) => Ok(Command::S3List {
            target: target.first().map(|p| s3_uri(p)).transpose()?,
            recursive: has("recursive"),
            human_readable: has("human-readable"),
            summarize: has("summarize"),
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
        parse(line).unwrap_or_else(|e| panic!("{line}: {e}")).command
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
        assert!(err("aws s3 frobnicate").starts_with("argument subcommand: Invalid choice, valid choices are:\n\ncp "));
        assert!(err("aws ec2 describe-instances").starts_with("argument command: Invalid choice, valid choices are:"));
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
