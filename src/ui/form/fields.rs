//! The form's fields: one generated input per editable field, then the read-only details.

use super::state::FormState;
use crate::model::provider::value_text;
use crate::model::{Access, Provider};
use crate::ui::inputs::{FieldCtx, FieldInput};
use leptos::prelude::*;

/// Every field of the provider, drawn from the dialect's description. Redrawn when the
/// provider itself changes (a stale check brought the server's version), so each input
/// compares against what the server holds now; the draft is kept.
#[component]
pub fn FieldList(form: FormState) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.save();
    };
    view! {
        <form class="fields" on:submit=on_submit>
            {move || form.listed.with(|l| fields_of(form, &l.provider))}
        </form>
    }
}

fn fields_of(form: FormState, provider: &Provider) -> AnyView {
    let (inputs, details) = form.fields.with_value(|fields| {
        let inputs = fields
            .iter()
            .filter(|f| f.access != Access::ReadOnly)
            .map(|field| {
                let ctx = FieldCtx {
                    current: provider.value(field.name).clone(),
                    secret: provider.secrets.get(field.name).copied(),
                    field: field.clone(),
                    draft: form.draft,
                    error: form.error(field.name),
                };
                view! { <FieldInput ctx=ctx /> }
            })
            .collect_view();
        let details: Vec<_> = fields
            .iter()
            .filter(|f| f.access == Access::ReadOnly)
            .map(|f| (f.label, value_text(provider.value(f.name))))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        (inputs, details)
    });
    view! {
        {inputs}
        {(!details.is_empty()).then(|| view! {
            <details class="details"><summary>"Details"</summary>
                <dl class="facts">{details.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}</dl>
            </details>
        })}
    }
    .into_any()
}
