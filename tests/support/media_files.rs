//! Known camera and microphone input for Chromium's fake capture devices, made with ffmpeg.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Files Chromium plays in place of a camera and a microphone (both loop).
pub struct FakeMedia {
    pub video: PathBuf,
    pub audio: PathBuf,
    // Held for its Drop.
    _dir: tempfile::TempDir,
}

impl FakeMedia {
    /// A 640×360@30 solid `rgb` y4m (3 s) and a mono 48 kHz `tone_hz` sine wav (5 s).
    pub fn generate(rgb: [u8; 3], tone_hz: u32) -> Result<Self> {
        let dir = tempfile::tempdir().context("creating the media folder")?;
        let video = dir.path().join("camera.y4m");
        let audio = dir.path().join("microphone.wav");
        let colour = format!(
            "color=c=0x{:02x}{:02x}{:02x}:size=640x360:rate=30",
            rgb[0], rgb[1], rgb[2]
        );
        ffmpeg(
            &[
                "-f", "lavfi", "-i", &colour, "-t", "3", "-pix_fmt", "yuv420p",
            ],
            &video,
        )?;
        let sine = format!("sine=frequency={tone_hz}:sample_rate=48000");
        ffmpeg(&["-f", "lavfi", "-i", &sine, "-t", "5", "-ac", "1"], &audio)?;
        Ok(FakeMedia {
            video,
            audio,
            _dir: dir,
        })
    }
}

fn ffmpeg(args: &[&str], out: &Path) -> Result<()> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .context("running ffmpeg (is it installed? scripts/install-deps.sh test)")?;
    if !output.status.success() {
        bail!(
            "ffmpeg failed for {}: {}",
            out.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let size = std::fs::metadata(out)?.len();
    if size == 0 {
        bail!("ffmpeg wrote an empty {}", out.display());
    }
    Ok(())
}
