//! What registering, signing in and verifying an address do, independent of HTTP.

use chrono::{DateTime, Duration, Utc};

use crate::accounts::form::field;
use crate::domain::account::{
    normalize_display_name, normalize_email, FieldProblem, TERMS_VERSION,
};
use crate::domain::contribution::Speaker;
use crate::domain::password::PasswordProblem;
use crate::domain::{ClauseKey, Lang};
use crate::error::AppError;
use crate::forms::{FieldErrors, FormMessage};
use crate::paths;
use crate::ssr::accounts::auth::password::HashError;
use crate::ssr::accounts::auth::seeds::{self, SeedError, SeedKey};
use crate::ssr::accounts::auth::{password, token, totp};
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::{NewUser, TokenPurpose, User};
use crate::ssr::admin::store::audit;
use crate::ssr::admin::store::audit::AuditAction;
use crate::ssr::admin::store::audit::AuditEntry;
use crate::ssr::admin::store::roles;
use crate::ssr::contributions::read::{self, Audience, ContributionRead};
use crate::ssr::contributions::store as contributions;
use crate::ssr::db::StoreError;
use crate::ssr::mail::store::{self as mail_outbox, NewMail};
use crate::ssr::mail::templates;
use crate::ssr::moderation::store as moderation;
use crate::ssr::notifications::store::{follows, notices as notifications};
use crate::ssr::state::AppState;

/// How long a password-reset link works.
pub const RESET_LINK_VALID_FOR: Duration = Duration::hours(1);

/// How long a verification link works.
pub const VERIFY_LINK_VALID_FOR: Duration = Duration::hours(48);

/// A registration form as submitted. Its `Debug` leaves the password out.
#[derive(Clone, Default)]
pub struct Registration {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub preferred_lang: Option<Lang>,
    pub accepted_terms: bool,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password", &"<redacted>")
            .field("preferred_lang", &self.preferred_lang)
            .field("accepted_terms", &self.accepted_terms)
            .finish()
    }
}

/// Why an account form was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// Unknown address or wrong password: the same answer for both.
    #[error("bad credentials")]
    BadCredentials,
    /// The reset link is unknown, used or expired.
    #[error("reset link invalid")]
    ResetLinkInvalid,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The signed-in account is not as it should be (gone, or without a password).
    #[error("account inconsistent: {0}")]
    Inconsistent(&'static str),
    /// Turning two-factor authentication on when it is on already: replacing it asks
    /// for more (see [`replace_two_factor`]).
    #[error("two-factor authentication is on already")]
    TwoFactorAlreadyOn,
    /// Too many wrong second-factor codes in a row: signing in starts again from the
    /// password, not before this time.
    #[error("second factor blocked until {0}")]
    SecondFactorBlocked(chrono::DateTime<chrono::Utc>),
}

/// The key that seals second-factor seeds, from `env` (`SHURA_SEED_KEY`) or the data
/// directory; then every seed still stored in clear (from before seeds were sealed) is
/// sealed. Fails when sealed seeds exist and the key does not (see `auth::seeds`).
pub async fn prepare_seed_key(
    db: &crate::ssr::db::Db,
    env: Option<&str>,
    data_dir: &std::path::Path,
) -> Result<SeedKey, AccountError> {
    let stored = users::stored_seeds(db).await?;
    let any_sealed = stored.iter().any(|(_, s)| seeds::is_sealed(s));
    let key = SeedKey::load(env, data_dir, any_sealed)?;
    let mut sealed_now = 0;
    for (user, seed) in stored.iter().filter(|(_, s)| !seeds::is_sealed(s)) {
        // Sealing opens it again: a key that cannot is not used.
        let sealed = key.seal(*user, seed)?;
        if key.open(*user, &sealed)? != *seed {
            return Err(SeedError::Unsealable.into());
        }
        if users::reseal_seed(db, *user, seed, &sealed).await? {
            sealed_now += 1;
        }
    }
    if sealed_now > 0 {
        tracing::info!(
            count = sealed_now,
            "sealed second-factor seeds stored in clear"
        );
    }
    // A wrong key (another deployment's, a typo in SHURA_SEED_KEY) is found at start-up,
    // not at the next staff sign-in.
    if let Some((user, seed)) = stored.iter().find(|(_, s)| seeds::is_sealed(s)) {
        key.open(*user, seed)?;
    }
    Ok(key)
}

