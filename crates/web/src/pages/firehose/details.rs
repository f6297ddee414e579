//! One delivery stream: its configuration, buffer gauges filling in real time (bytes against the
//! size hint, seconds to the interval delivery; one per active partition, re-read every second),
//! the objects delivered under its prefix (newest first) and its error output.

use puddle_api::{ApiError, DeliveryBuffer, ObjectSummary, Request, Response};
use serde_json::json;
use yew::prelude::*;

use super::draft::{describe, seconds_left, static_prefix, Described};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        human_bytes,
        producer::{batch::TargetKind, ProducerPanel},
        short_time,
    },
    engine::Engine,
    pages::{aws, call, error_text, kinesis::view::percent, use_ticker},
    route::Route,
};

/// Props of [`DeliveryStreamPage`].
#[derive(Properties, PartialEq)]
pub struct DeliveryStreamProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Delivery stream name.
    pub name: String,
}

/// The details page.
#[function_component(DeliveryStreamPage)]
pub fn delivery_stream_page(props: &DeliveryStreamProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let described = use_state(|| None::<Described>);
    let error = use_state(|| None::<String>);
    let buffers = use_state(Vec::<DeliveryBuffer>::new);
    let offset_ms = use_state(|| 0i64);
    let tick = use_ticker(true, 1000);
    {
        let (engine, name, described, error, offset_ms) =
            (props.engine.clone(), props.name.clone(), described.clone(), error.clone(), offset_ms.clone());
        let pending = described.as_ref().is_none_or(|d| d.status != "ACTIVE");
        use_effect_with((version, name.clone(), if pending { tick } else { 0 }), move |_| {
            let e = engine.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match aws(&e, "firehose", "DescribeDeliveryStream", json!({"DeliveryStreamName": name})).await {
                    Ok(out) => {
                        described.set(Some(describe(&out)));
                        error.set(None);
                    }
                    Err(err) => error.set(Some(error_text(&err))),
                }
            });
            call(
                &engine,
                Request::GetClock,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Clock(c)) = res {
                        offset_ms.set(c.offset_minutes.saturating_mul(60_000));
                    }
                }),
            );
        });
    }
    {
        let (engine, name, buffers) = (props.engine.clone(), props.name.clone(), buffers.clone());
        use_effect_with((tick, name.clone()), move |_| {
            call(
                &engine,
                Request::DeliveryBuffers { delivery_stream_name: name },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::DeliveryBuffers(b)) = res {
                        buffers.set(b);
                    }
                }),
            );
        });
    }
    let name = props.name.clone();
    let lake_now = js_sys::Date::now() as i64 + *offset_ms;
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Data Firehose".into(), href: None },
                Crumb { label: "Firehose streams".into(), href: Some(Route::Firehose { name: None }.href()) },
                Crumb { label: name.clone(), href: None },
            ]} />
            <h1>{ &name }</h1>
            if let Some(e) = &*error {
                <div class="card error" role="alert" id="delivery-stream-error"><p>{ e }</p>
                    <p><a href={Route::Firehose { name: None }.href()}>{"Back to Firehose streams"}</a></p></div>
            }
            if let Some(d) = &*described { { configuration(d) } }
            <BufferGauges buffers={(*buffers).clone()} {lake_now} />
            if let Some(d) = &*described {
                // Direct PUT: records go here; a Kinesis source: records go to that stream.
                <ProducerPanel engine={props.engine.clone()} targets={vec![match &d.source {
                    Some(arn) => (TargetKind::Stream, arn.rsplit('/').next().unwrap_or(arn).to_string()),
                    None => (TargetKind::DeliveryStream, name.clone()),
                }]} />
            }
            if let Some(d) = &*described {
                <ObjectList engine={props.engine.clone()} title="Delivered objects" id="delivered-objects"
                    bucket={d.bucket.clone()} prefix={static_prefix(&d.prefix).to_string()} {tick}
                    exclude={(!d.error_prefix.is_empty()).then(|| static_prefix(&d.error_prefix).to_string())} />
                if !d.error_prefix.is_empty() {
                    <ObjectList engine={props.engine.clone()} title="Error output" id="error-objects"
                        bucket={d.bucket.clone()} prefix={static_prefix(&d.error_prefix).to_string()} {tick} exclude={None::<String>} />
                }
            }
        </section>
    }
}

fn configuration(d: &Described) -> Html {
    html! {
        <dl class="details" id="delivery-stream-config">
            <dt>{"Status"}</dt><dd><span class={classes!("state", d.status.to_lowercase())}>{ &d.status }</span></dd>
            <dt>{"Source"}</dt><dd>{ match &d.source {
                Some(arn) => { let s = arn.rsplit('/').next().unwrap_or(arn).to_string();
                    html! { <a href={Route::Kinesis { stream: Some(s.clone()) }.href()}>{ format!("Kinesis stream {s}") }</a> } }
                None => html! { {"Direct PUT"} },
            } }</dd>
            <dt>{"Destination"}</dt><dd class="mono small">{ format!("s3://{}/{}", d.bucket, d.prefix) }</dd>
            <dt>{"Error output prefix"}</dt><dd class="mono small">{ &d.error_prefix }</dd>
            <dt>{"Buffer hints"}</dt><dd>{ format!("{} MiB or {} seconds, whichever comes first", d.buffering.0, d.buffering.1) }</dd>
            <dt>{"Compression"}</dt><dd>{ &d.compression }</dd>
            <dt>{"Record format conversion"}</dt><dd>{ d.parquet.as_ref().map(|t| format!("JSON → Parquet, schema of Glue table {t}")).unwrap_or_else(|| "Off".into()) }</dd>
            <dt>{"Dynamic partitioning"}</dt><dd>{ match &d.partition_query { Some(q) => html! { <code>{ q }</code> }, None => html! { {"Off"} } } }</dd>
        </dl>
    }
}

