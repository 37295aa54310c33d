//! Wasm-safe types and rules of the consultation domain: no I/O, no `cfg`.

pub mod account;
pub mod authz;
pub mod consultation;
pub mod contribution;
pub mod dates;
pub mod digits;
pub mod draft;
pub mod ids;
pub mod lang;
pub mod notification;
pub mod password;
pub mod response;
pub mod search;
pub mod text;
pub mod workshop;

pub use consultation::{ConsultationCard, ConsultationStatus, ListQuery, Page, Transition};
pub use draft::ClauseKey;
pub use ids::{
    AgencyId, AttachmentId, ConsultationId, ContributionId, GrantId, ReportId, ResponseId, UserId,
    VersionId, WorkshopId,
};
pub use lang::Lang;
pub use text::{Localized, LocalizedText};
