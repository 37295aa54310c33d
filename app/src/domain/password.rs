//! The password rules shown to people: long enough, not common, nothing else.
//! (No composition rules: they make passwords harder to remember, not stronger.)

use serde::{Deserialize, Serialize};

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most bytes we accept: enough for any passphrase, bounded work for the hash.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a password was refused; each has a translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// Common, breached, or easy to guess from the person's own details.
    TooGuessable,
}

/// The length rules; guessability is checked on the server (see `ssr::auth::password`).
pub fn check_length(password: &str) -> Result<(), PasswordProblem> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordProblem::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        // Ten Arabic letters are twenty bytes and exactly long enough.
        assert_eq!(check_length("كلمةسرطويل"), Ok(()));
        assert_eq!(check_length("كلمةسرطوي"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_length(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(PasswordProblem::TooLong)
        );
    }
}
