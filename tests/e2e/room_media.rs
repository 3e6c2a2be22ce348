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
use support::chromium::ChromiumClient;
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
    let ticket = room.guest();

    // Let anything the server starts lazily after its first request settle first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let threads_before = thread_count(pid)?;
    let fds_before = fd_count(pid)?;
    let (names_before, targets_before) = (thread_names(pid)?, fd_targets(pid)?);
    println!("before the first join: {threads_before} threads, {fds_before} fds");

    // Join in a fixed order: tile index is join order.
    let started = Instant::now();
    let chrome = ChromiumClient::start(&server.url(), &room, "Red", &media, &TONES)?;
    let chrome = Client::Chrome(chrome);
    let red_play = wait_playing(&chrome, started).await;
    let started = Instant::now();
    let green = Client::Gst(
        GstPeer::join(
            &server.ws_url(),
            &ticket,
            "Green",
            GREEN,
            GREEN_HZ,
            VideoCodec::H264,
        )
        .await?,
    );
    let green_play = wait_playing(&green, started).await;
    // Let green's stream settle, so that the gap measured across blue's join is the join's.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let blue_join_at = started;
    let blue = Client::Gst(
        GstPeer::join(
            &server.ws_url(),
            &ticket,
            "Blue",
            BLUE,
            BLUE_HZ,
            // H.264 keeps three decoding clients and the server within two cores; the VP8
            // encode is tested on its own in tests/vp8_fallback.rs.
            VideoCodec::H264,
        )
        .await?,
    );
    let blue_play = wait_playing(&blue, started).await;
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
    let clients = [chrome, green, blue];

    // Blue's join: it sees the composite within a second; the others never stall.
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

    // The third join changes the layout; give every receiver a moment to show it.
    let three = expected_tiles(&[RED, GREEN, BLUE]);
    let settle = Instant::now();
    let mut seqs = [0u64; 3];
    let mut settled = [false; 3];
    while settle.elapsed() < Duration::from_secs(10) && !settled.iter().all(|s| *s) {
        for (i, client) in clients.iter().enumerate() {
            if let Some((_, Ok(frame))) = client.fresh_frame(&mut seqs[i]) {
                settled[i] |= tile_report(&frame, &three).is_ok();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "three tiles shown by all after {:?} (settled {settled:?})",
        settle.elapsed()
    );

    // Measure.
    let window = Instant::now();
    let (server_cpu_start, load_start) = (cpu_seconds(pid)?, load_average()?);
    let threads_cpu_start = thread_cpu_seconds(pid)?;
    let (me_cpu_start, machine_start) = (cpu_seconds(std::process::id())?, machine_cpu_ticks()?);
    let chrome_stats_start = match &clients[0] {
        Client::Chrome(c) => c.latest_stats(),
        Client::Gst(_) => None,
    };
    let mut judged = [0usize; 3];
    let mut passed = [0usize; 3];
    let mut first_problem: [Option<String>; 3] = Default::default();
    let mut levels: [Vec<Vec<f64>>; 3] = Default::default();
    let mut last_level_at = Instant::now();
    while window.elapsed() < MEASURE_FOR {
        for (i, client) in clients.iter().enumerate() {
            if let Some((_, frame)) = client.fresh_frame(&mut seqs[i]) {
                judged[i] += 1;
                match frame.and_then(|f| tile_report(&f, &three)) {
                    Ok(()) => passed[i] += 1,
                    Err(e) => {
                        first_problem[i].get_or_insert(e);
                    }
                }
            }
        }
        if last_level_at.elapsed() >= Duration::from_secs(1) {
            last_level_at = Instant::now();
            for (i, client) in clients.iter().enumerate() {
                if let Some(l) = client.levels() {
                    levels[i].push(l);
                }
            }
        }
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
    let elapsed = window.elapsed().as_secs_f64();
    println!(
        "measured {elapsed:.1} s: the server used {:.0}% of one core; load average {load_start:.1} → {:.1} \
         (2 cores: anything else running skews these real-time figures)",
        (cpu_seconds(pid)? - server_cpu_start) / elapsed * 100.0,
        load_average()?
    );
    let machine_end = machine_cpu_ticks()?;
    println!(
        "  this test process (two GStreamer peers) used {:.0}% of one core; the whole machine was {:.0}% busy",
        (cpu_seconds(std::process::id())? - me_cpu_start) / elapsed * 100.0,
        (machine_end.0 - machine_start.0) as f64 / (machine_end.1 - machine_start.1).max(1) as f64
            * 100.0
    );
    println!(
        "  busiest server threads: {}",
        busiest_threads(&threads_cpu_start, &thread_cpu_seconds(pid)?, elapsed, 10).join(", ")
    );

    let own_tone = [0usize, 1, 2];
    for (i, client) in clients.iter().enumerate() {
        let label = client.label();
        let (fps, extra) = match client {
            Client::Chrome(c) => {
                let end = c.latest_stats();
                match (&chrome_stats_start, &end) {
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
                    p.frames_since(window) as f64 / elapsed,
                    format!(
                        "{}x{}, max gap {:?}, {:.1} frames/s arriving over RTP",
                        s.width,
                        s.height,
                        p.max_gap_since(window),
                        p.rtp_frames_since(window) as f64 / elapsed
                    ),
                )
            }
        };
        let share = if judged[i] == 0 {
            0.0
        } else {
            passed[i] as f64 / judged[i] as f64
        };
        let tone_levels: Vec<f64> = (0..3)
            .map(|t| median(levels[i].iter().map(|l| l[t]).collect()))
            .collect();
        println!(
            "{label}: {fps:.1} fps, {extra}; tiles right in {}/{} frames ({:.0}%); \
             levels 500 Hz {:.1} dBFS, 700 Hz {:.1} dBFS, 1100 Hz {:.1} dBFS",
            passed[i],
            judged[i],
            share * 100.0,
            tone_levels[0],
            tone_levels[1],
            tone_levels[2]
        );
        if let Some(p) = &first_problem[i] {
            println!("  {label}: first wrong frame: {p}");
        }
        if fps < MIN_FPS {
            failures.push(format!("{label}: composite at {fps:.1} fps (< {MIN_FPS})"));
        }
        if judged[i] == 0 || share < MIN_TILE_SHARE {
            failures.push(format!(
                "{label}: three tiles right in {}/{} frames; first problem: {}",
                passed[i],
                judged[i],
                first_problem[i].as_deref().unwrap_or("no frames")
            ));
        }
        let own = tone_levels[own_tone[i]];
        let others: Vec<f64> = (0..3)
            .filter(|t| *t != own_tone[i])
            .map(|t| tone_levels[t])
            .collect();
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

    // Blue leaves: the others get two tiles side by side quickly and without a stall.
    let [chrome, green, mut blue] = clients;
    let two = expected_tiles(&[RED, GREEN]);
    let leave_at = Instant::now();
    if let Client::Gst(b) = &mut blue {
        b.leave().await?;
    }
    let mut relayout: [Option<Duration>; 2] = [None, None];
    let mut seqs2 = [seqs[0], seqs[1]];
    let mut last_problem: [Option<String>; 2] = [None, None];
    let observe_until = leave_at + RELAYOUT_WITHIN + Duration::from_secs(1);
    while Instant::now() < observe_until {
        for (i, client) in [&chrome, &green].into_iter().enumerate() {
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
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (i, client) in [&chrome, &green].into_iter().enumerate() {
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

    // Everyone leaves: the server gives back every thread and descriptor the room took.
    let (threads_in_room, fds_in_room) = (thread_count(pid)?, fd_count(pid)?);
    let (mut chrome, mut green) = (chrome, green);
    if let Client::Chrome(c) = &chrome {
        c.leave()?;
    }
    if let Client::Gst(g) = &mut green {
        g.leave().await?;
    }
    if let Client::Chrome(c) = &mut chrome {
        wait_until_async(Duration::from_secs(3), || c.has_left()).await;
        if let Err(e) = c.quit() {
            println!("{e:#}");
        }
    }
    let released_from = Instant::now();
    let released = wait_until_async(RELEASE_WITHIN, || {
        matches!((thread_count(pid), fd_count(pid)), (Ok(t), Ok(f)) if t <= threads_before && f <= fds_before)
    })
    .await;
    let (threads_after, fds_after) = (thread_count(pid)?, fd_count(pid)?);
    println!(
        "threads {threads_before} before, {threads_in_room} with two in the room, {threads_after} after; \
         fds {fds_before} / {fds_in_room} / {fds_after}; back to baseline: {released} after {:?}",
        released_from.elapsed()
    );
    if !released {
        println!(
            "  threads added since before the first join: {:?}\n  descriptors added: {:?}",
            added_items(&names_before, &thread_names(pid)?),
            added_items(&targets_before, &fd_targets(pid)?)
        );
        failures.push(format!(
            "server kept resources: threads {threads_after} (before {threads_before}), fds {fds_after} (before {fds_before})"
        ));
    }

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
