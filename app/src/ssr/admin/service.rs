//! What platform admins and agency admins do: create agencies, appoint people to roles,
//! authorise agency staff under a recorded mandate. Each function checks authorisation
//! itself and writes the audit log in the same transaction as the change.

use chrono::NaiveDate;

use crate::domain::account::normalize_email;
use crate::domain::authz::{authorise, Action, Denied, Role, RoleKind};
use crate::domain::consultation::is_valid_slug;
use crate::domain::LocalizedText;
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
use crate::ui::form::{FormFeedback, FormMessage};

const MAX_NAME_CHARS: usize = 200;
const MAX_DECISION_REF_CHARS: usize = 200;
const MAX_SCOPE_CHARS: usize = 500;

fn internal(err: impl std::fmt::Display) -> FormFeedback {
    tracing::error!(error = %err, "admin operation failed");
    FormFeedback {
        summary: Some(FormMessage::Internal),
        ..Default::default()
    }
}

/// The feedback for a refused action.
pub fn denied(reason: Denied) -> FormFeedback {
    FormFeedback {
        summary: Some(FormMessage::Denied(reason)),
        ..Default::default()
    }
}

fn check(signed: &Signed, action: Action) -> Result<(), FormFeedback> {
    authorise(Some(&signed.actor), action).map_err(denied)
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
) -> Result<Agency, FormFeedback> {
    check(signed, Action::ManageAgencies)?;
    let mut fb = FormFeedback::default();
    for (k, v) in [
        ("slug", &form.slug),
        ("name_ar", &form.name_ar),
        ("name_en", &form.name_en),
        ("time_zone", &form.time_zone),
        ("website", &form.website),
    ] {
        fb.values.insert(k.into(), v.trim().to_owned());
    }
    let slug = form.slug.trim().to_lowercase();
    if slug.is_empty() {
        fb.errors.insert("slug".into(), FormMessage::Required);
    } else if !is_valid_slug(&slug) {
        fb.errors.insert("slug".into(), FormMessage::SlugMalformed);
    }
    let name = LocalizedText::new(non_empty(&form.name_ar), non_empty(&form.name_en));
    if name.ar.is_none() && name.en.is_none() {
        fb.errors
            .insert("name_ar".into(), FormMessage::NameInOneLanguage);
    }
    for (field, value) in [("name_ar", &name.ar), ("name_en", &name.en)] {
        if value
            .as_ref()
            .is_some_and(|v| v.chars().count() > MAX_NAME_CHARS)
        {
            fb.errors.insert(field.into(), FormMessage::TextTooLong);
        }
    }
    let time_zone = form.time_zone.trim();
    let time_zone = if time_zone.is_empty() {
        "Asia/Riyadh"
    } else {
        time_zone
    };
    if !is_time_zone_name(time_zone) {
        fb.errors
            .insert("time_zone".into(), FormMessage::TimeZoneUnknown);
    }
    let website = non_empty(&form.website);
    if website
        .as_ref()
        .is_some_and(|w| !(w.starts_with("https://") || w.starts_with("http://")) || w.len() > 300)
    {
        fb.errors
            .insert("website".into(), FormMessage::UrlMalformed);
    }
    if fb.has_errors() {
        return Err(fb);
    }
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
        Err(StoreError::Conflict(_)) => {
            fb.errors.insert("slug".into(), FormMessage::SlugTaken);
            Err(fb)
        }
        Err(e) => Err(internal(e)),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// An IANA zone name such as `Asia/Riyadh` (letters, `/`, `_`, `-`, `+`, digits).
fn is_time_zone_name(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && (s.contains('/') || s == "UTC")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-+".contains(&b))
}

/// An appointment as typed into a form: whom (by email), which role, for which agency,
/// and for agency staff the mandate.
#[derive(Debug, Clone, Default)]
pub struct Appointment {
    pub email: String,
    pub role: String,
    pub agency: String,
    pub decision_ref: String,
    pub decided_on: String,
    pub scope: String,
}

pub async fn appoint(
    state: &AppState,
    signed: &Signed,
    form: &Appointment,
    ip: Option<String>,
) -> Result<(), FormFeedback> {
    let mut fb = FormFeedback::default();
    for (k, v) in [
        ("email", &form.email),
        ("role", &form.role),
        ("agency", &form.agency),
        ("decision_ref", &form.decision_ref),
        ("decided_on", &form.decided_on),
        ("scope", &form.scope),
    ] {
        fb.values.insert(k.into(), v.trim().to_owned());
    }
    let Some(kind) = RoleKind::from_code(form.role.trim()) else {
        fb.errors.insert("role".into(), FormMessage::Required);
        return Err(fb);
    };
    let agency = if kind.needs_agency() {
        match agencies::by_slug(&state.db, form.agency.trim())
            .await
            .map_err(internal)?
        {
            Some(a) => Some(a),
            None => {
                fb.errors.insert("agency".into(), FormMessage::Required);
                return Err(fb);
            }
        }
    } else {
        None
    };
    let Some(role) = kind.with_agency(agency.as_ref().map(|a| a.id)) else {
        return Err(internal("role and agency do not fit"));
    };
    let action = match role {
        Role::AgencyStaff(a) => Action::ManageAgencyStaff(a),
        _ => Action::AppointRoles,
    };
    check(signed, action).map_err(|mut d| {
        d.values = fb.values.clone();
        d
    })?;

    let user = match normalize_email(&form.email) {
        Err(_) => {
            fb.errors
                .insert("email".into(), FormMessage::EmailMalformed);
            None
        }
        Ok(email) => {
            let user = users::by_email(&state.db, &email).await.map_err(internal)?;
            if user.is_none() {
                fb.errors.insert("email".into(), FormMessage::NoSuchAccount);
            }
            user
        }
    };
    let mandate = if kind == RoleKind::AgencyStaff {
        mandate(form, &mut fb, state.clock.now().date_naive())
    } else {
        None
    };
    let Some(user) = user else {
        return Err(fb);
    };
    if fb.has_errors() {
        return Err(fb);
    }
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
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            fb.summary = Some(FormMessage::AlreadyHoldsRole);
            Err(fb)
        }
        Err(e) => Err(internal(e)),
    }
}

