//! End to end: the real server, a Chromium participant and two GStreamer participants in one
//! room, judged on what each of them actually receives (1280×720@30 composite, mix-minus audio).
//!
//! Run alone (`cargo test --test e2e room_media:: -- --nocapture`): it is real time, and the machine
//! has two cores.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::layout::{Rect, grid};
use support::analysis::{BLUE, CANVAS, GREEN, RED};
use support::analysis::{Frame, tile_report, wait_until_async};
use support::api::TestRoom;
use support::chromium::{ChromeStats, ChromiumClient};
use support::gst_peer::{GstPeer, VideoCodec};
use support::media_files::FakeMedia;
use support::server::{
    TestServer, added_items, busiest_threads, cpu_seconds, fd_count, fd_targets, load_average,
    machine_cpu_ticks, thread_count, thread_cpu_seconds, thread_names,
};

const ROOM: &str = "mcu-e2e";
const RED_HZ: u32 = 500;
const GREEN_HZ: u32 = 700;
const BLUE_HZ: u32 = 1100;
const TONES: [u32; 3] = [RED_HZ, GREEN_HZ, BLUE_HZ];

const PLAY_TIMEOUT: Duration = Duration::from_secs(30);
const MEASURE_FOR: Duration = Duration::from_secs(8);
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
const MIN_FPS: f64 = 20.0;
const MIN_TILE_SHARE: f64 = 0.9;
const MIN_OTHER_DBFS: f64 = -45.0;
const MIN_OWN_MARGIN_DB: f64 = 20.0;
const RELAYOUT_WITHIN: Duration = Duration::from_secs(2);
const MAX_GAP: Duration = Duration::from_millis(300);
const RELEASE_WITHIN: Duration = Duration::from_secs(10);
/// A joiner to a running room sees the composite within this (from sending `join`).
const JOINER_FIRST_FRAME: Duration = Duration::from_secs(1);

#[test]
fn three_participants_see_the_grid_hear_everyone_else_and_leave_nothing_behind() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let server = TestServer::start().expect("the server starts and answers /healthz");
    let failures = runtime.block_on(scenario(&server)).unwrap_or_else(|e| {
        panic!(
            "the scenario could not run: {e:#}\nserver log:\n{}",
            server.log_tail(60)
        )
    });
    assert!(
        failures.is_empty(),
        "{} check(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// One participant as the checks see it: what it sent and what it received.
enum Client {
    Chrome(ChromiumClient),
    Gst(GstPeer),
}

impl Client {
    fn label(&self) -> &'static str {
        match self {
            Client::Chrome(_) => "red (Chromium)",
            Client::Gst(p) if p.name() == "Green" => "green (GStreamer H.264)",
            Client::Gst(_) => "blue (GStreamer H.264)",
        }
    }

    fn is_playing(&self) -> bool {
        match self {
            Client::Chrome(c) => c.is_playing(),
            Client::Gst(p) => p.is_playing(),
        }
    }

    /// A frame not judged before, if there is one (Chromium reports one every 500 ms), and
    /// when it was shown.
    fn fresh_frame(&self, last_seq: &mut u64) -> Option<(Instant, Result<Frame, String>)> {
        match self {
            Client::Chrome(c) => {
                // Only a new picture is worth decoding.
                if c.frame_seq() == *last_seq {
                    return None;
                }
                let latest = c.latest_frame()?;
                if latest.seq == *last_seq {
                    return None;
                }
                *last_seq = latest.seq;
                let frame = latest.frame.map_err(|e| format!("undecodable PNG: {e:#}"));
                Some((latest.grabbed_at.unwrap_or_else(Instant::now), frame))
            }
            Client::Gst(p) => {
                let frames = p.stats().frames;
                if frames == *last_seq {
                    return None;
                }
                *last_seq = frames;
                let at = p.latest_frame_at().unwrap_or_else(Instant::now);
                p.latest_frame().map(|f| (at, Ok(f)))
            }
        }
    }

    /// The longest time between two received frames since `since`. Chromium reports it per
    /// second, so its first 200 ms (the second that began before `since`) are skipped.
    fn largest_gap_since(&self, since: Instant) -> Option<Duration> {
        match self {
            Client::Chrome(c) => c
                .stats_since(since + Duration::from_millis(200))
                .iter()
                .map(|s| s.max_gap_ms)
                .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.max(g))))
                .map(|ms| Duration::from_secs_f64(ms / 1000.0)),
            Client::Gst(p) => Some(p.max_gap_since(since)),
        }
    }

    /// Whether the last second came at full rate without a gap over `MAX_GAP`.
    fn is_steady(&self) -> bool {
        match self {
            Client::Chrome(c) => c
                .latest_stats()
                .is_some_and(|s| s.fps >= 25.0 && s.max_gap_ms <= MAX_GAP.as_secs_f64() * 1000.0),
            Client::Gst(p) => {
                let second_ago = Instant::now() - Duration::from_secs(1);
                p.stats().fps >= 25.0 && p.max_gap_since(second_ago) <= MAX_GAP
            }
        }
    }

    fn levels(&self) -> Option<Vec<f64>> {
        let freqs: Vec<f64> = TONES.iter().map(|&f| f as f64).collect();
        match self {
            Client::Chrome(c) => c.audio_levels(&TONES).map(|(_, l)| l),
            Client::Gst(p) => p.audio_levels(&freqs),
        }
    }

    fn diagnostics(&self) -> String {
        match self {
            Client::Chrome(c) => format!("errors {:?}\n{}", c.errors(), c.log_tail(30)),
            Client::Gst(p) => format!(
                "incoming {:?}, roster {:?}, errors {:?}",
                p.incoming_streams(),
                p.roster(),
                p.errors()
            ),
        }
    }
}

