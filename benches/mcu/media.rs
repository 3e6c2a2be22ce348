//! The pre-encoded clips the load clients send (made once with ffmpeg, or gst-launch-1.0 if
//! ffmpeg is missing), read back into memory as access units and Opus packets.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;

pub const CLIP_WIDTH: u32 = 640;
pub const CLIP_HEIGHT: u32 = 360;
pub const CLIP_FPS: u32 = 30;
/// Key frame every second, like a camera that is asked for one now and then.
const CLIP_GOP: u32 = 30;
const CLIP_KBPS: u32 = 800;

/// Files on disk: the MP4 (H.264 constrained baseline, no audio) and the Ogg Opus tone.
pub struct ClipFiles {
    pub video: PathBuf,
    pub audio: PathBuf,
    pub tool: &'static str,
}

/// Writes a moving test pattern of `seconds` as H.264 and a speech-rate Opus tone into `dir`.
pub fn generate(dir: &Path, seconds: u32) -> Result<ClipFiles> {
    let video = dir.join("camera-640x360p30.mp4");
    let audio = dir.join("microphone.ogg");
    let ffmpeg_ok = Command::new("ffmpeg")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let tool = if ffmpeg_ok {
        encode_with_ffmpeg(&video, &audio, seconds)?;
        "ffmpeg (libx264 veryfast zerolatency baseline, libopus)"
    } else {
        encode_with_gst_launch(&video, &audio, seconds)?;
        "gst-launch-1.0 (x264enc veryfast zerolatency, opusenc)"
    };
    Ok(ClipFiles { video, audio, tool })
}

fn encode_with_ffmpeg(video: &Path, audio: &Path, seconds: u32) -> Result<()> {
    let size = format!("testsrc2=size={CLIP_WIDTH}x{CLIP_HEIGHT}:rate={CLIP_FPS}");
    let rate = format!("{CLIP_KBPS}k");
    let gop = CLIP_GOP.to_string();
    run(ffmpeg_lavfi(&size, seconds)
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-tune",
            "zerolatency",
            "-profile:v",
            "baseline",
            "-pix_fmt",
            "yuv420p",
            "-b:v",
            &rate,
            "-maxrate",
            &rate,
            "-bufsize",
            &rate,
            "-g",
            &gop,
            "-keyint_min",
            &gop,
            "-sc_threshold",
            "0",
            "-an",
            "-movflags",
            "+faststart",
        ])
        .arg(video))?;
    run(
        ffmpeg_lavfi("sine=frequency=440:sample_rate=48000", seconds)
            .args([
                "-ac",
                "1",
                "-c:a",
                "libopus",
                "-b:a",
                "32k",
                "-frame_duration",
                "20",
                "-application",
                "voip",
            ])
            .arg(audio),
    )
}

/// `ffmpeg`, quiet and overwriting, reading `seconds` of the lavfi source `source`.
fn ffmpeg_lavfi(source: &str, seconds: u32) -> Command {
    let mut cmd = Command::new("ffmpeg");
    cmd.args([
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        source,
        "-t",
        &seconds.to_string(),
    ]);
    cmd
}

/// The same clips where ffmpeg is missing.
fn encode_with_gst_launch(video: &Path, audio: &Path, seconds: u32) -> Result<()> {
    let frames = seconds * CLIP_FPS;
    run(Command::new("gst-launch-1.0").arg("-q").args(
        format!(
            "videotestsrc pattern=ball num-buffers={frames} ! \
             video/x-raw,width={CLIP_WIDTH},height={CLIP_HEIGHT},framerate={CLIP_FPS}/1 ! \
             x264enc speed-preset=veryfast tune=zerolatency bitrate={CLIP_KBPS} key-int-max={CLIP_GOP} ! \
             video/x-h264,profile=constrained-baseline ! h264parse ! mp4mux ! filesink location={}",
            video.display()
        )
        .split_whitespace(),
    ))?;
    let buffers = seconds * 50;
    run(Command::new("gst-launch-1.0").arg("-q").args(
        format!(
            "audiotestsrc wave=sine freq=440 num-buffers={buffers} samplesperbuffer=960 ! \
             audio/x-raw,rate=48000,channels=1 ! opusenc bitrate=32000 frame-size=20 ! \
             oggmux ! filesink location={}",
            audio.display()
        )
        .split_whitespace(),
    ))
}

fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// One encoded stream held in memory: buffers without timestamps (the sender stamps them) and
/// the caps to announce.
pub struct Encoded {
    pub caps: gst::Caps,
    pub buffers: Vec<gst::Buffer>,
    pub interval: Duration,
    pub bytes: usize,
}

/// The clips as the load clients send them.
pub struct Clip {
    pub video: Encoded,
    pub audio: Encoded,
    pub key_frames: usize,
}

