//! argon2id password hashing, off the async runtime and with a bounded number in flight.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::config::AuthSettings;

/// Hashes computed at once; each takes `argon2_memory_kib` of memory for its duration.
const HASHES_IN_FLIGHT: usize = 4;

/// Shortest and longest accepted passwords, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Why a password hash could not be made.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes and verifies passwords with the configured argon2id cost.
#[derive(Clone)]
pub struct Passwords {
    params: Params,
    /// A hash of a random password, verified against when the account does not exist, so
    /// that an unknown user costs as much time as a wrong password.
    dummy_hash: Arc<String>,
    permits: Arc<Semaphore>,
}

impl Passwords {
    pub fn new(settings: &AuthSettings) -> Result<Self, HashError> {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.argon2_parallelism,
            None,
        )
        .map_err(|e| HashError(e.to_string()))?;
        let random: String = {
            use rand::Rng;
            let bytes: [u8; 16] = OsRng.r#gen();
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        };
        let dummy_hash = hash_with(&params, &random)?;
        Ok(Self {
            params,
            dummy_hash: Arc::new(dummy_hash),
            permits: Arc::new(Semaphore::new(HASHES_IN_FLIGHT)),
        })
    }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) for the password.
    pub async fn hash(&self, password: SecretString) -> Result<String, HashError> {
        let params = self.params.clone();
        self.blocking(move || hash_with(&params, password.expose_secret()))
            .await?
    }

    /// True if `password` matches `stored`; with no stored hash it checks a dummy one and
    /// answers false, taking the same time.
    pub async fn verify(&self, password: SecretString, stored: Option<String>) -> bool {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matched = self
            .blocking(move || {
                PasswordHash::new(&hash).is_ok_and(|parsed| {
                    Argon2::default()
                        .verify_password(password.expose_secret().as_bytes(), &parsed)
                        .is_ok()
                })
            })
            .await
            .unwrap_or(false);
        known && matched
    }

    /// Hashes on the command line (outside any runtime).
    pub fn hash_now(&self, password: &SecretString) -> Result<String, HashError> {
        hash_with(&self.params, password.expose_secret())
    }

    async fn blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| HashError(e.to_string()))
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a new password against the length rule and the common-password list.
pub fn check_strength(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "password must be at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!(
            "password must be at most {MAX_PASSWORD_CHARS} characters"
        ));
    }
    let lower = password.to_lowercase();
    let common = COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower);
    if common {
        return Err("this password is among the most common ones; choose another".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Passwords {
        Passwords::new(&AuthSettings {
            argon2_memory_kib: 64,
            argon2_iterations: 1,
            ..AuthSettings::default()
        })
        .expect("valid params")
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let p = cheap();
        let hash = p
            .hash(SecretString::from("correct horse"))
            .await
            .expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{hash}");
        assert!(
            p.verify(SecretString::from("correct horse"), Some(hash.clone()))
                .await
        );
        assert!(
            !p.verify(SecretString::from("wrong horse"), Some(hash))
                .await
        );
        assert!(!p.verify(SecretString::from("correct horse"), None).await);
    }

    #[test]
    fn the_default_cost_is_owasps_minimum() {
        let p = Passwords::new(&AuthSettings::default()).expect("valid params");
        let hash = p
            .hash_now(&SecretString::from("a long passphrase"))
            .expect("hashes");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength(&"x".repeat(129)).is_err());
        assert!(check_strength("Password123").is_err());
        assert!(check_strength("qwertyuiop").is_err());
        assert!(check_strength("violet-kettle-harbour").is_ok());
        assert!(
            check_strength(&"é".repeat(8)).is_ok(),
            "characters, not bytes"
        );
    }
}
