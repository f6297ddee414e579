//! The bridge to the engine worker.
//!
//! [`Engine::call`] sends a [`Request`] to the worker and resolves with its [`Response`].
//! Requests made before the worker is ready are queued. When the engine panics (the worker
//! posts `panic`) or dies (an `error` event), every pending call fails with a readable
//! `InternalError`, the worker is replaced by a fresh one that reloads the lake from
//! IndexedDB, and queued and later calls go to the new worker.

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
    rc::Rc,
};

use futures::channel::oneshot;
use js_sys::Reflect;
use puddle_api::{ApiError, Request, Response};
use serde::Serialize;
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker's loader script, emitted by Trunk next to `index.html`.
const WORKER_URL: &str = "./puddle-worker_loader.js";
/// Crashes before any successful start after which the engine gives up.
const MAX_FAILED_STARTS: u32 = 3;

/// Where the engine is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineState {
    /// Loading the wasm and the lake.
    Starting,
    /// Answering requests.
    Ready {
        /// Whether the lake is in IndexedDB (false: in memory only).
        persistent: bool,
        /// A problem worth showing, e.g. why storage is not persistent.
        warning: Option<String>,
    },
    /// Could not start at all.
    Failed(String),
}

type Pending = oneshot::Sender<Result<Response, ApiError>>;
/// The worker's message and error handlers, kept alive while it runs.
type Handlers = Vec<Closure<dyn FnMut(JsValue)>>;

struct Inner {
    worker: RefCell<Option<Worker>>,
    handlers: RefCell<Handlers>,
    /// Bumped per worker, so late events of a terminated worker are ignored.
    generation: Cell<u32>,
    next_id: Cell<u32>,
    pending: RefCell<HashMap<u32, Pending>>,
    queued: RefCell<Vec<(u32, JsValue)>>,
    state: RefCell<EngineState>,
    failed_starts: Cell<u32>,
    /// Bumped after every request that may have changed the lake, and after a restart.
    lake_version: Cell<u32>,
    /// The last crash, for the page to show.
    last_crash: RefCell<Option<String>>,
    listeners: RefCell<Vec<Rc<dyn Fn()>>>,
    ready_waiters: RefCell<Vec<oneshot::Sender<Result<(), String>>>>,
}

