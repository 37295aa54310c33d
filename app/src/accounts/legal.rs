//! The terms of use and the privacy notice that registration asks people to accept:
//! plain pages in both languages, one heading and paragraph per topic.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;

use crate::paths;
use crate::ui::layout::{page_title, use_lang};

/// `/{lang}/terms`.
#[component]
pub fn TermsPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let sections = [
        (td_string!(l, terms_posts_title), td_string!(l, terms_posts)),
        (td_string!(l, terms_rules_title), td_string!(l, terms_rules)),
        (
            td_string!(l, terms_speaking_title),
            td_string!(l, terms_speaking),
        ),
        (
            td_string!(l, terms_account_title),
            td_string!(l, terms_account),
        ),
        (
            td_string!(l, terms_changes_title),
            td_string!(l, terms_changes),
        ),
    ];
    view! {
        <Title text=page_title(lang, td_string!(l, terms_title)) />
        <article class="page narrow legal">
            <h1>{td_string!(l, terms_title)}</h1>
            <p class="lead">{td_string!(l, terms_intro)}</p>
            {sections.into_iter().map(|(title, text)| view! { <h2>{title}</h2><p>{text}</p> }).collect_view()}
            <p>
                <a href=paths::moderation_rules(lang)>{td_string!(l, rules_title)}</a>
                " · "
                <a href=paths::privacy(lang)>{td_string!(l, privacy_title)}</a>
            </p>
        </article>
    }
}

/// `/{lang}/privacy`: what is kept, why, what is public, and how to see and remove it
/// (the account page's "My data" and deletion).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let sections = [
        (
            td_string!(l, privacy_kept_title),
            td_string!(l, privacy_kept),
        ),
        (td_string!(l, privacy_why_title), td_string!(l, privacy_why)),
        (
            td_string!(l, privacy_public_title),
            td_string!(l, privacy_public),
        ),
        (
            td_string!(l, privacy_technical_title),
            td_string!(l, privacy_technical),
        ),
        (
            td_string!(l, privacy_rights_title),
            td_string!(l, privacy_rights),
        ),
        (
            td_string!(l, privacy_contact_title),
            td_string!(l, privacy_contact),
        ),
    ];
    view! {
        <Title text=page_title(lang, td_string!(l, privacy_title)) />
        <article class="page narrow legal">
            <h1>{td_string!(l, privacy_title)}</h1>
            <p class="lead">{td_string!(l, privacy_intro)}</p>
            {sections.into_iter().map(|(title, text)| view! { <h2>{title}</h2><p>{text}</p> }).collect_view()}
            <p>
                <a href=paths::account(lang)>{td_string!(l, account_title)}</a>
                " · "
                <a href=paths::terms(lang)>{td_string!(l, terms_title)}</a>
            </p>
        </article>
    }
}
