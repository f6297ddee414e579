//! AWS Glue: crawlers (create with the wizard in `crawler_wizard`, run, report with the per-file
//! trace) and the Data Catalog.

use puddle_api::{ApiError, CrawlProgressSummary, CrawlRunSummary, CrawlerSummary, Request, Response};
use yew::prelude::*;

use super::{
    call,
    crawler_wizard::{draft::cron_in_words, CrawlerWizard},
};
use crate::{
    app::use_engine,
    components::breadcrumbs::{Breadcrumbs, Crumb},
    engine::Engine,
    route::Route,
};

/// Props of [`GluePage`].
#[derive(Properties, PartialEq)]
pub struct GlueProps {
    /// Engine bridge.
    pub engine: Engine,
}

/// Crawlers and the catalog.
#[function_component(GluePage)]
pub fn glue_page(props: &GlueProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let crawlers = use_state(Vec::<CrawlerSummary>::new);
    let tables = super::use_catalog_tables(&props.engine, version);
    let running = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let shown_report = use_state(|| None::<String>);
    let wizard_open = use_state(|| false);
    let created = use_state(|| None::<String>);
    let create_button = use_node_ref();
    // While a crawl works, re-read the crawlers for its progress.
    let crawling = running.is_some() || crawlers.iter().any(|c| c.state != "READY");
    let tick = super::use_ticker(crawling, 400);
    {
        let (engine, crawlers) = (props.engine.clone(), crawlers.clone());
        use_effect_with((version, tick), move |_| {
            call(
                &engine,
                Request::ListCrawlers,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Crawlers(c)) = res {
                        crawlers.set(c);
                    }
                }),
            );
        });
    }
    let on_open = {
        let (wizard_open, created) = (wizard_open.clone(), created.clone());
        Callback::from(move |_| {
            created.set(None);
            wizard_open.set(true);
        })
    };
    let on_wizard_close = {
        let (wizard_open, created, button) = (wizard_open.clone(), created.clone(), create_button.clone());
        Callback::from(move |name: Option<String>| {
            wizard_open.set(false);
            created.set(name);
            // Focus goes back to the button that opened the wizard, once it is rendered again.
            let button = button.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ =
                    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL)).await;
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            });
        })
    };
    let mut databases: Vec<String> = tables.iter().map(|t| t.database.clone()).collect();
    databases.push("default".into());
    databases.sort();
    databases.dedup();
    let on_run = {
        let (engine, running, error, shown_report) =
            (props.engine.clone(), running.clone(), error.clone(), shown_report.clone());
        Callback::from(move |crawler: String| {
            running.set(Some(crawler.clone()));
            let (running, error, shown_report) = (running.clone(), error.clone(), shown_report.clone());
            let req = Request::StartCrawler { name: crawler.clone() };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    running.set(None);
                    match res {
                        Ok(_) => shown_report.set(Some(crawler.clone())),
                        Err(e) => error.set(Some(format!("{}: {}", e.code, e.message))),
                    }
                }),
            );
        })
    };
    let on_stop = {
        let (engine, error) = (props.engine.clone(), error.clone());
        Callback::from(move |crawler: String| {
            let error = error.clone();
            call(
                &engine,
                Request::StopCrawler { name: crawler },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        error.set(Some(format!("{}: {}", e.code, e.message)));
                    }
                }),
            );
        })
    };
    let report_for = shown_report
        .as_ref()
        .and_then(|n| crawlers.iter().find(|c| &c.name == n))
        .and_then(|c| c.last_crawl.clone().map(|r| (c.name.clone(), r)));
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "AWS Glue".into(), href: Some(Route::Glue.href()) },
                Crumb { label: "Crawlers and Data Catalog".into(), href: None },
            ]} />
            <h1>{"Crawlers"}</h1>
            <p class="lead">{"A crawler reads the files under an S3 path, infers their schema and partitions, and writes tables to the Data Catalog for Athena."}</p>
            if *wizard_open {
                <CrawlerWizard engine={props.engine.clone()} existing={crawlers.iter().map(|c| c.name.clone()).collect::<Vec<_>>()}
                    {databases} on_close={on_wizard_close} />
            } else {
                <div class="toolbar">
                    <button id="create-crawler" class="primary" ref={create_button} onclick={on_open}>{"Create crawler"}</button>
                    if let Some(name) = &*created {
                        <span class="success-text" id="crawler-created" role="status">{ format!("Crawler {name} created. Run it from the list.") }</span>
                    }
                </div>
            }
            if let Some(e) = &*error {
                <p id="crawler-error" class="error-text" role="alert">{ e }</p>
            }
            if crawlers.is_empty() {
                <div class="empty-state"><h2>{"No crawlers yet"}</h2><p>{"Create one with the wizard above, or run "}<code>{"aws glue create-crawler"}</code>{" in CloudShell."}</p></div>
            } else {
                <table class="grid" id="crawler-list">
                    <thead><tr><th>{"Name"}</th><th>{"State"}</th><th>{"Database"}</th><th>{"Targets"}</th><th>{"Schedule"}</th><th>{"Last run"}</th><th class="actions">{"Actions"}</th></tr></thead>
                    <tbody>
                    { for crawlers.iter().map(|c| {
                        let is_running = running.as_deref() == Some(c.name.as_str());
                        let on_run = on_run.clone();
                        let on_report = { let s = shown_report.clone(); let n = c.name.clone(); Callback::from(move |_| s.set(Some(n.clone()))) };
                        let n = c.name.clone();
                        let state = if is_running && c.state == "READY" { "RUNNING".to_string() } else { c.state.clone() };
                        html! {
                            <tr>
                                <td>{ &c.name }</td>
                                <td class="crawler-state" data-crawler={c.name.clone()}>
                                    <span class={classes!("state", state.to_lowercase())}>{ &state }</span>
                                    if state != "READY" { <CrawlProgressBar progress={c.progress.clone()} /> }
                                </td>
                                <td>{ &c.database }</td>
                                <td class="mono small">{ c.targets.join(", ") }
                                    if !c.exclusions.is_empty() { <span class="muted">{ format!(" (excluding {})", c.exclusions.join(", ")) }</span> }</td>
                                <td class="small crawler-schedule">{ match &c.schedule {
                                    Some(expr) => html! { <span title={expr.clone()}>{ cron_in_words(expr) }</span> },
                                    None => html! { <span class="muted">{"On demand"}</span> },
                                }}</td>
                                <td>{ match &c.last_crawl {
                                    Some(r) => html! { <button class="link" onclick={on_report}>{ last_run_text(r) }</button> },
                                    None => html! { <span class="muted">{"never run"}</span> },
                                }}</td>
                                <td class="actions">
                                    if state == "READY" {
                                        <button class="primary run-crawler" data-crawler={c.name.clone()} disabled={running.is_some()}
                                            onclick={Callback::from(move |_| on_run.emit(n.clone()))}>
                                            {"Run"}
                                        </button>
                                    } else {
                                        <button class="stop-crawler" data-crawler={c.name.clone()} disabled={state != "RUNNING"}
                                            onclick={let (s, n) = (on_stop.clone(), c.name.clone()); Callback::from(move |_| s.emit(n.clone()))}>
                                            { if state == "RUNNING" { "Stop" } else { "Stopping…" } }
                                        </button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            if let Some((name, run)) = report_for {
                <CrawlReport {name} {run} />
            }
            <h1>{"Data Catalog"}</h1>
            if tables.is_empty() {
                <div class="empty-state"><h2>{"No tables yet"}</h2><p>{"Run a crawler, or create a table from an S3 folder."}</p></div>
            } else {
                <table class="grid" id="catalog-tables">
                    <thead><tr><th>{"Table"}</th><th>{"Database"}</th><th>{"Classification"}</th><th>{"Columns"}</th><th>{"Partitions"}</th><th>{"Location"}</th></tr></thead>
                    <tbody>
                    { for tables.iter().map(|t| html! {
                        <tr>
                            <td class="mono"><a href={Route::Catalog { database: Some(t.database.clone()), table: Some(t.name.clone()) }.href()}>{ &t.name }</a></td>
                            <td>{ &t.database }</td>
                            <td>{ &t.classification }</td>
                            <td class="small">{ t.columns.iter().map(|c| format!("{} {}", c.name, c.data_type)).collect::<Vec<_>>().join(", ") }</td>
                            <td>{ if t.partition_keys.is_empty() { "—".to_string() } else { format!("{} ({})", t.partition_keys.join(", "), t.partition_count) } }</td>
                            <td class="mono small">{ &t.location }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProgressProps {
    progress: Option<CrawlProgressSummary>,
}

/// Files classified out of files listed, and the file being read.
#[function_component(CrawlProgressBar)]
fn crawl_progress_bar(props: &ProgressProps) -> Html {
    let Some(p) = &props.progress else {
        return html! { <span class="spinner" aria-hidden="true"></span> };
    };
    let label = if p.files_total == 0 {
        "Listing files…".to_string()
    } else {
        format!("{} of {} files · {:.0} s", p.files_done, p.files_total, p.elapsed_seconds)
    };
    html! {
        <div class="progress crawl-progress">
            <progress max={p.files_total.max(1).to_string()} value={p.files_done.to_string()} aria-label="Crawl progress"></progress>
            <span class="small muted" title={p.current.clone().unwrap_or_default()}>{ label }</span>
        </div>
    }
}

fn last_run_text(r: &CrawlRunSummary) -> String {
    format!(
        "{} · {} created, {} updated · {:.1} s",
        r.status,
        r.tables_created.len(),
        r.tables_updated.len(),
        r.duration_seconds
    )
}

#[derive(Properties, PartialEq)]
struct ReportProps {
    name: String,
    run: CrawlRunSummary,
}

/// A run's outcome and the classifier's decision for every file.
#[function_component(CrawlReport)]
fn crawl_report(props: &ReportProps) -> Html {
    let r = &props.run;
    html! {
        <div class="card" id="crawl-report" role="status">
            <h2>{ format!("Last run of {}: {}", props.name, r.status) }</h2>
            if let Some(e) = &r.error_message { <p class="error-text">{ e }</p> }
            <p>
                { format!("Tables created: {}. ", if r.tables_created.is_empty() { "none".into() } else { r.tables_created.join(", ") }) }
                { format!("Updated: {}. ", if r.tables_updated.is_empty() { "none".into() } else { r.tables_updated.join(", ") }) }
                { format!("Partitions added: {}. Files read: {}, skipped: {}.", r.partitions_added, r.files_read, r.files_skipped) }
            </p>
            <table class="grid">
                <thead><tr><th>{"File"}</th><th>{"Classification"}</th><th>{"Classifier's reasoning"}</th><th>{"Outcome"}</th></tr></thead>
                <tbody>
                { for r.traces.iter().map(|t| html! {
                    <tr>
                        <td class="mono small">{ &t.path }</td>
                        <td>{ &t.classification }</td>
                        <td class="small">{ &t.reason }</td>
                        <td class="small">{ t.skipped.clone().unwrap_or_else(|| "in table".into()) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
