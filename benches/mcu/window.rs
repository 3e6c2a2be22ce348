//! A measuring window: every second for a set time, the server's CPU beside the bench's, and
//! every receiver's composite frames, kbit/s and audio packets.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};

use super::client::{ClientStats, LoadClient};
use super::procfs;
use super::server::Server;
use super::stats::{lowest, mean, round};
use super::viewer::LoadViewer;

/// One receiver's figures over a window.
pub struct ReceiverWindow {
    pub room: String,
    pub name: String,
    pub fps_mean: f64,
    /// Worst one-second interval.
    pub fps_min_1s: f64,
    pub kbps: f64,
    pub audio_pps: f64,
}

pub struct Window {
    pub seconds: f64,
    pub server_cpu: f64,
    pub bench_cpu: f64,
    pub machine_busy: f64,
    pub machine_steal: f64,
    pub receivers: Vec<ReceiverWindow>,
    pub threads: Vec<(String, f64, usize)>,
    pub rss_kib: u64,
    pub hwm_kib: u64,
    pub server_threads: usize,
    pub load: String,
}

impl Window {
    pub fn fps_min(&self) -> f64 {
        lowest(self.receivers.iter().map(|r| r.fps_mean))
    }

    pub fn fps_mean(&self) -> f64 {
        mean(
            &self
                .receivers
                .iter()
                .map(|r| r.fps_mean)
                .collect::<Vec<_>>(),
        )
    }

    pub fn fps_min_1s(&self) -> f64 {
        lowest(self.receivers.iter().map(|r| r.fps_min_1s))
    }

    pub fn receivers_json(&self) -> Value {
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
pub trait Receiver {
    fn room(&self) -> &str;
    fn name(&self) -> &str;
    fn stats(&self) -> &ClientStats;
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
            fn stats(&self) -> &ClientStats {
                &self.stats
            }
        }
    };
}
receiver!(LoadClient);
receiver!(LoadViewer);

/// Load clients as receivers.
pub fn receivers<'a>(clients: &[&'a LoadClient]) -> Vec<&'a dyn Receiver> {
    clients.iter().map(|c| *c as &dyn Receiver).collect()
}

/// A receiver's running totals: composite frames, video bytes, audio packets.
fn counters(c: &dyn Receiver) -> (u64, u64, u64) {
    let stats = c.stats();
    (
        stats.frames.load(Ordering::Relaxed),
        stats.video_bytes.load(Ordering::Relaxed),
        stats.audio_packets.load(Ordering::Relaxed),
    )
}

/// Samples every second for `seconds`: server and bench CPU, every receiver's frames.
pub async fn measure(
    server: &Server,
    clients: &[&dyn Receiver],
    seconds: u64,
    ticks: f64,
) -> Result<Window> {
    let pid = server.pid();
    let threads_before = procfs::thread_ticks(pid);
    let meter = procfs::CpuMeter::start(&[pid, std::process::id()])?;
    let start: Vec<_> = clients.iter().map(|c| counters(*c)).collect();
    let t0 = Instant::now();
    let worst = worst_seconds(clients, &start, t0, seconds).await;
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

/// Wakes each second after `t0` for `seconds`; every receiver's lowest fps over one second,
/// counted on from `start` (its [`counters`] at `t0`).
async fn worst_seconds(
    clients: &[&dyn Receiver],
    start: &[(u64, u64, u64)],
    t0: Instant,
    seconds: u64,
) -> Vec<f64> {
    let mut previous = start.to_vec();
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
    worst
}
