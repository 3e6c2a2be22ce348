//! The bench's settings, each from a `BENCH_*` environment variable (see docs/benchmarks.md).

use anyhow::{Result, bail};
use serde_json::{Value, json};

/// Every phase, in the order a run takes them; `BENCH_PHASES` picks some.
const PHASES: [&str; 7] = [
    "room",
    "baseline",
    "videopath",
    "rooms",
    "viewers",
    "renditions",
    "burst",
];

/// What `--help` prints: the command and every variable with its default.
pub const USAGE: &str = "cargo bench --bench mcu\n  env: BENCH_SECONDS=30 BENCH_SETTLE_SECONDS=10 \
     BENCH_ROOM_SECONDS=10 BENCH_MAX_ROOMS=10 BENCH_MIN_FPS=29 BENCH_JOIN_GAP_MS=500 \
     BENCH_JITTER_MS=50 BENCH_PLI_MS=200 BENCH_PERF=0 BENCH_VIEWER_STEP=10 BENCH_MAX_VIEWERS=100 \
     BENCH_VIEWER_MIN_FPS=25 BENCH_BURST_VIEWERS=60 BENCH_BURST_GAP_MS=150 \
     BENCH_PHASES=room,baseline,videopath,rooms,viewers,renditions,burst";

/// Settings, each from an environment variable.
#[derive(Clone, Debug)]
pub struct Config {
    /// Phase 1 and baseline measuring window.
    pub seconds: u64,
    /// Phase 2: wait after each new room's first frames, then measure this long.
    pub settle_seconds: u64,
    pub room_seconds: u64,
    pub max_rooms: usize,
    pub min_fps: f64,
    pub join_gap_ms: u64,
    pub jitter_ms: u32,
    /// Key-frame request interval of a receiver still waiting for its first frame (0: never).
    pub pli_ms: u64,
    /// Profile the server and the baseline with `perf record` (library breakdown).
    pub perf: bool,
    /// Viewers phase: viewers added per step, the most, and each viewer's pass mark.
    pub viewer_step: usize,
    pub max_viewers: usize,
    pub viewer_min_fps: f64,
    /// Burst phase: WHEP viewers arriving this far apart.
    pub burst_viewers: usize,
    pub burst_gap_ms: u64,
    pub phases: Vec<String>,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={v} is not a valid value")),
        _ => Ok(default),
    }
}

impl Config {
    pub fn from_env() -> Result<Self> {
        let phases: String = env_or("BENCH_PHASES", PHASES.join(","))?;
        let config = Config {
            seconds: env_or("BENCH_SECONDS", 30)?,
            settle_seconds: env_or("BENCH_SETTLE_SECONDS", 10)?,
            room_seconds: env_or("BENCH_ROOM_SECONDS", 10)?,
            max_rooms: env_or("BENCH_MAX_ROOMS", 10)?,
            min_fps: env_or("BENCH_MIN_FPS", 29.0)?,
            join_gap_ms: env_or("BENCH_JOIN_GAP_MS", 500)?,
            jitter_ms: env_or("BENCH_JITTER_MS", 50)?,
            pli_ms: env_or("BENCH_PLI_MS", 200)?,
            perf: env_or("BENCH_PERF", 0u8)? != 0,
            viewer_step: env_or("BENCH_VIEWER_STEP", 10)?,
            max_viewers: env_or("BENCH_MAX_VIEWERS", 100)?,
            viewer_min_fps: env_or("BENCH_VIEWER_MIN_FPS", 25.0)?,
            burst_viewers: env_or("BENCH_BURST_VIEWERS", 60)?,
            burst_gap_ms: env_or("BENCH_BURST_GAP_MS", 150)?,
            phases: phases
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        };
        for phase in &config.phases {
            if !PHASES.contains(&phase.as_str()) {
                bail!(
                    "BENCH_PHASES: unknown phase {phase} ({})",
                    PHASES.join(", ")
                );
            }
        }
        if config.viewer_step == 0 {
            bail!("BENCH_VIEWER_STEP must be at least 1");
        }
        if config.seconds == 0 || config.room_seconds == 0 {
            bail!("BENCH_SECONDS and BENCH_ROOM_SECONDS must be at least 1");
        }
        Ok(config)
    }

    pub fn runs(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }

    /// The settings as the report records them, under their variables' names.
    pub fn json(&self) -> Value {
        json!({
            "BENCH_SECONDS": self.seconds, "BENCH_SETTLE_SECONDS": self.settle_seconds,
            "BENCH_ROOM_SECONDS": self.room_seconds, "BENCH_MAX_ROOMS": self.max_rooms,
            "BENCH_MIN_FPS": self.min_fps, "BENCH_JOIN_GAP_MS": self.join_gap_ms,
            "BENCH_JITTER_MS": self.jitter_ms, "BENCH_PLI_MS": self.pli_ms, "BENCH_PERF": self.perf,
            "BENCH_VIEWER_STEP": self.viewer_step, "BENCH_MAX_VIEWERS": self.max_viewers,
            "BENCH_VIEWER_MIN_FPS": self.viewer_min_fps,
            "BENCH_BURST_VIEWERS": self.burst_viewers, "BENCH_BURST_GAP_MS": self.burst_gap_ms,
            "BENCH_PHASES": self.phases.join(","),
        })
    }
}
