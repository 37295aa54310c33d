//! The codes of the actions written to the audit log (`store::audit`), in one place so
//! that the log page and any later report read the same names.

pub const SIGN_IN: &str = "account.sign_in";
pub const TWO_FACTOR_ENABLE: &str = "two_factor.enable";
pub const RECOVERY_CODES_RENEW: &str = "two_factor.recovery_codes";
pub const AGENCY_CREATE: &str = "agency.create";
pub const ROLE_GRANT: &str = "role.grant";
pub const ROLE_REVOKE: &str = "role.revoke";
pub const CONSULTATION_CREATE: &str = "consultation.create";
pub const CONSULTATION_SAVE: &str = "consultation.save";
pub const CONSULTATION_STATUS: &str = "consultation.status";
pub const VERSION_PUBLISH: &str = "consultation.version_publish";
pub const ATTACHMENT_ADD: &str = "consultation.attachment_add";
pub const MODERATION: &str = "contribution.moderation";
pub const ATTACHMENT_REMOVE: &str = "consultation.attachment_remove";
