//! Documents (PDF) that agency staff attach to a consultation: checked, stored under
//! the data directory by their SHA-256, listed on the consultation page, served to
//! whoever may read the consultation.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::consultations::form::field;
use crate::domain::authz::{authorise, Action};
use crate::domain::{AttachmentId, Lang, LocalizedText};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::admin::store::audit::AuditAction;
use crate::ssr::attachments::store as attachments;
use crate::ssr::attachments::store::{Attachment, NewAttachment};
use crate::ssr::consultations::publishing::{audit, editable, Bilingual, PublishError};
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;
use crate::ssr::upload::{clean_file_name, Upload};

/// The largest document accepted.
pub const MAX_PDF_BYTES: usize = 10 * 1024 * 1024;
const MAX_TITLE_CHARS: usize = 300;
/// The only type stored and served.
pub const PDF: &str = "application/pdf";

/// Whether `upload` is a PDF we accept: within the size limit, declared as a PDF (or
/// as an unknown binary, which some browsers send), and starting with the PDF header.
pub fn check_pdf(upload: &Upload) -> Result<(), FormMessage> {
    if upload.bytes.len() > MAX_PDF_BYTES {
        return Err(FormMessage::FileTooLarge);
    }
    let declared_ok = matches!(
        upload.content_type.as_str(),
        PDF | "application/x-pdf" | "application/octet-stream" | ""
    );
    // At offset 0, not just within the first KiB as PDF readers allow: leading
    // "junk" is where a polyglot (HTML or script that is also a PDF) hides.
    if declared_ok && upload.bytes.starts_with(b"%PDF-") {
        Ok(())
    } else {
        Err(FormMessage::FileNotPdf)
    }
}

/// Where the file with this SHA-256 lives.
pub fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir
        .join("attachments")
        .join(&sha256[..2.min(sha256.len())])
        .join(format!("{sha256}.pdf"))
}

/// A document to attach, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Attach<'a> {
    /// The titles typed (the file name when both are empty).
    pub title: &'a Bilingual,
    /// The file chosen, if any.
    pub file: Option<&'a Upload>,
}

/// Attaches a PDF to the consultation `slug`.
pub async fn attach(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: Attach<'_>,
    ip: Option<String>,
) -> Result<(), PublishError> {
    let c = editable(state, signed, slug).await?;
    let Some(file) = input.file else {
        return Err(PublishError::Invalid(FieldErrors::one(
            field::FILE,
            FormMessage::FileMissing,
        )));
    };
    let mut errors = FieldErrors::default();
    if let Err(message) = check_pdf(file) {
        errors.add(field::FILE, message);
    }
    for lang in Lang::ALL {
        if input.title.get(lang).chars().count() > MAX_TITLE_CHARS {
            errors.add(field::of(field::DOC_TITLE, lang), FormMessage::TextTooLong);
        }
    }
    errors.check().map_err(PublishError::Invalid)?;
    let file_name = clean_file_name(&file.file_name, "document.pdf");
    let mut title = LocalizedText::new(Some(input.title.ar.clone()), Some(input.title.en.clone()));
    if title.is_empty() {
        title = LocalizedText::new(None, Some(file_name.clone()));
    }
    let sha256 = hex::encode(Sha256::digest(&file.bytes));
    store_file(&state.data_dir, &sha256, &file.bytes).await?;
    let new = NewAttachment {
        consultation_id: c.id,
        title,
        size_bytes: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
        content_type: PDF.to_owned(),
        sha256,
        uploaded_by: signed.user.id,
        file_name,
    };
    let entry = audit(
        signed,
        AuditAction::AttachmentAdd,
        c.id,
        serde_json::json!({ "file_name": new.file_name, "sha256": new.sha256 }),
        ip,
    );
    attachments::add(&state.db, &new, &entry, state.clock.now()).await?;
    Ok(())
}

/// Removes attachment `id` from the consultation `slug`; its file goes too unless
/// another attachment shares it.
pub async fn detach(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    id: AttachmentId,
    ip: Option<String>,
) -> Result<(), PublishError> {
    let c = editable(state, signed, slug).await?;
    let Some(found) = attachments::by_id(&state.db, id)
        .await?
        .filter(|a| a.consultation_id == c.id)
    else {
        return Ok(());
    };
    let entry = audit(
        signed,
        AuditAction::AttachmentRemove,
        c.id,
        serde_json::json!({ "attachment": id, "file_name": found.file_name }),
        ip,
    );
    let removed = attachments::remove(&state.db, c.id, id, &entry, state.clock.now()).await?;
    if removed == Some(false) {
        let path = path_of(&state.data_dir, &found.sha256);
        if let Err(err) = tokio::fs::remove_file(&path).await {
            tracing::warn!(error = %err, path = %path.display(), "attachment file not removed");
        }
    }
    Ok(())
}

/// The attachment and its file, if `reader` may read its consultation (drafts are
/// for the agency's staff only).
pub async fn readable(
    state: &AppState,
    reader: Option<&Signed>,
    id: AttachmentId,
) -> Result<Option<(Attachment, PathBuf)>, StoreError> {
    let Some(a) = attachments::by_id(&state.db, id).await? else {
        return Ok(None);
    };
    let Some(c) = consultations::by_id(&state.db, a.consultation_id).await? else {
        return Ok(None);
    };
    if !c.is_public()
        && authorise(reader.map(|s| &s.actor), Action::ActForAgency(c.agency_id)).is_err()
    {
        return Ok(None);
    }
    let path = path_of(&state.data_dir, &a.sha256);
    Ok(Some((a, path)))
}

/// Writes the file unless it is there already, through a temporary name so that a
/// reader never sees half a file.
async fn store_file(data_dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = path_of(data_dir, sha256);
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let partial = path.with_extension(format!("part-{}", rand::random::<u64>()));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(content_type: &str, bytes: &[u8]) -> Upload {
        Upload {
            field: "file".into(),
            file_name: "guide.pdf".into(),
            content_type: content_type.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn only_real_pdfs_within_the_limit_pass() {
        assert_eq!(check_pdf(&upload(PDF, b"%PDF-1.7\n...")), Ok(()));
        assert_eq!(
            check_pdf(&upload("application/octet-stream", b"%PDF-1.4")),
            Ok(())
        );
        assert_eq!(
            check_pdf(&upload(PDF, b"<html><script>alert(1)</script>")),
            Err(FormMessage::FileNotPdf)
        );
        assert_eq!(
            check_pdf(&upload("text/html", b"%PDF-1.7")),
            Err(FormMessage::FileNotPdf)
        );
        assert_eq!(
            check_pdf(&upload(PDF, b"<html><script>alert(1)</script>%PDF-1.7")),
            Err(FormMessage::FileNotPdf),
            "the header must come first"
        );
        assert_eq!(
            check_pdf(&upload(PDF, b" %PDF-1.7")),
            Err(FormMessage::FileNotPdf)
        );
        let mut big = b"%PDF-1.7".to_vec();
        big.resize(MAX_PDF_BYTES + 1, b' ');
        assert_eq!(
            check_pdf(&upload(PDF, &big)),
            Err(FormMessage::FileTooLarge)
        );
    }

    #[test]
    fn files_are_spread_by_their_hash() {
        let p = path_of(Path::new("/data"), "abcdef");
        assert_eq!(p, PathBuf::from("/data/attachments/ab/abcdef.pdf"));
    }
}
