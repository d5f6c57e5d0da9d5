//! The preview: the exact request Save sends (auth and secrets masked), and the diff of
//! every field it carries.

use super::state::FormState;
use crate::model::{HttpRequest, PlannedUpdate};
use leptos::prelude::*;
use serde_json::Value;

/// What will be sent, or why nothing can be yet.
#[component]
pub fn RequestPreview(form: FormState) -> impl IntoView {
    let body = move || {
        form.plan.with(|plan| match plan {
            Ok(update) if !update.change.is_empty() => preview(update),
            Ok(_) => muted("No changes yet. Edit a field to see the request that will be sent."),
            Err(errors) if errors.is_empty() => muted("This provider can no longer be saved here."),
            Err(_) => muted("Fix the highlighted fields to see the request that will be sent."),
        })
    };
    view! { <section class="preview" aria-label="What will be sent">{body}</section> }
}

fn muted(text: &'static str) -> AnyView {
    view! { <p class="muted">{text}</p> }.into_any()
}

/// The request as text: method and path, headers, body.
pub fn request_text(req: &HttpRequest, masked_body: &serde_json::Map<String, Value>) -> String {
    let mut headers: Vec<String> = req
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    headers.extend(req.auth.masked_header());
    let body = serde_json::to_string_pretty(masked_body).unwrap_or_default();
    format!(
        "{} {}\n{}\n\n{}",
        req.method.as_str(),
        resolved_path(&req.url),
        headers.join("\n"),
        body
    )
}

fn preview(update: &PlannedUpdate) -> AnyView {
    let text = request_text(&update.request, &update.change.masked_body());
    let rows = update.change.rows().to_vec();
    view! {
        <h3>"Will send"</h3>
        <pre class="request"><code>{text}</code></pre>
        <table class="diff">
            <thead><tr><th scope="col">"Field"</th><th scope="col">"Now"</th><th scope="col">"After save"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr class:changed=r.changed><th scope="row">{r.label}</th><td>{r.before}</td><td>{r.after}{(!r.changed).then_some(" (required)")}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The path the browser will request: relative base URLs resolve against the page.
pub fn resolved_path(url: &str) -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .and_then(|base| web_sys::Url::new_with_base(url, &base).ok())
        .map_or_else(|| url.to_owned(), |u| u.pathname())
}
