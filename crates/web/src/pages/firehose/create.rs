//! The "Create Firehose stream" form: source (Direct PUT or a Kinesis stream), S3 destination
//! and prefixes, buffering hints, compression, optional Parquet conversion (schema from a Glue
//! table) and optional dynamic partitioning by a jq query. The page checks what it can (and
//! focuses the field); the engine's validation error shows inline with every input kept.

use puddle_api::{ApiError, Request, Response};
use serde_json::json;
use yew::prelude::*;

use super::draft::{stream_arn, Draft, FieldError, COMPRESSIONS};
use crate::{
    app::use_engine,
    engine::Engine,
    pages::{aws, call, error_text, input_value, select_value, use_catalog_tables},
};

/// Props of [`CreateDeliveryStreamForm`].
#[derive(Properties, PartialEq)]
pub struct CreateProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Created or cancelled.
    pub on_done: Callback<()>,
}

/// Stream names and bucket names for the pickers.
#[hook]
fn use_choices(engine: &Engine, version: u32) -> (Vec<String>, Vec<String>) {
    let streams = use_state(Vec::<String>::new);
    let buckets = use_state(Vec::<String>::new);
    {
        let (engine, streams, buckets) = (engine.clone(), streams.clone(), buckets.clone());
        use_effect_with(version, move |_| {
            let e = engine.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(out) = aws(&e, "kinesis", "ListStreams", json!({})).await {
                    streams.set(crate::pages::kinesis::view::stream_names(&out));
                }
            });
            call(
                &engine,
                Request::ListBuckets,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Buckets(b)) = res {
                        buckets.set(b.into_iter().map(|b| b.name).collect());
                    }
                }),
            );
        });
    }
    ((*streams).clone(), (*buckets).clone())
}

