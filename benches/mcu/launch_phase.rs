//! The `baseline` and `videopath` phases: the same media work as the server's one room done
//! by a `gst-launch-1.0` process (the fixed baseline, or the server's own video fragments in
//! pipelines/), measured from /proc the same way as the server.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::Bench;
use super::media;
use super::perf::{self, Perf};
use super::procfs::{self, CpuReading};
use super::server::{self, Server};
use super::stats::round;
use super::text::truncate;

/// The fixed baseline (4 × clip → avdec_h264 → compositor → the server's x264 settings).
pub async fn baseline(bench: &Bench, server: &Server) -> Result<Value> {
    measure_launch(
        "baseline",
        media::baseline_command(&bench.files.video),
        media::baseline_command(Path::new("clip.mp4")),
        bench,
        server,
    )
    .await
}

/// The server's video fragments measured; a failure is the phase's `error`, not the run's.
pub async fn video_path(bench: &Bench, server: &Server) -> Value {
    let pipelines = server::manifest_dir().join("pipelines");
    let value = match (
        media::video_path_command(&bench.files.video, &pipelines),
        media::video_path_command(Path::new("clip.mp4"), Path::new("pipelines")),
    ) {
        (Ok(cmd), Ok(display)) => {
            match measure_launch("video path", cmd, display, bench, server).await {
                Ok(v) => v,
                Err(e) => json!({"error": format!("{e:#}")}),
            }
        }
        (Err(e), _) | (_, Err(e)) => json!({"error": format!("{e:#}")}),
    };
    if let Some(e) = value.get("error") {
        println!("video path: {e}");
    }
    value
}

/// Runs a `gst-launch-1.0` command for `BENCH_SECONDS` after a short warm-up and measures its
/// CPU from /proc the same way as the server's (and the idle server's meanwhile). `display`
/// is the command as the report shows it.
async fn measure_launch(
    label: &str,
    command: Command,
    display: Command,
    bench: &Bench,
    server: &Server,
) -> Result<Value> {
    let config = &bench.config;
    let dir = tempfile::Builder::new()
        .prefix("bench-mcu-launch")
        .tempdir()?;
    let out_path = dir.path().join("gst-launch.out");
    let mut child = spawn_into(command, &out_path)?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let perf = Perf::start_if(config.perf, child.id(), label);
    let meter = match procfs::CpuMeter::start(&[child.id(), server.pid()]) {
        Ok(m) => m,
        Err(e) => {
            stop(&mut child);
            let output = std::fs::read_to_string(&out_path).unwrap_or_default();
            bail!("{label} ended early: {e:#}\n{}", truncate(&output, 2000));
        }
    };
    tokio::time::sleep(Duration::from_secs(config.seconds)).await;
    let cpu = meter.finish(bench.ticks);
    let perf = perf.map(Perf::finish);
    let still_running = matches!(child.try_wait(), Ok(None));
    let rss = procfs::memory_kib(child.id()).map(|m| m.0).unwrap_or(0);
    stop(&mut child);
    let cpu = cpu?;
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    let fps = media::baseline_fps(&output);
    if !still_running {
        bail!(
            "{label} stopped before the window ended:\n{}",
            truncate(&output, 2000)
        );
    }
    print_launch(label, &cpu, fps, rss);
    if let Some(p) = &perf {
        perf::print_by_library(p, label, 8);
    }
    Ok(launch_json(&cpu, fps, rss, &display, perf))
}

/// Starts `command` with its stdout and stderr in the file `out_path`.
fn spawn_into(mut command: Command, out_path: &Path) -> Result<Child> {
    let out = std::fs::File::create(out_path)?;
    command
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .context("running gst-launch-1.0")
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn print_launch(label: &str, cpu: &CpuReading, fps: Option<f64>, rss_kib: u64) {
    println!(
        "{label}: CPU {:.1} % of one core at {} fps, RSS {:.1} MiB; idle server meanwhile {:.1} %; \
         machine {:.0} % busy, {:.0} % stolen; load {}",
        cpu.percent[0],
        fps.map(|f| format!("{f:.2}")).unwrap_or_else(|| "?".into()),
        rss_kib as f64 / 1024.0,
        cpu.percent[1],
        cpu.machine_busy_percent,
        cpu.machine_steal_percent,
        procfs::load_average()
    );
}

fn launch_json(
    cpu: &CpuReading,
    fps: Option<f64>,
    rss_kib: u64,
    display: &Command,
    perf: Option<Value>,
) -> Value {
    let mut args: Vec<String> = vec![display.get_program().to_string_lossy().into_owned()];
    args.extend(display.get_args().map(|a| a.to_string_lossy().into_owned()));
    json!({
        "seconds": round(cpu.seconds, 1),
        "cpu_percent": round(cpu.percent[0], 1),
        "fps": fps.map(|f| round(f, 2)),
        "rss_mib": round(rss_kib as f64 / 1024.0, 1),
        "idle_server_cpu_percent": round(cpu.percent[1], 1),
        "machine_busy_percent": round(cpu.machine_busy_percent, 1),
        "machine_steal_percent": round(cpu.machine_steal_percent, 1),
        "load_average": procfs::load_average(),
        "command": args.join(" "),
        "perf": perf,
    })
}
