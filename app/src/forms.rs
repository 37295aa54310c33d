//! What the server says about a submitted form, shared by both sides: the messages
//! (translated when shown), the feedback a page is rendered again with, and the field
//! errors a service reports. Views draw it (`ui::form`); the HTTP edge builds it from a
//! service's error; services return [`FieldErrors`] and know nothing of pages.

use std::collections::BTreeMap;

use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

use crate::domain::authz::Denied;
use crate::domain::Lang;

/// A message about a form, translated when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormMessage {
    Required,
    EmailMalformed,
    NameTooLong,
    NameMalformed,
    /// A display name with a web or mail address in it (verification mail must not
    /// carry someone's advertisement to any address typed).
    NameHasLink,
    /// A draft with more clauses than `publishing::MAX_CLAUSES`.
    TooManyClauses,
    PasswordTooShort,
    PasswordTooLong,
    PasswordGuessable,
    TermsRequired,
    BadCredentials,
    FormExpired,
    /// The form's `intent` or `target` is missing or unknown: nothing was done.
    FormUnreadable,
    TooManyAttempts,
    ResetLinkInvalid,
    CurrentPasswordWrong,
    CodeInvalid,
    /// Two-factor authentication is on already: it can be replaced, not set up again.
    TwoFactorAlreadyOn,
    Denied(Denied),
    SlugMalformed,
    SlugTaken,
    NameInOneLanguage,
    TextTooLong,
    TimeZoneUnknown,
    UrlMalformed,
    NoSuchAccount,
    /// The account exists but its address was never confirmed: no role for it.
    AddressUnconfirmed,
    DateMalformed,
    DateInFuture,
    AlreadyHoldsRole,
    AlreadyRevoked,
    LastPlatformAdmin,
    TopicUnknown,
    PeriodInvalid,
    DraftEmpty,
    TranslationMismatch,
    ConsultationConcluded,
    OpensInPast,
    ChangeNoteRequired,
    TransitionNotAllowed,
    FileNotText,
    FileTooLarge,
    FileMissing,
    FileNotPdf,
    NotFound,
    CommentsClosed,
    ReplyTargetGone,
    ClauseUnknown,
    TooManyLinks,
    /// A contribution longer than the limit: how long it is, so that the person knows
    /// how much to cut (nothing is cut for them).
    BodyTooLong {
        chars: u32,
    },
    DuplicateContribution,
    EditWindowOver,
    OwnContribution,
    AppealNotPossible,
    AlreadyDecided,
    /// A response's outcome needs reasons (every outcome but "noted").
    ReasonsRequired,
    /// A response with no contribution ticked.
    NoneChosen,
    /// A ticked contribution was answered meanwhile.
    AlreadyAnswered,
    /// A ticked contribution is gone (withdrawn, hidden) or not this consultation's.
    ContributionGone,
    /// An agency's response target outside 1–365 days, or not a whole number.
    TargetDaysRange,
    /// A workshop must end after it starts, and last at most `MAX_HOURS`.
    WorkshopTimesInvalid,
    /// Registration must close before the workshop starts.
    RegistrationClosesAfterStart,
    /// A new or moved workshop cannot start in the past.
    WorkshopInPast,
    CapacityRange,
    /// A workshop needs a venue or an online link.
    WorkshopPlaceRequired,
    /// Only the agency's workshop organisers may run its workshops.
    NotAnOrganiser,
    /// Registration has closed (the deadline passed, or the workshop began or was called off).
    RegistrationClosed,
    AlreadyRegistered,
    /// An invitation-only workshop, and no invitation came with the form.
    InvitationRequired,
    /// The invitation link was used, has expired, or was sent to another address.
    InvitationInvalid,
    /// No place at this workshop has the check-in code given.
    CheckInCodeUnknown,
    /// Invitations are for workshops open by invitation only.
    NotByInvitation,
    /// Minutes are published once the workshop has begun.
    MinutesBeforeWorkshop,
    /// What was said at a workshop is entered once it has begun.
    WorkshopNotBegun,
    /// A name typed for someone who did not agree to be named.
    NameNeedsConsent,
    /// Group feedback with a person's or organisation's name.
    GroupHasNoName,
    /// A day before the consultation opened.
    BeforeOpening,
    /// The same text was entered for this channel before (or twice in one sheet).
    AlreadyEntered,
    /// Only staff with a recorded mandate speak for the agency.
    MandateRequired,
    /// A value a column or field does not allow.
    ValueUnknown,
    /// The file is not CSV in UTF-8.
    SheetUnreadable,
    /// A header row and at least one row below it are needed.
    SheetEmpty,
    SheetTooManyRows,
    /// A required column is missing from the header row.
    SheetColumnMissing,
    /// A column the format does not have (or one named twice).
    SheetColumnUnknown,
    /// Nothing was imported: the rows listed have mistakes.
    SheetRejected,
    Internal,
}

