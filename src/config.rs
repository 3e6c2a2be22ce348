//! Settings: built-in defaults, then an optional TOML file (`--config`), then command-line flags
//! and `CONNECT_RIGHT_*` environment variables, each overriding the one before.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything the server needs to run; see `connect-right serve --help` for the flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub http: HttpSettings,
    pub database_url: String,
    pub recordings_dir: PathBuf,
    pub media: MediaSettings,
    pub auth: AuthSettings,
}

/// Accounts, sessions and abuse limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Lifetime of a session token, seconds (default 12 h).
    pub session_ttl_secs: u64,
    /// argon2id cost. The defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane); lower
    /// values are accepted only so that test servers can register many users quickly.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Failed logins allowed per client address within `login_window_secs`.
    pub login_failures_per_address: u32,
    /// Failed logins allowed per account from one address within the window; counted per
    /// pair so that nobody can lock an account out from elsewhere.
    pub login_failures_per_account: u32,
    pub login_window_secs: u64,
    /// Browser origins, besides the server's own, allowed to open the signalling socket
    /// (e.g. `http://localhost:5173` for the web dev server).
    pub allowed_origins: Vec<String>,
    /// Socket messages per second a client may send on average, and the burst above that.
    pub socket_messages_per_sec: u32,
    pub socket_message_burst: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_ttl_secs: 12 * 3600,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            login_failures_per_address: 20,
            login_failures_per_account: 5,
            login_window_secs: 15 * 60,
            allowed_origins: Vec::new(),
            socket_messages_per_sec: 20,
            socket_message_burst: 100,
        }
    }
}

/// The HTTP listener and what it serves.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    pub bind: SocketAddr,
    /// Built web app (`web/dist`), served at `/` with a fallback to `index.html`.
    pub web_dir: PathBuf,
    /// PEM certificate chain and private key; both or neither.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// How long a signed link to a recording's file works, seconds (minutes, not hours).
    pub signed_link_secs: u64,
}

/// Media settings of every room pipeline.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    pub width: i32,
    pub height: i32,
    pub framerate: i32,
    /// H.264 target bit rate of the composite, kbit/s.
    pub video_bitrate_kbps: u32,
    /// Address written into our ICE candidates when the server sits behind a 1:1 NAT.
    pub announced_ip: Option<IpAddr>,
    /// UDP ports media may use, inclusive; `None` lets the system choose.
    pub udp_port_min: Option<u16>,
    pub udp_port_max: Option<u16>,
    /// STUN/TURN URLs handed to clients in `joined.iceServers`.
    pub ice_servers: Vec<String>,
    /// Seconds a room's pipeline lingers after its last participant leaves.
    pub empty_room_grace_secs: u64,
    /// Seconds without any packet from a participant before it is removed.
    pub liveness_timeout_secs: u64,
    /// Receiver-side jitter buffer of each participant's webrtcbin, ms.
    pub jitter_latency_ms: u32,
    /// Most participants in one room (default 25, the grid's 5×5; at most 50, the layout then
    /// shows the recent speakers and counts the others).
    pub max_participants: usize,
    /// Most receive-only viewers (socket and WHEP) in one room.
    pub max_viewers: usize,
    /// Folder under which each room broadcasting HLS gets a folder of its own (removed when
    /// HLS stops).
    pub hls_dir: PathBuf,
    /// Folder of the operator's own layouts (one TOML file each, beside the built-in ones).
    pub layouts_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            database_url: "sqlite://data/connect-right.sqlite".into(),
            recordings_dir: PathBuf::from("recordings"),
            media: MediaSettings::default(),
            auth: AuthSettings::default(),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            web_dir: PathBuf::from("web/dist"),
            tls_cert: None,
            tls_key: None,
            signed_link_secs: 300,
        }
    }
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            width: 1280,
            height: 720,
            framerate: 30,
            video_bitrate_kbps: 2000,
            announced_ip: None,
            udp_port_min: None,
            udp_port_max: None,
            ice_servers: Vec::new(),
            empty_room_grace_secs: 3,
            liveness_timeout_secs: 10,
            jitter_latency_ms: 100,
            max_participants: crate::domain::layout::MAX_TILES,
            max_viewers: 100,
            hls_dir: PathBuf::from("hls"),
            layouts_dir: None,
        }
    }
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("invalid setting: {0}")]
    Invalid(String),
}

