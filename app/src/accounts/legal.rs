//! The terms of use and the privacy notice that registration asks people to accept:
//! plain pages in both languages, one heading and paragraph per topic.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;

use crate::domain::Lang;
use crate::paths;
use crate::ui::layout::{page_title, use_lang};

/// `/{lang}/terms`.
#[component]
pub fn TermsPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    legal_page(
        lang,
        td_string!(l, terms_title),
        td_string!(l, terms_intro),
        vec![
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
        ],
        [
            (paths::moderation_rules(lang), td_string!(l, rules_title)),
            (paths::privacy(lang), td_string!(l, privacy_title)),
        ],
    )
}

/// `/{lang}/privacy`: what is kept, why, what is public, and how to see and remove it
/// (the account page's "My data" and deletion).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    legal_page(
        lang,
        td_string!(l, privacy_title),
        td_string!(l, privacy_intro),
        vec![
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
        ],
        [
            (paths::account(lang), td_string!(l, account_title)),
            (paths::terms(lang), td_string!(l, terms_title)),
        ],
    )
}

/// A page of headed paragraphs, with two links onward.
fn legal_page(
    lang: Lang,
    title: &'static str,
    intro: &'static str,
    sections: Vec<(&'static str, &'static str)>,
    [(first_href, first), (second_href, second)]: [(String, &'static str); 2],
) -> impl IntoView {
    view! {
        <Title text=page_title(lang, title) />
        <article class="page narrow legal">
            <h1>{title}</h1>
            <p class="lead">{intro}</p>
            {sections.into_iter().map(|(title, text)| view! { <h2>{title}</h2><p>{text}</p> }).collect_view()}
            <p><a href=first_href>{first}</a>" · "<a href=second_href>{second}</a></p>
        </article>
    }
}