/// The form.
#[function_component(CreateDeliveryStreamForm)]
pub fn create_form(props: &CreateProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let (streams, buckets) = use_choices(&props.engine, version);
    let tables = use_catalog_tables(&props.engine, version);
    // The draft lives in a cell so that two edits in one turn (a click, then another) both land.
    let draft = use_mut_ref(Draft::default);
    let redraw = use_force_update();
    let status = use_state(|| (false, None::<FieldError>));
    if draft.borrow().bucket.is_empty() {
        if let Some(b) = buckets.first() {
            draft.borrow_mut().bucket = b.clone();
        }
    }
    let d = draft.borrow().clone();
    let edit = {
        let (draft, redraw) = (draft.clone(), redraw.clone());
        move |f: fn(&mut Draft, String)| {
            let (draft, redraw) = (draft.clone(), redraw.clone());
            Callback::from(move |value: String| {
                f(&mut draft.borrow_mut(), value);
                redraw.force_update();
            })
        }
    };
    let on_input = |cb: Callback<String>| Callback::from(move |e: InputEvent| cb.emit(input_value(&e)));
    let on_select = |cb: Callback<String>| Callback::from(move |e: Event| cb.emit(select_value(&e)));
    let onsubmit = {
        let (engine, status, on_done, draft) =
            (props.engine.clone(), status.clone(), props.on_done.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let d = draft.borrow().clone();
            if let Err(fe) = d.check() {
                focus(fe.field);
                return status.set((false, Some(fe)));
            }
            let (engine, status, on_done, input) = (engine.clone(), status.clone(), on_done.clone(), d.input());
            status.set((true, None));
            wasm_bindgen_futures::spawn_local(async move {
                match aws(&engine, "firehose", "CreateDeliveryStream", input).await {
                    Ok(_) => {
                        status.set((false, None));
                        on_done.emit(());
                    }
                    Err(e) => status.set((false, Some(FieldError { field: "", message: error_text(&e) }))),
                }
            });
        })
    };
    let invalid = |field: &str| status.1.as_ref().is_some_and(|e| e.field == field).then_some("true");
    let source_value =
        d.source_stream_arn.as_ref().map(|a| a.rsplit('/').next().unwrap_or_default().to_string()).unwrap_or_default();
    let databases: Vec<String> = {
        let mut v: Vec<String> = tables.iter().map(|t| t.database.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    html! {
        <form class="card" id="create-delivery-stream" {onsubmit} aria-labelledby="new-fh-title">
            <h2 id="new-fh-title">{"Create Firehose stream"}</h2>
            <div class="form-row">
                <label>{"Source"}
                    <select id="fh-source" onchange={on_select(edit(|d, v| d.source_stream_arn = (!v.is_empty()).then(|| stream_arn(&v))))}>
                        <option value="" selected={source_value.is_empty()}>{"Direct PUT"}</option>
                        { for streams.iter().map(|s| html! { <option value={s.clone()} selected={*s == source_value}>{ format!("Kinesis stream {s}") }</option> }) }
                    </select>
                </label>
                <label>{"Firehose stream name"}<input id="fh-name" type="text" value={d.name.clone()} aria-invalid={invalid("fh-name")}
                    oninput={on_input(edit(|d, v| d.name = v.trim().to_string()))} /></label>
            </div>
            <h3>{"Destination: Amazon S3"}</h3>
            <div class="form-row">
                <label>{"Bucket"}
                    <select id="fh-bucket" aria-invalid={invalid("fh-bucket")} onchange={on_select(edit(|d, v| d.bucket = v))}>
                        if buckets.is_empty() { <option value="">{"No bucket: create one in S3 first"}</option> }
                        { for buckets.iter().map(|b| html! { <option value={b.clone()} selected={*b == d.bucket}>{ b }</option> }) }
                    </select>
                </label>
                <label class="grow">{"S3 bucket prefix"}<input id="fh-prefix" type="text" value={d.prefix.clone()} aria-invalid={invalid("fh-prefix")}
                    oninput={on_input(edit(|d, v| d.prefix = v))} /></label>
                <label class="grow">{"S3 bucket error output prefix"}<input id="fh-error-prefix" type="text" value={d.error_prefix.clone()}
                    aria-invalid={invalid("fh-error-prefix")} oninput={on_input(edit(|d, v| d.error_prefix = v))} /></label>
            </div>
            <div class="form-row">
                <label>{"Buffer size (MiB)"}<input id="fh-size" type="number" min="1" max="128" value={d.size_mib.to_string()}
                    aria-invalid={invalid("fh-size")} oninput={on_input(edit(|d, v| d.size_mib = v.trim().parse().unwrap_or(0)))} /></label>
                <label>{"Buffer interval (s)"}<input id="fh-interval" type="number" min="0" max="900" value={d.interval_s.to_string()}
                    aria-invalid={invalid("fh-interval")} oninput={on_input(edit(|d, v| d.interval_s = v.trim().parse().unwrap_or(u32::MAX)))} /></label>
                <label>{"Compression"}
                    <select id="fh-compression" disabled={d.parquet.is_some()} onchange={on_select(edit(|d, v| d.compression = v))}>
                        { for COMPRESSIONS.iter().map(|c| html! { <option value={*c} selected={d.compression == *c}>{ *c }</option> }) }
                    </select>
                </label>
            </div>
            <h3>{"Transform and convert records"}</h3>
            <div class="form-row">
                <label class="checkbox"><input id="fh-parquet" type="checkbox" checked={d.parquet.is_some()}
                    onchange={{ let cb = edit(toggle_parquet); Callback::from(move |_| cb.emit(String::new())) }} />
                    {"Convert JSON records to Apache Parquet (schema from a Glue table)"}</label>
                if let Some((db, table)) = &d.parquet {
                    <label>{"Database"}
                        <select id="fh-database" onchange={on_select(edit(|d, v| d.parquet = Some((v, String::new()))))}>
                            <option value="" selected={db.is_empty()}>{"Choose…"}</option>
                            { for databases.iter().map(|x| html! { <option value={x.clone()} selected={x == db}>{ x }</option> }) }
                        </select>
                    </label>
                    <label>{"Table"}
                        <select id="fh-table" aria-invalid={invalid("fh-table")}
                            onchange={on_select(edit(|d, v| if let Some(p) = d.parquet.as_mut() { p.1 = v }))}>
                            <option value="" selected={table.is_empty()}>{"Choose…"}</option>
                            { for tables.iter().filter(|t| t.database == *db).map(|t| html! { <option value={t.name.clone()} selected={t.name == *table}>{ &t.name }</option> }) }
                        </select>
                    </label>
                }
            </div>
            <div class="form-row">
                <label class="checkbox"><input id="fh-dynamic" type="checkbox" checked={d.partition_query.is_some()}
                    onchange={{ let cb = edit(toggle_partitioning); Callback::from(move |_| cb.emit(String::new())) }} />
                    {"Dynamic partitioning (jq)"}</label>
                if let Some(q) = &d.partition_query {
                    <label class="grow">{"Partition keys query"}<input id="fh-query" type="text" class="mono" value={q.clone()}
                        aria-invalid={invalid("fh-query")} oninput={on_input(edit(|d, v| d.partition_query = Some(v)))} /></label>
                }
            </div>
            if d.partition_query.is_some() {
                <p class="muted small">{"Use the keys in the prefix: "}<code>{"region=!{partitionKeyFromQuery:region}/"}</code>{". Each active partition fills its own buffer."}</p>
            }
            if let Some(e) = &status.1 { <p class="error-text" role="alert" id="fh-error">{ &e.message }</p> }
            <div class="toolbar">
                <button id="create-delivery-stream-submit" class="primary" type="submit" disabled={status.0}>
                    if status.0 { <span class="spinner" aria-hidden="true"></span> }{"Create Firehose stream"}</button>
                <button type="button" onclick={{ let d = props.on_done.clone(); Callback::from(move |_| d.emit(())) }}>{"Cancel"}</button>
            </div>
        </form>
    }
}

/// Firehose wants buffers of at least 64 MiB with format conversion or dynamic partitioning.
const MIN_BUFFER_WITH_PROCESSING_MIB: u32 = 64;

/// Parquet conversion on (picking the table next) or off.
fn toggle_parquet(d: &mut Draft, _: String) {
    if d.parquet.take().is_none() {
        d.parquet = Some((String::new(), String::new()));
        d.size_mib = d.size_mib.max(MIN_BUFFER_WITH_PROCESSING_MIB);
    }
}

/// Dynamic partitioning on (with the course's region query and prefix) or off.
fn toggle_partitioning(d: &mut Draft, _: String) {
    if d.partition_query.take().is_none() {
        d.size_mib = d.size_mib.max(MIN_BUFFER_WITH_PROCESSING_MIB);
        d.partition_query = Some("{region:.region}".into());
        if !d.prefix.contains("!{partitionKeyFromQuery:") {
            d.prefix = format!("{}region=!{{partitionKeyFromQuery:region}}/", d.prefix);
        }
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
