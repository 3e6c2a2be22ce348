//! The rendition ladder: a viewer whose link is capped is moved to the smallest rendition,
//! keeps its frames there, and climbs back to the top once the cap is lifted.
//!
//! The viewer is a real Chromium in its own network namespace, joined to the server by a
//! veth pair whose server-to-client direction `tc` caps at 400 kbit/s; the server sees only
//! the browser's own RTCP. Publishers send noise, so every rendition needs its full rate.

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::analysis::{wait_until, wait_until_async};
use support::api::invite;
use support::gst_peer::{GstPeer, PeerOptions, VideoCodec};
use support::netns::{ClientHost, HOST_IP};
use support::server::TestServer;

const CAP_KBIT: u32 = 400;
/// The composite's frame rate (the server's default configuration).
const FPS: f64 = 30.0;

/// One stats line of the viewer.
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    at: Option<Instant>,
    frames: u64,
    width: u64,
    freezes_ms: u64,
    lost: u64,
}

#[derive(Default)]
struct ViewerState {
    samples: Vec<Sample>,
    renditions: Vec<(Instant, String, bool)>,
    errors: Vec<String>,
    exited: bool,
}

/// `tests/browser/rendition_viewer.mjs` running inside the client namespace.
struct ShapedViewer {
    child: Child,
    stdin: Option<ChildStdin>,
    state: Arc<Mutex<ViewerState>>,
}

impl ShapedViewer {
    fn start(host: &ClientHost, url: &str, room: &str, token: &str) -> anyhow::Result<Self> {
        let mut child = host
            .command("node")
            .args(["tests/browser/rendition_viewer.mjs", "--url", url])
            .args(["--room", room, "--token", token])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let state = Arc::new(Mutex::new(ViewerState::default()));
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let shared = state.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let now = Instant::now();
                let mut s = shared.lock().expect("viewer state");
                let n = |k: &str| v[k].as_u64().unwrap_or(0);
                match v["event"].as_str() {
                    Some("stats") => s.samples.push(Sample {
                        at: Some(now),
                        frames: n("framesDecoded"),
                        width: n("width"),
                        freezes_ms: n("freezesMs"),
                        lost: n("packetsLost"),
                    }),
                    Some("rendition") => s.renditions.push((
                        now,
                        v["rendition"].as_str().unwrap_or("").to_owned(),
                        v["pinned"].as_bool().unwrap_or(false),
                    )),
                    Some("error") => s.errors.push(line.clone()),
                    _ => {}
                }
            }
            shared.lock().expect("viewer state").exited = true;
        });
        let stdin = child.stdin.take();
        Ok(Self {
            child,
            stdin,
            state,
        })
    }

    fn latest(&self) -> Sample {
        let s = self.state.lock().expect("viewer state");
        s.samples.last().copied().unwrap_or_default()
    }

    fn samples_between(&self, from: Instant, to: Instant) -> Vec<Sample> {
        let s = self.state.lock().expect("viewer state");
        s.samples
            .iter()
            .filter(|x| x.at.is_some_and(|t| t >= from && t <= to))
            .copied()
            .collect()
    }

    fn renditions(&self) -> Vec<(Instant, String, bool)> {
        self.state.lock().expect("viewer state").renditions.clone()
    }

    fn errors(&self) -> Vec<String> {
        self.state.lock().expect("viewer state").errors.clone()
    }

    fn pin(&mut self, name: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = writeln!(stdin, "pin {name}");
        }
    }
}

