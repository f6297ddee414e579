//! The Puddle console, running on the page's main thread.
//!
//! - [`engine`]: the bridge to the engine worker (requests, crash detection and restart);
//! - [`js_api`]: `window.puddle`, the public JavaScript API;
//! - [`app`], [`pages`], [`components`]: the Yew console (S3, Glue, Athena, Kinesis, Firehose,
//!   terminal).
//!
//! Everything heavy (DataFusion, IndexedDB) runs in the worker; this crate stays small so the
//! page is interactive while the engine loads.

#[cfg(target_arch = "wasm32")]
mod app;
/// The Athena workbench's Cancel logic (tokens, when to restart the worker): tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "pages/athena_cancel.rs"]
#[allow(dead_code)]
mod athena_cancel;
#[cfg(target_arch = "wasm32")]
mod components;
/// The crawler wizard's draft (validation, schedules in words, the request): tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "pages/crawler_wizard/draft.rs"]
#[allow(dead_code)]
mod crawler_draft;
#[cfg(target_arch = "wasm32")]
mod engine;
/// The Firehose create form's draft and description reading: tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "pages/firehose/draft.rs"]
#[allow(dead_code)]
mod firehose_draft;
#[cfg(target_arch = "wasm32")]
mod js_api;
/// The Kinesis page's hash-key ring (MD5 placement, arcs, reshard choices): tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "pages/kinesis/ring.rs"]
#[allow(dead_code)]
mod kinesis_ring;
/// The Kinesis page's record decoding, inputs and formatting: tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "pages/kinesis/view.rs"]
#[allow(dead_code)]
mod kinesis_view;
#[cfg(target_arch = "wasm32")]
mod pages;
/// The producer's pacing, batching and counting: tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "components/producer/batch.rs"]
#[allow(dead_code)]
mod producer_batch;
/// The producer's record templates (parser with limits, renderer): tested natively too.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "components/producer/template.rs"]
#[allow(dead_code)]
mod producer_template;
#[cfg(target_arch = "wasm32")]
mod route;
/// The SQL editor's text logic is pure Rust: compiled natively too, so `cargo test -p puddle-web`
/// runs its unit tests on the host.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "components/sql_text.rs"]
#[allow(dead_code)]
mod sql_text;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        let engine = engine::Engine::start();
        js_api::install(&engine);
        yew::Renderer::<app::App>::with_props(app::AppProps { engine }).render();
    }
}
