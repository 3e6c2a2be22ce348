//! Headless Chromium as a participant, driven by `tests/browser/chromium_client.mjs`.
//!
//! The script prints one JSON object a line (`joined`, `playing`, `stats`, `frame`, `audio`,
//! `left`, `error`) and reads `leave` / `quit` on stdin. A reader thread keeps the latest of
//! each in [`ChromeState`]; frames stay PNG until asked for and are decoded with GStreamer.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use gst::glib;
use gst::prelude::*;
use serde_json::Value;

use super::analysis::Frame;
use super::media_files::FakeMedia;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/chromium_client.mjs"
);
const LOG_KEEP_LINES: usize = 200;
const QUIT_TIMEOUT: Duration = Duration::from_secs(10);

/// One `frame` line of the script, decoded.
pub struct ChromeFrame {
    /// Counts `frame` lines; a new number means a new picture.
    pub seq: u64,
    /// When the page grabbed the picture (from its `t`), which is earlier than when it was read.
    pub grabbed_at: Option<Instant>,
    pub frame: Result<Frame>,
}

/// One `stats` line of the script.
#[derive(Clone, Debug, Default)]
pub struct ChromeStats {
    pub received_at: Option<Instant>,
    pub t: f64,
    pub frames: u64,
    pub fps: f64,
    pub max_gap_ms: f64,
    pub width: u32,
    pub height: u32,
}

#[derive(Default)]
struct ChromeState {
    joined_at: Option<Instant>,
    playing_at: Option<Instant>,
    /// `t` of the `joined` and `playing` lines: milliseconds since the Join click.
    joined_t: Option<f64>,
    playing_t: Option<f64>,
    stats: Vec<ChromeStats>,
    frame_seq: u64,
    latest_png: Option<Vec<u8>>,
    latest_png_t: f64,
    /// Best estimate of the Join click: the earliest `read time - t` over all lines.
    click: Option<Instant>,
    levels: Option<(Instant, HashMap<String, f64>)>,
    left: bool,
    exited: bool,
    errors: Vec<String>,
    log: VecDeque<String>,
}

impl ChromeState {
    fn log_line(&mut self, line: String) {
        self.log.push_back(line);
        while self.log.len() > LOG_KEEP_LINES {
            self.log.pop_front();
        }
    }
}

fn lock(state: &Mutex<ChromeState>) -> MutexGuard<'_, ChromeState> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running Chromium participant; dropping it quits (or kills) the script.
pub struct ChromiumClient {
    child: Child,
    stdin: Mutex<Option<ChildStdin>>,
    state: Arc<Mutex<ChromeState>>,
    started_at: Instant,
    readers: Vec<JoinHandle<()>>,
}

