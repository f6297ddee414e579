//! The wizard's steps 1, 2, 4 and 5 (name, data sources, output and scheduling, review), one
//! small component each. Each edits a copy of the [`Draft`] and hands it back through `set`.

use puddle_api::ClassifierSummary;
use yew::prelude::*;

use super::draft::{name_errors, Draft, FieldError, Schedule};
use crate::pages::{input_value, textarea_value};

/// Props shared by the steps.
#[derive(Properties, PartialEq)]
pub struct StepProps {
    /// What has been entered.
    pub draft: Draft,
    /// Replaces the draft.
    pub set: Callback<Draft>,
    /// Problems found when Next was pressed.
    pub errors: Vec<FieldError>,
}

/// The message under a field, if it has one.
pub fn field_error(errors: &[FieldError], id: &str) -> Html {
    match errors.iter().find(|e| e.field == id) {
        Some(e) => {
            html! { <p class="error-text field-error" id={format!("{id}-error")} role="alert">{ &e.message }</p> }
        }
        None => html! {},
    }
}

fn invalid(errors: &[FieldError], id: &str) -> AttrValue {
    AttrValue::from(if errors.iter().any(|e| e.field == id) { "true" } else { "false" })
}

/// An `oninput` that edits one text field of the draft.
fn edit(props: &StepProps, apply: fn(&mut Draft, String)) -> Callback<InputEvent> {
    let (draft, set) = (props.draft.clone(), props.set.clone());
    Callback::from(move |e: InputEvent| {
        let mut d = draft.clone();
        apply(&mut d, input_value(&e));
        set.emit(d);
    })
}

/// Props of [`NameStep`].
#[derive(Properties, PartialEq)]
pub struct NameProps {
    /// What has been entered.
    pub draft: Draft,
    /// Replaces the draft.
    pub set: Callback<Draft>,
    /// Names already taken.
    pub existing: Vec<String>,
}

/// Step 1: the name, checked as it is typed.
#[function_component(NameStep)]
pub fn name_step(props: &NameProps) -> Html {
    let (draft, set) = (props.draft.clone(), props.set.clone());
    let problem = (!props.draft.name.is_empty()).then(|| name_errors(&props.draft.name, &props.existing)).flatten();
    html! {
        <div class="wizard-fields">
            <label for="wizard-name">{"Crawler name"}</label>
            <input id="wizard-name" type="text" placeholder="SalesCrawler" value={props.draft.name.clone()}
                aria-invalid={if problem.is_some() { "true" } else { "false" }} aria-describedby="wizard-name-hint"
                oninput={Callback::from(move |e: InputEvent| { let mut d = draft.clone(); d.name = input_value(&e); set.emit(d); })} />
            <p class="muted small" id="wizard-name-hint">{"Up to 255 characters, no '/'. Unique among your crawlers."}</p>
            if let Some(p) = problem {
                <p class="error-text field-error" id="wizard-name-error" role="alert">{ p }</p>
            }
        </div>
    }
}

/// Props of [`SourcesStep`].
#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    /// What has been entered.
    pub draft: Draft,
    /// Replaces the draft.
    pub set: Callback<Draft>,
    /// Problems found when Next was pressed.
    pub errors: Vec<FieldError>,
    /// `s3://bucket/` and `s3://bucket/prefix/` paths that exist, offered as suggestions.
    pub suggestions: Vec<String>,
}

