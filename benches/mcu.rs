//! MCU load benchmark: `cargo bench --bench mcu` (see docs/benchmarks.md).
//!
//! 1. One 4-participant room on the real server for `BENCH_SECONDS`: the server's CPU (% of
//!    one core, from /proc/PID/stat utime+stime), RSS, the composite's fps at each receiver and
//!    join-to-first-frame.
//! 2. The fixed baseline of the same media work (4 × clip → avdec_h264 → compositor 2×2 →
//!    the server's x264 settings → fakesink) in `gst-launch-1.0`, measured the same way, and the
//!    ratio server / baseline.
//! 3. The server's own video fragments (pipelines/) alone in `gst-launch-1.0`, to split the
//!    server's cost into its video chain and the rest (audio, WebRTC transport).
//! 4. Rooms of 4 added one at a time until a receiver drops below `BENCH_MIN_FPS`.
//!
//! Load clients send a pre-encoded clip without re-encoding and count the composite's frames
//! from RTP marker bits without decoding, so they fit beside the server on a small machine.
//! Results are printed and written as JSON to `target/bench-mcu.json`.

// Six phase and report functions here still run past clippy's 80 lines; they are to be
// split by phase step (the server's own code is held to 80).
#![allow(clippy::too_many_lines)]

#[path = "mcu/burst_phase.rs"]
mod burst_phase;
#[path = "mcu/client.rs"]
mod client;
#[path = "mcu/feeder.rs"]
mod feeder;
#[path = "mcu/media.rs"]
mod media;
#[path = "mcu/procfs.rs"]
mod procfs;
#[path = "../tests/support/receive_pipeline.rs"]
mod receive_pipeline;
#[path = "mcu/renditions_phase.rs"]
mod renditions_phase;
#[path = "mcu/server.rs"]
mod server;
#[path = "mcu/viewer.rs"]
mod viewer;
#[path = "mcu/viewers_phase.rs"]
mod viewers_phase;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use client::LoadClient;
use feeder::Feeder;
use media::Clip;
use server::Server;
use viewer::LoadViewer;

const PARTICIPANTS_PER_ROOM: usize = 4;
const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(20);

