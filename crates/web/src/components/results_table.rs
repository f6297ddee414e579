//! A query result as a table, virtually scrolled: only the rows in view of a fixed-height
//! scroller are in the DOM (plus a few either side), so results of 100k rows stay fast.

use puddle_api::QueryResult;
use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Height of one row in pixels (`.vgrid td` in style.css uses the same).
pub const ROW_HEIGHT: f64 = 28.0;
/// Height of the scroller in pixels.
const VIEW_HEIGHT: f64 = 420.0;
/// Rows drawn above and below the visible ones.
const OVERSCAN: usize = 8;

/// Props of [`ResultsTable`].
#[derive(Properties, PartialEq)]
pub struct ResultsTableProps {
    /// The result to show.
    pub result: QueryResult,
}

/// The `[first, last)` rows to draw for a scroll offset.
pub fn visible_range(scroll_top: f64, total: usize) -> (usize, usize) {
    let first = ((scroll_top.max(0.0) / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN).min(total);
    let last = (first + (VIEW_HEIGHT / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN).min(total);
    (first, last)
}

/// Column headers with their types, then the rows in view.
#[function_component(ResultsTable)]
pub fn results_table(props: &ResultsTableProps) -> Html {
    let scroll_top = use_state(|| 0.0f64);
    let r = &props.result;
    if r.columns.is_empty() {
        return html! { <p class="empty">{"The statement completed. It returns no rows."}</p> };
    }
    let total = r.rows.len();
    let (first, last) = visible_range(*scroll_top, total);
    let on_scroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                let top = el.scroll_top() as f64;
                // Re-render only when the drawn window would move by a row.
                if (top / ROW_HEIGHT).floor() != (*scroll_top / ROW_HEIGHT).floor() {
                    scroll_top.set(top);
                }
            }
        })
    };
    let cols = r.columns.len() + 1;
    let spacer = |rows: usize| {
        let style = format!("height: {}px", rows as f64 * ROW_HEIGHT);
        html! { <tr class="spacer" aria-hidden="true" {style}><td colspan={cols.to_string()}></td></tr> }
    };
    html! {
        <div class="table-wrap vscroll" onscroll={on_scroll} style={format!("max-height: {VIEW_HEIGHT}px")}>
            <table id="results" class="grid vgrid" aria-rowcount={(total + 1).to_string()}>
                <thead><tr>
                    <th class="rownum">{"#"}</th>
                    { for r.columns.iter().zip(&r.column_types).map(|(c, t)| html! {
                        <th><span class="col-name">{ c }</span><span class="col-type">{ t }</span></th>
                    }) }
                </tr></thead>
                <tbody>
                if first > 0 { { spacer(first) } }
                { for r.rows[first..last].iter().enumerate().map(|(i, row)| html! {
                    <tr key={first + i} aria-rowindex={(first + i + 2).to_string()}>
                        <td class="rownum">{ first + i + 1 }</td>
                        { for row.iter().map(cell) }
                    </tr>
                }) }
                if last < total { { spacer(total - last) } }
                </tbody>
            </table>
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

/// The result as RFC 4180 CSV, with a header row (what Athena writes to S3).
pub fn to_csv(r: &QueryResult) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = r.columns.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in &r.rows {
        let line: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => field(s),
                other => field(&other.to_string()),
            })
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
