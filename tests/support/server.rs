//! The real `connect-right` binary, started on a free loopback port with its own data folder.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Test servers hash passwords cheaply, through the explicit setting (never a weaker default),
/// so that tests can register many accounts quickly.
const TEST_CONFIG: &str = "[auth]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n";

const START_TIMEOUT: Duration = Duration::from_secs(60);
/// What the server's log says when its port is taken.
const PORT_TAKEN: &str = "cannot listen on";
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// A running server; it is stopped (SIGTERM, then SIGKILL) when dropped.
pub struct TestServer {
    child: Child,
    addr: SocketAddr,
    log_path: PathBuf,
    // Held for its Drop: the recordings folder and database live here.
    dir: tempfile::TempDir,
    /// How it was started, for [`TestServer::restart`].
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

/// Spawns `connect-right` with `args`, appending its output to `log_path`.
fn spawn(args: &[String], envs: &[(String, String)], log_path: &Path) -> Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)?;
    let log_err = log.try_clone()?;
    // CONNECT_RIGHT_TEST_BIN runs the tests against another build (e.g. the release binary).
    let binary = std::env::var_os("CONNECT_RIGHT_TEST_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_connect-right").into());
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    if std::env::var_os("RUST_LOG").is_none() {
        cmd.env("RUST_LOG", "info");
    }
    cmd.spawn().context("spawning connect-right serve")
}

impl TestServer {
    /// Starts `connect-right serve` and waits until `GET /healthz` answers 200.
    pub fn start() -> Result<Self> {
        Self::start_with(&[])
    }

    /// Like [`TestServer::start`], with extra `serve` arguments.
    pub fn start_with(extra_args: &[&str]) -> Result<Self> {
        Self::start_full(extra_args, None, "")
    }

    /// Starts against the given database (default: a fresh SQLite file) with extra TOML
    /// settings appended to the test configuration.
    pub fn start_full(
        extra_args: &[&str],
        database_url: Option<&str>,
        extra_config: &str,
    ) -> Result<Self> {
        Self::start_at("127.0.0.1", extra_args, database_url, extra_config)
    }

    /// Starts listening on a free port of `ip` (an address of this host other than loopback,
    /// for clients in another network namespace).
    pub fn start_on(ip: &str) -> Result<Self> {
        Self::start_at(ip, &[], None, "")
    }

    /// Starts on a port of `ip` that was free a moment ago. Tests run side by side, so another
    /// server may take the same port first: then this one cannot listen, and starts again on
    /// another port.
    fn start_at(
        ip: &str,
        extra_args: &[&str],
        database_url: Option<&str>,
        extra_config: &str,
    ) -> Result<Self> {
        let mut tries = 0;
        loop {
            tries += 1;
            let addr = free_addr(ip)?;
            match Self::start_once(addr, extra_args, database_url, extra_config) {
                Err(err) if tries < 3 && format!("{err:#}").contains(PORT_TAKEN) => continue,
                started => return started,
            }
        }
    }