impl FormMessage {
    pub fn text(self, lang: Lang) -> String {
        let l = lang.locale();
        match self {
            FormMessage::Required => td_string!(l, form_required),
            FormMessage::EmailMalformed => td_string!(l, form_email_malformed),
            FormMessage::NameTooLong => td_string!(l, form_name_too_long),
            FormMessage::NameMalformed => td_string!(l, form_name_malformed),
            FormMessage::NameHasLink => td_string!(l, form_name_has_link),
            FormMessage::TooManyClauses => td_string!(l, form_too_many_clauses),
            FormMessage::PasswordTooShort => td_string!(l, form_password_too_short),
            FormMessage::PasswordTooLong => td_string!(l, form_password_too_long),
            FormMessage::PasswordGuessable => td_string!(l, form_password_guessable),
            FormMessage::TermsRequired => td_string!(l, form_terms_required),
            FormMessage::BadCredentials => td_string!(l, form_bad_credentials),
            FormMessage::FormExpired => td_string!(l, form_expired),
            FormMessage::FormUnreadable => td_string!(l, form_unreadable),
            FormMessage::TooManyAttempts => td_string!(l, form_too_many_attempts),
            FormMessage::ResetLinkInvalid => td_string!(l, reset_link_invalid),
            FormMessage::CurrentPasswordWrong => td_string!(l, form_current_password_wrong),
            FormMessage::CodeInvalid => td_string!(l, form_code_invalid),
            FormMessage::TwoFactorAlreadyOn => td_string!(l, form_two_factor_already_on),
            FormMessage::Denied(d) => return denied_text(d, lang),
            FormMessage::SlugMalformed => td_string!(l, form_slug_malformed),
            FormMessage::SlugTaken => td_string!(l, form_slug_taken),
            FormMessage::NameInOneLanguage => td_string!(l, form_name_in_one_language),
            FormMessage::TextTooLong => td_string!(l, form_text_too_long),
            FormMessage::TimeZoneUnknown => td_string!(l, form_time_zone_unknown),
            FormMessage::UrlMalformed => td_string!(l, form_url_malformed),
            FormMessage::NoSuchAccount => td_string!(l, form_no_such_account),
            FormMessage::AddressUnconfirmed => td_string!(l, form_address_unconfirmed),
            FormMessage::DateMalformed => td_string!(l, form_date_malformed),
            FormMessage::DateInFuture => td_string!(l, form_date_in_future),
            FormMessage::AlreadyHoldsRole => td_string!(l, form_already_holds_role),
            FormMessage::AlreadyRevoked => td_string!(l, form_already_revoked),
            FormMessage::LastPlatformAdmin => td_string!(l, form_last_platform_admin),
            FormMessage::TopicUnknown => td_string!(l, form_topic_unknown),
            FormMessage::PeriodInvalid => td_string!(l, form_period_invalid),
            FormMessage::DraftEmpty => td_string!(l, form_draft_empty),
            FormMessage::TranslationMismatch => td_string!(l, form_translation_mismatch),
            FormMessage::ConsultationConcluded => td_string!(l, form_consultation_concluded),
            FormMessage::OpensInPast => td_string!(l, form_opens_in_past),
            FormMessage::ChangeNoteRequired => td_string!(l, form_change_note_required),
            FormMessage::TransitionNotAllowed => td_string!(l, form_transition_not_allowed),
            FormMessage::FileNotText => td_string!(l, form_file_not_text),
            FormMessage::FileTooLarge => td_string!(l, form_file_too_large),
            FormMessage::FileMissing => td_string!(l, form_file_missing),
            FormMessage::FileNotPdf => td_string!(l, form_file_not_pdf),
            FormMessage::NotFound => td_string!(l, form_not_found),
            FormMessage::CommentsClosed => td_string!(l, form_comments_closed),
            FormMessage::ReplyTargetGone => td_string!(l, form_reply_target_gone),
            FormMessage::ClauseUnknown => td_string!(l, form_clause_unknown),
            FormMessage::TooManyLinks => td_string!(l, form_too_many_links),
            // The catalog's interpolation makes views, and this is text: the two numbers
            // are put in by name.
            FormMessage::BodyTooLong { chars } => {
                let max = crate::domain::contribution::MAX_BODY_CHARS;
                return td_string!(l, form_body_too_long)
                    .replace("%chars%", &chars.to_string())
                    .replace("%max%", &max.to_string());
            }
            FormMessage::DuplicateContribution => td_string!(l, form_duplicate_contribution),
            FormMessage::EditWindowOver => td_string!(l, form_edit_window_over),
            FormMessage::OwnContribution => td_string!(l, form_own_contribution),
            FormMessage::AppealNotPossible => td_string!(l, form_appeal_not_possible),
            FormMessage::AlreadyDecided => td_string!(l, form_already_decided),
            FormMessage::ReasonsRequired => td_string!(l, form_reasons_required),
            FormMessage::NoneChosen => td_string!(l, form_none_chosen),
            FormMessage::TargetDaysRange => td_string!(l, form_target_days_range),
            FormMessage::AlreadyAnswered => td_string!(l, form_already_answered),
            FormMessage::ContributionGone => td_string!(l, form_contribution_gone),
            FormMessage::WorkshopTimesInvalid => {
                return td_string!(l, form_workshop_times_invalid)
                    .replace("%hours%", &crate::domain::workshop::MAX_HOURS.to_string())
            }
            FormMessage::RegistrationClosesAfterStart => {
                td_string!(l, form_registration_closes_after_start)
            }
            FormMessage::WorkshopInPast => td_string!(l, form_workshop_in_past),
            FormMessage::CapacityRange => {
                return td_string!(l, form_capacity_range)
                    .replace("%max%", &crate::domain::workshop::MAX_CAPACITY.to_string())
            }
            FormMessage::WorkshopPlaceRequired => td_string!(l, form_workshop_place_required),
            FormMessage::NotAnOrganiser => td_string!(l, form_not_an_organiser),
            FormMessage::RegistrationClosed => td_string!(l, form_registration_closed),
            FormMessage::AlreadyRegistered => td_string!(l, form_already_registered),
            FormMessage::InvitationRequired => td_string!(l, form_invitation_required),
            FormMessage::InvitationInvalid => td_string!(l, form_invitation_invalid),
            FormMessage::CheckInCodeUnknown => td_string!(l, form_check_in_code_unknown),
            FormMessage::NotByInvitation => td_string!(l, form_not_by_invitation),
            FormMessage::MinutesBeforeWorkshop => td_string!(l, form_minutes_before_workshop),
            FormMessage::WorkshopNotBegun => td_string!(l, form_workshop_not_begun),
            FormMessage::NameNeedsConsent => td_string!(l, form_name_needs_consent),
            FormMessage::GroupHasNoName => td_string!(l, form_group_has_no_name),
            FormMessage::BeforeOpening => td_string!(l, form_before_opening),
            FormMessage::AlreadyEntered => td_string!(l, form_already_entered),
            FormMessage::MandateRequired => td_string!(l, form_mandate_required),
            FormMessage::ValueUnknown => td_string!(l, form_value_unknown),
            FormMessage::SheetUnreadable => td_string!(l, form_sheet_unreadable),
            FormMessage::SheetEmpty => td_string!(l, form_sheet_empty),
            FormMessage::SheetTooManyRows => {
                return td_string!(l, form_sheet_too_many_rows).replace(
                    "%max%",
                    &crate::domain::workshop::MAX_SHEET_ROWS.to_string(),
                )
            }
            FormMessage::SheetColumnMissing => td_string!(l, form_sheet_column_missing),
            FormMessage::SheetColumnUnknown => td_string!(l, form_sheet_column_unknown),
            FormMessage::SheetRejected => td_string!(l, form_sheet_rejected),
            FormMessage::Internal => td_string!(l, form_internal),
        }
        .to_string()
    }
}

