//! The `renditions` phase: one room of load clients, all on the full-size composite; then
//! one client pins the middle rendition, then another the smallest. Each pin starts one more
//! encode of the composite, so the CPU step between windows is what an active rendition costs
//! (the room with one encode is the baseline); pinning both back to the top shows that a
//! rendition nobody receives stops costing anything.

use std::time::Duration;

use serde_json::{Value, json};

use super::Bench;
use super::load_room::{leave_all, settled_guest_room};
use super::server::Server;
use super::stats::round;
use super::window::{Receiver, measure};

/// Which client pins which rendition at each step (the room's shipped ladder).
const STEPS: [(&str, &[(usize, &str)]); 4] = [
    ("top rendition only", &[]),
    ("+ medium (640×360)", &[(0, "medium")]),
    ("+ low (320×180)", &[(0, "medium"), (1, "low")]),
    ("back on top only", &[(0, "high"), (1, "high")]),
];

pub async fn run(bench: &Bench, server: &mut Server) -> Value {
    let label = "bench-renditions";
    let mut clients = match settled_guest_room(bench, server, label).await {
        Ok((_, clients)) => clients,
        Err(e) => return json!({"error": format!("{e:#}")}),
    };
    let mut rows = Vec::new();
    let mut baseline = None;
    let mut previous = None;
    for (label, pins) in STEPS {
        for (client, rendition) in pins {
            if let Some(c) = clients.get(*client) {
                c.pin_rendition(rendition);
            }
        }
        // Time for the new encode to start and the key frame to arrive.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let all: Vec<&dyn Receiver> = clients.iter().map(|c| c as &dyn Receiver).collect();
        let window = match measure(server, &all, bench.config.room_seconds, bench.ticks).await {
            Ok(w) => w,
            Err(e) => {
                rows.push(json!({"step": label, "error": format!("{e:#}")}));
                break;
            }
        };
        let base = *baseline.get_or_insert(window.server_cpu);
        let step = previous.map(|p: f64| window.server_cpu - p);
        previous = Some(window.server_cpu);
        println!(
            "{label:20}: server CPU {:.1} % ({:.2}× the top rendition alone{}), slowest \
             receiver {:.1} fps, RSS {:.0} MiB",
            window.server_cpu,
            window.server_cpu / base.max(0.1),
            step.map(|s| format!(", {s:+.1} % for this step"))
                .unwrap_or_default(),
            window.fps_min(),
            window.rss_kib as f64 / 1024.0,
        );
        rows.push(json!({
            "step": label,
            "server_cpu_percent": round(window.server_cpu, 1),
            "ratio_to_top_only": round(window.server_cpu / base.max(0.1), 2),
            "cpu_step_percent": step.map(|s| round(s, 1)),
            "receiver_fps_min": round(window.fps_min(), 2),
            "server_rss_mib": round(window.rss_kib as f64 / 1024.0, 1),
            "machine_busy_percent": round(window.machine_busy, 1),
        }));
    }
    leave_all(&mut clients).await;
    json!({ "steps": rows })
}
