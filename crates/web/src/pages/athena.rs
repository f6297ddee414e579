//! Athena: the query editor.

use puddle_api::{ApiError, QueryExecutionSummary, QueryResult, Request, Response, TableSummary};
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::call;
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        human_bytes,
        results_table::ResultsTable,
    },
    engine::Engine,
    route::Route,
};

const LAB_QUERY: &str = "SELECT region, COUNT(*) AS sales_count\nFROM sales_data\nGROUP BY region;";

/// Props of [`AthenaPage`].
#[derive(Properties, PartialEq)]
pub struct AthenaProps {
    /// Engine bridge.
    pub engine: Engine,
}

#[derive(Clone, PartialEq)]
enum Run {
    Idle,
    Running,
    Done(QueryResult),
    Failed { code: String, message: String },
}

/// Query editor, catalog side panel and results.
#[function_component(AthenaPage)]
pub fn athena_page(props: &AthenaProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let tables = super::use_catalog_tables(&props.engine, version);
    let database = use_state(|| "default".to_string());
    let query = use_state(|| LAB_QUERY.to_string());
    let run = use_state(|| Run::Idle);
    let history = use_state(Vec::<QueryExecutionSummary>::new);
    {
        let (engine, history) = (props.engine.clone(), history.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListQueryExecutions,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::QueryExecutions(h)) = res {
                        history.set(h);
                    }
                }),
            );
        });
    }
    let execute = {
        let (engine, query, database, run) = (props.engine.clone(), query.clone(), database.clone(), run.clone());
        Callback::from(move |_: ()| {
            if *run == Run::Running {
                return;
            }
            let text = query.trim().trim_end_matches(';').trim().to_string();
            if text.is_empty() {
                run.set(Run::Failed { code: "InvalidRequestException".into(), message: "Enter a query first.".into() });
                return;
            }
            run.set(Run::Running);
            let run = run.clone();
            let req = Request::StartQueryExecution { query: text, database: Some((*database).clone()) };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    run.set(match res {
                        Ok(Response::QueryExecution { result: Some(r), .. }) => Run::Done(r),
                        Ok(Response::QueryExecution { execution, result: None }) => Run::Failed {
                            code: "QueryFailed".into(),
                            message: execution.state_change_reason.unwrap_or_else(|| execution.state.clone()),
                        },
                        Ok(_) => Run::Failed { code: "InternalError".into(), message: "unexpected response".into() },
                        Err(e) => Run::Failed { code: e.code, message: e.message },
                    })
                }),
            );
        })
    };
    let on_keydown = {
        let execute = execute.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                execute.emit(());
            }
        })
    };
    let on_input = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                query.set(t.value());
            }
        })
    };
    let on_database = {
        let database = database.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                database.set(s.value());
            }
        })
    };
    let mut databases: Vec<String> = tables.iter().map(|t| t.database.clone()).collect();
    databases.push("default".into());
    databases.push((*database).clone());
    databases.sort();
    databases.dedup();
    let in_db: Vec<&TableSummary> = tables.iter().filter(|t| t.database == *database).collect();
    html! {
        <section class="page athena">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Athena".into(), href: Some(Route::Athena.href()) },
                Crumb { label: "Query editor".into(), href: None },
            ]} />
            <h1>{"Query editor"}</h1>
            <div class="editor-layout">
                <aside class="card side-panel" aria-label="Data Catalog">
                    <label for="database-select">{"Database"}</label>
                    <select id="database-select" onchange={on_database}>
                        { for databases.iter().map(|d| html! { <option value={d.clone()} selected={*d == *database}>{ d }</option> }) }
                    </select>
                    <h2>{ format!("Tables ({})", in_db.len()) }</h2>
                    if in_db.is_empty() {
                        <p class="muted small">{"No tables yet. In S3, open a folder with your data and use "}<em>{"Create a table from this folder"}</em>{", or run CREATE EXTERNAL TABLE here."}</p>
                    }
                    <ul class="table-tree">
                    { for in_db.iter().map(|t| html! {
                        <li>
                            <details>
                                <summary>{ &t.name }<span class="muted small">{ format!(" {}", t.classification) }</span></summary>
                                <ul>{ for t.columns.iter().map(|c| html! {
                                    <li><span>{ &c.name }</span><span class="col-type">{ &c.data_type }</span></li>
                                }) }</ul>
                            </details>
                        </li>
                    }) }
                    </ul>
                </aside>
                <div class="editor-main">
                    <div class="card">
                        <label for="query-editor" class="visually-hidden">{"SQL query"}</label>
                        <textarea id="query-editor" class="sql-editor" spellcheck="false" rows="8"
                            value={(*query).clone()} oninput={on_input} onkeydown={on_keydown} />
                        <div class="toolbar">
                            <button id="run-query" class="primary" disabled={*run == Run::Running}
                                onclick={let execute = execute.clone(); Callback::from(move |_| execute.emit(()))}>
                                { if *run == Run::Running { "Running…" } else { "Run" } }
                            </button>
                            <span class="muted small">{"Ctrl+Enter runs the query"}</span>
                        </div>
                    </div>
                    <QueryOutcome run={(*run).clone()} />
                    <div class="card">
                        <h2>{ format!("Recent queries ({})", history.len()) }</h2>
                        if history.is_empty() {
                            <p class="muted small">{"Queries you run are kept here, with their results in S3."}</p>
                        } else {
                            <table class="grid" id="query-history">
                                <thead><tr><th>{"Query"}</th><th>{"State"}</th><th>{"Run time"}</th><th>{"Data scanned"}</th><th>{"Results"}</th></tr></thead>
                                <tbody>
                                { for history.iter().take(20).map(|h| {
                                    let (q, set) = (h.query.clone(), query.clone());
                                    html! {
                                        <tr>
                                            <td><button class="link mono small" title="Open in the editor" onclick={Callback::from(move |_| set.set(q.clone()))}>
                                                { h.query.chars().take(70).collect::<String>() }</button></td>
                                            <td>{ &h.state }</td>
                                            <td>{ format!("{:.0} ms", h.engine_ms) }</td>
                                            <td>{ human_bytes(h.bytes_scanned) }</td>
                                            <td class="mono small">{ if h.state == "SUCCEEDED" { h.output_location.clone() } else { h.state_change_reason.clone().unwrap_or_default().chars().take(60).collect() } }</td>
                                        </tr>
                                    }
                                }) }
                                </tbody>
                            </table>
                        }
                    </div>
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OutcomeProps {
    run: Run,
}

