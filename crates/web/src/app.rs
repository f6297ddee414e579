//! The console shell: top bar, service navigation, engine status, and the current page.

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    components::producer::Producer,
    engine::{Engine, EngineState},
    pages::{
        athena::AthenaPage,
        bucket_settings::BucketSettingsPage,
        events::EventsPage,
        firehose::{details::DeliveryStreamPage, FirehosePage},
        glue::GluePage,
        jobs::JobsPage,
        kinesis::{details::StreamPage, KinesisPage},
        s3::BucketPage,
        s3::BucketsPage,
        terminal::TerminalPage,
        visual_job::VisualJobPage,
    },
    route::{use_route, Route},
};

/// Props of [`App`].
#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// The engine bridge every page talks to.
    pub engine: Engine,
}

/// Re-renders the calling component whenever the engine's state or the lake changes.
#[hook]
pub fn use_engine(engine: &Engine) -> (EngineState, u32) {
    let update = use_force_update();
    {
        let engine = engine.clone();
        use_effect_with((), move |_| {
            let listener: Rc<dyn Fn()> = Rc::new(move || update.force_update());
            engine.subscribe(Rc::clone(&listener));
            move || engine.unsubscribe(&listener)
        });
    }
    (engine.state(), engine.lake_version())
}

/// The whole console.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let route = use_route();
    let (state, _) = use_engine(&props.engine);
    // The producer outlives page changes: a run keeps going between Kinesis and Firehose.
    let producer = use_memo((), |_| Producer::default());
    let engine = props.engine.clone();
    let page = match &route {
        Route::Buckets => html! { <BucketsPage engine={engine.clone()} /> },
        Route::Bucket { bucket, prefix } => {
            html! { <BucketPage engine={engine.clone()} bucket={bucket.clone()} prefix={prefix.clone()} /> }
        }
        Route::Glue => html! { <GluePage engine={engine.clone()} /> },
        Route::Catalog { database, table } => html! {
            <crate::pages::catalog::CatalogPage engine={engine.clone()} database={database.clone()} table={table.clone()} />
        },
        Route::Jobs => html! { <JobsPage engine={engine.clone()} /> },
        Route::VisualJob => html! { <VisualJobPage engine={engine.clone()} /> },
        Route::Events => html! { <EventsPage engine={engine.clone()} /> },
        Route::BucketSettings { bucket } => {
            html! { <BucketSettingsPage engine={engine.clone()} bucket={bucket.clone()} /> }
        }
        Route::Athena => html! { <AthenaPage engine={engine.clone()} /> },
        Route::Terminal => html! { <TerminalPage engine={engine.clone()} /> },
        Route::Kinesis { stream: None } => html! { <KinesisPage engine={engine.clone()} /> },
        Route::Kinesis { stream: Some(s) } => html! { <StreamPage engine={engine.clone()} name={s.clone()} /> },
        Route::Firehose { name: None } => html! { <FirehosePage engine={engine.clone()} /> },
        Route::Firehose { name: Some(n) } => html! { <DeliveryStreamPage engine={engine.clone()} name={n.clone()} /> },
    };
    let nav_item = |target: Route, label: &str, icon: Html| {
        let active = matches!(
            (&route, &target),
            (Route::Buckets | Route::Bucket { .. } | Route::BucketSettings { .. }, Route::Buckets)
                | (Route::Glue | Route::Catalog { .. }, Route::Glue)
                | (Route::Jobs | Route::VisualJob, Route::Jobs)
                | (Route::Events, Route::Events)
                | (Route::Athena, Route::Athena)
                | (Route::Terminal, Route::Terminal)
                | (Route::Kinesis { .. }, Route::Kinesis { .. })
                | (Route::Firehose { .. }, Route::Firehose { .. })
        );
        html! {
            <a href={target.href()} class={classes!("nav-item", active.then_some("active"))}
               aria-current={active.then_some("page")}>
                <span class="nav-icon" aria-hidden="true">{icon}</span>{label}
            </a>
        }
    };
    html! {
        <ContextProvider<Producer> context={(*producer).clone()}>
        <div class="app">
            <header class="topbar">
                <a class="brand" href="#/s3"><span class="logo" aria-hidden="true">{"◆"}</span>{"Puddle"}</a>
                <span class="account">{"Account 123456789012 · local browser region"}</span>
                <EngineStatus state={state.clone()} />
            </header>
            <EngineBanner engine={engine.clone()} state={state} />
            <div class="layout">
                <nav class="sidenav" aria-label="Services">
                    <div class="nav-title">{"Services"}</div>
                    { nav_item(Route::Buckets, "S3", icon_bucket()) }
                    { nav_item(Route::Glue, "Glue crawlers", icon_crawler()) }
                    { nav_item(Route::Jobs, "Glue ETL jobs", icon_job()) }
                    { nav_item(Route::Athena, "Athena", icon_query()) }
                    { nav_item(Route::Kinesis { stream: None }, "Kinesis streams", icon_stream()) }
                    { nav_item(Route::Firehose { name: None }, "Firehose", icon_firehose()) }
                    { nav_item(Route::Events, "EventBridge", icon_events()) }
                    { nav_item(Route::Terminal, "CloudShell", icon_terminal()) }
                </nav>
                <main class="content">{ page }</main>
            </div>
        </div>
        </ContextProvider<Producer>>
    }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    state: EngineState,
}

