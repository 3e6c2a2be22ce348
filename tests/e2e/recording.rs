//! A 10 s recording of a live room: started and stopped by API, everyone told on the socket,
//! finalised into an MP4 that ffprobe and ffmpeg read to the end, showing the participants'
//! tiles; served with HTTP Range, by bearer token or a signed link, to the right people only.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use support::analysis::{CANVAS, Frame, poll_async, tile_report, wait_until_async};
use support::api::{TestRoom, call, member_token};
use support::gst_peer::{GstPeer, VideoCodec};
use support::http::{get, header};
use support::media_probe;
use support::recordings::settled;
use support::scenes::{green_and_blue, green_blue_grid};
use support::server::TestServer;
use support::watcher::{self, next_of_any};

const RECORD_FOR: Duration = Duration::from_secs(10);

/// Streams ffprobe finds, as (codec_type, codec_name), and the container's duration.
fn probe(path: &std::path::Path) -> (Vec<(String, String)>, f64) {
    media_probe::streams_and_duration(&path.to_string_lossy(), Duration::from_secs(30))
        .expect("ffprobe reads the recording")
}

/// The decoded frame at `secs`, as RGB.
fn frame_at(path: &std::path::Path, secs: f64) -> Frame {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-ss", &secs.to_string(), "-i"])
        .arg(path)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Frame {
        width: CANVAS.width as usize,
        height: CANVAS.height as usize,
        data: out.stdout,
    }
}

/// A server with Green and Blue in room `name`, and a member who is not in it.
async fn live_room(name: &str) -> (TestServer, TestRoom, String, (GstPeer, GstPeer)) {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", name).expect("room set up");
    let peers = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let other = member_token(&server.url(), "stranger").expect("another member");
    (server, room, other, peers)
}

