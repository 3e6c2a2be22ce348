//! The real `connect-right` release binary, run on a free loopback port with its own data folder.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The crate's folder, where `cargo bench` was built from.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/` (or `$CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() {
                manifest_dir().join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| manifest_dir().join("target"))
}

/// The server binary: the one cargo built alongside this bench (same profile), else
/// `target/release/connect-right`, built first if missing.
pub fn binary() -> Result<PathBuf> {
    if let Some(path) = option_env!("CARGO_BIN_EXE_connect-right").map(PathBuf::from)
        && path.is_file()
    {
        return Ok(path);
    }
    let path = target_dir().join("release").join("connect-right");
    if !path.is_file() {
        eprintln!("building {} (cargo build --release)…", path.display());
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--release", "--bin", "connect-right"])
            .current_dir(manifest_dir())
            .status()
            .context("running cargo build --release")?;
        if !status.success() || !path.is_file() {
            bail!("cargo build --release --bin connect-right failed ({status})");
        }
    }
    Ok(path)
}

/// A running server; stopped (SIGTERM, then SIGKILL) by `stop` or when dropped.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    log_path: PathBuf,
    binary: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Result<Self> {
        let binary = binary()?;
        let dir = tempfile::Builder::new()
            .prefix("bench-mcu-server")
            .tempdir()
            .context("creating the server's folder")?;
        let recordings = dir.path().join("recordings");
        let web = dir.path().join("web");
        std::fs::create_dir_all(&recordings)?;
        std::fs::create_dir_all(&web)?;
        let addr = free_loopback_addr()?;
        let log_path = dir.path().join("server.log");
        let log = File::create(&log_path)?;
        let log_err = log.try_clone()?;
        let mut cmd = Command::new(&binary);
        cmd.arg("serve")
            .arg("--bind")
            .arg(addr.to_string())
            .current_dir(manifest_dir())
            .env("CONNECT_RIGHT_RECORDINGS_DIR", &recordings)
            .env("CONNECT_RIGHT_WEB_DIR", &web)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/db.sqlite", dir.path().display()),
            )
            .env("NO_COLOR", "1")
            .env_remove("CONNECT_RIGHT_CONFIG")
            .env_remove("CONNECT_RIGHT_BIND")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        if std::env::var_os("RUST_LOG").is_none() {
            cmd.env("RUST_LOG", "info");
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("spawning {} serve", binary.display()))?;
        let mut server = Server {
            child,
            addr,
            log_path,
            binary,
            _dir: dir,
        };
        server.wait_healthy()?;
        Ok(server)
    }

    fn wait_healthy(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("server exited with {status}:\n{}", self.log_tail(30));
            }
            if matches!(http_status(self.addr, "/healthz"), Ok(200)) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "server not healthy after {START_TIMEOUT:?}:\n{}",
                    self.log_tail(30)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Registers an owner for `label`, creates a room and a participant invite; returns the
    /// room id and the invite token every load client of that room joins with.
    pub fn guest_ticket(&self, label: &str) -> Result<(String, String)> {
        let base = format!("http://{}", self.addr);
        let post = |path: &str, token: Option<&str>, body: serde_json::Value| {
            let mut req = ureq::post(&format!("{base}{path}"));
            if let Some(t) = token {
                req = req.set("Authorization", &format!("Bearer {t}"));
            }
            req.send_json(body)
                .with_context(|| format!("POST {path}"))?
                .into_json::<serde_json::Value>()
                .with_context(|| format!("POST {path}: reply is not JSON"))
        };
        let field = |v: &serde_json::Value, f: &str| {
            v[f].as_str()
                .map(str::to_owned)
                .with_context(|| format!("no '{f}' in {v}"))
        };
        let owner = format!("owner-{label}");
        let password = "bench-owner-passphrase";
        post(
            "/api/auth/register",
            None,
            serde_json::json!({"username": owner, "password": password}),
        )?;
        let login = post(
            "/api/auth/login",
            None,
            serde_json::json!({"username": owner, "password": password}),
        )?;
        let session = field(&login, "token")?;
        let room = post(
            "/api/rooms",
            Some(&session),
            serde_json::json!({"name": label}),
        )?;
        let room_id = field(&room, "id")?;
        let invite = post(
            &format!("/api/rooms/{room_id}/invites"),
            Some(&session),
            serde_json::json!({"role": "participant"}),
        )?;
        Ok((room_id, field(&invite, "token")?))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = self.log();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// SIGTERM, then SIGKILL after a grace period. Returns how long the exit took.
    pub fn stop(&mut self) -> Duration {
        let started = Instant::now();
        if self.is_running() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            while started.elapsed() < STOP_TIMEOUT {
                if !self.is_running() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if self.is_running() {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
        started.elapsed()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_loopback_addr() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a probe socket")?;
    Ok(listener.local_addr()?)
}

/// Status code of a plain HTTP/1.0 GET.
fn http_status(addr: SocketAddr, path: &str) -> Result<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = Vec::new();
    let mut chunk = [0u8; 64];
    while head.len() < 12 {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let code = text
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .context("no HTTP status line")?;
    Ok(code.parse()?)
}
