//! GStreamer side of a room: the pipeline, participants' webrtcbins, layout and SDP.

pub mod events;
pub mod fragments;
pub mod keyframes;
pub mod layout;
pub mod mixminus;
pub mod participant;
pub mod pipeline;
pub mod sdp;
pub mod teardown;

use anyhow::{Result, bail};

/// Elements the server cannot work without (each comes from a Debian package; see README).
const REQUIRED_ELEMENTS: [&str; 17] = [
    "webrtcbin",
    "nicesrc",
    "compositor",
    "audiomixer",
    "videotestsrc",
    "audiotestsrc",
    "x264enc",
    "h264parse",
    "avdec_h264",
    "vp8enc",
    "vp8dec",
    "opusenc",
    "opusdec",
    "rtph264pay",
    "rtpvp8pay",
    "rtpopuspay",
    "textoverlay",
];

/// Initialises GStreamer once and checks that every element we build is installed.
pub fn init() -> Result<()> {
    gst::init()?;
    // Idle GStreamer task threads exit at once instead of lingering in GLib's pool, so a
    // closed room gives every one of its threads back.
    gst::glib::ThreadPool::set_max_unused_threads(Some(0));
    let missing: Vec<&str> = REQUIRED_ELEMENTS
        .iter()
        .copied()
        .filter(|name| gst::ElementFactory::find(name).is_none())
        .collect();
    if !missing.is_empty() {
        bail!(
            "GStreamer elements missing: {} (run scripts/install-deps.sh)",
            missing.join(", ")
        );
    }
    Ok(())
}
