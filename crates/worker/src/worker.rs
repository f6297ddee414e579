//! Message loop of the engine worker (wasm32 only).

use std::{cell::Cell, rc::Rc, sync::Arc};

use js_sys::{Object, Reflect};
use puddle_api::{ApiError, Request, Response};
use puddle_lake::Lake;
use serde::Serialize;
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// IndexedDB database holding the lake.
const DB_NAME: &str = "puddle-lake";
/// Channel on which the workers of every tab on this lake announce their writes.
const CHANNEL: &str = "puddle-lake";

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(value: &JsValue) {
    if let Err(e) = scope().post_message(value) {
        web_sys::console::error_2(&"puddle-worker: postMessage failed".into(), &e);
    }
}

fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    let _ = Reflect::set(&obj, &"type".into(), &kind.into());
    for (k, v) in fields {
        let _ = Reflect::set(&obj, &(*k).into(), v);
    }
    obj.into()
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Bytes as `Uint8Array`, not an `Array` of numbers (see puddle-web's `to_js`).
    let serializer = serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);
    value.serialize(&serializer).unwrap_or_else(|e| {
        let fallback = Response::Error(ApiError::internal(format!("could not encode the response: {e}")));
        fallback.serialize(&serializer).unwrap_or(JsValue::NULL)
    })
}

/// Installs the panic hook, opens the lake and starts answering messages.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&message("panic", &[("message", info.to_string().into())]));
    }));
    // Long work (crawls, job runs, queries) pauses in macrotasks, so requests get in meanwhile.
    puddle_events::set_yield_scheduler(crate::wake_later::wake_later);
    wasm_bindgen_futures::spawn_local(async {
        let (lake, persistent, warning) = match open_lake().await {
            Ok(opened) => opened,
            Err(why) => {
                // Never fall back to an empty lake that looks like the student's: say so and stop.
                post(&message("open-failed", &[("message", why.into())]));
                return;
            }
        };
        let lake = Rc::new(lake);
        // Only a lake in IndexedDB is shared with other tabs.
        let channel = if persistent { listen_to_other_tabs(&lake) } else { None };
        let channel = Rc::new(channel);
        start_timer(&lake, &channel);
        let on_message = {
            let lake = Rc::clone(&lake);
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                let (lake, channel) = (Rc::clone(&lake), Rc::clone(&channel));
                wasm_bindgen_futures::spawn_local(
                    async move { answer(&lake, (*channel).as_ref(), event.data()).await },
                );
            })
        };
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget(); // lives as long as the worker
        let mut fields = vec![("persistent", JsValue::from_bool(persistent))];
        if let Some(w) = warning {
            fields.push(("warning", w.into()));
        }
        post(&message("ready", &fields));
        report_damaged_records(&lake).await;
    });
}

/// Reads every lake record back (after `ready`, so opening stays fast) and tells the page which
/// ones were set aside, if any.
async fn report_damaged_records(lake: &Lake) {
    let text = match lake.check_records().await {
        Ok(records) if records.is_empty() => return,
        Ok(records) => {
            let list: Vec<String> = records.iter().map(|r| format!("{} ({})", r.path, r.error)).collect();
            format!(
                "{} damaged lake record(s) could not be read and were set aside so the rest of the lake opens: {}. \
                 They are kept under _meta/quarantine/ and included when you export the lake (S3 → Export lake).",
                records.len(),
                list.join("; ")
            )
        }
        Err(e) => format!("Checking the lake's records failed: {e}. The lake is open; some pages may show errors."),
    };
    post(&message("notice", &[("message", text.into())]));
}

/// The lake in IndexedDB; an in-memory lake (with a warning) only when IndexedDB itself is
/// unavailable. A lake that is in IndexedDB but cannot be read is an error, never replaced.
async fn open_lake() -> Result<(Lake, bool, Option<String>), String> {
    match puddle_store_idb::open(DB_NAME).await {
        Ok(store) => match Lake::open(Arc::new(store)).await {
            Ok(lake) => Ok((lake, true, None)),
            Err(e) => Err(format!("the lake saved in this browser could not be read ({e}); nothing was changed")),
        },
        Err(idb_error) => {
            let memory = Arc::new(object_store::memory::InMemory::new());
            let warning = format!(
                "Browser storage (IndexedDB) is unavailable ({idb_error}); this lake lives in memory and is lost on reload."
            );
            Lake::open(memory).await.map(|lake| (lake, false, Some(warning))).map_err(|e| e.to_string())
        }
    }
}

