//! The `viewers` phase: one room of load clients, then WHEP viewers added a step at a time.
//! Each step measures the server's CPU and every receiver's frame rate; the room alone is the
//! baseline, so the report gives CPU per viewer and the ratio to the room without viewers.

use std::time::Duration;

use serde_json::{Value, json};

use super::Bench;
use super::client::LoadClient;
use super::load_room::{FIRST_FRAME_TIMEOUT, guest_room, leave_all, wait_first_frames};
use super::server::Server;
use super::stats::round;
use super::viewer::{self, LoadViewer};
use super::window::{Receiver, Window, measure};

/// How long new viewers get to receive their first key frame.
const VIEWER_FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(bench: &Bench, server: &mut Server) -> Value {
    let label = "bench-viewers";
    let (ticket, mut clients) = match guest_room(bench, server, label).await {
        Ok(room) => room,
        Err(e) => return json!({"error": format!("{e:#}")}),
    };
    let mut viewers: Vec<LoadViewer> = Vec::new();
    let result = steps(bench, server, &ticket, &clients, &mut viewers).await;
    for viewer in &mut viewers {
        viewer.leave().await;
    }
    leave_all(&mut clients).await;
    result
}

async fn steps(
    bench: &Bench,
    server: &mut Server,
    ticket: &(String, String),
    clients: &[LoadClient],
    viewers: &mut Vec<LoadViewer>,
) -> Value {
    let config = &bench.config;
    wait_first_frames(clients, FIRST_FRAME_TIMEOUT).await;
    tokio::time::sleep(Duration::from_secs(config.settle_seconds)).await;
    let base = server.base_url();
    let mut rows = Vec::new();
    let mut baseline_cpu = None;
    let mut sustained = 0usize;
    let mut stop_reason = format!("reached BENCH_MAX_VIEWERS={}", config.max_viewers);
    let mut count = 0usize;
    loop {
        let mut all: Vec<&dyn Receiver> = clients.iter().map(|c| c as &dyn Receiver).collect();
        all.extend(viewers.iter().map(|v| v as &dyn Receiver));
        let window = match measure(server, &all, config.room_seconds, bench.ticks).await {
            Ok(w) => w,
            Err(e) => {
                stop_reason = format!("measuring {count} viewers failed: {e:#}");
                break;
            }
        };
        let (viewer_fps, client_fps) = split_fps(&window, clients.len());
        let base_cpu = *baseline_cpu.get_or_insert(window.server_cpu);
        let pass = count == 0 || viewer_fps >= config.viewer_min_fps;
        rows.push(step_row(
            count,
            pass,
            &window,
            base_cpu,
            (viewer_fps, client_fps),
        ));
        if !pass {
            stop_reason = format!(
                "with {count} viewers the slowest got {viewer_fps:.1} fps (< {})",
                config.viewer_min_fps
            );
            break;
        }
        sustained = count;
        if count >= config.max_viewers || !server.is_running() {
            break;
        }
        let step = config.viewer_step.min(config.max_viewers - count);
        if let Err(reason) = add_viewers(&base, ticket, viewers, step).await {
            stop_reason = reason;
            break;
        }
        count = viewers.len();
        viewer::wait_first_frames(viewers, VIEWER_FIRST_FRAME_TIMEOUT).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!("sustained: {sustained} viewers ({stop_reason})");
    json!({
        "sustained_viewers": sustained,
        "stop_reason": stop_reason,
        "steps": rows,
    })
}

/// Prints the step with `count` viewers and returns its row in the report; `base_cpu` is the
/// server's CPU with the room alone, `fps` the slowest viewer's and participant's.
fn step_row(count: usize, pass: bool, window: &Window, base_cpu: f64, fps: (f64, f64)) -> Value {
    let (viewer_fps, client_fps) = fps;
    let per_viewer = (count > 0).then(|| (window.server_cpu - base_cpu) / count as f64);
    println!(
        "viewers {count:3}: {} slowest viewer {:.1} fps, slowest participant {:.1} fps; \
         server CPU {:.1} % ({:.2}× the room alone{}), RSS {:.0} MiB; load {}",
        if pass { "PASS" } else { "FAIL" },
        viewer_fps,
        client_fps,
        window.server_cpu,
        window.server_cpu / base_cpu.max(0.1),
        per_viewer
            .map(|p| format!(", {p:.2} % per viewer"))
            .unwrap_or_default(),
        window.rss_kib as f64 / 1024.0,
        window.load,
    );
    json!({
        "viewers": count,
        "pass": pass,
        "viewer_fps_min": round(viewer_fps, 2),
        "participant_fps_min": round(client_fps, 2),
        "server_cpu_percent": round(window.server_cpu, 1),
        "ratio_to_room_alone": round(window.server_cpu / base_cpu.max(0.1), 2),
        "server_cpu_per_viewer_percent": per_viewer.map(|p| round(p, 2)),
        "server_rss_mib": round(window.rss_kib as f64 / 1024.0, 1),
        "clients_process_cpu_percent": round(window.bench_cpu, 1),
        "machine_busy_percent": round(window.machine_busy, 1),
        "load_average": window.load,
    })
}

/// Connects `step` more viewers after those already in `viewers`; the error says which one
/// could not connect.
async fn add_viewers(
    base: &str,
    (room_id, token): &(String, String),
    viewers: &mut Vec<LoadViewer>,
    step: usize,
) -> Result<(), String> {
    let count = viewers.len();
    for i in 0..step {
        let name = format!("viewer-{}", count + i + 1);
        match LoadViewer::watch(base, ("bench-viewers", room_id, token), &name, false).await {
            Ok(v) => viewers.push(v),
            Err(e) => return Err(format!("{name} could not connect: {e:#}")),
        }
    }
    Ok(())
}

/// The slowest viewer's and the slowest participant's mean fps; the first `participants`
/// receivers of the window are the load clients.
pub fn split_fps(window: &Window, participants: usize) -> (f64, f64) {
    let min = |it: &mut dyn Iterator<Item = f64>| it.fold(f64::INFINITY, f64::min);
    let fps = window.receivers.iter().map(|r| r.fps_mean);
    let clients = min(&mut fps.clone().take(participants));
    let viewers = min(&mut fps.skip(participants));
    (if viewers.is_finite() { viewers } else { 0.0 }, clients)
}
