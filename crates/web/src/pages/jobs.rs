//! AWS Glue ETL jobs: the jobs list, a script editor with the course script as a template,
//! runs with their logs and row counts, and the triggers that start jobs.

use puddle_api::{ApiError, CreateJobInput, JobRunSummary, JobSummary, Request, Response, TriggerSummary};
use yew::prelude::*;

use super::{call, input_value};
use crate::{
    app::use_engine,
    components::breadcrumbs::{Breadcrumbs, Crumb},
    engine::Engine,
    route::Route,
};

/// The course's ETL script, as a template for new jobs.
pub const COURSE_SCRIPT: &str = r#"import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ['JOB_NAME'])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args['JOB_NAME'], args)

# Read the raw sales table the crawler created
raw_sales = glueContext.create_dynamic_frame.from_catalog(
    database="sales_db", table_name="raw_sales", transformation_ctx="raw_sales")

# Keep sales over 100
high_value = Filter.apply(frame=raw_sales, f=lambda x: x["amount"] > 100)

# Write Parquet to the processed bucket
glueContext.write_dynamic_frame.from_options(
    frame=high_value, connection_type="s3",
    connection_options={"path": "s3://data-lake-processed-123/"}, format="parquet")
job.commit()
"#;

/// Props of [`JobsPage`].
#[derive(Properties, PartialEq)]
pub struct JobsProps {
    /// Engine bridge.
    pub engine: Engine,
}

fn error_text(e: &ApiError) -> String {
    format!("{}: {}", e.code, e.message)
}

