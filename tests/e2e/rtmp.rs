//! RTMP push of a live room to a real RTMP server (nginx with the RTMP module): the pulled
//! stream carries H.264 and AAC with both publishers' tones; an unreachable server is retried
//! with back-off while the room plays on, and the push recovers once the server comes up; the
//! stream key never reaches the server's log.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::analysis::{poll_async, tone_levels};
use support::api::{Reply, TestRoom, call, member_token};
use support::gst_peer::VideoCodec;
use support::media_probe::{audio_samples, streams};
use support::rtmp_server::{RtmpServer, free_port};
use support::scenes::{BLUE_HZ, GREEN_HZ, green_and_blue};
use support::server::TestServer;
use support::watcher;

/// A key that cannot appear in a log by accident.
const STREAM_KEY: &str = "sk-live-Q7xv93KpzT";

/// A room's push status, as its owner reads it.
struct Status {
    base: String,
    path: String,
    token: String,
}

impl Status {
    fn of(base: &str, room: &TestRoom) -> Self {
        Self {
            base: base.to_owned(),
            path: format!("/api/rooms/{}/rtmp", room.id),
            token: room.owner_token.clone(),
        }
    }

    /// `POST` of `body` as the owner.
    fn start(&self, body: Value) -> Reply {
        call(
            &self.base,
            "POST",
            &self.path,
            Some(&self.token),
            Some(body),
        )
        .expect("reply")
    }

