//! Forms that work without JavaScript: they post to their own page; on a mistake the
//! server renders the page again with [`FormFeedback`] (what was typed, what is wrong).
//! The feedback travels to the browser inside the page, so hydration sees the same.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

use crate::domain::authz::Denied;
use crate::domain::Lang;

/// A message about a form, translated when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormMessage {
    Required,
    EmailMalformed,
    NameTooLong,
    NameMalformed,
    PasswordTooShort,
    PasswordTooLong,
    PasswordGuessable,
    TermsRequired,
    BadCredentials,
    FormExpired,
    /// The form's `intent` or `target` is missing or unknown: nothing was done.
    FormUnreadable,
    TooManyAttempts,
    ResetLinkInvalid,
    CurrentPasswordWrong,
    CodeInvalid,
    Denied(Denied),
    SlugMalformed,
    SlugTaken,
    NameInOneLanguage,
    TextTooLong,
    TimeZoneUnknown,
    UrlMalformed,
    NoSuchAccount,
    DateMalformed,
    DateInFuture,
    AlreadyHoldsRole,
    AlreadyRevoked,
    TopicUnknown,
    PeriodInvalid,
    DraftEmpty,
    TranslationMismatch,
    ConsultationConcluded,
    OpensInPast,
    ChangeNoteRequired,
    TransitionNotAllowed,
    FileNotText,
    FileTooLarge,
    FileMissing,
    FileNotPdf,
    NotFound,
    CommentsClosed,
    ReplyTargetGone,
    ClauseUnknown,
    TooManyLinks,
    DuplicateContribution,
    EditWindowOver,
    OwnContribution,
    AppealNotPossible,
    AlreadyDecided,
    Internal,
}

impl FormMessage {
    pub fn text(self, lang: Lang) -> String {
        let l = lang.locale();
        match self {
            FormMessage::Required => td_string!(l, form_required),
            FormMessage::EmailMalformed => td_string!(l, form_email_malformed),
            FormMessage::NameTooLong => td_string!(l, form_name_too_long),
            FormMessage::NameMalformed => td_string!(l, form_name_malformed),
            FormMessage::PasswordTooShort => td_string!(l, form_password_too_short),
            FormMessage::PasswordTooLong => td_string!(l, form_password_too_long),
            FormMessage::PasswordGuessable => td_string!(l, form_password_guessable),
            FormMessage::TermsRequired => td_string!(l, form_terms_required),
            FormMessage::BadCredentials => td_string!(l, form_bad_credentials),
            FormMessage::FormExpired => td_string!(l, form_expired),
            FormMessage::FormUnreadable => td_string!(l, form_unreadable),
            FormMessage::TooManyAttempts => td_string!(l, form_too_many_attempts),
            FormMessage::ResetLinkInvalid => td_string!(l, reset_link_invalid),
            FormMessage::CurrentPasswordWrong => td_string!(l, form_current_password_wrong),
            FormMessage::CodeInvalid => td_string!(l, form_code_invalid),
            FormMessage::Denied(d) => return denied_text(d, lang),
            FormMessage::SlugMalformed => td_string!(l, form_slug_malformed),
            FormMessage::SlugTaken => td_string!(l, form_slug_taken),
            FormMessage::NameInOneLanguage => td_string!(l, form_name_in_one_language),
            FormMessage::TextTooLong => td_string!(l, form_text_too_long),
            FormMessage::TimeZoneUnknown => td_string!(l, form_time_zone_unknown),
            FormMessage::UrlMalformed => td_string!(l, form_url_malformed),
            FormMessage::NoSuchAccount => td_string!(l, form_no_such_account),
            FormMessage::DateMalformed => td_string!(l, form_date_malformed),
            FormMessage::DateInFuture => td_string!(l, form_date_in_future),
            FormMessage::AlreadyHoldsRole => td_string!(l, form_already_holds_role),
            FormMessage::AlreadyRevoked => td_string!(l, form_already_revoked),
            FormMessage::TopicUnknown => td_string!(l, form_topic_unknown),
            FormMessage::PeriodInvalid => td_string!(l, form_period_invalid),
            FormMessage::DraftEmpty => td_string!(l, form_draft_empty),
            FormMessage::TranslationMismatch => td_string!(l, form_translation_mismatch),
            FormMessage::ConsultationConcluded => td_string!(l, form_consultation_concluded),
            FormMessage::OpensInPast => td_string!(l, form_opens_in_past),
            FormMessage::ChangeNoteRequired => td_string!(l, form_change_note_required),
            FormMessage::TransitionNotAllowed => td_string!(l, form_transition_not_allowed),
            FormMessage::FileNotText => td_string!(l, form_file_not_text),
            FormMessage::FileTooLarge => td_string!(l, form_file_too_large),
            FormMessage::FileMissing => td_string!(l, form_file_missing),
            FormMessage::FileNotPdf => td_string!(l, form_file_not_pdf),
            FormMessage::NotFound => td_string!(l, form_not_found),
            FormMessage::CommentsClosed => td_string!(l, form_comments_closed),
            FormMessage::ReplyTargetGone => td_string!(l, form_reply_target_gone),
            FormMessage::ClauseUnknown => td_string!(l, form_clause_unknown),
            FormMessage::TooManyLinks => td_string!(l, form_too_many_links),
            FormMessage::DuplicateContribution => td_string!(l, form_duplicate_contribution),
            FormMessage::EditWindowOver => td_string!(l, form_edit_window_over),
            FormMessage::OwnContribution => td_string!(l, form_own_contribution),
            FormMessage::AppealNotPossible => td_string!(l, form_appeal_not_possible),
            FormMessage::AlreadyDecided => td_string!(l, form_already_decided),
            FormMessage::Internal => td_string!(l, form_internal),
        }
        .to_string()
    }
}

/// Why an action was refused, in words.
pub fn denied_text(reason: Denied, lang: Lang) -> String {
    let l = lang.locale();
    match reason {
        Denied::SignInRequired => td_string!(l, denied_sign_in),
        Denied::EmailUnverified => td_string!(l, denied_unverified),
        Denied::SecondFactorRequired => td_string!(l, denied_second_factor),
        Denied::Forbidden => td_string!(l, denied_forbidden),
    }
    .to_string()
}

/// What the server says about a submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Values to put back in the fields (never passwords).
    pub values: BTreeMap<String, String>,
    /// A message per field name.
    pub errors: BTreeMap<String, FormMessage>,
    /// A message about the form as a whole.
    pub summary: Option<FormMessage>,
    /// Which of the page's forms was submitted (its `intent` field), when it has several.
    pub intent: String,
}

impl FormFeedback {
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.summary.is_some()
    }
}

/// The page's form feedback: set by the server when re-rendering after a post, empty
/// otherwise. Read it inside `<Suspense>`.
pub fn use_form_feedback() -> Resource<FormFeedback> {
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
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field__error" id=error_id.clone()>{e.text(lang)}</p> })}
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

/// The summary shown above a form that came back with mistakes.
#[component]
pub fn FormSummary(feedback: FormFeedback, lang: Lang) -> impl IntoView {
    let message = match feedback.summary {
        Some(summary) => Some(summary.text(lang)),
        None if feedback.has_errors() => {
            Some(td_string!(lang.locale(), form_fix_errors).to_string())
        }
        None => None,
    };
    message.map(|m| {
        view! {
            <div class="form-summary" role="alert" tabindex="-1">
                {m}
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
    let token = Resource::new(|| (), |_| crate::accounts::api::form_token());
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
