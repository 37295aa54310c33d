//! Showing text written by people: isolated direction, and a visible mark when it is
//! shown in the other language because no translation exists.

use leptos::prelude::*;
use leptos_i18n::td_string;

use crate::domain::{Lang, LocalizedText};

/// Renders `text` in `lang` if it exists, else in the other language, with `lang`/`dir`
/// set on the element so that screen readers and the bidi algorithm get it right.
#[component]
pub fn LocalizedSpan(text: LocalizedText, lang: Lang) -> impl IntoView {
    match text.pick(lang) {
        Some(picked) => {
            let notice = picked
                .is_fallback
                .then(|| td_string!(lang.locale(), translation_missing).to_string());
            view! {
                <bdi lang=picked.lang.code() dir=picked.lang.dir()>
                    {picked.text}
                </bdi>
                {notice.map(|n| view! { " " <small class="fallback-note">"("{n}")"</small> })}
            }
            .into_any()
        }
        None => ().into_any(),
    }
}