    /// Polls `GET /api/rooms/{id}/rtmp` until `done` holds (at most `secs`); returns the last
    /// reply and the states and attempt counts seen on the way.
    async fn until(&self, secs: u64, done: impl Fn(&Value) -> bool) -> (Value, Vec<Value>) {
        let limit = Duration::from_secs(secs);
        let mut seen = Vec::new();
        let reached = poll_async(limit, Duration::from_millis(250), || {
            let r = call(&self.base, "GET", &self.path, Some(&self.token), None).expect("reply");
            assert_eq!(r.status, 200, "{:?}", r.body);
            // One entry per state and attempt (retryInMs changes on every poll).
            let step = json!({"state": r.body["state"], "attempts": r.body["attempts"]});
            if seen.last() != Some(&step) {
                seen.push(step);
            }
            done(&r.body).then_some(r.body)
        })
        .await;
        match reached {
            Some(body) => (body, seen),
            None => panic!("not reached in {limit:?}; seen {seen:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rtmp_push_is_retried_until_the_server_is_up_and_carries_both_tones() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "pushed").expect("room set up");
    let status = Status::of(&base, &room);
    let rtmp = status.path.clone();
    let port = free_port().expect("a free port");
    let url = format!("rtmp://127.0.0.1:{port}/live/{STREAM_KEY}");
    let body = json!({ "url": url });

    let r = status.start(body.clone());
    assert_eq!(r.status, 409, "nobody in the room: {:?}", r.body);

    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;

    // Refusals: bad URLs, the wrong people.
    for bad in [
        "http://127.0.0.1/live/key",
        "rtmp://127.0.0.1/live",
        "rtmp:///live/key",
        "rtmp://user:pw@127.0.0.1/live/key",
        &format!("rtmp://127.0.0.1/live/{}", "k".repeat(1100)),
    ] {
        let r = status.start(json!({"url": bad}));
        assert_eq!((r.status, r.error_code()), (400, "bad_request"), "{bad}");
    }
    let r = status.start(json!({}));
    assert_eq!(r.status, 400);
    let other = member_token(&base, "stranger").expect("another member");
    let r = call(&base, "POST", &rtmp, Some(&other), Some(body.clone())).expect("reply");
    assert_eq!(r.status, 403);
    let r = call(&base, "GET", &rtmp, Some(&other), None).expect("reply");
    assert_eq!(r.status, 403);

    // Nothing listens on the port yet: retried with back-off, the room unaffected.
    let r = status.start(body.clone());
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["active"], true);
    assert_eq!(r.body["state"], "connecting");
    let target = r.str("target");
    assert_eq!(target, format!("rtmp://127.0.0.1:{port}/live/…"));
    let r = status.start(body.clone());
    assert_eq!(r.status, 409, "already pushing");

    let since = Instant::now();
    let (retrying, seen) = status
        .until(20, |v| {
            v["state"] == "retrying" && v["attempts"].as_u64().unwrap_or(0) >= 4
        })
        .await;
    let window = since.elapsed();
    println!("while unreachable ({window:?}): {seen:?}, last {retrying}");
    assert!(
        retrying["lastError"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    assert!(retrying["retryInMs"].as_u64().is_some(), "{retrying}");
    assert!(!retrying.to_string().contains(STREAM_KEY));
    // 1 + 2 + 4 s between the first four attempts: back-off, not a busy loop.
    assert!(
        window >= Duration::from_secs(6),
        "four attempts in {window:?}"
    );
    let frames = green.frames_since(since);
    let fps = frames as f64 / window.as_secs_f64();
    println!("green received {frames} frames in {window:?}: {fps:.1} fps");
    assert!(fps >= 25.0, "the room plays on: {fps:.1} fps");

    // The server comes up: the push recovers on its next attempt.
    let nginx = RtmpServer::start(port).expect("nginx with the RTMP module starts");
    let up = Instant::now();
    let (live, seen) = status.until(45, |v| v["state"] == "live").await;
    println!("live {:?} after nginx started: {seen:?}", up.elapsed());
    assert_eq!(live["target"], target.as_str());

    // What a player pulls from the server: H.264 and AAC with both tones.
    let pull = nginx.url(STREAM_KEY);
    let found = tokio::task::spawn_blocking({
        let pull = pull.clone();
        move || streams(&pull, Duration::from_secs(30))
    })
    .await
    .expect("joined")
    .expect("ffprobe reads the stream");
    println!("pulled streams: {found:?}");
    assert!(
        found.contains(&("video".into(), "h264".into())),
        "{found:?}"
    );
    assert!(found.contains(&("audio".into(), "aac".into())), "{found:?}");
    let samples =
        tokio::task::spawn_blocking(move || audio_samples(&pull, 5, Duration::from_secs(30)))
            .await
            .expect("joined")
            .expect("ffmpeg decodes the stream");
    let levels =
        tone_levels(&samples, 48_000.0, &[GREEN_HZ as f64, BLUE_HZ as f64]).expect("enough audio");
    println!(
        "RTMP audio: {} samples, {GREEN_HZ} Hz {:.1} dBFS, {BLUE_HZ} Hz {:.1} dBFS",
        samples.len(),
        levels[0],
        levels[1]
    );
    assert!(
        levels.iter().all(|db| *db > -30.0),
        "both tones in the pushed audio: {levels:?} dBFS"
    );

    // Stop.
    let r = call(&base, "DELETE", &rtmp, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = call(&base, "GET", &rtmp, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.body["active"], false, "{:?}", r.body);
    let r = call(&base, "DELETE", &rtmp, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 409, "not pushing any more");

    // The key never reached the server's log (nginx's own log has it: the server did push).
    let leaked = server.log_grep(&[STREAM_KEY], 5);
    assert!(leaked.is_empty(), "stream key in the log:\n{leaked}");
    assert!(
        server.log_grep(&["RTMP push"], 50).contains(&target),
        "the redacted target is logged:\n{}",
        server.log_tail(30)
    );
    assert!(nginx.log().contains(STREAM_KEY), "nginx saw the push");
    drop((green, blue));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_rtmp_server_is_reported_and_the_push_stops_when_the_room_empties() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "dropped").expect("room set up");
    let status = Status::of(&base, &room);
    let rtmp = status.path.clone();
    let nginx = RtmpServer::start(free_port().expect("port")).expect("nginx starts");
    let port = nginx.port();
    let (mut green, mut blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let mut watcher = watcher::join(&server.ws_url(), &room.id, &room.guest_token, "Watcher").await;
    let body = json!({ "url": nginx.url(STREAM_KEY) });
    let r = call(&base, "POST", &rtmp, Some(&room.owner_token), Some(body)).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    status.until(20, |v| v["state"] == "live").await;
    // Everyone in the room is told of each step.
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(
        told,
        json!({"type":"broadcast","hls":false,"rtmp":"connecting"})
    );
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told["rtmp"], "live");

    // The server goes away mid-stream: reported, retried, and back when it returns.
    drop(nginx);
    let dropped = Instant::now();
    let (retrying, _) = status.until(20, |v| v["state"] == "retrying").await;
    println!("drop noticed in {:?}: {retrying}", dropped.elapsed());
    assert!(retrying["lastError"].as_str().is_some(), "{retrying}");
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told["rtmp"], "retrying");
    let since = Instant::now();
    // The measurement: 3 s of the room during the outage.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fps = green.frames_since(since) as f64 / since.elapsed().as_secs_f64();
    println!("green during the outage: {fps:.1} fps");
    assert!(fps >= 25.0, "the room plays on: {fps:.1} fps");
    let nginx = RtmpServer::start(port).expect("nginx restarts");
    let back = Instant::now();
    status.until(45, |v| v["state"] == "live").await;
    println!("live again {:?} after nginx restarted", back.elapsed());
    drop(watcher);

    // Everyone leaves: the push stops with the room.
    green.leave().await.expect("green leaves");
    blue.leave().await.expect("blue leaves");
    status.until(10, |v| v["active"] == false).await;
    let leaked = server.log_grep(&[STREAM_KEY], 5);
    assert!(leaked.is_empty(), "stream key in the log:\n{leaked}");
    drop(nginx);
}
