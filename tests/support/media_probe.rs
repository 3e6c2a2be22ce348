//! ffprobe and ffmpeg on a file or a live URL (HLS segments, an RTMP stream): which streams
//! it carries, and its audio decoded for tone analysis. Each run is killed after a timeout so
//! a stream that never comes cannot hang a test.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Runs `cmd`, killing it after `limit`.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Result<Output> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running ffmpeg/ffprobe (scripts/install-deps.sh test installs them)")?;
    // Drain stdout on a thread: a full pipe would stall the child.
    let mut stdout = child.stdout.take().context("stdout")?;
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_end(&mut stderr);
    }
    let stdout = reader.join().unwrap_or_default();
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

/// `(codec_type, codec_name)` of every stream ffprobe finds in `input`.
pub fn streams(input: &str, limit: Duration) -> Result<Vec<(String, String)>> {
    Ok(streams_and_duration(input, limit)?.0)
}

/// The streams ffprobe finds in `input` and the container's duration in seconds (0 when
/// it names none, as for a live stream).
pub fn streams_and_duration(input: &str, limit: Duration) -> Result<(Vec<(String, String)>, f64)> {
    let out = run_with_timeout(
        Command::new("ffprobe").args([
            "-v",
            "error",
            "-analyzeduration",
            "5000000",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            input,
        ]),
        limit,
    )?;
    if !out.status.success() {
        bail!("ffprobe: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v: Value = serde_json::from_slice(&out.stdout).context("ffprobe JSON")?;
    let streams = v["streams"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["codec_type"].as_str().unwrap_or("").to_owned(),
                s["codec_name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let duration = v["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0.0);
    Ok((streams, duration))
}

/// Panics unless ffmpeg decodes all of `path` without a single error line.
pub fn assert_decodes_cleanly(path: &std::path::Path) {
    let decode = run_with_timeout(
        Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(path)
            .args(["-f", "null", "-"]),
        Duration::from_secs(60),
    )
    .expect("ffmpeg runs");
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "decodes cleanly: {}",
        String::from_utf8_lossy(&decode.stderr)
    );
}

/// Up to `seconds` of `input`'s audio as mono 48 kHz f32 samples.
pub fn audio_samples(input: &str, seconds: u32, limit: Duration) -> Result<Vec<f32>> {
    let out = run_with_timeout(
        Command::new("ffmpeg").args([
            "-v",
            "error",
            "-i",
            input,
            "-t",
            &seconds.to_string(),
            "-vn",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-f",
            "f32le",
            "-",
        ]),
        limit,
    )?;
    if !out.status.success() {
        bail!("ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}
