//! The recording branch of a room pipeline: the composite's H.264 from the encoded tee and
//! the full room mix, muxed into Matroska (playable even if the process dies) in one file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use crate::media::fragments::{Fragment, make};
use crate::media::pipeline::RoomPipeline;
use crate::media::tee_branch::{TeeBranch, ghost_sinks, start_at_key_frame};

/// Opus bit rate of the recorded mix.
const AUDIO_BITRATE_BPS: i64 = 128_000;
/// How long the muxer gets to write its last cluster and index after EOS.
const EOS_TIMEOUT: Duration = Duration::from_secs(5);

/// A recording being written.
pub struct RecordingBranch {
    branch: TeeBranch,
    eos: tokio::sync::oneshot::Receiver<()>,
    pub path: PathBuf,
}

impl RecordingBranch {
    /// Whether `object` (an element or pad that posted a message) belongs to this branch.
    pub fn contains(&self, object: &gst::Object) -> bool {
        self.branch.contains(object)
    }

    /// Starts writing the room's composite and full mix to `path` (a `.mkv`).
    pub fn attach(room: &RoomPipeline, path: &Path) -> Result<Self> {
        let (bin, eos) = file_writer(path)?;
        // The file's timestamps start at zero: shift both inputs back by the pipeline's
        // running time now (a room may have run for hours before recording starts).
        if let (Some(clock), Some(base)) =
            (room.gst_pipeline().clock(), room.gst_pipeline().base_time())
        {
            let now = clock.time().saturating_sub(base);
            let offset = -i64::try_from(now.nseconds()).unwrap_or(i64::MAX);
            for ghost in ["video_sink", "audio_sink"] {
                if let Some(pad) = bin.static_pad(ghost) {
                    pad.set_offset(offset);
                }
            }
        }
        let inputs = [
            (room.h264_tee(), "video_sink"),
            (room.audio_tee(), "audio_sink"),
        ];
        let branch = TeeBranch::attach(room.gst_pipeline(), bin, &inputs)
            .with_context(|| format!("cannot record to {}", path.display()))?;
        room.request_keyframe();
        Ok(Self {
            branch,
            eos,
            path: path.to_owned(),
        })
    }

    /// Removes a branch that failed, without waiting for the muxer.
    pub async fn abandon(self, pipeline: &gst::Pipeline) {
        self.branch.detach(pipeline).await;
    }

    /// Stops taking media, lets the muxer finish the file, and removes the branch.
    /// False if the file could not be finished within the timeout.
    pub async fn finish(mut self, pipeline: &gst::Pipeline) -> bool {
        self.branch.unlink_inputs().await;
        for ghost in ["video_sink", "audio_sink"] {
            if let Some(pad) = self.branch.bin().static_pad(ghost) {
                pad.send_event(gst::event::Eos::new());
            }
        }
        let finished = tokio::time::timeout(EOS_TIMEOUT, self.eos).await.is_ok();
        if !finished {
            tracing::warn!(file = %self.path.display(), "recording did not finish within {EOS_TIMEOUT:?}");
        }
        self.branch.detach(pipeline).await;
        finished
    }
}

/// The bin that muxes the composite (`video_sink`) and the mix (`audio_sink`) into the file
/// at `path`, and a receiver told when EOS has reached the file.
fn file_writer(path: &Path) -> Result<(gst::Bin, tokio::sync::oneshot::Receiver<()>)> {
    let name = format!(
        "recording-{}",
        path.file_stem().and_then(|s| s.to_str()).unwrap_or("file")
    );
    let bin = gst::Bin::builder().name(&name).build();
    let video = Fragment::RecordingVideo.build("rec-video", &[])?;
    let audio =
        Fragment::RecordingAudio.build("rec-audio", &[("audio_bitrate_bps", AUDIO_BITRATE_BPS)])?;
    let mux = make("matroskamux", "rec-mux")?;
    let sink = make("filesink", "rec-file")?;
    // The path is set as a property, never written into a launch description.
    sink.set_property("location", path.to_string_lossy().to_string());
    sink.set_property("async", false);
    // Every block goes to the file at once: a crash then loses only what the muxer had not
    // yet written (filesink would otherwise hold up to 64 KiB, seconds of a quiet room).
    sink.set_property_from_str("buffer-mode", "unbuffered");
    bin.add_many([
        video.upcast_ref::<gst::Element>(),
        audio.upcast_ref(),
        &mux,
        &sink,
    ])?;
    video
        .link_pads(Some("src"), &mux, Some("video_%u"))
        .context("recording video → muxer")?;
    audio
        .link_pads(Some("src"), &mux, Some("audio_%u"))
        .context("recording audio → muxer")?;
    mux.link(&sink).context("muxer → file")?;
    ghost_sinks(&bin, &[(&video, "video_sink"), (&audio, "audio_sink")])?;
    // The file must start at a key frame.
    let video_in = video
        .static_pad("sink")
        .ok_or_else(|| anyhow!("recording video has no sink"))?;
    start_at_key_frame(&video_in);
    let sink_pad = sink
        .static_pad("sink")
        .ok_or_else(|| anyhow!("filesink has no sink"))?;
    Ok((bin, eos_reached(&sink_pad)))
}

/// A receiver told once EOS passes `pad` (the muxer has written everything).
fn eos_reached(pad: &gst::Pad) -> tokio::sync::oneshot::Receiver<()> {
    let (eos_tx, eos) = tokio::sync::oneshot::channel();
    let eos_tx = Mutex::new(Some(eos_tx));
    pad.add_probe(gst::PadProbeType::EVENT_DOWNSTREAM, move |_, info| {
        if info
            .event()
            .is_some_and(|e| e.type_() == gst::EventType::Eos)
        {
            // unwrap: this lock is only taken here.
            #[allow(clippy::unwrap_used)]
            if let Some(tx) = eos_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
        gst::PadProbeReturn::Ok
    });
    eos
}
