//! Amazon EventBridge and the lake clock: rules that run a job or crawler when objects arrive,
//! recent S3 events, what rules, triggers, schedules and lifecycle rules did, and the control
//! that moves the lake's simulated time forward.

use puddle_api::{ActivitySummary, ApiError, ClockSummary, EventSummary, Request, Response, RuleSummary, S3RuleInput};
use yew::prelude::*;

use super::{call, input_value};
use crate::{
    app::use_engine,
    components::breadcrumbs::{Breadcrumbs, Crumb},
    engine::Engine,
};

/// Props of [`EventsPage`].
#[derive(Properties, PartialEq)]
pub struct EventsProps {
    /// Engine bridge.
    pub engine: Engine,
}

/// Rules, events, activity and the clock.
#[function_component(EventsPage)]
pub fn events_page(props: &EventsProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let rules = use_state(Vec::<RuleSummary>::new);
    let events = use_state(Vec::<EventSummary>::new);
    let activity = use_state(Vec::<ActivitySummary>::new);
    let error = use_state(|| None::<String>);
    let (name, bucket, prefix, kind, target) = (
        use_state(|| "run-etl-on-upload".to_string()),
        use_state(|| "data-lake-raw-123".to_string()),
        use_state(|| "sales/".to_string()),
        use_state(|| "job".to_string()),
        use_state(|| "TransformRawSalesData".to_string()),
    );
    {
        let (engine, rules, events, activity) = (props.engine.clone(), rules.clone(), events.clone(), activity.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListRules,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Rules(r)) = res {
                        rules.set(r);
                    }
                }),
            );
            call(
                &engine,
                Request::ListEvents,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Events(e)) = res {
                        events.set(e);
                    }
                }),
            );
            call(
                &engine,
                Request::ListActivity,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Activity(a)) = res {
                        activity.set(a);
                    }
                }),
            );
        });
    }
    let on_create = {
        let (engine, error) = (props.engine.clone(), error.clone());
        let (name, bucket, prefix, kind, target) =
            (name.clone(), bucket.clone(), prefix.clone(), kind.clone(), target.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = S3RuleInput {
                name: name.trim().to_string(),
                bucket: bucket.trim().to_string(),
                prefix: prefix.trim().to_string(),
                target_kind: (*kind).clone(),
                target_name: target.trim().to_string(),
            };
            let error = error.clone();
            call(
                &engine,
                Request::PutS3Rule(input),
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => error.set(None),
                    Err(e) => error.set(Some(format!("{}: {}", e.code, e.message))),
                }),
            );
        })
    };
    let on_delete = {
        let (engine, error) = (props.engine.clone(), error.clone());
        Callback::from(move |name: String| {
            let error = error.clone();
            call(
                &engine,
                Request::DeleteRule { name },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        error.set(Some(format!("{}: {}", e.code, e.message)));
                    }
                }),
            );
        })
    };
    let text = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon EventBridge".into(), href: None },
                Crumb { label: "Rules, events and the lake clock".into(), href: None },
            ]} />
            <h1>{"Lake clock"}</h1>
            <ClockCard engine={props.engine.clone()} />
            <h1>{"Rules"}</h1>
            <p class="lead">{"S3 sends an event for every object created or deleted. A rule matches events by bucket and key prefix and starts a Glue job or crawler: the course's \"run the ETL job when new data lands\"."}</p>
            <form class="card" onsubmit={on_create} aria-labelledby="new-rule-title">
                <h2 id="new-rule-title">{"When an object is created in S3, run…"}</h2>
                <div class="form-row">
                    <label>{"Rule name"}<input id="rule-name" type="text" value={(*name).clone()} oninput={text(&name)} /></label>
                    <label>{"Bucket"}<input id="rule-bucket" type="text" value={(*bucket).clone()} oninput={text(&bucket)} /></label>
                    <label>{"Key prefix"}<input id="rule-prefix" type="text" value={(*prefix).clone()} oninput={text(&prefix)} /></label>
                    <label>{"Target"}
                        <select id="rule-kind" onchange={let k = kind.clone(); Callback::from(move |e: Event| {
                            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() { k.set(s.value()); }
                        })}>
                            <option value="job" selected={*kind == "job"}>{"Glue job"}</option>
                            <option value="crawler" selected={*kind == "crawler"}>{"Glue crawler"}</option>
                        </select>
                    </label>
                    <label>{"Job or crawler name"}<input id="rule-target" type="text" value={(*target).clone()} oninput={text(&target)} /></label>
                    <button id="create-rule" class="primary" type="submit">{"Create rule"}</button>
                </div>
                if let Some(e) = &*error { <p id="rule-error" class="error-text" role="alert">{ e }</p> }
            </form>
            if rules.is_empty() {
                <div class="empty-state"><h2>{"No rules"}</h2><p>{"Create one above, or use "}<code>{"aws events put-rule"}</code>{" and "}<code>{"aws events put-targets"}</code>{" in CloudShell."}</p></div>
            } else {
                <table class="grid" id="rule-list">
                    <thead><tr><th>{"Name"}</th><th>{"State"}</th><th>{"Event pattern or schedule"}</th><th>{"Targets"}</th><th class="actions">{"Actions"}</th></tr></thead>
                    <tbody>
                    { for rules.iter().map(|r| {
                        let (on_delete, n) = (on_delete.clone(), r.name.clone());
                        html! {
                            <tr>
                                <td>{ &r.name }</td>
                                <td>{ &r.state }</td>
                                <td class="mono small wrap">{ r.event_pattern.clone().or_else(|| r.schedule_expression.clone()).unwrap_or_default() }</td>
                                <td class="mono small">{ r.targets.join(", ") }</td>
                                <td class="actions"><button class="link danger" aria-label={format!("Delete rule {}", r.name)}
                                    onclick={Callback::from(move |_| on_delete.emit(n.clone()))}>{"Delete"}</button></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            <h1>{"Activity"}</h1>
            if activity.is_empty() {
                <div class="empty-state"><p>{"Nothing has fired yet. Rules, scheduled triggers and lifecycle rules report here."}</p></div>
            } else {
                <table class="grid" id="activity-list">
                    <thead><tr><th>{"Lake time"}</th><th>{"Source"}</th><th>{"What happened"}</th><th>{"Outcome"}</th></tr></thead>
                    <tbody>
                    { for activity.iter().rev().map(|a| html! {
                        <tr>
                            <td class="small">{ short_time(&a.time) }</td>
                            <td class="mono small">{ &a.source }</td>
                            <td class="small wrap">{ &a.detail }</td>
                            <td class="small">{ &a.outcome }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            <h1>{"Recent S3 events"}</h1>
            if events.is_empty() {
                <div class="empty-state"><p>{"Upload or delete an object to see its event."}</p></div>
            } else {
                <table class="grid" id="event-list">
                    <thead><tr><th>{"Lake time"}</th><th>{"Event"}</th><th>{"Object"}</th><th>{"Size"}</th></tr></thead>
                    <tbody>
                    { for events.iter().rev().take(50).map(|e| html! {
                        <tr>
                            <td class="small">{ short_time(&e.time) }</td>
                            <td class="mono small">{ &e.event_name }</td>
                            <td class="mono small wrap">{ format!("s3://{}/{}", e.bucket, e.key) }</td>
                            <td class="num">{ e.size }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn short_time(t: &str) -> String {
    t.replace('T', " ").trim_end_matches('Z').to_string()
}

#[derive(Properties, PartialEq)]
struct ClockProps {
    engine: Engine,
}

/// The lake time and buttons that move it forward.
#[function_component(ClockCard)]
fn clock_card(props: &ClockProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let clock = use_state(|| None::<ClockSummary>);
    let busy = use_state(|| false);
    let last = use_state(Vec::<ActivitySummary>::new);
    let error = use_state(|| None::<String>);
    {
        let (engine, clock) = (props.engine.clone(), clock.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::GetClock,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Clock(c)) = res {
                        clock.set(Some(c));
                    }
                }),
            );
        });
    }
    let advance = {
        let (engine, busy, last, error) = (props.engine.clone(), busy.clone(), last.clone(), error.clone());
        Callback::from(move |minutes: i64| {
            busy.set(true);
            let (busy, last, error) = (busy.clone(), last.clone(), error.clone());
            call(
                &engine,
                Request::AdvanceClock { minutes },
                Callback::from(move |res: Result<Response, ApiError>| {
                    busy.set(false);
                    match res {
                        Ok(Response::Activity(a)) => {
                            error.set(None);
                            last.set(a);
                        }
                        Ok(_) => {}
                        Err(e) => error.set(Some(format!("{}: {}", e.code, e.message))),
                    }
                }),
            );
        })
    };
    let button = |label: &str, minutes: i64, id: &str| {
        let advance = advance.clone();
        html! { <button id={id.to_string()} disabled={*busy} onclick={Callback::from(move |_| advance.emit(minutes))}>{ label }</button> }
    };
    html! {
        <div class="card" id="clock-card">
            <div class="toolbar">
                <div>
                    <div class="muted small">{"Lake time (UTC)"}</div>
                    <div id="lake-time" class="clock-time">{ clock.as_ref().map(|c| short_time(&c.now)).unwrap_or_else(|| "…".into()) }</div>
                    <div class="muted small" id="clock-offset">{ match clock.as_ref() {
                        Some(c) if c.offset_minutes > 0 => format!("{} day(s) {} hour(s) ahead of real time", c.offset_minutes / 1440, c.offset_minutes % 1440 / 60),
                        Some(_) => "Same as real time".to_string(),
                        None => String::new(),
                    } }</div>
                </div>
                { button("+1 hour", 60, "advance-hour") }
                { button("+1 day", 1440, "advance-day") }
                { button("+7 days", 7 * 1440, "advance-week") }
                { button("+30 days", 30 * 1440, "advance-month") }
                { button("+1 year", 365 * 1440, "advance-year") }
                if *busy { <span class="spinner" aria-label="Running what became due"></span> }
            </div>
            <p class="muted small">{"Lifecycle rules, scheduled triggers and schedule rules run on this clock. It only moves forward; the real AWS services use real time."}</p>
            if let Some(e) = &*error { <p class="error-text" role="alert">{ e }</p> }
            if !last.is_empty() {
                <ul id="clock-activity" class="small">
                    { for last.iter().map(|a| html! { <li>{ format!("{} · {} · {} [{}]", short_time(&a.time), a.source, a.detail, a.outcome) }</li> }) }
                </ul>
            }
        </div>
    }
}
