//! Athena errors.

/// An Athena operation failed (a failed query is not an error: its execution is `FAILED`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No execution with that id.
    #[error("QueryExecution {0} was not found")]
    NotFound(String),
    /// The execution failed, so it has no results.
    #[error("Query has not yet finished or has failed. Current state: {0}")]
    NoResults(String),
    /// Bad input.
    #[error("{0}")]
    InvalidRequest(String),
    /// The output location could not be written.
    #[error(transparent)]
    S3(#[from] puddle_store::Error),
    /// Storage failed.
    #[error("athena storage error: {0}")]
    Store(#[from] object_store::Error),
    /// A stored execution is unreadable.
    #[error("athena record is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl Error {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) | Error::NoResults(_) | Error::InvalidRequest(_) => "InvalidRequestException",
            Error::S3(e) => e.code(),
            Error::Store(_) | Error::Corrupt(_) => "InternalServerException",
        }
    }
}

/// Result of an Athena operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
