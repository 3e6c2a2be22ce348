//! An RTMP push target as a client gave it: `rtmp[s]://host[:port]/app/streamkey`. The stream
//! key is a password to the platform, so the URL is kept as a secret and only its redacted
//! form (`rtmp://host:port/app/…`) is ever shown, logged or returned.

use secrecy::{ExposeSecret, SecretString};

/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 1024;

/// Why a push URL was refused (the messages never quote the URL).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("the URL is longer than {MAX_URL_LEN} characters")]
    TooLong,
    #[error("the URL may not contain spaces or control characters")]
    BadCharacter,
    #[error("the URL must start with rtmp:// or rtmps://")]
    Scheme,
    #[error("the URL needs a host name (and user names or passwords in it are not taken)")]
    Host,
    #[error("the URL's port must be 1 to 65535")]
    Port,
    #[error("the URL needs an application and a stream key: rtmp://host/app/streamkey")]
    Path,
}

/// A validated push target.
#[derive(Clone)]
pub struct RtmpTarget {
    url: SecretString,
    redacted: String,
    key: SecretString,
}

impl std::fmt::Debug for RtmpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl RtmpTarget {
    pub fn parse(url: &str) -> Result<Self, TargetError> {
        if url.len() > MAX_URL_LEN {
            return Err(TargetError::TooLong);
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TargetError::BadCharacter);
        }
        let (scheme, rest) = url.split_once("://").ok_or(TargetError::Scheme)?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "rtmp" => 1935,
            "rtmps" => 443,
            _ => return Err(TargetError::Scheme),
        };
        let (authority, path) = rest.split_once('/').ok_or(TargetError::Path)?;
        let (host, port) = split_host_port(authority)?;
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or(TargetError::Port)?,
        };
        let (app, key) = path.split_once('/').ok_or(TargetError::Path)?;
        if app.is_empty() || key.is_empty() {
            return Err(TargetError::Path);
        }
        Ok(Self {
            url: SecretString::from(url.to_owned()),
            redacted: format!("{scheme}://{host}:{port}/{app}/…"),
            key: SecretString::from(key.to_owned()),
        })
    }

    /// `rtmp://host:port/app/…`: safe to log and to show.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The whole URL, for `rtmp2sink` only.
    pub fn expose_url(&self) -> &str {
        self.url.expose_secret()
    }

    /// `text` with the URL and the stream key cut out (GStreamer's messages might quote
    /// them).
    pub fn scrub(&self, text: &str) -> String {
        text.replace(self.url.expose_secret(), &self.redacted)
            .replace(self.key.expose_secret(), "…")
    }
}

/// `host[:port]` or `[v6]:port`; no user information.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), TargetError> {
    if authority.contains('@') {
        return Err(TargetError::Host);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6.split_once(']').ok_or(TargetError::Host)?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(TargetError::Port)?),
        };
        (&authority[..inside.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:_".contains(c));
    if !valid {
        return Err(TargetError::Host);
    }
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_redacted_and_the_port_filled_in() {
        let t = RtmpTarget::parse("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-1234").expect("ok");
        assert_eq!(t.redacted(), "rtmp://a.rtmp.youtube.com:1935/live2/…");
        assert_eq!(format!("{t:?}"), "rtmp://a.rtmp.youtube.com:1935/live2/…");
        let t = RtmpTarget::parse("rtmps://live.example:8443/app/inst/key").expect("ok");
        assert_eq!(t.redacted(), "rtmps://live.example:8443/app/…");
        assert_eq!(
            t.scrub("cannot publish inst/key to rtmps://live.example:8443/app/inst/key"),
            "cannot publish … to rtmps://live.example:8443/app/…"
        );
        let t = RtmpTarget::parse("rtmp://[::1]:1935/live/k").expect("ok");
        assert_eq!(t.redacted(), "rtmp://[::1]:1935/live/…");
    }

    #[test]
    fn bad_urls_are_refused() {
        let long = format!("rtmp://h/app/{}", "k".repeat(MAX_URL_LEN));
        let cases = [
            ("http://host/app/key", TargetError::Scheme),
            ("host/app/key", TargetError::Scheme),
            ("rtmp:///app/key", TargetError::Host),
            ("rtmp://user:pw@host/app/key", TargetError::Host),
            ("rtmp://ho st/app/key", TargetError::BadCharacter),
            ("rtmp://host:0/app/key", TargetError::Port),
            ("rtmp://host:99999/app/key", TargetError::Port),
            ("rtmp://host/app", TargetError::Path),
            ("rtmp://host/app/", TargetError::Path),
            ("rtmp://host//key", TargetError::Path),
            ("rtmp://host", TargetError::Path),
            (long.as_str(), TargetError::TooLong),
        ];
        for (url, want) in cases {
            assert_eq!(RtmpTarget::parse(url).err(), Some(want), "{url}");
        }
    }
}