impl ChromiumClient {
    /// Starts the script against the server at `url` (`http://127.0.0.1:PORT`); it signs in
    /// through the page as the room's owner and joins as `name`.
    pub fn start(
        url: &str,
        room: &super::api::TestRoom,
        name: &str,
        media: &FakeMedia,
        freqs: &[u32],
    ) -> Result<Self> {
        gst::init()?;
        let freqs = freqs
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut child = Command::new("node")
            .arg(SCRIPT)
            .args(["--url", url, "--room", &room.id, "--name", name])
            .args([
                "--username",
                &room.owner,
                "--password",
                super::api::PASSWORD,
            ])
            .arg("--video")
            .arg(&media.video)
            .arg("--audio")
            .arg(&media.audio)
            .args(["--freqs", &freqs])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting node tests/browser/chromium_client.mjs")?;
        let state = Arc::new(Mutex::new(ChromeState::default()));
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let stderr = child.stderr.take().context("no stderr pipe")?;
        let stdin = child.stdin.take();

        let out_state = state.clone();
        let stdout_reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                handle_line(&out_state, &line);
            }
            lock(&out_state).exited = true;
        });
        let err_state = state.clone();
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                lock(&err_state).log_line(format!("stderr: {line}"));
            }
        });
        Ok(ChromiumClient {
            child,
            stdin: Mutex::new(stdin),
            state,
            started_at: Instant::now(),
            readers: vec![stdout_reader, stderr_reader],
        })
    }

    pub fn started_at(&self) -> Instant {
        self.started_at
    }

    pub fn joined_at(&self) -> Option<Instant> {
        lock(&self.state).joined_at
    }

    pub fn playing_at(&self) -> Option<Instant> {
        lock(&self.state).playing_at
    }

    /// Milliseconds from the Join click to "connected" and to the first rendered frame.
    pub fn click_to_joined_and_playing_ms(&self) -> (Option<f64>, Option<f64>) {
        let s = lock(&self.state);
        (s.joined_t, s.playing_t)
    }

    pub fn is_playing(&self) -> bool {
        self.playing_at().is_some()
    }

    pub fn has_left(&self) -> bool {
        lock(&self.state).left
    }

    /// True once the script's stdout has closed.
    pub fn has_exited(&self) -> bool {
        lock(&self.state).exited
    }

    pub fn latest_stats(&self) -> Option<ChromeStats> {
        lock(&self.state).stats.last().cloned()
    }

    /// `stats` lines read at or after `since`.
    pub fn stats_since(&self, since: Instant) -> Vec<ChromeStats> {
        lock(&self.state)
            .stats
            .iter()
            .filter(|s| s.received_at.is_some_and(|t| t >= since))
            .cloned()
            .collect()
    }

    /// Number of `frame` lines so far; a new number means a new picture.
    pub fn frame_seq(&self) -> u64 {
        lock(&self.state).frame_seq
    }

    /// The latest frame the script sent, decoded to RGB.
    pub fn latest_frame(&self) -> Option<ChromeFrame> {
        let (seq, png, t, click) = {
            let s = lock(&self.state);
            (s.frame_seq, s.latest_png.clone()?, s.latest_png_t, s.click)
        };
        Some(ChromeFrame {
            seq,
            grabbed_at: click.map(|c| c + Duration::from_secs_f64(t.max(0.0) / 1000.0)),
            frame: decode_png(&png),
        })
    }

    /// The latest `audio` levels for `freqs` (dBFS), and when they were read.
    pub fn audio_levels(&self, freqs: &[u32]) -> Option<(Instant, Vec<f64>)> {
        let s = lock(&self.state);
        let (at, levels) = s.levels.as_ref()?;
        let values = freqs
            .iter()
            .map(|f| levels.get(&f.to_string()).copied())
            .collect::<Option<Vec<f64>>>()?;
        Some((*at, values))
    }

    pub fn errors(&self) -> Vec<String> {
        lock(&self.state).errors.clone()
    }

    /// The last lines of the script's stderr and of stdout lines that were not events.
    pub fn log_tail(&self, lines: usize) -> String {
        let s = lock(&self.state);
        let skip = s.log.len().saturating_sub(lines);
        s.log
            .iter()
            .skip(skip)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn command(&self, text: &str) -> Result<()> {
        let mut guard = self
            .stdin
            .lock()
            .map_err(|_| anyhow!("stdin lock poisoned"))?;
        let stdin = guard.as_mut().context("stdin already closed")?;
        stdin.write_all(text.as_bytes())?;
        stdin.flush()?;
        Ok(())
    }

    /// Asks the page to leave the room (the browser stays open).
    pub fn leave(&self) -> Result<()> {
        self.command("leave\n")
    }

    /// Asks the script to close the browser and exit; kills it after a timeout.
    pub fn quit(&mut self) -> Result<()> {
        let _ = self.command("quit\n");
        if let Ok(mut guard) = self.stdin.lock() {
            guard.take();
        }
        let deadline = Instant::now() + QUIT_TIMEOUT;
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        self.child.wait()?;
        Err(anyhow!(
            "chromium client did not quit within {QUIT_TIMEOUT:?}; killed"
        ))
    }
}

impl Drop for ChromiumClient {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.quit();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

fn handle_line(state: &Mutex<ChromeState>, line: &str) {
    let now = Instant::now();
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        lock(state).log_line(format!("stdout: {line}"));
        return;
    };
    let num = |name: &str| value.get(name).and_then(Value::as_f64).unwrap_or(0.0);
    if let Some(t) = value
        .get("t")
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite() && *t >= 0.0)
    {
        let origin = now.checked_sub(Duration::from_secs_f64(t / 1000.0));
        let mut s = lock(state);
        s.click = match (s.click, origin) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let event = value.get("event").and_then(Value::as_str).unwrap_or("");
    match event {
        "joined" => {
            let mut s = lock(state);
            s.joined_at.get_or_insert(now);
            s.joined_t.get_or_insert(num("t"));
        }
        "playing" => {
            let mut s = lock(state);
            s.playing_at.get_or_insert(now);
            s.playing_t.get_or_insert(num("t"));
        }
        "stats" => {
            let stats = ChromeStats {
                received_at: Some(now),
                t: num("t"),
                frames: num("frames") as u64,
                fps: num("fps"),
                max_gap_ms: num("maxGapMs"),
                width: num("width") as u32,
                height: num("height") as u32,
            };
            lock(state).stats.push(stats);
        }
        "frame" => {
            let Some(b64) = value.get("png").and_then(Value::as_str) else {
                return;
            };
            let png = glib::base64_decode(b64);
            let mut s = lock(state);
            s.frame_seq += 1;
            s.latest_png = Some(png);
            s.latest_png_t = num("t");
        }
        "audio" => {
            let levels: HashMap<String, f64> = value
                .get("levels")
                .and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .filter_map(|(k, v)| v.as_f64().map(|v| (k.clone(), v)))
                        .collect()
                })
                .unwrap_or_default();
            lock(state).levels = Some((now, levels));
        }
        "left" => lock(state).left = true,
        "error" => {
            let message = value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("(no message)");
            let mut s = lock(state);
            s.errors.push(message.to_owned());
            s.log_line(format!("error: {message}"));
        }
        _ => lock(state).log_line(format!("stdout: {line}")),
    }
}

