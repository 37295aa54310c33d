//! The UI strings of both languages, compiled from `app/locales/*.json`.
//!
//! A key missing from the default catalog (Arabic) is a compile error at its first use;
//! a key missing from the English one is caught by `catalogs_have_the_same_keys`.

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

    fn keys(json: &str) -> BTreeSet<String> {
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
}
