//! The forms of an agency's staff page: what each asks the server to do (`intent`).

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/agencies/{slug}/staff`: authorise a staff member or withdraw one, or
/// set the agency's response target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StaffIntent {
    Appoint,
    /// Appoint one of the agency's workshop organisers (no mandate: they speak for
    /// nobody, they record what others said).
    AppointOrganiser,
    Revoke,
    Target,
}

/// The field of the response target form (`intent=target`): whole days, 1–365.
pub const TARGET_DAYS: &str = "target_days";

impl StaffIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
