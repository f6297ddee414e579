//! The producer's card: target, templates, rate, Start/Stop and the live counts.

use yew::prelude::*;

use super::{
    batch::{TargetKind, MAX_RATE},
    template::Template,
    ProducerConfig,
};
use crate::{
    engine::Engine,
    pages::{input_value, textarea_value, use_ticker},
};

/// Props of [`ProducerPanel`].
#[derive(Properties, PartialEq)]
pub struct ProducerPanelProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Targets the page offers (the first is chosen when none is).
    pub targets: Vec<(TargetKind, String)>,
}

fn target_value(kind: TargetKind, name: &str) -> String {
    match kind {
        TargetKind::Stream => format!("kinesis:{name}"),
        TargetKind::DeliveryStream => format!("firehose:{name}"),
    }
}

fn parse_target(value: &str) -> Option<(TargetKind, String)> {
    let (service, name) = value.split_once(':')?;
    let kind = if service == "kinesis" { TargetKind::Stream } else { TargetKind::DeliveryStream };
    Some((kind, name.to_string()))
}

/// The producer card. Its set-up and counts live in the app's [`super::Producer`].
#[function_component(ProducerPanel)]
pub fn producer_panel(props: &ProducerPanelProps) -> Html {
    let producer = use_context::<super::Producer>().unwrap_or_default();
    let running = producer.running();
    // Counts re-read every half second while a run goes.
    let _ = use_ticker(running, 500);
    let refresh = use_force_update();
    let error = use_state(|| None::<String>);
    let mut config = producer.config();
    let known = props.targets.iter().any(|(k, n)| *k == config.kind && *n == config.name);
    if !running && !known {
        if let Some((kind, name)) = props.targets.first() {
            config.kind = *kind;
            config.name = name.clone();
            producer.set_config(config.clone());
        }
    }
    let update = {
        let (producer, refresh) = (producer.clone(), refresh.clone());
        move |f: fn(&mut ProducerConfig, String)| {
            let (producer, refresh) = (producer.clone(), refresh.clone());
            move |value: String| {
                let mut c = producer.config();
                f(&mut c, value);
                producer.set_config(c);
                refresh.force_update();
            }
        }
    };
    let on_target = {
        let set = update(|c, v| {
            if let Some((k, n)) = parse_target(&v) {
                c.kind = k;
                c.name = n;
            }
        });
        Callback::from(move |e: Event| set(crate::pages::select_value(&e)))
    };
    let on_record = {
        let set = update(|c, v| c.record = v);
        Callback::from(move |e: InputEvent| set(textarea_value(&e)))
    };
    let on_key = {
        let set = update(|c, v| c.partition_key = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_rate = {
        let set = update(|c, v| c.rate = v.trim().parse::<u32>().unwrap_or(0).min(MAX_RATE));
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_start = {
        let (producer, engine, error, refresh) =
            (producer.clone(), props.engine.clone(), error.clone(), refresh.clone());
        Callback::from(move |_| {
            error.set(producer.start(&engine).err());
            refresh.force_update();
        })
    };
    let on_stop = {
        let (producer, refresh) = (producer.clone(), refresh.clone());
        Callback::from(move |_| {
            producer.stop();
            refresh.force_update();
        })
    };
    let record_error = Template::parse(&config.record).err();
    let key_error = Template::parse(&config.partition_key).err();
    let tally = producer.tally();
    let mut options = props.targets.clone();
    if !config.name.is_empty() && !known {
        options.insert(0, (config.kind, config.name.clone()));
    }
    html! {
        <section class="card producer" id="producer" aria-labelledby="producer-title">
            <h2 id="producer-title">{"Producer"}</h2>
            <p class="muted small">{"Sends generated records, like the Kinesis Data Generator. Fields: "}
                <code>{"{{random.number(1,500)}}"}</code>{" "}<code>{"{{random.float(1,9)}}"}</code>{" "}
                <code>{"{{random.arrayElement([\"NSW\",\"VIC\"])}}"}</code>{" "}<code>{"{{random.uuid}}"}</code>{" "}
                <code>{"{{random.boolean}}"}</code>{" "}<code>{"{{date.now}}"}</code>{" "}<code>{"{{date.epoch}}"}</code>{" "}
                <code>{"{{counter}}"}</code></p>
            <div class="form-row">
                <label>{"Send to"}
                    <select id="producer-target" onchange={on_target} disabled={running}>
                        if options.is_empty() { <option value="">{"No stream yet"}</option> }
                        { for options.iter().map(|(k, n)| {
                            let value = target_value(*k, n);
                            let label = match k { TargetKind::Stream => format!("Kinesis stream {n}"), TargetKind::DeliveryStream => format!("Firehose {n}") };
                            html! { <option value={value} selected={*k == config.kind && *n == config.name}>{ label }</option> }
                        }) }
                    </select>
                </label>
                <label>{"Records per second"}
                    <input id="producer-rate" type="number" min="1" max={MAX_RATE.to_string()} value={config.rate.to_string()}
                        oninput={on_rate} disabled={running} />
                </label>
                if config.kind == TargetKind::Stream {
                    <label class="grow">{"Partition key template"}
                        <input id="producer-key" type="text" value={config.partition_key.clone()} oninput={on_key}
                            disabled={running} aria-invalid={key_error.is_some().then_some("true")} />
                    </label>
                }
            </div>
            if let Some(e) = &key_error { <p class="error-text" role="alert">{ format!("Partition key template, {e}") }</p> }
            <label class="block-label" for="producer-record">{"Record template"}</label>
            <textarea id="producer-record" class="template-editor" rows="4" spellcheck="false" value={config.record.clone()}
                oninput={on_record} disabled={running} aria-invalid={record_error.is_some().then_some("true")} />
            if let Some(e) = &record_error { <p class="error-text" id="producer-template-error" role="alert">{ format!("Record template, {e}") }</p> }
            <div class="toolbar">
                if running {
                    <button id="producer-stop" class="primary danger" onclick={on_stop}>{"Stop"}</button>
                    <span class="spinner" aria-hidden="true"></span>
                } else {
                    <button id="producer-start" class="primary" onclick={on_start}
                        disabled={record_error.is_some() || key_error.is_some() || config.rate == 0}>{"Start"}</button>
                }
                <span class="stats" role="status" aria-live="polite">
                    <span>{"Sent "}<strong id="producer-sent">{ tally.sent }</strong></span>
                    <span class={classes!((tally.throttled > 0).then_some("throttled"))}>{"Throttled "}<strong id="producer-throttled">{ tally.throttled }</strong></span>
                    <span class={classes!((tally.errors > 0).then_some("error-count"))}>{"Errors "}<strong id="producer-errors">{ tally.errors }</strong></span>
                </span>
            </div>
            if let Some(e) = &*error { <p class="error-text" role="alert">{ e }</p> }
            if let Some(e) = &tally.last_error { <p class="error-text small" id="producer-last-error">{ format!("Last error: {e}") }</p> }
        </section>
    }
}
