//! What platform admins and agency admins do: create agencies, appoint people to roles,
//! authorise agency staff under a recorded mandate. Each function checks authorisation
//! itself and writes the audit log in the same transaction as the change.

use chrono::NaiveDate;

use crate::admin::form::field;
use crate::domain::account::normalize_email;
use crate::domain::authz::{authorise, Action, Denied, Role, RoleKind};
use crate::domain::consultation::is_valid_slug;
use crate::domain::text::{clean_name, is_web_url};
use crate::domain::{GrantId, LocalizedText, UserId};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::accounts::store as users;
use crate::ssr::admin::store::audit;
use crate::ssr::admin::store::audit::AuditAction;
use crate::ssr::admin::store::audit::AuditEntry;
use crate::ssr::admin::store::roles;
use crate::ssr::admin::store::roles::Mandate;
use crate::ssr::agencies::store as agencies;
use crate::ssr::agencies::store::{Agency, NewAgency};
use crate::ssr::db::StoreError;
use crate::ssr::state::AppState;

const MAX_NAME_CHARS: usize = 200;
const MAX_DECISION_REF_CHARS: usize = 200;
const MAX_SCOPE_CHARS: usize = 500;

/// Why an admin's form was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    #[error("already holds the role")]
    AlreadyHoldsRole,
    /// The role was withdrawn before (or never granted).
    #[error("already revoked")]
    AlreadyRevoked,
    /// The platform would be left without anyone to administer it.
    #[error("the last platform admin")]
    LastPlatformAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn check(signed: &Signed, action: Action) -> Result<(), AdminError> {
    Ok(authorise(Some(&signed.actor), action)?)
}

/// A new agency as typed into the admin form.
#[derive(Debug, Clone, Default)]
pub struct AgencyForm {
    pub slug: String,
    pub name_ar: String,
    pub name_en: String,
    pub time_zone: String,
    pub website: String,
}

