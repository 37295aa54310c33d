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
}

impl EditorIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
