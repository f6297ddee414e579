//! The Glue Data Catalog browser: databases -> tables -> a table page with its columns,
//! partition keys, partitions, versions with a side-by-side schema diff, sample rows and DDL.

use puddle_api::{ApiError, QueryResult, Request, Response, TableDetails, TableDiff};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::call;
use crate::{
    app::use_engine,
    components::{
        breadcrumbs::{Breadcrumbs, Crumb},
        results_table::ResultsTable,
    },
    engine::Engine,
    route::Route,
};

/// Props of [`CatalogPage`].
#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    /// Engine bridge.
    pub engine: Engine,
    /// Database shown (`None`: all).
    pub database: Option<String>,
    /// Table shown.
    pub table: Option<String>,
}

/// The browser.
#[function_component(CatalogPage)]
pub fn catalog_page(props: &CatalogProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let tables = super::use_catalog_tables(&props.engine, version);
    let mut crumbs = vec![
        Crumb { label: "AWS Glue".into(), href: Some(Route::Glue.href()) },
        Crumb { label: "Data Catalog".into(), href: Some(Route::Catalog { database: None, table: None }.href()) },
    ];
    if let Some(d) = &props.database {
        let href = props.table.as_ref().map(|_| Route::Catalog { database: Some(d.clone()), table: None }.href());
        crumbs.push(Crumb { label: d.clone(), href });
    }
    if let Some(t) = &props.table {
        crumbs.push(Crumb { label: t.clone(), href: None });
    }
    let body = match (&props.database, &props.table) {
        (Some(d), Some(t)) => {
            html! { <TableView engine={props.engine.clone()} database={d.clone()} table={t.clone()} /> }
        }
        (db, _) => {
            let mut dbs: Vec<String> = tables.iter().map(|t| t.database.clone()).collect();
            dbs.sort();
            dbs.dedup();
            html! {
                <>
                <h1>{ db.clone().map_or("Databases".to_string(), |d| format!("Tables in {d}")) }</h1>
                if db.is_none() {
                    if dbs.is_empty() {
                        <div class="empty-state"><h2>{"No tables yet"}</h2><p>{"Run a crawler, or create a table from an S3 folder."}</p></div>
                    }
                    <ul id="catalog-databases" class="plain-list card">
                    { for dbs.iter().map(|d| html! {
                        <li><a href={Route::Catalog { database: Some(d.clone()), table: None }.href()}>{ d }</a>
                            <span class="muted small">{ format!("{} table(s)", tables.iter().filter(|t| &t.database == d).count()) }</span></li>
                    }) }
                    </ul>
                }
                <table class="grid" id="catalog-browser-tables">
                    <thead><tr><th>{"Table"}</th><th>{"Database"}</th><th>{"Classification"}</th><th>{"Partitions"}</th><th>{"Location"}</th></tr></thead>
                    <tbody>
                    { for tables.iter().filter(|t| db.as_ref().is_none_or(|d| &t.database == d)).map(|t| html! {
                        <tr>
                            <td class="mono"><a href={Route::Catalog { database: Some(t.database.clone()), table: Some(t.name.clone()) }.href()}>{ &t.name }</a></td>
                            <td>{ &t.database }</td>
                            <td>{ &t.classification }</td>
                            <td>{ if t.partition_keys.is_empty() { "—".to_string() } else { format!("{} ({})", t.partition_keys.join(", "), t.partition_count) } }</td>
                            <td class="mono small">{ &t.location }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                </>
            }
        }
    };
    html! {
        <section class="page catalog">
            <Breadcrumbs {crumbs} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    engine: Engine,
    database: String,
    table: String,
}

#[function_component(TableView)]
fn table_view(props: &TableProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let details = use_state(|| None::<Result<TableDetails, String>>);
    let sample = use_state(|| None::<Result<QueryResult, String>>);
    let diff = use_state(|| None::<Result<TableDiff, String>>);
    let (old_v, new_v) = (use_state(|| None::<String>), use_state(|| None::<String>));
    {
        let (engine, details, old_v, new_v) = (props.engine.clone(), details.clone(), old_v.clone(), new_v.clone());
        let (database, name) = (props.database.clone(), props.table.clone());
        use_effect_with((version, database.clone(), name.clone()), move |_| {
            call(
                &engine,
                Request::GetTableDetails { database, name },
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(Response::TableDetails(d)) => {
                        let ids: Vec<String> = d.versions.iter().map(|v| v.version_id.clone()).collect();
                        if new_v.is_none() {
                            new_v.set(ids.first().cloned());
                            old_v.set(ids.get(1).or(ids.first()).cloned());
                        }
                        details.set(Some(Ok(*d)));
                    }
                    Ok(_) => details.set(Some(Err("unexpected response".into()))),
                    Err(e) => details.set(Some(Err(format!("{}: {}", e.code, e.message)))),
                }),
            );
        });
    }
    {
        // Sample rows: read once per table (SQL counts as a change, so not on every version).
        let (engine, sample) = (props.engine.clone(), sample.clone());
        let (database, name) = (props.database.clone(), props.table.clone());
        use_effect_with((database.clone(), name.clone()), move |_| {
            let query =
                format!("SELECT * FROM \"{}\".\"{}\" LIMIT 10", database.replace('"', ""), name.replace('"', ""));
            call(
                &engine,
                Request::Sql { query, database: Some(database) },
                Callback::from(move |res: Result<Response, ApiError>| {
                    sample.set(Some(match res {
                        Ok(Response::Query(r)) => Ok(r),
                        Ok(_) => Err("unexpected response".into()),
                        Err(e) => Err(format!("{}: {}", e.code, e.message)),
                    }))
                }),
            );
        });
    }
    {
        let (engine, diff) = (props.engine.clone(), diff.clone());
        let (database, name) = (props.database.clone(), props.table.clone());
        use_effect_with(((*old_v).clone(), (*new_v).clone(), version), move |(old, new, _)| {
            if let (Some(old_version), Some(new_version)) = (old.clone(), new.clone()) {
                call(
                    &engine,
                    Request::DiffTableVersions { database, name, old_version, new_version },
                    Callback::from(move |res: Result<Response, ApiError>| {
                        diff.set(Some(match res {
                            Ok(Response::TableDiff(d)) => Ok(d),
                            Ok(_) => Err("unexpected response".into()),
                            Err(e) => Err(format!("{}: {}", e.code, e.message)),
                        }))
                    }),
                );
            }
        });
    }
    let d = match &*details {
        None => {
            return html! { <div class="card" role="status"><span class="spinner" aria-hidden="true"></span>{"Loading…"}</div> }
        }
        Some(Err(e)) => return html! { <div id="catalog-error" class="card error" role="alert">{ e }</div> },
        Some(Ok(d)) => d,
    };
    let t = &d.table;
    let version_select = |id: &'static str, state: UseStateHandle<Option<String>>| {
        let onchange = {
            let state = state.clone();
            Callback::from(move |e: Event| {
                if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                    state.set(Some(s.value()));
                }
            })
        };
        html! {
            <select {id} {onchange}>
            { for d.versions.iter().map(|v| html! {
                <option value={v.version_id.clone()} selected={state.as_deref() == Some(v.version_id.as_str())}>{ format!("Version {}", v.version_id) }</option>
            }) }
            </select>
        }
    };
    let data_cols = t.columns.iter().filter(|c| !t.partition_keys.contains(&c.name));
    html! {
        <>
        <h1 id="table-title">{ format!("{}.{}", t.database, t.name) }</h1>
        <div class="card">
            <dl class="props">
                <dt>{"Location"}</dt><dd class="mono">{ &t.location }</dd>
                <dt>{"Classification"}</dt><dd>{ &t.classification }</dd>
                <dt>{"Versions"}</dt><dd>{ d.versions.len() }</dd>
            </dl>
            <a class="button" href={Route::Athena.href()}>{"Query in Athena"}</a>
        </div>
        <div class="two-cols">
            <div class="card">
                <h2>{"Columns"}</h2>
                <table class="grid" id="table-columns">
                    <thead><tr><th>{"#"}</th><th>{"Column"}</th><th>{"Type"}</th></tr></thead>
                    <tbody>{ for data_cols.enumerate().map(|(i, c)| html! {
                        <tr><td class="rownum">{ i + 1 }</td><td class="mono">{ &c.name }</td><td>{ &c.data_type }</td></tr>
                    }) }</tbody>
                </table>
                <h2>{"Partition keys"}</h2>
                if d.partition_key_columns.is_empty() {
                    <p class="muted small">{"Not partitioned."}</p>
                } else {
                    <table class="grid" id="table-partition-keys">
                        <thead><tr><th>{"Key"}</th><th>{"Type"}</th></tr></thead>
                        <tbody>{ for d.partition_key_columns.iter().map(|c| html! { <tr><td class="mono">{ &c.name }</td><td>{ &c.data_type }</td></tr> }) }</tbody>
                    </table>
                }
            </div>
            <div class="card">
                <h2>{ format!("Partitions ({})", d.partitions.len()) }</h2>
                if d.partitions.is_empty() {
                    <p class="muted small">{"No partitions."}</p>
                } else {
                    <div class="table-wrap" style="max-height: 320px">
                    <table class="grid" id="table-partitions">
                        <thead><tr>{ for d.partition_key_columns.iter().map(|c| html! { <th>{ &c.name }</th> }) }<th>{"Location"}</th></tr></thead>
                        <tbody>{ for d.partitions.iter().map(|p| html! {
                            <tr>{ for p.values.iter().map(|v| html! { <td>{ v }</td> }) }<td class="mono small">{ &p.location }</td></tr>
                        }) }</tbody>
                    </table>
                    </div>
                }
            </div>
        </div>
        <div class="card" id="table-versions">
            <h2>{"Schema versions"}</h2>
            <div class="form-row">
                <label>{"Older"}{ version_select("diff-old", old_v.clone()) }</label>
                <label>{"Newer"}{ version_select("diff-new", new_v.clone()) }</label>
            </div>
            { match &*diff {
                None => html! {},
                Some(Err(e)) => html! { <p class="error-text" role="alert">{ e }</p> },
                Some(Ok(diff)) => html! {
                    <table class="grid" id="schema-diff">
                        <thead><tr><th>{"Column"}</th><th>{ format!("Version {}", diff.old_version) }</th><th>{ format!("Version {}", diff.new_version) }</th><th>{"Change"}</th></tr></thead>
                        <tbody>{ for diff.columns.iter().map(|c| html! {
                            <tr class={format!("diff-{}", c.change.to_ascii_lowercase())} data-change={c.change.clone()}>
                                <td class="mono">{ &c.name }if c.partition_key { <span class="badge">{"partition"}</span> }</td>
                                <td>{ c.old_type.clone().unwrap_or_else(|| "—".into()) }</td>
                                <td>{ c.new_type.clone().unwrap_or_else(|| "—".into()) }</td>
                                <td>{ c.change.replace('_', " ").to_ascii_lowercase() }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                },
            } }
        </div>
        <div class="card" id="table-sample">
            <h2>{"Sample rows"}</h2>
            { match &*sample {
                None => html! { <p class="muted"><span class="spinner" aria-hidden="true"></span>{"Reading…"}</p> },
                Some(Err(e)) => html! { <p class="error-text">{ e }</p> },
                Some(Ok(r)) => html! { <ResultsTable result={r.clone()} /> },
            } }
        </div>
        <div class="card">
            <h2>{"DDL"}</h2>
            <pre id="table-ddl" class="ddl">{ &d.ddl }</pre>
        </div>
        </>
    }
}
