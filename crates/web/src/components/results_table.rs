//! A query result as a table.

use puddle_api::QueryResult;
use serde_json::Value;
use yew::prelude::*;

/// Rows drawn at most; the count above the table still tells the full size.
const MAX_RENDERED_ROWS: usize = 1000;

/// Props of [`ResultsTable`].
#[derive(Properties, PartialEq)]
pub struct ResultsTableProps {
    /// The result to show.
    pub result: QueryResult,
}

/// Column headers with their types, then the rows.
#[function_component(ResultsTable)]
pub fn results_table(props: &ResultsTableProps) -> Html {
    let r = &props.result;
    if r.columns.is_empty() {
        return html! { <p class="empty">{"The statement completed. It returns no rows."}</p> };
    }
    let shown = r.rows.len().min(MAX_RENDERED_ROWS);
    html! {
        <div class="table-wrap">
            <table id="results" class="grid">
                <thead><tr>
                    <th class="rownum">{"#"}</th>
                    { for r.columns.iter().zip(&r.column_types).map(|(c, t)| html! {
                        <th><span class="col-name">{ c }</span><span class="col-type">{ t }</span></th>
                    }) }
                </tr></thead>
                <tbody>
                { for r.rows.iter().take(shown).enumerate().map(|(i, row)| html! {
                    <tr>
                        <td class="rownum">{ i + 1 }</td>
                        { for row.iter().map(cell) }
                    </tr>
                }) }
                </tbody>
            </table>
            if shown < r.rows.len() {
                <p class="muted">{ format!("Showing the first {shown} of {} rows.", r.rows.len()) }</p>
            }
        </div>
    }
}

fn cell(v: &Value) -> Html {
    match v {
        Value::Null => html! { <td class="null">{"NULL"}</td> },
        Value::Number(n) => html! { <td class="num">{ n.to_string() }</td> },
        Value::String(s) => html! { <td>{ s }</td> },
        other => html! { <td>{ other.to_string() }</td> },
    }
}
