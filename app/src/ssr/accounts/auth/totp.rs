//! Two-factor authentication: TOTP codes (RFC 6238, via `totp-rs`) and single-use
//! recovery codes.

use chrono::{DateTime, Utc};
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::ssr::accounts::auth::token::{constant_time_eq, hash_token};

/// Seconds per code.
const STEP: u64 = 30;
/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;

/// A fresh secret, base32-encoded (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    // The account name may not contain ':' in an otpauth URL.
    let account = account.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some("Shura".to_owned()),
        account,
    )
    .ok()
}

/// The `otpauth://` link an authenticator app reads (from a QR code or by hand).
pub fn provisioning_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The QR code of `url` as an SVG document.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// If `code` is right at `now` (allowing one step either side for clock drift), the
/// time step it belongs to, so that the caller can refuse it a second time.
pub fn check(secret_b32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret_b32, "")?;
    let now = u64::try_from(now.timestamp()).ok()?;
    let current = now / STEP;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|&step| constant_time_eq(totp.generate(step * STEP).as_bytes(), code.as_bytes()))
        .and_then(|step| i64::try_from(step).ok())
}

/// The code for `at`; for tests and the command line.
pub fn code_at(secret_b32: &str, at: DateTime<Utc>) -> Option<String> {
    let t = u64::try_from(at.timestamp()).ok()?;
    totp(secret_b32, "").map(|totp| totp.generate(t))
}

/// Crockford's base32 in lower case: no i, l, o or u, so nothing reads as another
/// symbol when copied from paper. 32 symbols: each is 5 bits of a random byte, with
/// no modulo bias.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Symbols per code: 24 × 5 = 120 bits, enough that a fast hash of it cannot be
/// reversed from a copy of the database (ASVS asks at least 112).
const RECOVERY_SYMBOLS: usize = 24;
// log2(32) = 5 bits a symbol.
const _: () = assert!(RECOVERY_SYMBOLS * 5 >= 112);

/// New recovery codes, as (code shown to the person, hash stored).
pub fn new_recovery_codes() -> Vec<(String, String)> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_SYMBOLS];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let symbols: Vec<char> = bytes
                .iter()
                .map(|b| char::from(RECOVERY_ALPHABET[usize::from(b & 31)]))
                .collect();
            let code = symbols
                .chunks(6)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-");
            let hash = hash_recovery_code(&code);
            (code, hash)
        })
        .collect()
}

/// The stored form of a recovery code, forgiving case, spaces, missing dashes and
/// the letters Crockford reads as digits (o as 0, i and l as 1).
pub fn hash_recovery_code(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect();
    hash_token(&normal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().expect("valid time")
    }

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", last 6 digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&secret, at(59)).as_deref(), Some("287082"));
        assert_eq!(
            code_at(&secret, at(1_111_111_109)).as_deref(),
            Some("081804")
        );
        assert_eq!(check(&secret, "287082", at(59)), Some(1));
    }

    #[test]
    fn codes_are_accepted_one_step_either_side_only() {
        let secret = new_secret();
        let now = at(1_800_000_000);
        let code = code_at(&secret, now).expect("code");
        assert!(check(&secret, &code, now).is_some());
        assert!(check(&secret, &code, now + chrono::Duration::seconds(30)).is_some());
        assert!(check(&secret, &code, now + chrono::Duration::seconds(90)).is_none());
        assert!(check(&secret, "12345", now).is_none());
        assert!(check(&secret, "abcdef", now).is_none());
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(check(&secret, &spaced, now).is_some());
    }

    #[test]
    fn recovery_codes_are_distinct_and_forgiving() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().map(|(c, _)| c).collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let (code, hash) = &codes[0];
        assert_eq!(
            &hash_recovery_code(&code.to_uppercase().replace('-', " ")),
            hash
        );
        let misread = code.replace('0', "O").replace('1', "l");
        assert_eq!(&hash_recovery_code(&misread), hash);
    }

    #[test]
    fn recovery_codes_carry_at_least_112_bits_without_bias() {
        let codes = new_recovery_codes();
        for (code, _) in &codes {
            let symbols: Vec<char> = code.chars().filter(|c| *c != '-').collect();
            assert_eq!(symbols.len(), RECOVERY_SYMBOLS, "{code}");
            assert!(
                symbols
                    .iter()
                    .all(|c| RECOVERY_ALPHABET.contains(&(*c as u8))),
                "{code}"
            );
        }
        // Every symbol about equally often: 1000 codes give 24 000 symbols, 750 of
        // each expected (σ ≈ 27); a modulo-biased pick is off by about a tenth.
        let mut seen = [0u32; 32];
        for _ in 0..100 {
            for (code, _) in new_recovery_codes() {
                for c in code.chars().filter(|c| *c != '-') {
                    let i = RECOVERY_ALPHABET
                        .iter()
                        .position(|a| *a == c as u8)
                        .expect("in alphabet");
                    seen[i] += 1;
                }
            }
        }
        assert!(seen.iter().all(|n| (620..=880).contains(n)), "{seen:?}");
    }

    #[test]
    fn the_provisioning_link_names_shura() {
        let secret = new_secret();
        let url = provisioning_url(&secret, "staff@agency.gov.sa").expect("url");
        assert!(url.starts_with("otpauth://totp/Shura:"), "{url}");
        assert!(url.contains(&secret), "{url}");
        assert!(qr_svg(&url).expect("svg").starts_with("<?xml"));
    }
}
