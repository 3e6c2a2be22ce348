//! Phase 1, `room`: one room of load clients on the real server for `BENCH_SECONDS`: the
//! server's CPU, RSS and threads, every receiver's composite fps, and join-to-first-frame.

use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::Bench;
use super::client::LoadClient;
use super::join_times::JoinTimes;
use super::load_room::{
    FIRST_FRAME_TIMEOUT, client_errors, join_room, leave_all, wait_first_frames,
};
use super::perf::{self, Perf};
use super::server::Server;
use super::stats::round;
use super::window::{Window, measure, receivers};

pub async fn run(bench: &Bench, server: &mut Server) -> Result<Value> {
    let config = &bench.config;
    let mut clients = join_room(bench, server, "bench-room").await?;
    let all_first = wait_first_frames(&clients, FIRST_FRAME_TIMEOUT).await;
    let refs: Vec<&LoadClient> = clients.iter().collect();
    let joins = JoinTimes::of(&refs);
    println!("{}", joins.line());
    if !all_first {
        println!("(waited {FIRST_FRAME_TIMEOUT:?} for the first frames)");
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let perf = Perf::start_if(config.perf, server.pid(), "server");
    let window = measure(server, &receivers(&refs), config.seconds, bench.ticks).await;
    let perf = perf.map(Perf::finish);
    if let Some(p) = &perf {
        perf::print_by_library(p, "server", 12);
    }
    let errors = client_errors(&refs);
    leave_all(&mut clients).await;
    let window = window?;
    if !server.is_running() {
        bail!("the server exited during phase 1:\n{}", server.log_tail(20));
    }
    print_window(&window);
    Ok(room_json(&window, &joins, perf, errors))
}

fn print_window(window: &Window) {
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
}

fn room_json(
    window: &Window,
    joins: &JoinTimes,
    perf: Option<Value>,
    errors: Vec<String>,
) -> Value {
    json!({
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
    })
}
