//! The forms under a consultation page: what each asks the server to do (`intent`),
//! shared by the views that draw them and the handler that reads them.

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/consultations/{slug}`: which of the page's forms was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Intent {
    Contribute,
    Reply,
    Support,
    Edit,
    Withdraw,
    Report,
    Appeal,
    Follow,
    Unfollow,
}

impl Intent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether it writes text, and so counts against the posting limit.
    pub fn writes_text(self) -> bool {
        matches!(self, Intent::Contribute | Intent::Reply | Intent::Edit)
    }
}

/// What a form did that the page confirms next to the contribution it was about
/// (`?done=…&item=…` on the page the server sends the person back to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Done {
    /// A report reached the moderators.
    Reported,
    /// The person had reported this contribution before: that first report stands.
    AlreadyReported,
    /// An appeal reached the moderators.
    Appealed,
}

impl Done {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the fields these forms send.
pub mod field {
    pub const BODY: &str = "body";
    pub const CLAUSE: &str = "clause";
    /// The contribution a reply answers.
    pub const PARENT: &str = "parent";
    /// The contribution a support, edit, withdrawal, report or appeal is about.
    pub const TARGET: &str = "target";
    pub const SPEAKER: &str = "speaker";
    pub const ORG_NAME: &str = "org_name";
    pub const ORG_KIND: &str = "org_kind";
    /// The list's query (sort, clause, page) to come back to.
    pub const BACK: &str = "back";
    /// The honeypot: hidden from people, filled in by robots.
    pub const WEBSITE: &str = "website";
    pub const CATEGORY: &str = "category";
    pub const NOTE: &str = "note";
    pub const APPEAL: &str = "appeal";
    pub const REASON: &str = "reason";
}

/// Who a contribution speaks for (`speaker`): oneself, or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SpeakerKind {
    Individual,
    Organisation,
}

impl SpeakerKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `POST /{lang}/consultations/{slug}/record`, and the organisers' forms for what was
/// said at a workshop. The field names are also the columns of a workshop feedback
/// sheet (`docs/workshop-feedback.md`), so a mistake is named the same way in both.
pub mod received {
    /// A clause's number or key; empty: the draft as a whole.
    pub const CLAUSE: &str = "clause";
    /// A `Voice` code: `person`, `organisation` or `group`.
    pub const SPEAKER: &str = "speaker";
    pub const NAME: &str = "name";
    /// Whether the person agreed to be named (`yes`/`no`).
    pub const CONSENT: &str = "consent";
    pub const ORGANISATION: &str = "organisation";
    /// An `OrgKind` code.
    pub const ORGANISATION_KIND: &str = "organisation_kind";
    pub const TEXT: &str = "text";
    /// A `Channel` code: `social_media`, `email` or `letter` (staff form).
    pub const CHANNEL: &str = "channel";
    /// `YYYY-MM-DD` (staff form).
    pub const RECEIVED_ON: &str = "received_on";
    pub const SOURCE_URL: &str = "source_url";
    /// The feedback sheet file (organisers' form).
    pub const SHEET: &str = "sheet";
}

/// `POST /{lang}/consultations/{slug}/record`: the staff's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RecordIntent {
    Record,
}

impl RecordIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
