//! What a page shows when its server function refused the visitor.

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::domain::authz::Denied;
use crate::domain::Lang;
use crate::error::AppError;
use crate::forms::denied_text;
use crate::paths;

/// A refusal with the way forward: sign in, or set up two-factor authentication.
#[component]
pub fn DeniedNotice(reason: Denied, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    let next = match reason {
        Denied::SignInRequired => Some((
            paths::sign_in(lang),
            td_string!(locale, sign_in).to_string(),
        )),
        Denied::SecondFactorRequired => Some((
            paths::two_factor(lang),
            td_string!(locale, two_factor_title).to_string(),
        )),
        Denied::EmailUnverified => Some((
            paths::account(lang),
            td_string!(locale, account_title).to_string(),
        )),
        Denied::Forbidden => None,
    };
    view! {
        <div class="notice notice--error denied" role="alert">
            <p>{denied_text(reason, lang)}</p>
            {next.map(|(href, label)| view! { <p><a href=href>{label}</a></p> })}
        </div>
    }
}

/// The notice for any error a page's server function returned.
pub fn error_notice(err: AppError, lang: Lang) -> AnyView {
    match err {
        AppError::Denied(reason) => view! { <DeniedNotice reason lang /> }.into_any(),
        AppError::NotFound => view! {
            <p class="notice notice--error" role="alert">{td_string!(lang.locale(), not_found_body)}</p>
        }
        .into_any(),
        _ => view! {
            <p class="notice notice--error" role="alert">{td_string!(lang.locale(), form_internal)}</p>
        }
        .into_any(),
    }
}