/// A handle to the engine worker. Cheap to clone; all clones share one worker.
#[derive(Clone)]
pub struct Engine(Rc<Inner>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Engine {
    /// Starts the worker.
    pub fn start() -> Self {
        let engine = Engine(Rc::new(Inner {
            worker: RefCell::new(None),
            handlers: RefCell::new(Vec::new()),
            generation: Cell::new(0),
            next_id: Cell::new(1),
            pending: RefCell::new(HashMap::new()),
            queued: RefCell::new(Vec::new()),
            state: RefCell::new(EngineState::Starting),
            failed_starts: Cell::new(0),
            lake_version: Cell::new(0),
            last_crash: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            ready_waiters: RefCell::new(Vec::new()),
        }));
        engine.spawn_worker();
        engine
    }

    /// Current state.
    pub fn state(&self) -> EngineState {
        self.0.state.borrow().clone()
    }

    /// Changes whenever the lake may have changed (the UI refreshes on it).
    pub fn lake_version(&self) -> u32 {
        self.0.lake_version.get()
    }

    /// The message of the last engine crash, if any.
    pub fn last_crash(&self) -> Option<String> {
        self.0.last_crash.borrow().clone()
    }

    /// Calls `f` after every state change or lake change.
    pub fn subscribe(&self, f: Rc<dyn Fn()>) {
        self.0.listeners.borrow_mut().push(f);
    }

    /// Removes a listener added with [`Engine::subscribe`].
    pub fn unsubscribe(&self, f: &Rc<dyn Fn()>) {
        self.0.listeners.borrow_mut().retain(|g| !Rc::ptr_eq(g, f));
    }

    /// Resolves once the engine is ready (immediately if it is), or fails if it cannot start.
    pub async fn ready(&self) -> Result<(), String> {
        match self.state() {
            EngineState::Ready { .. } => return Ok(()),
            EngineState::Failed(e) => return Err(e),
            EngineState::Starting => {}
        }
        let (tx, rx) = oneshot::channel();
        self.0.ready_waiters.borrow_mut().push(tx);
        rx.await.unwrap_or_else(|_| Err("the engine was dropped".into()))
    }

    /// Sends one request and waits for its response.
    pub async fn call(&self, request: Request) -> Result<Response, ApiError> {
        let mutates = request.mutates();
        let payload = to_js(&request).map_err(|e| ApiError::new("InvalidRequest", e))?;
        let id = self.0.next_id.get();
        self.0.next_id.set(id.wrapping_add(1));
        let msg = js_sys::Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &id.into());
        let _ = Reflect::set(&msg, &"request".into(), &payload);
        let (tx, rx) = oneshot::channel();
        self.0.pending.borrow_mut().insert(id, tx);
        match self.state() {
            EngineState::Ready { .. } => self.post(id, msg.into()),
            EngineState::Starting => self.0.queued.borrow_mut().push((id, msg.into())),
            EngineState::Failed(e) => {
                self.0.pending.borrow_mut().remove(&id);
                return Err(ApiError::internal(format!("The engine could not start: {e}")));
            }
        }
        let result = rx.await.unwrap_or_else(|_| Err(ApiError::internal("the engine dropped the request")));
        let result = result.and_then(Response::into_result);
        if mutates {
            self.bump_lake_version();
        }
        result
    }

    /// Cancels what the engine is doing: a worker cannot be stopped mid-request, so when
    /// requests are in flight and the lake is persistent (IndexedDB), the worker is terminated
    /// and a fresh one reloads the lake; the pending calls fail with `QueryCancelled`. With an
    /// in-memory lake a restart would lose the data, so nothing is stopped (callers just stop
    /// waiting and ignore the late answer).
    pub fn interrupt(&self) {
        let persistent = matches!(self.state(), EngineState::Ready { persistent: true, .. });
        if !persistent || self.0.pending.borrow().is_empty() {
            return;
        }
        self.0.generation.set(self.0.generation.get().wrapping_add(1));
        if let Some(w) = self.0.worker.borrow_mut().take() {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
        let pending: Vec<_> = self.0.pending.borrow_mut().drain().collect();
        self.0.queued.borrow_mut().clear();
        for (_, tx) in pending {
            let _ =
                tx.send(Err(ApiError::new("QueryCancelled", "The request was cancelled; the engine was restarted.")));
        }
        *self.0.state.borrow_mut() = EngineState::Starting;
        self.bump_lake_version();
        let engine = self.clone();
        wasm_bindgen_futures::spawn_local(async move { engine.spawn_worker() });
    }

    fn post(&self, id: u32, msg: JsValue) {
        let sent = self.0.worker.borrow().as_ref().map(|w| w.post_message(&msg));
        if let Some(Err(e)) = sent {
            let err = ApiError::internal(format!("could not send the request to the engine: {e:?}"));
            if let Some(tx) = self.0.pending.borrow_mut().remove(&id) {
                let _ = tx.send(Err(err));
            }
        }
    }

    fn spawn_worker(&self) {
        let options = web_sys::WorkerOptions::new();
        options.set_name("puddle-engine");
        let worker = match Worker::new_with_options(WORKER_URL, &options) {
            Ok(w) => w,
            Err(e) => return self.fail(format!("cannot start the engine worker: {e:?}")),
        };
        let generation = self.0.generation.get().wrapping_add(1);
        self.0.generation.set(generation);
        let on_message = {
            let engine = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                if engine.0.generation.get() == generation {
                    engine.on_message(e.unchecked_into::<MessageEvent>().data())
                }
            })
        };
        let on_error = {
            let engine = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                // Handled here: keep the worker's error from being reported as the page's own.
                if let Some(event) = e.dyn_ref::<web_sys::Event>() {
                    event.prevent_default();
                }
                if engine.0.generation.get() != generation {
                    return;
                }
                let message = e.dyn_ref::<ErrorEvent>().map(|e| e.message()).unwrap_or_default();
                let message = if message.is_empty() { "the engine worker stopped".to_string() } else { message };
                engine.crashed(message);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.0.handlers.borrow_mut() = vec![on_message, on_error];
        *self.0.worker.borrow_mut() = Some(worker);
    }

    fn on_message(&self, data: JsValue) {
        let kind = Reflect::get(&data, &"type".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        match kind.as_str() {
            "ready" => {
                let persistent = Reflect::get(&data, &"persistent".into()).ok().and_then(|v| v.as_bool());
                let warning = Reflect::get(&data, &"warning".into()).ok().and_then(|v| v.as_string());
                self.0.failed_starts.set(0);
                *self.0.state.borrow_mut() = EngineState::Ready { persistent: persistent.unwrap_or(false), warning };
                for (id, msg) in self.0.queued.take() {
                    self.post(id, msg);
                }
                for w in self.0.ready_waiters.take() {
                    let _ = w.send(Ok(()));
                }
                self.notify();
            }
            "response" => {
                let id = Reflect::get(&data, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0) as u32;
                // Query results come as a JSON string (see the worker's `answer`).
                let result = match Reflect::get(&data, &"json".into()).ok().and_then(|v| v.as_string()) {
                    Some(json) => serde_json::from_str::<Response>(&json),
                    None => {
                        let response = Reflect::get(&data, &"response".into()).unwrap_or(JsValue::NULL);
                        serde_wasm_bindgen::from_value::<Response>(response)
                            .map_err(|e| <serde_json::Error as serde::de::Error>::custom(e.to_string()))
                    }
                }
                .map_err(|e| ApiError::internal(format!("unreadable engine response: {e}")));
                if let Some(tx) = self.0.pending.borrow_mut().remove(&id) {
                    let _ = tx.send(result);
                }
            }
            // Another tab changed the lake (this worker has already reloaded its state).
            "lake-changed" => self.bump_lake_version(),
            // The lake in IndexedDB cannot be read: no retry would help, and no empty lake may
            // stand in for it.
            "open-failed" => {
                let message = Reflect::get(&data, &"message".into()).ok().and_then(|v| v.as_string());
                self.fail(message.unwrap_or_else(|| "the lake could not be opened".into()));
            }
            // Something the user should know while the engine works (e.g. records set aside).
            "notice" => {
                let notice = Reflect::get(&data, &"message".into()).ok().and_then(|v| v.as_string());
                if let (Some(notice), EngineState::Ready { warning, .. }) = (notice, &mut *self.0.state.borrow_mut()) {
                    *warning = Some(match warning.take() {
                        Some(w) => format!("{w} {notice}"),
                        None => notice,
                    });
                }
                self.notify();
            }
            "panic" => {
                let message = Reflect::get(&data, &"message".into()).ok().and_then(|v| v.as_string());
                self.crashed(message.unwrap_or_else(|| "unknown panic".into()));
            }
            _ => {}
        }
    }

    /// The worker is dead: fail what was in flight, then start a new one.
    fn crashed(&self, message: String) {
        // From now on, events of the dead worker are stale.
        self.0.generation.set(self.0.generation.get().wrapping_add(1));
        if let Some(w) = self.0.worker.borrow_mut().take() {
            // Detach first: events already queued by the dead worker must not reach handlers
            // that are about to be dropped.
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
        let was_ready = matches!(self.state(), EngineState::Ready { .. });
        let text = format!(
            "The engine crashed and was restarted ({message}). Data already saved is safe; retry the operation."
        );
        *self.0.last_crash.borrow_mut() = Some(message.clone());
        let pending: Vec<_> = self.0.pending.borrow_mut().drain().collect();
        self.0.queued.borrow_mut().clear();
        for (_, tx) in pending {
            let _ = tx.send(Err(ApiError::internal(text.clone())));
        }
        if !was_ready {
            self.0.failed_starts.set(self.0.failed_starts.get() + 1);
            if self.0.failed_starts.get() >= MAX_FAILED_STARTS {
                return self.fail(message);
            }
        }
        *self.0.state.borrow_mut() = EngineState::Starting;
        self.bump_lake_version();
        // Restart on a later turn: this may run inside one of the old worker's handlers, which
        // must not be dropped while it executes.
        let engine = self.clone();
        wasm_bindgen_futures::spawn_local(async move { engine.spawn_worker() });
    }

    fn fail(&self, message: String) {
        *self.0.state.borrow_mut() = EngineState::Failed(message.clone());
        for w in self.0.ready_waiters.take() {
            let _ = w.send(Err(message.clone()));
        }
        self.notify();
    }

    fn bump_lake_version(&self) {
        self.0.lake_version.set(self.0.lake_version.get().wrapping_add(1));
        self.notify();
    }

    fn notify(&self) {
        let listeners: Vec<_> = self.0.listeners.borrow().clone();
        for f in listeners {
            f();
        }
    }
}

/// Serializes as plain JS objects (no `Map`s), byte buffers as `Uint8Array`.
///
/// `json_compatible()` alone would turn bytes into a JS `Array` of numbers, which postMessage
/// then clones element by element and the worker reads back one `u8` at a time: measured, that
/// made a 64 MiB put ~40x slower than raw IndexedDB.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);
    value.serialize(&serializer).map_err(|e| e.to_string())
}
