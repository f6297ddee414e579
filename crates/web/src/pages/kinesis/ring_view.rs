//! The hash-key ring: one arc per open shard (its share of the 128-bit key space, clockwise
//! from the top), and a partition-key finder that marks where a key lands and names the shard.

use yew::prelude::*;

use super::ring::{hash_key, point, sector_path, shard_for, turn_of, ShardRange};
use crate::pages::input_value;

/// Props of [`ShardRing`].
#[derive(Properties, PartialEq)]
pub struct RingProps {
    /// The stream's shards (closed ones are not drawn).
    pub shards: Vec<ShardRange>,
}

const C: f64 = 110.0;
const OUTER: f64 = 100.0;
const INNER: f64 = 64.0;

/// The ring and the finder.
#[function_component(ShardRing)]
pub fn shard_ring(props: &RingProps) -> Html {
    let key = use_state(|| "sales".to_string());
    let mut open: Vec<&ShardRange> = props.shards.iter().filter(|s| s.open).collect();
    open.sort_by_key(|s| s.start);
    let hash = (!key.is_empty()).then(|| hash_key(&key));
    let landed = hash.and_then(|h| shard_for(&props.shards, h));
    let marker = hash.map(|h| {
        let t = turn_of(h);
        let (x0, y0) = point(C, INNER - 8.0, t);
        let (x1, y1) = point(C, OUTER + 8.0, t);
        html! { <line class="ring-marker" x1={format!("{x0:.2}")} y1={format!("{y0:.2}")} x2={format!("{x1:.2}")} y2={format!("{y1:.2}")} /> }
    });
    let label = format!(
        "Hash-key ring of {} open shards{}",
        open.len(),
        landed.map(|s| format!("; key {} lands on {}", *key, s.shard_id)).unwrap_or_default()
    );
    html! {
        <div class="card ring-card" id="shard-ring">
            <h2>{"Shards and hash-key ranges"}</h2>
            <svg viewBox="0 0 220 220" width="220" height="220" role="img" aria-label={label}>
                { for open.iter().enumerate().map(|(i, s)| {
                    let from = turn_of(s.start);
                    let to = from + s.share();
                    let hit = landed.is_some_and(|l| l.shard_id == s.shard_id);
                    html! {
                        <path class={classes!("ring-shard", format!("tone-{}", i % 6), hit.then_some("hit"))}
                            d={sector_path(C, INNER, OUTER, from, to)}>
                            <title>{ format!("{}: {} … {}", s.shard_id, s.start, s.end) }</title>
                        </path>
                    }
                }) }
                { marker.unwrap_or_default() }
                <text x={C.to_string()} y={(C + 5.0).to_string()} text-anchor="middle" class="ring-center">
                    { format!("{} shard{}", open.len(), if open.len() == 1 { "" } else { "s" }) }</text>
            </svg>
            <label class="block-label" for="partition-key-probe">{"Where does this partition key land?"}</label>
            <input id="partition-key-probe" type="text" value={(*key).clone()} maxlength="256"
                oninput={{ let k = key.clone(); Callback::from(move |e: InputEvent| k.set(input_value(&e))) }} />
            <p class="small" id="partition-key-result" role="status" aria-live="polite">{ match (hash, landed) {
                (Some(h), Some(s)) => html! { <>{"MD5 → "}<code class="wrap-anywhere">{ h.to_string() }</code>{" → "}<strong>{ &s.shard_id }</strong></> },
                (Some(h), None) => html! { <>{"MD5 → "}<code class="wrap-anywhere">{ h.to_string() }</code>{" (no open shard yet)"}</> },
                (None, _) => html! { <span class="muted">{"Type a partition key (1 to 256 characters)."}</span> },
            } }</p>
            <ul class="ring-legend small">
                { for open.iter().enumerate().map(|(i, s)| html! {
                    <li><span class={classes!("swatch", format!("tone-{}", i % 6))} aria-hidden="true"></span>
                        <span class="mono">{ &s.shard_id }</span>{ format!(" · {:.1}% of keys", s.share() * 100.0) }</li>
                }) }
            </ul>
        </div>
    }
}