impl Clip {
    pub fn load(files: &ClipFiles) -> Result<Clip> {
        // Length-prefixed access units with SPS/PPS in `codec_data`: from that, rtph264pay
        // announces profile-level-id (constrained baseline) in the offer, as browsers do.
        let video = pull_all(&format!(
            "filesrc location=\"{}\" ! qtdemux ! h264parse ! \
             video/x-h264,stream-format=avc,alignment=au ! appsink name=sink sync=false",
            files.video.display()
        ))?;
        let audio = pull_all(&format!(
            "filesrc location=\"{}\" ! oggdemux ! opusparse ! appsink name=sink sync=false",
            files.audio.display()
        ))?;
        let (video_caps, mut video_buffers) = video;
        let (audio_caps, audio_buffers) = audio;
        // Ogg's header packets travel in the caps, not as audio.
        let mut audio_buffers: Vec<gst::Buffer> = audio_buffers
            .into_iter()
            .filter(|b| !b.flags().contains(gst::BufferFlags::HEADER))
            .filter(|b| {
                b.map_readable()
                    .map(|m| !m.starts_with(b"OpusHead") && !m.starts_with(b"OpusTags"))
                    .unwrap_or(false)
            })
            .collect();
        let audio_interval = audio_buffers
            .first()
            .and_then(|b| b.duration())
            .map(|d| Duration::from_nanos(d.nseconds()))
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_millis(20));
        strip_timestamps(&mut video_buffers);
        strip_timestamps(&mut audio_buffers);
        if video_buffers.is_empty() || audio_buffers.is_empty() {
            bail!("the clips decoded to no buffers");
        }
        let key_frames = video_buffers
            .iter()
            .filter(|b| !b.flags().contains(gst::BufferFlags::DELTA_UNIT))
            .count();
        if video_buffers[0]
            .flags()
            .contains(gst::BufferFlags::DELTA_UNIT)
        {
            bail!("the video clip does not start with a key frame");
        }

        let video_caps = strip_caps(&video_caps, &["streamheader"]);
        let audio_channels = audio_caps
            .structure(0)
            .and_then(|s| s.get::<i32>("channels").ok())
            .unwrap_or(1);
        let audio_caps = gst::Caps::builder("audio/x-opus")
            .field("channel-mapping-family", 0i32)
            .field("channels", audio_channels)
            .field("rate", 48_000i32)
            .build();
        let fps = video_caps
            .structure(0)
            .and_then(|s| s.get::<gst::Fraction>("framerate").ok())
            .filter(|f| f.numer() > 0 && f.denom() > 0)
            .unwrap_or(gst::Fraction::new(CLIP_FPS as i32, 1));
        let video_interval = Duration::from_secs_f64(fps.denom() as f64 / fps.numer() as f64);
        let bytes = |v: &[gst::Buffer]| v.iter().map(|b| b.size()).sum::<usize>();
        Ok(Clip {
            video: Encoded {
                caps: video_caps,
                bytes: bytes(&video_buffers),
                buffers: video_buffers,
                interval: video_interval,
            },
            audio: Encoded {
                caps: audio_caps,
                bytes: bytes(&audio_buffers),
                buffers: audio_buffers,
                interval: audio_interval,
            },
            key_frames,
        })
    }

    pub fn video_kbps(&self) -> f64 {
        self.video.bytes as f64 * 8.0
            / (self.video.buffers.len() as f64 * self.video.interval.as_secs_f64())
            / 1000.0
    }

    pub fn audio_kbps(&self) -> f64 {
        self.audio.bytes as f64 * 8.0
            / (self.audio.buffers.len() as f64 * self.audio.interval.as_secs_f64())
            / 1000.0
    }
}

fn strip_timestamps(buffers: &mut [gst::Buffer]) {
    for buffer in buffers {
        let b = buffer.make_mut();
        b.set_pts(gst::ClockTime::NONE);
        b.set_dts(gst::ClockTime::NONE);
        b.set_duration(gst::ClockTime::NONE);
    }
}

fn strip_caps(caps: &gst::Caps, fields: &[&str]) -> gst::Caps {
    let mut caps = caps.clone();
    if let Some(s) = caps.make_mut().structure_mut(0) {
        for field in fields {
            s.remove_field(*field);
        }
    }
    caps
}

/// Runs a pipeline ending in `appsink name=sink` to EOS; returns its caps and every buffer.
fn pull_all(description: &str) -> Result<(gst::Caps, Vec<gst::Buffer>)> {
    let pipeline = gst::parse::launch(description)
        .with_context(|| format!("parsing {description}"))?
        .downcast::<gst::Pipeline>()
        .map_err(|_| anyhow!("not a pipeline"))?;
    let sink = pipeline
        .by_name("sink")
        .context("no sink")?
        .downcast::<gst_app::AppSink>()
        .map_err(|_| anyhow!("sink is not an appsink"))?;
    pipeline.set_state(gst::State::Playing)?;
    let mut caps = None;
    let mut buffers = Vec::new();
    let result = loop {
        match sink.try_pull_sample(gst::ClockTime::from_seconds(10)) {
            Some(sample) => {
                if caps.is_none() {
                    caps = sample.caps_owned();
                }
                if let Some(buffer) = sample.buffer_owned() {
                    buffers.push(buffer);
                }
            }
            None if sink.is_eos() => break Ok(()),
            None => {
                let error = pipeline
                    .bus()
                    .and_then(|bus| bus.pop_filtered(&[gst::MessageType::Error]))
                    .map(|m| format!("{m:?}"))
                    .unwrap_or_else(|| "timed out".to_owned());
                break Err(anyhow!("reading {description}: {error}"));
            }
        }
    };
    let _ = pipeline.set_state(gst::State::Null);
    result?;
    Ok((caps.context("no caps")?, buffers))
}

