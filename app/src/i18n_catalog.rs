//! The UI strings of both languages, compiled from `app/locales/*.json`.
//!
//! A key missing from the default catalog (Arabic) is a compile error at its first use;
//! a key missing from the English one is caught by `catalogs_have_the_same_keys`.
//!
//! A number next to a counted noun is a plural key: `key_one`, `key_other`, and in
//! Arabic also `key_zero`, `key_two`, `key_few`, `key_many`, chosen by ICU's plural
//! rules from the `count` given to `td!` (`{{ count }}` shows the number).

// `load_locales!` is deprecated in favour of a build script, but that script would add
// ICU's data exporter (with a network client and a wasm interpreter) to every build for
// features we do not use. The macro produces the same `i18n` module.
#[allow(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}

pub use generated::i18n;

use crate::domain::Lang;

impl Lang {
    /// The catalog locale for this language.
    pub fn locale(self) -> i18n::Locale {
        match self {
            Lang::Ar => i18n::Locale::ar,
            Lang::En => i18n::Locale::en,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use leptos::prelude::RenderHtml;
    use leptos_i18n::td;

    use super::i18n::Locale;

    /// The plural forms of CLDR, as leptos_i18n reads them from a key's suffix.
    const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

    /// `key` without its plural suffix, if it is one form of a plural key of `all`.
    fn plural_base<'a>(key: &'a str, all: &BTreeSet<String>) -> Option<&'a str> {
        let (base, form) = key.rsplit_once('_')?;
        (PLURAL_FORMS.contains(&form) && all.contains(&format!("{base}_other"))).then_some(base)
    }

    /// The catalog's keys, with each plural key once, as `key_*`: languages have
    /// different plural forms, but must have the same plural keys.
    fn keys(json: &str) -> BTreeSet<String> {
        let all = raw_keys(json);
        all.iter()
            .map(|k| plural_base(k, &all).map_or_else(|| k.clone(), |base| format!("{base}_*")))
            .collect()
    }

    fn raw_keys(json: &str) -> BTreeSet<String> {
        fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        walk(&format!("{prefix}{k}."), v, out);
                    }
                }
                _ => {
                    out.insert(prefix.trim_end_matches('.').to_owned());
                }
            }
        }
        let value: serde_json::Value = serde_json::from_str(json).expect("catalog is valid JSON");
        let mut out = BTreeSet::new();
        walk("", &value, &mut out);
        out
    }

    #[test]
    fn catalogs_have_the_same_keys() {
        let ar = keys(include_str!("../locales/ar.json"));
        let en = keys(include_str!("../locales/en.json"));
        let only_ar: Vec<_> = ar.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ar).collect();
        assert!(
            only_ar.is_empty() && only_en.is_empty(),
            "missing in en.json: {only_ar:?}; missing in ar.json: {only_en:?}"
        );
    }

    #[test]
    fn no_translation_is_empty() {
        for (name, json) in [
            ("ar", include_str!("../locales/ar.json")),
            ("en", include_str!("../locales/en.json")),
        ] {
            let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
            for (k, v) in value.as_object().expect("object") {
                assert!(
                    v.as_str().is_none_or(|s| !s.trim().is_empty()),
                    "{name}.json: {k} is empty"
                );
            }
        }
    }

    /// What a view of the catalog shows, as text (without the renderer's markers).
    fn text(view: impl RenderHtml) -> String {
        view.to_html().replace("<!>", "")
    }

    #[test]
    fn counted_nouns_agree_with_their_number() {
        let found = |locale: Locale, n: u64| {
            text(td!(
                locale,
                consultations_found,
                count = move || n,
                num = move || n
            ))
        };
        let ar: Vec<_> = [0, 1, 2, 3, 11, 100].map(|n| found(Locale::ar, n)).into();
        assert_eq!(
            ar,
            [
                "لا استشارات",
                "استشارة واحدة",
                "استشارتان",
                "3 استشارات",
                "11 استشارة",
                "100 استشارة"
            ]
        );
        let en: Vec<_> = [0, 1, 2, 3, 11, 100].map(|n| found(Locale::en, n)).into();
        assert_eq!(
            en,
            [
                "0 consultations",
                "1 consultation",
                "2 consultations",
                "3 consultations",
                "11 consultations",
                "100 consultations"
            ]
        );

        let comments = |locale: Locale, n: i64| {
            text(td!(
                locale,
                clause_comments,
                count = move || n,
                num = move || n
            ))
        };
        let ar: Vec<_> = [1, 2, 3, 10, 11, 99, 100, 102]
            .map(|n| comments(Locale::ar, n))
            .into();
        assert_eq!(
            ar,
            [
                "تعليق واحد",
                "تعليقان",
                "3 تعليقات",
                "10 تعليقات",
                "11 تعليقًا",
                "99 تعليقًا",
                "100 تعليق",
                "102 تعليق"
            ]
        );
        assert_eq!(comments(Locale::en, 1), "1 comment");
        assert_eq!(comments(Locale::en, 2), "2 comments");

        let days = |locale: Locale, n: i64| text(td!(locale, countdown_days, count = move || n));
        assert_eq!(
            [0, 1, 2, 3, 11, 100].map(|n| days(Locale::ar, n)),
            ["يوم", "يوم", "يومان", "أيام", "يومًا", "يوم"]
        );
        assert_eq!(
            [0, 1, 2].map(|n| days(Locale::en, n)),
            ["days", "day", "days"]
        );
    }

    #[test]
    fn plural_keys_have_the_other_form_in_every_language() {
        for json in [
            include_str!("../locales/ar.json"),
            include_str!("../locales/en.json"),
        ] {
            let all = raw_keys(json);
            for k in &all {
                if let Some((base, form)) = k.rsplit_once('_') {
                    if PLURAL_FORMS.contains(&form) && form != "other" {
                        assert!(
                            all.contains(&format!("{base}_other")),
                            "{k} has no {base}_other"
                        );
                    }
                }
            }
        }
    }
}
