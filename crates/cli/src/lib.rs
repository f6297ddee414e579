//! The `aws` command line, parsed.
//!
//! [`parse`] turns one line, as a student types it, into a [`Command`], or a [`UsageError`]
//! whose text is what AWS CLI v2 prints (exit code 252). Quoting follows the POSIX shell.
//! Nothing here touches the lake: `puddle-lake` executes commands and formats their output.
//!
//! ```
//! use puddle_cli::{parse, Command};
//! let cmd = parse("aws s3 mb s3://data-lake-raw-123").unwrap();
//! assert_eq!(cmd, Command::S3MakeBucket { bucket: "data-lake-raw-123".into() });
//! assert!(parse("aws s3 mb").unwrap_err().to_string().contains("required: path"));
//! ```
#![deny(missing_docs)]

mod athena;
mod clock;
mod command;
mod events;
mod glue;
mod glue_jobs;
mod params;
mod parse;
mod s3api;
mod sync;

pub use athena::Athena;
pub use command::{Command, Location, S3Api, TransferKind};
pub use events::{EventTarget, Events};
pub use glue::{ClassifierKind, Glue};
pub use glue_jobs::{GlueJobs, JobSpec};
pub use parse::{parse, UsageError, EXIT_USAGE};
pub use sync::{SyncFilter, SyncOptions};
