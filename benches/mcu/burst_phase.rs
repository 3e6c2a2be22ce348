//! The `burst` phase: a broadcast's audience arriving together. One room of load clients,
//! then `BENCH_BURST_VIEWERS` WHEP viewers `BENCH_BURST_GAP_MS` apart, once with offers that
//! list audio first and once video first. Reports how many were admitted, join-to-first-frame
//! (offer to the first complete key frame) p50/p95/max, and every receiver's frame rate once
//! they are all in.

use std::time::Duration;

use futures::future::join_all;
use serde_json::{Value, json};

use super::Bench;
use super::client::LoadClient;
use super::config::Config;
use super::load_room::{leave_all, settled_guest_room};
use super::server::Server;
use super::stats::{percentile, round};
use super::text::truncate;
use super::viewer::{self, LoadViewer};
use super::viewers_phase::split_fps;
use super::window::{Receiver, measure};

/// How long the last viewer of a burst gets to receive its first key frame.
const BURST_FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(20);

pub async fn run(bench: &Bench, server: &mut Server) -> Value {
    let config = &bench.config;
    let label = "bench-burst";
    let (ticket, mut clients) = match settled_guest_room(bench, server, label).await {
        Ok(room) => room,
        Err(e) => return json!({"error": format!("{e:#}")}),
    };
    let mut rows = Vec::new();
    for video_first in [false, true] {
        rows.push(burst(config, server, &ticket, &clients, video_first, bench.ticks).await);
        // Let the room settle back to its participants before the next burst.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    leave_all(&mut clients).await;
    json!({ "bursts": rows })
}

async fn burst(
    config: &Config,
    server: &mut Server,
    (room_id, token): &(String, String),
    clients: &[LoadClient],
    video_first: bool,
    ticks: f64,
) -> Value {
    let order = if video_first { "video" } else { "audio" };
    let base = server.base_url();
    let gap = Duration::from_millis(config.burst_gap_ms);
    let arrivals = (0..config.burst_viewers).map(|i| {
        let base = base.clone();
        async move {
            tokio::time::sleep(gap * i as u32).await;
            let name = format!("{order}-first-{i}");
            LoadViewer::watch(&base, ("bench-burst", room_id, token), &name, video_first)
                .await
                .map_err(|e| format!("{name}: {e:#}"))
        }
    });
    let mut viewers = Vec::new();
    let mut refused = Vec::new();
    for result in join_all(arrivals).await {
        match result {
            Ok(v) => viewers.push(v),
            Err(e) => refused.push(e),
        }
    }
    viewer::wait_first_frames(&viewers, BURST_FIRST_FRAME_TIMEOUT).await;
    let first_frame_ms: Vec<f64> = viewers
        .iter()
        .filter_map(|v| v.stats.join_to_first_frame())
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    let mut all: Vec<&dyn Receiver> = clients.iter().map(|c| c as &dyn Receiver).collect();
    all.extend(viewers.iter().map(|v| v as &dyn Receiver));
    let window = measure(server, &all, config.room_seconds, ticks).await;
    let (viewer_fps, client_fps) = match &window {
        Ok(w) => split_fps(w, clients.len()),
        Err(_) => (0.0, 0.0),
    };
    let p = |q| percentile(&first_frame_ms, q).map(|v| round(v, 0));
    let ms = |q| p(q).map_or_else(|| "n/a".to_owned(), |v| format!("{v:.0} ms"));
    println!(
        "{} {order}-first viewers {} ms apart: {} admitted, {} refused, {} without a frame; \
         join to first frame p50 {}, p95 {}, max {}; slowest viewer {:.1} fps, \
         slowest participant {:.1} fps",
        config.burst_viewers,
        config.burst_gap_ms,
        viewers.len(),
        refused.len(),
        viewers.len() - first_frame_ms.len(),
        ms(50.0),
        ms(95.0),
        ms(100.0),
        viewer_fps,
        client_fps,
    );
    for why in refused.iter().take(3) {
        println!("  refused: {}", truncate(why, 200));
    }
    for viewer in &mut viewers {
        viewer.leave().await;
    }
    json!({
        "offer_order": format!("{order} first"),
        "viewers": config.burst_viewers,
        "gap_ms": config.burst_gap_ms,
        "admitted": viewers.len(),
        "refused": refused.len(),
        "first_refusals": refused.iter().take(3).collect::<Vec<_>>(),
        "without_first_frame": viewers.len() - first_frame_ms.len(),
        "join_to_first_frame_ms": {"p50": p(50.0), "p95": p(95.0), "max": p(100.0)},
        "viewer_fps_min": round(viewer_fps, 2),
        "participant_fps_min": round(client_fps, 2),
        "server_cpu_percent": window.as_ref().ok().map(|w| round(w.server_cpu, 1)),
        "error": window.err().map(|e| format!("{e:#}")),
    })
}
