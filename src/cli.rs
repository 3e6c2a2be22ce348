//! The command line: `connect-right serve` and its options.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{ConfigError, Settings};

/// Connect-Right: a video conferencing server that mixes each room into one stream.
#[derive(Debug, Parser)]
#[command(
    version,
    about,
    long_about = None,
    after_help = "Logging: RUST_LOG filters what is printed to standard error (default \"info\"). \
GStreamer's errors (as warn) and warnings (as debug) are logged too, under the target \
\"gstreamer\"; set GST_DEBUG (e.g. \"webrtcbin:5\") and RUST_LOG=\"info,gstreamer=debug\" to \
see more of them."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: HTTP API, web app, WebSocket signalling and the media rooms.
    Serve(ServeArgs),
    /// Manage accounts from the server's machine.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `connect-right admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account. The password is read from CONNECT_RIGHT_ADMIN_PASSWORD if
    /// set, otherwise from the first line of standard input; never from the command line.
    Create(AdminCreateArgs),
}

#[derive(Debug, Args)]
pub struct AdminCreateArgs {
    /// The new admin's username (3–32 letters, digits, '.', '_' or '-')
    #[arg(long)]
    pub username: String,
    /// Database URL, as for `serve` [default: sqlite://data/connect-right.sqlite]
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// TOML config file, as for `serve` (its [auth] argon2 settings apply)
    #[arg(long, env = "CONNECT_RIGHT_CONFIG")]
    pub config: Option<PathBuf>,
}

impl AdminCreateArgs {
    /// Defaults, then the config file, then the database flag.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let mut s = match &self.config {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        if let Some(v) = &self.database_url {
            s.database_url = v.clone();
        }
        s.validate()?;
        Ok(s)
    }
}

/// Options of `serve`. Each flag also reads the environment variable shown; anything not given
/// here comes from `--config FILE` (TOML, same names as in docs/configuration.md) or its default.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port for HTTP and WebSocket [default: 127.0.0.1:8080]
    #[arg(long, env = "CONNECT_RIGHT_BIND")]
    pub bind: Option<SocketAddr>,
    /// Database URL: sqlite://FILE or postgres://… [default: sqlite://data/connect-right.sqlite]
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder for room recordings [default: recordings/]
    #[arg(long, env = "CONNECT_RIGHT_RECORDINGS_DIR")]
    pub recordings_dir: Option<PathBuf>,
    /// Folder for live HLS segments, one folder per broadcasting room [default: hls/]
    #[arg(long, env = "CONNECT_RIGHT_HLS_DIR")]
    pub hls_dir: Option<PathBuf>,
    /// Folder of extra layouts, one TOML file each (see docs/layouts.md) [default: none]
    #[arg(long, env = "CONNECT_RIGHT_LAYOUTS_DIR")]
    pub layouts_dir: Option<PathBuf>,
    /// TOML file with further settings ([http], [media], [auth] sections)
    #[arg(long, env = "CONNECT_RIGHT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Built web app to serve at / [default: web/dist]
    #[arg(long, env = "CONNECT_RIGHT_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// PEM certificate chain: serve HTTPS (browsers allow cameras only on https:// or localhost)
    #[arg(long, env = "CONNECT_RIGHT_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert
    #[arg(long, env = "CONNECT_RIGHT_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Public address to put in ICE candidates when behind a 1:1 NAT (e.g. a cloud VM)
    #[arg(long, env = "CONNECT_RIGHT_ANNOUNCED_IP")]
    pub announced_ip: Option<IpAddr>,
    /// UDP port range for media, MIN-MAX (e.g. 40000-40999), for firewalls
    #[arg(long, env = "CONNECT_RIGHT_UDP_PORTS", value_parser = parse_port_range)]
    pub udp_ports: Option<(u16, u16)>,
}

fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
    let (lo, hi) = s
        .split_once('-')
        .ok_or_else(|| "expected MIN-MAX, e.g. 40000-40999".to_string())?;
    let lo: u16 = lo.trim().parse().map_err(|e| format!("bad MIN: {e}"))?;
    let hi: u16 = hi.trim().parse().map_err(|e| format!("bad MAX: {e}"))?;
    if lo == 0 || lo > hi {
        return Err("MIN must be at least 1 and not above MAX".into());
    }
    Ok((lo, hi))
}

impl ServeArgs {
    /// Defaults, then the config file, then these flags and variables.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let mut s = match &self.config {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        if let Some(v) = self.bind {
            s.http.bind = v;
        }
        if let Some(v) = &self.database_url {
            s.database_url = v.clone();
        }
        if let Some(v) = &self.recordings_dir {
            s.recordings_dir = v.clone();
        }
        if let Some(v) = &self.hls_dir {
            s.media.hls_dir = v.clone();
        }
        if let Some(v) = &self.layouts_dir {
            s.media.layouts_dir = Some(v.clone());
        }
        if let Some(v) = &self.web_dir {
            s.http.web_dir = v.clone();
        }
        if self.tls_cert.is_some() {
            s.http.tls_cert = self.tls_cert.clone();
            s.http.tls_key = self.tls_key.clone();
        }
        if let Some(v) = self.announced_ip {
            s.media.announced_ip = Some(v);
        }
        if let Some((lo, hi)) = self.udp_ports {
            s.media.udp_port_min = Some(lo);
            s.media.udp_port_max = Some(hi);
        }
        s.validate()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_parses_and_rejects_reversed() {
        assert_eq!(parse_port_range("40000-40010"), Ok((40000, 40010)));
        assert!(parse_port_range("5-4").is_err());
        assert!(parse_port_range("5").is_err());
    }

    #[test]
    fn flags_override_defaults() {
        let cli = Cli::try_parse_from(["connect-right", "serve", "--bind", "127.0.0.1:9000"])
            .expect("parses");
        let Command::Serve(args) = cli.command else {
            panic!("serve parses as serve")
        };
        let s = args.settings().expect("valid");
        assert_eq!(s.http.bind.port(), 9000);
    }
}
