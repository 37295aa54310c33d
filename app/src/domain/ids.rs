//! Typed identifiers: an `AgencyId` can never be passed where a `ConsultationId` is expected.
//! On the server they bind and decode as the `BIGINT` they are stored as.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Primary key of an agency (a ministry, authority or municipality).
    AgencyId
);
id_type!(
    /// Primary key of a consultation.
    ConsultationId
);
id_type!(
    /// Primary key of a person's account.
    UserId
);
id_type!(
    /// Primary key of a contribution or reply.
    ContributionId
);
id_type!(
    /// Primary key of a published (or draft) version of a consultation's text.
    VersionId
);
id_type!(
    /// Primary key of a role granted to a person (a mandate).
    GrantId
);
id_type!(
    /// Primary key of a document attached to a consultation.
    AttachmentId
);
id_type!(
    /// Primary key of a reader's report on a contribution.
    ReportId
);
id_type!(
    /// Primary key of an agency's response (which may answer several contributions).
    ResponseId
);
id_type!(
    /// Primary key of a workshop of a consultation.
    WorkshopId
);
