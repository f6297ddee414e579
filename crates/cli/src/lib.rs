//! The `aws` command line, driven by the AWS service models.
//!
//! [`parse`] turns one line, as a student types it, into a [`Line`]: a [`Command`] and the
//! global options shaping its output, or a [`UsageError`] whose text is what AWS CLI v2 prints
//! (exit code 252). Any operation of a modelled service is parsed generically from its input
//! shape ([`model`], generated from botocore by `scripts/gen-aws-model.py`): `--kebab-name`
//! arguments, shorthand or JSON structures, `file://`, `--cli-input-json`,
//! `--generate-cli-skeleton`, `help`, every missing required argument named at once. The
//! high-level `aws s3` commands and `puddle clock` are custom, as in the real CLI.
//! [`print`] prints an operation's answer as the CLI does (`--query`, `--output`).
//! Nothing here touches the lake: `puddle-lake` runs the operations.
//!
//! ```
//! use puddle_cli::{parse, Command};
//! let line = parse("aws s3 mb s3://data-lake-raw-123").unwrap();
//! assert_eq!(line.command, Command::S3MakeBucket { bucket: "data-lake-raw-123".into() });
//! let err = parse("aws s3api put-object").unwrap_err().to_string();
//! assert!(err.ends_with("the following arguments are required: --bucket, --key"));
//! ```
#![deny(missing_docs)]

mod api;
mod argprocess;
mod clock;
mod command;
mod format;
mod help;
pub mod model;
mod parse;
mod shorthand;
mod sync;
mod table;
mod timestamp;
mod validate;
mod yaml;

pub use api::ApiCall;
pub use argprocess::{file_references, Files};
pub use command::{Command, Location, TransferKind};
pub use format::{json, query, render, shape_output, Format};
pub use parse::{parse, parse_with_files, Line, UsageError, EXIT_USAGE};
pub use sync::{SyncFilter, SyncOptions};
pub use validate::validate;

/// Exit code of the AWS CLI v2 when the service answered with an error.
pub const EXIT_SERVICE: i32 = 254;
/// Exit code of the AWS CLI v2 for any other failure.
pub const EXIT_OTHER: i32 = 255;

/// What the CLI prints for a call's answer: the output shape applied (absent members left out,
/// timestamps as the CLI prints them), then `--query`, then `--output`.
pub fn print(line: &Line, call: &ApiCall, answer: serde_json::Value) -> Result<String, String> {
    let model = model::Model::get();
    let Some(service) = model.service(&call.service) else { return Err(format!("unknown service {}", call.service)) };
    let output = service.operations.get(&call.operation).and_then(|o| o.output.as_deref());
    let mut value = shape_output(service, output, answer);
    if let Some(q) = &line.query {
        value = query(q, &value)?;
    }
    Ok(render(line.output, &call.operation, &value))
}

/// `Puddle does not emulate <service> <operation> yet` (exit 255), for an operation AWS has.
pub fn not_emulated(service: &str, operation: &str) -> String {
    format!("\nPuddle does not emulate {service} {operation} yet (see `aws {service} help` for what it does).\n")
}
