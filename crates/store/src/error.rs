//! S3 errors, each with its AWS error code.

/// An S3 operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bucket name breaks S3's naming rules.
    #[error("The specified bucket is not valid: '{bucket}' {reason}")]
    InvalidBucketName {
        /// The rejected name.
        bucket: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The bucket already exists (and, in a one-account lake, is owned by you).
    #[error("Your previous request to create the named bucket succeeded and you already own it: {bucket}")]
    BucketAlreadyOwnedByYou {
        /// Bucket name.
        bucket: String,
    },
    /// The bucket does not exist.
    #[error("The specified bucket does not exist: {bucket}")]
    NoSuchBucket {
        /// Bucket name.
        bucket: String,
    },
    /// DeleteBucket on a bucket that still holds objects.
    #[error("The bucket you tried to delete is not empty: {bucket}")]
    BucketNotEmpty {
        /// Bucket name.
        bucket: String,
    },
    /// The key does not exist.
    #[error("The specified key does not exist: s3://{bucket}/{key}")]
    NoSuchKey {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
    /// A byte range outside the object.
    #[error("The requested range is not satisfiable: {message}")]
    InvalidRange {
        /// Why.
        message: String,
    },
    /// A key or argument the store cannot accept.
    #[error("{message}")]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },
    /// A version id that does not exist for the key.
    #[error("The specified version does not exist: {key} version {version_id}")]
    NoSuchVersion {
        /// Object key.
        key: String,
        /// Requested version.
        version_id: String,
    },
    /// GET on a delete marker by version id.
    #[error(
        "The specified method is not allowed against this resource: {key} version {version_id} is a delete marker"
    )]
    MethodNotAllowed {
        /// Object key.
        key: String,
        /// The delete marker's version id.
        version_id: String,
    },
    /// The object's storage class does not allow the operation (GLACIER objects before a restore).
    #[error("{message}")]
    InvalidObjectState {
        /// What is wrong.
        message: String,
    },
    /// RestoreObject while a restore is still running.
    #[error("Object restore is already in progress: {key}")]
    RestoreAlreadyInProgress {
        /// Object key.
        key: String,
    },
    /// GetBucketLifecycleConfiguration on a bucket without one.
    #[error("The lifecycle configuration does not exist: {bucket}")]
    NoSuchLifecycleConfiguration {
        /// Bucket name.
        bucket: String,
    },
    /// A configuration document S3 would reject.
    #[error("The XML you provided was not well-formed or did not validate against our published schema: {message}")]
    MalformedXml {
        /// What is wrong.
        message: String,
    },
    /// The browser refused to store more data.
    #[error("Browser storage is full: {message}. Free space by deleting objects or buckets, then retry.")]
    QuotaExceeded {
        /// The storage layer's message.
        message: String,
    },
    /// The storage backend failed.
    #[error("storage error: {0}")]
    Store(object_store::Error),
}

impl Error {
    /// The AWS error code (`NoSuchBucket`, `InvalidBucketName`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidBucketName { .. } => "InvalidBucketName",
            Error::BucketAlreadyOwnedByYou { .. } => "BucketAlreadyOwnedByYou",
            Error::NoSuchBucket { .. } => "NoSuchBucket",
            Error::BucketNotEmpty { .. } => "BucketNotEmpty",
            Error::NoSuchKey { .. } => "NoSuchKey",
            Error::InvalidRange { .. } => "InvalidRange",
            Error::InvalidArgument { .. } => "InvalidArgument",
            Error::QuotaExceeded { .. } => "QuotaExceeded",
            Error::NoSuchVersion { .. } => "NoSuchVersion",
            Error::MethodNotAllowed { .. } => "MethodNotAllowed",
            Error::InvalidObjectState { .. } => "InvalidObjectState",
            Error::RestoreAlreadyInProgress { .. } => "RestoreAlreadyInProgress",
            Error::NoSuchLifecycleConfiguration { .. } => "NoSuchLifecycleConfiguration",
            Error::MalformedXml { .. } => "MalformedXML",
            Error::Store(_) => "InternalError",
        }
    }
}

impl From<object_store::Error> for Error {
    fn from(e: object_store::Error) -> Self {
        if let object_store::Error::Generic { store: crate::ARCHIVED_STORE, source } = &e {
            return Error::InvalidObjectState { message: source.to_string() };
        }
        let text = e.to_string();
        if text.contains("QuotaExceeded") {
            Error::QuotaExceeded { message: text }
        } else {
            Error::Store(e)
        }
    }
}

/// Result of an S3 operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
