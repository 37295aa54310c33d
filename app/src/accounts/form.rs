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
    /// Move two-factor authentication to a new authenticator app: the password, a code
    /// of the current app (or a recovery code) and the first code of the new one.
    Replace,
}

impl TwoFactorIntent {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The names of the fields of the account forms.
pub mod field {
    pub const EMAIL: &str = "email";
    pub const DISPLAY_NAME: &str = "display_name";
    pub const PASSWORD: &str = "password";
    pub const CURRENT_PASSWORD: &str = "current_password";
    pub const NEW_PASSWORD: &str = "new_password";
    pub const PREFERRED_LANG: &str = "preferred_lang";
    pub const DIGITS: &str = "digits";
    pub const ACCEPT_TERMS: &str = "accept_terms";
    /// A second factor: a code from the authenticator app or a recovery code.
    pub const CODE: &str = "code";
    /// A code of the authenticator app being replaced (or a recovery code).
    pub const CURRENT_CODE: &str = "current_code";
    /// The page to go back to once signed in (see `paths::safe_next`).
    pub const NEXT: &str = "next";
}
