//! Kinesis Data Streams: the streams list with Create and Delete, one stream's details
//! ([`details`]: the hash-key ring, live shard traffic, resharding, the reader), and the
//! built-in producer.

pub mod details;
mod reader;
mod reshard;
pub mod ring;
mod ring_view;
mod traffic;
pub mod view;

use serde_json::json;
use yew::prelude::*;

use self::view::{check_stream_name, create_stream_input, stream_names, stream_row, StreamRow};
use super::{aws, error_text, input_value};
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

/// Props of [`KinesisPage`].
#[derive(Properties, PartialEq)]
pub struct KinesisProps {
    /// Engine bridge.
    pub engine: Engine,
}

/// Every stream with its summary, re-read when the lake changes; `None` until the first answer.
#[hook]
pub fn use_streams(engine: &Engine, version: u32) -> (Option<Vec<StreamRow>>, Option<String>) {
    let rows = use_state(|| None::<Vec<StreamRow>>);
    let error = use_state(|| None::<String>);
    {
        let (engine, rows, error) = (engine.clone(), rows.clone(), error.clone());
        use_effect_with(version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let names = match aws(&engine, "kinesis", "ListStreams", json!({})).await {
                    Ok(out) => stream_names(&out),
                    Err(e) => return error.set(Some(error_text(&e))),
                };
                let mut list = Vec::new();
                for name in names {
                    let out = aws(&engine, "kinesis", "DescribeStreamSummary", json!({"StreamName": name})).await;
                    if let Some(row) = out.ok().as_ref().and_then(stream_row) {
                        list.push(row);
                    }
                }
                error.set(None);
                rows.set(Some(list));
            });
        });
    }
    ((*rows).clone(), (*error).clone())
}

/// The streams list.
#[function_component(KinesisPage)]
pub fn kinesis_page(props: &KinesisProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let (rows, list_error) = use_streams(&props.engine, version);
    let deleting = use_state(|| None::<String>);
    let delete_state = use_state(|| (false, None::<String>));
    let on_delete = crate::pages::delete_callback(
        &props.engine,
        &deleting,
        &delete_state,
        ("kinesis", "DeleteStream"),
        |name| json!({"StreamName": name, "EnforceConsumerDeletion": true}),
    );
    let (delivery, _) = crate::pages::firehose::use_delivery_streams(&props.engine, version);
    let targets: Vec<(TargetKind, String)> = rows
        .iter()
        .flatten()
        .map(|r| (TargetKind::Stream, r.name.clone()))
        .chain(
            delivery
                .iter()
                .flatten()
                .filter(|(_, d)| d.kind != "KinesisStreamAsSource")
                .map(|(n, _)| (TargetKind::DeliveryStream, n.clone())),
        )
        .collect();
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Kinesis".into(), href: None },
                Crumb { label: "Data streams".into(), href: None },
            ]} />
            <h1>{"Data streams"}</h1>
            <p class="lead">{"A stream splits the 128-bit hash-key space between its shards: each record's partition key goes through MD5 and lands on the shard whose range holds it. Records stay for the retention period, readable by any number of consumers."}</p>
            <CreateStreamForm engine={props.engine.clone()} />
            if let Some(e) = list_error { <p class="error-text" role="alert">{ e }</p> }
            { match &rows {
                None => html! { <p class="muted"><span class="spinner" aria-hidden="true"></span>{" Loading streams…"}</p> },
                Some(rows) if rows.is_empty() => html! {
                    <div class="empty-state" id="stream-list-empty"><h2>{"No data streams"}</h2>
                        <p>{"Create one above, or run "}<code>{"aws kinesis create-stream --stream-name realTimeSales --shard-count 1"}</code>{" in CloudShell."}</p></div>
                },
                Some(rows) => stream_table(rows, &deleting),
            } }
            <ProducerPanel engine={props.engine.clone()} {targets} />
            if let Some(name) = &*deleting {
                <ConfirmModal title={format!("Delete stream {name}?")}
                    message={"The stream, its shards and every record they hold are deleted. Delivery streams reading it stop receiving data.".to_string()}
                    confirm_label="Delete stream" busy={delete_state.0} error={delete_state.1.clone()}
                    on_confirm={on_delete}
                    on_cancel={{ let (d, s) = (deleting.clone(), delete_state.clone()); Callback::from(move |_| { d.set(None); s.set((false, None)); }) }} />
            }
        </section>
    }
}

