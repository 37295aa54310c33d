//! Form posts about one's own account: registering, signing in (with a second factor
//! for accounts that have one), passwords, two-factor set-up, deleting the account.

use app::accounts::form::{field, TwoFactorIntent};
use app::domain::authz::Denied;
use app::domain::digits::{Digits, DIGITS_COOKIE};
use app::domain::Lang;
use app::forms::{FormFeedback, FormMessage};
use app::paths::{self, route};
use app::ssr::accounts::service::{self as accounts, AccountError, Registration};
use app::ssr::accounts::sessions;
use app::ssr::accounts::store as users;
use app::ssr::admin::store::audit::AuditAction;
use app::ssr::admin::store::{audit, roles};
use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::form::{internal, see_other, IntoFeedback, SignedSubmission, Submission};
use super::limits::Action;

impl IntoFeedback for AccountError {
    fn into_feedback(self) -> FormFeedback {
        match self {
            AccountError::Invalid(errors) => errors.into(),
            AccountError::BadCredentials => FormMessage::BadCredentials.into(),
            AccountError::ResetLinkInvalid => FormMessage::ResetLinkInvalid.into(),
            AccountError::Store(err) => internal(&err),
            AccountError::Hash(err) => internal(&err),
            AccountError::Seed(err) => internal(&err),
            AccountError::Inconsistent(what) => internal(&what),
            // Said beside the form that replaces it: the set-up form is not on the page.
            AccountError::TwoFactorAlreadyOn => FormFeedback {
                summary: Some(FormMessage::TwoFactorAlreadyOn),
                intent: TwoFactorIntent::Replace.as_str().to_owned(),
                ..Default::default()
            },
            // Handled before it gets here (429 with the wait); as feedback, the same words.
            AccountError::SecondFactorBlocked(_) => FormMessage::TooManyAttempts.into(),
        }
    }
}

/// The account forms under `/{lang}` (`ar` or `en`).
pub(super) fn routes(lang: Lang) -> Router<AppState> {
    Router::new()
        .route(&route::register(lang), post(register))
        .route(&route::sign_in(lang), post(sign_in))
        .route(&route::sign_in_code(lang), post(sign_in_code))
        .route(&route::account(lang), post(account))
        .route(&route::digits_setting(lang), post(digits_setting))
        .route(&route::two_factor(lang), post(two_factor))
        .route(&route::delete_account(lang), post(delete_account))
        .route(&route::my_data(lang), get(my_data))
        .route(&route::sign_out(lang), post(sign_out))
        .route(&route::sign_out_everywhere(lang), post(sign_out_everywhere))
        .route(&route::forgot_password(lang), post(forgot_password))
        .route(&route::reset_password(lang), post(reset_password))
}

/// `POST /{lang}/register`
pub async fn register(State(state): State<AppState>, sub: Submission) -> Response {
    if let Err(res) = sub.check_email_rate(&state, Action::Register).await {
        return res;
    }
    let form = Registration {
        email: sub.field(field::EMAIL).to_owned(),
        display_name: sub.field(field::DISPLAY_NAME).to_owned(),
        password: sub.field(field::PASSWORD).to_owned(),
        preferred_lang: Lang::from_code(sub.field(field::PREFERRED_LANG)),
        accepted_terms: sub.field(field::ACCEPT_TERMS) == "yes",
    };
    let result = accounts::register(&state, sub.lang, &form).await;
    sub.respond(&state, result, paths::register_sent(sub.lang))
        .await
}

/// `POST /{lang}/sign-in`: the password; then, for accounts with two-factor
/// authentication, the code page. Only wrong passwords count against the account (a
/// growing delay), and never from a browser that signed in to it before.
pub async fn sign_in(State(state): State<AppState>, sub: Submission) -> Response {
    if let Err(res) = sub.check_sign_in_rate(&state).await {
        return res;
    }
    let user = match accounts::sign_in(
        &state,
        sub.field(field::EMAIL),
        sub.field(field::PASSWORD),
        sub.ip().as_deref(),
    )
    .await
    {
        Ok(user) => user,
        Err(refusal) => {
            if matches!(refusal, AccountError::BadCredentials) {
                sub.password_failed();
            }
            return sub.refuse(&state, refusal).await;
        }
    };
    let now = state.clock.now();
    if user.totp_enabled_at.is_some() {
        match accounts::second_factor_blocked(&state, &user).await {
            Ok(None) => {}
            Ok(Some(until)) => return second_factor_wait(&state, &sub, until).await,
            Err(err) => return sub.refuse(&state, err).await,
        }
        return match sessions::begin_second_step(&sub.session, &user, now).await {
            Ok(()) => see_other(paths::sign_in_code_then(sub.lang, sub.field(field::NEXT))),
            Err(err) => session_failure(&state, &sub, err).await,
        };
    }
    finish_sign_in(&state, &sub, &user, false).await
}