/// The API path of recording `id`.
fn recording_path(id: &str) -> String {
    format!("/api/recordings/{id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_starts_a_recording_and_everyone_in_the_room_is_told_of_its_start_and_stop()
{
    let (server, room, other, _peers) = live_room("recorded").await;
    let base = server.url();
    // A watcher on the socket is told when recording starts and stops.
    let mut watcher = watcher::join(&server.ws_url(), &room.id, &room.guest_token, "Watcher").await;

    // Only the owner (or an admin) may start it by API; a participant on the socket may not.
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(&base, "POST", &path, Some(&other), None).expect("reply");
    assert_eq!(r.status, 403, "{:?}", r.body);
    let start = json!({"type":"recording","action":"start"});
    watcher
        .send(Message::Text(start.to_string()))
        .await
        .expect("sent");
    let refused = next_of_any(&mut watcher, &["error"]).await;
    assert_eq!(refused["code"], "forbidden", "{refused}");

    let id = start_as_owner(&base, &room);
    let told = next_of_any(&mut watcher, &["recording"]).await;
    assert_eq!(
        (told["state"].as_str(), told["recordingId"].as_str()),
        (Some("started"), Some(id.as_str()))
    );
    let again = call(&base, "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(again.status, 409, "a second start is a conflict");

    // Someone who joins while the recording runs is told at once.
    let mut late = watcher::join(&server.ws_url(), &room.id, &room.guest_token, "Late").await;
    let told_late = next_of_any(&mut late, &["recording"]).await;
    assert_eq!(
        (
            told_late["state"].as_str(),
            told_late["recordingId"].as_str()
        ),
        (Some("started"), Some(id.as_str())),
        "a late joiner learns of the running recording"
    );
    drop(late);

    stop_as_owner(&base, &room);
    let told = next_of_any(&mut watcher, &["recording"]).await;
    assert_eq!(told["state"], "stopped");
}

/// Starts recording `room` by API as its owner; returns the recording's id.
fn start_as_owner(base: &str, room: &TestRoom) -> String {
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(base, "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["status"], "recording");
    r.str("id")
}

/// Stops recording `room` by API as its owner.
fn stop_as_owner(base: &str, room: &TestRoom) {
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(base, "DELETE", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_second_recording_is_playable_complete_and_served_to_the_right_people() {
    let (server, room, other, peers) = live_room("recorded").await;
    let base = server.url();
    let id = start_as_owner(&base, &room);
    let started = Instant::now();
    // The measurement: let 10 s of the room accumulate in the recording.
    tokio::time::sleep(RECORD_FOR.saturating_sub(started.elapsed())).await;
    stop_as_owner(&base, &room);

    let view = finalised(&server, &room, &id).await;
    let file_url = format!("{base}{}/file", recording_path(&id));
    let body = downloaded_with_ranges(&file_url, &room.owner_token, &view);
    let seconds = check_recorded_media(&body);
    check_who_may_fetch(&base, &id, &other);
    plays_to_the_end_through_a_signed_link(&base, &id, &room.owner_token, seconds, body.len());
    check_listing(&base, &room, &other);

    // Deleting removes the row and the file.
    let rec_path = recording_path(&id);
    let r = call(&base, "DELETE", &rec_path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 204);
    let r = call(&base, "GET", &rec_path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 404);
    assert!(
        !server
            .data_dir()
            .join("recordings")
            .join(format!("{id}.mp4"))
            .exists()
    );
    drop(peers);
}

/// Finalised into an MP4 within a few seconds, 10 ± 1 s long, with both participants in its
/// timeline; returns the recording's row.
async fn finalised(server: &TestServer, room: &TestRoom, id: &str) -> Value {
    let view = settled(server, &room.owner_token, id).await;
    assert_ne!(view["status"], "failed", "{view:?}");
    assert_eq!(view["status"], "ready", "not ready: {view:?}");
    let duration_ms = view["durationMs"].as_i64().unwrap_or(0);
    println!("recording {id}: {duration_ms} ms, {} bytes", view["bytes"]);
    assert!(
        (9_000..=11_000).contains(&duration_ms),
        "duration {duration_ms} ms"
    );
    let names: Vec<&str> = view["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Green") && names.contains(&"Blue"),
        "timeline: {names:?}"
    );
    view
}

/// The owner downloads the whole file as an attachment, then ranges of it; returns the file.
fn downloaded_with_ranges(file_url: &str, token: &str, view: &Value) -> Vec<u8> {
    let (status, headers, body) = get(file_url, Some(token), None);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "video/mp4");
    assert!(
        header(&headers, "content-disposition").starts_with("attachment"),
        "{headers:?}"
    );
    assert_eq!(Some(body.len() as i64), view["bytes"].as_i64());
    let len = body.len();
    let (s, h, part) = get(file_url, Some(token), Some("bytes=0-99"));
    assert_eq!((s, part.as_slice()), (206, &body[..100]));
    assert_eq!(header(&h, "content-range"), format!("bytes 0-99/{len}"));
    let (s, _, part) = get(file_url, Some(token), Some("bytes=-100"));
    assert_eq!((s, part.as_slice()), (206, &body[len - 100..]));
    let (s, _, part) = get(file_url, Some(token), Some(&format!("bytes={}-", len - 10)));
    assert_eq!((s, part.as_slice()), (206, &body[len - 10..]));
    let (s, _, _) = get(file_url, Some(token), Some(&format!("bytes={}-", len + 10)));
    assert_eq!(s, 416, "a range past the end is unsatisfiable");
    body
}

/// What the file holds: H.264 and audio, 10 ± 1 s, decodable to the end, both tiles; returns
/// its duration as ffprobe reads it.
fn check_recorded_media(body: &[u8]) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let mp4 = dir.path().join("rec.mp4");
    std::fs::write(&mp4, body).expect("saved");
    let (streams, seconds) = probe(&mp4);
    assert!(
        streams.contains(&("video".into(), "h264".into())),
        "{streams:?}"
    );
    assert!(streams.iter().any(|(t, _)| t == "audio"), "{streams:?}");
    assert!(
        (9.0..=11.0).contains(&seconds),
        "ffprobe duration {seconds}"
    );
    media_probe::assert_decodes_cleanly(&mp4);
    let frame = frame_at(&mp4, 5.0);
    tile_report(&frame, &green_blue_grid())
        .unwrap_or_else(|e| panic!("the recorded composite: {e}"));
    seconds
}

/// Not another member, not anonymous: neither the row nor the file.
fn check_who_may_fetch(base: &str, id: &str, other: &str) {
    let rec_path = recording_path(id);
    let file_url = format!("{base}{rec_path}/file");
    let r = call(base, "GET", &rec_path, Some(other), None).expect("reply");
    assert_eq!(r.status, 403);
    let r = call(base, "GET", &rec_path, None, None).expect("reply");
    assert_eq!(r.status, 401);
    assert_eq!(get(&file_url, None, None).0, 401);
    assert_eq!(get(&file_url, Some(other), None).0, 403);
}

/// A signed link works without a header (a `<video>` element of a page of the server plays
/// the `seconds` long, `len` byte file to the end through it); a tampered one does not.
fn plays_to_the_end_through_a_signed_link(
    base: &str,
    id: &str,
    owner: &str,
    seconds: f64,
    len: usize,
) {
    let link = format!("{}/link", recording_path(id));
    let r = call(base, "POST", &link, Some(owner), None).expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let signed = format!("{base}{}", r.str("url"));
    let (s, _, signed_body) = get(&signed, None, None);
    assert_eq!((s, signed_body.len()), (200, len));
    let played = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/play_video.mjs"
        ))
        .args(["--origin", base, "--src", &r.str("url")])
        .output()
        .expect("node runs");
    let report: Value = serde_json::from_slice(&played.stdout).unwrap_or_else(|_| {
        panic!(
            "play_video.mjs: {}{}",
            String::from_utf8_lossy(&played.stdout),
            String::from_utf8_lossy(&played.stderr)
        )
    });
    println!("Chromium <video>: {report}");
    assert_eq!(report["event"], "ended", "{report}");
    let played_to = report["currentTime"].as_f64().unwrap_or(0.0);
    assert!(
        (played_to - seconds).abs() < 0.5,
        "played to {played_to} of {seconds} s"
    );
    assert_eq!(report["width"], 1280);
    let tampered = signed
        .replace("sig=", "sig=0")
        .replacen("sig=00", "sig=01", 1);
    assert_eq!(get(&tampered, None, None).0, 403);
}

/// The owner's list has the recording, another member's has not; the list filters by room
/// and date.
fn check_listing(base: &str, room: &TestRoom, other: &str) {
    let r = call(
        base,
        "GET",
        "/api/recordings",
        Some(&room.owner_token),
        None,
    )
    .expect("reply");
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
    let r = call(base, "GET", "/api/recordings", Some(other), None).expect("reply");
    assert_eq!(
        r.body["items"].as_array().map(Vec::len),
        Some(0),
        "not another member's"
    );
    let count = |query: &str| {
        let path = format!("/api/recordings?{query}");
        let r = call(base, "GET", &path, Some(&room.owner_token), None).expect("reply");
        (
            r.status,
            r.body["items"].as_array().map(Vec::len).unwrap_or(0),
        )
    };
    assert_eq!(count(&format!("room={}", room.id)), (200, 1));
    assert_eq!(count("room=another-room"), (200, 0));
    assert_eq!(count("from=2000-01-01T00:00:00Z"), (200, 1));
    assert_eq!(count("from=2999-01-01T00:00:00Z"), (200, 0));
    assert_eq!(count("to=2000-01-01T00:00:00Z"), (200, 0));
    assert_eq!(count("from=yesterday").0, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_record_room_records_each_session_once_until_everyone_leaves() {
    // Signed links last 1 s here, so that their expiry can be seen.
    let server =
        TestServer::start_full(&[], None, "[http]\nsigned_link_secs = 1").expect("server starts");
    let base = server.url();
    let room = server.room("owner", "always-on").expect("room set up");
    let settings = format!("/api/rooms/{}", room.id);
    let auto = json!({"autoRecord": true});
    let r = call(
        &base,
        "PATCH",
        &settings,
        Some(&room.owner_token),
        Some(auto),
    )
    .expect("reply");
    assert_eq!(r.body["autoRecord"], true);
    let list = || {
        call(
            &base,
            "GET",
            "/api/recordings",
            Some(&room.owner_token),
            None,
        )
        .expect("reply")
        .body["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };

    // The first join starts it; the second join does not start another.
    let (mut green, mut blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let items = list();
    assert_eq!(items.len(), 1, "one recording for the session: {items:?}");
    assert_eq!(items[0]["status"], "recording");
    assert_eq!(
        items[0]["startedBy"],
        Value::Null,
        "started by the room, not a person"
    );
    // The measurement: let 3 s of the session accumulate in the recording.
    tokio::time::sleep(Duration::from_secs(3)).await;

    // The last one out finishes it.
    green.leave().await.expect("green leaves");
    blue.leave().await.expect("blue leaves");
    let mut items = Vec::new();
    let done = poll_async(Duration::from_secs(20), Duration::from_millis(200), || {
        items = list();
        (items[0]["status"] == "ready").then(|| items[0].clone())
    })
    .await;
    let done = done.unwrap_or_else(|| panic!("not finished: {items:?}\n{}", server.log_tail(60)));
    let events: Vec<(String, String)> = done["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["event"].as_str().unwrap_or("").to_owned(),
                e["name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    println!(
        "auto recording: {} ms, timeline {events:?}",
        done["durationMs"]
    );
    assert!(
        events.contains(&("left".into(), "Green".into())),
        "{events:?}"
    );
    assert!(
        events.contains(&("left".into(), "Blue".into())),
        "{events:?}"
    );
    assert!(done["durationMs"].as_i64().unwrap_or(0) >= 3_000);

    // An admin sees every recording; a signed link stops working once it expires.
    let admin = make_admin(&server, "boss");
    let id = done["id"].as_str().unwrap_or("").to_owned();
    let admin_get = || {
        call(
            &base,
            "GET",
            &format!("/api/recordings/{id}"),
            Some(&admin),
            None,
        )
        .expect("reply")
    };
    let r = admin_get();
    assert_eq!(r.status, 200, "admins see all: {:?}", r.body);
    let r = call(&base, "GET", "/api/recordings", Some(&admin), None).expect("reply");
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
    let link = format!("/api/recordings/{id}/link");
    let r = call(&base, "POST", &link, Some(&admin), None).expect("reply");
    let signed = format!("{base}{}", r.str("url"));
    assert_eq!(
        get(&signed, None, Some("bytes=0-9")).0,
        206,
        "fresh link works"
    );
    let expired = wait_until_async(Duration::from_secs(5), || {
        get(&signed, None, Some("bytes=0-9")).0 != 206
    })
    .await;
    let (status, _, body) = get(&signed, None, None);
    assert!(expired, "the link still works after 5 s");
    assert_eq!(
        status,
        403,
        "expired link: {}",
        String::from_utf8_lossy(&body)
    );

    // A new session (after the room emptied) gets a recording of its own.
    let again = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let items = list();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[1]["status"], "recording");
    drop(again);

    // Deleting the room keeps its recordings, files included.
    let r = call(&base, "DELETE", &settings, Some(&room.owner_token), None).expect("reply");
    assert!(r.status < 300, "the owner deletes the room: {:?}", r.body);
    let r = admin_get();
    assert_eq!(
        r.status, 200,
        "the recording outlives its room: {:?}",
        r.body
    );
    let r = call(&base, "POST", &link, Some(&admin), None).expect("reply");
    let (status, _, body) = get(&format!("{base}{}", r.str("url")), None, None);
    assert_eq!(status, 200);
    assert!(
        body.len() > 10_000,
        "the file is still there ({} bytes)",
        body.len()
    );
}

/// Creates an admin with the real command line and signs it in; returns its token.
fn make_admin(server: &TestServer, username: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_connect-right"))
        .args(["admin", "create", "--username", username])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite", server.data_dir().display()),
        )
        .env("CONNECT_RIGHT_ADMIN_PASSWORD", support::api::PASSWORD)
        .env_remove("CONNECT_RIGHT_CONFIG")
        .output()
        .expect("the admin command runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    support::api::login(&server.url(), username).expect("the admin signs in")
}
