//! A real RTMP server for broadcast tests: Debian's nginx with `libnginx-mod-rtmp`, on a
//! loopback port, from a temporary configuration; killed when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running nginx that accepts pushes to `rtmp://127.0.0.1:PORT/live/NAME`.
pub struct RtmpServer {
    child: Child,
    port: u16,
    // Held for its Drop: configuration, pid and logs.
    dir: tempfile::TempDir,
}

/// A loopback port nothing listens on (a moment ago).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a probe socket")?;
    Ok(listener.local_addr()?.port())
}

impl RtmpServer {
    /// Starts nginx on `port` and waits until it accepts connections.
    pub fn start(port: u16) -> Result<Self> {
        if !Path::new(MODULE).exists() {
            bail!("{MODULE} is missing: scripts/install-deps.sh test installs libnginx-mod-rtmp");
        }
        let dir = tempfile::tempdir().context("creating nginx's folder")?;
        let d = dir.path().display();
        let config = format!(
            "load_module {MODULE};\n\
             daemon off;\nmaster_process off;\nworker_processes 1;\n\
             pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{ live on; }} }} }}\n"
        );
        let config_path = dir.path().join("nginx.conf");
        std::fs::write(&config_path, config)?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting nginx (scripts/install-deps.sh test installs it)")?;
        let mut server = Self { child, port, dir };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = server.child.try_wait()? {
                bail!("nginx exited with {status}:\n{}", server.log());
            }
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            if Instant::now() >= deadline {
                bail!("nginx not listening on {port} after {START_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `rtmp://127.0.0.1:PORT/live/NAME`
    pub fn url(&self, name: &str) -> String {
        format!("rtmp://127.0.0.1:{}/live/{name}", self.port)
    }

    /// nginx's error log (connections and publishes at level info).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for RtmpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
