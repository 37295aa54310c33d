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
