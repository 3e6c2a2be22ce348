//! Turning a Matroska recording into an MP4 that browsers play (H.264 + Opus, `faststart`),
//! without re-encoding. Also how a crash-left file is recovered: Matroska written up to the
//! moment of the crash still demuxes to its last complete cluster.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;

/// Longest a remux may take (a long meeting is mostly disk I/O).
const REMUX_TIMEOUT: Duration = Duration::from_secs(600);

/// The launch description; file paths are set as properties afterwards, never written here.
const REMUX: &str = "filesrc name=in ! matroskademux name=demux \
     demux.video_0 ! queue ! h264parse ! mp4mux name=mux faststart=true ! filesink name=out \
     demux.audio_0 ! queue ! opusparse ! mux.";

/// Remuxes `mkv` into `mp4` on the calling thread; returns the media duration.
pub fn to_mp4(mkv: &Path, mp4: &Path) -> Result<Duration> {
    let pipeline = gst::parse::launch(REMUX)
        .context("building the remux pipeline")?
        .downcast::<gst::Pipeline>()
        .map_err(|_| anyhow!("the remux description is not a pipeline"))?;
    let by_name = |n: &str| {
        pipeline
            .by_name(n)
            .ok_or_else(|| anyhow!("remux pipeline has no {n}"))
    };
    by_name("in")?.set_property("location", mkv.to_string_lossy().to_string());
    by_name("out")?.set_property("location", mp4.to_string_lossy().to_string());

    // The duration is the end of the last buffer that reaches the muxer. Its pads were made
    // when the description was linked.
    let end_ns = Arc::new(AtomicU64::new(0));
    for pad in by_name("mux")?.sink_pads() {
        let seen = end_ns.clone();
        pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            if let Some(b) = info.buffer()
                && let Some(pts) = b.pts()
            {
                let end = pts + b.duration().unwrap_or(gst::ClockTime::ZERO);
                seen.fetch_max(end.nseconds(), Ordering::Relaxed);
            }
            gst::PadProbeReturn::Ok
        });
    }

    let result = run_to_eos(&pipeline);
    let _ = pipeline.set_state(gst::State::Null);
    result?;
    Ok(Duration::from_nanos(end_ns.load(Ordering::Relaxed)))
}

fn run_to_eos(pipeline: &gst::Pipeline) -> Result<()> {
    let bus = pipeline
        .bus()
        .ok_or_else(|| anyhow!("pipeline has no bus"))?;
    pipeline
        .set_state(gst::State::Playing)
        .context("the remux pipeline refused to start")?;
    let timeout = gst::ClockTime::from_seconds(REMUX_TIMEOUT.as_secs());
    let message = bus
        .timed_pop_filtered(timeout, &[gst::MessageType::Eos, gst::MessageType::Error])
        .ok_or_else(|| anyhow!("remux did not finish within {REMUX_TIMEOUT:?}"))?;
    if let gst::MessageView::Error(err) = message.view() {
        bail!(
            "remux failed: {} ({:?})",
            err.error(),
            err.debug().unwrap_or_default()
        );
    }
    Ok(())
}