impl Drop for ShapedViewer {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = writeln!(stdin, "quit");
        }
        let exited = wait_until(Duration::from_secs(5), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if exited {
            return;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The longest span in which the decoded-frame count did not move.
fn longest_stall(samples: &[Sample]) -> Duration {
    let mut longest = Duration::ZERO;
    let mut since = samples.first().and_then(|s| s.at);
    for pair in samples.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.frames > a.frames {
            since = b.at;
        } else if let (Some(from), Some(now)) = (since, b.at) {
            longest = longest.max(now - from);
        }
    }
    longest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capped_viewer_moves_to_the_smallest_rendition_keeps_its_frames_and_climbs_back() {
    let host = ClientHost::create().expect("a client namespace (needs root and iproute2)");
    let server = TestServer::start_on(HOST_IP).expect("server starts");
    let room = server.room("owner", "shaped").expect("room set up");
    let noise = PeerOptions {
        noise: true,
        ..PeerOptions::new(VideoCodec::H264)
    };
    let mut publishers = Vec::new();
    for (name, hz) in [("Ann", 440), ("Bob", 660)] {
        let peer = GstPeer::join_with(&server.ws_url(), &room.guest(), name, [0; 3], hz, noise)
            .await
            .unwrap_or_else(|e| panic!("{name} joins: {e:#}\n{}", server.log_tail(30)));
        publishers.push(peer);
    }
    let (_, viewer_token) =
        invite(&server.url(), &room.owner_token, &room.id, "viewer").expect("viewer invite");
    let mut viewer = ShapedViewer::start(&host, &server.url(), &room.id, &viewer_token)
        .expect("the viewer starts in its namespace");

    // Uncapped, it gets the full size.
    let full = wait_until_async(Duration::from_secs(30), || {
        let s = viewer.latest();
        s.width == 1280 && s.frames > 90
    })
    .await;
    assert!(
        full,
        "the viewer never decoded the full size: {:?}, errors {:?}\n{}",
        viewer.latest(),
        viewer.errors(),
        server.log_tail(30)
    );

    host.cap_downlink(CAP_KBIT).expect("cap the downlink");
    let capped = Instant::now();
    let smallest = wait_until_async(Duration::from_secs(10), || viewer.latest().width == 320).await;
    let reached = capped.elapsed();
    assert!(
        smallest,
        "not on the smallest rendition 10 s after the cap: {:?}; renditions {:?}\n{}",
        viewer.latest(),
        viewer.renditions(),
        server.log_grep(&["rendition"], 20)
    );

    // From 10 s after the cap, 15 s of watching through it.
    let window = (
        capped + Duration::from_secs(10),
        capped + Duration::from_secs(25),
    );
    tokio::time::sleep_until(window.1.into()).await;
    let samples = viewer.samples_between(window.0, window.1);
    assert!(
        samples.len() > 50,
        "too few stats samples: {}",
        samples.len()
    );
    let (first, last) = (samples[0], samples[samples.len() - 1]);
    let span = last
        .at
        .zip(first.at)
        .map(|(b, a)| b - a)
        .unwrap_or_default();
    let frames = last.frames - first.frames;
    let kept = frames as f64 / (span.as_secs_f64() * FPS);
    let stall = longest_stall(&samples);
    let freezes = last.freezes_ms - first.freezes_ms;
    let widths: Vec<u64> = samples.iter().map(|s| s.width).collect();
    eprintln!(
        "capped at {CAP_KBIT} kbit/s: smallest after {reached:?}; then {frames} frames in {span:?} \
         ({:.1} % of {FPS} fps), longest stall {stall:?}, Chromium freezes {freezes} ms, \
         packets lost {}",
        kept * 100.0,
        last.lost - first.lost
    );
    assert!(
        kept >= 0.9,
        "kept only {:.1} % of frames under the cap",
        kept * 100.0
    );
    assert!(
        stall < Duration::from_secs(1),
        "a freeze of {stall:?} under the cap"
    );
    assert!(
        widths.iter().all(|&w| w == 320),
        "left the smallest rendition under the cap: {widths:?}"
    );

    host.uncap().expect("lift the cap");
    let lifted = Instant::now();
    let top = wait_until_async(Duration::from_secs(30), || viewer.latest().width == 1280).await;
    let back = lifted.elapsed();
    assert!(
        top,
        "not back on the top rendition 30 s after the cap was lifted: {:?}; renditions {:?}",
        viewer.latest(),
        viewer.renditions()
    );
    eprintln!("back on the top rendition {back:?} after the cap was lifted");

    // A pin holds against the link; `auto` hands the choice back.
    viewer.pin("low");
    let pinned = wait_until_async(Duration::from_secs(5), || viewer.latest().width == 320).await;
    assert!(pinned, "pinning low did not move the viewer");
    assert!(
        viewer
            .renditions()
            .iter()
            .any(|(_, name, pinned)| name == "low" && *pinned),
        "the server did not confirm the pin: {:?}",
        viewer.renditions()
    );
    viewer.pin("auto");
    let unpinned =
        wait_until_async(Duration::from_secs(20), || viewer.latest().width == 1280).await;
    eprintln!(
        "moves:\n{}",
        server.log_grep(&["moving receiver", "pinned a rendition"], 20)
    );
    assert!(unpinned, "after auto the clean link did not climb back");
    let errors = viewer.errors();
    assert!(errors.is_empty(), "the viewer saw errors: {errors:?}");
    drop(publishers);
}
