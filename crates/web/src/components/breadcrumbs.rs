//! The breadcrumb trail at the top of each page.

use yew::prelude::*;

/// One crumb: a label and, except for the last, a link.
#[derive(Clone, PartialEq)]
pub struct Crumb {
    /// Text shown.
    pub label: String,
    /// Where it leads (`None` for the current page).
    pub href: Option<String>,
}

/// Props of [`Breadcrumbs`].
#[derive(Properties, PartialEq)]
pub struct BreadcrumbsProps {
    /// The trail, outermost first.
    pub crumbs: Vec<Crumb>,
}

/// `Amazon S3 › Buckets › data-lake-raw-123 › sales/`
#[function_component(Breadcrumbs)]
pub fn breadcrumbs(props: &BreadcrumbsProps) -> Html {
    html! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
            { for props.crumbs.iter().map(|c| html! {
                <li>{ match &c.href {
                    Some(href) => html! { <a href={href.clone()}>{ &c.label }</a> },
                    None => html! { <span aria-current="page">{ &c.label }</span> },
                }}</li>
            }) }
            </ol>
        </nav>
    }
}
