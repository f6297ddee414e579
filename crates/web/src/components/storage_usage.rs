//! Browser storage used by the lake, and a request to keep it (persistent storage).

use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::components::human_bytes;

#[derive(Clone, PartialEq)]
struct Usage {
    used: u64,
    quota: u64,
    persistent: bool,
}

async fn read_usage() -> Option<Usage> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?).await.ok()?.into();
    let persistent = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool().unwrap_or(false);
    Some(Usage {
        used: estimate.get_usage().unwrap_or(0.0) as u64,
        quota: estimate.get_quota().unwrap_or(0.0) as u64,
        persistent,
    })
}

/// Props of [`StorageUsage`].
#[derive(Properties, PartialEq)]
pub struct StorageUsageProps {
    /// Changes whenever the lake may have changed (re-reads the estimate).
    pub version: u32,
}

/// "Browser storage: 12.3 MB used of 10.0 GB · kept until you clear it".
#[function_component(StorageUsage)]
pub fn storage_usage(props: &StorageUsageProps) -> Html {
    let usage = use_state(|| None::<Usage>);
    {
        let usage = usage.clone();
        use_effect_with(props.version, move |_| {
            wasm_bindgen_futures::spawn_local(async move { usage.set(read_usage().await) });
        });
    }
    let on_persist = {
        let usage = usage.clone();
        Callback::from(move |_| {
            let usage = usage.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(promise) = web_sys::window().and_then(|w| w.navigator().storage().persist().ok()) {
                    let _ = JsFuture::from(promise).await;
                }
                usage.set(read_usage().await);
            });
        })
    };
    let Some(u) = &*usage else { return html! {} };
    let share = if u.quota > 0 { u.used as f64 / u.quota as f64 } else { 0.0 };
    html! {
        <div class="card storage-usage" id="storage-usage">
            <span>{ format!("Browser storage: {} used of {} available", human_bytes(u.used), human_bytes(u.quota)) }</span>
            <progress max="1" value={share.to_string()} aria-label="Storage used" />
            if u.persistent {
                <span class="muted small">{"Persistent: the browser will not evict this lake under storage pressure."}</span>
            } else {
                <span class="muted small">{"Best-effort: the browser may evict data when disk space runs low."}</span>
                <button class="link" id="persist-storage" onclick={on_persist}>{"Keep my data (request persistent storage)"}</button>
            }
        </div>
    }
}
