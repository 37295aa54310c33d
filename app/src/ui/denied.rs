//! What a page shows when its server function refused the visitor.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;

use crate::domain::authz::Denied;
use crate::domain::Lang;
use crate::error::AppError;
use crate::forms::denied_text;
use crate::paths;
use crate::ui::layout::{here_then_sign_in, page_title};

/// A refusal with the way forward: sign in, or set up two-factor authentication.
#[component]
pub fn DeniedNotice(reason: Denied, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    let next = match reason {
        Denied::SignInRequired => Some((
            here_then_sign_in(lang),
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

/// The notice for any error a server function returned, inside a page that goes on.
pub fn error_notice(err: AppError, lang: Lang) -> AnyView {
    let l = lang.locale();
    match err {
        AppError::Denied(reason) => view! { <DeniedNotice reason lang /> }.into_any(),
        AppError::NotFound => view! {
            <p class="notice notice--error" role="alert">{td_string!(l, not_found_body)}</p>
        }
        .into_any(),
        _ => view! {
            <p class="notice notice--error" role="alert">{td_string!(l, form_internal)}</p>
        }
        .into_any(),
    }
}

/// What a page shows instead of itself when its server function returned an error:
/// a title and heading that say what happened, the notice, and the ways onward.
pub fn error_page(err: AppError, lang: Lang) -> AnyView {
    let l = lang.locale();
    let title = match err {
        AppError::Denied(_) => td_string!(l, denied_title),
        AppError::NotFound => td_string!(l, not_found_title),
        _ => td_string!(l, error_title),
    };
    view! {
        <Title text=page_title(lang, title) />
        <div class="error-page">
            <h1>{title}</h1>
            {error_notice(err, lang)}
            <ul class="error-page__onward">
                <li><a href=paths::consultations(lang)>{td_string!(l, nav_consultations)}</a></li>
                <li><a href=paths::home(lang)>{td_string!(l, back_home)}</a></li>
            </ul>
        </div>
    }
    .into_any()
}
