//! The Puddle console, running on the page's main thread.
//!
//! - [`engine`]: the bridge to the engine worker (requests, crash detection and restart);
//! - [`js_api`]: `window.puddle`, the public JavaScript API;
//! - [`app`], [`pages`], [`components`]: the Yew console (S3, Athena, terminal).
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
#[cfg(target_arch = "wasm32")]
mod js_api;
#[cfg(target_arch = "wasm32")]
mod pages;
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