/// Settings, each from an environment variable.
#[derive(Clone, Debug)]
struct Config {
    /// Phase 1 and baseline measuring window.
    seconds: u64,
    /// Phase 2: wait after each new room's first frames, then measure this long.
    settle_seconds: u64,
    room_seconds: u64,
    max_rooms: usize,
    min_fps: f64,
    join_gap_ms: u64,
    jitter_ms: u32,
    /// Key-frame request interval of a receiver still waiting for its first frame (0: never).
    pli_ms: u64,
    /// Profile the server and the baseline with `perf record` (library breakdown).
    perf: bool,
    /// Viewers phase: viewers added per step, the most, and each viewer's pass mark.
    viewer_step: usize,
    max_viewers: usize,
    viewer_min_fps: f64,
    /// Burst phase: WHEP viewers arriving this far apart.
    burst_viewers: usize,
    burst_gap_ms: u64,
    phases: Vec<String>,
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
    fn from_env() -> Result<Self> {
        let phases: String = env_or(
            "BENCH_PHASES",
            "room,baseline,videopath,rooms,viewers,renditions,burst".to_owned(),
        )?;
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
            if ![
                "room",
                "baseline",
                "videopath",
                "rooms",
                "viewers",
                "renditions",
                "burst",
            ]
            .contains(&phase.as_str())
            {
                bail!(
                    "BENCH_PHASES: unknown phase {phase} (room, baseline, videopath, rooms, viewers, \
                     renditions, burst)"
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

    fn runs(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; there are no other arguments.
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!(
            "cargo bench --bench mcu\n  env: BENCH_SECONDS=30 BENCH_SETTLE_SECONDS=10 BENCH_ROOM_SECONDS=10 \
             BENCH_MAX_ROOMS=10 BENCH_MIN_FPS=29 BENCH_JOIN_GAP_MS=500 BENCH_JITTER_MS=50 \
             BENCH_PLI_MS=200 BENCH_PERF=0 BENCH_VIEWER_STEP=10 BENCH_MAX_VIEWERS=100 \
             BENCH_VIEWER_MIN_FPS=25 BENCH_BURST_VIEWERS=60 BENCH_BURST_GAP_MS=150 \
             BENCH_PHASES=room,baseline,videopath,rooms,viewers,renditions,burst"
        );
        return;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench mcu: cannot start tokio: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = runtime.block_on(run()) {
        eprintln!("bench mcu failed: {e:#}");
        std::process::exit(1);
    }
}

/// Everything the run measured, collected into the JSON report as it goes.
struct Report {
    json: serde_json::Map<String, Value>,
}

impl Report {
    fn set(&mut self, key: &str, value: Value) {
        self.json.insert(key.to_owned(), value);
    }
}

async fn run() -> Result<()> {
    let config = Config::from_env()?;
    gst::init()?;
    let ticks = procfs::clock_ticks_per_second();
    let started = Instant::now();
    let mut report = Report {
        json: serde_json::Map::new(),
    };
    let load_before = procfs::load_average();
    report.set(
        "machine",
        json!({
            "cpus": procfs::cpu_count(),
            "cpu_model": procfs::cpu_model(),
            "gstreamer": gst::version_string().to_string(),
            "load_average_at_start": load_before,
        }),
    );
    report.set("config", config_json(&config));
    report.set("source", source_state());
    println!("== bench mcu ==");
    println!(
        "machine: {} × {}, {}; load average at start {load_before}",
        procfs::cpu_count(),
        procfs::cpu_model(),
        gst::version_string()
    );

    let clip_dir = tempfile::Builder::new()
        .prefix("bench-mcu-clip")
        .tempdir()?;
    let clip_seconds = config.seconds.max(10) as u32 + 8;
    let files = media::generate(clip_dir.path(), clip_seconds)?;
    let clip = Arc::new(Clip::load(&files)?);
    println!(
        "clip: {} s of 640×360@30 H.264 constrained baseline, {:.0} kbit/s, {} key frames; \
         Opus {:.0} kbit/s in {:?} packets; made with {}",
        clip_seconds,
        clip.video_kbps(),
        clip.key_frames,
        clip.audio_kbps(),
        clip.audio.interval,
        files.tool
    );
    report.set(
        "clip",
        json!({
            "seconds": clip_seconds, "width": media::CLIP_WIDTH, "height": media::CLIP_HEIGHT,
            "fps": media::CLIP_FPS, "video_kbps": round(clip.video_kbps(), 0),
            "audio_kbps": round(clip.audio_kbps(), 0), "key_frames": clip.key_frames,
            "tool": files.tool,
        }),
    );

    let feeder = Arc::new(Feeder::start(clip.clone()));
    let mut server = Server::start()?;
    println!(
        "server: {} (pid {}), {}",
        server.binary().display(),
        server.pid(),
        server.ws_url()
    );
    report.set(
        "server_binary",
        json!(server.binary().display().to_string()),
    );
    let idle_rss = procfs::memory_kib(server.pid())?.0;

    let outcome = run_phases(
        &config,
        &mut server,
        &clip,
        &files,
        &feeder,
        ticks,
        &mut report,
    )
    .await;

    let stop_took = server.stop();
    let log = server.log();
    let log = strip_ansi(&log);
    let problems: Vec<&str> = log
        .lines()
        .filter(|l| {
            (l.contains(" WARN ") && !l.contains("web app not built"))
                || l.contains(" ERROR ")
                || l.contains("CRITICAL")
                || l.contains("-WARNING **")
        })
        .collect();
    let target = server::target_dir();
    std::fs::create_dir_all(&target)?;
    let log_copy = target.join("bench-mcu-server.log");
    std::fs::write(&log_copy, &log)?;
    report.set(
        "server_log",
        json!({
            "path": log_copy.display().to_string(),
            "warnings_and_errors": problems.len(),
            "first_problems": problems.iter().take(15).collect::<Vec<_>>(),
            "stop_seconds": round(stop_took.as_secs_f64(), 2),
        }),
    );
    report.set(
        "server_idle_rss_mib",
        json!(round(idle_rss as f64 / 1024.0, 1)),
    );
    report.set("load_average_at_end", json!(procfs::load_average()));
    report.set(
        "feeder_late_ticks",
        json!(feeder.late_ticks.load(Ordering::Relaxed)),
    );
    report.set(
        "wall_seconds",
        json!(round(started.elapsed().as_secs_f64(), 1)),
    );
    if let Err(e) = &outcome {
        report.set("error", json!(format!("{e:#}")));
    }
    let out = target.join("bench-mcu.json");
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&Value::Object(report.json.clone()))?,
    )?;

    println!();
    print_summary(&report.json);
    println!(
        "server log: {} warning/error lines (copy in {}); stopped in {:.1} s",
        problems.len(),
        log_copy.display(),
        stop_took.as_secs_f64()
    );
    for line in problems.iter().take(8) {
        println!("  {}", truncate(line, 220));
    }
    println!("JSON: {}", out.display());
    outcome
}

async fn run_phases(
    config: &Config,
    server: &mut Server,
    clip: &Arc<Clip>,
    files: &media::ClipFiles,
    feeder: &Arc<Feeder>,
    ticks: f64,
    report: &mut Report,
) -> Result<()> {
    if config.runs("room") {
        println!(
            "\n-- phase 1: one room of {PARTICIPANTS_PER_ROOM} for {} s --",
            config.seconds
        );
        let result = phase_one_room(config, server, clip, feeder, ticks).await;
        match result {
            Ok(value) => report.set("room", value),
            Err(e) => {
                report.set("room", json!({"error": format!("{e:#}")}));
                return Err(e.context("phase 1"));
            }
        }
        // The empty room lingers for its grace period (3 s by default) before closing.
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    if config.runs("baseline") {
        println!(
            "\n-- baseline: gst-launch-1.0, 4 × clip → avdec_h264 → compositor → x264enc, {} s --",
            config.seconds
        );
        let value = measure_launch(
            "baseline",
            media::baseline_command(&files.video),
            media::baseline_command(std::path::Path::new("clip.mp4")),
            config,
            server,
            ticks,
        )
        .await?;
        report.set("baseline", value);
        if let (Some(s), Some(b)) = (
            report
                .json
                .get("room")
                .and_then(|r| r.get("server_cpu_percent"))
                .and_then(Value::as_f64),
            report
                .json
                .get("baseline")
                .and_then(|r| r.get("cpu_percent"))
                .and_then(Value::as_f64),
        ) && b > 0.0
        {
            report.set("ratio_server_to_baseline", json!(round(s / b, 2)));
        }
    }
    if config.runs("videopath") {
        println!(
            "\n-- the server's video fragments (pipelines/) alone in gst-launch-1.0, {} s --",
            config.seconds
        );
        let pipelines = server::manifest_dir().join("pipelines");
        let value = match (
            media::video_path_command(&files.video, &pipelines),
            media::video_path_command(
                std::path::Path::new("clip.mp4"),
                std::path::Path::new("pipelines"),
            ),
        ) {
            (Ok(cmd), Ok(display)) => {
                match measure_launch("video path", cmd, display, config, server, ticks).await {
                    Ok(v) => v,
                    Err(e) => json!({"error": format!("{e:#}")}),
                }
            }
            (Err(e), _) | (_, Err(e)) => json!({"error": format!("{e:#}")}),
        };
        if let Some(e) = value.get("error") {
            println!("video path: {e}");
        }
        report.set("video_path", value);
    }
    if config.runs("rooms") {
        println!(
            "\n-- phase 2: rooms of {PARTICIPANTS_PER_ROOM} added one at a time (≤ {}), \
             each needs every receiver ≥ {} fps --",
            config.max_rooms, config.min_fps
        );
        let value = phase_many_rooms(config, server, clip, feeder, ticks).await;
        report.set("rooms", value);
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    if config.runs("viewers") {
        println!(
            "\n-- viewers: one room of {PARTICIPANTS_PER_ROOM}, WHEP viewers added {} at a time \
             (≤ {}), each needs ≥ {} fps --",
            config.viewer_step, config.max_viewers, config.viewer_min_fps
        );
        let value = viewers_phase::run(config, server, clip, feeder, ticks).await;
        report.set("viewers", value);
    }
    if config.runs("renditions") {
        println!(
            "\n-- renditions: one room of {PARTICIPANTS_PER_ROOM}; clients pin smaller renditions \
             one at a time --"
        );
        let value = renditions_phase::run(config, server, clip, feeder, ticks).await;
        report.set("renditions", value);
    }
    if config.runs("burst") {
        println!(
            "\n-- burst: one room of {PARTICIPANTS_PER_ROOM}; {} WHEP viewers {} ms apart, \
             audio-first offers then video-first --",
            config.burst_viewers, config.burst_gap_ms
        );
        let value = burst_phase::run(config, server, clip, feeder, ticks).await;
        report.set("burst", value);
    }
    Ok(())
}

fn config_json(c: &Config) -> Value {
    json!({
        "BENCH_SECONDS": c.seconds, "BENCH_SETTLE_SECONDS": c.settle_seconds,
        "BENCH_ROOM_SECONDS": c.room_seconds, "BENCH_MAX_ROOMS": c.max_rooms,
        "BENCH_MIN_FPS": c.min_fps, "BENCH_JOIN_GAP_MS": c.join_gap_ms,
        "BENCH_JITTER_MS": c.jitter_ms, "BENCH_PLI_MS": c.pli_ms, "BENCH_PERF": c.perf,
        "BENCH_VIEWER_STEP": c.viewer_step, "BENCH_MAX_VIEWERS": c.max_viewers,
        "BENCH_VIEWER_MIN_FPS": c.viewer_min_fps,
        "BENCH_BURST_VIEWERS": c.burst_viewers, "BENCH_BURST_GAP_MS": c.burst_gap_ms,
        "BENCH_PHASES": c.phases.join(","),
    })
}

/// Joins `count` clients to a new room labelled `room`, the i-th starting `i × gap` after the
/// first.
async fn join_room(
    config: &Config,
    server: &Server,
    room: &str,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
) -> Result<Vec<LoadClient>> {
    let ticket = server.guest_ticket(room)?;
    join_room_with(config, server, room, &ticket, clip, feeder).await
}

/// [`join_room`] into the room of `ticket` (room id, invite token).
/// [`guest_room`], then waits for every client's first frame and `BENCH_SETTLE_SECONDS`.
async fn settled_guest_room(
    config: &Config,
    server: &mut Server,
    label: &str,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
) -> Result<((String, String), Vec<LoadClient>)> {
    let room = guest_room(config, server, label, clip, feeder).await?;
    wait_first_frames(&room.1, FIRST_FRAME_TIMEOUT).await;
    tokio::time::sleep(Duration::from_secs(config.settle_seconds)).await;
    Ok(room)
}

/// A new room labelled `label` with a guest invite, and its load clients joined with it.
async fn guest_room(
    config: &Config,
    server: &mut Server,
    label: &str,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
) -> Result<((String, String), Vec<LoadClient>)> {
    let ticket = server.guest_ticket(label)?;
    let clients = join_room_with(config, server, label, &ticket, clip, feeder).await?;
    Ok((ticket, clients))
}

async fn join_room_with(
    config: &Config,
    server: &Server,
    room: &str,
    ticket: &(String, String),
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
) -> Result<Vec<LoadClient>> {
    let mut tasks = Vec::new();
    for i in 0..PARTICIPANTS_PER_ROOM {
        let ws = server.ws_url();
        let room = room.to_owned();
        let ticket = ticket.clone();
        let clip = clip.clone();
        let feeder = feeder.clone();
        let delay = Duration::from_millis(config.join_gap_ms * i as u64);
        let jitter = config.jitter_ms;
        let pli = (config.pli_ms > 0).then(|| Duration::from_millis(config.pli_ms));
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let name = format!("{room}-p{}", i + 1);
            LoadClient::join(&ws, (&room, &ticket), &name, &clip, &feeder, jitter, pli).await
        }));
    }
    let mut clients = Vec::new();
    let mut errors = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(c)) => clients.push(c),
            Ok(Err(e)) => errors.push(format!("{e:#}")),
            Err(e) => errors.push(format!("join task: {e}")),
        }
    }
    if !errors.is_empty() {
        for c in &mut clients {
            c.leave().await;
        }
        bail!("joining {room}: {}", errors.join("; "));
    }
    Ok(clients)
}

