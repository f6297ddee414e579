//! Resharding: split an open shard at the middle of its range, merge two adjacent open shards,
//! or set the open shard count (UpdateShardCount, UNIFORM_SCALING).

use serde_json::{json, Value};
use yew::prelude::*;

use super::ring::{adjacent_pairs, ShardRange};
use crate::{
    engine::Engine,
    pages::{aws, error_text, input_value, select_value},
};

/// Props of [`ReshardPanel`].
#[derive(Properties, PartialEq)]
pub struct ReshardProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Stream name.
    pub stream: String,
    /// The stream's shards.
    pub shards: Vec<ShardRange>,
}

/// Split, merge and update-shard-count controls.
#[function_component(ReshardPanel)]
pub fn reshard_panel(props: &ReshardProps) -> Html {
    let split = use_state(String::new);
    let merge = use_state(String::new);
    let count = use_state(String::new);
    let status = use_state(|| (false, None::<Result<String, String>>));
    let open: Vec<&ShardRange> = props.shards.iter().filter(|s| s.open).collect();
    let pairs = adjacent_pairs(&props.shards);
    // What the selects show when the user has not picked: the first choice.
    let split_id =
        open.iter().find(|s| s.shard_id == *split).or(open.first()).map(|s| s.shard_id.clone()).unwrap_or_default();
    let merge_id = pairs
        .iter()
        .map(|(a, b)| format!("{a}+{b}"))
        .find(|v| v == &*merge)
        .or_else(|| pairs.first().map(|(a, b)| format!("{a}+{b}")))
        .unwrap_or_default();
    let run = {
        let (engine, status) = (props.engine.clone(), status.clone());
        Callback::from(move |(operation, input, done): (&'static str, Value, String)| {
            let (engine, status) = (engine.clone(), status.clone());
            status.set((true, None));
            wasm_bindgen_futures::spawn_local(async move {
                let result = aws(&engine, "kinesis", operation, input).await;
                status.set((false, Some(result.map(|_| done).map_err(|e| error_text(&e)))));
            });
        })
    };
    let on_split = {
        let (run, stream, split_id) = (run.clone(), props.stream.clone(), split_id.clone());
        let shards = props.shards.clone();
        Callback::from(move |_| {
            let chosen = shards.iter().find(|s| s.open && s.shard_id == split_id);
            if let Some((s, mid)) = chosen.and_then(|s| s.midpoint().map(|m| (s, m))) {
                let input =
                    json!({"StreamName": stream, "ShardToSplit": s.shard_id, "NewStartingHashKey": mid.to_string()});
                run.emit(("SplitShard", input, format!("Split {} at {mid}.", s.shard_id)));
            }
        })
    };
    let on_merge = {
        let (run, stream, merge_id, pairs) = (run.clone(), props.stream.clone(), merge_id.clone(), pairs.clone());
        Callback::from(move |_| {
            let chosen = pairs.iter().find(|(a, b)| format!("{a}+{b}") == merge_id);
            if let Some((a, b)) = chosen {
                let input = json!({"StreamName": stream, "ShardToMerge": a, "AdjacentShardToMerge": b});
                run.emit(("MergeShards", input, format!("Merged {a} and {b}.")));
            }
        })
    };
    let on_count = {
        let (run, stream, count, status) = (run.clone(), props.stream.clone(), count.clone(), status.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match count.trim().parse::<u32>() {
                Ok(n) if n >= 1 => {
                    let input = json!({"StreamName": stream, "TargetShardCount": n, "ScalingType": "UNIFORM_SCALING"});
                    run.emit(("UpdateShardCount", input, format!("Scaling to {n} open shards.")));
                }
                _ => status.set((false, Some(Err("The target shard count is a whole number from 1.".into())))),
            }
        })
    };
    let busy = status.0;
    html! {
        <div class="card" id="reshard">
            <h2>{"Resharding"}</h2>
            <div class="form-row">
                <label>{"Split shard"}
                    <select id="split-shard" onchange={{ let s = split.clone(); Callback::from(move |e: Event| s.set(select_value(&e))) }}>
                        { for open.iter().map(|s| html! { <option value={s.shard_id.clone()} selected={split_id == s.shard_id}>{ &s.shard_id }</option> }) }
                    </select>
                </label>
                <button id="split-button" onclick={on_split} disabled={busy || open.is_empty()}>{"Split at midpoint"}</button>
            </div>
            <div class="form-row">
                <label>{"Merge adjacent shards"}
                    <select id="merge-shards" disabled={pairs.is_empty()} onchange={{ let m = merge.clone(); Callback::from(move |e: Event| m.set(select_value(&e))) }}>
                        if pairs.is_empty() { <option value="">{"No adjacent open shards"}</option> }
                        { for pairs.iter().map(|(a, b)| { let v = format!("{a}+{b}"); html! { <option value={v.clone()} selected={merge_id == v}>{ format!("{a} + {b}") }</option> } }) }
                    </select>
                </label>
                <button id="merge-button" onclick={on_merge} disabled={busy || pairs.is_empty()}>{"Merge"}</button>
            </div>
            <form class="form-row" onsubmit={on_count}>
                <label>{"Open shard count"}
                    <input id="target-shard-count" type="number" min="1" placeholder={open.len().to_string()} value={(*count).clone()}
                        oninput={{ let c = count.clone(); Callback::from(move |e: InputEvent| c.set(input_value(&e))) }} />
                </label>
                <button id="update-shard-count" type="submit" disabled={busy}>{"Update shard count"}</button>
            </form>
            { match &status.1 {
                Some(Ok(m)) => html! { <p class="success-text" role="status">{ m }</p> },
                Some(Err(m)) => html! { <p class="error-text" role="alert" id="reshard-error">{ m }</p> },
                None => html! {},
            } }
        </div>
    }
}