fn expected_tiles(colours: &[[u8; 3]]) -> Vec<(Rect, [u8; 3])> {
    grid(colours.len(), CANVAS)
        .into_iter()
        .zip(colours.iter().copied())
        .collect()
}

async fn wait_playing(client: &Client, started: Instant) -> anyhow::Result<Duration> {
    if wait_until_async(PLAY_TIMEOUT, || client.is_playing()).await {
        Ok(started.elapsed())
    } else {
        anyhow::bail!(
            "{} did not play within {PLAY_TIMEOUT:?}: {}",
            client.label(),
            client.diagnostics()
        )
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NEG_INFINITY;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn scenario(server: &TestServer) -> anyhow::Result<Vec<String>> {
    let mut failures = Vec::new();
    let pid = server.pid();
    println!(
        "server {} (pid {pid}), data in {}",
        server.url(),
        server.data_dir().display()
    );
    let media = FakeMedia::generate(RED, RED_HZ)?;
    let room = server.room("owner", ROOM)?;
    let baseline = Baseline::once_settled(pid).await?;

    let (clients, blue_join_at) = join_in_order(server, &room, &media).await?;
    blue_joins_without_stalling_anyone(&clients, blue_join_at, &mut failures).await;
    let mut seqs = settle_on_three_tiles(&clients).await;
    let measured = measure(&clients, pid, &mut seqs).await?;
    for (i, client) in clients.iter().enumerate() {
        judge_grid_and_mix_minus(client, i, &measured, &mut failures);
    }

    let [mut chrome, mut green, mut blue] = clients;
    blue_leaves_and_two_tiles_follow(&chrome, &green, &mut blue, seqs, &mut failures).await?;
    everyone_leaves_and_nothing_stays(&mut chrome, &mut green, pid, &baseline, &mut failures)
        .await?;

    // A GLib CRITICAL means GStreamer was misused somewhere (e.g. a probe dropping an event).
    let criticals = server.log_grep(&["-CRITICAL"], 10);
    if !criticals.is_empty() {
        failures.push(format!("the server logged GLib criticals:\n{criticals}"));
    }

    if !failures.is_empty() {
        for client in [&chrome, &green, &blue] {
            println!("{}: {}", client.label(), client.diagnostics());
        }
        println!(
            "server log (warnings and errors):\n{}",
            server.log_grep(&["error", "warn", "panic", "critical"], 40)
        );
    }
    Ok(failures)
}

/// The server's threads and descriptors before anyone joined.
struct Baseline {
    threads: usize,
    fds: usize,
    names: Vec<String>,
    targets: Vec<String>,
}

impl Baseline {
    /// Taken once the counts have not changed for half a second: whatever the server starts
    /// lazily after its first request has started by then.
    async fn once_settled(pid: u32) -> anyhow::Result<Self> {
        let mut counts = (thread_count(pid)?, fd_count(pid)?);
        let mut changed_at = Instant::now();
        let settled = wait_until_async(Duration::from_secs(5), || {
            let now = (thread_count(pid).unwrap_or(0), fd_count(pid).unwrap_or(0));
            if now != counts {
                (counts, changed_at) = (now, Instant::now());
            }
            changed_at.elapsed() >= Duration::from_millis(500)
        })
        .await;
        let (threads, fds) = (thread_count(pid)?, fd_count(pid)?);
        let (names, targets) = (thread_names(pid)?, fd_targets(pid)?);
        println!("before the first join: {threads} threads, {fds} fds (settled: {settled})");
        Ok(Self {
            threads,
            fds,
            names,
            targets,
        })
    }
}

/// Red (Chromium), Green and Blue join in this order, each once the one before plays (tile
/// index is join order); returns them and when Blue's join began.
async fn join_in_order(
    server: &TestServer,
    room: &TestRoom,
    media: &FakeMedia,
) -> anyhow::Result<([Client; 3], Instant)> {
    let (ws, ticket) = (server.ws_url(), room.guest());
    let started = Instant::now();
    let chrome = ChromiumClient::start(&server.url(), room, "Red", media, &TONES)?;
    let chrome = Client::Chrome(chrome);
    let red_play = wait_playing(&chrome, started).await;
    let started = Instant::now();
    let green = GstPeer::join(&ws, &ticket, "Green", GREEN, GREEN_HZ, VideoCodec::H264).await?;
    let green = Client::Gst(green);
    let green_play = wait_playing(&green, started).await;
    // Green's stream settles (a steady second), so that the gap measured across blue's join
    // is the join's.
    let steady = wait_until_async(Duration::from_secs(5), || green.is_steady()).await;
    println!("green steady before blue's join: {steady}");
    let blue_join_at = Instant::now();
    // H.264 keeps three decoding clients and the server within two cores; the VP8 encode is
    // tested on its own in tests/vp8_fallback.rs.
    let blue = GstPeer::join(&ws, &ticket, "Blue", BLUE, BLUE_HZ, VideoCodec::H264).await?;
    let blue = Client::Gst(blue);
    let blue_play = wait_playing(&blue, blue_join_at).await;
    if let Client::Chrome(c) = &chrome {
        let (joined, playing) = c.click_to_joined_and_playing_ms();
        println!("red (Chromium): Join click→connected {joined:?} ms, →first frame {playing:?} ms");
    }
    for (client, play) in [
        (&chrome, &red_play),
        (&green, &green_play),
        (&blue, &blue_play),
    ] {
        match play {
            // Chromium's figure includes launching the browser and loading the page.
            Ok(d) => println!("{}: start→first frame {d:?}", client.label()),
            Err(e) => println!("{e:#}"),
        }
    }
    for play in [red_play, green_play, blue_play] {
        play?;
    }
    Ok(([chrome, green, blue], blue_join_at))
}

/// Blue's join: it sees the composite within a second; the others never stall.
async fn blue_joins_without_stalling_anyone(
    clients: &[Client; 3],
    blue_join_at: Instant,
    failures: &mut Vec<String>,
) {
    if let Client::Gst(b) = &clients[2] {
        let first = b.first_frame_at().map(|t| t.duration_since(b.joined_at()));
        println!("blue: join→first composite frame {first:?}");
        match first {
            Some(d) if d <= JOINER_FIRST_FRAME => {}
            other => failures.push(format!(
                "blue: first composite frame {other:?} after its join (want ≤ {JOINER_FIRST_FRAME:?})"
            )),
        }
    }
    // The measurement: the window across blue's join runs on for a second, so that it covers
    // a whole second of Chromium's per-second stats after the join.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for client in &clients[..2] {
        let gap = client.largest_gap_since(blue_join_at);
        println!(
            "{}: largest video gap across blue's join {gap:?}",
            client.label()
        );
        match gap {
            Some(g) if g <= MAX_GAP => {}
            other => failures.push(format!(
                "{}: video gap {other:?} across blue's join (want ≤ {MAX_GAP:?})",
                client.label()
            )),
        }
    }
}

/// The third join changes the layout: waits (at most 10 s) until every receiver shows it;
/// returns the frame numbers judged so far.
async fn settle_on_three_tiles(clients: &[Client; 3]) -> [u64; 3] {
    let three = expected_tiles(&[RED, GREEN, BLUE]);
    let settle = Instant::now();
    let mut seqs = [0u64; 3];
    let mut settled = [false; 3];
    wait_until_async(Duration::from_secs(10), || {
        for (i, client) in clients.iter().enumerate() {
            if let Some((_, Ok(frame))) = client.fresh_frame(&mut seqs[i]) {
                settled[i] |= tile_report(&frame, &three).is_ok();
            }
        }
        settled.iter().all(|s| *s)
    })
    .await;
    println!(
        "three tiles shown by all after {:?} (settled {settled:?})",
        settle.elapsed()
    );
    seqs
}

/// What the measurement window saw, per client.
struct Measured {
    window: Instant,
    elapsed: f64,
    chrome_stats_start: Option<ChromeStats>,
    judged: [usize; 3],
    passed: [usize; 3],
    first_problem: [Option<String>; 3],
    levels: [Vec<Vec<f64>>; 3],
}

/// Watches the three clients for `MEASURE_FOR`: judges every fresh frame against the grid
/// and reads the audio levels each second; prints what it cost the server and the machine.
async fn measure(clients: &[Client; 3], pid: u32, seqs: &mut [u64; 3]) -> anyhow::Result<Measured> {
    let three = expected_tiles(&[RED, GREEN, BLUE]);
    let window = Instant::now();
    let load = Load::now(pid)?;
    let mut m = Measured {
        window,
        elapsed: 0.0,
        chrome_stats_start: match &clients[0] {
            Client::Chrome(c) => c.latest_stats(),
            Client::Gst(_) => None,
        },
        judged: [0; 3],
        passed: [0; 3],
        first_problem: Default::default(),
        levels: Default::default(),
    };
    let mut last_level_at = Instant::now();
    while m.window.elapsed() < MEASURE_FOR {
        for (i, client) in clients.iter().enumerate() {
            if let Some((_, frame)) = client.fresh_frame(&mut seqs[i]) {
                m.judged[i] += 1;
                match frame.and_then(|f| tile_report(&f, &three)) {
                    Ok(()) => m.passed[i] += 1,
                    Err(e) => {
                        m.first_problem[i].get_or_insert(e);
                    }
                }
            }
        }
        if last_level_at.elapsed() >= Duration::from_secs(1) {
            last_level_at = Instant::now();
            for (i, client) in clients.iter().enumerate() {
                if let Some(l) = client.levels() {
                    m.levels[i].push(l);
                }
            }
        }
        // The measurement: the clients are sampled every SAMPLE_EVERY for MEASURE_FOR.
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
    m.elapsed = m.window.elapsed().as_secs_f64();
    load.print_since(pid, m.elapsed)?;
    Ok(m)
}

/// CPU figures at the start of a measurement window.
struct Load {
    server_cpu: f64,
    load_average: f64,
    threads_cpu: Vec<(u32, String, f64)>,
    me_cpu: f64,
    machine: (u64, u64),
}

impl Load {
    fn now(pid: u32) -> anyhow::Result<Self> {
        Ok(Self {
            server_cpu: cpu_seconds(pid)?,
            load_average: load_average()?,
            threads_cpu: thread_cpu_seconds(pid)?,
            me_cpu: cpu_seconds(std::process::id())?,
            machine: machine_cpu_ticks()?,
        })
    }

    /// Prints what the server, this process and the machine used in the `elapsed` seconds
    /// since [`Load::now`].
    fn print_since(&self, pid: u32, elapsed: f64) -> anyhow::Result<()> {
        println!(
            "measured {elapsed:.1} s: the server used {:.0}% of one core; load average {:.1} → {:.1} \
             (2 cores: anything else running skews these real-time figures)",
            (cpu_seconds(pid)? - self.server_cpu) / elapsed * 100.0,
            self.load_average,
            load_average()?
        );
        let machine_end = machine_cpu_ticks()?;
        println!(
            "  this test process (two GStreamer peers) used {:.0}% of one core; the whole machine was {:.0}% busy",
            (cpu_seconds(std::process::id())? - self.me_cpu) / elapsed * 100.0,
            (machine_end.0 - self.machine.0) as f64
                / (machine_end.1 - self.machine.1).max(1) as f64
                * 100.0
        );
        println!(
            "  busiest server threads: {}",
            busiest_threads(&self.threads_cpu, &thread_cpu_seconds(pid)?, elapsed, 10).join(", ")
        );
        Ok(())
    }
}

/// The composite's frame rate at `client` over the window, and what else its receiver
/// reports.
fn frame_rate(client: &Client, m: &Measured) -> (f64, String) {
    match client {
        Client::Chrome(c) => {
            let end = c.latest_stats();
            match (&m.chrome_stats_start, &end) {
                (Some(a), Some(b)) if b.t > a.t => (
                    (b.frames.saturating_sub(a.frames)) as f64 / ((b.t - a.t) / 1000.0),
                    format!(
                        "{}x{} (script fps {:.1}, maxGap {:.0} ms)",
                        b.width, b.height, b.fps, b.max_gap_ms
                    ),
                ),
                _ => (0.0, "no stats from the script".to_owned()),
            }
        }
        Client::Gst(p) => {
            let s = p.stats();
            (
                p.frames_since(m.window) as f64 / m.elapsed,
                format!(
                    "{}x{}, max gap {:?}, {:.1} frames/s arriving over RTP",
                    s.width,
                    s.height,
                    p.max_gap_since(m.window),
                    p.rtp_frames_since(m.window) as f64 / m.elapsed
                ),
            )
        }
    }
}

/// Client `i` (whose tone is `TONES[i]`) got the three-tile grid at full rate and heard the
/// two others loudly and itself hardly at all.
fn judge_grid_and_mix_minus(client: &Client, i: usize, m: &Measured, failures: &mut Vec<String>) {
    let label = client.label();
    let (fps, extra) = frame_rate(client, m);
    let (judged, passed) = (m.judged[i], m.passed[i]);
    let share = if judged == 0 {
        0.0
    } else {
        passed as f64 / judged as f64
    };
    let tone_levels: Vec<f64> = (0..3)
        .map(|t| median(m.levels[i].iter().map(|l| l[t]).collect()))
        .collect();
    println!(
        "{label}: {fps:.1} fps, {extra}; tiles right in {passed}/{judged} frames ({:.0}%); \
         levels 500 Hz {:.1} dBFS, 700 Hz {:.1} dBFS, 1100 Hz {:.1} dBFS",
        share * 100.0,
        tone_levels[0],
        tone_levels[1],
        tone_levels[2]
    );
    if let Some(p) = &m.first_problem[i] {
        println!("  {label}: first wrong frame: {p}");
    }
    if fps < MIN_FPS {
        failures.push(format!("{label}: composite at {fps:.1} fps (< {MIN_FPS})"));
    }
    if judged == 0 || share < MIN_TILE_SHARE {
        failures.push(format!(
            "{label}: three tiles right in {passed}/{judged} frames; first problem: {}",
            m.first_problem[i].as_deref().unwrap_or("no frames")
        ));
    }
    let own = tone_levels[i];
    let others: Vec<f64> = (0..3).filter(|t| *t != i).map(|t| tone_levels[t]).collect();
    let weaker = others.iter().copied().fold(f64::INFINITY, f64::min);
    if weaker < MIN_OTHER_DBFS {
        failures.push(format!(
            "{label}: hears the others at {others:?} dBFS (want ≥ {MIN_OTHER_DBFS})"
        ));
    }
    if own > weaker - MIN_OWN_MARGIN_DB {
        failures.push(format!(
            "{label}: hears itself at {own:.1} dBFS, only {:.1} dB under the others (want ≥ {MIN_OWN_MARGIN_DB})",
            weaker - own
        ));
    }
}

/// Blue leaves: the others get two tiles side by side quickly and without a stall.
async fn blue_leaves_and_two_tiles_follow(
    chrome: &Client,
    green: &Client,
    blue: &mut Client,
    seqs: [u64; 3],
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let two = expected_tiles(&[RED, GREEN]);
    let leave_at = Instant::now();
    if let Client::Gst(b) = blue {
        b.leave().await?;
    }
    let mut relayout: [Option<Duration>; 2] = [None, None];
    let mut seqs2 = [seqs[0], seqs[1]];
    let mut last_problem: [Option<String>; 2] = [None, None];
    let observe_until = leave_at + RELAYOUT_WITHIN + Duration::from_secs(1);
    while Instant::now() < observe_until {
        for (i, client) in [chrome, green].into_iter().enumerate() {
            if relayout[i].is_some() {
                continue;
            }
            // Judged by when the frame was shown, not when this loop got to it.
            if let Some((shown_at, frame)) = client.fresh_frame(&mut seqs2[i])
                && shown_at >= leave_at
            {
                match frame.and_then(|f| tile_report(&f, &two)) {
                    Ok(()) => relayout[i] = Some(shown_at.duration_since(leave_at)),
                    Err(e) => last_problem[i] = Some(e),
                }
            }
        }
        // The measurement: a fixed window after the leave, in which the largest video gap is
        // measured too, watched every 50 ms.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (i, client) in [chrome, green].into_iter().enumerate() {
        let label = client.label();
        let gap = client.largest_gap_since(leave_at);
        println!(
            "{label}: after blue left, two tiles after {:?}, largest video gap {gap:?}",
            relayout[i]
        );
        match relayout[i] {
            Some(d) if d <= RELAYOUT_WITHIN => {}
            other => failures.push(format!(
                "{label}: two tiles not shown within {RELAYOUT_WITHIN:?} of the leave ({other:?}); last problem: {}",
                last_problem[i].as_deref().unwrap_or("no new frame")
            )),
        }
        match gap {
            Some(g) if g <= MAX_GAP => {}
            other => failures.push(format!(
                "{label}: video gap {other:?} around the leave (want ≤ {MAX_GAP:?})"
            )),
        }
    }
    Ok(())
}

/// Everyone leaves: the server gives back every thread and descriptor the room took.
async fn everyone_leaves_and_nothing_stays(
    chrome: &mut Client,
    green: &mut Client,
    pid: u32,
    before: &Baseline,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let (threads_in_room, fds_in_room) = (thread_count(pid)?, fd_count(pid)?);
    if let Client::Chrome(c) = chrome {
        c.leave()?;
    }
    if let Client::Gst(g) = green {
        g.leave().await?;
    }
    if let Client::Chrome(c) = chrome {
        wait_until_async(Duration::from_secs(3), || c.has_left()).await;
        if let Err(e) = c.quit() {
            println!("{e:#}");
        }
    }
    let released_from = Instant::now();
    let released = wait_until_async(RELEASE_WITHIN, || {
        matches!((thread_count(pid), fd_count(pid)), (Ok(t), Ok(f)) if t <= before.threads && f <= before.fds)
    })
    .await;
    let (threads_after, fds_after) = (thread_count(pid)?, fd_count(pid)?);
    println!(
        "threads {} before, {threads_in_room} with two in the room, {threads_after} after; \
         fds {} / {fds_in_room} / {fds_after}; back to baseline: {released} after {:?}",
        before.threads,
        before.fds,
        released_from.elapsed()
    );
    if !released {
        println!(
            "  threads added since before the first join: {:?}\n  descriptors added: {:?}",
            added_items(&before.names, &thread_names(pid)?),
            added_items(&before.targets, &fd_targets(pid)?)
        );
        failures.push(format!(
            "server kept resources: threads {threads_after} (before {}), fds {fds_after} (before {})",
            before.threads, before.fds
        ));
    }
    Ok(())
}
