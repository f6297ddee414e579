//! One module per console page.

pub mod athena;
pub mod athena_cancel;
pub mod bucket_settings;
pub mod catalog;
pub mod crawler_wizard;
pub mod events;
pub mod firehose;
pub mod glue;
pub mod jobs;
pub mod kinesis;
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

/// Runs one AWS operation (`Request::Call`) and answers its output structure.
pub async fn aws(
    engine: &Engine,
    service: &str,
    operation: &str,
    input: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    let request = Request::Call { service: service.into(), operation: operation.into(), input };
    match engine.call(request).await? {
        Response::Output(v) => Ok(v),
        other => Err(ApiError::internal(format!("unexpected engine response: {other:?}"))),
    }
}

/// The confirm dialog's "Delete" for the resource named in `deleting`: runs the AWS delete
/// operation with `input(name)`; `state` is (busy, error), and `deleting` clears on success.
pub fn delete_callback(
    engine: &Engine,
    deleting: &UseStateHandle<Option<String>>,
    state: &UseStateHandle<(bool, Option<String>)>,
    (service, operation): (&'static str, &'static str),
    input: fn(&str) -> serde_json::Value,
) -> Callback<()> {
    let (engine, deleting, state) = (engine.clone(), deleting.clone(), state.clone());
    Callback::from(move |_| {
        let Some(name) = (*deleting).clone() else { return };
        let (engine, deleting, state) = (engine.clone(), deleting.clone(), state.clone());
        state.set((true, None));
        wasm_bindgen_futures::spawn_local(async move {
            match aws(&engine, service, operation, input(&name)).await {
                Ok(_) => {
                    state.set((false, None));
                    deleting.set(None);
                }
                Err(e) => state.set((false, Some(error_text(&e)))),
            }
        });
    })
}

/// `Code: message`, as pages show engine errors.
pub fn error_text(e: &ApiError) -> String {
    format!("{}: {}", e.code, e.message)
}

/// The value of the select a `change` event came from.
pub fn select_value(e: &Event) -> String {
    e.target_dyn_into::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
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

/// A counter that goes up every `interval_ms` while `active`: pages re-read the state of work in
/// progress (a crawl, a job run) on each tick. Stops (and clears its timer) when inactive.
#[hook]
pub fn use_ticker(active: bool, interval_ms: i32) -> u32 {
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with(active, move |active| {
            let mut timer = None;
            if *active {
                let counter = std::rc::Rc::new(std::cell::Cell::new(*tick));
                let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                    counter.set(counter.get().wrapping_add(1));
                    tick.set(counter.get());
                });
                timer = web_sys::window()
                    .and_then(|w| {
                        w.set_interval_with_callback_and_timeout_and_arguments_0(
                            closure.as_ref().unchecked_ref(),
                            interval_ms,
                        )
                        .ok()
                    })
                    .map(|id| (id, closure));
            }
            move || {
                if let (Some((id, _closure)), Some(w)) = (timer, web_sys::window()) {
                    w.clear_interval_with_handle(id);
                }
            }
        });
    }
    *tick
}