/// Step 2: S3 paths, exclusions, and which folders a rerun reads.
#[function_component(SourcesStep)]
pub fn sources_step(props: &SourcesProps) -> Html {
    let d = &props.draft;
    let set_targets = {
        let (draft, set) = (d.clone(), props.set.clone());
        move |targets: Vec<String>| {
            let mut d = draft.clone();
            d.targets = targets;
            set.emit(d);
        }
    };
    let add = {
        let (set_targets, targets) = (set_targets.clone(), d.targets.clone());
        Callback::from(move |_| {
            let mut t = targets.clone();
            t.push("s3://".into());
            set_targets(t);
        })
    };
    let recrawl = |only_new: bool| {
        let (draft, set) = (d.clone(), props.set.clone());
        Callback::from(move |_| {
            let mut d = draft.clone();
            d.new_folders_only = only_new;
            set.emit(d);
        })
    };
    let on_exclusions = {
        let (draft, set) = (d.clone(), props.set.clone());
        Callback::from(move |e: InputEvent| {
            let mut d = draft.clone();
            d.exclusions = textarea_value(&e);
            set.emit(d);
        })
    };
    html! {
        <div class="wizard-fields">
            <fieldset>
                <legend>{"S3 data sources"}</legend>
                <datalist id="wizard-s3-paths">
                    { for props.suggestions.iter().map(|s| html! { <option value={s.clone()} /> }) }
                </datalist>
                { for d.targets.iter().enumerate().map(|(i, t)| {
                    let id = format!("wizard-path-{i}");
                    let on_input = {
                        let (set_targets, targets) = (set_targets.clone(), d.targets.clone());
                        Callback::from(move |e: InputEvent| { let mut t = targets.clone(); t[i] = input_value(&e); set_targets(t); })
                    };
                    let on_remove = {
                        let (set_targets, targets) = (set_targets.clone(), d.targets.clone());
                        Callback::from(move |_| { let mut t = targets.clone(); t.remove(i); set_targets(t); })
                    };
                    html! {
                        <div class="wizard-path">
                            <label for={id.clone()} class="visually-hidden">{ format!("S3 path {}", i + 1) }</label>
                            <input id={id.clone()} type="text" list="wizard-s3-paths" value={t.clone()} class="mono"
                                aria-invalid={invalid(&props.errors, &id)} oninput={on_input} />
                            if d.targets.len() > 1 {
                                <button type="button" class="link danger" aria-label={format!("Remove S3 path {}", i + 1)} onclick={on_remove}>{"Remove"}</button>
                            }
                            { field_error(&props.errors, &id) }
                        </div>
                    }
                }) }
                <button type="button" id="wizard-add-path" onclick={add}>{"Add a data source"}</button>
            </fieldset>
            <label for="wizard-exclusions">{"Exclusion patterns (optional, one per line)"}</label>
            <textarea id="wizard-exclusions" class="mono" rows="3" placeholder={"tmp/**\n**/*.bak"} value={d.exclusions.clone()}
                aria-invalid={invalid(&props.errors, "wizard-exclusions")} oninput={on_exclusions} />
            <p class="muted small">{"Globs relative to each path: * stays within a folder, ** crosses folders."}</p>
            { field_error(&props.errors, "wizard-exclusions") }
            <fieldset>
                <legend>{"Subsequent crawler runs"}</legend>
                <label class="checkbox"><input type="radio" name="wizard-recrawl" id="wizard-crawl-all" checked={!d.new_folders_only} onchange={recrawl(false)} />
                    {"Crawl all sub-folders"}</label>
                <label class="checkbox"><input type="radio" name="wizard-recrawl" id="wizard-crawl-new" checked={d.new_folders_only} onchange={recrawl(true)} />
                    {"Crawl new sub-folders only (the schema change policy becomes log only)"}</label>
            </fieldset>
        </div>
    }
}

/// Props of [`OutputStep`].
#[derive(Properties, PartialEq)]
pub struct OutputProps {
    /// What has been entered.
    pub draft: Draft,
    /// Replaces the draft.
    pub set: Callback<Draft>,
    /// Problems found when Next was pressed.
    pub errors: Vec<FieldError>,
    /// Databases of the catalog.
    pub databases: Vec<String>,
}

fn schedule_kind(s: &Schedule) -> &'static str {
    match s {
        Schedule::OnDemand => "on-demand",
        Schedule::Hourly { .. } => "hourly",
        Schedule::Daily { .. } => "daily",
        Schedule::Custom(_) => "custom",
    }
}

