//! Crawler errors, with Glue's error codes.

/// A crawler operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No crawler of that name.
    #[error("Crawler entry with name {0} does not exist")]
    NoSuchCrawler(String),
    /// A crawler of that name exists.
    #[error("Crawler with name {0} has already been created")]
    AlreadyExists(String),
    /// The crawler is running already.
    #[error("Crawler with name {0} has already started")]
    Running(String),
    /// A target is not an `s3://bucket/prefix` path.
    #[error("Invalid S3 target '{0}': expected s3://bucket/prefix")]
    InvalidTarget(String),
    /// A definition Glue would reject.
    #[error("{0}")]
    InvalidInput(String),
    /// The catalog refused a change.
    #[error(transparent)]
    Catalog(#[from] puddle_catalog::Error),
    /// The object store failed.
    #[error("crawler storage error: {0}")]
    Store(#[from] object_store::Error),
    /// A stored crawler record is unreadable.
    #[error("crawler record is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
    /// No classifier of that name.
    #[error("Classifier with name {0} does not exist")]
    NoSuchClassifier(String),
    /// A classifier of that name exists.
    #[error("Classifier with name {0} already exists")]
    ClassifierExists(String),
    /// StopCrawler on a crawler that is not running.
    #[error("Crawler with name {0} is not running")]
    NotRunning(String),
    /// StartCrawlerSchedule on a crawler without a schedule.
    #[error("Crawler with name {0} has no schedule")]
    NoSchedule(String),
    /// StartCrawlerSchedule on a scheduled crawler.
    #[error("Schedule of crawler {0} is already running")]
    SchedulerRunning(String),
    /// StopCrawlerSchedule on a crawler whose schedule is not running.
    #[error("Schedule of crawler {0} is not running")]
    SchedulerNotRunning(String),
}

impl Error {
    /// The Glue error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoSuchCrawler(_) => "EntityNotFoundException",
            Error::AlreadyExists(_) => "AlreadyExistsException",
            Error::Running(_) => "CrawlerRunningException",
            Error::InvalidTarget(_) | Error::InvalidInput(_) => "InvalidInputException",
            Error::Catalog(e) => e.code(),
            Error::Store(_) | Error::Corrupt(_) => "InternalServiceException",
            Error::NoSuchClassifier(_) => "EntityNotFoundException",
            Error::ClassifierExists(_) => "AlreadyExistsException",
            Error::NotRunning(_) => "CrawlerNotRunningException",
            Error::NoSchedule(_) => "NoScheduleException",
            Error::SchedulerRunning(_) => "SchedulerRunningException",
            Error::SchedulerNotRunning(_) => "SchedulerNotRunningException",
        }
    }
}

/// Result of a crawler operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