/// Waits until every client has shown a first frame; false on timeout.
async fn wait_first_frames(clients: &[LoadClient], timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if clients.iter().all(|c| c.stats.has_first_frame()) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn leave_all(clients: &mut [LoadClient]) {
    for c in clients.iter_mut() {
        c.leave().await;
    }
}

/// One receiver's figures over a window.
struct ReceiverWindow {
    room: String,
    name: String,
    fps_mean: f64,
    /// Worst one-second interval.
    fps_min_1s: f64,
    kbps: f64,
    audio_pps: f64,
}

struct Window {
    seconds: f64,
    server_cpu: f64,
    bench_cpu: f64,
    machine_busy: f64,
    machine_steal: f64,
    receivers: Vec<ReceiverWindow>,
    threads: Vec<(String, f64, usize)>,
    rss_kib: u64,
    hwm_kib: u64,
    server_threads: usize,
    load: String,
}

impl Window {
    fn fps_min(&self) -> f64 {
        self.receivers
            .iter()
            .map(|r| r.fps_mean)
            .fold(f64::INFINITY, f64::min)
    }

    fn fps_mean(&self) -> f64 {
        mean(
            &self
                .receivers
                .iter()
                .map(|r| r.fps_mean)
                .collect::<Vec<_>>(),
        )
    }

    fn fps_min_1s(&self) -> f64 {
        self.receivers
            .iter()
            .map(|r| r.fps_min_1s)
            .fold(f64::INFINITY, f64::min)
    }

    fn receivers_json(&self) -> Value {
        json!(
            self.receivers
                .iter()
                .map(|r| json!({
                    "room": r.room, "name": r.name, "fps": round(r.fps_mean, 2),
                    "fps_worst_second": round(r.fps_min_1s, 1), "kbps": round(r.kbps, 0),
                    "audio_packets_per_s": round(r.audio_pps, 1),
                }))
                .collect::<Vec<_>>()
        )
    }
}

/// Anything whose received composite frames a window counts: load clients and viewers.
trait Receiver {
    fn room(&self) -> &str;
    fn name(&self) -> &str;
    fn stats(&self) -> &client::ClientStats;
}

/// Load clients and viewers keep their label, name and counters in the same fields.
macro_rules! receiver {
    ($kind:ty) => {
        impl Receiver for $kind {
            fn room(&self) -> &str {
                &self.room
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn stats(&self) -> &client::ClientStats {
                &self.stats
            }
        }
    };
}
receiver!(LoadClient);
receiver!(LoadViewer);

/// Load clients as receivers.
fn receivers<'a>(clients: &[&'a LoadClient]) -> Vec<&'a dyn Receiver> {
    clients.iter().map(|c| *c as &dyn Receiver).collect()
}

