//! Contributions: what people say about a draft, as a whole or about one clause, and
//! the replies that make threads. The rules here need no database.

use serde::{Deserialize, Serialize};

/// The most characters a contribution may have.
pub const MAX_BODY_CHARS: usize = 5000;
/// The fewest (a contribution says something).
pub const MIN_BODY_CHARS: usize = 2;
/// More links than this reads as spam.
pub const MAX_LINKS: usize = 3;
/// How long an author may still correct what they wrote.
pub const EDIT_WINDOW_MINUTES: i64 = 15;
/// Replies nest this deep on the page; deeper ones are shown flat, "in reply to".
pub const MAX_DISPLAY_DEPTH: u32 = 3;
/// Threads (top-level contributions with their replies) per page.
pub const THREADS_PER_PAGE: u32 = 20;
/// Replies of one thread shown in the list (which open pages fetch again as it
/// changes); a longer thread ends with a link to the whole of it.
pub const MAX_REPLIES_SHOWN: u32 = 50;

/// Who a contribution speaks for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OrgKind {
    Agency,
    Company,
    Ngo,
    Academic,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Agency,
        OrgKind::Company,
        OrgKind::Ngo,
        OrgKind::Academic,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a contribution reached the agency: posted here, or received elsewhere and
/// entered or imported by the agency.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    /// Posted on the portal by its author.
    #[default]
    Online,
    /// Said at a consultation workshop.
    Workshop,
    /// Posted to or sent through one of the agency's official social media accounts.
    SocialMedia,
    Email,
    Letter,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Online,
        Channel::Workshop,
        Channel::SocialMedia,
        Channel::Email,
        Channel::Letter,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How a contribution received off the portal (at a workshop, by letter…) names who
/// made it. A person is named only with their consent.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Attribution {
    /// Under the name its author agreed to publish.
    Named,
    /// "A member of the public": the author did not agree to be named.
    Anonymous,
    /// What a workshop's group agreed on together, nobody's in particular.
    Group,
}

