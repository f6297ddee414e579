//! Athena: the query workbench. Query tabs (each with its SQL and its result), a highlighted
//! editor with completion, a virtually scrolled results grid with CSV download, cancel, and a
//! side panel with the workgroup, the catalog tree, the workgroup's history and saved queries.

use std::rc::Rc;

use puddle_api::{
    ApiError, NamedQuerySummary, QueryExecutionSummary, QueryResult, Request, Response, TableSummary, WorkGroupSummary,
};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{
    athena_cancel::{client_request_token, is_user_cancel, needs_restart, STOP_ANSWER_WAIT_MS},
    call, input_value,
};
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        human_bytes,
        results_table::{to_csv, ResultsTable},
        sql_editor::SqlEditor,
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

/// Where a tab's query is.
#[derive(Clone, PartialEq)]
enum Run {
    Idle,
    Running,
    Done(Rc<QueryResult>),
    Failed { code: String, message: String },
    Cancelled,
}

/// One query tab.
#[derive(Clone, PartialEq)]
struct Tab {
    id: u32,
    title: String,
    sql: String,
    run: Run,
    /// The run whose answer the tab waits for (later answers of older runs are ignored).
    token: u32,
}

#[derive(Clone, PartialEq)]
struct Tabs {
    tabs: Vec<Tab>,
    active: u32,
    next_id: u32,
    next_token: u32,
}

enum Action {
    Add,
    Close(u32),
    Select(u32),
    Rename(u32, String),
    SetSql(u32, String),
    /// Marks the tab running with this token.
    Start(u32, u32),
    Finish {
        id: u32,
        token: u32,
        run: Run,
    },
    Cancel(u32),
}

impl Default for Tabs {
    fn default() -> Self {
        let first = Tab { id: 1, title: "Query 1".into(), sql: LAB_QUERY.into(), run: Run::Idle, token: 0 };
        Tabs { tabs: vec![first], active: 1, next_id: 2, next_token: 1 }
    }
}

impl Reducible for Tabs {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Add => {
                let id = s.next_id;
                s.next_id += 1;
                s.tabs.push(Tab { id, title: format!("Query {id}"), sql: String::new(), run: Run::Idle, token: 0 });
                s.active = id;
            }
            Action::Close(id) => {
                if s.tabs.len() > 1 {
                    let pos = s.tabs.iter().position(|t| t.id == id).unwrap_or(0);
                    s.tabs.retain(|t| t.id != id);
                    if s.active == id {
                        s.active = s.tabs[pos.min(s.tabs.len() - 1)].id;
                    }
                }
            }
            Action::Select(id) => s.active = id,
            Action::Rename(id, title) => {
                let title = title.trim().to_string();
                if let (Some(t), false) = (s.tabs.iter_mut().find(|t| t.id == id), title.is_empty()) {
                    t.title = title;
                }
            }
            Action::SetSql(id, sql) => {
                if let Some(t) = s.tabs.iter_mut().find(|t| t.id == id) {
                    t.sql = sql;
                }
            }
            Action::Start(id, token) => {
                s.next_token = s.next_token.max(token + 1);
                if let Some(t) = s.tabs.iter_mut().find(|t| t.id == id) {
                    t.run = Run::Running;
                    t.token = token;
                }
            }
            Action::Finish { id, token, run } => match s.tabs.iter_mut().find(|t| t.id == id) {
                Some(t) if t.token == token && t.run == Run::Running => t.run = run,
                _ => return self,
            },
            Action::Cancel(id) => {
                if let Some(t) = s.tabs.iter_mut().find(|t| t.id == id) {
                    if t.run == Run::Running {
                        t.run = Run::Cancelled;
                    }
                }
            }
        }
        Rc::new(s)
    }
}

/// Downloads `text` as a file named `name`.
fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document.create_element("a").map(|a| a.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The URL is not revoked: revoking right after `click` can cancel the download.
}

fn error_text(e: &ApiError) -> String {
    format!("{}: {}", e.code, e.message)
}

