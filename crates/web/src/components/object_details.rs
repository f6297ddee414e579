//! An object's details in the S3 console: size, ETag, type, storage class, restore state, user
//! metadata and every version, with a restore button for archived objects.

use puddle_api::{ApiError, ObjectDetails, ObjectVersionSummary, Request, Response};
use yew::prelude::*;

use crate::{app::use_engine, engine::Engine, pages::call};

/// Props of [`ObjectDetailsPanel`].
#[derive(Properties, PartialEq)]
pub struct ObjectDetailsProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Bucket.
    pub bucket: String,
    /// Key (`key` is Yew's own attribute).
    pub object_key: String,
}

/// The details card.
#[function_component(ObjectDetailsPanel)]
pub fn object_details_panel(props: &ObjectDetailsProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let head = use_state(|| None::<Result<ObjectDetails, String>>);
    let versions = use_state(Vec::<ObjectVersionSummary>::new);
    let message = use_state(|| None::<Result<String, String>>);
    {
        let (engine, head, versions) = (props.engine.clone(), head.clone(), versions.clone());
        let (bucket, key) = (props.bucket.clone(), props.object_key.clone());
        use_effect_with((bucket.clone(), key.clone(), version), move |_| {
            call(
                &engine,
                Request::HeadObject { bucket: bucket.clone(), key: key.clone() },
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(Response::ObjectDetails(d)) => head.set(Some(Ok(d))),
                    Ok(_) => {}
                    Err(e) => head.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                }),
            );
            let exact = key.clone();
            call(
                &engine,
                Request::ListObjectVersions { bucket, prefix: key },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::ObjectVersions(v)) = res {
                        versions.set(v.into_iter().filter(|v| v.key == exact).collect());
                    }
                }),
            );
        });
    }
    let restore = {
        let (engine, message, bucket, key) =
            (props.engine.clone(), message.clone(), props.bucket.clone(), props.object_key.clone());
        Callback::from(move |tier: &'static str| {
            let message = message.clone();
            call(
                &engine,
                Request::RestoreObject { bucket: bucket.clone(), key: key.clone(), days: 7, tier: tier.into() },
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => message.set(Some(Ok(format!(
                        "{tier} restore requested: the copy is readable for 7 days once it completes (lake clock)"
                    )))),
                    Err(e) => message.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                }),
            );
        })
    };
    html! {
        <div class="card" id="object-details">
            <h2>{ format!("Object details: {}", props.object_key) }</h2>
            { match &*head {
                None => html! { <p class="muted">{"Loading…"}</p> },
                Some(Err(e)) => html! { <p class="error-text" role="alert">{ e }</p> },
                Some(Ok(d)) => {
                    let archived = matches!(d.storage_class.as_str(), "GLACIER" | "DEEP_ARCHIVE");
                    let restore_buttons = |tiers: &[&'static str]| -> Html {
                        html! { <>{ for tiers.iter().map(|t| {
                            let (restore, t) = (restore.clone(), *t);
                            html! { <button onclick={Callback::from(move |_| restore.emit(t))}>{ format!("Restore ({t})") }</button> }
                        }) }</> }
                    };
                    html! {
                        <>
                        <dl class="details">
                            <dt>{"URI"}</dt><dd class="mono small">{ format!("s3://{}/{}", props.bucket, d.key) }</dd>
                            <dt>{"Size"}</dt><dd>{ format!("{} bytes", d.size) }</dd>
                            <dt>{"Last modified (lake time)"}</dt><dd>{ d.last_modified.replace('T', " ") }</dd>
                            <dt>{"ETag"}</dt><dd class="mono small">{ d.e_tag.clone().unwrap_or_default() }</dd>
                            <dt>{"Content type"}</dt><dd>{ d.content_type.clone().unwrap_or_default() }</dd>
                            <dt>{"Storage class"}</dt><dd id="object-storage-class">{ &d.storage_class }</dd>
                            if let Some(v) = &d.version_id { <dt>{"Version id"}</dt><dd class="mono small">{ v }</dd> }
                            if let Some(r) = &d.restore { <dt>{"Restore"}</dt><dd class="mono small">{ r }</dd> }
                            <dt>{"Metadata"}</dt><dd>{ if d.metadata.is_empty() { "none".to_string() } else {
                                d.metadata.iter().map(|(k, v)| format!("x-amz-meta-{k}: {v}")).collect::<Vec<_>>().join(", ") } }</dd>
                        </dl>
                        if archived {
                            <p class="small">{"This object is archived: reading it fails with InvalidObjectState until a restore completes."}</p>
                            <div class="toolbar">{ restore_buttons(if d.storage_class == "GLACIER" { &["Expedited", "Standard", "Bulk"] } else { &["Standard", "Bulk"] }) }</div>
                        }
                        </>
                    }
                }
            } }
            if let Some(m) = &*message {
                { match m {
                    Ok(t) => html! { <p class="success-text" role="status">{ t }</p> },
                    Err(t) => html! { <p class="error-text" role="alert">{ t }</p> },
                } }
            }
            if versions.len() > 1 || versions.iter().any(|v| v.version_id != "null") {
                <h2>{"Versions"}</h2>
                <table class="grid" id="object-versions">
                    <thead><tr><th>{"Version id"}</th><th>{"Latest"}</th><th>{"Type"}</th><th>{"Size"}</th><th>{"Last modified"}</th></tr></thead>
                    <tbody>
                    { for versions.iter().map(|v| html! {
                        <tr>
                            <td class="mono small">{ &v.version_id }</td>
                            <td>{ if v.is_latest { "yes" } else { "" } }</td>
                            <td>{ if v.is_delete_marker { "delete marker" } else { "object" } }</td>
                            <td class="num">{ v.size }</td>
                            <td class="small">{ v.last_modified.replace('T', " ") }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
