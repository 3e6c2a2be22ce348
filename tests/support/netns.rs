//! A client host of its own: a network namespace joined to this one by a veth pair, whose
//! downlink can be capped with `tc` (loopback cannot be shaped per client).
//!
//! Needs root (CAP_NET_ADMIN), which the test machine has; any step failing fails the test.
//! Everything is removed again on drop, and a leftover of an earlier run is removed first.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// The namespace, the two ends of the veth pair, and their addresses.
pub const NAMESPACE: &str = "cr-viewer";
const HOST_END: &str = "cr-v0";
const CLIENT_END: &str = "cr-v1";
pub const HOST_IP: &str = "10.203.0.1";
const CLIENT_CIDR: &str = "10.203.0.2/30";
const HOST_CIDR: &str = "10.203.0.1/30";

/// The namespace while it exists.
pub struct ClientHost {
    _private: (),
}

fn run(args: &[&str]) -> Result<()> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .with_context(|| format!("running {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn remove() {
    let _ = run(&["ip", "link", "del", HOST_END]);
    let _ = run(&["ip", "netns", "del", NAMESPACE]);
}

impl ClientHost {
    /// Creates the namespace and its link, uncapped.
    pub fn create() -> Result<Self> {
        remove();
        let host = ClientHost { _private: () };
        run(&["ip", "netns", "add", NAMESPACE])?;
        run(&[
            "ip", "link", "add", HOST_END, "type", "veth", "peer", "name", CLIENT_END,
        ])?;
        run(&["ip", "link", "set", CLIENT_END, "netns", NAMESPACE])?;
        run(&["ip", "addr", "add", HOST_CIDR, "dev", HOST_END])?;
        run(&["ip", "link", "set", HOST_END, "up"])?;
        for step in [
            vec!["ip", "addr", "add", CLIENT_CIDR, "dev", CLIENT_END],
            vec!["ip", "link", "set", CLIENT_END, "up"],
            vec!["ip", "link", "set", "lo", "up"],
        ] {
            let mut args = vec!["ip", "netns", "exec", NAMESPACE];
            args.extend(step);
            run(&args)?;
        }
        Ok(host)
    }

    /// Caps what reaches the client to `kbit` kbit/s (a token bucket that drops the excess
    /// after 400 ms of queue).
    pub fn cap_downlink(&self, kbit: u32) -> Result<()> {
        let rate = format!("{kbit}kbit");
        run(&[
            "tc", "qdisc", "add", "dev", HOST_END, "root", "tbf", "rate", &rate, "burst", "16kbit",
            "latency", "400ms",
        ])
    }

    /// Lifts the cap.
    pub fn uncap(&self) -> Result<()> {
        run(&["tc", "qdisc", "del", "dev", HOST_END, "root"])
    }

    /// A command run inside the namespace.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", NAMESPACE, program]);
        cmd
    }
}

impl Drop for ClientHost {
    fn drop(&mut self) {
        remove();
    }
}