/// Why an action was refused, in words.
pub fn denied_text(reason: Denied, lang: Lang) -> String {
    let l = lang.locale();
    match reason {
        Denied::SignInRequired => td_string!(l, denied_sign_in),
        Denied::EmailUnverified => td_string!(l, denied_unverified),
        Denied::SecondFactorRequired => td_string!(l, denied_second_factor),
        Denied::Forbidden => td_string!(l, denied_forbidden),
    }
    .to_string()
}

/// What the server says about a submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Values to put back in the fields (never passwords).
    pub values: BTreeMap<String, String>,
    /// A message per field name.
    pub errors: BTreeMap<String, FormMessage>,
    /// A message about the form as a whole.
    pub summary: Option<FormMessage>,
    /// Which of the page's forms was submitted (its `intent` field), when it has several.
    pub intent: String,
    /// What is wrong with the rows of a file sent with the form (a feedback sheet):
    /// every one, so that all can be corrected at once.
    #[serde(default)]
    pub rows: Vec<RowProblem>,
}

/// One mistake in a row of a sheet: its line in the file (the header is line 1), the
/// column, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u32,
    pub column: String,
    pub message: FormMessage,
}

impl FormFeedback {
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.summary.is_some() || !self.rows.is_empty()
    }
}

/// What is wrong with a form's fields, by field name, as a service finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, FormMessage>);

impl FieldErrors {
    /// Notes `message` for `field` (the first message for a field stays).
    pub fn add(&mut self, field: &'static str, message: FormMessage) {
        self.0.entry(field).or_insert(message);
    }

    /// Adds `other`'s messages (for a field `self` has one for, its own stays).
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each field with its message, in field-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, FormMessage)> + '_ {
        self.0.iter().map(|(k, v)| (*k, *v))
    }

    pub fn get(&self, field: &str) -> Option<FormMessage> {
        self.0.get(field).copied()
    }

    /// Just this one mistake.
    pub fn one(field: &'static str, message: FormMessage) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }

    /// `Ok` when nothing is wrong.
    pub fn check(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<FieldErrors> for FormFeedback {
    fn from(errors: FieldErrors) -> FormFeedback {
        FormFeedback {
            errors: errors
                .0
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            ..Default::default()
        }
    }
}

impl From<FormMessage> for FormFeedback {
    fn from(summary: FormMessage) -> FormFeedback {
        FormFeedback {
            summary: Some(summary),
            ..Default::default()
        }
    }
}
