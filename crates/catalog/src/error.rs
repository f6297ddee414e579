//! Catalog errors, with Glue's error codes.

/// A catalog operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database or table does not exist.
    #[error("{entity} not found: {name}")]
    EntityNotFound {
        /// `Database` or `Table`.
        entity: &'static str,
        /// Qualified name.
        name: String,
    },
    /// The database or table exists already.
    #[error("{entity} already exists: {name}")]
    AlreadyExists {
        /// `Database` or `Table`.
        entity: &'static str,
        /// Qualified name.
        name: String,
    },
    /// A name or value Glue would reject.
    #[error("{0}")]
    InvalidInput(String),
    /// A stored record could not be read back.
    #[error("catalog record {path} is corrupt: {source}")]
    Corrupt {
        /// Where the record is.
        path: String,
        /// Why it does not parse.
        source: serde_json::Error,
    },
    /// The object store failed.
    #[error("catalog storage error: {0}")]
    Store(#[from] object_store::Error),
}

impl Error {
    /// The Glue error code (`EntityNotFoundException`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::EntityNotFound { .. } => "EntityNotFoundException",
            Error::AlreadyExists { .. } => "AlreadyExistsException",
            Error::InvalidInput(_) => "InvalidInputException",
            Error::Corrupt { .. } | Error::Store(_) => "InternalServiceException",
        }
    }
}

/// Result of a catalog operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
