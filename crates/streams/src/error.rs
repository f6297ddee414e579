//! The crate's one error type, with the AWS error code of each variant.

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A Kinesis error, worded as the service words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The stream or shard does not exist.
    #[error("{message}")]
    ResourceNotFound {
        /// AWS's message.
        message: String,
    },
    /// The stream exists already, or is busy.
    #[error("{message}")]
    ResourceInUse {
        /// AWS's message.
        message: String,
    },
    /// A value the service rejects (bad hash key, base64, oversize record, ...).
    #[error("{message}")]
    InvalidArgument {
        /// AWS's message.
        message: String,
    },
    /// A member breaking the API model's constraints (length, range, enum, required).
    #[error("{message}")]
    Validation {
        /// AWS's message (`1 validation error detected: ...`).
        message: String,
    },
    /// The input is not the JSON structure the operation takes.
    #[error("{message}")]
    Serialization {
        /// What did not fit.
        message: String,
    },
    /// Shard or tag limits.
    #[error("{message}")]
    LimitExceeded {
        /// AWS's message.
        message: String,
    },
    /// The shard's read or write limit was reached.
    #[error("{message}")]
    ProvisionedThroughputExceeded {
        /// AWS's message.
        message: String,
    },
    /// The shard iterator is older than five minutes (lake time).
    #[error("{message}")]
    ExpiredIterator {
        /// AWS's message.
        message: String,
    },
    /// An operation this engine does not implement.
    #[error("Operation {operation} is not supported.")]
    UnknownOperation {
        /// The operation name.
        operation: String,
    },
    /// The store failed.
    #[error("{message}")]
    InternalFailure {
        /// What failed.
        message: String,
    },
}

impl Error {
    /// The AWS error code (`__type` of the JSON protocol's error body).
    pub fn code(&self) -> &'static str {
        match self {
            Error::ResourceNotFound { .. } => "ResourceNotFoundException",
            Error::ResourceInUse { .. } => "ResourceInUseException",
            Error::InvalidArgument { .. } => "InvalidArgumentException",
            Error::Validation { .. } => "ValidationException",
            Error::Serialization { .. } => "SerializationException",
            Error::LimitExceeded { .. } => "LimitExceededException",
            Error::ProvisionedThroughputExceeded { .. } => "ProvisionedThroughputExceededException",
            Error::ExpiredIterator { .. } => "ExpiredIteratorException",
            Error::UnknownOperation { .. } => "UnknownOperationException",
            Error::InternalFailure { .. } => "InternalFailureException",
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument { message: message.into() }
    }

    /// `1 validation error detected: Value '<value>' at '<member>' failed to satisfy constraint: <constraint>`.
    pub(crate) fn validation(value: impl std::fmt::Display, member: &str, constraint: &str) -> Self {
        let mut value = value.to_string();
        if value.chars().count() > 200 {
            value = value.chars().take(200).collect::<String>() + "...";
        }
        Error::Validation {
            message: format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
            ),
        }
    }

    /// A required member is missing.
    pub(crate) fn missing(member: &str) -> Self {
        Error::Validation {
            message: format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
        }
    }

    pub(crate) fn stream_not_found(name: &str) -> Self {
        Error::ResourceNotFound { message: format!("Stream {name} under account {} not found.", crate::ACCOUNT) }
    }

    pub(crate) fn shard_not_found(shard: &str, stream: &str) -> Self {
        Error::ResourceNotFound {
            message: format!("Shard {shard} in stream {stream} under account {} does not exist", crate::ACCOUNT),
        }
    }

    pub(crate) fn throttled(shard: &str, stream: &str) -> Self {
        Error::ProvisionedThroughputExceeded {
            message: format!("Rate exceeded for shard {shard} in stream {stream} under account {}.", crate::ACCOUNT),
        }
    }
}

impl From<object_store::Error> for Error {
    fn from(e: object_store::Error) -> Self {
        Error::InternalFailure { message: format!("storage error: {e}") }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::InternalFailure { message: format!("damaged Kinesis record: {e}") }
    }
}
