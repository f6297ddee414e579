//! Live per-shard traffic: incoming records/s and bytes/s as bars against the shard's write
//! limits, and the throttled counts of the last minute, highlighted when not zero.

use puddle_api::ShardTraffic;
use yew::prelude::*;

use super::view::{group, percent, rate};
use crate::components::human_bytes;

/// Props of [`TrafficTable`].
#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    /// The latest StreamTraffic answer.
    pub traffic: Vec<ShardTraffic>,
}

fn bar(value: f64, limit: Option<u64>, text: String, label: &str) -> Html {
    let pct = limit.map(|l| percent(value, l as f64));
    let hot = pct.is_some_and(|p| p >= 90.0);
    html! {
        <div class="meter" title={label.to_string()}>
            <div class="meter-track" role="meter" aria-label={label.to_string()} aria-valuenow={format!("{value:.0}")}
                aria-valuemin="0" aria-valuemax={limit.map(|l| l.to_string())}>
                <div class={classes!("meter-fill", hot.then_some("hot"))} style={format!("width: {:.1}%", pct.unwrap_or(0.0))}></div>
            </div>
            <span class="meter-text small">{ text }</span>
        </div>
    }
}

/// The traffic table.
#[function_component(TrafficTable)]
pub fn traffic_table(props: &TrafficProps) -> Html {
    let open: Vec<&ShardTraffic> = props.traffic.iter().filter(|t| t.open).collect();
    html! {
        <div class="card" id="shard-traffic">
            <h2>{"Incoming data per shard"}<span class="muted small">{" · live, every second"}</span></h2>
            if open.is_empty() {
                <p class="muted">{"No traffic figures yet. Start the producer below or run "}<code>{"aws kinesis put-record"}</code>{"."}</p>
            } else {
                <table class="grid traffic">
                    <thead><tr><th>{"Shard"}</th><th>{"Records/s"}</th><th>{"Bytes/s"}</th><th>{"Throttled (1 min)"}</th><th>{"Kept"}</th></tr></thead>
                    <tbody>
                    { for open.iter().map(|t| {
                        let throttled = t.write_throttled_last_minute + t.read_throttled_last_minute;
                        let rec_text = match t.write_limit_records {
                            Some(l) => format!("{} / {}", rate(t.incoming_records_per_second), group(l)),
                            None => rate(t.incoming_records_per_second),
                        };
                        let byte_text = match t.write_limit_bytes {
                            Some(l) => format!("{}/s / {}", human_bytes(t.incoming_bytes_per_second as u64), human_bytes(l)),
                            None => format!("{}/s", human_bytes(t.incoming_bytes_per_second as u64)),
                        };
                        html! {
                            <tr class={classes!((throttled > 0).then_some("throttled-row"))}>
                                <td class="mono small">{ &t.shard_id }</td>
                                <td>{ bar(t.incoming_records_per_second, t.write_limit_records, rec_text, &format!("{} records per second", t.shard_id)) }</td>
                                <td>{ bar(t.incoming_bytes_per_second, t.write_limit_bytes, byte_text, &format!("{} bytes per second", t.shard_id)) }</td>
                                <td class={classes!("num", (throttled > 0).then_some("throttled"))}>
                                    { format!("{} write · {} read", group(t.write_throttled_last_minute), group(t.read_throttled_last_minute)) }</td>
                                <td class="num">{ group(t.records) }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                if open.iter().all(|t| t.write_limit_records.is_none()) {
                    <p class="muted small">{"On-demand mode: no per-shard write limit."}</p>
                }
            }
        </div>
    }
}
