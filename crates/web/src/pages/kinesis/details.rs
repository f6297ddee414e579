//! One stream: its summary, the hash-key ring with the partition-key finder, live per-shard
//! traffic (re-read every second), resharding, the reader panel and the producer.

use puddle_api::{ApiError, Request, Response, ShardTraffic};
use serde_json::json;
use yew::prelude::*;

use super::{
    reader::ReaderPanel,
    reshard::ReshardPanel,
    ring::{shard_ranges, ShardRange},
    ring_view::ShardRing,
    traffic::TrafficTable,
    view::{stream_row, StreamRow},
};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        producer::{batch::TargetKind, ProducerPanel},
    },
    engine::Engine,
    pages::{aws, call, error_text, use_ticker},
    route::Route,
};

/// Props of [`StreamPage`].
#[derive(Properties, PartialEq)]
pub struct StreamProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Stream name.
    pub name: String,
}

/// The stream's details page.
#[function_component(StreamPage)]
pub fn stream_page(props: &StreamProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let summary = use_state(|| None::<StreamRow>);
    let shards = use_state(Vec::<ShardRange>::new);
    let error = use_state(|| None::<String>);
    let traffic = use_state(Vec::<ShardTraffic>::new);
    // Live: traffic every second while the page is open; the summary too until it is ACTIVE.
    let tick = use_ticker(true, 1000);
    let active = summary.as_ref().is_some_and(|s| s.status == "ACTIVE");
    {
        let (engine, name, summary, shards, error) =
            (props.engine.clone(), props.name.clone(), summary.clone(), shards.clone(), error.clone());
        use_effect_with((version, name.clone(), if active { 0 } else { tick }), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match aws(&engine, "kinesis", "DescribeStreamSummary", json!({"StreamName": name})).await {
                    Ok(out) => {
                        summary.set(stream_row(&out));
                        error.set(None);
                    }
                    Err(e) => return error.set(Some(error_text(&e))),
                }
                if let Ok(out) = aws(&engine, "kinesis", "ListShards", json!({"StreamName": name})).await {
                    shards.set(shard_ranges(&out));
                }
            });
        });
    }
    {
        let (engine, name, traffic) = (props.engine.clone(), props.name.clone(), traffic.clone());
        use_effect_with((tick, name.clone()), move |_| {
            call(
                &engine,
                Request::StreamTraffic { stream_name: name },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::StreamTraffic(t)) = res {
                        traffic.set(t);
                    }
                }),
            );
        });
    }
    let name = props.name.clone();
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Kinesis".into(), href: None },
                Crumb { label: "Data streams".into(), href: Some(Route::Kinesis { stream: None }.href()) },
                Crumb { label: name.clone(), href: None },
            ]} />
            <h1>{ &name }</h1>
            if let Some(e) = &*error {
                <div class="card error" role="alert" id="stream-error"><p>{ e }</p>
                    <p><a href={Route::Kinesis { stream: None }.href()}>{"Back to data streams"}</a></p></div>
            }
            if let Some(s) = &*summary {
                <dl class="details" id="stream-summary">
                    <dt>{"Status"}</dt><dd><span class={classes!("state", s.status.to_lowercase())}>{ &s.status }</span></dd>
                    <dt>{"Capacity mode"}</dt><dd>{ &s.mode }</dd>
                    <dt>{"Open shards"}</dt><dd>{ s.shards }</dd>
                    <dt>{"Retention"}</dt><dd>{ format!("{} hours", s.retention_hours) }</dd>
                    <dt>{"ARN"}</dt><dd class="mono small">{ &s.arn }</dd>
                </dl>
            }
            <div class="stream-layout">
                <ShardRing shards={(*shards).clone()} />
                <div class="stream-side">
                    <TrafficTable traffic={(*traffic).clone()} />
                    <ReshardPanel engine={props.engine.clone()} stream={name.clone()} shards={(*shards).clone()} />
                </div>
            </div>
            <ProducerPanel engine={props.engine.clone()} targets={vec![(TargetKind::Stream, name.clone())]} />
            <ReaderPanel engine={props.engine.clone()} stream={name} shards={(*shards).clone()} />
        </section>
    }
}
