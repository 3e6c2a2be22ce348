//! Opaque bearer tokens: 256 random bits, shown to the client once, stored only as SHA-256.

use base64::Engine as _;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// What a token grants, told apart by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A signed-in account (`crs_…`).
    Session,
    /// A guest's invite to one room (`cri_…`).
    Invite,
    /// A room's stream key, for publishing over WHIP only (`crk_…`).
    StreamKey,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "crs_",
            TokenKind::Invite => "cri_",
            TokenKind::StreamKey => "crk_",
        }
    }

    /// The kind a presented token claims to be, if any.
    pub fn of(token: &str) -> Option<Self> {
        [TokenKind::Session, TokenKind::Invite, TokenKind::StreamKey]
            .into_iter()
            .find(|k| token.starts_with(k.prefix()))
    }
}

/// A fresh token of `kind` and the hash to store for it.
pub fn generate(kind: TokenKind) -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!(
        "{}{}",
        kind.prefix(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token: lowercase hex SHA-256.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, ha) = generate(TokenKind::Session);
        let (b, _) = generate(TokenKind::Session);
        assert_ne!(a, b);
        assert!(a.starts_with("crs_") && a.len() == 4 + 43, "{a}");
        assert_eq!(ha, hash(&a));
        assert_eq!(ha.len(), 64);
        assert!(!ha.contains(&a[4..]));
        assert_eq!(TokenKind::of(&a), Some(TokenKind::Session));
        let (i, _) = generate(TokenKind::Invite);
        assert_eq!(TokenKind::of(&i), Some(TokenKind::Invite));
        let (k, _) = generate(TokenKind::StreamKey);
        assert!(k.starts_with("crk_") && k.len() == 4 + 43, "{k}");
        assert_eq!(TokenKind::of(&k), Some(TokenKind::StreamKey));
        assert_eq!(TokenKind::of("bearer-xyz"), None);
    }
}