/// Wrong second-factor codes in a row before signing in starts again from the password.
pub const SECOND_FACTOR_CAP: i32 = 10;

/// How long signing in waits after the `lockout`-th lock-out in a row: 5 minutes,
/// doubling each time, at most a day.
pub fn second_factor_delay(lockout: i32) -> Duration {
    let exponent = lockout.clamp(1, 12) - 1;
    Duration::minutes((5_i64 << exponent).min(24 * 60))
}

/// Mails the owner of `user` a security notice (nothing for a deleted account).
pub(crate) async fn notify_owner(
    state: &AppState,
    user: &User,
    notice: templates::SecurityNotice,
) -> Result<(), StoreError> {
    let Some(email) = user.email.as_deref() else {
        return Ok(());
    };
    let lang = user.preferred_lang;
    let link = paths::absolute(&state.public_url, &paths::account(lang));
    let message = templates::security_notice(email, &user.display_name, notice, &link, lang);
    mail_outbox::enqueue(&state.db, &message, state.clock.now()).await?;
    Ok(())
}

/// How many mails a day a form can make the portal send to one address (verification,
/// "already registered", reset links): enough for a person who mistypes, too few to
/// use the portal against someone's mailbox.
const FORM_MAILS_PER_ADDRESS_PER_DAY: i64 = 5;

/// Queues a mail a form asked for, within the day's share of its address. Past the
/// share nothing is sent and the form answers as always: the answer must not tell
/// whether an address has an account.
async fn enqueue_from_form(
    state: &AppState,
    message: &NewMail,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let added =
        mail_outbox::enqueue_from_form(&state.db, message, FORM_MAILS_PER_ADDRESS_PER_DAY, now)
            .await?;
    if !added {
        tracing::info!("a form mail was not sent: its address had its share for the day");
    }
    Ok(())
}

fn invalid(field: &'static str, message: FormMessage) -> AccountError {
    AccountError::Invalid(FieldErrors::one(field, message))
}

/// Creates an account and mails a verification link; or, if the address already has an
/// account, mails its owner instead. Both look the same to whoever submitted the form.
/// Whether `text` holds a web address (with or without `http://`) or a mail address.
fn has_address(text: &str) -> bool {
    let mut finder = linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    finder.links(text).next().is_some()
}

pub async fn register(
    state: &AppState,
    page_lang: Lang,
    form: &Registration,
) -> Result<(), AccountError> {
    let lang = form.preferred_lang.unwrap_or(page_lang);
    let mut errors = FieldErrors::default();
    let email = normalize_email(&form.email).map_err(|p| match p {
        FieldProblem::Missing => FormMessage::Required,
        _ => FormMessage::EmailMalformed,
    });
    let name = normalize_display_name(&form.display_name)
        .map_err(|p| match p {
            FieldProblem::Missing => FormMessage::Required,
            FieldProblem::TooLong => FormMessage::NameTooLong,
            FieldProblem::Malformed => FormMessage::NameMalformed,
        })
        .and_then(|name| {
            if has_address(&name) {
                Err(FormMessage::NameHasLink)
            } else {
                Ok(name)
            }
        });
    if let Err(m) = &email {
        errors.add(field::EMAIL, *m);
    }
    if let Err(m) = &name {
        errors.add(field::DISPLAY_NAME, *m);
    }
    let inputs = [form.email.as_str(), form.display_name.as_str()];
    if form.password.is_empty() {
        errors.add(field::PASSWORD, FormMessage::Required);
    } else if let Err(p) = password::check_policy(&form.password, &inputs) {
        errors.add(field::PASSWORD, password_problem(p));
    }
    if !form.accepted_terms {
        errors.add(field::ACCEPT_TERMS, FormMessage::TermsRequired);
    }
    let (Ok(email), Ok(name), true) = (email, name, errors.is_empty()) else {
        return Err(AccountError::Invalid(errors));
    };

    let now = state.clock.now();
    let hash = password::hash(&form.password).await?;
    let new = NewUser {
        email: email.clone(),
        display_name: name.clone(),
        preferred_lang: lang,
        password_hash: hash,
        terms_version: TERMS_VERSION.to_owned(),
    };
    let message = match users::create(&state.db, &new, now).await {
        Ok(user) => {
            let (secret, secret_hash) = token::new_token();
            users::insert_token(
                &state.db,
                user.id,
                TokenPurpose::VerifyEmail,
                &secret_hash,
                now + VERIFY_LINK_VALID_FOR,
                now,
            )
            .await?;
            let link = paths::absolute(&state.public_url, &paths::verify_email(lang, &secret));
            templates::verify_email(&email, &link, lang)
        }
        Err(StoreError::Conflict("email")) => {
            let (existing, _) = users::credentials_by_email(&state.db, &email)
                .await?
                .ok_or(AccountError::Inconsistent(
                    "account vanished during registration",
                ))?;
            let link = paths::absolute(&state.public_url, &paths::sign_in(existing.preferred_lang));
            templates::already_registered(
                &email,
                &existing.display_name,
                &link,
                existing.preferred_lang,
            )
        }
        Err(err) => return Err(err.into()),
    };
    enqueue_from_form(state, &message, now).await?;
    Ok(())
}

