//! The commands Puddle's `aws` understands.

use puddle_api::S3Uri;

/// One parsed `aws` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `aws s3 mb s3://bucket`
    S3MakeBucket {
        /// Bucket to create.
        bucket: String,
    },
    /// `aws s3 rb s3://bucket [--force]`
    S3RemoveBucket {
        /// Bucket to delete.
        bucket: String,
        /// Delete the bucket's objects first.
        force: bool,
    },
    /// `aws s3 ls [s3://bucket[/prefix]] [--recursive] [--human-readable] [--summarize]`
    S3List {
        /// What to list; all buckets when absent.
        target: Option<S3Uri>,
        /// List every key under the prefix instead of one folder level.
        recursive: bool,
        /// Sizes as `1.5 KiB`.
        human_readable: bool,
        /// Print object count and total size at the end.
        summarize: bool,
    },
    /// `aws s3 cp|mv SRC DST [--recursive]`
    S3Transfer {
        /// Copy, or move (delete the source afterwards).
        kind: TransferKind,
        /// Source.
        src: Location,
        /// Destination.
        dst: Location,
        /// Everything under a prefix or local folder.
        recursive: bool,
    },
    /// `aws s3 rm s3://bucket/key [--recursive]`
    S3Remove {
        /// Object, or prefix with `recursive`.
        target: S3Uri,
        /// Delete every key under the prefix.
        recursive: bool,
    },
    /// Any modelled operation Puddle implements (`aws s3api put-object ...`, `aws glue ...`).
    Api(crate::ApiCall),
    /// Text to print as it is (exit 0): help, `--generate-cli-skeleton`.
    Help(String),
    /// An operation AWS has and Puddle does not emulate yet (exit 255).
    NotEmulated {
        /// CLI service name.
        service: String,
        /// CLI operation name.
        operation: String,
    },
    /// `puddle clock`: prints the lake's simulated time.
    ClockShow,
    /// `puddle clock advance --days N`: moves the lake's time forward.
    ClockAdvance {
        /// How far, in minutes.
        minutes: i64,
    },
    /// `aws s3 sync SRC DST [--delete] [--exclude P] [--include P] [--dryrun] [--size-only]`
    S3Sync {
        /// Source folder or prefix.
        src: Location,
        /// Destination folder or prefix.
        dst: Location,
        /// Flags and filters.
        options: crate::SyncOptions,
    },
}

/// `cp` or `mv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// `aws s3 cp`
    Copy,
    /// `aws s3 mv`
    Move,
}

/// A path on either side of `cp`/`mv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file or folder of the terminal's local folder (`sales.csv`, `./data/`).
    Local(String),
    /// An S3 object or prefix.
    S3(S3Uri),
}