/// Samples every second for `seconds`: server and bench CPU, every receiver's frames.
async fn measure(
    server: &Server,
    clients: &[&dyn Receiver],
    seconds: u64,
    ticks: f64,
) -> Result<Window> {
    let pid = server.pid();
    let threads_before = procfs::thread_ticks(pid);
    let meter = procfs::CpuMeter::start(&[pid, std::process::id()])?;
    let counters = |c: &dyn Receiver| {
        let stats = c.stats();
        (
            stats.frames.load(Ordering::Relaxed),
            stats.video_bytes.load(Ordering::Relaxed),
            stats.audio_packets.load(Ordering::Relaxed),
        )
    };
    let start: Vec<_> = clients.iter().map(|c| counters(*c)).collect();
    let t0 = Instant::now();
    let mut previous = start.clone();
    let mut previous_at = t0;
    let mut worst = vec![f64::INFINITY; clients.len()];
    for second in 1..=seconds {
        let wake = t0 + Duration::from_secs(second);
        tokio::time::sleep_until(wake.into()).await;
        let now = Instant::now();
        let dt = now.duration_since(previous_at).as_secs_f64();
        for (i, c) in clients.iter().enumerate() {
            let current = counters(*c);
            let fps = (current.0 - previous[i].0) as f64 / dt;
            worst[i] = worst[i].min(fps);
            previous[i] = current;
        }
        previous_at = now;
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let cpu = meter.finish(ticks)?;
    let threads_after = procfs::thread_ticks(pid);
    let (rss_kib, hwm_kib) = procfs::memory_kib(pid)?;
    let receivers = clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let end = counters(*c);
            ReceiverWindow {
                room: c.room().to_owned(),
                name: c.name().to_owned(),
                fps_mean: (end.0 - start[i].0) as f64 / elapsed,
                fps_min_1s: worst[i],
                kbps: (end.1 - start[i].1) as f64 * 8.0 / elapsed / 1000.0,
                audio_pps: (end.2 - start[i].2) as f64 / elapsed,
            }
        })
        .collect();
    Ok(Window {
        seconds: cpu.seconds,
        server_cpu: cpu.percent[0],
        bench_cpu: cpu.percent[1],
        machine_busy: cpu.machine_busy_percent,
        machine_steal: cpu.machine_steal_percent,
        receivers,
        threads: procfs::thread_breakdown(&threads_before, &threads_after, cpu.seconds, ticks),
        rss_kib,
        hwm_kib,
        server_threads: procfs::thread_count(pid),
        load: procfs::load_average(),
    })
}