/// Step 4: database, table prefix, schema change policy and schedule.
#[function_component(OutputStep)]
pub fn output_step(props: &OutputProps) -> Html {
    let d = &props.draft;
    let select = |apply: fn(&mut Draft, String)| {
        let (draft, set) = (d.clone(), props.set.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| e.target_dyn_into::<web_sys::HtmlInputElement>().map(|i| i.value()))
                .unwrap_or_default();
            let mut d = draft.clone();
            apply(&mut d, value);
            set.emit(d);
        })
    };
    let step = StepProps { draft: d.clone(), set: props.set.clone(), errors: props.errors.clone() };
    let (hour, minute) = match d.schedule {
        Schedule::Daily { hour, minute } => (hour, minute),
        Schedule::Hourly { minute } => (0, minute),
        _ => (0, 0),
    };
    let policy = d.policy();
    html! {
        <div class="wizard-fields">
            <fieldset>
                <legend>{"Target database"}</legend>
                <label class="checkbox"><input type="radio" name="wizard-db-kind" id="wizard-db-existing" checked={!d.new_database}
                    onchange={select(|d, _| { d.new_database = false; d.database = "default".into(); })} />{"Existing database"}</label>
                <label class="checkbox"><input type="radio" name="wizard-db-kind" id="wizard-db-new" checked={d.new_database}
                    onchange={select(|d, _| { d.new_database = true; d.database = String::new(); })} />{"New database"}</label>
                if d.new_database {
                    <label for="wizard-database">{"New database name"}</label>
                    <input id="wizard-database" type="text" placeholder="sales_db" value={d.database.clone()}
                        aria-invalid={invalid(&props.errors, "wizard-database")} oninput={edit(&step, |d, v| d.database = v)} />
                } else {
                    <label for="wizard-database">{"Database"}</label>
                    <select id="wizard-database" onchange={select(|d, v| d.database = v)}>
                        { for props.databases.iter().map(|db| html! { <option value={db.clone()} selected={*db == d.database}>{ db }</option> }) }
                    </select>
                }
                { field_error(&props.errors, "wizard-database") }
            </fieldset>
            <label for="wizard-prefix">{"Table name prefix (optional)"}</label>
            <input id="wizard-prefix" type="text" placeholder="raw_" value={d.table_prefix.clone()}
                aria-invalid={invalid(&props.errors, "wizard-prefix")} oninput={edit(&step, |d, v| d.table_prefix = v)} />
            { field_error(&props.errors, "wizard-prefix") }
            <fieldset>
                <legend>{"Schema change policy"}</legend>
                if d.new_folders_only {
                    <p class="muted small">{"Crawling new folders only: changes are logged, never applied (Glue's rule)."}</p>
                }
                <label for="wizard-update">{"When the schema changes"}</label>
                <select id="wizard-update" disabled={d.new_folders_only} onchange={select(|d, v| d.update_behavior = v)}>
                    <option value="UPDATE_IN_DATABASE" selected={policy.0 == "UPDATE_IN_DATABASE"}>{"Update the table definition in the Data Catalog"}</option>
                    <option value="LOG" selected={policy.0 == "LOG"}>{"Ignore the change and don't update the table (log only)"}</option>
                </select>
                <label for="wizard-delete">{"When data is deleted"}</label>
                <select id="wizard-delete" disabled={d.new_folders_only} onchange={select(|d, v| d.delete_behavior = v)}>
                    <option value="DEPRECATE_IN_DATABASE" selected={policy.1 == "DEPRECATE_IN_DATABASE"}>{"Mark the table as deprecated"}</option>
                    <option value="DELETE_FROM_DATABASE" selected={policy.1 == "DELETE_FROM_DATABASE"}>{"Delete tables and partitions from the Data Catalog"}</option>
                    <option value="LOG" selected={policy.1 == "LOG"}>{"Ignore the change (log only)"}</option>
                </select>
            </fieldset>
            <fieldset>
                <legend>{"Crawler schedule"}</legend>
                <label for="wizard-frequency">{"Frequency"}</label>
                <select id="wizard-frequency" onchange={select(|d, v| d.schedule = match v.as_str() {
                    "hourly" => Schedule::Hourly { minute: 0 },
                    "daily" => Schedule::Daily { hour: 3, minute: 0 },
                    "custom" => Schedule::Custom("cron(0 3 * * ? *)".into()),
                    _ => Schedule::OnDemand,
                })}>
                    { for [("on-demand", "On demand"), ("hourly", "Hourly"), ("daily", "Daily"), ("custom", "Custom (cron)")].iter().map(|(v, l)|
                        html! { <option value={*v} selected={schedule_kind(&d.schedule) == *v}>{ *l }</option> }) }
                </select>
                if matches!(d.schedule, Schedule::Hourly { .. } | Schedule::Daily { .. }) {
                    <div class="form-row">
                        if matches!(d.schedule, Schedule::Daily { .. }) {
                            <label>{"Hour (UTC)"}<select id="wizard-hour" onchange={select(|d, v| if let Schedule::Daily { hour, .. } = &mut d.schedule { *hour = v.parse().unwrap_or(0) })}>
                                { for (0..24u8).map(|h| html! { <option value={h.to_string()} selected={h == hour}>{ format!("{h:02}") }</option> }) }
                            </select></label>
                        }
                        <label>{"Minute"}<select id="wizard-minute" onchange={select(|d, v| match &mut d.schedule {
                            Schedule::Daily { minute, .. } | Schedule::Hourly { minute } => *minute = v.parse().unwrap_or(0),
                            _ => {}
                        })}>
                            { for (0..60u8).step_by(5).map(|m| html! { <option value={m.to_string()} selected={m == minute}>{ format!("{m:02}") }</option> }) }
                        </select></label>
                    </div>
                }
                if let Schedule::Custom(expr) = &d.schedule {
                    <label for="wizard-cron">{"Cron expression"}</label>
                    <input id="wizard-cron" type="text" class="mono" value={expr.clone()} aria-invalid={invalid(&props.errors, "wizard-cron")}
                        oninput={edit(&step, |d, v| d.schedule = Schedule::Custom(v))} />
                    { field_error(&props.errors, "wizard-cron") }
                }
                <p class="schedule-words" id="wizard-schedule-words">{ d.schedule.describe() }
                    if d.schedule != Schedule::OnDemand { <span class="muted small">{" — on the lake clock"}</span> }</p>
            </fieldset>
        </div>
    }
}

