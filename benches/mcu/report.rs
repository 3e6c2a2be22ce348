//! The JSON report: everything the run measured, collected as it goes and written to
//! `target/bench-mcu.json`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::Result;
use serde_json::{Value, json};

use super::server;

#[derive(Default)]
pub struct Report {
    json: serde_json::Map<String, Value>,
}

impl Report {
    pub fn set(&mut self, key: &str, value: Value) {
        self.json.insert(key.to_owned(), value);
    }

    /// The value under `path`, one key a level; none where the run did not get that far.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        let mut v = self.json.get(path[0])?;
        for key in &path[1..] {
            v = v.get(key)?;
        }
        Some(v)
    }

    pub fn num(&self, path: &[&str]) -> Option<f64> {
        self.get(path).and_then(Value::as_f64)
    }

    /// Writes `bench-mcu.json` into `target` and returns its path.
    pub fn write(&self, target: &Path) -> Result<PathBuf> {
        let out = target.join("bench-mcu.json");
        std::fs::write(&out, serde_json::to_string_pretty(&self.json)?)?;
        Ok(out)
    }
}

/// The commit the server was built from, and whether src/ had uncommitted changes.
pub fn source_state() -> Value {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(server::manifest_dir())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    json!({
        "commit": git(&["rev-parse", "--short", "HEAD"]),
        "uncommitted_server_files": git(&["status", "--porcelain", "--", "src", "pipelines", "Cargo.toml"])
            .map(|s| s.lines().map(str::to_owned).collect::<Vec<_>>()),
    })
}