/// Join-to-first-frame of clients, in ms, with the stages on the way.
struct JoinTimes {
    first_frame: Vec<f64>,
    joined: Vec<f64>,
    answered: Vec<f64>,
    first_packet: Vec<f64>,
    missing: usize,
    key_frame_requests: u64,
}

impl JoinTimes {
    fn of(clients: &[&LoadClient]) -> JoinTimes {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut t = JoinTimes {
            first_frame: Vec::new(),
            joined: Vec::new(),
            answered: Vec::new(),
            first_packet: Vec::new(),
            missing: 0,
            key_frame_requests: 0,
        };
        for c in clients {
            match c.stats.join_to_first_frame() {
                Some(d) => t.first_frame.push(ms(d)),
                None => t.missing += 1,
            }
            let [joined, answered, packet] = c.stats.join_stages();
            t.joined.extend(joined.map(ms));
            t.answered.extend(answered.map(ms));
            t.first_packet.extend(packet.map(ms));
            t.key_frame_requests += c.stats.plis_sent.load(Ordering::Relaxed);
        }
        t
    }

    fn p50(&self) -> Option<f64> {
        percentile(&self.first_frame, 50.0)
    }

    fn json(&self) -> Value {
        let list = |v: &[f64]| v.iter().map(|x| round(*x, 0)).collect::<Vec<_>>();
        let p50 = |v: &[f64]| percentile(v, 50.0).map(|x| round(x, 0));
        json!({
            "p50": self.p50().map(|v| round(v, 0)),
            "max": self.first_frame.iter().copied().reduce(f64::max).map(|v| round(v, 0)),
            "all": list(&self.first_frame),
            "missing": self.missing,
            "stages_p50": {
                "joined": p50(&self.joined),
                "answer": p50(&self.answered),
                "first_video_packet": p50(&self.first_packet),
                "first_key_frame": p50(&self.first_frame),
            },
            "key_frame_requests_sent": self.key_frame_requests,
        })
    }

    fn line(&self) -> String {
        let p50 = |v: &[f64]| {
            percentile(v, 50.0)
                .map(|x| format!("{x:.0}"))
                .unwrap_or_else(|| "-".into())
        };
        format!(
            "join → first frame (ms): {} (p50 {}); stages p50: joined {}, answer {}, \
             first packet {}; {} key-frame requests{}",
            self.first_frame
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            p50(&self.first_frame),
            p50(&self.joined),
            p50(&self.answered),
            p50(&self.first_packet),
            self.key_frame_requests,
            if self.missing > 0 {
                format!("; {} receivers saw no frame", self.missing)
            } else {
                String::new()
            }
        )
    }
}

