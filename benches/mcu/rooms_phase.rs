//! Phase 2, `rooms`: rooms of load clients added one at a time, each settled and then measured
//! with all the rooms before it, until a receiver drops below `BENCH_MIN_FPS`, the server
//! exits, or `BENCH_MAX_ROOMS` rooms run.

use std::time::Duration;

use serde_json::{Value, json};

use super::Bench;
use super::client::LoadClient;
use super::join_times::JoinTimes;
use super::load_room::{
    FIRST_FRAME_TIMEOUT, client_errors, join_room, leave_all, wait_first_frames,
};
use super::server::Server;
use super::stats::{lowest, mean, percentile, round};
use super::window::{Window, measure, receivers};

/// One count of rooms measured.
struct Step {
    /// Every receiver saw its first frame and kept up `BENCH_MIN_FPS`.
    pass: bool,
    fps_min: f64,
    /// The step's row in the report.
    row: Value,
}

pub async fn run(bench: &Bench, server: &mut Server) -> Value {
    let config = &bench.config;
    let mut rooms: Vec<Vec<LoadClient>> = Vec::new();
    let mut steps = Vec::new();
    let mut sustained = 0usize;
    let mut stop_reason = format!("reached BENCH_MAX_ROOMS={}", config.max_rooms);
    let mut all_jtff = Vec::new();
    for n in 1..=config.max_rooms {
        let step = match add_room(bench, server, &mut rooms, &mut all_jtff, n).await {
            Ok(step) => step,
            Err(reason) => {
                stop_reason = reason;
                println!("rooms {n}: {stop_reason}");
                break;
            }
        };
        steps.push(step.row);
        if !server.is_running() {
            stop_reason = format!("the server exited with {n} rooms");
            break;
        }
        if !step.pass {
            stop_reason = format!(
                "with {n} rooms the slowest receiver got {:.2} fps (< {})",
                step.fps_min, config.min_fps
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

/// Joins room `n` to `rooms` (its join-to-first-frame times to `all_jtff`), lets it settle and
/// measures every receiver of every room. The error is why the phase stops here.
async fn add_room(
    bench: &Bench,
    server: &Server,
    rooms: &mut Vec<Vec<LoadClient>>,
    all_jtff: &mut Vec<f64>,
    n: usize,
) -> Result<Step, String> {
    let config = &bench.config;
    let room = format!("bench-load-{n}");
    let clients = join_room(bench, server, &room)
        .await
        .map_err(|e| format!("room {n} could not join: {e:#}"))?;
    let got_frames = wait_first_frames(&clients, FIRST_FRAME_TIMEOUT).await;
    let refs: Vec<&LoadClient> = clients.iter().collect();
    let joins = JoinTimes::of(&refs);
    all_jtff.extend(joins.first_frame.iter().copied());
    rooms.push(clients);
    tokio::time::sleep(Duration::from_secs(config.settle_seconds)).await;
    let all: Vec<&LoadClient> = rooms.iter().flatten().collect();
    let window = measure(server, &receivers(&all), config.room_seconds, bench.ticks)
        .await
        .map_err(|e| format!("measuring {n} rooms failed: {e:#}"))?;
    let pass = got_frames && window.fps_min() >= config.min_fps;
    print_step(n, pass, &window, &joins);
    Ok(Step {
        pass,
        fps_min: window.fps_min(),
        row: step_json(n, pass, &window, rooms, &joins, &all),
    })
}

fn print_step(n: usize, pass: bool, window: &Window, joins: &JoinTimes) {
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
        joins
            .p50()
            .map(|v| format!("{v:.0}"))
            .unwrap_or_else(|| "-".into()),
        if joins.missing > 0 {
            format!(", {} receivers saw no frame", joins.missing)
        } else {
            String::new()
        }
    );
}

fn step_json(
    n: usize,
    pass: bool,
    window: &Window,
    rooms: &[Vec<LoadClient>],
    joins: &JoinTimes,
    all: &[&LoadClient],
) -> Value {
    json!({
        "rooms": n,
        "pass": pass,
        "fps_min": round(window.fps_min(), 2),
        "fps_mean": round(window.fps_mean(), 2),
        "fps_worst_second": round(window.fps_min_1s(), 1),
        "per_room": per_room(rooms, window),
        "server_cpu_percent": round(window.server_cpu, 1),
        "server_rss_mib": round(window.rss_kib as f64 / 1024.0, 1),
        "server_threads": window.server_threads,
        "clients_process_cpu_percent": round(window.bench_cpu, 1),
        "machine_busy_percent": round(window.machine_busy, 1),
        "machine_steal_percent": round(window.machine_steal, 1),
        "load_average": window.load,
        "new_room_join_to_first_frame_ms": joins.json(),
        "client_errors": client_errors(all),
    })
}

/// Each room's slowest and mean receiver in `window`.
fn per_room(rooms: &[Vec<LoadClient>], window: &Window) -> Vec<Value> {
    rooms
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
                "fps_min": round(lowest(fps.iter().copied()), 2),
                "fps_mean": round(mean(&fps), 2),
            })
        })
        .collect()
}
