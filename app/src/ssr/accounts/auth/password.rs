//! Passwords: argon2id hashes (OWASP parameters) computed off the async threads, and
//! the policy check against common and breached passwords (zxcvbn).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::password::{check_length, PasswordProblem};

/// OWASP's first recommended argon2id setting: 19 MiB, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    // These constants are valid by construction; `Params::DEFAULT` is the fallback that
    // keeps this infallible without an `expect`.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Refuses passwords that are too short, too long, or guessable — from lists of common
/// and breached passwords, keyboard patterns, dates, or the person's own `user_inputs`
/// (email, name). zxcvbn's score must be at least 3 of 4.
pub fn check_policy(password: &str, user_inputs: &[&str]) -> Result<(), PasswordProblem> {
    check_length(password)?;
    let words = personal_words(user_inputs);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &words);
    if (estimate.score() as u8) < 3 {
        return Err(PasswordProblem::TooGuessable);
    }
    Ok(())
}

/// zxcvbn matches whole dictionary entries: give it an address's local part and each
/// word of a name too, so that `fatima.alharbi1990` is seen as name + name + year.
fn personal_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in user_inputs {
        let input = input.trim().to_lowercase();
        let local = input.split('@').next().unwrap_or("").to_owned();
        words.extend(
            local
                .split(|c: char| !c.is_alphanumeric())
                .chain(input.split(|c: char| !c.is_alphanumeric()))
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_owned),
        );
        words.push(local);
        words.push(input);
    }
    words.sort();
    words.dedup();
    words
}

/// Hashes a password into a PHC string (algorithm, parameters and salt included).
pub async fn hash(password: &str) -> Result<String, HashError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(HashError::Hash)
    })
    .await?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify(password: &str, stored: &str) -> Result<bool, HashError> {
    let password = password.to_owned();
    let stored = stored.to_owned();
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                hasher()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await?)
}

/// Spends the same effort as a real check when there is no account, so that response
/// time does not tell whether an email address is registered.
pub async fn verify_against_nothing(password: &str) -> Result<(), HashError> {
    hash(password).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in ["password123", "qwertyuiop", "1234567890", "iloveyou2024"] {
            assert_eq!(
                check_policy(weak, &[]),
                Err(PasswordProblem::TooGuessable),
                "{weak}"
            );
        }
        assert_eq!(
            check_policy(
                "fatima.alharbi1990",
                &["fatima.alharbi1990@example.org", "Fatima Alharbi"]
            ),
            Err(PasswordProblem::TooGuessable)
        );
        assert_eq!(check_policy("short", &[]), Err(PasswordProblem::TooShort));
    }

    #[test]
    fn long_unusual_passphrases_pass_without_composition_rules() {
        assert_eq!(check_policy("correct horse battery staple", &[]), Ok(()));
        assert_eq!(check_policy("نخلة القصيم تثمر في الشتاء", &[]), Ok(()));
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let stored = hash("نخلة القصيم تثمر في الشتاء").await.expect("hash");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("نخلة القصيم تثمر في الشتاء", &stored)
            .await
            .expect("verify"));
        assert!(!verify("نخلة القصيم تثمر في الصيف", &stored)
            .await
            .expect("verify"));
        assert!(!verify("anything", "not a hash").await.expect("verify"));
    }
}
