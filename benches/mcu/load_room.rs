//! Rooms of load clients: joining them (a gap apart, as people arrive), waiting for their
//! first frames, leaving.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::Bench;
use super::client::LoadClient;
use super::server::Server;

pub const PARTICIPANTS_PER_ROOM: usize = 4;
pub const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(20);

/// Joins [`PARTICIPANTS_PER_ROOM`] clients to a new room labelled `room`, the i-th starting
/// `i × BENCH_JOIN_GAP_MS` after the first.
pub async fn join_room(bench: &Bench, server: &Server, room: &str) -> Result<Vec<LoadClient>> {
    let ticket = server.guest_ticket(room)?;
    join_room_with(bench, server, room, &ticket).await
}

/// [`guest_room`], then waits for every client's first frame and `BENCH_SETTLE_SECONDS`.
pub async fn settled_guest_room(
    bench: &Bench,
    server: &mut Server,
    label: &str,
) -> Result<((String, String), Vec<LoadClient>)> {
    let room = guest_room(bench, server, label).await?;
    wait_first_frames(&room.1, FIRST_FRAME_TIMEOUT).await;
    tokio::time::sleep(Duration::from_secs(bench.config.settle_seconds)).await;
    Ok(room)
}

/// A new room labelled `label` with a guest invite, and its load clients joined with it.
pub async fn guest_room(
    bench: &Bench,
    server: &mut Server,
    label: &str,
) -> Result<((String, String), Vec<LoadClient>)> {
    let ticket = server.guest_ticket(label)?;
    let clients = join_room_with(bench, server, label, &ticket).await?;
    Ok((ticket, clients))
}

/// [`join_room`] into the room of `ticket` (room id, invite token).
async fn join_room_with(
    bench: &Bench,
    server: &Server,
    room: &str,
    ticket: &(String, String),
) -> Result<Vec<LoadClient>> {
    let config = &bench.config;
    let mut tasks = Vec::new();
    for i in 0..PARTICIPANTS_PER_ROOM {
        let ws = server.ws_url();
        let room = room.to_owned();
        let ticket = ticket.clone();
        let clip = bench.clip.clone();
        let feeder = bench.feeder.clone();
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
        leave_all(&mut clients).await;
        bail!("joining {room}: {}", errors.join("; "));
    }
    Ok(clients)
}

/// Waits until every client has shown a first frame; false on timeout.
pub async fn wait_first_frames(clients: &[LoadClient], timeout: Duration) -> bool {
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

pub async fn leave_all(clients: &mut [LoadClient]) {
    for c in clients.iter_mut() {
        c.leave().await;
    }
}

/// The first load clients' errors (pipeline, signalling) for the report.
pub fn client_errors(clients: &[&LoadClient]) -> Vec<String> {
    clients
        .iter()
        .flat_map(|c| c.stats.errors())
        .take(20)
        .collect()
}