fn client_errors(clients: &[&LoadClient]) -> Vec<String> {
    clients
        .iter()
        .flat_map(|c| c.stats.errors())
        .take(20)
        .collect()
}

async fn phase_one_room(
    config: &Config,
    server: &mut Server,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
    ticks: f64,
) -> Result<Value> {
    let mut clients = join_room(config, server, "bench-room", clip, feeder).await?;
    let all_first = wait_first_frames(&clients, FIRST_FRAME_TIMEOUT).await;
    let refs: Vec<&LoadClient> = clients.iter().collect();
    let joins = JoinTimes::of(&refs);
    println!("{}", joins.line());
    if !all_first {
        println!("(waited {FIRST_FRAME_TIMEOUT:?} for the first frames)");
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let perf = config
        .perf
        .then(|| Perf::start(server.pid(), "server"))
        .flatten();
    let window = measure(server, &receivers(&refs), config.seconds, ticks).await;
    let perf = perf.map(Perf::finish);
    if let Some(p) = &perf {
        println!("server CPU by library (perf, % of samples):");
        for row in p
            .get("by_library")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(12)
        {
            println!("  {}", row.as_str().unwrap_or(""));
        }
    }
    let errors = client_errors(&refs);
    leave_all(&mut clients).await;
    let window = window?;
    if !server.is_running() {
        bail!("the server exited during phase 1:\n{}", server.log_tail(20));
    }
    println!(
        "server CPU {:.1} % of one core, RSS {:.1} MiB (peak {:.1}), {} threads; \
         receivers {:.2} fps mean, {:.2} lowest, worst second {:.0}; \
         clients' process {:.1} %; machine {:.0} % busy, {:.0} % stolen; load {}",
        window.server_cpu,
        window.rss_kib as f64 / 1024.0,
        window.hwm_kib as f64 / 1024.0,
        window.server_threads,
        window.fps_mean(),
        window.fps_min(),
        window.fps_min_1s(),
        window.bench_cpu,
        window.machine_busy,
        window.machine_steal,
        window.load
    );
    println!("server CPU by thread name (% of one core):");
    for (name, pct, count) in window.threads.iter().take(16) {
        println!("  {pct:6.1}  {name} ×{count}");
    }
    Ok(json!({
        "seconds": round(window.seconds, 1),
        "server_cpu_percent": round(window.server_cpu, 1),
        "server_rss_mib": round(window.rss_kib as f64 / 1024.0, 1),
        "server_peak_rss_mib": round(window.hwm_kib as f64 / 1024.0, 1),
        "server_threads": window.server_threads,
        "fps_mean": round(window.fps_mean(), 2),
        "fps_min": round(window.fps_min(), 2),
        "fps_worst_second": round(window.fps_min_1s(), 1),
        "receivers": window.receivers_json(),
        "join_to_first_frame_ms": joins.json(),
        "perf": perf,
        "clients_process_cpu_percent": round(window.bench_cpu, 1),
        "machine_busy_percent": round(window.machine_busy, 1),
        "machine_steal_percent": round(window.machine_steal, 1),
        "load_average": window.load,
        "server_threads_cpu_percent": window.threads.iter().take(25)
            .map(|(n, p, c)| json!({"thread": n, "percent": round(*p, 1), "count": c}))
            .collect::<Vec<_>>(),
        "client_errors": errors,
    }))
}

/// Runs a `gst-launch-1.0` command for `BENCH_SECONDS` after a short warm-up and measures its
/// CPU from /proc the same way as the server's (and the idle server's meanwhile).
async fn measure_launch(
    label: &str,
    mut command: std::process::Command,
    display: std::process::Command,
    config: &Config,
    server: &Server,
    ticks: f64,
) -> Result<Value> {
    let dir = tempfile::Builder::new()
        .prefix("bench-mcu-launch")
        .tempdir()?;
    let out_path = dir.path().join("gst-launch.out");
    let out = std::fs::File::create(&out_path)?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .context("running gst-launch-1.0")?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let perf = config
        .perf
        .then(|| Perf::start(child.id(), label))
        .flatten();
    let meter = match procfs::CpuMeter::start(&[child.id(), server.pid()]) {
        Ok(m) => m,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            let output = std::fs::read_to_string(&out_path).unwrap_or_default();
            bail!("{label} ended early: {e:#}\n{}", truncate(&output, 2000));
        }
    };
    tokio::time::sleep(Duration::from_secs(config.seconds)).await;
    let cpu = meter.finish(ticks);
    let perf = perf.map(Perf::finish);
    let still_running = matches!(child.try_wait(), Ok(None));
    let rss = procfs::memory_kib(child.id()).map(|m| m.0).unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    let cpu = cpu?;
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    let fps = media::baseline_fps(&output);
    if !still_running {
        bail!(
            "{label} stopped before the window ended:\n{}",
            truncate(&output, 2000)
        );
    }
    println!(
        "{label}: CPU {:.1} % of one core at {} fps, RSS {:.1} MiB; idle server meanwhile {:.1} %; \
         machine {:.0} % busy, {:.0} % stolen; load {}",
        cpu.percent[0],
        fps.map(|f| format!("{f:.2}")).unwrap_or_else(|| "?".into()),
        rss as f64 / 1024.0,
        cpu.percent[1],
        cpu.machine_busy_percent,
        cpu.machine_steal_percent,
        procfs::load_average()
    );
    if let Some(p) = &perf {
        println!("{label} CPU by library (perf, % of samples):");
        for row in p
            .get("by_library")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(8)
        {
            println!("  {}", row.as_str().unwrap_or(""));
        }
    }
    let mut args: Vec<String> = vec![display.get_program().to_string_lossy().into_owned()];
    args.extend(display.get_args().map(|a| a.to_string_lossy().into_owned()));
    Ok(json!({
        "seconds": round(cpu.seconds, 1),
        "cpu_percent": round(cpu.percent[0], 1),
        "fps": fps.map(|f| round(f, 2)),
        "rss_mib": round(rss as f64 / 1024.0, 1),
        "idle_server_cpu_percent": round(cpu.percent[1], 1),
        "machine_busy_percent": round(cpu.machine_busy_percent, 1),
        "machine_steal_percent": round(cpu.machine_steal_percent, 1),
        "load_average": procfs::load_average(),
        "command": args.join(" "),
        "perf": perf,
    }))
}