/// The workbench.
#[function_component(AthenaPage)]
pub fn athena_page(props: &AthenaProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let tables = Rc::new(super::use_catalog_tables(&props.engine, version));
    let database = use_state(|| "default".to_string());
    let workgroup = use_state(|| "primary".to_string());
    let tabs = use_reducer(Tabs::default);
    let tokens = use_mut_ref(|| 1u32);
    let history = use_state(Vec::<QueryExecutionSummary>::new);
    let workgroups = use_state(Vec::<WorkGroupSummary>::new);
    let saved = use_state(Vec::<NamedQuerySummary>::new);
    let renaming = use_state(|| None::<u32>);
    let (new_wg, save_name, side_error) =
        (use_state(String::new), use_state(String::new), use_state(|| None::<String>));
    {
        let (engine, history, workgroups, saved) =
            (props.engine.clone(), history.clone(), workgroups.clone(), saved.clone());
        use_effect_with((version, (*workgroup).clone()), move |(_, wg)| {
            let wg = Some(wg.clone());
            call(
                &engine,
                Request::ListQueryExecutionsInWorkGroup { workgroup: wg.clone() },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::QueryExecutions(h)) = res {
                        history.set(h);
                    }
                }),
            );
            call(
                &engine,
                Request::ListWorkGroups,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::WorkGroups(w)) = res {
                        workgroups.set(w);
                    }
                }),
            );
            call(
                &engine,
                Request::ListNamedQueries { workgroup: wg },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::NamedQueries(q)) = res {
                        saved.set(q);
                    }
                }),
            );
        });
    }
    let active = tabs.tabs.iter().find(|t| t.id == tabs.active).cloned().unwrap_or_else(|| tabs.tabs[0].clone());
    // Unique per page load: with a run's token it names the run's execution (its Cancel).
    let nonce = use_state(|| format!("{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e12) as u64));
    let execute = {
        let (engine, database, workgroup, tabs, tokens, nonce) =
            (props.engine.clone(), database.clone(), workgroup.clone(), tabs.clone(), tokens.clone(), (*nonce).clone());
        let id = active.id;
        let running = active.run == Run::Running;
        Callback::from(move |statement: String| {
            if running {
                return;
            }
            let text = statement.trim().trim_end_matches(';').trim().to_string();
            let token = {
                let mut t = tokens.borrow_mut();
                *t += 1;
                *t
            };
            tabs.dispatch(Action::Start(id, token));
            if text.is_empty() {
                let run =
                    Run::Failed { code: "InvalidRequestException".into(), message: "Enter a query first.".into() };
                return tabs.dispatch(Action::Finish { id, token, run });
            }
            let tabs = tabs.clone();
            let req = Request::StartQueryExecutionInWorkGroup {
                query: text,
                database: Some((*database).clone()),
                workgroup: Some((*workgroup).clone()),
                client_request_token: Some(client_request_token(&nonce, token)),
            };
            call(
                &engine,
                req,
                Callback::from(move |res: Result<Response, ApiError>| {
                    let run = match res {
                        Ok(Response::QueryExecution { result: Some(r), .. }) => Run::Done(Rc::new(r)),
                        // Stopped by this tab's Cancel (StopQueryExecution).
                        Ok(Response::QueryExecution { execution, result: None })
                            if is_user_cancel(execution.state_change_reason.as_deref()) =>
                        {
                            Run::Cancelled
                        }
                        Ok(Response::QueryExecution { execution, result: None }) => Run::Failed {
                            code: "QueryFailed".into(),
                            message: execution.state_change_reason.unwrap_or_else(|| execution.state.clone()),
                        },
                        Ok(_) => Run::Failed { code: "InternalError".into(), message: "unexpected response".into() },
                        Err(e) => Run::Failed { code: e.code, message: e.message },
                    };
                    tabs.dispatch(Action::Finish { id, token, run });
                }),
            );
        })
    };
    let on_cancel = {
        let (engine, tabs, id, token) = (props.engine.clone(), tabs.clone(), active.id, active.token);
        let stop = Request::StopQueryExecution {
            query_execution_id: None,
            client_request_token: Some(client_request_token(&nonce, token)),
        };
        Callback::from(move |_: MouseEvent| {
            // The cooperative stop first (the query ends CANCELLED, the worker lives on); a
            // restart of the worker only if it does not answer or cannot find the query. The tab
            // shows CANCELLED once that is decided, so a query run next is not sent to a worker
            // about to be restarted.
            let (engine, stop, tabs) = (engine.clone(), stop.clone(), tabs.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = engine.call(stop);
                let answer =
                    match futures::future::select(Box::pin(answer), Box::pin(sleep_ms(STOP_ANSWER_WAIT_MS))).await {
                        futures::future::Either::Left((answer, _)) => Some(answer),
                        futures::future::Either::Right(_) => None,
                    };
                if needs_restart(answer.as_ref()) {
                    engine.interrupt();
                }
                tabs.dispatch(Action::Cancel(id));
            });
        })
    };
    let on_change = {
        let (tabs, id) = (tabs.clone(), active.id);
        Callback::from(move |sql: String| tabs.dispatch(Action::SetSql(id, sql)))
    };
    let on_database = {
        let database = database.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                database.set(s.value());
            }
        })
    };
    let on_workgroup = {
        let workgroup = workgroup.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                workgroup.set(s.value());
            }
        })
    };
    let on_create_wg = {
        let (engine, new_wg, workgroup, side_error) =
            (props.engine.clone(), new_wg.clone(), workgroup.clone(), side_error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_wg.trim().to_string();
            let input = WorkGroupSummary {
                name: name.clone(),
                description: String::new(),
                output_location: None,
                bytes_scanned_cutoff_per_query: None,
            };
            let (new_wg, workgroup, side_error) = (new_wg.clone(), workgroup.clone(), side_error.clone());
            call(
                &engine,
                Request::CreateWorkGroup(input),
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => {
                        side_error.set(None);
                        new_wg.set(String::new());
                        workgroup.set(name.clone());
                    }
                    Err(e) => side_error.set(Some(error_text(&e))),
                }),
            );
        })
    };
    let on_save = {
        let (engine, save_name, side_error) = (props.engine.clone(), save_name.clone(), side_error.clone());
        let (sql, database, workgroup) = (active.sql.clone(), (*database).clone(), (*workgroup).clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = NamedQuerySummary {
                id: String::new(),
                name: save_name.trim().to_string(),
                description: String::new(),
                database: database.clone(),
                query_string: sql.clone(),
                workgroup: Some(workgroup.clone()),
            };
            let (save_name, side_error) = (save_name.clone(), side_error.clone());
            call(
                &engine,
                Request::CreateNamedQuery(input),
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => {
                        side_error.set(None);
                        save_name.set(String::new());
                    }
                    Err(e) => side_error.set(Some(error_text(&e))),
                }),
            );
        })
    };
    let open_in_new_tab = {
        let tabs = tabs.clone();
        Callback::from(move |(title, sql): (String, String)| {
            let id = tabs.next_id;
            tabs.dispatch(Action::Add);
            tabs.dispatch(Action::SetSql(id, sql));
            tabs.dispatch(Action::Rename(id, title));
        })
    };
    let mut databases: Vec<String> = tables.iter().map(|t| t.database.clone()).collect();
    databases.push("default".into());
    databases.push((*database).clone());
    databases.sort();
    databases.dedup();
    let mut wg_names: Vec<String> = workgroups.iter().map(|w| w.name.clone()).collect();
    wg_names.push("primary".into());
    wg_names.push((*workgroup).clone());
    wg_names.sort();
    wg_names.dedup();
    let in_db: Vec<&TableSummary> = tables.iter().filter(|t| t.database == *database).collect();
    let running = active.run == Run::Running;
    html! {
        <section class="page athena">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "Amazon Athena".into(), href: Some(Route::Athena.href()) },
                Crumb { label: "Query editor".into(), href: None },
            ]} />
            <h1>{"Query editor"}</h1>
            <div class="editor-layout">
                <aside class="card side-panel" aria-label="Data Catalog">
                    <label for="workgroup-select">{"Workgroup"}</label>
                    <select id="workgroup-select" onchange={on_workgroup}>
                        { for wg_names.iter().map(|w| html! { <option value={w.clone()} selected={*w == *workgroup}>{ w }</option> }) }
                    </select>
                    <form class="inline-form" onsubmit={on_create_wg}>
                        <input id="new-workgroup" type="text" placeholder="New workgroup" aria-label="New workgroup name" value={(*new_wg).clone()}
                            oninput={let s = new_wg.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} />
                        <button id="create-workgroup" type="submit" disabled={new_wg.trim().is_empty()}>{"Create"}</button>
                    </form>
                    <label for="database-select">{"Database"}</label>
                    <select id="database-select" onchange={on_database}>
                        { for databases.iter().map(|d| html! { <option value={d.clone()} selected={*d == *database}>{ d }</option> }) }
                    </select>
                    <h2>{ format!("Tables ({})", in_db.len()) }</h2>
                    if in_db.is_empty() {
                        <p class="muted small">{"No tables yet. In S3, open a folder with your data and use "}<em>{"Create a table from this folder"}</em>{", or run CREATE EXTERNAL TABLE here."}</p>
                    }
                    <ul class="table-tree" id="table-tree">
                    { for in_db.iter().map(|t| html! {
                        <li>
                            <details>
                                <summary>{ &t.name }<span class="muted small">{ format!(" {}", t.classification) }</span></summary>
                                <ul>{ for t.columns.iter().map(|c| html! {
                                    <li><span>{ &c.name }</span><span class="col-type">{ &c.data_type }</span>
                                        if t.partition_keys.contains(&c.name) { <span class="badge small">{"partition"}</span> }
                                    </li>
                                }) }</ul>
                            </details>
                        </li>
                    }) }
                    </ul>
                    <h2>{ format!("Saved queries ({})", saved.len()) }</h2>
                    <form class="inline-form" onsubmit={on_save}>
                        <input id="save-query-name" type="text" placeholder="Name" aria-label="Saved query name" value={(*save_name).clone()}
                            oninput={let s = save_name.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e)))} />
                        <button id="save-query" type="submit" disabled={save_name.trim().is_empty()}>{"Save"}</button>
                    </form>
                    <ul id="saved-queries" class="plain-list">
                    { for saved.iter().map(|q| {
                        let open = { let o = open_in_new_tab.clone(); let (n, s) = (q.name.clone(), q.query_string.clone()); Callback::from(move |_| o.emit((n.clone(), s.clone()))) };
                        let delete = {
                            let (engine, id, side_error) = (props.engine.clone(), q.id.clone(), side_error.clone());
                            Callback::from(move |_| {
                                let side_error = side_error.clone();
                                call(&engine, Request::DeleteNamedQuery { id: id.clone() }, Callback::from(move |res: Result<Response, ApiError>| {
                                    if let Err(e) = res { side_error.set(Some(error_text(&e))) }
                                }));
                            })
                        };
                        html! {
                            <li data-name={q.name.clone()}>
                                <button class="link open-saved" title={q.query_string.clone()} onclick={open}>{ &q.name }</button>
                                <button class="link delete-saved" aria-label={format!("Delete {}", q.name)} onclick={delete}>{"Delete"}</button>
                            </li>
                        }
                    }) }
                    </ul>
                    if let Some(e) = &*side_error { <p id="side-error" class="error-text" role="alert">{ e }</p> }
                </aside>
                <div class="editor-main">
                    <div class="query-tabs" role="tablist">
                    { for tabs.tabs.iter().map(|t| {
                        let id = t.id;
                        let select = { let tabs = tabs.clone(); Callback::from(move |_| tabs.dispatch(Action::Select(id))) };
                        let close = { let tabs = tabs.clone(); Callback::from(move |e: MouseEvent| { e.stop_propagation(); tabs.dispatch(Action::Close(id)) }) };
                        let start_rename = { let r = renaming.clone(); Callback::from(move |_| r.set(Some(id))) };
                        let is_active = t.id == tabs.active;
                        let state = match &t.run { Run::Running => "running", Run::Done(_) => "done", Run::Failed { .. } => "failed", Run::Cancelled => "cancelled", Run::Idle => "idle" };
                        html! {
                            <div class={classes!("query-tab", is_active.then_some("active"))} role="tab" aria-selected={is_active.to_string()} data-state={state}>
                                if *renaming == Some(id) {
                                    <input class="tab-rename" type="text" value={t.title.clone()} aria-label="Tab name"
                                        onkeydown={let (tabs, r) = (tabs.clone(), renaming.clone()); Callback::from(move |e: KeyboardEvent| {
                                            if e.key() == "Enter" { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { tabs.dispatch(Action::Rename(id, i.value())); } r.set(None); }
                                            if e.key() == "Escape" { r.set(None); }
                                        })}
                                        onblur={let (tabs, r) = (tabs.clone(), renaming.clone()); Callback::from(move |e: FocusEvent| {
                                            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { tabs.dispatch(Action::Rename(id, i.value())); } r.set(None);
                                        })} />
                                } else {
                                    <button class="tab-title" onclick={select} ondblclick={start_rename} title="Double-click to rename">{ &t.title }</button>
                                }
                                if tabs.tabs.len() > 1 {
                                    <button class="close-tab" aria-label={format!("Close {}", t.title)} onclick={close}>{"×"}</button>
                                }
                            </div>
                        }
                    }) }
                        <button id="add-tab" class="add-tab" aria-label="New query tab" onclick={let tabs = tabs.clone(); Callback::from(move |_| tabs.dispatch(Action::Add))}>{"+"}</button>
                    </div>
                    <div class="card">
                        <SqlEditor key={active.id} value={active.sql.clone()} on_change={on_change} on_run={execute.clone()}
                            tables={tables.clone()} database={(*database).clone()} />
                        <div class="toolbar">
                            <button id="run-query" class="primary" disabled={running}
                                onclick={let (execute, sql) = (execute.clone(), active.sql.clone()); Callback::from(move |_| {
                                    // The button runs the statement under the cursor, like Ctrl+Enter.
                                    let ta = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("query-editor"))
                                        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
                                    let (a, b) = ta.map(|t| (t.selection_start().ok().flatten().unwrap_or(0), t.selection_end().ok().flatten().unwrap_or(0))).unwrap_or((0, 0));
                                    let all = crate::components::sql_text::statements(&sql).len() <= 2;
                                    execute.emit(if all { sql.clone() } else { crate::components::sql_text::statement_at(&sql, a, b) })
                                })}>
                                { if running { "Running…" } else { "Run" } }
                            </button>
                            if running {
                                <button id="cancel-query" onclick={on_cancel}>{"Cancel"}</button>
                            }
                            if let Run::Done(r) = &active.run {
                                if !r.columns.is_empty() {
                                    <button id="download-csv" onclick={let r = r.clone(); Callback::from(move |_| download("results.csv", &to_csv(&r)))}>{"Download results (CSV)"}</button>
                                }
                            }
                            <span class="muted small">{"Ctrl+Enter runs the statement under the cursor (or the selection) · Ctrl+Space completes"}</span>
                        </div>
                    </div>
                    <QueryOutcome run={active.run.clone()} />
                    <div class="card">
                        <h2>{ format!("Recent queries in {} ({})", *workgroup, history.len()) }</h2>
                        if history.is_empty() {
                            <p class="muted small">{"Queries you run are kept here, with their results in S3."}</p>
                        } else {
                            <div class="table-wrap" style="max-height: 320px">
                            <table class="grid" id="query-history">
                                <thead><tr><th>{"Query"}</th><th>{"State"}</th><th>{"Run time"}</th><th>{"Data scanned"}</th><th>{"Results"}</th></tr></thead>
                                <tbody>
                                { for history.iter().take(50).map(|h| {
                                    let open = { let o = open_in_new_tab.clone(); let q = h.query.clone(); Callback::from(move |_| o.emit(("History".to_string(), q.clone()))) };
                                    html! {
                                        <tr>
                                            <td><button class="link mono small" title="Open in a new tab" onclick={open}>
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
                            </div>
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
            html! { <div id="query-status" class="card" role="status" data-state="RUNNING"><span class="spinner" aria-hidden="true"></span>{"Running query…"}</div> }
        }
        Run::Cancelled => html! {
            <div id="query-status" class="card" role="status" data-state="CANCELLED">
                <span class="badge">{"CANCELLED"}</span>{" The query was cancelled; its answer, if any, is ignored."}
            </div>
        },
        Run::Failed { code, message } => html! {
            <div id="query-error" class="card error" role="alert">
                <strong>{"Query failed"}</strong><span class="muted">{ format!(" ({code})") }</span>
                <pre class="error-message">{ message }</pre>
            </div>
        },
        Run::Done(result) => html! {
            <div class="card results">
                <div id="query-status" class="stats" role="status" data-state="SUCCEEDED">
                    <span class="badge success">{"Completed"}</span>
                    <span id="row-count">{ format!("{} row(s)", result.rows.len()) }</span>
                    <span id="elapsed">{ format!("Run time: {:.0} ms", result.stats.elapsed_ms) }</span>
                    <span id="bytes-scanned" data-bytes={result.stats.bytes_scanned.to_string()}>{ format!("Data scanned: {}", human_bytes(result.stats.bytes_scanned)) }</span>
                    <span title="Athena bills scanned bytes rounded up to the MB, at least 10 MB, at $5 per TB">
                        { format!("Cost: ${:.7}", result.stats.cost_usd) }
                    </span>
                </div>
                <ResultsTable result={(**result).clone()} />
            </div>
        },
    }
}

/// Resolves after `ms` milliseconds (`setTimeout`), or at once without a window.
async fn sleep_ms(ms: i32) {
    let Some(window) = web_sys::window() else { return };
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let wake = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = tx.send(());
    });
    if window.set_timeout_with_callback_and_timeout_and_arguments_0(wake.unchecked_ref(), ms).is_err() {
        return;
    }
    let _ = rx.await;
}
