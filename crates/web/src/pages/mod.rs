//! One module per console page.

pub mod athena;
pub mod glue;
pub mod s3;
pub mod terminal;

use puddle_api::{ApiError, Request, Response};
use yew::Callback;

use crate::engine::Engine;

/// Sends `request` and hands the result to `done` (on the next turn of the event loop).
pub fn call(engine: &Engine, request: Request, done: Callback<Result<Response, ApiError>>) {
    let engine = engine.clone();
    wasm_bindgen_futures::spawn_local(async move { done.emit(engine.call(request).await) });
}
