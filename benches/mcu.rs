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

#[path = "mcu/burst_phase.rs"]
mod burst_phase;
#[path = "mcu/client.rs"]
mod client;
#[path = "mcu/config.rs"]
mod config;
#[path = "mcu/feeder.rs"]
mod feeder;
#[path = "mcu/join_times.rs"]
mod join_times;
#[path = "mcu/launch_phase.rs"]
mod launch_phase;
#[path = "mcu/load_room.rs"]
mod load_room;
#[path = "mcu/media.rs"]
mod media;
#[path = "mcu/perf.rs"]
mod perf;
#[path = "mcu/procfs.rs"]
mod procfs;
#[path = "../tests/support/receive_pipeline.rs"]
mod receive_pipeline;
#[path = "mcu/renditions_phase.rs"]
mod renditions_phase;
#[path = "mcu/report.rs"]
mod report;
#[path = "mcu/room_phase.rs"]
mod room_phase;
#[path = "mcu/rooms_phase.rs"]
mod rooms_phase;
#[path = "mcu/server.rs"]
mod server;
#[path = "mcu/server_log.rs"]
mod server_log;
#[path = "mcu/stats.rs"]
mod stats;
#[path = "mcu/summary.rs"]
mod summary;
#[path = "mcu/text.rs"]
mod text;
#[path = "mcu/viewer.rs"]
mod viewer;
#[path = "mcu/viewers_phase.rs"]
mod viewers_phase;
#[path = "mcu/window.rs"]
mod window;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use config::Config;
use feeder::Feeder;
use load_room::PARTICIPANTS_PER_ROOM;
use media::{Clip, ClipFiles};
use report::Report;
use server::Server;
use server_log::ServerLog;
use stats::round;

/// What every phase loads the server with, besides the server itself.
struct Bench {
    config: Config,
    /// The clip the load clients send, in memory.
    clip: Arc<Clip>,
    /// The clip's files, which the `gst-launch-1.0` phases read.
    files: ClipFiles,
    /// Paces every load client's sending.
    feeder: Arc<Feeder>,
    /// Clock ticks per second, the unit of /proc's CPU times.
    ticks: f64,
}