#[function_component(QueryOutcome)]
fn query_outcome(props: &OutcomeProps) -> Html {
    match &props.run {
        Run::Idle => html! { <div class="card muted">{"Results of your query appear here."}</div> },
        Run::Running => {
            html! { <div id="query-status" class="card" role="status"><span class="spinner" aria-hidden="true"></span>{"Running query…"}</div> }
        }
        Run::Failed { code, message } => html! {
            <div id="query-error" class="card error" role="alert">
                <strong>{"Query failed"}</strong><span class="muted">{ format!(" ({code})") }</span>
                <pre class="error-message">{ message }</pre>
            </div>
        },
        Run::Done(result) => html! {
            <div class="card results">
                <div id="query-status" class="stats" role="status">
                    <span class="badge success">{"Completed"}</span>
                    <span id="row-count">{ format!("{} row(s)", result.rows.len()) }</span>
                    <span>{ format!("Run time: {:.0} ms", result.stats.elapsed_ms) }</span>
                    <span>{ format!("Data scanned: {}", human_bytes(result.stats.bytes_scanned)) }</span>
                    <span title="Athena bills scanned bytes rounded up to the MB, at least 10 MB, at $5 per TB">
                        { format!("Cost: ${:.7}", result.stats.cost_usd) }
                    </span>
                </div>
                <ResultsTable result={result.clone()} />
            </div>
        },
    }
}
