//! The forms of the admin page: what each asks the server to do (`intent`).

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/admin`: create an agency, appoint someone to a role, or withdraw one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum AdminIntent {
    Agency,
    Appoint,
    Revoke,
}

impl AdminIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the fields of the admin forms and of an agency's staff page.
pub mod field {
    pub const SLUG: &str = "slug";
    pub const NAME_AR: &str = "name_ar";
    pub const NAME_EN: &str = "name_en";
    pub const TIME_ZONE: &str = "time_zone";
    pub const WEBSITE: &str = "website";
    pub const EMAIL: &str = "email";
    pub const ROLE: &str = "role";
    pub const AGENCY: &str = "agency";
    pub const DECISION_REF: &str = "decision_ref";
    pub const DECIDED_ON: &str = "decided_on";
    pub const SCOPE: &str = "scope";
    /// The role (grant) withdrawn.
    pub const GRANT: &str = "grant";
}
