//! The forms of the account pages: what each asks the server to do (`intent`).

use strum::{EnumString, IntoStaticStr};

/// `POST /{lang}/account/two-factor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TwoFactorIntent {
    /// Turn two-factor authentication on with the first code.
    Confirm,
    /// Replace the recovery codes.
    Renew,
}

impl TwoFactorIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