/// Props of [`ReviewStep`].
#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    /// What has been entered.
    pub draft: Draft,
    /// The custom classifiers (for their descriptions).
    pub classifiers: Vec<ClassifierSummary>,
    /// Jumps back to a step to edit it.
    pub edit: Callback<usize>,
}

/// Step 5: everything on one page, with an Edit link per step.
#[function_component(ReviewStep)]
pub fn review_step(props: &ReviewProps) -> Html {
    let d = &props.draft;
    let (update, delete) = d.policy();
    let section = |title: &str, step: usize, rows: Vec<(&str, String)>| {
        let edit = props.edit.clone();
        html! {
            <section class="review-section">
                <div class="review-head"><h3>{ title }</h3>
                    <button type="button" class="link" aria-label={format!("Edit {title}")} onclick={Callback::from(move |_| edit.emit(step))}>{"Edit"}</button></div>
                <dl class="review-list">
                    { for rows.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                </dl>
            </section>
        }
    };
    let none = |v: String| if v.is_empty() { "—".to_string() } else { v };
    let classifiers = d
        .classifiers
        .iter()
        .map(|n| match props.classifiers.iter().find(|c| &c.name == n) {
            Some(c) => format!("{n} ({}: {})", c.kind.to_uppercase(), c.detail),
            None => n.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <div class="wizard-review" id="wizard-review">
            { section("Name", 0, vec![("Name", d.name.trim().to_string())]) }
            { section("Data sources", 1, vec![
                ("S3 paths", d.targets.iter().map(|t| t.trim()).collect::<Vec<_>>().join(", ")),
                ("Exclusions", none(d.exclusion_list().join(", "))),
                ("Subsequent runs", if d.new_folders_only { "Crawl new sub-folders only" } else { "Crawl all sub-folders" }.into()),
            ]) }
            { section("Classifiers", 2, vec![("Custom classifiers", if classifiers.is_empty() { "Built-in classifiers only".into() } else { classifiers })]) }
            { section("Output and scheduling", 3, vec![
                ("Database", format!("{}{}", d.database.trim(), if d.new_database { " (new)" } else { "" })),
                ("Table prefix", none(d.table_prefix.trim().to_string())),
                ("Schema changes", update),
                ("Deleted data", delete),
                ("Schedule", match d.schedule.expression() { Some(e) => format!("{} — {e}", d.schedule.describe()), None => d.schedule.describe() }),
            ]) }
        </div>
    }
}