#[function_component(EngineStatus)]
fn engine_status(props: &StatusProps) -> Html {
    let (class, text) = match &props.state {
        EngineState::Starting => ("starting", "Engine starting…".to_string()),
        EngineState::Ready { persistent: true, .. } => ("ready", "Engine ready · saved in this browser".to_string()),
        EngineState::Ready { persistent: false, .. } => ("warn", "Engine ready · in memory only".to_string()),
        EngineState::Failed(_) => ("failed", "Engine failed".to_string()),
    };
    html! { <span id="engine-status" class={classes!("engine-status", class)} role="status">{ text }</span> }
}

#[derive(Properties, PartialEq)]
struct BannerProps {
    engine: Engine,
    state: EngineState,
}

/// Crashes, start failures and storage warnings, shown above every page.
#[function_component(EngineBanner)]
fn engine_banner(props: &BannerProps) -> Html {
    let dismissed = use_state(|| None::<String>);
    let message = match (&props.state, props.engine.last_crash()) {
        (EngineState::Failed(e), _) => Some(format!("The engine could not start: {e}. Reload the page to try again.")),
        (_, Some(crash)) => {
            Some(format!("The engine hit an internal error and restarted: {crash}. Everything saved before is safe."))
        }
        (EngineState::Ready { warning: Some(w), .. }, None) => Some(w.clone()),
        _ => None,
    };
    match message {
        Some(m) if dismissed.as_deref() != Some(m.as_str()) => {
            let onclick = {
                let dismissed = dismissed.clone();
                let m = m.clone();
                Callback::from(move |_| dismissed.set(Some(m.clone())))
            };
            html! {
                <div id="engine-banner" class="banner error" role="alert">
                    <span>{ m }</span>
                    <button class="link" {onclick} aria-label="Dismiss">{"Dismiss"}</button>
                </div>
            }
        }
        _ => html! {},
    }
}

fn icon_bucket() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <ellipse cx="8" cy="3.5" rx="6" ry="2" />
            <path d="M2 3.5l1.5 9.5c.3 1.3 2.3 2 4.5 2s4.2-.7 4.5-2L14 3.5" />
        </svg>
    }
}

fn icon_query() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <circle cx="7" cy="7" r="4.5" />
            <path d="M10.5 10.5L14.5 14.5" />
        </svg>
    }
}

fn icon_terminal() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
            <path d="M4.5 6l2.5 2-2.5 2M8.5 10.5h3" />
        </svg>
    }
}

fn icon_job() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <circle cx="3.5" cy="8" r="2" />
            <circle cx="12.5" cy="4" r="2" />
            <circle cx="12.5" cy="12" r="2" />
            <path d="M5.5 7.2L10.5 4.8M5.5 8.8l5 2.4" />
        </svg>
    }
}

fn icon_events() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <circle cx="8" cy="8" r="6" />
            <path d="M8 4.5V8l2.5 1.5" />
        </svg>
    }
}

fn icon_crawler() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <ellipse cx="8" cy="3.5" rx="5.5" ry="2" />
            <path d="M2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2" />
        </svg>
    }
}

fn icon_stream() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <path d="M1.5 5c2-2 4-2 6.5 0s4.5 2 6.5 0M1.5 11c2-2 4-2 6.5 0s4.5 2 6.5 0" />
        </svg>
    }
}

fn icon_firehose() -> Html {
    html! {
        <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5">
            <path d="M1.5 4.5h7l3 3.5-3 3.5h-7M11.5 8h3" />
        </svg>
    }
}
