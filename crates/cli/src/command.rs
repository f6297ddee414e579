//! The commands Puddle's `aws` understands.

use std::collections::BTreeMap;

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
    /// `aws s3api ...`
    S3Api(S3Api),
    /// `aws glue ...`
    Glue(crate::Glue),
    /// `aws athena ...`
    Athena(crate::Athena),
    /// `aws events ...`
    Events(crate::Events),
    /// `aws glue` job, bookmark and trigger operations.
    GlueJobs(crate::GlueJobs),
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

/// The low-level S3 API commands (`aws s3api ...`), with their parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Api {
    /// `create-bucket --bucket B`
    CreateBucket {
        /// Bucket.
        bucket: String,
    },
    /// `delete-bucket --bucket B`
    DeleteBucket {
        /// Bucket.
        bucket: String,
    },
    /// `head-bucket --bucket B`
    HeadBucket {
        /// Bucket.
        bucket: String,
    },
    /// `list-buckets`
    ListBuckets,
    /// `put-object --bucket B --key K [--body FILE] [--content-type T] [--metadata k=v,...]`
    PutObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// Local file with the body (an empty object when absent).
        body: Option<String>,
        /// `Content-Type`.
        content_type: Option<String>,
        /// User metadata.
        metadata: BTreeMap<String, String>,
        /// `--storage-class`.
        storage_class: Option<String>,
    },
    /// `get-object --bucket B --key K [--range bytes=A-B] OUTFILE`
    GetObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// `bytes=first-last` (inclusive), as HTTP writes it.
        range: Option<(u64, Option<u64>)>,
        /// Local file to write.
        outfile: String,
        /// `--version-id`.
        version_id: Option<String>,
    },
    /// `head-object --bucket B --key K [--version-id V]`
    HeadObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// `--version-id`.
        version_id: Option<String>,
    },
    /// `delete-object --bucket B --key K [--version-id V]`
    DeleteObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// `--version-id`: removes that version for good.
        version_id: Option<String>,
    },
    /// `copy-object --bucket B --key K --copy-source SRCBUCKET/SRCKEY`
    CopyObject {
        /// Destination bucket.
        bucket: String,
        /// Destination key.
        key: String,
        /// Source bucket.
        src_bucket: String,
        /// Source key.
        src_key: String,
    },
    /// `list-objects-v2 --bucket B [--prefix P] [--delimiter D] [--max-keys N] [--continuation-token T] [--start-after K]`
    ListObjectsV2 {
        /// Bucket.
        bucket: String,
        /// Prefix.
        prefix: String,
        /// Delimiter.
        delimiter: Option<String>,
        /// Page size (one page is returned when given).
        max_keys: Option<usize>,
        /// Token of the page to return.
        continuation_token: Option<String>,
        /// Start after this key.
        start_after: Option<String>,
    },
    /// `put-bucket-versioning --bucket B --versioning-configuration Status=Enabled|Suspended`
    PutBucketVersioning {
        /// Bucket.
        bucket: String,
        /// `Enabled` or `Suspended`.
        status: String,
    },
    /// `get-bucket-versioning --bucket B`
    GetBucketVersioning {
        /// Bucket.
        bucket: String,
    },
    /// `list-object-versions --bucket B [--prefix P]`
    ListObjectVersions {
        /// Bucket.
        bucket: String,
        /// Prefix.
        prefix: String,
    },
    /// `put-bucket-lifecycle-configuration --bucket B --lifecycle-configuration JSON`
    PutBucketLifecycleConfiguration {
        /// Bucket.
        bucket: String,
        /// The configuration as JSON text (`{"Rules": [...]}`).
        configuration: String,
    },
    /// `get-bucket-lifecycle-configuration --bucket B`
    GetBucketLifecycleConfiguration {
        /// Bucket.
        bucket: String,
    },
    /// `delete-bucket-lifecycle --bucket B`
    DeleteBucketLifecycle {
        /// Bucket.
        bucket: String,
    },
    /// `restore-object --bucket B --key K --restore-request Days=N[,GlacierJobParameters={Tier=T}]`
    RestoreObject {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// Days the restored copy stays readable.
        days: u32,
        /// `Expedited`, `Standard` or `Bulk`.
        tier: String,
    },
}