/// Jobs, runs and triggers.
#[function_component(JobsPage)]
pub fn jobs_page(props: &JobsProps) -> Html {
    let (_, version) = use_engine(&props.engine);
    let jobs = use_state(Vec::<JobSummary>::new);
    let triggers = use_state(Vec::<TriggerSummary>::new);
    let selected = use_state(|| None::<String>);
    let runs = use_state(Vec::<JobRunSummary>::new);
    let running = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let show_editor = use_state(|| false);
    let (name, location, script, bookmarks) = (
        use_state(|| "TransformRawSalesData".to_string()),
        use_state(|| "s3://scripts-123/transform.py".to_string()),
        use_state(|| COURSE_SCRIPT.to_string()),
        use_state(|| true),
    );
    {
        let (engine, jobs, triggers) = (props.engine.clone(), jobs.clone(), triggers.clone());
        use_effect_with(version, move |_| {
            call(
                &engine,
                Request::ListJobs,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Jobs(j)) = res {
                        jobs.set(j);
                    }
                }),
            );
            call(
                &engine,
                Request::ListTriggers,
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Ok(Response::Triggers(t)) = res {
                        triggers.set(t);
                    }
                }),
            );
        });
    }
    // While a run works, re-read the runs for its state and log.
    let working = running.is_some() || runs.iter().any(|r| in_progress(&r.state));
    let tick = super::use_ticker(working, 400);
    {
        let (engine, runs) = (props.engine.clone(), runs.clone());
        use_effect_with(((*selected).clone(), version, tick), move |(job, _, _)| {
            if let Some(job) = job.clone() {
                call(
                    &engine,
                    Request::ListJobRuns { job },
                    Callback::from(move |res: Result<Response, ApiError>| {
                        if let Ok(Response::JobRuns(r)) = res {
                            runs.set(r);
                        }
                    }),
                );
            }
        });
    }
    let on_create = {
        let (engine, error, show_editor, selected) =
            (props.engine.clone(), error.clone(), show_editor.clone(), selected.clone());
        let (name, location, script, bookmarks) = (name.clone(), location.clone(), script.clone(), bookmarks.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = CreateJobInput {
                name: name.trim().to_string(),
                role: "arn:aws:iam::123456789012:role/GlueRole".into(),
                script_location: location.trim().to_string(),
                script: Some((*script).clone()),
                bookmarks: *bookmarks,
            };
            let job = input.name.clone();
            let (error, show_editor, selected) = (error.clone(), show_editor.clone(), selected.clone());
            call(
                &engine,
                Request::CreateJob(input),
                Callback::from(move |res: Result<Response, ApiError>| match res {
                    Ok(_) => {
                        error.set(None);
                        show_editor.set(false);
                        selected.set(Some(job.clone()));
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }),
            );
        })
    };
    let on_run = {
        let (engine, running, error, selected) =
            (props.engine.clone(), running.clone(), error.clone(), selected.clone());
        Callback::from(move |job: String| {
            running.set(Some(job.clone()));
            selected.set(Some(job.clone()));
            let (running, error) = (running.clone(), error.clone());
            call(
                &engine,
                Request::StartJobRun { job },
                Callback::from(move |res: Result<Response, ApiError>| {
                    running.set(None);
                    match res {
                        Ok(_) => error.set(None),
                        Err(e) => error.set(Some(error_text(&e))),
                    }
                }),
            );
        })
    };
    let on_stop = {
        let (engine, error, selected) = (props.engine.clone(), error.clone(), selected.clone());
        Callback::from(move |run_id: String| {
            let Some(job) = (*selected).clone() else { return };
            let error = error.clone();
            call(
                &engine,
                Request::StopJobRun { job, run_id },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        error.set(Some(error_text(&e)));
                    }
                }),
            );
        })
    };
    let on_start_trigger = {
        let (engine, error) = (props.engine.clone(), error.clone());
        Callback::from(move |name: String| {
            let error = error.clone();
            call(
                &engine,
                Request::StartTrigger { name },
                Callback::from(move |res: Result<Response, ApiError>| {
                    if let Err(e) = res {
                        error.set(Some(error_text(&e)));
                    }
                }),
            );
        })
    };
    let text_input = |state: &UseStateHandle<String>| {
        let s = state.clone();
        Callback::from(move |e: InputEvent| s.set(input_value(&e)))
    };
    html! {
        <section class="page">
            <Breadcrumbs crumbs={vec![
                Crumb { label: "AWS Glue".into(), href: Some(Route::Glue.href()) },
                Crumb { label: "ETL jobs".into(), href: None },
            ]} />
            <div class="toolbar">
                <h1>{"ETL jobs"}</h1>
                <button id="new-job" class="primary" aria-expanded={(*show_editor).to_string()}
                    onclick={let s = show_editor.clone(); Callback::from(move |_| s.set(!*s))}>
                    { if *show_editor { "Close editor" } else { "Create job" } }
                </button>
                <a id="visual-editor-link" class="button" href={Route::VisualJob.href()}>{"Visual editor"}</a>
            </div>
            <p class="lead">{"A job runs a Glue PySpark script: it reads catalog tables, transforms them and writes Parquet, CSV or JSON back to S3. Puddle translates the script to SQL and runs it in your browser."}</p>
            if let Some(e) = &*error {
                <div class="card error" role="alert" id="job-error"><p class="error-message">{ e }</p></div>
            }
            if *show_editor {
                <form class="card" onsubmit={on_create} aria-labelledby="job-editor-title">
                    <h2 id="job-editor-title">{"Create job from a script"}</h2>
                    <div class="form-row">
                        <label>{"Job name"}<input id="job-name" type="text" value={(*name).clone()} oninput={text_input(&name)} /></label>
                        <label>{"Script location"}<input id="job-script-location" type="text" size="36" value={(*location).clone()} oninput={text_input(&location)} /></label>
                        <label class="checkbox"><input id="job-bookmarks" type="checkbox" checked={*bookmarks}
                            onchange={let b = bookmarks.clone(); Callback::from(move |_| b.set(!*b))} />{" Job bookmarks (process only new files)"}</label>
                    </div>
                    <label for="job-script" class="visually-hidden">{"Script"}</label>
                    <textarea id="job-script" class="sql-editor script-editor" rows="22" spellcheck="false"
                        value={(*script).clone()}
                        oninput={let s = script.clone(); Callback::from(move |e: InputEvent| s.set(super::textarea_value(&e)))} />
                    <div class="toolbar">
                        <button id="save-job" class="primary" type="submit">{"Save job"}</button>
                        <span class="muted small">{"The script is stored at the script location (its bucket must exist). Unsupported constructs are reported with their line before any run."}</span>
                    </div>
                </form>
            }
            if jobs.is_empty() {
                <div class="empty-state"><h2>{"No jobs yet"}</h2><p>{"Create one from the course script, or run "}<code>{"aws glue create-job"}</code>{" in CloudShell."}</p></div>
            } else {
                <table class="grid" id="job-list">
                    <thead><tr><th>{"Name"}</th><th>{"Script"}</th><th>{"Bookmarks"}</th><th>{"Last run"}</th><th class="actions">{"Actions"}</th></tr></thead>
                    <tbody>
                    { for jobs.iter().map(|j| {
                        let is_running = running.as_deref() == Some(j.name.as_str());
                        let (on_run, n) = (on_run.clone(), j.name.clone());
                        let on_select = { let s = selected.clone(); let n = j.name.clone(); Callback::from(move |_| s.set(Some(n.clone()))) };
                        html! {
                            <tr>
                                <td><button class="link" onclick={on_select}>{ &j.name }</button></td>
                                <td class="mono small">{ &j.script_location }</td>
                                <td>{ j.bookmark_option.trim_start_matches("job-bookmark-") }</td>
                                <td>{ match &j.last_run {
                                    Some(r) => html! { <span class={classes!("state", r.state.to_lowercase())}>{ format!("{} · {} rows", r.state, r.rows_written) }</span> },
                                    None => html! { <span class="muted">{"never run"}</span> },
                                }}</td>
                                <td class="actions">
                                    <button class="primary run-job" data-job={j.name.clone()} disabled={running.is_some()}
                                        onclick={Callback::from(move |_| on_run.emit(n.clone()))}>
                                        if is_running { <span class="spinner" aria-hidden="true"></span>{"Running…"} } else { {"Run"} }
                                    </button>
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            if let Some(job) = &*selected {
                <RunHistory job={job.clone()} runs={(*runs).clone()} on_stop={on_stop} />
            }
            <h1>{"Triggers"}</h1>
            if triggers.is_empty() {
                <div class="empty-state"><h2>{"No triggers"}</h2>
                    <p>{"Start jobs on a schedule or after other jobs: "}<code>{"aws glue create-trigger --name nightly --type SCHEDULED --schedule \"cron(0 2 * * ? *)\" --actions JobName=TransformRawSalesData --start-on-creation"}</code>
                    {". To run a job when files arrive in S3, add a rule on the "}<a href={Route::Events.href()}>{"EventBridge"}</a>{" page."}</p></div>
            } else {
                <table class="grid" id="trigger-list">
                    <thead><tr><th>{"Name"}</th><th>{"Type"}</th><th>{"State"}</th><th>{"Schedule or condition"}</th><th>{"Starts"}</th><th class="actions">{"Actions"}</th></tr></thead>
                    <tbody>
                    { for triggers.iter().map(|t| {
                        let (on_start, n) = (on_start_trigger.clone(), t.name.clone());
                        let when = t.schedule.clone().unwrap_or_else(|| t.conditions.join(", "));
                        html! {
                            <tr>
                                <td>{ &t.name }</td>
                                <td>{ &t.trigger_type }</td>
                                <td>{ &t.state }</td>
                                <td class="mono small">{ if when.is_empty() { "on demand".to_string() } else { when } }</td>
                                <td>{ t.actions.join(", ") }</td>
                                <td class="actions">
                                    <button onclick={Callback::from(move |_| on_start.emit(n.clone()))}>
                                        { if t.trigger_type == "ON_DEMAND" { "Fire" } else { "Activate" } }
                                    </button>
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct HistoryProps {
    job: String,
    runs: Vec<JobRunSummary>,
    /// Stops the run of that id.
    on_stop: Callback<String>,
}

fn in_progress(state: &str) -> bool {
    matches!(state, "STARTING" | "RUNNING" | "STOPPING")
}

/// The runs of one job, newest first, with the log of the one picked.
#[function_component(RunHistory)]
fn run_history(props: &HistoryProps) -> Html {
    let open = use_state(|| None::<String>);
    let runs: Vec<&JobRunSummary> = props.runs.iter().filter(|r| r.job_name == props.job).collect();
    let shown = open.as_ref().and_then(|id| runs.iter().find(|r| &r.id == id)).or(runs.first()).copied();
    html! {
        <div class="card" id="job-runs">
            <h2>{ format!("Runs of {}", props.job) }</h2>
            if runs.is_empty() {
                <p class="muted">{"No runs yet: press Run."}</p>
            } else {
                <table class="grid">
                    <thead><tr><th>{"Run id"}</th><th>{"State"}</th><th>{"Started"}</th><th>{"Duration"}</th><th>{"Rows read"}</th><th>{"Rows written"}</th><th>{"Files"}</th><th>{"Started by"}</th><th class="actions"><span class="visually-hidden">{"Actions"}</span></th></tr></thead>
                    <tbody>
                    { for runs.iter().map(|r| {
                        let pick = { let o = open.clone(); let id = r.id.clone(); Callback::from(move |_| o.set(Some(id.clone()))) };
                        html! {
                            <tr>
                                <td class="mono small"><button class="link" onclick={pick}>{ &r.id }</button></td>
                                <td class="run-state" data-run={r.id.clone()}>
                                    <span class={classes!("state", r.state.to_lowercase())}>
                                        if in_progress(&r.state) { <span class="spinner" aria-hidden="true"></span> }
                                        { &r.state }
                                    </span>
                                </td>
                                <td class="small">{ r.started.replace('T', " ").trim_end_matches('Z').to_string() }</td>
                                <td class="num">{ format!("{:.2} s", r.execution_seconds) }</td>
                                <td class="num">{ r.rows_read }</td>
                                <td class="num">{ r.rows_written }</td>
                                <td class="num">{ r.files_written.len() }</td>
                                <td class="small">{ r.trigger_name.clone().unwrap_or_else(|| "you".into()) }</td>
                                <td class="actions">
                                    if r.state == "RUNNING" {
                                        <button class="stop-run" data-run={r.id.clone()}
                                            onclick={let (s, id) = (props.on_stop.clone(), r.id.clone()); Callback::from(move |_| s.emit(id.clone()))}>
                                            {"Stop"}
                                        </button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                if let Some(r) = shown {
                    <h2>{ format!("Log of {}", r.id) }</h2>
                    if let Some(e) = &r.error_message { <p class="error-text" role="alert">{ e }</p> }
                    <pre class="log" id="job-log">{ r.log.join("\n") }</pre>
                }
            }
        </div>
    }
}
