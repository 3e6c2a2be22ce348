//! The web app end to end, as a new user goes through it, in real headless Chromium
//! (`tests/browser/web_app.mjs`): sign up, create a room, copy the participant invite, a guest
//! joins through it, both composites show the two cameras' tiles, the owner records 4 s, and an
//! admin plays the recording to its end and downloads it; ffprobe then checks the download.
//! Screenshots of every page land in `target/web-app-artifacts/`.

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use connect_right::media::layout::grid;
use serde_json::{Value, json};
use support::analysis::{BLUE, CANVAS, RED, tile_report};
use support::chromium::decode_png;
use support::media_files::FakeMedia;
use support::media_probe;
use support::server::TestServer;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/web_app.mjs");
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/web-app-artifacts");
const OWNER: &str = "ada.owner";
const ADMIN: &str = "grace.admin";
const RECORD_SECS: f64 = 4.0;
const DURATION_TOLERANCE: f64 = 1.5;
/// The whole browser run; each step inside it has its own 30 s limit.
const RUN_TIMEOUT: Duration = Duration::from_secs(150);

/// What the script printed, in order, with the time each line arrived.
struct Run {
    events: Vec<(Duration, Value)>,
    stderr: String,
    timed_out: bool,
}

impl Run {
    fn all(&self, kind: &str) -> impl Iterator<Item = &Value> {
        self.events
            .iter()
            .map(|(_, v)| v)
            .filter(move |v| v["event"] == kind)
    }

    fn one(&self, kind: &str) -> Option<&Value> {
        self.all(kind).next()
    }
}

#[test]
fn a_new_user_meets_a_guest_records_and_an_admin_plays_and_downloads() {
    let started = Instant::now();
    let artifacts = Path::new(ARTIFACTS);
    let _ = std::fs::remove_dir_all(artifacts);
    std::fs::create_dir_all(artifacts).expect("the artifacts folder is made");
    println!("screenshots of every page go to {}", artifacts.display());

    let server = TestServer::start().expect("the server starts");
    create_admin(&server, ADMIN);
    let camera_a = FakeMedia::generate(RED, 500).expect("A's camera file");
    let camera_b = FakeMedia::generate(BLUE, 1100).expect("B's camera file");
    // A joins first, so the grid puts A's tile first.
    let tiles: Vec<Value> = grid(2, CANVAS)
        .into_iter()
        .zip([RED, BLUE])
        .map(|(r, rgb)| json!({"x": r.x, "y": r.y, "width": r.width, "height": r.height, "rgb": rgb}))
        .collect();
    let downloads = tempfile::tempdir().expect("a downloads folder");

    let child = Command::new("node")
        .arg(SCRIPT)
        .args(["--url", &server.url(), "--user", OWNER])
        .args(["--password", support::api::PASSWORD, "--admin", ADMIN])
        .args(["--admin-password", support::api::PASSWORD])
        .arg("--video-a")
        .arg(&camera_a.video)
        .arg("--audio-a")
        .arg(&camera_a.audio)
        .arg("--video-b")
        .arg(&camera_b.video)
        .arg("--audio-b")
        .arg(&camera_b.audio)
        .args(["--tiles", &Value::from(tiles.clone()).to_string()])
        .args(["--artifacts", ARTIFACTS])
        .arg("--downloads")
        .arg(downloads.path())
        .args(["--record-secs", &RECORD_SECS.to_string()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs tests/browser/web_app.mjs");
    let run = follow(child, RUN_TIMEOUT);
    let context = || {
        format!(
            "\n--- script stderr (tail) ---\n{}\n--- server log (tail) ---\n{}\nscreenshots: {}",
            tail(&run.stderr, 30),
            server.log_tail(30),
            artifacts.display()
        )
    };

    assert!(
        !run.timed_out,
        "the browser run took longer than {RUN_TIMEOUT:?}{}",
        context()
    );
    if let Some(error) = run.one("error") {
        panic!("the web app run failed: {}{}", error["message"], context());
    }
    assert!(
        run.one("done").is_some(),
        "the script ended before its last step{}",
        context()
    );

    check_composites(&run, &tiles, &context);
    check_playback(&run, &context);
    check_download(&run, &context);
    let shots = run.all("screenshot").count();
    assert!(
        shots >= 10,
        "only {shots} screenshots were saved{}",
        context()
    );
    println!(
        "PASS in {:.1} s; {shots} screenshots in {}",
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
}

/// Reads the script's lines as they come (printing the steps) until it exits or `limit`
/// passes, when it is killed.
fn follow(mut child: Child, limit: Duration) -> Run {
    let started = Instant::now();
    let stdout = child.stdout.take().expect("a stdout pipe");
    let stderr = child.stderr.take().expect("a stderr pipe");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let mut events = Vec::new();
    let mut timed_out = false;
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let at = started.elapsed();
                let Ok(value) = serde_json::from_str::<Value>(&line) else {
                    println!("script: {line}");
                    continue;
                };
                print_event(at, &value);
                events.push((at, value));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                let _ = child.kill();
                break;
            }
        }
    }
    let _ = child.wait();
    let stderr = stderr_reader.join().unwrap_or_default();
    Run {
        events,
        stderr,
        timed_out,
    }
}