pub async fn create_agency(
    state: &AppState,
    signed: &Signed,
    form: &AgencyForm,
    ip: Option<String>,
) -> Result<Agency, AdminError> {
    check(signed, Action::ManageAgencies)?;
    let mut errors = FieldErrors::default();
    let slug = form.slug.trim().to_lowercase();
    if slug.is_empty() {
        errors.add(field::SLUG, FormMessage::Required);
    } else if !is_valid_slug(&slug) {
        errors.add(field::SLUG, FormMessage::SlugMalformed);
    }
    let name = LocalizedText::new(
        non_empty(&clean_name(&form.name_ar)),
        non_empty(&clean_name(&form.name_en)),
    );
    if name.ar.is_none() && name.en.is_none() {
        errors.add(field::NAME_AR, FormMessage::NameInOneLanguage);
    }
    for (field, value) in [(field::NAME_AR, &name.ar), (field::NAME_EN, &name.en)] {
        if value
            .as_ref()
            .is_some_and(|v| v.chars().count() > MAX_NAME_CHARS)
        {
            errors.add(field, FormMessage::TextTooLong);
        }
    }
    // Most agencies using Shura are in Riyadh's zone: an empty field means that one.
    // Anything else must be a zone the time-zone database knows.
    let time_zone = match form.time_zone.trim() {
        "" => "Asia/Riyadh",
        typed => typed,
    };
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.add(field::TIME_ZONE, FormMessage::TimeZoneUnknown);
    }
    let website = non_empty(&form.website);
    if website.as_deref().is_some_and(|w| !is_web_url(w)) {
        errors.add(field::WEBSITE, FormMessage::UrlMalformed);
    }
    errors.check().map_err(AdminError::Invalid)?;
    let new = NewAgency {
        slug: slug.clone(),
        name,
        time_zone: time_zone.to_owned(),
        website,
    };
    let now = state.clock.now();
    let created: Result<Agency, StoreError> = async {
        let mut tx = state.db.begin().await?;
        let agency = agencies::create(&mut tx, &new, now).await?;
        let entry = AuditEntry {
            actor: Some(signed.user.id),
            action: AuditAction::AgencyCreate,
            target: format!("agency:{}", agency.id),
            detail: serde_json::json!({ "slug": agency.slug }),
            ip,
        };
        audit::insert(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(agency)
    }
    .await;
    match created {
        Ok(agency) => Ok(agency),
        Err(StoreError::Conflict(_)) => Err(AdminError::Invalid(FieldErrors::one(
            field::SLUG,
            FormMessage::SlugTaken,
        ))),
        Err(e) => Err(e.into()),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// An appointment as typed into a form: whom (by email), which role, for which agency,
/// and for agency staff the mandate.
#[derive(Debug, Clone, Default)]
pub struct Appointment {
    pub email: String,
    /// `None` when none (or an unknown one) was chosen.
    pub role: Option<RoleKind>,
    pub agency: String,
    pub decision_ref: String,
    pub decided_on: String,
    pub scope: String,
}

/// Grants a role (with its mandate for agency staff); to whom.
pub async fn appoint(
    state: &AppState,
    signed: &Signed,
    form: &Appointment,
    ip: Option<String>,
) -> Result<UserId, AdminError> {
    let Some(kind) = form.role else {
        return Err(AdminError::Invalid(FieldErrors::one(
            field::ROLE,
            FormMessage::Required,
        )));
    };
    let agency = if kind.needs_agency() {
        match agencies::by_slug(&state.db, form.agency.trim()).await? {
            Some(a) => Some(a),
            None => {
                return Err(AdminError::Invalid(FieldErrors::one(
                    field::AGENCY,
                    FormMessage::Required,
                )))
            }
        }
    } else {
        None
    };
    // `with_agency` fits: an agency was found exactly when the role needs one.
    let Some(role) = kind.with_agency(agency.as_ref().map(|a| a.id)) else {
        return Err(AdminError::Invalid(FieldErrors::one(
            field::AGENCY,
            FormMessage::Required,
        )));
    };
    let action = match role {
        Role::AgencyStaff(a) | Role::Organiser(a) => Action::ManageAgencyStaff(a),
        _ => Action::AppointRoles,
    };
    check(signed, action)?;

    let mut errors = FieldErrors::default();
    let user = match normalize_email(&form.email) {
        Err(_) => {
            errors.add(field::EMAIL, FormMessage::EmailMalformed);
            None
        }
        Ok(email) => {
            let user = users::by_email(&state.db, &email).await?;
            match &user {
                None => errors.add(field::EMAIL, FormMessage::NoSuchAccount),
                // Whoever registered an address first holds its account until it is
                // confirmed: a role given to it could go to someone else entirely.
                Some(u) if u.email_verified_at.is_none() => {
                    errors.add(field::EMAIL, FormMessage::AddressUnconfirmed)
                }
                Some(_) => {}
            }
            user
        }
    };
    let mandate = if kind == RoleKind::AgencyStaff {
        mandate(form, &mut errors, state.clock.now().date_naive())
    } else {
        None
    };
    let (Some(user), true) = (user, errors.is_empty()) else {
        return Err(AdminError::Invalid(errors));
    };
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::RoleGrant,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({
            "role": kind.code(),
            "agency": agency.as_ref().map(|a| a.slug.clone()),
            "mandate": mandate,
        }),
        ip,
    };
    match roles::grant(
        &state.db,
        user.id,
        role,
        mandate.as_ref(),
        &entry,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(user.id),
        Err(StoreError::Conflict(_)) => Err(AdminError::AlreadyHoldsRole),
        Err(e) => Err(e.into()),
    }
}

fn mandate(form: &Appointment, errors: &mut FieldErrors, today: NaiveDate) -> Option<Mandate> {
    let decision_ref = form.decision_ref.trim();
    let scope = form.scope.trim();
    let decided_on = form.decided_on.trim();
    if decision_ref.is_empty() {
        errors.add(field::DECISION_REF, FormMessage::Required);
    } else if decision_ref.chars().count() > MAX_DECISION_REF_CHARS {
        errors.add(field::DECISION_REF, FormMessage::TextTooLong);
    }
    if scope.is_empty() {
        errors.add(field::SCOPE, FormMessage::Required);
    } else if scope.chars().count() > MAX_SCOPE_CHARS {
        errors.add(field::SCOPE, FormMessage::TextTooLong);
    }
    let date = crate::domain::dates::parse_iso_date(decided_on);
    match date {
        _ if decided_on.is_empty() => errors.add(field::DECIDED_ON, FormMessage::Required),
        None => errors.add(field::DECIDED_ON, FormMessage::DateMalformed),
        Some(d) if d > today => errors.add(field::DECIDED_ON, FormMessage::DateInFuture),
        Some(_) => {}
    }
    let decided_on = date?.format("%Y-%m-%d").to_string();
    errors.is_empty().then(|| Mandate {
        decision_ref: decision_ref.to_owned(),
        decided_on,
        scope: scope.to_owned(),
    })
}

/// Withdraws a role (or a staff mandate); whose it was.
pub async fn revoke(
    state: &AppState,
    signed: &Signed,
    grant_id: GrantId,
    ip: Option<String>,
) -> Result<UserId, AdminError> {
    let Some(grant) = roles::by_id(&state.db, grant_id).await? else {
        return Err(AdminError::AlreadyRevoked);
    };
    let action = match grant.role {
        Role::AgencyStaff(a) | Role::Organiser(a) => Action::ManageAgencyStaff(a),
        _ => Action::AppointRoles,
    };
    check(signed, action)?;
    if grant.role == Role::PlatformAdmin
        && roles::holders(&state.db, RoleKind::PlatformAdmin).await? <= 1
    {
        return Err(AdminError::LastPlatformAdmin);
    }
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::RoleRevoke,
        target: format!("user:{}", grant.user_id),
        detail: serde_json::json!({
            "role": grant.role.kind().code(),
            "agency_id": grant.role.agency(),
            "grant": grant.id,
        }),
        ip,
    };
    match roles::revoke(&state.db, grant.id, &entry, state.clock.now()).await? {
        Some(_) => Ok(grant.user_id),
        None => Err(AdminError::AlreadyRevoked),
    }
}

