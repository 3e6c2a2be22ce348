//! Recordings survive what goes wrong: a crash (SIGKILL) leaves a file that is recovered at the
//! next start, a SIGTERM finishes the recording before the process exits within 15 s, and a
//! recordings folder that cannot be written fails the recording while the room carries on.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::api::{TestRoom, call};
use support::gst_peer::VideoCodec;
use support::media_probe;
use support::recordings::settled;
use support::scenes::green_and_blue;
use support::server::TestServer;

/// Seconds of media ffprobe finds in the served file, after ffmpeg decoded it cleanly.
fn playable_seconds(server: &TestServer, token: &str, id: &str) -> f64 {
    let url = format!("{}/api/recordings/{id}/file", server.url());
    let (status, _, body) = support::http::get(&url, Some(token), None);
    assert_eq!(status, 200, "the file is served");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("r.mp4");
    std::fs::write(&path, &body).expect("saved");
    media_probe::assert_decodes_cleanly(&path);
    let (_, seconds) =
        media_probe::streams_and_duration(&path.to_string_lossy(), Duration::from_secs(30))
            .expect("ffprobe reads the recording");
    seconds
}

/// Starts recording `room` by API; returns the recording id and when it started.
fn start_recording(server: &TestServer, room: &TestRoom) -> (String, Instant) {
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(&server.url(), "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    (r.str("id"), Instant::now())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_cut_by_sigkill_is_recovered_at_the_next_start() {
    let mut server = TestServer::start().expect("server starts");
    let room = server.room("owner", "crashy").expect("room set up");
    // Kill at different moments of the recording, keyframes and clusters falling differently.
    for (round, record_ms) in [3_300u64, 5_700, 4_450].into_iter().enumerate() {
        let peers = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
        let (id, started) = start_recording(&server, &room);
        // The measurement: the kill comes `record_ms` into the recording.
        tokio::time::sleep(Duration::from_millis(record_ms)).await;
        let recorded = started.elapsed();
        server.kill_hard().expect("killed");
        drop(peers);
        server.restart().expect("the server starts again");

        let token = support::api::login(&server.url(), "owner").expect("sign in again");
        let view = settled(&server, &token, &id).await;
        assert_eq!(view["status"], "recovered", "round {round}: {view}");
        let kept_ms = view["durationMs"].as_i64().unwrap_or(0);
        let lost_ms = recorded.as_millis() as i64 - kept_ms;
        println!(
            "round {round}: recorded {recorded:?}, recovered {kept_ms} ms (lost {lost_ms} ms)"
        );
        assert!(lost_ms <= 1_000, "lost {lost_ms} ms");
        assert!(
            kept_ms <= recorded.as_millis() as i64 + 300,
            "more than was recorded"
        );
        let seconds = playable_seconds(&server, &token, &id);
        assert!(
            (seconds * 1000.0 - kept_ms as f64).abs() < 500.0,
            "ffprobe {seconds} s vs {kept_ms} ms"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_recording_and_exits_within_fifteen_seconds() {
    let mut server = TestServer::start().expect("server starts");
    let room = server.room("owner", "orderly").expect("room set up");
    let peers = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let (id, started) = start_recording(&server, &room);
    // The measurement: 4 s of recording for SIGTERM to finish.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let recorded = started.elapsed();
    let took = server
        .stop_gracefully(Duration::from_secs(15))
        .expect("exits within 15 s of SIGTERM");
    println!("SIGTERM to exit: {took:?}");
    if took > Duration::from_secs(5) {
        println!(
            "{}",
            server.log_grep(&["stopping", "room", "recording", "worker", "warn"], 30)
        );
    }
    drop(peers);

    server.restart().expect("the server starts again");
    let token = support::api::login(&server.url(), "owner").expect("sign in again");
    let view = settled(&server, &token, &id).await;
    assert_eq!(
        view["status"], "ready",
        "finished before exit, not recovered: {view}"
    );
    let kept_ms = view["durationMs"].as_i64().unwrap_or(0);
    println!("recorded {recorded:?}, kept {kept_ms} ms");
    assert!(
        (kept_ms - recorded.as_millis() as i64).abs() <= 1_000,
        "complete: {kept_ms} ms of {recorded:?}"
    );
    let seconds = playable_seconds(&server, &token, &id);
    assert!((seconds - kept_ms as f64 / 1000.0).abs() < 0.5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_recordings_folder_fails_the_recording_and_the_room_carries_on() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "readonly").expect("room set up");
    let (green, _blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;

    // The recordings folder becomes a file (tests run as root, so permissions would not stop
    // the server): a path under it cannot be created.
    let folder = server.data_dir().join("recordings");
    std::fs::remove_dir_all(&folder).expect("folder removed");
    std::fs::write(&folder, b"not a folder").expect("a file in its place");

    let since = Instant::now();
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(&server.url(), "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(
        (r.status, r.error_code()),
        (503, "unavailable"),
        "{:?}",
        r.body
    );
    assert!(
        r.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("recording")
    );

    let list = call(
        &server.url(),
        "GET",
        "/api/recordings",
        Some(&room.owner_token),
        None,
    )
    .expect("reply");
    let items = list.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{:?}", list.body);
    assert_eq!(items[0]["status"], "failed");
    let reason = items[0]["error"].as_str().unwrap_or("");
    println!("failed recording's reason: {reason}");
    assert!(!reason.is_empty());

    // The room never noticed: 2 s more of it are measured.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let frames = green.frames_since(since);
    let gap = green.max_gap_since(since);
    println!("green meanwhile: {frames} frames, largest gap {gap:?}");
    assert!(frames >= 40, "{frames} frames");
    assert!(gap <= Duration::from_millis(300), "stalled {gap:?}");
}

/// A tiny tmpfs that is unmounted (lazily) when dropped.
struct TinyDisk {
    dir: tempfile::TempDir,
}

impl TinyDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "mounting a {size} tmpfs needs root (the tests run as root)"
        );
        Self { dir }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_the_recording_and_the_room_carries_on() {
    let disk = TinyDisk::mount("96k");
    let folder = disk.dir.path().display().to_string();
    let server = TestServer::start_with(&["--recordings-dir", &folder]).expect("server starts");
    let room = server.room("owner", "cramped").expect("room set up");
    let (green, _blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;

    let since = Instant::now();
    let (id, _) = start_recording(&server, &room);
    let view = settled(&server, &room.owner_token, &id).await;
    let failed_after = since.elapsed();
    let reason = view["error"].as_str().unwrap_or("");
    println!("full disk: failed after {failed_after:?}: {reason}");
    assert_eq!(view["status"], "failed", "{view}");
    assert!(!reason.is_empty());

    // The room never noticed (1 s more of it is measured); and it can be asked again (and
    // fails again, cleanly).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let frames = green.frames_since(since);
    let gap = green.max_gap_since(since);
    let seconds = since.elapsed().as_secs_f64();
    println!("green meanwhile: {frames} frames in {seconds:.1} s, largest gap {gap:?}");
    assert!(
        frames as f64 >= 20.0 * seconds,
        "{frames} frames in {seconds:.1} s"
    );
    assert!(gap <= Duration::from_millis(300), "stalled {gap:?}");
    let path = format!("/api/rooms/{}/recording", room.id);
    let r = call(&server.url(), "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert!(matches!(r.status, 201 | 503), "{:?}", r.body);
    drop(server);
}