fn print_event(at: Duration, v: &Value) {
    let at = at.as_secs_f64();
    match v["event"].as_str().unwrap_or("") {
        "step" => println!("{at:6.1} s  step {:<16} {:>6} ms", v["name"], v["ms"]),
        "composite" => println!(
            "{at:6.1} s  composite of {} {}x{}: tile means {}",
            v["who"], v["width"], v["height"], v["means"]
        ),
        "screenshot" => {}
        _ => println!("{at:6.1} s  {v}"),
    }
}

/// Each page's composite, decoded, must show A's colour in the first tile and B's in the second.
fn check_composites(run: &Run, tiles: &[Value], context: &dyn Fn() -> String) {
    let expected: Vec<_> = grid(2, CANVAS).into_iter().zip([RED, BLUE]).collect();
    assert_eq!(expected.len(), tiles.len());
    for who in ["A", "B"] {
        let event = run
            .all("composite")
            .find(|v| v["who"] == who)
            .unwrap_or_else(|| panic!("no composite from {who}{}", context()));
        let b64 = event["png"].as_str().expect("a PNG");
        let frame = decode_png(&gst::glib::base64_decode(b64)).expect("the composite decodes");
        assert_eq!(
            (frame.width, frame.height),
            (1280, 720),
            "{who}'s composite size{}",
            context()
        );
        if let Err(problem) = tile_report(&frame, &expected) {
            panic!(
                "{who}'s composite does not show red (A) left and blue (B) right: {problem}{}",
                context()
            );
        }
    }
}

/// The recording played to `ended` in the admin's page and lasted the time recorded.
fn check_playback(run: &Run, context: &dyn Fn() -> String) {
    let played = run
        .one("playback")
        .unwrap_or_else(|| panic!("no playback result{}", context()));
    assert_eq!(
        played["ended"],
        true,
        "the player did not reach ended: {played}{}",
        context()
    );
    let duration = played["duration"].as_f64().unwrap_or(0.0);
    assert!(
        (duration - RECORD_SECS).abs() <= DURATION_TOLERANCE,
        "the player's duration is {duration:.2} s, not {RECORD_SECS} ± {DURATION_TOLERANCE} s{}",
        context()
    );
}

/// The downloaded file holds H.264 video and an audio stream lasting the time recorded.
fn check_download(run: &Run, context: &dyn Fn() -> String) {
    let path = run
        .one("download")
        .and_then(|v| v["path"].as_str())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no download{}", context()));
    let (streams, duration) =
        media_probe::streams_and_duration(&path.to_string_lossy(), Duration::from_secs(30))
            .expect("ffprobe reads the download");
    println!("ffprobe {}: {streams:?}, {duration:.2} s", path.display());
    assert!(
        streams.iter().any(|(t, c)| t == "video" && c == "h264"),
        "the download has no H.264 video: {streams:?}"
    );
    assert!(
        streams.iter().any(|(t, _)| t == "audio"),
        "the download has no audio: {streams:?}"
    );
    assert!(
        (duration - RECORD_SECS).abs() <= DURATION_TOLERANCE,
        "the download lasts {duration:.2} s, not {RECORD_SECS} ± {DURATION_TOLERANCE} s"
    );
}

/// The first admin, made as the README tells an operator to: the command line on the server's
/// own database, the password typed on standard input.
fn create_admin(server: &TestServer, username: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_connect-right"))
        .args(["admin", "create", "--username", username])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite", server.data_dir().display()),
        )
        .env_remove("CONNECT_RIGHT_ADMIN_PASSWORD")
        .env_remove("CONNECT_RIGHT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the admin command starts");
    // Dropping the pipe after the line ends the input, as pressing Enter then Ctrl-D would.
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(format!("{}\n", support::api::PASSWORD).as_bytes())
        .expect("the password is typed");
    let out = child.wait_with_output().expect("the admin command ends");
    assert!(
        out.status.success(),
        "admin create {username}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
