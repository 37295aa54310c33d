//! Second-factor seeds are sealed (AES-256-GCM) with a key kept outside the database,
//! so that a copy of the database — a replica, a backup, a SQL console — does not give
//! anyone the codes of a staff account. The same key, through HKDF, signs the form
//! tokens of visitors who have no session (see `accounts::form_token`). The key is `SHURA_SEED_KEY` (64 hexadecimal
//! digits) or the file `seed.key` in the data directory, made on first start. A sealed
//! seed is bound to its account: moved to another row, it does not open.

use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};

use crate::domain::UserId;

/// The prefix of a sealed seed; a stored value without it is an old seed in clear.
const SEALED: &str = "v1:";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "seed.key";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(
        "second-factor seeds are sealed in the database but the seed key is missing: \
         restore {0} from your backup, or set SHURA_SEED_KEY"
    )]
    KeyMissing(PathBuf),
    #[error("the seed key must be 64 hexadecimal digits (32 bytes)")]
    KeyMalformed,
    #[error("the seed key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a sealed seed does not open with this key (wrong key, or the value was changed)")]
    Unsealable,
    #[error("the system random source failed")]
    Random,
}

/// The key that seals and opens seeds, and the form-token key derived from it.
pub struct SeedKey {
    seal: LessSafeKey,
    forms: hmac::Key,
}

impl std::fmt::Debug for SeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeedKey(..)")
    }
}

impl SeedKey {
    fn from_bytes(bytes: &[u8]) -> Result<SeedKey, SeedError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| SeedError::KeyMalformed)?;
        // A key of its own for each use: signing forms never touches the sealing key.
        let forms: hmac::Key = hkdf::Salt::new(hkdf::HKDF_SHA256, b"shura")
            .extract(bytes)
            .expand(&[b"form tokens v1"], hmac::HMAC_SHA256)
            .map_err(|_| SeedError::KeyMalformed)?
            .into();
        Ok(SeedKey {
            seal: LessSafeKey::new(key),
            forms,
        })
    }

    /// A new form token: a random nonce and its signature, as `nonce.signature`.
    pub fn new_form_token(&self) -> Result<String, SeedError> {
        let mut nonce = [0u8; 16];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SeedError::Random)?;
        let nonce = hex::encode(nonce);
        let tag = hmac::sign(&self.forms, nonce.as_bytes());
        Ok(format!("{nonce}.{}", hex::encode(tag.as_ref())))
    }

    /// Whether `token` is one this key signed.
    pub fn is_form_token(&self, token: &str) -> bool {
        let Some((nonce, tag)) = token.split_once('.') else {
            return false;
        };
        let Ok(tag) = hex::decode(tag) else {
            return false;
        };
        nonce.len() == 32 && hmac::verify(&self.forms, nonce.as_bytes(), &tag).is_ok()
    }

    /// Reads a key written as 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<SeedKey, SeedError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SeedError::KeyMalformed)?;
        if bytes.len() != 32 {
            return Err(SeedError::KeyMalformed);
        }
        SeedKey::from_bytes(&bytes)
    }

    /// A new random key, as 64 hexadecimal digits.
    pub fn generate_hex() -> Result<String, SeedError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| SeedError::Random)?;
        Ok(hex::encode(bytes))
    }

    /// The key from `env` (the value of `SHURA_SEED_KEY`) or from `seed.key` in
    /// `data_dir`. The file is made (readable by its owner only) when there is none and
    /// `sealed_exist` is false; with sealed seeds and no key, starting would lock every
    /// staff member out, so it fails and says what to restore.
    pub fn load(
        env: Option<&str>,
        data_dir: &Path,
        sealed_exist: bool,
    ) -> Result<SeedKey, SeedError> {
        if let Some(text) = env.filter(|t| !t.trim().is_empty()) {
            return SeedKey::from_hex(text);
        }
        let path = data_dir.join(KEY_FILE);
        let file_error = |source| SeedError::KeyFile {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => SeedKey::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if sealed_exist {
                    return Err(SeedError::KeyMissing(path));
                }
                let text = SeedKey::generate_hex()?;
                write_private(&path, &text).map_err(file_error)?;
                tracing::info!(path = %path.display(), "made a new seed key: back it up apart from the database");
                SeedKey::from_hex(&text)
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// `seed` sealed for `user`'s row.
    pub fn seal(&self, user: UserId, seed: &str) -> Result<String, SeedError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SeedError::Random)?;
        let mut data = seed.as_bytes().to_vec();
        self.seal
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(user.0.to_be_bytes()),
                &mut data,
            )
            .map_err(|_| SeedError::Unsealable)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("{SEALED}{}", hex::encode(out)))
    }

    /// The seed `stored` for `user`. A value from before seeds were sealed is returned
    /// as it is (start-up seals those; see `is_sealed`).
    pub fn open(&self, user: UserId, stored: &str) -> Result<String, SeedError> {
        let Some(sealed) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_owned());
        };
        let bytes = hex::decode(sealed).map_err(|_| SeedError::Unsealable)?;
        if bytes.len() < NONCE_LEN {
            return Err(SeedError::Unsealable);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SeedError::Unsealable)?;
        let mut data = rest.to_vec();
        let plain = self
            .seal
            .open_in_place(nonce, Aad::from(user.0.to_be_bytes()), &mut data)
            .map_err(|_| SeedError::Unsealable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SeedError::Unsealable)
    }
}