fn mandate(form: &Appointment, fb: &mut FormFeedback, today: NaiveDate) -> Option<Mandate> {
    let decision_ref = form.decision_ref.trim();
    let scope = form.scope.trim();
    let decided_on = form.decided_on.trim();
    if decision_ref.is_empty() {
        fb.errors
            .insert("decision_ref".into(), FormMessage::Required);
    } else if decision_ref.chars().count() > MAX_DECISION_REF_CHARS {
        fb.errors
            .insert("decision_ref".into(), FormMessage::TextTooLong);
    }
    if scope.is_empty() {
        fb.errors.insert("scope".into(), FormMessage::Required);
    } else if scope.chars().count() > MAX_SCOPE_CHARS {
        fb.errors.insert("scope".into(), FormMessage::TextTooLong);
    }
    let date = crate::domain::dates::parse_iso_date(decided_on);
    match date {
        _ if decided_on.is_empty() => {
            fb.errors.insert("decided_on".into(), FormMessage::Required);
        }
        None => {
            fb.errors
                .insert("decided_on".into(), FormMessage::DateMalformed);
        }
        Some(d) if d > today => {
            fb.errors
                .insert("decided_on".into(), FormMessage::DateInFuture);
        }
        Some(_) => {}
    }
    let decided_on = date?.format("%Y-%m-%d").to_string();
    (!fb.has_errors()).then(|| Mandate {
        decision_ref: decision_ref.to_owned(),
        decided_on,
        scope: scope.to_owned(),
    })
}

/// Withdraws a role (or a staff mandate).
pub async fn revoke(
    state: &AppState,
    signed: &Signed,
    grant_id: i64,
    ip: Option<String>,
) -> Result<(), FormFeedback> {
    let Some(grant) = roles::by_id(&state.db, grant_id).await.map_err(internal)? else {
        return Err(FormFeedback {
            summary: Some(FormMessage::AlreadyRevoked),
            ..Default::default()
        });
    };
    let action = match grant.role {
        Role::AgencyStaff(a) => Action::ManageAgencyStaff(a),
        _ => Action::AppointRoles,
    };
    check(signed, action)?;
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
    roles::revoke(&state.db, grant.id, &entry, state.clock.now())
        .await
        .map_err(internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zone_names() {
        assert!(is_time_zone_name("Asia/Riyadh"));
        assert!(is_time_zone_name("America/Argentina/Buenos_Aires"));
        assert!(is_time_zone_name("UTC"));
        assert!(!is_time_zone_name("Riyadh time"));
        assert!(!is_time_zone_name("<script>"));
    }
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
