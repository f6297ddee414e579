//! One request surface for the AWS operations Puddle implements: (service, operation, input
//! structure as JSON with AWS member names) to the service's typed operation, answering its
//! output structure. The CLI (`exec`), the console and `window.puddle` all come through here.

use bytes::Bytes;
use puddle_api::ApiError;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Lake;

/// What a CLI call streams besides its input structure.
#[derive(Debug, Default, Clone)]
pub struct Streams {
    /// The body of `PutObject` (the CLI reads `--body FILE` from the local folder).
    pub body: Option<Bytes>,
    /// The local file `GetObject` writes the body to.
    pub outfile: Option<String>,
}

/// An operation's typed input from its JSON structure (already checked against the model by
/// the CLI; other callers get Glue/S3-style `ValidationException`s here).
pub(crate) fn input<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::new("ValidationException", format!("Invalid input: {e}")))
}

pub(crate) fn not_dispatched(service: &str, operation: &str) -> ApiError {
    ApiError::new("UnsupportedOperation", format!("Puddle does not emulate {service} {operation} yet"))
}

impl Lake {
    /// Runs one AWS operation: `service` as the CLI names it (`s3api`, `glue`, `athena`,
    /// `events`, `kinesis`, `firehose`), `operation` as the API does (`CreateDatabase`), `input` the operation's input
    /// structure. The answer is the operation's output structure.
    pub async fn call(&self, service: &str, operation: &str, input: Value) -> Result<Value, ApiError> {
        self.call_with(service, operation, input, &Streams::default()).await
    }

    /// [`Lake::call`] with a request body or a response file.
    pub async fn call_with(
        &self,
        service: &str,
        operation: &str,
        input: Value,
        streams: &Streams,
    ) -> Result<Value, ApiError> {
        // Each service's future is boxed: inlined, their union made every caller's future (and
        // so the stack of a debug build) large.
        match service {
            "s3api" => Box::pin(crate::exec_s3api::call(self, operation, input, streams)).await,
            "glue" if crate::exec_glue_jobs::OPERATIONS.contains(&operation) => {
                Box::pin(crate::exec_glue_jobs::call(self, operation, input)).await
            }
            "glue" => Box::pin(crate::exec_glue::call(self, operation, input)).await,
            "athena" => Box::pin(crate::exec_athena::call(self, operation, input)).await,
            "events" => Box::pin(crate::exec_events::call(self, operation, input)).await,
            "kinesis" => Box::pin(self.kinesis.call(operation, input)).await.map_err(crate::streaming::kinesis_error),
            "firehose" => {
                Box::pin(self.firehose.call(operation, input)).await.map_err(crate::streaming::firehose_error)
            }
            _ => Err(not_dispatched(service, operation)),
        }
    }
}

/// A JSON object without its `null` members (optional inputs the caller did not give).
pub(crate) fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}
