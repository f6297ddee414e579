//! Amazon Data Firehose: the delivery streams list with Create ([`create`]) and Delete, one
//! delivery stream's details ([`details`]: configuration, live buffer gauges, delivered and
//! error objects), and the built-in producer.

mod create;
pub mod details;
pub mod draft;

use serde_json::json;
use yew::prelude::*;

use self::{
    create::CreateDeliveryStreamForm,
    draft::{describe, Described},
};
use super::{aws, error_text};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        confirm::ConfirmModal,
        producer::{batch::TargetKind, ProducerPanel},
    },
    engine::Engine,
    route::Route,
};

/// Props of [`FirehosePage`].
#[derive(Properties, PartialEq)]
pub struct FirehoseProps {
    /// Engine bridge.
    pub engine: Engine,
}

/// Delivery stream names and descriptions, re-read when the lake changes.
#[hook]
pub fn use_delivery_streams(engine: &Engine, version: u32) -> (Option<Vec<(String, Described)>>, Option<String>) {
    let rows = use_state(|| None::<Vec<(String, Described)>>);
    let error = use_state(|| None::<String>);
    {
        let (engine, rows, error) = (engine.clone(), rows.clone(), error.clone());
        use_effect_with(version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let names: Vec<String> =
                    match aws(&engine, "firehose", "ListDeliveryStreams", json!({"Limit": 10000})).await {
                        Ok(out) => out["DeliveryStreamNames"]
                            .as_array()
                            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                            .unwrap_or_default(),
                        Err(e) => return error.set(Some(error_text(&e))),
                    };
                let mut list = Vec::new();
                for name in names {
                    let out =
                        aws(&engine, "firehose", "DescribeDeliveryStream", json!({"DeliveryStreamName": name})).await;
                    list.push((name, out.as_ref().map(describe).unwrap_or_default()));
                }
                error.set(None);
                rows.set(Some(list));
            });
        });
    }
    ((*rows).clone(), (*error).clone())
}

/// The delivery streams list.
#[function_component(FirehosePage)]
pub fn firehose_page(props: &FirehoseProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let (rows, list_error) = use_delivery_streams(&props.engine, version);
    let (streams, _) = crate::pages::kinesis::use_streams(&props.engine, version);
    let creating = use_state(|| false);
    let deleting = use_state(|| None::<String>);
    let delete_state = use_state(|| (false, None::<String>));
    let on_delete = crate::pages::delete_callback(
        &props.engine,
        &deleting,
        &delete_state,
        ("firehose", "DeleteDeliveryStream"),
        |name| json!({"DeliveryStreamName": name}),
    );
    let targets: Vec<(TargetKind, String)> = rows
        .iter()
        .flatten()
        .filter(|(_, d)| d.kind != "KinesisStreamAsSource")
        .map(|(n, _)| (TargetKind::DeliveryStream, n.clone()))
        .chain(streams.iter().flatten().map(|s| (TargetKind::Stream, s.name.clone())))
        .collect();
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Data Firehose".into(), href: None },
                Crumb { label: "Firehose streams".into(), href: None },
            ]} />
            <h1>{"Firehose streams"}</h1>
            <p class="lead">{"A delivery stream buffers incoming records and writes them to S3 when the buffer reaches its size or its interval, whichever comes first, optionally converted to Parquet and partitioned by fields of the records."}</p>
            if *creating {
                <CreateDeliveryStreamForm engine={props.engine.clone()} on_done={{ let c = creating.clone(); Callback::from(move |_| c.set(false)) }} />
            } else {
                <div class="toolbar"><button id="open-create-delivery-stream" class="primary"
                    onclick={{ let c = creating.clone(); Callback::from(move |_| c.set(true)) }}>{"Create Firehose stream"}</button></div>
            }
            if let Some(e) = list_error { <p class="error-text" role="alert">{ e }</p> }
            { match &rows {
                None => html! { <p class="muted"><span class="spinner" aria-hidden="true"></span>{" Loading delivery streams…"}</p> },
                Some(rows) if rows.is_empty() => html! {
                    <div class="empty-state" id="delivery-stream-list-empty"><h2>{"No Firehose streams"}</h2>
                        <p>{"Create one to deliver records from a Kinesis stream or from Direct PUT into an S3 bucket."}</p></div>
                },
                Some(rows) => table(rows, &deleting),
            } }
            <ProducerPanel engine={props.engine.clone()} {targets} />
            if let Some(name) = &*deleting {
                <ConfirmModal title={format!("Delete Firehose stream {name}?")}
                    message={"The delivery stream is deleted; records still in its buffers are not delivered. Objects already in S3 stay.".to_string()}
                    confirm_label="Delete" busy={delete_state.0} error={delete_state.1.clone()} on_confirm={on_delete}
                    on_cancel={{ let (d, s) = (deleting.clone(), delete_state.clone()); Callback::from(move |_| { d.set(None); s.set((false, None)); }) }} />
            }
        </section>
    }
}

fn table(rows: &[(String, Described)], deleting: &UseStateHandle<Option<String>>) -> Html {
    html! {
        <table class="grid" id="delivery-stream-list">
            <thead><tr><th>{"Name"}</th><th>{"Status"}</th><th>{"Source"}</th><th>{"Destination"}</th><th>{"Buffer"}</th><th>{"Format"}</th><th class="actions">{"Actions"}</th></tr></thead>
            <tbody>
            { for rows.iter().map(|(name, d)| {
                let (deleting, n) = (deleting.clone(), name.clone());
                let source = d.source.as_deref().map(|a| a.rsplit('/').next().unwrap_or(a).to_string()).unwrap_or_else(|| "Direct PUT".into());
                html! {
                    <tr>
                        <td><a href={Route::Firehose { name: Some(name.clone()) }.href()}>{ name }</a></td>
                        <td><span class={classes!("state", d.status.to_lowercase())}>{ &d.status }</span></td>
                        <td>{ source }</td>
                        <td class="mono small wrap">{ format!("s3://{}/{}", d.bucket, d.prefix) }</td>
                        <td class="small">{ format!("{} MiB / {} s", d.buffering.0, d.buffering.1) }</td>
                        <td class="small">{ d.parquet.as_ref().map(|_| "Parquet".to_string()).unwrap_or_else(|| d.compression.clone()) }</td>
                        <td class="actions"><button class="link danger" aria-label={format!("Delete Firehose stream {name}")}
                            onclick={Callback::from(move |_| deleting.set(Some(n.clone())))}>{"Delete"}</button></td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}
