//! The token every form carries against requests forged by other sites (CSRF).
//! Someone signed in, or half-way through signing in, has a session, and the token is
//! the session's. A visitor has no session and gets none for reading pages: their
//! token is signed with the site's key and kept in a cookie, and a form must send the
//! same value back (a signed double submit). So reading pages writes no session row.

use tower_sessions::Session;

use super::auth::seeds::SeedKey;
use super::auth::token::constant_time_eq;
use super::sessions::{self, SessionError};

/// The visitor's token cookie over plain HTTP (development, tests).
pub const COOKIE: &str = "shura_form";
/// Over HTTPS: `__Host-` keeps a sibling subdomain from setting it.
pub const SECURE_COOKIE: &str = "__Host-shura_form";

pub fn cookie_name(https: bool) -> &'static str {
    if https {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// The value of the token cookie in a `Cookie` header.
fn from_cookies(cookie_header: Option<&str>, https: bool) -> Option<&str> {
    let name = cookie_name(https);
    cookie_header?.split(';').find_map(|pair| {
        let (n, v) = pair.trim().split_once('=')?;
        (n == name).then_some(v)
    })
}

/// The token for this request's forms, and the `Set-Cookie` value to send with the
/// answer when the visitor needs a new one.
pub async fn issue(
    session: &Session,
    key: &SeedKey,
    cookie_header: Option<&str>,
    https: bool,
) -> Result<(String, Option<String>), SessionError> {
    if sessions::has_person(session).await? {
        return Ok((sessions::csrf_token(session).await?, None));
    }
    if let Some(token) = from_cookies(cookie_header, https).filter(|t| key.is_form_token(t)) {
        return Ok((token.to_owned(), None));
    }
    let token = key
        .new_form_token()
        .map_err(|e| SessionError::Token(e.to_string()))?;
    // A browser-session cookie: a visitor's forms need nothing longer.
    let cookie = format!(
        "{}={token}; Path=/; SameSite=Lax; HttpOnly{}",
        cookie_name(https),
        if https { "; Secure" } else { "" }
    );
    Ok((token, Some(cookie)))
}

/// Whether `submitted` is this request's form token.
pub async fn check(
    session: &Session,
    key: &SeedKey,
    cookie_header: Option<&str>,
    https: bool,
    submitted: Option<&str>,
) -> Result<bool, SessionError> {
    // The session's token, when it has one: also a page rendered just before the
    // session ended (signed out elsewhere) gets its form through, to be told why.
    if sessions::csrf_matches(session, submitted).await? {
        return Ok(true);
    }
    if sessions::has_person(session).await? {
        return Ok(false);
    }
    Ok(match (from_cookies(cookie_header, https), submitted) {
        (Some(cookie), Some(submitted)) => {
            constant_time_eq(cookie.as_bytes(), submitted.as_bytes())
                && key.is_form_token(submitted)
        }
        _ => false,
    })
}