fn stream_table(rows: &[StreamRow], deleting: &UseStateHandle<Option<String>>) -> Html {
    html! {
        <table class="grid" id="stream-list">
            <thead><tr><th>{"Name"}</th><th>{"Status"}</th><th>{"Capacity mode"}</th><th>{"Open shards"}</th><th>{"Retention"}</th><th class="actions">{"Actions"}</th></tr></thead>
            <tbody>
            { for rows.iter().map(|r| {
                let (deleting, name) = (deleting.clone(), r.name.clone());
                html! {
                    <tr>
                        <td><a href={Route::Kinesis { stream: Some(r.name.clone()) }.href()}>{ &r.name }</a></td>
                        <td><span class={classes!("state", r.status.to_lowercase())}>{ &r.status }</span></td>
                        <td>{ &r.mode }</td>
                        <td class="num">{ r.shards }</td>
                        <td class="num">{ format!("{} h", r.retention_hours) }</td>
                        <td class="actions"><button class="link danger" aria-label={format!("Delete stream {}", r.name)}
                            onclick={Callback::from(move |_| deleting.set(Some(name.clone())))}>{"Delete"}</button></td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct CreateProps {
    engine: Engine,
}

/// Name, capacity mode and shard count; the engine's error shows under the form.
#[function_component(CreateStreamForm)]
fn create_stream_form(props: &CreateProps) -> Html {
    let name = use_state(|| "realTimeSales".to_string());
    let on_demand = use_state(|| false);
    let shards = use_state(|| "1".to_string());
    let status = use_state(|| (false, None::<String>));
    let onsubmit = {
        let (engine, name, on_demand, shards, status) =
            (props.engine.clone(), name.clone(), on_demand.clone(), shards.clone(), status.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let n = name.trim().to_string();
            if let Err(m) = check_stream_name(&n) {
                return status.set((false, Some(m)));
            }
            let Some(count) = shards.trim().parse::<u32>().ok().filter(|c| (1..=500).contains(c)) else {
                return status.set((false, Some("The shard count is a whole number from 1 to 500.".into())));
            };
            let (engine, status, input) = (engine.clone(), status.clone(), create_stream_input(&n, *on_demand, count));
            status.set((true, None));
            wasm_bindgen_futures::spawn_local(async move {
                let result = aws(&engine, "kinesis", "CreateStream", input).await;
                status.set((false, result.err().map(|e| error_text(&e))));
            });
        })
    };
    let text = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    html! {
        <form class="card" {onsubmit} aria-labelledby="new-stream-title">
            <h2 id="new-stream-title">{"Create data stream"}</h2>
            <div class="form-row">
                <label>{"Stream name"}<input id="stream-name" type="text" value={(*name).clone()} oninput={text(&name)} /></label>
                <label>{"Capacity mode"}
                    <select id="stream-mode" onchange={{ let o = on_demand.clone(); Callback::from(move |e: Event| o.set(super::select_value(&e) == "ON_DEMAND")) }}>
                        <option value="PROVISIONED" selected={!*on_demand}>{"Provisioned"}</option>
                        <option value="ON_DEMAND" selected={*on_demand}>{"On-demand"}</option>
                    </select>
                </label>
                if !*on_demand {
                    <label>{"Shards"}<input id="stream-shards" type="number" min="1" max="500" value={(*shards).clone()} oninput={text(&shards)} /></label>
                }
                <button id="create-stream" class="primary" type="submit" disabled={status.0}>
                    if status.0 { <span class="spinner" aria-hidden="true"></span> }{"Create stream"}</button>
            </div>
            if let Some(e) = &status.1 { <p id="stream-error" class="error-text" role="alert">{ e }</p> }
        </form>
    }
}
