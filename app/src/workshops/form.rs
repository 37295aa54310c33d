//! The organisers' workshop form: what it asks the server to do and the names of its
//! fields, shared by the view that draws it and the handler that reads it.

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/consultations/{slug}/workshops/new` and `/{lang}/workshops/{id}/edit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum WorkshopIntent {
    /// Schedule a new workshop, or save the changes to one.
    Save,
}

impl WorkshopIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the form's fields.
pub mod field {
    pub const TITLE_AR: &str = "title_ar";
    pub const TITLE_EN: &str = "title_en";
    pub const DESCRIPTION_AR: &str = "description_ar";
    pub const DESCRIPTION_EN: &str = "description_en";
    pub const AGENDA_AR: &str = "agenda_ar";
    pub const AGENDA_EN: &str = "agenda_en";
    /// `datetime-local`, in the agency's time zone.
    pub const STARTS_AT: &str = "starts_at";
    pub const ENDS_AT: &str = "ends_at";
    pub const REGISTRATION_CLOSES_AT: &str = "registration_closes_at";
    pub const VENUE_AR: &str = "venue_ar";
    pub const VENUE_EN: &str = "venue_en";
    pub const MAP_URL: &str = "map_url";
    pub const ONLINE_URL: &str = "online_url";
    pub const CAPACITY: &str = "capacity";
    /// An `Audience` code.
    pub const AUDIENCE: &str = "audience";
    /// A ticked organiser's user id (one value per box).
    pub const ORGANISER: &str = "organiser";
    /// Registration: the registrant's organisation and their role in it.
    pub const ORG_NAME: &str = "org_name";
    pub const ORG_ROLE: &str = "org_role";
    /// An `OrgKind` code (walk-ins).
    pub const ORG_KIND: &str = "org_kind";
    /// The invitation token the page was opened with.
    pub const INVITATION: &str = "invitation";
    /// Check-in: a registration from the list, or the code given at the door.
    pub const REGISTRATION: &str = "registration";
    pub const CODE: &str = "code";
    pub const WALK_IN_NAME: &str = "walk_in_name";
    /// Invitations: addresses, one per line.
    pub const EMAILS: &str = "emails";
    /// The minutes, Markdown.
    pub const MINUTES_AR: &str = "minutes_ar";
    pub const MINUTES_EN: &str = "minutes_en";
}

/// `POST /{lang}/workshops/{id}`: a participant's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ParticipantIntent {
    Register,
    Cancel,
}

impl ParticipantIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `POST /{lang}/workshops/{id}/manage`: the organisers' forms on the day and before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum OrganiserIntent {
    /// Check in a registrant from the list.
    CheckIn,
    /// Check in by the code they give.
    CheckInCode,
    WalkIn,
    Invite,
    /// Publish (or correct) the minutes.
    Minutes,
    /// Enter one contribution said at the workshop.
    Contribution,
    /// Enter a feedback sheet: every row, or none.
    Sheet,
}

impl OrganiserIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
