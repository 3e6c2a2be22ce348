//! `perf record` of one process for the length of a window, summarised by library (DSO), for
//! `BENCH_PERF=1`.

use std::process::Stdio;

use serde_json::{Value, json};

use super::server;

pub struct Perf {
    child: std::process::Child,
    data: std::path::PathBuf,
}

impl Perf {
    /// Starts recording `pid` when `wanted` (`BENCH_PERF`) and `perf` runs.
    pub fn start_if(wanted: bool, pid: u32, label: &str) -> Option<Perf> {
        wanted.then(|| Perf::start(pid, label)).flatten()
    }

    fn start(pid: u32, label: &str) -> Option<Perf> {
        let data = server::target_dir().join(format!("bench-mcu-{label}.perf.data"));
        let child = std::process::Command::new("perf")
            .args(["record", "-q", "-F", "499", "-p", &pid.to_string(), "-o"])
            .arg(&data)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| eprintln!("perf record unavailable: {e}"))
            .ok()?;
        Some(Perf { child, data })
    }

    pub fn finish(mut self) -> Value {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let report = |sort: &str| -> Vec<String> {
            std::process::Command::new("perf")
                .args([
                    "report",
                    "--stdio",
                    "--no-children",
                    "-q",
                    "--sort",
                    sort,
                    "-i",
                ])
                .arg(&self.data)
                .stderr(Stdio::null())
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|l| l.contains('%'))
                        .take(25)
                        .collect()
                })
                .unwrap_or_default()
        };
        json!({
            "data": self.data.display().to_string(),
            "by_library": report("dso"),
            "by_symbol": report("dso,sym"),
        })
    }
}

/// Prints the first `rows` libraries of a profile that [`Perf::finish`] returned, as `who`'s.
pub fn print_by_library(profile: &Value, who: &str, rows: usize) {
    println!("{who} CPU by library (perf, % of samples):");
    for row in profile
        .get("by_library")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(rows)
    {
        println!("  {}", row.as_str().unwrap_or(""));
    }
}
