//! Layouts switched live over the socket, and the active speaker taking the large tile: test
//! publishers of known colours whose tones are turned on and off, checked by the pixels of
//! the composite and by the `layout` messages everyone is sent.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connect_right::domain::layout::Layout;
use connect_right::media::layout::Rect;
use connect_right::media::layouts::{Camera, Cast, Layouts, place};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::analysis::{BLUE, CANVAS, GREEN, tile_report, wait_until_async};
use support::gst_peer::{GstPeer, VideoCodec};
use support::scenes::{green_and_blue, green_blue_grid};
use support::server::TestServer;
use support::watcher::{self, Socket};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// A speaker who talks clearly is shown large within this (the bound).
const TAKEOVER_WITHIN: Duration = Duration::from_secs(2);
/// A layout switch reaches the composite within this.
const SWITCH_WITHIN: Duration = Duration::from_secs(2);

/// Every `layout` message a socket gets, with when it arrived.
type LayoutLog = Arc<Mutex<Vec<(Instant, Value)>>>;

/// Reads `ws` in the background, keeping its `layout` messages; returns the log and a sender
/// for messages to the server.
fn listen(ws: Socket) -> (LayoutLog, tokio::sync::mpsc::UnboundedSender<Value>) {
    let log: LayoutLog = Arc::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let (mut sink, mut stream) = ws.split();
    let kept = log.clone();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Text(text) = frame
                && let Ok(v) = serde_json::from_str::<Value>(&text)
                && matches!(v["type"].as_str(), Some("layout" | "error"))
            {
                kept.lock().expect("log").push((Instant::now(), v));
            }
        }
    });
    tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if sink.send(Message::Text(msg.to_string())).await.is_err() {
                break;
            }
        }
    });
    (log, tx)
}

/// The newest logged message of `kind` after `since`.
fn latest(log: &LayoutLog, kind: &str, since: Instant) -> Option<Value> {
    log.lock()
        .expect("log")
        .iter()
        .rev()
        .find(|(at, v)| *at >= since && v["type"] == kind)
        .map(|(_, v)| v.clone())
}

/// When someone became the active speaker, as the `layout` messages tell it.
fn speaker_changes(log: &LayoutLog) -> Vec<(Instant, String)> {
    let mut changes: Vec<(Instant, String)> = Vec::new();
    for (at, v) in log.lock().expect("log").iter() {
        let Some(speaker) = v["speakerId"].as_str().filter(|_| v["type"] == "layout") else {
            continue;
        };
        if changes.last().map(|(_, s)| s.as_str()) != Some(speaker) {
            changes.push((*at, speaker.to_owned()));
        }
    }
    changes
}

/// Where `layout` puts Green and Blue (in join order) with `speaker` active.
fn expected(
    layout: &str,
    green: &GstPeer,
    blue: &GstPeer,
    speaker: Option<&str>,
) -> Vec<(Rect, [u8; 3])> {
    let id = |p: &GstPeer| Uuid::parse_str(p.participant_id()).expect("a uuid");
    let cameras = [green, blue].map(|p| Camera {
        id: id(p),
        presenter: false,
        share: false,
    });
    let speaker = speaker.map(|s| Uuid::parse_str(s).expect("a uuid"));
    let cast = Cast {
        cameras: &cameras,
        speaker,
        recent: &[],
    };
    let layouts = Layouts::built_in();
    let spec = layouts.resolve(&Layout::parse(layout).expect("a name"), &cast);
    let placement = place(spec, &cast, CANVAS);
    [(green, GREEN), (blue, BLUE)]
        .into_iter()
        .filter_map(|(p, colour)| placement.rect_of(id(p)).map(|r| (r, colour)))
        .collect()
}

async fn shows(peer: &GstPeer, tiles: &[(Rect, [u8; 3])], within: Duration) -> bool {
    wait_until_async(within, || {
        peer.latest_frame()
            .is_some_and(|f| tile_report(&f, tiles).is_ok())
    })
    .await
}

