//! Errors of schedule expressions and event patterns.

/// What can go wrong parsing a schedule or a pattern.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A `cron(...)`/`rate(...)` expression Puddle cannot read.
    #[error("Invalid schedule expression '{expression}': {reason}")]
    InvalidSchedule {
        /// The expression.
        expression: String,
        /// Why.
        reason: String,
    },
    /// An event pattern that is not EventBridge's JSON shape.
    #[error("Event pattern is not valid: {0}")]
    InvalidPattern(String),
}

impl Error {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidSchedule { .. } => "InvalidInputException",
            Error::InvalidPattern(_) => "InvalidEventPatternException",
        }
    }
}

/// Result with this crate's error.
pub type Result<T> = std::result::Result<T, Error>;
