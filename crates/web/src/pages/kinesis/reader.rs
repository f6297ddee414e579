//! The reader panel: pick a shard and an iterator type, Read (GetShardIterator then GetRecords)
//! and Read next (GetRecords with the NextShardIterator); records decoded from base64 as
//! pretty JSON or text, with partition key, sequence number and arrival time.

use serde_json::{json, Value};
use yew::prelude::*;

use super::{
    ring::ShardRange,
    view::{shard_iterator_input, shown_records, time_ms, BodyKind, ITERATOR_TYPES},
};
use crate::{
    engine::Engine,
    pages::{aws, error_text, input_value, select_value},
};

/// Records per GetRecords call.
const READ_LIMIT: u32 = 100;

/// Props of [`ReaderPanel`].
#[derive(Properties, PartialEq)]
pub struct ReaderProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Stream name.
    pub stream: String,
    /// The stream's shards.
    pub shards: Vec<ShardRange>,
}

#[derive(Clone, PartialEq, Default)]
struct ReadState {
    busy: bool,
    output: Option<Value>,
    next: Option<String>,
    error: Option<String>,
    reads: u32,
}

async fn get_records(engine: &Engine, iterator: String) -> Result<Value, String> {
    let input = json!({"ShardIterator": iterator, "Limit": READ_LIMIT});
    aws(engine, "kinesis", "GetRecords", input).await.map_err(|e| error_text(&e))
}

/// The reader.
#[function_component(ReaderPanel)]
pub fn reader_panel(props: &ReaderProps) -> Html {
    let shard = use_state(String::new);
    let kind = use_state(|| "TRIM_HORIZON".to_string());
    let position = use_state(String::new);
    let as_json = use_state(|| true);
    let state = use_state(ReadState::default);
    let shard_id = if shard.is_empty() {
        props.shards.first().map(|s| s.shard_id.clone()).unwrap_or_default()
    } else {
        (*shard).clone()
    };
    let finish = {
        let state = state.clone();
        move |result: Result<Value, String>, reads: u32| match result {
            Ok(out) => state.set(ReadState {
                next: out["NextShardIterator"].as_str().map(str::to_string),
                output: Some(out),
                reads,
                ..ReadState::default()
            }),
            Err(e) => state.set(ReadState { error: Some(e), ..(*state).clone() }),
        }
    };
    let on_read = {
        let (engine, stream, kind, position, state, finish) =
            (props.engine.clone(), props.stream.clone(), kind.clone(), position.clone(), state.clone(), finish.clone());
        let shard_id = shard_id.clone();
        Callback::from(move |_| {
            let input = match shard_iterator_input(&stream, &shard_id, &kind, &position) {
                Ok(i) => i,
                Err(m) => return state.set(ReadState { error: Some(m), ..ReadState::default() }),
            };
            state.set(ReadState { busy: true, ..ReadState::default() });
            let (engine, finish) = (engine.clone(), finish.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match aws(&engine, "kinesis", "GetShardIterator", input).await {
                    Ok(out) => match out["ShardIterator"].as_str() {
                        Some(it) => get_records(&engine, it.to_string()).await,
                        None => Err("GetShardIterator answered no iterator.".into()),
                    },
                    Err(e) => Err(error_text(&e)),
                };
                finish(result, 1);
            });
        })
    };
    let on_next = {
        let (engine, state, finish) = (props.engine.clone(), state.clone(), finish.clone());
        Callback::from(move |_| {
            let Some(next) = state.next.clone() else { return };
            let reads = state.reads + 1;
            state.set(ReadState { busy: true, ..(*state).clone() });
            let (engine, finish) = (engine.clone(), finish.clone());
            wasm_bindgen_futures::spawn_local(async move { finish(get_records(&engine, next).await, reads) });
        })
    };
    let needs_position = matches!(kind.as_str(), "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" | "AT_TIMESTAMP");
    html! {
        <section class="card" id="reader" aria-labelledby="reader-title">
            <h2 id="reader-title">{"Read records"}</h2>
            <div class="form-row">
                <label>{"Shard"}
                    <select id="reader-shard" onchange={{ let s = shard.clone(); Callback::from(move |e: Event| s.set(select_value(&e))) }}>
                        { for props.shards.iter().map(|s| html! {
                            <option value={s.shard_id.clone()} selected={s.shard_id == shard_id}>
                                { if s.open { s.shard_id.clone() } else { format!("{} (closed)", s.shard_id) } }</option>
                        }) }
                    </select>
                </label>
                <label>{"Starting position"}
                    <select id="reader-iterator" onchange={{ let k = kind.clone(); Callback::from(move |e: Event| k.set(select_value(&e))) }}>
                        { for ITERATOR_TYPES.iter().map(|t| html! { <option value={*t} selected={*kind == *t}>{ *t }</option> }) }
                    </select>
                </label>
                if needs_position {
                    <label>{ if *kind == "AT_TIMESTAMP" { "Timestamp (epoch seconds or ISO 8601)" } else { "Sequence number" } }
                        <input id="reader-position" type="text" value={(*position).clone()}
                            oninput={{ let p = position.clone(); Callback::from(move |e: InputEvent| p.set(input_value(&e))) }} />
                    </label>
                }
                <label class="checkbox"><input id="reader-json" type="checkbox" checked={*as_json}
                    onchange={{ let j = as_json.clone(); Callback::from(move |_| j.set(!*j)) }} />{"Show JSON formatted"}</label>
                <button id="reader-read" class="primary" onclick={on_read} disabled={state.busy || shard_id.is_empty()}>{"Read"}</button>
                <button id="reader-next" onclick={on_next} disabled={state.busy || state.next.is_none()}>{"Read next"}</button>
                if state.busy { <span class="spinner" aria-label="Reading"></span> }
            </div>
            if let Some(e) = &state.error { <p class="error-text" role="alert" id="reader-error">{ e }</p> }
            if let Some(out) = &state.output { { records_view(out, *as_json, state.reads, state.next.is_none()) } }
        </section>
    }
}

fn records_view(out: &Value, as_json: bool, reads: u32, closed: bool) -> Html {
    let records = shown_records(out, as_json);
    let behind = out["MillisBehindLatest"].as_u64();
    html! {
        <>
            <p class="small muted" id="reader-status" role="status">
                { format!("Read {reads}: {} record{}", records.len(), if records.len() == 1 { "" } else { "s" }) }
                { behind.map(|b| format!(" · MillisBehindLatest {b}")).unwrap_or_default() }
                { if closed { " · the shard is closed and drained (no NextShardIterator)" } else { "" } }
            </p>
            if records.is_empty() {
                <p class="muted">{"No records at this position. New records appear with Read next."}</p>
            } else {
                <div class="table-wrap">
                <table class="grid" id="reader-records">
                    <thead><tr><th>{"Arrival"}</th><th>{"Partition key"}</th><th>{"Sequence number"}</th><th>{"Data"}</th></tr></thead>
                    <tbody>
                    { for records.iter().map(|r| html! {
                        <tr>
                            <td class="small">{ r.arrival_ms.map(time_ms).unwrap_or_default() }</td>
                            <td class="mono small">{ &r.partition_key }</td>
                            <td class="mono small wrap">{ &r.sequence_number }</td>
                            <td><pre class={classes!("record-body", (r.kind == BodyKind::Binary).then_some("muted"))}>{ match r.kind {
                                BodyKind::Binary => format!("(binary, {} bytes, base64) {}", r.size, r.body),
                                _ => r.body.clone(),
                            } }</pre></td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                </div>
            }
        </>
    }
}
