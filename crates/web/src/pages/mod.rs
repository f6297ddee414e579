//! One module per console page.

pub mod athena;
pub mod bucket_settings;
pub mod catalog;
pub mod crawler_wizard;
pub mod events;
pub mod glue;
pub mod jobs;
pub mod s3;
pub mod s3_tools;
pub mod terminal;
pub mod visual_job;

use puddle_api::{ApiError, Request, Response, TableSummary};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::Engine;

/// Sends `request` and hands the result to `done` (on the next turn of the event loop).
pub fn call(engine: &Engine, request: Request, done: Callback<Result<Response, ApiError>>) {
    let engine = engine.clone();
    wasm_bindgen_futures::spawn_local(async move { done.emit(engine.call(request).await) });
}

/// The text of the input an `input` event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// The text of the textarea an `input` event came from.
pub fn textarea_value(e: &InputEvent) -> String {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// Every catalog table, re-read whenever `version` (the lake version) changes.
#[hook]
pub fn use_catalog_tables(engine: &Engine, version: u32) -> Vec<TableSummary> {
    let tables = use_state(Vec::<TableSummary>::new);
    {
        let (engine, tables) = (engine.clone(), tables.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListTables { database: None },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Tables(t)) = res {
                        tables.set(t);
                    }
                }),
            );
        });
    }
    (*tables).clone()
}
