//! The forms of the consultation editor: what each asks the server to do (`intent`).

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/consultations/{slug}/edit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EditorIntent {
    /// The details and the draft.
    Save,
    /// A step in the consultation's life (`transition` names it).
    Transition,
    /// Attach a PDF document.
    Attach,
    /// Remove one (`attachment` names it).
    Detach,
    /// Say which responses led to the latest version's changes (`cite`, one per box).
    Cite,
}

impl EditorIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the editor's fields. A text in both languages has one field for each:
/// `[Arabic, English]`, indexed by [`field::of`].
pub mod field {
    use crate::domain::Lang;

    pub const SLUG: &str = "slug";
    pub const TITLE: [&str; 2] = ["title_ar", "title_en"];
    pub const SUMMARY: [&str; 2] = ["summary_ar", "summary_en"];
    pub const AUDIENCE: [&str; 2] = ["audience_ar", "audience_en"];
    pub const CONTACT_EMAIL: &str = "contact_email";
    /// One value per ticked topic box (or one list separated by commas).
    pub const TOPICS: &str = "topics";
    pub const OPENS_AT: &str = "opens_at";
    pub const CLOSES_AT: &str = "closes_at";
    pub const DRAFT: [&str; 2] = ["draft_ar", "draft_en"];
    /// A `.md` file to take the draft from, instead of the typed text.
    pub const DRAFT_FILE: [&str; 2] = ["draft_ar_file", "draft_en_file"];
    pub const CHANGE_NOTE: [&str; 2] = ["change_note_ar", "change_note_en"];
    /// The step in the consultation's life (`intent=transition`).
    pub const TRANSITION: &str = "transition";
    pub const DOC_TITLE: [&str; 2] = ["doc_title_ar", "doc_title_en"];
    /// The PDF attached (`intent=attach`).
    pub const FILE: &str = "file";
    /// The attachment removed (`intent=detach`).
    pub const ATTACHMENT: &str = "attachment";

    /// The field of a two-language pair for `lang`.
    pub fn of(pair: [&'static str; 2], lang: Lang) -> &'static str {
        match lang {
            Lang::Ar => pair[0],
            Lang::En => pair[1],
        }
    }
}
