//! Forms that work without JavaScript: they post to their own page; on a mistake the
//! server renders the page again with [`FormFeedback`] (what was typed, what is wrong).
//! The feedback travels to the browser inside the page, so hydration sees the same.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::domain::Lang;
use crate::forms::{FormFeedback, FormMessage};
use crate::ui::layout::digits;

/// Fetches the session's CSRF token for the forms of a page. The frame around every
/// page provides it, so that these widgets need not know where sessions are kept.
#[derive(Clone, Copy)]
pub struct FormTokenSource(pub fn() -> TokenFuture);

/// The session's CSRF token, on its way (`None` when it cannot be had).
pub type TokenFuture = Pin<Box<dyn Future<Output = Option<String>> + Send>>;

/// The page's form feedback: set by the server when re-rendering after a post, empty
/// otherwise. Read it inside `<Suspense>`.
///
/// One resource per page, made by the frame ([`provide_form_feedback`]): a resource
/// made inside a `<Suspense>` is made again each time Leptos re-runs the suspended
/// view on the server, and every copy is serialised into the page.
pub fn use_form_feedback() -> Resource<FormFeedback> {
    use_context::<Resource<FormFeedback>>().unwrap_or_else(feedback_resource)
}

/// Makes the page's feedback resource for [`use_form_feedback`]; called by the frame,
/// outside any `<Suspense>`.
pub fn provide_form_feedback() {
    provide_context(feedback_resource());
}

fn feedback_resource() -> Resource<FormFeedback> {
    let provided = use_context::<FormFeedback>();
    Resource::new(
        || (),
        move |_| {
            let provided = provided.clone();
            async move { provided.unwrap_or_default() }
        },
    )
}

/// A labelled input with its error message, wired for screen readers.
#[component]
pub fn Field(
    name: &'static str,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] value: String,
    #[prop(default = None)] error: Option<FormMessage>,
    lang: Lang,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = match (&hint, &error) {
        (Some(_), Some(_)) => Some(format!("{hint_id} {error_id}")),
        (Some(_), None) => Some(hint_id.clone()),
        (None, Some(_)) => Some(error_id.clone()),
        (None, None) => None,
    };
    view! {
        <div class="field" class:field--invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{digits(h)}</p> })}
            {error.map(|e| view! { <p class="field__error" id=error_id.clone()>{digits(e.text(lang))}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                dir="auto"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described_by
            />
        </div>
    }
}

/// A labelled multi-line field with its error message.
#[component]
pub fn TextArea(
    name: &'static str,
    label: String,
    value: String,
    error: Option<FormMessage>,
    rows: u32,
    lang: Lang,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field--invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field__error" id=error_id.clone()>{digits(e.text(lang))}</p> })}
            <textarea
                id=id
                name=name
                rows=rows
                dir="auto"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some(error_id.clone())
            >{value}</textarea>
        </div>
    }
}

/// The summary shown above a form that came back with mistakes.
#[component]
pub fn FormSummary(feedback: FormFeedback, lang: Lang) -> impl IntoView {
    let message = match feedback.summary {
        Some(summary) => Some(digits(summary.text(lang))),
        None if feedback.has_errors() => {
            Some(td_string!(lang.locale(), form_fix_errors).to_string())
        }
        None => None,
    };
    // A page shows one submission's feedback at a time, so this is the one summary on
    // it. `autofocus` moves focus (and the view) to it as the page loads, with or
    // without JavaScript: a refused form comes back screens below the top of its page.
    let l = lang.locale();
    let rows = feedback.rows;
    message.map(|m| {
        view! {
            <div class="form-summary" id="form-summary" role="alert" tabindex="-1" autofocus>
                {m}
                {(!rows.is_empty()).then(|| view! {
                    <ul class="form-summary__rows">
                        {rows.iter().map(|p| {
                            let text = td_string!(l, form_row_problem)
                                .replace("%line%", &p.line.to_string())
                                .replace("%column%", &p.column)
                                .replace("%message%", &p.message.text(lang));
                            view! { <li data-line=p.line data-column=p.column.clone()>{digits(text)}</li> }
                        }).collect_view()}
                    </ul>
                })}
            </div>
        }
    })
}

/// A form that posts to `action` with the session's CSRF token, preceded by the summary
/// of a previous submission's mistakes. `fields` draws the fields (and the submit
/// button) from that submission's feedback.
/// A page with several forms tells them apart by `intent`: each shows only the feedback
/// of its own submission.
#[component]
pub fn PostForm<F>(
    action: String,
    lang: Lang,
    fields: F,
    #[prop(optional)] intent: &'static str,
    /// Sends `multipart/form-data`, for forms with a file input.
    #[prop(optional)]
    multipart: bool,
) -> impl IntoView
where
    F: Fn(&FormFeedback) -> AnyView + Clone + Send + Sync + 'static,
{
    let feedback = use_form_feedback();
    let source = use_context::<FormTokenSource>();
    let token = Resource::new(
        || (),
        move |_| async move {
            match source {
                Some(FormTokenSource(fetch)) => fetch().await,
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let fields = fields.clone();
                let action = action.clone();
                Suspend::new(async move {
                    let fb = feedback.await;
                    let fb = if fb.intent == intent { fb } else { FormFeedback::default() };
                    let csrf = token.await.unwrap_or_default();
                    view! {
                        <FormSummary feedback=fb.clone() lang />
                        <form method="post" action=action class="form" novalidate
                            enctype=multipart.then_some("multipart/form-data")>
                            <input type="hidden" name="csrf" value=csrf />
                            {(!intent.is_empty()).then(|| view! {
                                <input type="hidden" name="intent" value=intent />
                            })}
                            {fields(&fb)}
                        </form>
                    }
                })
            }}
        </Suspense>
    }
}
