//! The crate's one error type, with the AWS error codes Firehose answers.

/// A Firehose failure, worded as AWS words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The delivery stream (or another named resource) does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// The resource is in use (a name taken, a stream not in a state for the call).
    #[error("{0}")]
    ResourceInUse(String),
    /// A parameter is not valid.
    #[error("{0}")]
    InvalidArgument(String),
    /// A limit was exceeded.
    #[error("{0}")]
    LimitExceeded(String),
    /// The version id given to UpdateDestination is not the current one.
    #[error("{0}")]
    ConcurrentModification(String),
    /// The operation is not one Firehose has.
    #[error("Operation {0} is not supported by Puddle's Firehose.")]
    UnknownOperation(String),
    /// The lake's storage failed.
    #[error("{0}")]
    Service(String),
}

impl Error {
    /// The AWS error code (`__type`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::ResourceNotFound(_) => "ResourceNotFoundException",
            Error::ResourceInUse(_) => "ResourceInUseException",
            Error::InvalidArgument(_) => "InvalidArgumentException",
            Error::LimitExceeded(_) => "LimitExceededException",
            Error::ConcurrentModification(_) => "ConcurrentModificationException",
            Error::UnknownOperation(_) => "UnknownOperationException",
            Error::Service(_) => "ServiceUnavailableException",
        }
    }

    /// `Firehose <name> under account 123456789012 not found.`
    pub(crate) fn not_found(name: &str) -> Self {
        Error::ResourceNotFound(format!("Firehose {name} under account {} not found.", crate::ACCOUNT))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument(message.into())
    }
}

impl From<object_store::Error> for Error {
    fn from(e: object_store::Error) -> Self {
        Error::Service(format!("Lake storage failed: {e}"))
    }
}

impl From<puddle_store::Error> for Error {
    fn from(e: puddle_store::Error) -> Self {
        Error::Service(e.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