/// Decodes a PNG to tightly packed RGB with GStreamer's `pngdec`.
pub fn decode_png(png: &[u8]) -> Result<Frame> {
    gst::init()?;
    let pipeline = gst::parse::launch(
        "appsrc name=src caps=image/png ! pngdec ! videoconvert ! video/x-raw,format=RGB ! \
         appsink name=sink sync=false",
    )?
    .downcast::<gst::Pipeline>()
    .map_err(|_| anyhow!("not a pipeline"))?;
    let result = (|| -> Result<Frame> {
        let src = pipeline
            .by_name("src")
            .and_then(|e| e.downcast::<gst_app::AppSrc>().ok())
            .context("no appsrc")?;
        let sink = pipeline
            .by_name("sink")
            .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
            .context("no appsink")?;
        pipeline.set_state(gst::State::Playing)?;
        src.push_buffer(gst::Buffer::from_slice(png.to_vec()))?;
        src.end_of_stream()?;
        let sample = sink
            .try_pull_sample(gst::ClockTime::from_seconds(5))
            .context("pngdec produced no picture")?;
        super::gst_peer::sample_to_frame(&sample)
    })();
    let _ = pipeline.set_state(gst::State::Null);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG made by GStreamer's encoder, in the given raw format (browsers write RGBA).
    fn png_of(format: &str, argb: u32) -> Vec<u8> {
        gst::init().expect("GStreamer initialises");
        let pipeline = gst::parse::launch(&format!(
            "videotestsrc num-buffers=1 pattern=solid-color foreground-color={argb} ! \
             video/x-raw,width=64,height=36 ! videoconvert ! video/x-raw,format={format} ! \
             pngenc ! appsink name=sink sync=false"
        ))
        .expect("the encoding pipeline parses")
        .downcast::<gst::Pipeline>()
        .expect("a pipeline");
        let sink = pipeline
            .by_name("sink")
            .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
            .expect("an appsink");
        pipeline.set_state(gst::State::Playing).expect("playing");
        let sample = sink.pull_sample().expect("one PNG");
        let png = sample
            .buffer()
            .expect("a buffer")
            .map_readable()
            .expect("readable")
            .to_vec();
        let _ = pipeline.set_state(gst::State::Null);
        png
    }

    #[test]
    fn png_frames_decode_to_rgb_whatever_their_pixel_format() {
        for format in ["RGB", "RGBA"] {
            let frame = decode_png(&png_of(format, 0xff20_c040)).expect("decodes");
            assert_eq!((frame.width, frame.height), (64, 36), "{format}");
            assert!(frame.is_consistent());
            assert_eq!(frame.pixel(10, 10), Some([0x20, 0xc0, 0x40]), "{format}");
        }
    }

    #[test]
    fn a_corrupt_png_is_an_error_not_a_hang() {
        assert!(decode_png(b"\x89PNG\r\n\x1a\nnot really").is_err());
    }

    #[test]
    fn script_lines_update_the_state() {
        let state = Mutex::new(ChromeState::default());
        handle_line(&state, r#"{"event":"joined","t":5}"#);
        handle_line(
            &state,
            r#"{"event":"stats","t":1000,"frames":30,"fps":29.5,"maxGapMs":40,"width":1280,"height":720}"#,
        );
        handle_line(
            &state,
            r#"{"event":"audio","t":1000,"levels":{"500":-80.5,"700":-12.0}}"#,
        );
        handle_line(&state, r#"{"event":"frame","t":1000,"png":"aGVsbG8="}"#);
        handle_line(&state, "not json at all");
        let s = lock(&state);
        assert!(s.joined_at.is_some() && s.playing_at.is_none() && s.click.is_some());
        assert_eq!(
            s.stats.last().map(|x| (x.frames, x.width)),
            Some((30, 1280))
        );
        assert_eq!(
            s.levels.as_ref().and_then(|(_, l)| l.get("700").copied()),
            Some(-12.0)
        );
        assert_eq!(
            (s.frame_seq, s.latest_png.as_deref()),
            (1, Some(&b"hello"[..]))
        );
        assert!(s.log.iter().any(|l| l.contains("not json")));
    }
}