/// How often the lake catches up without a request: Firehose buffers fill from Kinesis and are
/// delivered when due, schedules fire.
const TICK_MS: i32 = 1000;

/// Calls [`Lake::tick`] every [`TICK_MS`] (one at a time); when something happened, tells the
/// other tabs and this tab's page, as after a request that changed the lake.
fn start_timer(lake: &Rc<Lake>, channel: &Rc<Option<web_sys::BroadcastChannel>>) {
    let busy = Rc::new(Cell::new(false));
    let (lake, channel) = (Rc::clone(lake), Rc::clone(channel));
    let on_tick = Closure::<dyn Fn()>::new(move || {
        if busy.replace(true) {
            return; // the previous tick is still delivering
        }
        let (lake, channel, busy) = (Rc::clone(&lake), Rc::clone(&channel), Rc::clone(&busy));
        wasm_bindgen_futures::spawn_local(async move {
            if lake.tick().await {
                announce_change((*channel).as_ref());
                post(&message("lake-changed", &[]));
            }
            busy.set(false);
        });
    });
    if let Err(e) =
        scope().set_interval_with_callback_and_timeout_and_arguments_0(on_tick.as_ref().unchecked_ref(), TICK_MS)
    {
        web_sys::console::error_2(&"puddle-worker: no timer, Firehose delivers only after requests".into(), &e);
    }
    on_tick.forget(); // lives as long as the worker
}

fn announce_change(channel: Option<&web_sys::BroadcastChannel>) {
    if let Some(channel) = channel {
        if let Err(e) = channel.post_message(&message("lake-changed", &[])) {
            web_sys::console::warn_2(&"puddle-worker: could not tell other tabs".into(), &e);
        }
    }
}

async fn answer(lake: &Lake, channel: Option<&web_sys::BroadcastChannel>, data: JsValue) {
    let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
    let request = Reflect::get(&data, &"request".into()).unwrap_or(JsValue::NULL);
    let (response, changed) = match serde_wasm_bindgen::from_value::<Request>(request) {
        Ok(req) => {
            let changed = req.mutates();
            (lake.handle(req).await, changed)
        }
        Err(e) => (Response::Error(ApiError::new("InvalidRequest", format!("malformed request: {e}"))), false),
    };
    // The write is committed: tell the other tabs before answering this one.
    if changed {
        announce_change(channel);
    }
    // Query results go as one JSON string: building their many small objects value by value
    // across the wasm boundary (here, and again in the page) costs seconds for 100k rows, while
    // serde_json in wasm and the structured clone of one string are fast.
    let json = match &response {
        Response::Query(_) | Response::QueryExecution { .. } => serde_json::to_string(&response).ok(),
        _ => None,
    };
    match json {
        Some(json) => post(&message("response", &[("id", id), ("json", json.into())])),
        None => post(&message("response", &[("id", id), ("response", to_js(&response))])),
    }
}

/// Joins the tabs' channel: when another tab's worker changed the lake, reload what this worker
/// keeps in memory (catalog, rules, clock), then tell this tab's page to refresh its views.
fn listen_to_other_tabs(lake: &Rc<Lake>) -> Option<web_sys::BroadcastChannel> {
    let channel = match web_sys::BroadcastChannel::new(CHANNEL) {
        Ok(c) => c,
        Err(e) => {
            web_sys::console::warn_2(&"puddle-worker: no BroadcastChannel, tabs will not sync".into(), &e);
            return None;
        }
    };
    let lake = Rc::clone(lake);
    let on_change = Closure::<dyn Fn(MessageEvent)>::new(move |_: MessageEvent| {
        let lake = Rc::clone(&lake);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = lake.reload_shared_state().await {
                web_sys::console::warn_1(&format!("puddle-worker: reloading the lake's state failed: {e}").into());
            }
            post(&message("lake-changed", &[]));
        });
    });
    channel.set_onmessage(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget(); // lives as long as the worker
    Some(channel)
}