/// Whether a stored seed is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SeedKey {
        SeedKey::from_hex(&SeedKey::generate_hex().expect("random")).expect("key")
    }

    #[test]
    fn a_sealed_seed_opens_only_with_its_key_and_for_its_account() {
        let k = key();
        let sealed = k.seal(UserId(7), "JBSWY3DPEHPK3PXP").expect("seal");
        assert!(
            is_sealed(&sealed) && !sealed.contains("JBSWY3DPEHPK3PXP"),
            "{sealed}"
        );
        assert_eq!(
            k.open(UserId(7), &sealed).expect("open"),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(
            matches!(k.open(UserId(8), &sealed), Err(SeedError::Unsealable)),
            "another row"
        );
        assert!(
            matches!(key().open(UserId(7), &sealed), Err(SeedError::Unsealable)),
            "another key"
        );
        // One hexadecimal digit of the ciphertext changed: the tag no longer matches.
        let mut changed: Vec<char> = sealed.chars().collect();
        changed[10] = if changed[10] == 'a' { 'b' } else { 'a' };
        let changed: String = changed.into_iter().collect();
        assert!(matches!(
            k.open(UserId(7), &changed),
            Err(SeedError::Unsealable)
        ));
        // Two seals of one seed differ (a fresh nonce each time).
        assert_ne!(k.seal(UserId(7), "JBSWY3DPEHPK3PXP").expect("seal"), sealed);
        // A seed from before sealing reads as it is.
        assert_eq!(
            k.open(UserId(7), "JBSWY3DPEHPK3PXP").expect("clear"),
            "JBSWY3DPEHPK3PXP"
        );
    }

    #[test]
    fn form_tokens_are_signed_by_the_key() {
        let k = key();
        let t = k.new_form_token().expect("token");
        assert!(k.is_form_token(&t));
        assert!(!key().is_form_token(&t), "another key");
        assert!(!k.is_form_token(&t.replace('.', "")));
        let (nonce, _) = t.split_once('.').expect("dot");
        assert!(
            !k.is_form_token(&format!("{nonce}.{}", "0".repeat(64))),
            "a made-up signature"
        );
        assert_ne!(k.new_form_token().expect("token"), t);
    }

    #[test]
    fn the_key_file_is_made_once_and_its_loss_is_refused_when_seeds_are_sealed() {
        let dir = std::env::temp_dir().join(format!("shura-seed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let first = SeedKey::load(None, &dir, false).expect("made");
        let sealed = first.seal(UserId(1), "SEED").expect("seal");
        let again = SeedKey::load(None, &dir, true).expect("read back");
        assert_eq!(again.open(UserId(1), &sealed).expect("open"), "SEED");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_file(dir.join(KEY_FILE)).expect("lose it");
        let err = SeedKey::load(None, &dir, true).expect_err("refused");
        assert!(err.to_string().contains("seed.key"), "{err}");
        assert!(matches!(
            SeedKey::load(Some("abc"), &dir, true),
            Err(SeedError::KeyMalformed)
        ));
        let env = SeedKey::generate_hex().expect("random");
        assert!(
            SeedKey::load(Some(&env), &dir, true).is_ok(),
            "the environment wins"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