/// The longest response target an agency may publish, in days.
pub const MAX_TARGET_DAYS: u32 = 365;

/// Sets the response target agency `slug` publishes (whole days after the comment
/// period closes, 1–365, in Latin or Arabic-Indic digits): its admins only.
pub async fn set_response_target(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    typed: &str,
    ip: Option<String>,
) -> Result<(), AdminError> {
    let Some(agency) = agencies::by_slug(&state.db, slug).await? else {
        return Err(Denied::Forbidden.into());
    };
    check(signed, Action::ManageAgencyStaff(agency.id))?;
    let digits: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '٠'..='٩' => char::from_digit(u32::from(c) - u32::from('٠'), 10).unwrap_or(c),
            _ => c,
        })
        .collect();
    let Some(days) = digits
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_TARGET_DAYS).contains(d))
    else {
        let mut errors = FieldErrors::default();
        errors.add(
            crate::agencies::form::TARGET_DAYS,
            FormMessage::TargetDaysRange,
        );
        return Err(AdminError::Invalid(errors));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    agencies::set_response_target(&mut tx, agency.id, days).await?;
    let entry = AuditEntry {
        actor: Some(signed.user.id),
        action: AuditAction::AgencyResponseTarget,
        target: format!("agency:{}", agency.id),
        detail: serde_json::json!({ "days": days, "before": agency.response_target_days }),
        ip,
    };
    audit::insert(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("the email address is not valid")]
    Email,
    #[error("the display name is missing or not valid")]
    Name,
    #[error("the password is not acceptable: {0:?} (at least 10 characters, not a common or guessable one)")]
    Password(crate::domain::password::PasswordProblem),
    #[error("this account is already a platform admin")]
    AlreadyAdmin,
    #[error("this address has an account whose address was never confirmed: have its owner open the confirmation link first (or delete that account)")]
    Unconfirmed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// `shura create-admin`: makes a platform admin, creating the account (with its address
/// taken as confirmed) or promoting an existing one, whose password then stays as it is.
pub async fn create_admin(
    db: &crate::ssr::db::Db,
    email: &str,
    display_name: &str,
    password_text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::domain::UserId, CreateAdminError> {
    use crate::domain::account::{normalize_display_name, TERMS_VERSION};
    use crate::ssr::accounts::auth::password;
    let email = normalize_email(email).map_err(|_| CreateAdminError::Email)?;
    let user = match users::by_email(db, &email).await? {
        // Whoever registered the address first holds an unconfirmed account.
        Some(user) if user.email_verified_at.is_none() => {
            return Err(CreateAdminError::Unconfirmed)
        }
        Some(user) => user,
        None => {
            let name = normalize_display_name(display_name).map_err(|_| CreateAdminError::Name)?;
            password::check_policy(password_text, &[email.as_str(), name.as_str()])
                .map_err(CreateAdminError::Password)?;
            let hash = password::hash(password_text)
                .await
                .map_err(|e| CreateAdminError::Hash(e.to_string()))?;
            let new = users::NewUser {
                email: email.clone(),
                display_name: name,
                preferred_lang: crate::domain::Lang::Ar,
                password_hash: hash,
                terms_version: TERMS_VERSION.to_owned(),
            };
            let user = users::create(db, &new, now).await?;
            users::mark_email_verified(db, user.id, now).await?;
            user
        }
    };
    let entry = AuditEntry {
        actor: None,
        action: AuditAction::RoleGrant,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({ "role": RoleKind::PlatformAdmin.code(), "by": "shura create-admin" }),
        ip: None,
    };
    match roles::grant(db, user.id, Role::PlatformAdmin, None, &entry, now).await {
        Ok(_) => Ok(user.id),
        Err(StoreError::Conflict(_)) => Err(CreateAdminError::AlreadyAdmin),
        Err(e) => Err(e.into()),
    }
}