/// Sends `layout` from the owner's socket and waits for everyone's `layout` message.
async fn switch(
    owner: &tokio::sync::mpsc::UnboundedSender<Value>,
    log: &LayoutLog,
    layout: &str,
) -> Value {
    let asked = Instant::now();
    owner
        .send(json!({"type": "layout", "layout": layout}))
        .expect("sent");
    let told = wait_until_async(Duration::from_secs(5), || {
        latest(log, "layout", asked).is_some_and(|v| v["layout"] == layout)
    })
    .await;
    assert!(told, "everyone is told of the {layout} layout");
    latest(log, "layout", asked).expect("told")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layouts_switch_live_for_presenters_and_the_owner_and_no_one_else() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "layouts").expect("room set up");
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let ws = server.ws_url();
    let (log, owner) = listen(watcher::join(&ws, &room.id, &room.owner_token, "Host").await);

    for layout in ["speaker", "pip", "single", "presenter", "grid"] {
        let started = Instant::now();
        let told = switch(&owner, &log, layout).await;
        let tiles = expected(layout, &green, &blue, told["speakerId"].as_str());
        assert!(
            shows(&green, &tiles, SWITCH_WITHIN).await,
            "{layout}: {:?}",
            green.latest_frame().map(|f| tile_report(&f, &tiles))
        );
        println!("{layout} shown {:?} after the request", started.elapsed());
    }
    assert!(shows(&green, &green_blue_grid(), SWITCH_WITHIN).await);

    // A participant may not; a name the server does not have is refused by name.
    let mut guest = watcher::join(&ws, &room.id, &room.guest_token, "Guest").await;
    for (layout, code, words) in [
        ("speaker", "forbidden", ""),
        (
            "nope",
            "bad_request",
            "grid, pip, presenter, single, speaker",
        ),
        ("Not A Name", "bad_request", "a-z"),
    ] {
        let msg = json!({"type": "layout", "layout": layout}).to_string();
        guest.send(Message::Text(msg)).await.expect("sent");
        let refused = watcher::next_of(&mut guest, "error").await;
        assert_eq!(refused["code"], code, "{layout}: {refused}");
        let message = refused["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{layout}: {message}");
    }
    let unchanged = green
        .latest_frame()
        .map(|f| tile_report(&f, &green_blue_grid()));
    assert_eq!(unchanged, Some(Ok(())), "refused changes leave the grid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_active_speaker_is_shown_large_and_alternating_voices_do_not_switch_it() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "speakers").expect("room set up");
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let ws = server.ws_url();
    let (log, owner) = listen(watcher::join(&ws, &room.id, &room.owner_token, "Host").await);
    green.set_speaking(false);
    blue.set_speaking(false);
    switch(&owner, &log, "speaker").await;
    // Both spoke on joining: let the hold of whoever took over run out in silence.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let current = latest(&log, "layout", Instant::now() - Duration::from_secs(60))
        .and_then(|v| v["speakerId"].as_str().map(str::to_owned));

    // The one who is not the active speaker talks: it is shown large.
    let (talker, other) = if current.as_deref() == Some(blue.participant_id()) {
        (&green, &blue)
    } else {
        (&blue, &green)
    };
    let started = Instant::now();
    talker.set_speaking(true);
    let tiles = expected("speaker", &green, &blue, Some(talker.participant_id()));
    assert!(
        shows(&green, &tiles, TAKEOVER_WITHIN + Duration::from_millis(500)).await,
        "{} is large within {TAKEOVER_WITHIN:?}: {:?}",
        talker.name(),
        green.latest_frame().map(|f| tile_report(&f, &tiles))
    );
    let took = started.elapsed();
    println!(
        "{} shown large {took:?} after starting to talk",
        talker.name()
    );
    assert!(took <= TAKEOVER_WITHIN, "took {took:?}");

    // Two people alternating every half second: no switch.
    let switches_before = speaker_changes(&log).len();
    let alternation = Instant::now();
    // Each turn is half a second of one voice: the pace is what is under test.
    for turn in 0..12 {
        let (on, off) = if turn % 2 == 0 {
            (other, talker)
        } else {
            (talker, other)
        };
        on.set_speaking(true);
        off.set_speaking(false);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let changes = speaker_changes(&log);
    assert_eq!(
        changes.len(),
        switches_before,
        "alternating every 0.5 s switched the speaker: {:?}",
        &changes[switches_before..]
    );
    println!("no switch in {:?} of alternation", alternation.elapsed());

    // The other one talks on its own: it takes over, and no two switches came within 2 s.
    talker.set_speaking(false);
    other.set_speaking(true);
    let started = Instant::now();
    let tiles = expected("speaker", &green, &blue, Some(other.participant_id()));
    assert!(
        shows(&green, &tiles, TAKEOVER_WITHIN + Duration::from_millis(500)).await,
        "{} takes over",
        other.name()
    );
    println!(
        "{} shown large {:?} after talking alone",
        other.name(),
        started.elapsed()
    );
    let changes = speaker_changes(&log);
    for pair in changes.windows(2) {
        let apart = pair[1].0.duration_since(pair[0].0);
        assert!(
            apart >= Duration::from_millis(1900),
            "the speaker changed twice within {apart:?}: {changes:?}"
        );
    }
}
