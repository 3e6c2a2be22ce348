//! Signed, expiring links to a recording's file, for a `<video>` element or a download
//! manager that cannot send an `Authorization` header, and to a room's HLS playlist and
//! segments, for players and CDNs that cannot either.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// What a link opens. Each signs a different text, so a link to one never opens the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// One recording's file (the id is the recording's).
    RecordingFile,
    /// A room's live HLS playlist and segments (the id is the room's, not a file's: one
    /// signature serves the playlist and every segment it lists).
    Hls,
}

impl LinkPurpose {
    fn label(self) -> &'static str {
        match self {
            LinkPurpose::RecordingFile => "recording-file",
            LinkPurpose::Hls => "hls-room",
        }
    }
}

/// Signs and checks links with a key made at start (links die with the process, which is
/// fine for links that live minutes).
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
    lifetime_secs: i64,
}

impl LinkSigner {
    /// A signer whose links work for `lifetime_secs`.
    pub fn new(lifetime_secs: u64) -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self {
            key,
            lifetime_secs: i64::try_from(lifetime_secs).unwrap_or(300),
        }
    }

    fn mac(&self, purpose: LinkPurpose, id: &str, expires: i64) -> Hmac<Sha256> {
        // unwrap: HMAC takes keys of any length.
        #[allow(clippy::unwrap_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).unwrap();
        mac.update(format!("{}\n{id}\n{expires}", purpose.label()).as_bytes());
        mac
    }

    /// `(expires, signature)` for recording `id`, valid for the signer's lifetime from now.
    pub fn sign(&self, id: &str, now_secs: i64) -> (i64, String) {
        self.sign_for(LinkPurpose::RecordingFile, id, now_secs)
    }

    /// True if `sig` is this server's signature of recording `id` until `expires`, and not
    /// expired.
    pub fn verify(&self, id: &str, expires: i64, sig: &str, now_secs: i64) -> bool {
        self.verify_for(LinkPurpose::RecordingFile, id, expires, sig, now_secs)
    }

    /// `(expires, signature)` for `id` as `purpose`, valid for the signer's lifetime from now.
    pub fn sign_for(&self, purpose: LinkPurpose, id: &str, now_secs: i64) -> (i64, String) {
        let expires = now_secs + self.lifetime_secs;
        let sig = self.mac(purpose, id, expires).finalize().into_bytes();
        (expires, sig.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// True if `sig` is this server's signature of `id` as `purpose` until `expires`, and
    /// not expired.
    pub fn verify_for(
        &self,
        purpose: LinkPurpose,
        id: &str,
        expires: i64,
        sig: &str,
        now_secs: i64,
    ) -> bool {
        if expires < now_secs || sig.len() != 64 {
            return false;
        }
        let Some(bytes) = (0..32)
            .map(|i| u8::from_str_radix(sig.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        // Constant-time comparison.
        self.mac(purpose, id, expires).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_until_they_expire_and_not_when_tampered() {
        let s = LinkSigner::new(300);
        let (exp, sig) = s.sign("rec-1", 1000);
        assert!(s.verify("rec-1", exp, &sig, 1000));
        assert!(s.verify("rec-1", exp, &sig, exp));
        assert!(!s.verify("rec-1", exp, &sig, exp + 1), "expired");
        assert!(!s.verify("rec-2", exp, &sig, 1000), "another recording");
        assert!(!s.verify("rec-1", exp + 60, &sig, 1000), "extended expiry");
        let mut bad = sig.clone();
        bad.replace_range(0..1, if &sig[0..1] == "0" { "1" } else { "0" });
        assert!(!s.verify("rec-1", exp, &bad, 1000), "tampered signature");
        assert!(
            !LinkSigner::new(300).verify("rec-1", exp, &sig, 1000),
            "another server"
        );
    }

    #[test]
    fn a_recording_link_does_not_open_hls_and_back() {
        let s = LinkSigner::new(300);
        let (exp, sig) = s.sign("room-1", 1000);
        assert!(!s.verify_for(LinkPurpose::Hls, "room-1", exp, &sig, 1000));
        let (exp, sig) = s.sign_for(LinkPurpose::Hls, "room-1", 1000);
        assert!(s.verify_for(LinkPurpose::Hls, "room-1", exp, &sig, 1000));
        assert!(!s.verify("room-1", exp, &sig, 1000));
        assert!(!s.verify_for(LinkPurpose::Hls, "room-2", exp, &sig, 1000));
    }
}
