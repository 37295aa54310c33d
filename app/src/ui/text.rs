//! Showing text written by people: isolated direction, and a visible mark when it is
//! shown in the other language because no translation exists.

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::domain::contribution::Segment;
use crate::domain::text::detect_lang;
use crate::domain::{Lang, LocalizedText};

/// Renders `text` in `lang` if it exists, else in the other language, with `lang`/`dir`
/// set on the element so that screen readers and the bidi algorithm get it right.
#[component]
pub fn LocalizedSpan(text: LocalizedText, lang: Lang) -> impl IntoView {
    match text.pick(lang) {
        Some(picked) => {
            let notice = picked
                .is_fallback
                .then(|| view! { " " {fallback_note(lang)} });
            view! {
                <bdi lang=picked.lang.code() dir=picked.lang.dir()>
                    {picked.text}
                </bdi>
                {notice}
            }
            .into_any()
        }
        None => ().into_any(),
    }
}

/// The mark, in the page's language, beside a text shown in the other language because
/// it has no translation.
pub fn fallback_note(lang: Lang) -> impl IntoView {
    view! { <small class="fallback-note">"("{td_string!(lang.locale(), translation_missing)}")"</small> }
}

/// A text as paragraphs of plain text (links shown as their address, not linked), each
/// with the language it is written in, for pages that show what someone wrote to staff.
pub fn plain_paragraphs(paragraphs: Vec<Vec<Segment>>) -> impl IntoView {
    paragraphs
        .into_iter()
        .map(|p| {
            let t: String = p
                .into_iter()
                .map(|s| match s {
                    Segment::Text(t) | Segment::Link(t) => t,
                })
                .collect();
            let lang = detect_lang(&t).map(Lang::code);
            view! { <p dir="auto" lang=lang>{t}</p> }
        })
        .collect_view()
}
