//! SQL errors, with Athena's error codes.

/// A statement failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Parsing, planning or execution failed (syntax error, unknown table or column, bad data).
    #[error("{0}")]
    Query(String),
    /// A statement Puddle does not run (yet).
    #[error("{0}")]
    NotSupported(String),
    /// The query read more than its workgroup's per-query data usage limit, and was cancelled.
    #[error("Query cancelled! : Bytes scanned limit was exceeded")]
    BytesScannedLimitExceeded {
        /// What the query had read when it was stopped.
        bytes_scanned: u64,
    },
    /// The caller cancelled the query while it ran (`RunOptions::cancel`).
    #[error("Query cancelled by its caller")]
    Cancelled,
    /// The query read an archived (GLACIER, DEEP_ARCHIVE) object that is not restored. Printed
    /// as the AWS SDK's S3 exception reads in Athena and Glue job errors.
    #[error("{0} (Service: Amazon S3; Status Code: 403; Error Code: InvalidObjectState)")]
    InvalidObjectState(String),
    /// Writing the output failed in the S3 layer (its AWS code is kept).
    #[error("{0}")]
    Write(#[from] puddle_store::Error),
    /// The catalog rejected the change.
    #[error(transparent)]
    Catalog(#[from] puddle_catalog::Error),
}

impl Error {
    /// The Athena error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Query(_) | Error::NotSupported(_) | Error::BytesScannedLimitExceeded { .. } | Error::Cancelled => {
                "InvalidRequestException"
            }
            Error::InvalidObjectState(_) => "InvalidObjectState",
            Error::Write(e) => e.code(),
            Error::Catalog(e) => e.code(),
        }
    }
}

impl From<datafusion::error::DataFusionError> for Error {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        if let Some(message) = puddle_store::archived_message(&e) {
            return Error::InvalidObjectState(message);
        }
        let text = clean_message(&e);
        // Errors that crossed a boundary as text (a stream's `ArrowError`, ...) keep the marker.
        let marker = format!("Generic {} error: ", puddle_store::ARCHIVED_STORE);
        match text.split_once(&marker) {
            Some((_, message)) => Error::InvalidObjectState(message.to_string()),
            None => Error::Query(text),
        }
    }
}

/// DataFusion's message without its nested "External error: " / context noise.
fn clean_message(e: &datafusion::error::DataFusionError) -> String {
    let text = e.find_root().to_string();
    text.strip_prefix("External error: ").unwrap_or(&text).to_string()
}

/// Result of a SQL operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<datafusion::arrow::error::ArrowError> for Error {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        if let Some(message) = puddle_store::archived_message(&e) {
            return Error::InvalidObjectState(message);
        }
        Error::Query(e.to_string())
    }
}
