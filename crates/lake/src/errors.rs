//! Engine errors -> the API's [`ApiError`].

use puddle_api::ApiError;

/// Conversion of a crate error into the error callers see.
pub(crate) trait IntoApiError {
    fn into_api(self) -> ApiError;
}

impl IntoApiError for puddle_store::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl IntoApiError for puddle_catalog::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl IntoApiError for puddle_sql::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl IntoApiError for puddle_crawler::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl IntoApiError for puddle_athena::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl IntoApiError for puddle_etl::Error {
    fn into_api(self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

/// `result.map_err(IntoApiError::into_api)`, shorter.
pub(crate) fn api<T, E: IntoApiError>(result: Result<T, E>) -> Result<T, ApiError> {
    result.map_err(IntoApiError::into_api)
}