fn main() {
    // `cargo bench` passes `--bench`; there are no other arguments.
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("{}", config::USAGE);
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

/// Prepares the clip and the server, runs the phases, then writes and prints the report, also
/// when a phase failed (the run's error is then returned after it).
async fn run() -> Result<()> {
    let config = Config::from_env()?;
    gst::init()?;
    let ticks = procfs::clock_ticks_per_second();
    let started = Instant::now();
    let mut report = Report::default();
    record_setup(&config, &mut report);

    let clip_dir = tempfile::Builder::new()
        .prefix("bench-mcu-clip")
        .tempdir()?;
    let (files, clip) = make_clip(&config, clip_dir.path(), &mut report)?;
    let feeder = Arc::new(Feeder::start(clip.clone()));
    let bench = Bench {
        config,
        clip,
        files,
        feeder,
        ticks,
    };
    let mut server = start_server(&mut report)?;
    let idle_rss = procfs::memory_kib(server.pid())?.0;

    let outcome = run_phases(&bench, &mut server, &mut report).await;

    let target = server::target_dir();
    let log = ServerLog::stop(&mut server, &target)?;
    report.set("server_log", log.json());
    report.set(
        "server_idle_rss_mib",
        json!(round(idle_rss as f64 / 1024.0, 1)),
    );
    report.set("load_average_at_end", json!(procfs::load_average()));
    report.set(
        "feeder_late_ticks",
        json!(bench.feeder.late_ticks.load(Ordering::Relaxed)),
    );
    report.set(
        "wall_seconds",
        json!(round(started.elapsed().as_secs_f64(), 1)),
    );
    if let Err(e) = &outcome {
        report.set("error", json!(format!("{e:#}")));
    }
    let out = report.write(&target)?;

    println!();
    summary::print_summary(&report);
    log.print();
    println!("JSON: {}", out.display());
    outcome
}

/// Records the machine, the settings and the source the server was built from; prints the
/// machine.
fn record_setup(config: &Config, report: &mut Report) {
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
    report.set("config", config.json());
    report.set("source", report::source_state());
    println!("== bench mcu ==");
    println!(
        "machine: {} × {}, {}; load average at start {load_before}",
        procfs::cpu_count(),
        procfs::cpu_model(),
        gst::version_string()
    );
}

/// Encodes the clip into `dir` (a little longer than a measuring window) and loads it.
fn make_clip(config: &Config, dir: &Path, report: &mut Report) -> Result<(ClipFiles, Arc<Clip>)> {
    let clip_seconds = config.seconds.max(10) as u32 + 8;
    let files = media::generate(dir, clip_seconds)?;
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
    Ok((files, clip))
}

fn start_server(report: &mut Report) -> Result<Server> {
    let server = Server::start()?;
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
    Ok(server)
}

/// The phases `BENCH_PHASES` picks, in their fixed order, each into its place in the report.
async fn run_phases(bench: &Bench, server: &mut Server, report: &mut Report) -> Result<()> {
    cost_phases(bench, server, report).await?;
    load_phases(bench, server, report).await;
    Ok(())
}

/// What one room costs the server, beside `gst-launch-1.0` doing the same media work. A failed
/// room or baseline stops the phases there.
async fn cost_phases(bench: &Bench, server: &mut Server, report: &mut Report) -> Result<()> {
    let config = &bench.config;
    if config.runs("room") {
        println!(
            "\n-- phase 1: one room of {PARTICIPANTS_PER_ROOM} for {} s --",
            config.seconds
        );
        let result = room_phase::run(bench, server).await;
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
        report.set("baseline", launch_phase::baseline(bench, server).await?);
        set_ratio_to_baseline(report);
    }
    if config.runs("videopath") {
        println!(
            "\n-- the server's video fragments (pipelines/) alone in gst-launch-1.0, {} s --",
            config.seconds
        );
        report.set("video_path", launch_phase::video_path(bench, server).await);
    }
    Ok(())
}

/// `ratio_server_to_baseline`, when both phase 1 and the baseline measured a CPU.
fn set_ratio_to_baseline(report: &mut Report) {
    if let (Some(s), Some(b)) = (
        report.num(&["room", "server_cpu_percent"]),
        report.num(&["baseline", "cpu_percent"]),
    ) && b > 0.0
    {
        report.set("ratio_server_to_baseline", json!(round(s / b, 2)));
    }
}

/// More load until the server falls behind, and what each kind of load costs. Each phase
/// records its own failure in the report; none stops the others.
async fn load_phases(bench: &Bench, server: &mut Server, report: &mut Report) {
    let config = &bench.config;
    if config.runs("rooms") {
        println!(
            "\n-- phase 2: rooms of {PARTICIPANTS_PER_ROOM} added one at a time (≤ {}), \
             each needs every receiver ≥ {} fps --",
            config.max_rooms, config.min_fps
        );
        report.set("rooms", rooms_phase::run(bench, server).await);
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    if config.runs("viewers") {
        println!(
            "\n-- viewers: one room of {PARTICIPANTS_PER_ROOM}, WHEP viewers added {} at a time \
             (≤ {}), each needs ≥ {} fps --",
            config.viewer_step, config.max_viewers, config.viewer_min_fps
        );
        report.set("viewers", viewers_phase::run(bench, server).await);
    }
    if config.runs("renditions") {
        println!(
            "\n-- renditions: one room of {PARTICIPANTS_PER_ROOM}; clients pin smaller renditions \
             one at a time --"
        );
        report.set("renditions", renditions_phase::run(bench, server).await);
    }
    if config.runs("burst") {
        println!(
            "\n-- burst: one room of {PARTICIPANTS_PER_ROOM}; {} WHEP viewers {} ms apart, \
             audio-first offers then video-first --",
            config.burst_viewers, config.burst_gap_ms
        );
        report.set("burst", burst_phase::run(bench, server).await);
    }
}