/// Checks an email and password. Unknown address and wrong password get the same
/// answer, after the same amount of work.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password_text: &str,
    ip: Option<&str>,
) -> Result<User, AccountError> {
    let mut errors = FieldErrors::default();
    if email.trim().is_empty() {
        errors.add(field::EMAIL, FormMessage::Required);
    }
    if password_text.is_empty() {
        errors.add(field::PASSWORD, FormMessage::Required);
    }
    errors.check().map_err(AccountError::Invalid)?;
    let ip = ip.unwrap_or("-");
    let Ok(email) = normalize_email(email) else {
        password::verify_against_nothing(password_text).await?;
        tracing::warn!(ip, "sign-in failed: not an address");
        return Err(AccountError::BadCredentials);
    };
    match users::credentials_by_email(&state.db, &email).await? {
        Some((user, Some(hash))) => {
            if password::verify(password_text, &hash).await? {
                Ok(user)
            } else {
                tracing::warn!(user = %user.id, ip, "sign-in failed: wrong password");
                Err(AccountError::BadCredentials)
            }
        }
        _ => {
            password::verify_against_nothing(password_text).await?;
            // The address is personal data: the log can tell attempts on one unknown
            // address apart without holding it.
            tracing::warn!(address = %address_digest(&email), ip, "sign-in failed: no such account");
            Err(AccountError::BadCredentials)
        }
    }
}

/// A short digest of an address for the log: the same address gives the same digest,
/// and the digest does not give the address back.
fn address_digest(email: &str) -> String {
    token::hash_token(&format!("log:{email}"))[..16].to_owned()
}