    fn start_once(
        addr: SocketAddr,
        extra_args: &[&str],
        database_url: Option<&str>,
        extra_config: &str,
    ) -> Result<Self> {
        let dir = tempfile::tempdir().context("creating the server's temporary folder")?;
        let recordings = dir.path().join("recordings");
        std::fs::create_dir_all(&recordings)?;
        let log_path = dir.path().join("server.log");
        let config_path = dir.path().join("test.toml");
        // Extra lines land in [auth] unless they open a section; a test that sets the argon2
        // cost itself gets no cheap default.
        let base = if extra_config.contains("argon2_") {
            "[auth]\n"
        } else {
            TEST_CONFIG
        };
        std::fs::write(&config_path, format!("{base}{extra_config}\n"))?;
        let database_url = database_url.map_or_else(
            || format!("sqlite://{}/db.sqlite", dir.path().display()),
            str::to_owned,
        );
        let mut args: Vec<String> = vec![
            "serve".into(),
            "--bind".into(),
            addr.to_string(),
            "--config".into(),
            config_path.display().to_string(),
        ];
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let envs = vec![
            (
                "CONNECT_RIGHT_RECORDINGS_DIR".to_owned(),
                recordings.display().to_string(),
            ),
            (
                "CONNECT_RIGHT_WEB_DIR".to_owned(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/web/dist").to_owned(),
            ),
            ("DATABASE_URL".to_owned(), database_url),
            (
                "CONNECT_RIGHT_HLS_DIR".to_owned(),
                dir.path().join("hls").display().to_string(),
            ),
        ];
        let child = spawn(&args, &envs, &log_path)?;
        let mut server = TestServer {
            child,
            addr,
            log_path,
            dir,
            args,
            envs,
        };
        server.wait_healthy()?;
        Ok(server)
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill_hard(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Sends SIGTERM and waits for the process to exit; returns how long that took.
    pub fn stop_gracefully(&mut self, limit: Duration) -> Result<Duration> {
        let started = Instant::now();
        Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()?;
        while started.elapsed() < limit {
            if self.child.try_wait()?.is_some() {
                return Ok(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!("the server did not exit within {limit:?} of SIGTERM")
    }

    /// Starts the server again on the same address, database and folders (after a stop or
    /// a crash), and waits until it is healthy.
    pub fn restart(&mut self) -> Result<()> {
        if self.is_running() {
            bail!("the server is still running");
        }
        self.child = spawn(&self.args, &self.envs, &self.log_path)?;
        self.wait_healthy()
    }

    fn wait_healthy(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "server exited with {status} before it was healthy:\n{}",
                    self.log_tail(40)
                );
            }
            // Healthy, and it is this server that listens (another one may have the port).
            if matches!(http_status(self.addr, "/healthz"), Ok(200)) && self.listens() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "server not healthy after {START_TIMEOUT:?}:\n{}",
                    self.log_tail(40)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether this server's log says it listens on its address (the log says so at
    /// `info`, which the tests ask for unless `RUST_LOG` says otherwise).
    fn listens(&self) -> bool {
        if std::env::var_os("RUST_LOG").is_some() {
            return true;
        }
        let Ok(log) = std::fs::read_to_string(&self.log_path) else {
            return false;
        };
        // The port must end where the address ends: 127.0.0.1:4000 is not 127.0.0.1:40001.
        let addr = self.addr.to_string();
        log.match_indices("listening on ").any(|(at, _)| {
            let rest = &log[at..];
            let after = rest.split("://").nth(1).unwrap_or("");
            after.starts_with(&addr)
                && !after[addr.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers `owner`, creates a room named `name` and a participant invite for guests.
    pub fn room(&self, owner: &str, name: &str) -> Result<super::api::TestRoom> {
        super::api::TestRoom::create(&self.url(), owner, name)
    }

    /// `ws://127.0.0.1:PORT/ws`
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The folder holding the database, `recordings/` and `hls/`.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The last `lines` lines of the server's stdout and stderr.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Log lines that contain any of the given words (case-insensitive), at most `max`.
    pub fn log_grep(&self, words: &[&str], max: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let hits: Vec<&str> = text
            .lines()
            .filter(|l| {
                let l = l.to_lowercase();
                words.iter().any(|w| l.contains(w))
            })
            .collect();
        hits[hits.len().saturating_sub(max)..].join("\n")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + STOP_TIMEOUT;
            while Instant::now() < deadline {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// An address of `ip` with a port that was free a moment ago.
fn free_addr(ip: &str) -> Result<SocketAddr> {
    let listener = TcpListener::bind((ip, 0)).context("binding a probe socket")?;
    Ok(listener.local_addr()?)
}

/// Status code of a plain HTTP/1.0 GET.
pub fn http_status(addr: SocketAddr, path: &str) -> Result<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < 12 {
        let read = stream.read(&mut head[n..])?;
        if read == 0 {
            break;
        }
        n += read;
    }
    let text = std::str::from_utf8(&head[..n]).context("status line is not UTF-8")?;
    let code = text
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .context("no HTTP status line")?;
    Ok(code.parse()?)
}

/// Number of threads of a process (`Threads:` in /proc/PID/status).
pub fn thread_count(pid: u32) -> Result<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .context("no Threads line in /proc status")?;
    Ok(line.trim().parse()?)
}

/// Number of open file descriptors of a process (entries of /proc/PID/fd).
pub fn fd_count(pid: u32) -> Result<usize> {
    Ok(std::fs::read_dir(format!("/proc/{pid}/fd"))?.count())
}

/// Names (`comm`) of a process's threads, sorted.
pub fn thread_names(pid: u32) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let comm = std::fs::read_to_string(task?.path().join("comm")).unwrap_or_default();
        names.push(comm.trim().to_owned());
    }
    names.sort();
    Ok(names)
}

/// What each open descriptor of a process points at (`socket:[…]`, a path, `anon_inode:…`), sorted.
pub fn fd_targets(pid: u32) -> Result<Vec<String>> {
    let mut targets = Vec::new();
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))? {
        let target = std::fs::read_link(fd?.path()).map(|p| p.display().to_string());
        targets.push(target.unwrap_or_else(|_| "?".to_owned()));
    }
    targets.sort();
    Ok(targets)
}

/// Items of `after` that are not matched one for one in `before` (a multiset difference).
pub fn added_items(before: &[String], after: &[String]) -> Vec<String> {
    let mut remaining = before.to_vec();
    let mut added = Vec::new();
    for item in after {
        match remaining.iter().position(|b| b == item) {
            Some(i) => {
                remaining.swap_remove(i);
            }
            None => added.push(item.clone()),
        }
    }
    added
}

/// CPU time (user + system) a process has used so far, in seconds.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may contain spaces; the numeric fields follow its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("malformed /proc stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks = |i: usize| -> Result<f64> {
        Ok(fields.get(i).context("short /proc stat")?.parse::<f64>()?)
    };
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name; USER_HZ is 100.
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

/// The one-minute load average of the machine.
pub fn load_average() -> Result<f64> {
    let text = std::fs::read_to_string("/proc/loadavg")?;
    Ok(text
        .split_whitespace()
        .next()
        .context("empty /proc/loadavg")?
        .parse()?)
}

/// CPU seconds used so far by each thread of a process, keyed by thread id, with its name.
pub fn thread_cpu_seconds(pid: u32) -> Result<Vec<(u32, String, f64)>> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let task = task?;
        let Some(tid) = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let name = head
            .split_once('(')
            .map(|(_, n)| n.to_owned())
            .unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        out.push((tid, name, (ticks(11) + ticks(12)) / 100.0));
    }
    Ok(out)
}

/// The `top` busiest threads between two [`thread_cpu_seconds`] readings, as "name: N%".
pub fn busiest_threads(
    before: &[(u32, String, f64)],
    after: &[(u32, String, f64)],
    seconds: f64,
    top: usize,
) -> Vec<String> {
    let mut used: Vec<(String, f64)> = after
        .iter()
        .map(|(tid, name, cpu)| {
            let start = before
                .iter()
                .find(|(t, _, _)| t == tid)
                .map_or(0.0, |(_, _, c)| *c);
            (name.clone(), (cpu - start) / seconds * 100.0)
        })
        .collect();
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    used.into_iter()
        .take(top)
        .map(|(name, pct)| format!("{name}: {pct:.0}%"))
        .collect()
}

/// Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat).
pub fn machine_cpu_ticks() -> Result<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat")?;
    let line = text.lines().next().context("empty /proc/stat")?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().sum();
    // idle and iowait are the 4th and 5th values.
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    Ok((total - idle, total))
}

/// Local ports of every UDP socket a process holds (IPv4 and IPv6), from /proc.
pub fn udp_ports(pid: u32) -> Result<Vec<u16>> {
    let mut inodes = std::collections::HashSet::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd"))? {
        let Ok(target) = std::fs::read_link(entry?.path()) else {
            continue; // the fd closed while we looked
        };
        if let Some(inode) = target
            .to_str()
            .and_then(|t| t.strip_prefix("socket:["))
            .and_then(|t| t.strip_suffix(']'))
        {
            inodes.insert(inode.to_owned());
        }
    }
    let mut ports = Vec::new();
    for table in ["udp", "udp6"] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}"))?;
        // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(inode)) = (cols.get(1), cols.get(9)) else {
                continue;
            };
            if !inodes.contains(*inode) {
                continue;
            }
            let port = local
                .rsplit(':')
                .next()
                .context("no port in /proc/net/udp")?;
            ports.push(u16::from_str_radix(port, 16)?);
        }
    }
    Ok(ports)
}
