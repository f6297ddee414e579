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
}
