//! The server's log once it has stopped: copied to `target/bench-mcu-server.log` with its
//! colours removed, and searched for warnings and errors, which the report counts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};

use super::server::Server;
use super::stats::round;
use super::text::{strip_ansi, truncate};

pub struct ServerLog {
    copy: PathBuf,
    problems: Vec<String>,
    stop_took: Duration,
}

impl ServerLog {
    /// Stops `server` and keeps its log in `target`.
    pub fn stop(server: &mut Server, target: &Path) -> Result<ServerLog> {
        let stop_took = server.stop();
        let log = strip_ansi(&server.log());
        let problems = log
            .lines()
            .filter(|l| is_problem(l))
            .map(str::to_owned)
            .collect();
        std::fs::create_dir_all(target)?;
        let copy = target.join("bench-mcu-server.log");
        std::fs::write(&copy, &log)?;
        Ok(ServerLog {
            copy,
            problems,
            stop_took,
        })
    }

    pub fn json(&self) -> Value {
        json!({
            "path": self.copy.display().to_string(),
            "warnings_and_errors": self.problems.len(),
            "first_problems": self.problems.iter().take(15).collect::<Vec<_>>(),
            "stop_seconds": round(self.stop_took.as_secs_f64(), 2),
        })
    }

    pub fn print(&self) {
        println!(
            "server log: {} warning/error lines (copy in {}); stopped in {:.1} s",
            self.problems.len(),
            self.copy.display(),
            self.stop_took.as_secs_f64()
        );
        for line in self.problems.iter().take(8) {
            println!("  {}", truncate(line, 220));
        }
    }
}

/// A warning or error from the server or GStreamer; a web app that was not built is expected.
fn is_problem(line: &str) -> bool {
    (line.contains(" WARN ") && !line.contains("web app not built"))
        || line.contains(" ERROR ")
        || line.contains("CRITICAL")
        || line.contains("-WARNING **")
}