/// Signs `user` into the submission's session, records staff sign-ins in the audit log,
/// and goes to the account page.
async fn finish_sign_in(
    state: &AppState,
    sub: &Submission,
    user: &app::ssr::accounts::store::User,
    second_factor: bool,
) -> Response {
    let now = state.clock.now();
    let signed_in = async {
        sessions::sign_in(&sub.session, user, now, second_factor).await?;
        sessions::password_confirmed(&sub.session, now).await
    };
    if let Err(err) = signed_in.await {
        return session_failure(state, sub, err).await;
    }
    tracing::info!(user = %user.id, second_factor, "signed in");
    let roles = roles::roles_of(&state.db, user.id).await;
    // Someone holding a role gets a short session, whose cookie ends with the browser's.
    let privileged = roles.as_ref().map_or(true, |r| !r.is_empty());
    if let Err(err) = sessions::mark_privileged(&sub.session, privileged, now).await {
        return session_failure(state, sub, err).await;
    }
    match roles {
        Ok(roles) if !roles.is_empty() => {
            let entry = audit::AuditEntry {
                actor: Some(user.id),
                action: AuditAction::SignIn,
                target: format!("user:{}", user.id),
                detail: serde_json::json!({ "second_factor": second_factor }),
                ip: sub.ip(),
            };
            if let Err(err) = audit::record(&state.db, &entry, now).await {
                tracing::error!(error = %err, "cannot write the audit log");
            }
        }
        Ok(_) => {}
        Err(err) => tracing::error!(error = %err, "cannot read roles"),
    }
    // Back to the page the person came from, when it is one of this site's.
    let next = paths::safe_next(sub.field(field::NEXT)).map(str::to_owned);
    let mut res = see_other(next.unwrap_or_else(|| paths::account(sub.lang)));
    let https = state.public_url.starts_with("https://");
    set_digits_cookie(&mut res, user.digits, https);
    if let Some(email) = user.email.as_deref() {
        sub.signed_in_as(email, &mut res, https);
    }
    res
}

/// `POST /{lang}/account/digits`: the digits of Arabic pages, kept with the account
/// and handed to this browser at once.
pub async fn digits_setting(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let Some(digits) = Digits::parse(sub.field(field::DIGITS)) else {
        return sub.unreadable(&state).await;
    };
    if let Err(err) = users::set_digits(&state.db, signed.user.id, digits).await {
        return sub
            .render(&state, internal(&err), StatusCode::INTERNAL_SERVER_ERROR)
            .await;
    }
    let mut res = see_other(paths::account_digits_changed(sub.lang));
    set_digits_cookie(&mut res, digits, state.public_url.starts_with("https://"));
    res
}

