//! A 10 s recording of a live room: started and stopped by API, everyone told on the socket,
//! finalised into an MP4 that ffprobe and ffmpeg read to the end, showing the participants'
//! tiles; served with HTTP Range, by bearer token or a signed link, to the right people only.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use support::analysis::{CANVAS, Frame, tile_report};
use support::api::{call, member_token};
use support::gst_peer::VideoCodec;
use support::http::{get, header};
use support::media_probe;
use support::scenes::{green_and_blue, green_blue_grid};
use support::server::TestServer;
use support::watcher::next_of_any;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_second_recording_is_playable_complete_and_served_to_the_right_people() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "recorded").expect("room set up");
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let tiles = green_blue_grid();

    // A watcher on the socket is told when recording starts and stops.
    let (mut watcher, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .expect("socket");
    let join = json!({"type":"join","room":room.id,"name":"Watcher","token":room.guest_token});
    watcher
        .send(Message::Text(join.to_string()))
        .await
        .expect("sent");

    // Only the owner (or an admin) may start it by API; a participant on the socket may not.
    let other = member_token(&base, "stranger").expect("another member");
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(&base, "POST", &path, Some(&other), None).expect("reply");
    assert_eq!(r.status, 403, "{:?}", r.body);
    watcher
        .send(Message::Text(
            json!({"type":"recording","action":"start"}).to_string(),
        ))
        .await
        .expect("sent");
    let refused = next_of_any(&mut watcher, &["error"]).await;
    assert_eq!(refused["code"], "forbidden", "{refused}");

    let r = call(&base, "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.str("id");
    assert_eq!(r.body["status"], "recording");
    let started = Instant::now();
    let told = next_of_any(&mut watcher, &["recording"]).await;
    assert_eq!(
        (told["state"].as_str(), told["recordingId"].as_str()),
        (Some("started"), Some(id.as_str()))
    );
    let again = call(&base, "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(again.status, 409, "a second start is a conflict");

    // Someone who joins while the recording runs is told at once.
    let (mut late, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .expect("socket");
    let join = json!({"type":"join","room":room.id,"name":"Late","token":room.guest_token});
    late.send(Message::Text(join.to_string()))
        .await
        .expect("sent");
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

    tokio::time::sleep(RECORD_FOR.saturating_sub(started.elapsed())).await;
    let r = call(&base, "DELETE", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let told = next_of_any(&mut watcher, &["recording"]).await;
    assert_eq!(told["state"], "stopped");

    // Finalised into an MP4 within a few seconds.
    let rec_path = format!("/api/recordings/{id}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let view = loop {
        let r = call(&base, "GET", &rec_path, Some(&room.owner_token), None).expect("reply");
        assert_eq!(r.status, 200, "{:?}", r.body);
        if r.body["status"] == "ready" {
            break r.body;
        }
        assert_ne!(r.body["status"], "failed", "{:?}", r.body);
        assert!(Instant::now() < deadline, "not ready: {:?}", r.body);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
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

    // Download with the owner's token: the whole file, then ranges.
    let file_url = format!("{base}{rec_path}/file");
    let (status, headers, body) = get(&file_url, Some(&room.owner_token), None);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "video/mp4");
    assert!(
        header(&headers, "content-disposition").starts_with("attachment"),
        "{headers:?}"
    );
    assert_eq!(Some(body.len() as i64), view["bytes"].as_i64());
    let len = body.len();
    let (s, h, part) = get(&file_url, Some(&room.owner_token), Some("bytes=0-99"));
    assert_eq!((s, part.as_slice()), (206, &body[..100]));
    assert_eq!(header(&h, "content-range"), format!("bytes 0-99/{len}"));
    let (s, _, part) = get(&file_url, Some(&room.owner_token), Some("bytes=-100"));
    assert_eq!((s, part.as_slice()), (206, &body[len - 100..]));
    let (s, _, part) = get(
        &file_url,
        Some(&room.owner_token),
        Some(&format!("bytes={}-", len - 10)),
    );
    assert_eq!((s, part.as_slice()), (206, &body[len - 10..]));
    let (s, _, _) = get(
        &file_url,
        Some(&room.owner_token),
        Some(&format!("bytes={}-", len + 10)),
    );
    assert_eq!(s, 416, "a range past the end is unsatisfiable");

    // What the file holds: H.264 and Opus, 10 ± 1 s, decodable to the end, both tiles.
    let dir = tempfile::tempdir().expect("temp dir");
    let mp4 = dir.path().join("rec.mp4");
    std::fs::write(&mp4, &body).expect("saved");
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
    tile_report(&frame, &tiles).unwrap_or_else(|e| panic!("the recorded composite: {e}"));

    // Who may fetch it: not another member, not anonymous; a signed link works without a
    // header, a tampered one does not.
    let r = call(&base, "GET", &rec_path, Some(&other), None).expect("reply");
    assert_eq!(r.status, 403);
    let r = call(&base, "GET", &rec_path, None, None).expect("reply");
    assert_eq!(r.status, 401);
    assert_eq!(get(&file_url, None, None).0, 401);
    assert_eq!(get(&file_url, Some(&other), None).0, 403);
    let r = call(
        &base,
        "POST",
        &format!("{rec_path}/link"),
        Some(&room.owner_token),
        None,
    )
    .expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let signed = format!("{base}{}", r.str("url"));
    let (s, _, signed_body) = get(&signed, None, None);
    assert_eq!((s, signed_body.len()), (200, len));
    // A <video> element of a page of the server plays it to the end through the link.
    let played = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/play_video.mjs"
        ))
        .args(["--origin", &base, "--src", &r.str("url")])
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
    let r = call(
        &base,
        "GET",
        "/api/recordings",
        Some(&room.owner_token),
        None,
    )
    .expect("reply");
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
    let r = call(&base, "GET", "/api/recordings", Some(&other), None).expect("reply");
    assert_eq!(
        r.body["items"].as_array().map(Vec::len),
        Some(0),
        "not another member's"
    );
    // Filters by room and date.
    let count = |query: &str| {
        let path = format!("/api/recordings?{query}");
        let r = call(&base, "GET", &path, Some(&room.owner_token), None).expect("reply");
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

    // Deleting removes the row and the file.
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
    drop((green, blue));
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
    tokio::time::sleep(Duration::from_secs(3)).await;

    // The last one out finishes it.
    green.leave().await.expect("green leaves");
    blue.leave().await.expect("blue leaves");
    let deadline = Instant::now() + Duration::from_secs(20);
    let done = loop {
        let items = list();
        if items[0]["status"] == "ready" {
            break items[0].clone();
        }
        assert!(
            Instant::now() < deadline,
            "not finished: {items:?}\n{}",
            server.log_tail(60)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
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
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, _, body) = get(&signed, None, None);
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