async fn phase_many_rooms(
    config: &Config,
    server: &mut Server,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
    ticks: f64,
) -> Value {
    let mut rooms: Vec<Vec<LoadClient>> = Vec::new();
    let mut steps = Vec::new();
    let mut sustained = 0usize;
    let mut stop_reason = format!("reached BENCH_MAX_ROOMS={}", config.max_rooms);
    let mut all_jtff = Vec::new();
    for n in 1..=config.max_rooms {
        let room = format!("bench-load-{n}");
        let clients = match join_room(config, server, &room, clip, feeder).await {
            Ok(c) => c,
            Err(e) => {
                stop_reason = format!("room {n} could not join: {e:#}");
                println!("rooms {n}: {stop_reason}");
                break;
            }
        };
        let got_frames = wait_first_frames(&clients, FIRST_FRAME_TIMEOUT).await;
        let refs: Vec<&LoadClient> = clients.iter().collect();
        let joins = JoinTimes::of(&refs);
        let (jtff, missing) = (joins.first_frame.clone(), joins.missing);
        all_jtff.extend(jtff.iter().copied());
        rooms.push(clients);
        tokio::time::sleep(Duration::from_secs(config.settle_seconds)).await;
        let all: Vec<&LoadClient> = rooms.iter().flatten().collect();
        let window = match measure(server, &receivers(&all), config.room_seconds, ticks).await {
            Ok(w) => w,
            Err(e) => {
                stop_reason = format!("measuring {n} rooms failed: {e:#}");
                println!("rooms {n}: {stop_reason}");
                break;
            }
        };
        let per_room: Vec<Value> = rooms
            .iter()
            .map(|clients| {
                let fps: Vec<f64> = window
                    .receivers
                    .iter()
                    .filter(|r| r.room == clients[0].room)
                    .map(|r| r.fps_mean)
                    .collect();
                json!({
                    "room": clients[0].room,
                    "fps_min": round(fps.iter().copied().fold(f64::INFINITY, f64::min), 2),
                    "fps_mean": round(mean(&fps), 2),
                })
            })
            .collect();
        let pass = got_frames && window.fps_min() >= config.min_fps;
        println!(
            "rooms {n:2}: {} receivers fps min {:.2} mean {:.2} (worst second {:.0}); \
             server CPU {:.1} %, RSS {:.0} MiB, {} threads; clients' process {:.1} %; \
             machine {:.0} % busy, {:.0} % stolen; load {}; new room join→frame p50 {} ms{}",
            if pass { "PASS" } else { "FAIL" },
            window.fps_min(),
            window.fps_mean(),
            window.fps_min_1s(),
            window.server_cpu,
            window.rss_kib as f64 / 1024.0,
            window.server_threads,
            window.bench_cpu,
            window.machine_busy,
            window.machine_steal,
            window.load,
            percentile(&jtff, 50.0)
                .map(|v| format!("{v:.0}"))
                .unwrap_or_else(|| "-".into()),
            if missing > 0 {
                format!(", {missing} receivers saw no frame")
            } else {
                String::new()
            }
        );
        steps.push(json!({
            "rooms": n,
            "pass": pass,
            "fps_min": round(window.fps_min(), 2),
            "fps_mean": round(window.fps_mean(), 2),
            "fps_worst_second": round(window.fps_min_1s(), 1),
            "per_room": per_room,
            "server_cpu_percent": round(window.server_cpu, 1),
            "server_rss_mib": round(window.rss_kib as f64 / 1024.0, 1),
            "server_threads": window.server_threads,
            "clients_process_cpu_percent": round(window.bench_cpu, 1),
            "machine_busy_percent": round(window.machine_busy, 1),
            "machine_steal_percent": round(window.machine_steal, 1),
            "load_average": window.load,
            "new_room_join_to_first_frame_ms": joins.json(),
            "client_errors": client_errors(&all),
        }));
        if !server.is_running() {
            stop_reason = format!("the server exited with {n} rooms");
            break;
        }
        if !pass {
            stop_reason = format!(
                "with {n} rooms the slowest receiver got {:.2} fps (< {})",
                window.fps_min(),
                config.min_fps
            );
            break;
        }
        sustained = n;
    }
    for clients in &mut rooms {
        leave_all(clients).await;
    }
    println!("sustained: {sustained} rooms ({stop_reason})");
    json!({
        "sustained_rooms": sustained,
        "capped": sustained == config.max_rooms,
        "stop_reason": stop_reason,
        "join_to_first_frame_ms_all_rooms": {
            "p50": percentile(&all_jtff, 50.0).map(|v| round(v, 0)),
            "max": all_jtff.iter().copied().reduce(f64::max).map(|v| round(v, 0)),
            "count": all_jtff.len(),
        },
        "steps": steps,
    })
}