/// The cookie every page reads its digits from. Not `HttpOnly`: the browser renders
/// pages too, and must write them as the server did.
fn set_digits_cookie(res: &mut Response, digits: Digits, https: bool) {
    let cookie = format!(
        "{DIGITS_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        digits.as_str(),
        if https { "; Secure" } else { "" }
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn session_failure(
    state: &AppState,
    sub: &Submission,
    err: impl std::fmt::Display,
) -> Response {
    tracing::error!(error = %err, "cannot store the session");
    let feedback = FormFeedback {
        summary: Some(FormMessage::Internal),
        ..Default::default()
    };
    sub.render(state, feedback, StatusCode::INTERNAL_SERVER_ERROR)
        .await
}

/// `POST /{lang}/sign-in/code`: the second factor, a TOTP code or a recovery code.
/// Throttled per address and per account like the password.
pub async fn sign_in_code(State(state): State<AppState>, sub: Submission) -> Response {
    let now = state.clock.now();
    let user = match sessions::pending_user(&sub.session, &state.db, now).await {
        Ok(Some(user)) => user,
        Ok(None) => return see_other(paths::sign_in_code(sub.lang)),
        Err(err) => return session_failure(&state, &sub, err).await,
    };
    if let Err(res) = sub.check_account_rate(&state, user.id).await {
        return res;
    }
    let ip = sub.ip();
    match accounts::check_second_factor(&state, &user, sub.field(field::CODE), ip.as_deref()).await
    {
        Ok(()) => finish_sign_in(&state, &sub, &user, true).await,
        Err(AccountError::SecondFactorBlocked(until)) => {
            second_factor_wait(&state, &sub, until).await
        }
        Err(refusal) => sub.refuse(&state, refusal).await,
    }
}

/// Too many wrong second-factor codes: this sign-in ends, and the next one starts from
/// the password once `until` has passed (429 with `Retry-After`).
async fn second_factor_wait(
    state: &AppState,
    sub: &Submission,
    until: chrono::DateTime<chrono::Utc>,
) -> Response {
    if let Err(err) = sessions::abandon_second_step(&sub.session).await {
        return session_failure(state, sub, err).await;
    }
    let wait = (until - state.clock.now()).to_std().unwrap_or_default();
    sub.too_many(state, Action::SignIn, wait).await
}

/// `POST /{lang}/account` with `intent=password`: a new password, given the current
/// one. Other sessions end; this one continues.
pub async fn account(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if let Err(res) = sub.check_account_rate(&state, signed.user.id).await {
        return res;
    }
    let result = accounts::change_password(
        &state,
        &signed.user,
        sub.field(field::CURRENT_PASSWORD),
        sub.field(field::NEW_PASSWORD),
        sub.ip(),
    )
    .await;
    match result {
        Ok(user) => {
            let now = state.clock.now();
            let signed_in = async {
                sessions::sign_in(&sub.session, &user, now, signed.actor.second_factor).await?;
                sessions::password_confirmed(&sub.session, now).await
            };
            if let Err(err) = signed_in.await {
                return session_failure(&state, &sub, err).await;
            }
            see_other(paths::account_password_changed(sub.lang))
        }
        Err(refusal) => sub.refuse(&state, refusal).await,
    }
}

/// `POST /{lang}/account/two-factor`: `intent=confirm` turns it on with the first
/// code (refused while it is on); `intent=replace` moves it to a new authenticator app
/// (the password, a current code and the new app's first code); `intent=renew` replaces
/// the recovery codes. Each shows the new codes once; turning on and replacing end
/// every other session of the account.
pub async fn two_factor(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    let intent: TwoFactorIntent = match sub.intent(&state).await {
        Ok(intent) => intent,
        Err(res) => return res,
    };
    if intent == TwoFactorIntent::Renew {
        if !signed.actor.second_factor {
            return sub.refuse(&state, Denied::SecondFactorRequired).await;
        }
        return match accounts::new_recovery_codes(&state, &signed.user, sub.ip()).await {
            Ok(codes) => show_codes(&state, &sub, &codes).await,
            Err(refusal) => sub.refuse(&state, refusal).await,
        };
    }
    if let Err(res) = sub.check_account_rate(&state, signed.user.id).await {
        return res;
    }
    let secret = match sessions::totp_setup_secret(&sub.session).await {
        Ok(s) => s,
        Err(err) => return session_failure(&state, &sub, err).await,
    };
    let result = if intent == TwoFactorIntent::Replace {
        if !signed.actor.second_factor {
            return sub.refuse(&state, Denied::SecondFactorRequired).await;
        }
        let form = accounts::Replacement {
            password: sub.field(field::CURRENT_PASSWORD),
            current_code: sub.field(field::CURRENT_CODE),
            new_secret: &secret,
            new_code: sub.field(field::CODE),
        };
        accounts::replace_two_factor(&state, &signed.user, form, sub.ip()).await
    } else {
        let code = sub.field(field::CODE);
        accounts::enable_two_factor(&state, &signed.user, &secret, code, sub.ip()).await
    };
    let codes = match result {
        Ok(codes) => codes,
        Err(AccountError::SecondFactorBlocked(until)) => {
            let wait = (until - state.clock.now()).to_std().unwrap_or_default();
            return sub.too_many(&state, Action::SignIn, wait).await;
        }
        Err(refusal) => return sub.refuse(&state, refusal).await,
    };
    // Every session of the account ended with the change; this one goes on, signed in
    // again under a new id, as having passed the second factor it just set.
    let user = match accounts::reload(&state, &signed.user).await {
        Ok(user) => user,
        Err(err) => return sub.refuse(&state, err).await,
    };
    let now = state.clock.now();
    let signed_in = async {
        sessions::clear_totp_setup(&sub.session).await?;
        sessions::sign_in(&sub.session, &user, now, true).await
    };
    if let Err(err) = signed_in.await {
        return session_failure(&state, &sub, err).await;
    }
    show_codes(&state, &sub, &codes).await
}

/// Keeps fresh recovery codes in the session and goes to the page that shows them once.
async fn show_codes(state: &AppState, sub: &Submission, codes: &[String]) -> Response {
    if let Err(err) = sessions::store_fresh_codes(&sub.session, codes).await {
        return session_failure(state, sub, err).await;
    }
    see_other(paths::recovery_codes(sub.lang))
}

/// `POST /{lang}/account/delete`: deletes the account after the password is confirmed.
pub async fn delete_account(
    State(state): State<AppState>,
    SignedSubmission(sub, signed): SignedSubmission,
) -> Response {
    if let Err(res) = sub.check_account_rate(&state, signed.user.id).await {
        return res;
    }
    match accounts::delete_account(&state, &signed.user, sub.field(field::PASSWORD)).await {
        Ok(()) => {
            if let Err(err) = sessions::sign_out(&sub.session).await {
                tracing::error!(error = %err, "cannot end the session");
            }
            see_other(paths::account_deleted(sub.lang))
        }
        Err(refusal) => sub.refuse(&state, refusal).await,
    }
}

/// `GET /{lang}/account/my-data`: everything held about the signed-in person, as a
/// JSON download.
pub async fn my_data(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> Response {
    let lang = Lang::from_path(uri.path()).unwrap_or_default();
    let user = match sessions::current_user(&session, &state.db, state.clock.now()).await {
        Ok(Some(user)) => user,
        Ok(None) => return see_other(paths::sign_in(lang)),
        Err(err) => {
            tracing::error!(error = %err, "session unavailable");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match accounts::my_data(&state, &user).await {
        Ok(data) => (
            [
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"shura-my-data.json\"",
                ),
                (axum::http::header::CACHE_CONTROL, "no-store"),
            ],
            axum::Json(data),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /{lang}/sign-out`
pub async fn sign_out(State(_state): State<AppState>, sub: Submission) -> Response {
    if let Err(err) = sessions::sign_out(&sub.session).await {
        tracing::error!(error = %err, "cannot end the session");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    see_other(paths::home(sub.lang))
}

/// `POST /{lang}/forgot-password`: the same answer whether or not the address has an
/// account.
pub async fn forgot_password(State(state): State<AppState>, sub: Submission) -> Response {
    if let Err(res) = sub.check_email_rate(&state, Action::ResetPassword).await {
        return res;
    }
    let result = accounts::request_password_reset(&state, sub.field(field::EMAIL)).await;
    sub.respond(&state, result, paths::forgot_password_sent(sub.lang))
        .await
}

/// `POST /{lang}/reset-password?token=…`: a new password with a mailed link, once.
pub async fn reset_password(State(state): State<AppState>, sub: Submission) -> Response {
    let token = form_urlencoded::parse(sub.parts.uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let result =
        accounts::reset_password(&state, &token, sub.field(field::PASSWORD), sub.ip()).await;
    sub.respond(&state, result, paths::sign_in_after_reset(sub.lang))
        .await
}

/// `POST /{lang}/account/sign-out-everywhere`
pub async fn sign_out_everywhere(State(state): State<AppState>, sub: Submission) -> Response {
    if let Err(err) =
        sessions::sign_out_everywhere(&sub.session, &state.db, state.clock.now()).await
    {
        tracing::error!(error = %err, "cannot end the sessions");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    see_other(paths::home(sub.lang))
}