impl Settings {
    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// Rejects combinations the media pipeline or TLS setup cannot work with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let m = &self.media;
        if !(160..=3840).contains(&m.width) || !(90..=2160).contains(&m.height) {
            return Err(ConfigError::Invalid(format!(
                "canvas {}x{} outside 160x90..3840x2160",
                m.width, m.height
            )));
        }
        if m.width % 2 != 0 || m.height % 2 != 0 {
            return Err(ConfigError::Invalid("canvas sizes must be even".into()));
        }
        if !(1..=60).contains(&m.framerate) {
            return Err(ConfigError::Invalid("framerate must be 1..=60".into()));
        }
        if !(100..=20_000).contains(&m.video_bitrate_kbps) {
            return Err(ConfigError::Invalid(
                "video bitrate must be 100..=20000 kbit/s".into(),
            ));
        }
        if m.max_participants == 0 || m.max_participants > crate::domain::layout::MAX_PARTICIPANTS {
            return Err(ConfigError::Invalid(format!(
                "max_participants must be 1..={}",
                crate::domain::layout::MAX_PARTICIPANTS
            )));
        }
        match (m.udp_port_min, m.udp_port_max) {
            (Some(lo), Some(hi)) if lo > hi => {
                return Err(ConfigError::Invalid("udp port range is empty".into()));
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError::Invalid(
                    "give both ends of the udp port range".into(),
                ));
            }
            _ => {}
        }
        if !(1..=3600).contains(&self.http.signed_link_secs) {
            return Err(ConfigError::Invalid(
                "signed_link_secs must be 1..=3600".into(),
            ));
        }
        let a = &self.auth;
        if a.session_ttl_secs == 0 {
            return Err(ConfigError::Invalid(
                "session_ttl_secs must be at least 1".into(),
            ));
        }
        if a.argon2_iterations == 0
            || a.argon2_parallelism == 0
            || a.argon2_memory_kib < 8 * a.argon2_parallelism
        {
            return Err(ConfigError::Invalid(
                "argon2 needs iterations >= 1, parallelism >= 1 and memory >= 8 KiB per lane"
                    .into(),
            ));
        }
        if a.login_failures_per_address == 0
            || a.login_failures_per_account == 0
            || a.login_window_secs == 0
        {
            return Err(ConfigError::Invalid(
                "login throttling thresholds and window must be positive".into(),
            ));
        }
        if a.socket_messages_per_sec == 0 || a.socket_message_burst == 0 {
            return Err(ConfigError::Invalid(
                "socket rate limits must be positive".into(),
            ));
        }
        if self.http.tls_cert.is_some() != self.http.tls_key.is_some() {
            return Err(ConfigError::Invalid(
                "TLS needs both a certificate and a key".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Settings::default().validate().expect("defaults validate");
    }

    #[test]
    fn file_overrides_only_what_it_names() {
        let s: Settings = toml::from_str("[media]\nframerate = 25\n").expect("parses");
        assert_eq!(s.media.framerate, 25);
        assert_eq!(s.media.width, 1280);
        assert_eq!(s.http.bind.port(), 8080);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<Settings>("[media]\nframrate = 25\n").is_err());
    }

    #[test]
    fn odd_canvas_is_rejected() {
        let mut s = Settings::default();
        s.media.width = 1281;
        assert!(s.validate().is_err());
    }

    #[test]
    fn half_a_port_range_is_rejected() {
        let mut s = Settings::default();
        s.media.udp_port_min = Some(40000);
        assert!(s.validate().is_err());
    }
}