/// The fixed baseline of the issue: 4 × the clip → avdec_h264 → compositor 1280×720@30 (2×2)
/// → the server's own encoder settings → fakesink, as one `gst-launch-1.0` process. A
/// `fpsdisplaysink` in front of the fakesink reports that it really ran at 30 fps.
pub fn baseline_command(video: &Path) -> Command {
    let mut description = String::from(
        "compositor name=mix background=black \
         sink_0::xpos=0 sink_0::ypos=0 sink_1::xpos=640 sink_1::ypos=0 \
         sink_2::xpos=0 sink_2::ypos=360 sink_3::xpos=640 sink_3::ypos=360 ! \
         video/x-raw,width=1280,height=720,framerate=30/1 ! videoconvert ! \
         x264enc tune=zerolatency speed-preset=ultrafast bitrate=2000 vbv-buf-capacity=500 \
         key-int-max=120 ! video/x-h264,profile=constrained-baseline ! \
         fpsdisplaysink text-overlay=false video-sink=fakesink sync=true fps-update-interval=1000",
    );
    for i in 0..4 {
        description.push_str(&format!(
            " filesrc location={} ! qtdemux ! h264parse ! avdec_h264 ! queue ! mix.sink_{i}",
            video.display()
        ));
    }
    let mut cmd = Command::new("gst-launch-1.0");
    cmd.arg("-v").args(description.split_whitespace());
    cmd
}

/// The last `average: N` that `fpsdisplaysink` printed.
pub fn baseline_fps(output: &str) -> Option<f64> {
    output
        .lines()
        .filter(|l| l.contains("fpsdisplaysink") && l.contains("average:"))
        .filter_map(|l| l.rsplit("average:").next())
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .next_back()
}

/// The server's own video chain without WebRTC and audio, as one `gst-launch-1.0` process:
/// the fragments in `pipelines/` (live background, H.264 decoder with scaling and label, the
/// shared encoder) around a compositor with the 2×2 layout, fed by 4 × the clip. Comparing it
/// with the baseline and the server splits the server's cost into video design and the rest.
pub fn video_path_command(video: &Path, pipelines: &Path) -> Result<Command> {
    let read = |name: &str| -> Result<String> {
        let path = pipelines.join(name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(text.trim().to_owned())
    };
    let fill = |text: String, params: &[(&str, &str)]| -> Result<String> {
        let mut text = text;
        for (k, v) in params {
            text = text.replace(&format!("{{{k}}}"), v);
        }
        if text.contains('{') {
            bail!("a pipelines/ fragment has a parameter this bench does not know: {text}");
        }
        Ok(text)
    };
    let background = fill(
        read("background.pipeline")?,
        &[("width", "1280"), ("height", "720"), ("framerate", "30")],
    )?;
    let encoder = fill(
        read("h264-encoder.pipeline")?,
        &[("bitrate_kbps", "2000"), ("keyint", "120")],
    )?;
    let decoder = read("h264-decoder.pipeline")?;
    // The clip arrives already depayloaded.
    let decoder = decoder
        .strip_prefix("rtph264depay")
        .and_then(|rest| rest.trim_start().strip_prefix('!'))
        .context("h264-decoder.pipeline no longer starts with rtph264depay")?
        .trim()
        .to_owned();
    let decoder = fill(decoder, &[("width", "640"), ("height", "360")])?;
    let mut description = format!(
        "compositor name=mix sink_0::zorder=0 \
         sink_1::xpos=0 sink_1::ypos=0 sink_1::zorder=1 sink_2::xpos=640 sink_2::ypos=0 sink_2::zorder=1 \
         sink_3::xpos=0 sink_3::ypos=360 sink_3::zorder=1 sink_4::xpos=640 sink_4::ypos=360 sink_4::zorder=1 ! \
         capsfilter caps=video/x-raw,width=1280,height=720,framerate=30/1 ! tee allow-not-linked=true ! \
         {encoder} ! fpsdisplaysink text-overlay=false video-sink=fakesink sync=false fps-update-interval=1000 \
         {background} ! mix.sink_0"
    );
    for i in 1..=4 {
        // Unique names, a label like the server's; `identity sync=true` plays the file at its
        // own pace (the server's inputs arrive live).
        let tile = decoder
            .replace("name=size", &format!("name=size{i}"))
            .replace(
                "textoverlay name=label",
                &format!("textoverlay name=label{i} text=Participant{i}"),
            )
            .replace(
                "! queue max-size-buffers=3",
                "! identity sync=true ! queue max-size-buffers=3",
            );
        description.push_str(&format!(
            " filesrc location={} ! qtdemux ! {tile} ! mix.sink_{i}",
            video.display()
        ));
    }
    let mut cmd = Command::new("gst-launch-1.0");
    cmd.arg("-v").args(description.split_whitespace());
    Ok(cmd)
}