fn print_summary(r: &serde_json::Map<String, Value>) {
    let get = |path: &[&str]| -> Option<&Value> {
        let mut v = r.get(path[0])?;
        for key in &path[1..] {
            v = v.get(key)?;
        }
        Some(v)
    };
    let num = |path: &[&str]| get(path).and_then(Value::as_f64);
    let show = |v: Option<f64>, unit: &str| {
        v.map(|v| format!("{v}{unit}"))
            .unwrap_or_else(|| "n/a".into())
    };
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "not measured",
    };
    println!("== summary ==");
    println!(
        "load average: start {}, end {}",
        get(&["machine", "load_average_at_start"])
            .and_then(Value::as_str)
            .unwrap_or("?"),
        get(&["load_average_at_end"])
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
    println!(
        "1 room × 4, server: CPU {} of one core, RSS {}, composite {} fps mean / {} lowest receiver",
        show(num(&["room", "server_cpu_percent"]), " %"),
        show(num(&["room", "server_rss_mib"]), " MiB"),
        show(num(&["room", "fps_mean"]), ""),
        show(num(&["room", "fps_min"]), ""),
    );
    let p50 = num(&["room", "join_to_first_frame_ms", "p50"]);
    println!(
        "join → first frame: p50 {}, max {}",
        show(p50, " ms"),
        show(num(&["room", "join_to_first_frame_ms", "max"]), " ms")
    );
    println!(
        "baseline (gst-launch-1.0): CPU {} of one core at {} fps",
        show(num(&["baseline", "cpu_percent"]), " %"),
        show(num(&["baseline", "fps"]), "")
    );
    println!(
        "server's video fragments alone (gst-launch-1.0): CPU {} of one core at {} fps",
        show(num(&["video_path", "cpu_percent"]), " %"),
        show(num(&["video_path", "fps"]), "")
    );
    let ratio = num(&["ratio_server_to_baseline"]);
    let rooms = get(&["rooms", "sustained_rooms"]).and_then(Value::as_u64);
    println!("ratio server / baseline: {}", show(ratio, ""));
    println!(
        "rooms of 4 sustained at ≥ 29 fps: {} ({})",
        rooms.map(|n| n.to_string()).unwrap_or_else(|| "n/a".into()),
        get(&["rooms", "stop_reason"])
            .and_then(Value::as_str)
            .unwrap_or("-")
    );
    println!(
        "goals: ratio ≤ 1.5 {}; join→first frame p50 ≤ 700 ms {}; ≥ 6 rooms {}",
        verdict(ratio.map(|r| r <= 1.5)),
        verdict(p50.map(|p| p <= 700.0)),
        match (rooms, get(&["rooms", "capped"]).and_then(Value::as_bool)) {
            (Some(n), Some(true)) if n < 6 => "not decided (BENCH_MAX_ROOMS < 6)",
            _ => verdict(rooms.map(|n| n >= 6)),
        }
    );
}

/// The commit the server was built from, and whether src/ had uncommitted changes.
fn source_state() -> Value {
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

/// Removes terminal colour sequences (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `perf record` of one process for the length of a window, summarised by library (DSO).
struct Perf {
    child: std::process::Child,
    data: std::path::PathBuf,
}

impl Perf {
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

    fn finish(mut self) -> Value {
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

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// Linear-interpolated percentile.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
