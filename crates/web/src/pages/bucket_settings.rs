//! A bucket's properties: versioning, lifecycle rules, and every version of its objects.

use puddle_api::{ApiError, BucketSettings, ObjectVersionSummary, Request, Response};
use yew::prelude::*;

use super::call;
use crate::{
    app::use_engine,
    components::breadcrumbs::{Breadcrumbs, Crumb},
    engine::Engine,
    route::Route,
};

/// A lifecycle configuration to start from.
const LIFECYCLE_TEMPLATE: &str = r#"{
  "Rules": [
    {
      "ID": "archive-raw-data",
      "Status": "Enabled",
      "Filter": { "Prefix": "sales/" },
      "Transitions": [
        { "Days": 30, "StorageClass": "STANDARD_IA" },
        { "Days": 90, "StorageClass": "GLACIER" }
      ],
      "Expiration": { "Days": 365 }
    }
  ]
}"#;

/// Props of [`BucketSettingsPage`].
#[derive(Properties, PartialEq)]
pub struct BucketSettingsProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Bucket.
    pub bucket: String,
}

/// Versioning, lifecycle and versions of one bucket.
#[function_component(BucketSettingsPage)]
pub fn bucket_settings_page(props: &BucketSettingsProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let settings = use_state(|| None::<BucketSettings>);
    let versions = use_state(Vec::<ObjectVersionSummary>::new);
    let lifecycle = use_state(String::new);
    let message = use_state(|| None::<Result<String, String>>);
    {
        let (engine, settings, versions, lifecycle, bucket) =
            (props.engine.clone(), settings.clone(), versions.clone(), lifecycle.clone(), props.bucket.clone());
        use_effect_with((bucket.clone(), version), move |_| {
            call(
                &engine,
                Request::GetBucketSettings { bucket: bucket.clone() },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::BucketSettings(s)) = res {
                        lifecycle.set(s.lifecycle.clone().unwrap_or_else(|| LIFECYCLE_TEMPLATE.to_string()));
                        settings.set(Some(s));
                    }
                }),
            );
            call(
                &engine,
                Request::ListObjectVersions { bucket, prefix: String::new() },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::ObjectVersions(v)) = res {
                        versions.set(v);
                    }
                }),
            );
        });
    }
    let send = {
        let (engine, message) = (props.engine.clone(), message.clone());
        Callback::from(move |(request, done): (Request, String)| {
            let message = message.clone();
            call(
                &engine,
                request,
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => message.set(Some(Ok(done.clone()))),
                    Err(e) => message.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                }),
            );
        })
    };
    let versioning = settings.as_ref().and_then(|s| s.versioning.clone());
    let set_versioning = |status: &'static str| {
        let (send, bucket) = (send.clone(), props.bucket.clone());
        Callback::from(move |_| {
            send.emit((
                Request::PutBucketVersioning { bucket: bucket.clone(), status: status.into() },
                format!("Versioning {}", status.to_lowercase()),
            ))
        })
    };
    let save_lifecycle = {
        let (send, bucket, lifecycle) = (send.clone(), props.bucket.clone(), lifecycle.clone());
        Callback::from(move |_| {
            send.emit((
                Request::PutBucketLifecycle { bucket: bucket.clone(), configuration: Some((*lifecycle).clone()) },
                "Lifecycle configuration saved".into(),
            ))
        })
    };
    let delete_lifecycle = {
        let (send, bucket) = (send.clone(), props.bucket.clone());
        Callback::from(move |_| {
            send.emit((
                Request::PutBucketLifecycle { bucket: bucket.clone(), configuration: None },
                "Lifecycle configuration deleted".into(),
            ))
        })
    };
    let bucket = props.bucket.clone();
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon S3".into(), href: Some(Route::Buckets.href()) },
                Crumb { label: bucket.clone(), href: Some(Route::Bucket { bucket: bucket.clone(), prefix: String::new() }.href()) },
                Crumb { label: "Properties".into(), href: None },
            ]} />
            <h1>{ format!("{bucket}: properties") }</h1>
            if let Some(m) = &*message {
                { match m {
                    Ok(text) => html! { <div class="card success" role="status" id="settings-message">{ text }</div> },
                    Err(text) => html! { <div class="card error" role="alert" id="settings-message"><p class="error-message">{ text }</p></div> },
                } }
            }
            <div class="card" id="versioning-card">
                <h2>{"Bucket versioning"}</h2>
                <p>{ "Status: " }<strong id="versioning-status">{ versioning.clone().unwrap_or_else(|| "Disabled (never enabled)".into()) }</strong></p>
                <p class="muted small">{"With versioning, overwriting or deleting an object keeps the previous version; a delete adds a delete marker. Once enabled it can only be suspended."}</p>
                <div class="toolbar">
                    <button id="enable-versioning" class="primary" disabled={versioning.as_deref() == Some("Enabled")} onclick={set_versioning("Enabled")}>{"Enable"}</button>
                    <button id="suspend-versioning" disabled={versioning.as_deref() != Some("Enabled")} onclick={set_versioning("Suspended")}>{"Suspend"}</button>
                </div>
            </div>
            <div class="card" id="lifecycle-card">
                <h2>{"Lifecycle rules"}</h2>
                <p class="muted small">
                    { if settings.as_ref().is_some_and(|s| s.lifecycle.is_some()) { "The bucket's configuration, in S3's JSON shape. " } else { "No configuration yet: below is an example to start from. " } }
                    {"Rules run on the lake clock (EventBridge page): advance it to see objects move to STANDARD_IA and GLACIER, or expire."}
                </p>
                <label for="lifecycle-json" class="visually-hidden">{"Lifecycle configuration JSON"}</label>
                <textarea id="lifecycle-json" class="sql-editor" rows="16" spellcheck="false" value={(*lifecycle).clone()}
                    oninput={let l = lifecycle.clone(); Callback::from(move |e: InputEvent| l.set(super::textarea_value(&e)))} />
                <div class="toolbar">
                    <button id="save-lifecycle" class="primary" onclick={save_lifecycle}>{"Save rules"}</button>
                    <button id="delete-lifecycle" disabled={settings.as_ref().is_none_or(|s| s.lifecycle.is_none())} onclick={delete_lifecycle}>{"Delete configuration"}</button>
                </div>
            </div>
            <h2>{"Object versions"}</h2>
            if versions.is_empty() {
                <div class="empty-state"><p>{"The bucket is empty."}</p></div>
            } else {
                <table class="grid" id="version-list">
                    <thead><tr><th>{"Key"}</th><th>{"Version id"}</th><th>{"Latest"}</th><th>{"Type"}</th><th>{"Size"}</th><th>{"Last modified (lake time)"}</th></tr></thead>
                    <tbody>
                    { for versions.iter().map(|v| html! {
                        <tr>
                            <td class="mono small">{ &v.key }</td>
                            <td class="mono small">{ &v.version_id }</td>
                            <td>{ if v.is_latest { "yes" } else { "" } }</td>
                            <td>{ if v.is_delete_marker { "delete marker" } else { "object" } }</td>
                            <td class="num">{ v.size }</td>
                            <td class="small">{ v.last_modified.replace('T', " ").trim_end_matches('Z').to_string() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
