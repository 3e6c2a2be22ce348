//! The `viewers` phase: one room of load clients, then WHEP viewers added a step at a time.
//! Each step measures the server's CPU and every receiver's frame rate; the room alone is the
//! baseline, so the report gives CPU per viewer and the ratio to the room without viewers.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::{
    Clip, Config, FIRST_FRAME_TIMEOUT, Feeder, LoadClient, LoadViewer, Receiver, Server, Window,
    guest_room, leave_all, measure, round, wait_first_frames,
};

/// How long new viewers get to receive their first key frame.
const VIEWER_FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(
    config: &Config,
    server: &mut Server,
    clip: &Arc<Clip>,
    feeder: &Arc<Feeder>,
    ticks: f64,
) -> Value {
    let label = "bench-viewers";
    let (ticket, mut clients) = match guest_room(config, server, label, clip, feeder).await {
        Ok(room) => room,
        Err(e) => return json!({"error": format!("{e:#}")}),
    };
    let mut viewers: Vec<LoadViewer> = Vec::new();
    let result = steps(config, server, &ticket, &clients, &mut viewers, ticks).await;
    for viewer in &mut viewers {
        viewer.leave().await;
    }
    leave_all(&mut clients).await;
    result
}

async fn steps(
    config: &Config,
    server: &mut Server,
    (room_id, token): &(String, String),
    clients: &[LoadClient],
    viewers: &mut Vec<LoadViewer>,
    ticks: f64,
) -> Value {
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
        let window = match measure(server, &all, config.room_seconds, ticks).await {
            Ok(w) => w,
            Err(e) => {
                stop_reason = format!("measuring {count} viewers failed: {e:#}");
                break;
            }
        };
        let (viewer_fps, client_fps) = split_fps(&window, clients.len());
        let base_cpu = *baseline_cpu.get_or_insert(window.server_cpu);
        let per_viewer = (count > 0).then(|| (window.server_cpu - base_cpu) / count as f64);
        let pass = count == 0 || viewer_fps >= config.viewer_min_fps;
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
        rows.push(json!({
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
        }));
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
        for i in 0..step {
            let name = format!("viewer-{}", count + i + 1);
            match LoadViewer::watch(&base, ("bench-viewers", room_id, token), &name, false).await {
                Ok(v) => viewers.push(v),
                Err(e) => {
                    stop_reason = format!("{name} could not connect: {e:#}");
                    break;
                }
            }
        }
        if viewers.len() < count + step {
            break;
        }
        count = viewers.len();
        let deadline = tokio::time::Instant::now() + VIEWER_FIRST_FRAME_TIMEOUT;
        while !viewers.iter().all(|v| v.stats.has_first_frame())
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!("sustained: {sustained} viewers ({stop_reason})");
    json!({
        "sustained_viewers": sustained,
        "stop_reason": stop_reason,
        "steps": rows,
    })
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
