//! ETL errors, with Glue's error codes.

/// A job operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The script uses something outside the supported subset, or is malformed.
    #[error("script error at line {line}: {message}")]
    Script {
        /// 1-based line of the statement.
        line: usize,
        /// What is wrong, and what is supported.
        message: String,
    },
    /// No job of that name.
    #[error("Job {0} not found")]
    NoSuchJob(String),
    /// No run of that id.
    #[error("Job run {0} not found")]
    NoSuchRun(String),
    /// No trigger of that name.
    #[error("Trigger {0} not found")]
    NoSuchTrigger(String),
    /// The trigger exists already.
    #[error("Trigger with name {0} already submitted with different configuration or exists.")]
    TriggerExists(String),
    /// The job exists already.
    #[error("Job {0} already exists")]
    AlreadyExists(String),
    /// Bad input.
    #[error("{0}")]
    InvalidInput(String),
    /// `MaxConcurrentRuns` runs of the job are in progress.
    #[error("Concurrent runs exceeded for {job}: {active} run(s) in progress, MaxConcurrentRuns is {max}")]
    ConcurrentRuns {
        /// Job name.
        job: String,
        /// Runs in progress.
        active: usize,
        /// The job's limit.
        max: u32,
    },
    /// BatchStopJobRun stopped the run (internal: the run ends `STOPPED`).
    #[error("Job run stopped by BatchStopJobRun before it wrote any output")]
    Stopped,
    /// The run outlived the job's timeout (internal: the run ends `TIMEOUT`).
    #[error("Job run exceeded the job's timeout of {0} minute(s)")]
    TimedOut(u32),
    /// Writing the output failed.
    #[error("output error: {0}")]
    Output(String),
    /// The query of a frame failed.
    #[error(transparent)]
    Sql(#[from] puddle_sql::Error),
    /// S3 failed.
    #[error(transparent)]
    S3(#[from] puddle_store::Error),
    /// Storage failed.
    #[error("etl storage error: {0}")]
    Store(#[from] object_store::Error),
    /// A stored record is unreadable.
    #[error("etl record is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl Error {
    /// The Glue error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoSuchJob(_) | Error::NoSuchRun(_) | Error::NoSuchTrigger(_) => "EntityNotFoundException",
            Error::TriggerExists(_) => "AlreadyExistsException",
            Error::ConcurrentRuns { .. } => "ConcurrentRunsExceededException",
            Error::Stopped => "InvalidInputException",
            Error::TimedOut(_) => "OperationTimeoutException",
            Error::AlreadyExists(_) => "IdempotentParameterMismatchException",
            Error::Script { .. } | Error::InvalidInput(_) | Error::Output(_) | Error::Sql(_) => "InvalidInputException",
            Error::S3(e) => e.code(),
            Error::Store(_) | Error::Corrupt(_) => "InternalServiceException",
        }
    }
}

/// Result of an ETL operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
