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