impl Attribution {
    pub const ALL: [Attribution; 3] = [
        Attribution::Named,
        Attribution::Anonymous,
        Attribution::Group,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Attribution> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Who made a contribution received off the portal, as the person entering it says:
/// someone for themself, someone for an organisation, or a workshop's group together.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Voice {
    Person,
    Organisation,
    /// A workshop's group feedback (workshops only).
    Group,
}

impl Voice {
    pub const ALL: [Voice; 3] = [Voice::Person, Voice::Organisation, Voice::Group];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Voice> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Whether the author writes for themself or on behalf of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speaker {
    Individual,
    Organisation { name: String, kind: OrgKind },
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ContributionStatus {
    Published,
    /// Hidden by a moderator: a placeholder stays, the text is kept for appeal.
    Hidden,
    /// Withdrawn by its author: a placeholder stays, the text is gone.
    Withdrawn,
}

impl ContributionStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ContributionStatus> {
        [
            ContributionStatus::Published,
            ContributionStatus::Hidden,
            ContributionStatus::Withdrawn,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// The published moderation rules: what a contribution may be reported and hidden for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportCategory {
    /// Insult to religious beliefs.
    ReligiousInsult,
    /// Defamation of, or discrimination against, a person or group.
    Defamation,
    /// Incitement to illegal activity.
    Incitement,
    /// Infringement of rights, intellectual property included.
    Rights,
    FalseInformation,
    Spam,
    /// Someone's personal data.
    PersonalData,
}

impl ReportCategory {
    pub const ALL: [ReportCategory; 7] = [
        ReportCategory::ReligiousInsult,
        ReportCategory::Defamation,
        ReportCategory::Incitement,
        ReportCategory::Rights,
        ReportCategory::FalseInformation,
        ReportCategory::Spam,
        ReportCategory::PersonalData,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ReportCategory> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a moderator (or, for `Appeal`, the author) did, as the public log shows it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ModerationAction {
    Hide,
    Restore,
    /// The reports were looked at and the contribution stays.
    Dismiss,
    /// The author asked for the hidden contribution to be restored.
    Appeal,
    /// The appeal was refused: the contribution stays hidden.
    Uphold,
}

impl ModerationAction {
    pub const ALL: [ModerationAction; 5] = [
        ModerationAction::Hide,
        ModerationAction::Restore,
        ModerationAction::Dismiss,
        ModerationAction::Appeal,
        ModerationAction::Uphold,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ModerationAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How threads are ordered on the consultation page.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
pub enum ThreadOrder {
    #[default]
    #[strum(serialize = "newest")]
    Newest,
    #[strum(serialize = "oldest")]
    Oldest,
    #[strum(serialize = "supported")]
    MostSupported,
    /// By the clause they are about, in the order of the draft (the whole draft first).
    #[strum(serialize = "clause")]
    ClauseOrder,
}

impl ThreadOrder {
    pub const ALL: [ThreadOrder; 4] = [
        ThreadOrder::Newest,
        ThreadOrder::Oldest,
        ThreadOrder::MostSupported,
        ThreadOrder::ClauseOrder,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ThreadOrder> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// What is wrong with a contribution's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyProblem {
    TooShort,
    TooLong,
    TooManyLinks,
}

/// The text as it will be stored: line endings unified, bidirectional embedding,
/// override and isolate controls removed (they could make the text read differently
/// from what it says), trailing spaces and runs of blank lines trimmed.
pub fn normalize_body(raw: &str) -> String {
    let cleaned: String = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !super::text::is_bidi_control(*c))
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    let mut out = Vec::new();
    let mut blank = 0;
    for line in cleaned.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push(String::new());
        }
        blank = 0;
        out.push(line.to_owned());
    }
    out.join("\n")
}

/// Checks a normalised body against the length and link limits.
pub fn check_body(body: &str, links: usize) -> Result<(), BodyProblem> {
    let n = body.chars().count();
    if n < MIN_BODY_CHARS {
        Err(BodyProblem::TooShort)
    } else if n > MAX_BODY_CHARS {
        Err(BodyProblem::TooLong)
    } else if links > MAX_LINKS {
        Err(BodyProblem::TooManyLinks)
    } else {
        Ok(())
    }
}

/// A piece of a paragraph: plain text, or a link (always `http`/`https`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Text(String),
    Link(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn bodies_lose_direction_overrides_and_extra_blank_lines() {
        let raw = "أقترح\u{202e} تعديل البند  \r\n\r\n\r\n\r\nThanks\u{2066}!\u{0007}";
        assert_eq!(normalize_body(raw), "أقترح تعديل البند\n\nThanks!");
        assert_eq!(normalize_body("\n\n  \n"), "");
    }

    #[test]
    fn length_and_links_are_limited() {
        assert_eq!(check_body("a", 0), Err(BodyProblem::TooShort));
        assert_eq!(check_body("رأي", 0), Ok(()));
        assert_eq!(
            check_body(&"ب".repeat(MAX_BODY_CHARS + 1), 0),
            Err(BodyProblem::TooLong)
        );
        assert_eq!(
            check_body("links", MAX_LINKS + 1),
            Err(BodyProblem::TooManyLinks)
        );
    }

    #[test]
    fn codes_round_trip() {
        for o in ThreadOrder::ALL {
            assert_eq!(ThreadOrder::parse(o.as_str()), Some(o));
        }
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        for c in ReportCategory::ALL {
            assert_eq!(ReportCategory::parse(c.as_str()), Some(c));
        }
        for a in ModerationAction::ALL {
            assert_eq!(ModerationAction::parse(a.as_str()), Some(a));
        }
        for a in Attribution::ALL {
            assert_eq!(Attribution::parse(a.as_str()), Some(a));
        }
        assert_eq!(Attribution::parse("signed"), None);
        for v in Voice::ALL {
            assert_eq!(Voice::parse(v.as_str()), Some(v));
        }
    }
}
