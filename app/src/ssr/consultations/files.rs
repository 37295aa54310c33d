//! Drafts as files: any version exported as Markdown (with its clause markers, so that
//! it can be edited elsewhere and brought back), and `.md` files uploaded into the editor.

use crate::consultations::form::field;
use crate::domain::authz::{authorise, Action};
use crate::domain::Lang;
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::consultations::markdown as draft;
use crate::ssr::consultations::publishing::{in_language, Bilingual};
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ssr::upload::{chosen, Upload};

/// The largest Markdown file the editor takes (a long draft is about 200 KB).
pub const MAX_DRAFT_FILE_BYTES: usize = 1024 * 1024;

/// Version `number` of a consultation in `lang` as Markdown, if the reader may see it
/// and it has clauses in that language. Drafts and unpublished versions exist only for
/// the agency's staff, as on the pages.
pub async fn version_markdown(
    state: &AppState,
    reader: Option<&Signed>,
    slug: &str,
    number: u32,
    lang: Lang,
) -> Result<Option<String>, StoreError> {
    let Some(c) = consultations::by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    let staff = authorise(reader.map(|s| &s.actor), Action::ActForAgency(c.agency_id)).is_ok();
    if !c.is_public() && !staff {
        return Ok(None);
    }
    let versions = consultations::versions(&state.db, c.id).await?;
    let Some(v) = versions
        .iter()
        .find(|v| v.number == number && (staff || v.is_published()))
    else {
        return Ok(None);
    };
    let clauses = in_language(&consultations::clauses(&state.db, v.id).await?, lang);
    Ok((!clauses.is_empty()).then(|| draft::to_markdown(&clauses)))
}

/// Puts the text of the `.md` files chosen in the editor (`draft_ar_file`,
/// `draft_en_file`) in place of the typed drafts. A file that is too large or not
/// UTF-8 text is refused, and the typed draft kept.
pub fn take_draft_files(draft: &mut Bilingual, uploads: &[Upload]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    for lang in Lang::ALL {
        let name = field::of(field::DRAFT, lang);
        let Some(file) = chosen(uploads, field::of(field::DRAFT_FILE, lang)) else {
            continue;
        };
        if file.bytes.len() > MAX_DRAFT_FILE_BYTES {
            errors.add(name, FormMessage::FileTooLarge);
            continue;
        }
        match std::str::from_utf8(&file.bytes) {
            // A byte-order mark from Windows editors is not part of the draft.
            Ok(text) => draft.set(lang, text.trim_start_matches('\u{feff}').to_owned()),
            Err(_) => errors.add(name, FormMessage::FileNotText),
        }
    }
    errors.check()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(field: &str, bytes: &[u8]) -> Upload {
        Upload {
            field: field.into(),
            file_name: "draft.md".into(),
            content_type: "text/markdown".into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn an_uploaded_file_replaces_the_typed_draft() {
        let mut draft = Bilingual {
            ar: "typed".into(),
            en: "kept".into(),
        };
        let files = [upload(
            "draft_ar_file",
            "\u{feff}## المادة الأولى\n".as_bytes(),
        )];
        assert!(take_draft_files(&mut draft, &files).is_ok());
        assert_eq!(draft.ar, "## المادة الأولى\n");
        assert_eq!(draft.en, "kept");
    }

    #[test]
    fn a_binary_or_huge_file_is_refused_and_the_typed_text_kept() {
        let mut draft = Bilingual {
            ar: "typed".into(),
            en: String::new(),
        };
        let files = [
            upload("draft_ar_file", &[0xff, 0xfe, 0x00, 0x41]),
            upload("draft_en_file", &vec![b'a'; MAX_DRAFT_FILE_BYTES + 1]),
        ];
        let errors = take_draft_files(&mut draft, &files).expect_err("refused");
        assert_eq!(errors.get("draft_ar"), Some(FormMessage::FileNotText));
        assert_eq!(errors.get("draft_en"), Some(FormMessage::FileTooLarge));
        assert_eq!(draft.ar, "typed");
    }
}
