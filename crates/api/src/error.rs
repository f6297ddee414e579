//! The one error type that crosses the API boundary.

use serde::{Deserialize, Serialize};

/// An error as a caller sees it: an AWS-style code plus a readable message.
///
/// `code` is the AWS error code where one exists (`NoSuchBucket`, `InvalidBucketName`,
/// `EntityNotFoundException`, `InvalidRequestException`), or `InternalError` for a failure of the
/// engine itself (including a panic, which restarts the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// AWS-style error code.
    pub code: String,
    /// Human-readable message, shown to the user as is.
    pub message: String,
}

impl ApiError {
    /// Builds an error from a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into() }
    }

    /// An engine failure that is not the caller's fault.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("InternalError", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