/// Confirms an address with a mailed token; `false` if unknown, used or expired.
pub async fn verify_email(state: &AppState, secret: &str) -> Result<bool, AppError> {
    let now = state.clock.now();
    let hash = token::hash_token(secret.trim());
    match users::consume_token(&state.db, TokenPurpose::VerifyEmail, &hash, now).await? {
        Some(user) => {
            users::mark_email_verified(&state.db, user, now).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Mails a reset link if the address has an account; does nothing otherwise. The
/// caller answers the same either way, so the form does not reveal who is registered.
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<(), AccountError> {
    let Ok(email) = normalize_email(email) else {
        return Err(invalid(field::EMAIL, FormMessage::EmailMalformed));
    };
    let now = state.clock.now();
    let Some((user, _)) = users::credentials_by_email(&state.db, &email).await? else {
        return Ok(());
    };
    let (secret, secret_hash) = token::new_token();
    users::insert_token(
        &state.db,
        user.id,
        TokenPurpose::ResetPassword,
        &secret_hash,
        now + RESET_LINK_VALID_FOR,
        now,
    )
    .await?;
    let lang = user.preferred_lang;
    let link = paths::absolute(&state.public_url, &paths::reset_password(lang, &secret));
    let message = templates::reset_password(&email, &user.display_name, &link, lang);
    enqueue_from_form(state, &message, now).await?;
    Ok(())
}

/// Is this reset link still usable? (Shown before the new-password form.)
pub async fn reset_link_is_valid(state: &AppState, secret: &str) -> Result<bool, AppError> {
    let hash = token::hash_token(secret.trim());
    let user = users::peek_token(
        &state.db,
        TokenPurpose::ResetPassword,
        &hash,
        state.clock.now(),
    )
    .await?;
    Ok(user.is_some())
}

/// Sets a new password with a reset link, once; ends the account's other sessions.
pub async fn reset_password(
    state: &AppState,
    secret: &str,
    new_password: &str,
    ip: Option<String>,
) -> Result<(), AccountError> {
    let now = state.clock.now();
    let hash = token::hash_token(secret.trim());
    let Some(user_id) =
        users::peek_token(&state.db, TokenPurpose::ResetPassword, &hash, now).await?
    else {
        return Err(AccountError::ResetLinkInvalid);
    };
    let user = users::by_id(&state.db, user_id)
        .await?
        .ok_or(AccountError::ResetLinkInvalid)?;
    let inputs = [
        user.email.as_deref().unwrap_or(""),
        user.display_name.as_str(),
    ];
    if new_password.is_empty() {
        return Err(invalid(field::PASSWORD, FormMessage::Required));
    }
    if let Err(p) = password::check_policy(new_password, &inputs) {
        return Err(invalid(field::PASSWORD, password_problem(p)));
    }
    let new_hash = password::hash(new_password).await?;
    // Consuming is the single-use gate: of two concurrent submissions only one wins.
    if users::consume_token(&state.db, TokenPurpose::ResetPassword, &hash, now)
        .await?
        .is_none()
    {
        return Err(AccountError::ResetLinkInvalid);
    }
    let audit = AuditEntry {
        actor: Some(user.id),
        action: AuditAction::PasswordChange,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({ "by": "reset_link" }),
        ip,
    };
    users::set_password(&state.db, user.id, &new_hash, &audit, now).await?;
    tracing::info!(user = %user.id, "password reset with a mailed link");
    notify_owner(
        state,
        &user,
        templates::SecurityNotice::PasswordChanged { at: now },
    )
    .await?;
    Ok(())
}

fn password_problem(p: PasswordProblem) -> FormMessage {
    match p {
        PasswordProblem::TooShort => FormMessage::PasswordTooShort,
        PasswordProblem::TooLong => FormMessage::PasswordTooLong,
        PasswordProblem::TooGuessable => FormMessage::PasswordGuessable,
    }
}

/// Whether `candidate` is the signed-in person's password (asked again before changing
/// it or deleting the account).
async fn is_current_password(
    state: &AppState,
    user: &User,
    candidate: &str,
) -> Result<bool, AccountError> {
    let email = user.email.as_deref().unwrap_or("");
    match users::credentials_by_email(&state.db, email).await? {
        Some((_, Some(hash))) => Ok(password::verify(candidate, &hash).await?),
        _ => Err(AccountError::Inconsistent(
            "signed-in account without a password",
        )),
    }
}

/// The account as it is now (after a change that ended its sessions).
pub async fn reload(state: &AppState, user: &User) -> Result<User, AccountError> {
    users::by_id(&state.db, user.id)
        .await?
        .ok_or(AccountError::Inconsistent("account vanished"))
}

/// Changes the password of a signed-in person who knows the current one. Every session
/// of the account ends; the caller signs this one in again.
pub async fn change_password(
    state: &AppState,
    user: &User,
    current: &str,
    new_password: &str,
    ip: Option<String>,
) -> Result<User, AccountError> {
    let mut errors = FieldErrors::default();
    if current.is_empty() {
        errors.add(field::CURRENT_PASSWORD, FormMessage::Required);
    }
    let inputs = [
        user.email.as_deref().unwrap_or(""),
        user.display_name.as_str(),
    ];
    if new_password.is_empty() {
        errors.add(field::NEW_PASSWORD, FormMessage::Required);
    } else if let Err(p) = password::check_policy(new_password, &inputs) {
        errors.add(field::NEW_PASSWORD, password_problem(p));
    }
    errors.check().map_err(AccountError::Invalid)?;
    if !is_current_password(state, user, current).await? {
        return Err(invalid(
            field::CURRENT_PASSWORD,
            FormMessage::CurrentPasswordWrong,
        ));
    }
    let new_hash = password::hash(new_password).await?;
    let at = state.clock.now();
    let audit = AuditEntry {
        actor: Some(user.id),
        action: AuditAction::PasswordChange,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({ "by": "current_password" }),
        ip,
    };
    users::set_password(&state.db, user.id, &new_hash, &audit, at).await?;
    tracing::info!(user = %user.id, "password changed");
    notify_owner(
        state,
        user,
        templates::SecurityNotice::PasswordChanged { at },
    )
    .await?;
    users::by_id(&state.db, user.id)
        .await?
        .ok_or(AccountError::Inconsistent(
            "account vanished while changing its password",
        ))
}

/// Checks a second factor for `user`: a TOTP code (once per time step) or an unused
/// recovery code (used up). Wrong codes are logged and counted: after
/// [`SECOND_FACTOR_CAP`] in a row the owner is mailed and signing in waits (growing
/// delays), then starts again from the password. `ip` is the client's, for the log.
pub async fn check_second_factor(
    state: &AppState,
    user: &User,
    code: &str,
    ip: Option<&str>,
) -> Result<(), AccountError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(invalid(field::CODE, FormMessage::Required));
    }
    let now = state.clock.now();
    if let Some(until) = second_factor_blocked(state, user).await? {
        tracing::warn!(user = %user.id, ip = ip.unwrap_or("-"), %until, "second-factor code while blocked");
        return Err(AccountError::SecondFactorBlocked(until));
    }
    if second_factor_matches(state, user, code, now).await? {
        users::second_factor_succeeded(&state.db, user.id).await?;
        return Ok(());
    }
    let (failures, blocked) = users::second_factor_failed(
        &state.db,
        user.id,
        SECOND_FACTOR_CAP,
        second_factor_delay,
        now,
    )
    .await?;
    tracing::warn!(user = %user.id, ip = ip.unwrap_or("-"), failures, "wrong second-factor code");
    let Some(until) = blocked else {
        return Err(invalid(field::CODE, FormMessage::CodeInvalid));
    };
    tracing::warn!(user = %user.id, ip = ip.unwrap_or("-"), %until, "too many wrong second-factor codes: signing in starts again later");
    notify_owner(
        state,
        user,
        templates::SecurityNotice::SecondFactorLocked { failures, until },
    )
    .await?;
    Err(AccountError::SecondFactorBlocked(until))
}

/// Until when `user`'s sign-in waits after too many wrong codes, if it does now.
pub async fn second_factor_blocked(
    state: &AppState,
    user: &User,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, AccountError> {
    let now = state.clock.now();
    Ok(users::second_factor_blocked_until(&state.db, user.id)
        .await?
        .filter(|until| *until > now))
}

/// Whether `code` is a right TOTP code (its step then used) or an unused recovery code
/// (then used up).
async fn second_factor_matches(
    state: &AppState,
    user: &User,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AccountError> {
    let Some(stored) = users::totp_secret(&state.db, user.id).await? else {
        return Ok(false);
    };
    let secret = state.seeds.open(user.id, &stored)?;
    if let Some(step) = totp::check(&secret, code, now) {
        return Ok(users::accept_totp_step(&state.db, user.id, step).await?);
    }
    let hash = totp::hash_recovery_code(code);
    if users::use_recovery_code(&state.db, user.id, &hash, now).await? {
        tracing::info!(user = %user.id, "second factor given with a recovery code");
        return Ok(true);
    }
    Ok(false)
}

/// Turns on two-factor authentication once the first code from the authenticator app
/// matches `secret`; returns the new recovery codes, to be shown once.
pub async fn enable_two_factor(
    state: &AppState,
    user: &User,
    secret: &str,
    code: &str,
    ip: Option<String>,
) -> Result<Vec<String>, AccountError> {
    // Replacing a second factor asks for the current one and the password: a session
    // that only knew the password could otherwise take the account's factor over.
    if user.totp_enabled_at.is_some() {
        return Err(AccountError::TwoFactorAlreadyOn);
    }
    if code.trim().is_empty() {
        return Err(invalid(field::CODE, FormMessage::Required));
    }
    let now = state.clock.now();
    let step = totp::check(secret, code, now)
        .ok_or_else(|| invalid(field::CODE, FormMessage::CodeInvalid))?;
    let codes =
        store_new_factor(state, user, secret, step, AuditAction::TwoFactorEnable, ip).await?;
    notify_owner(
        state,
        user,
        templates::SecurityNotice::TwoFactorEnabled { at: now },
    )
    .await?;
    Ok(codes)
}

/// Stores a confirmed TOTP secret with new recovery codes and its audit entry; every
/// session of the account ends. Returns the recovery codes, to be shown once.
async fn store_new_factor(
    state: &AppState,
    user: &User,
    secret: &str,
    step: i64,
    action: AuditAction,
    ip: Option<String>,
) -> Result<Vec<String>, AccountError> {
    let (codes, hashes): (Vec<String>, Vec<String>) =
        totp::new_recovery_codes().into_iter().unzip();
    let audit = AuditEntry {
        actor: Some(user.id),
        action,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({}),
        ip,
    };
    let now = state.clock.now();
    let sealed = state.seeds.seal(user.id, secret)?;
    users::enable_totp(&state.db, user.id, &sealed, step, &hashes, &audit, now).await?;
    tracing::info!(user = %user.id, action = action.code(), "second factor set");
    Ok(codes)
}

/// What replacing the authenticator app takes: the password, a code of the current
/// app (or a recovery code), and the first code of the new one, whose secret this
/// session holds.
#[derive(Debug, Clone, Copy)]
pub struct Replacement<'a> {
    pub password: &'a str,
    pub current_code: &'a str,
    pub new_secret: &'a str,
    pub new_code: &'a str,
}

/// Moves two-factor authentication to a new authenticator app; returns the new recovery
/// codes. Every other session ends, and the owner is told by mail.
pub async fn replace_two_factor(
    state: &AppState,
    user: &User,
    form: Replacement<'_>,
    ip: Option<String>,
) -> Result<Vec<String>, AccountError> {
    let mut errors = FieldErrors::default();
    for (name, value) in [
        (field::CURRENT_PASSWORD, form.password),
        (field::CURRENT_CODE, form.current_code),
        (field::CODE, form.new_code),
    ] {
        if value.trim().is_empty() {
            errors.add(name, FormMessage::Required);
        }
    }
    errors.check().map_err(AccountError::Invalid)?;
    if user.totp_enabled_at.is_none() {
        return Err(AccountError::Inconsistent(
            "replacing a second factor that is off",
        ));
    }
    let now = state.clock.now();
    let step = totp::check(form.new_secret, form.new_code, now)
        .ok_or_else(|| invalid(field::CODE, FormMessage::CodeInvalid))?;
    if !is_current_password(state, user, form.password).await? {
        return Err(invalid(
            field::CURRENT_PASSWORD,
            FormMessage::CurrentPasswordWrong,
        ));
    }
    match check_second_factor(state, user, form.current_code, ip.as_deref()).await {
        Ok(()) => {}
        Err(AccountError::Invalid(_)) => {
            return Err(invalid(field::CURRENT_CODE, FormMessage::CodeInvalid))
        }
        Err(other) => return Err(other),
    }
    let codes = store_new_factor(
        state,
        user,
        form.new_secret,
        step,
        AuditAction::TwoFactorReplace,
        ip,
    )
    .await?;
    notify_owner(
        state,
        user,
        templates::SecurityNotice::TwoFactorReplaced { at: now },
    )
    .await?;
    Ok(codes)
}

/// Replaces the recovery codes (the old ones stop working); returns the new ones.
pub async fn new_recovery_codes(
    state: &AppState,
    user: &User,
    ip: Option<String>,
) -> Result<Vec<String>, AccountError> {
    let (codes, hashes): (Vec<String>, Vec<String>) =
        totp::new_recovery_codes().into_iter().unzip();
    let audit = AuditEntry {
        actor: Some(user.id),
        action: AuditAction::RecoveryCodesRenew,
        target: format!("user:{}", user.id),
        detail: serde_json::json!({}),
        ip,
    };
    let at = state.clock.now();
    users::replace_recovery_codes(&state.db, user.id, &hashes, &audit, at).await?;
    notify_owner(
        state,
        user,
        templates::SecurityNotice::RecoveryCodesRenewed { at },
    )
    .await?;
    Ok(codes)
}

/// Deletes the account of a person who confirmed with their password.
pub async fn delete_account(
    state: &AppState,
    user: &User,
    password_text: &str,
) -> Result<(), AccountError> {
    if password_text.is_empty() {
        return Err(invalid(field::PASSWORD, FormMessage::Required));
    }
    if !is_current_password(state, user, password_text).await? {
        return Err(invalid(field::PASSWORD, FormMessage::CurrentPasswordWrong));
    }
    users::delete_account(&state.db, user.id, state.clock.now()).await?;
    tracing::info!(user = %user.id, "account deleted");
    Ok(())
}

/// One of the person's contributions in their data export: the read model as its
/// author reads it (a hidden one's text included).
#[derive(Debug, serde::Serialize)]
struct MyContribution {
    id: crate::domain::ContributionId,
    consultation_id: crate::domain::ConsultationId,
    version: u32,
    clause: Option<ClauseKey>,
    in_reply_to: Option<crate::domain::ContributionId>,
    as_organisation: Option<serde_json::Value>,
    status: &'static str,
    hidden_under_rule: Option<&'static str>,
    appeal: Option<String>,
    /// `None` once withdrawn.
    body: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    edited_at: Option<chrono::DateTime<chrono::Utc>>,
    earlier_texts: Vec<serde_json::Value>,
}

impl From<ContributionRead> for MyContribution {
    fn from(x: ContributionRead) -> Self {
        MyContribution {
            id: x.id,
            consultation_id: x.consultation_id,
            version: x.version,
            clause: x.clause.map(|cl| cl.key),
            in_reply_to: x.parent,
            as_organisation: match x.speaker {
                Speaker::Individual => None,
                Speaker::Organisation { name, kind } => {
                    Some(serde_json::json!({ "name": name, "kind": kind.as_str() }))
                }
            },
            status: x.status.as_str(),
            hidden_under_rule: x.hidden_under.map(|c| c.as_str()),
            appeal: x.appeal,
            body: x.body,
            created_at: x.created_at,
            edited_at: x.edited_at,
            earlier_texts: x
                .earlier
                .into_iter()
                .map(|e| serde_json::json!({ "body": e.body, "written_at": e.written_at }))
                .collect(),
        }
    }
}

/// Everything Shura holds about a person, as one JSON document.
pub async fn my_data(state: &AppState, user: &User) -> Result<serde_json::Value, AppError> {
    let record = users::account_record(&state.db, user.id).await?;
    let grants = roles::grants_of(&state.db, user.id).await?;
    let actions = audit::by_actor(&state.db, user.id).await?;
    let codes_left = users::recovery_codes_left(&state.db, user.id).await?;
    let mail = mail_outbox::sent_to(&state.db, user.email.as_deref().unwrap_or("")).await?;
    let written = contributions::by_author(&state.db, user.id).await?;
    let written: Vec<MyContribution> = read::read(&state.db, written, Audience::Author)
        .await?
        .into_iter()
        .map(MyContribution::from)
        .collect();
    Ok(serde_json::json!({
        "format": "shura.my-data/1",
        "exported_at": state.clock.now(),
        "account": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "display_name": user.display_name,
            "preferred_language": user.preferred_lang.code(),
            "digits": user.digits.as_str(),
            "created_at": user.created_at,
            "terms": record.map(|r| serde_json::json!({
                "version": r.terms_version,
                "accepted_at": r.terms_accepted_at,
            })),
            "two_factor": {
                "enabled_at": user.totp_enabled_at,
                "recovery_codes_left": codes_left,
            },
        },
        "roles": grants.iter().map(|g| serde_json::json!({
            "role": g.role.kind().code(),
            "agency_id": g.role.agency(),
            "mandate": g.mandate,
            "granted_at": g.granted_at,
        })).collect::<Vec<_>>(),
        "actions_recorded": actions,
        "mail": mail,
        "notifications": { "mode": notifications::mode(&state.db, user.id).await?.as_str() },
        "following": follows::followed_by(&state.db, user.id).await?.into_iter().map(|f| serde_json::json!({
            "consultation": f.slug,
            "since": f.since,
        })).collect::<Vec<_>>(),
        "contributions": written,
        "reports_made": moderation::reports_by(&state.db, user.id).await?.into_iter().map(|r| serde_json::json!({
            "id": r.id,
            "contribution_id": r.contribution_id,
            "rule": r.category.as_str(),
            "note": r.note,
            "created_at": r.created_at,
        })).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_an_address_are_found() {
        for spam in [
            "Buy now at cheap-pills.example.com",
            "visit www.example.org",
            "http://x.example",
            "write to spam@example.net",
            "اشترِ الآن من shop.example.sa",
        ] {
            assert!(has_address(spam), "{spam}");
        }
        for name in [
            "فاطمة الحربي",
            "Dr. Ahmed Al-Saud",
            "Noura A. Khalid",
            "م. سالم",
        ] {
            assert!(!has_address(name), "{name}");
        }
    }

    #[test]
    fn a_registration_never_prints_its_password() {
        let form = Registration {
            email: "noura@example.org".into(),
            password: "نخلة القصيم تثمر في الشتاء".into(),
            ..Default::default()
        };
        let printed = format!("{form:?}");
        assert!(
            !printed.contains("نخلة") && printed.contains("<redacted>"),
            "{printed}"
        );
    }
}