#[derive(Properties, PartialEq)]
struct GaugeProps {
    buffers: Vec<DeliveryBuffer>,
    lake_now: i64,
}

/// One gauge per buffer: bytes against the size hint, seconds left against the interval.
#[function_component(BufferGauges)]
fn buffer_gauges(props: &GaugeProps) -> Html {
    html! {
        <div class="card" id="buffer-gauges">
            <h2>{"Buffers"}<span class="muted small">{" · live, every second"}</span></h2>
            if props.buffers.is_empty() {
                <p class="muted">{"Empty: nothing waits for delivery. Records sent now start a buffer."}</p>
            } else {
                <div class="gauges">
                { for props.buffers.iter().map(|b| {
                    let left = seconds_left(b.due_ms, props.lake_now);
                    let interval = b.interval_seconds as f64;
                    let elapsed = (interval - left).max(0.0);
                    html! {
                        <div class="gauge">
                            <div class="gauge-title mono small">{ b.partition.clone().unwrap_or_else(|| "All records".into()) }</div>
                            { meter(b.bytes as f64, b.size_limit_bytes as f64,
                                format!("{} of {} · {} records", human_bytes(b.bytes), human_bytes(b.size_limit_bytes), b.records), "Buffer size") }
                            { meter(elapsed, interval, format!("delivery in {left:.0} s of {} s", b.interval_seconds), "Buffer interval") }
                        </div>
                    }
                }) }
                </div>
            }
        </div>
    }
}

fn meter(value: f64, limit: f64, text: String, label: &str) -> Html {
    let pct = percent(value, limit);
    html! {
        <div class="meter">
            <div class="meter-track" role="meter" aria-label={label.to_string()} aria-valuemin="0"
                aria-valuemax={format!("{limit:.0}")} aria-valuenow={format!("{value:.0}")}>
                <div class={classes!("meter-fill", (pct >= 90.0).then_some("hot"))} style={format!("width: {pct:.1}%")}></div>
            </div>
            <span class="meter-text small">{ text }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ObjectListProps {
    engine: Engine,
    title: &'static str,
    id: &'static str,
    bucket: String,
    prefix: String,
    /// Keys under this prefix are left out (the error output inside the delivery prefix).
    exclude: Option<String>,
    tick: u32,
}

/// Objects under a prefix, newest first, re-read every few seconds.
#[function_component(ObjectList)]
fn object_list(props: &ObjectListProps) -> Html {
    let objects = use_state(|| None::<Vec<ObjectSummary>>);
    {
        let (engine, objects) = (props.engine.clone(), objects.clone());
        let (bucket, prefix) = (props.bucket.clone(), props.prefix.clone());
        use_effect_with((bucket.clone(), prefix.clone(), props.tick / 3), move |_| {
            call(
                &engine,
                Request::ListObjects { bucket, prefix, delimiter: None },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Objects(mut list)) = res {
                        list.objects.sort_by(|a, b| b.last_modified.cmp(&a.last_modified).then(b.key.cmp(&a.key)));
                        objects.set(Some(list.objects));
                    }
                }),
            );
        });
    }
    let shown: Vec<&ObjectSummary> = objects
        .iter()
        .flatten()
        .filter(|o| props.exclude.as_ref().is_none_or(|x| x.is_empty() || !o.key.starts_with(x.as_str())))
        .collect();
    let folder = |key: &str| key.rsplit_once('/').map(|(p, _)| format!("{p}/")).unwrap_or_default();
    html! {
        <section id={props.id} class="object-section">
            <h2>{ props.title }<span class="muted small">{ format!(" · s3://{}/{}", props.bucket, props.prefix) }</span></h2>
            if shown.is_empty() {
                <div class="empty-state"><p>{ if objects.is_none() { "Loading…" } else { "No objects yet." } }</p></div>
            } else {
                <table class="grid">
                    <thead><tr><th>{"Key"}</th><th>{"Size"}</th><th>{"Last modified"}</th></tr></thead>
                    <tbody>
                    { for shown.iter().take(200).map(|o| html! {
                        <tr>
                            <td class="mono small wrap"><a href={Route::Bucket { bucket: props.bucket.clone(), prefix: folder(&o.key) }.href()}>{ &o.key }</a></td>
                            <td class="num">{ human_bytes(o.size) }</td>
                            <td class="small">{ short_time(&o.last_modified) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
