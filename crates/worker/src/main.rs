//! The lake engine's Web Worker.
//!
//! Started by the page (`puddle-web`'s engine bridge) as `puddle-worker_loader.js`. It opens the
//! lake from IndexedDB (falling back to memory only when IndexedDB itself is unavailable) and then answers
//! each message `{id, request}` with `{type: "response", id, response}`. Messages to the page:
//!
//! ```text
//! {type: "ready", persistent: bool, warning?: string}   the lake is loaded; requests may follow
//! {type: "open-failed", message}                         the lake in IndexedDB cannot be read
//! {type: "notice", message}                              e.g. damaged records were set aside
//! {type: "lake-changed"}                                 another tab, or this worker's 1 s timer
//!                                                        (Firehose deliveries, schedules), changed the lake
//! {type: "response", id, response}                       one answer per request, in any order
//! {type: "panic", message}                               the engine panicked and is now dead
//! ```
//!
//! A panic aborts the WebAssembly instance, so after `panic` the page terminates this worker
//! and starts a fresh one, which reloads the lake from IndexedDB: committed data is never lost.

#[cfg(target_arch = "wasm32")]
mod wake_later;
#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
