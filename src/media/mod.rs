//! GStreamer side of a room: the pipeline, participants' webrtcbins, layout and SDP.

pub mod compositor_pad;
pub mod events;
pub mod fragments;
pub mod gst_log;
pub mod keyframes;
pub mod layout;
pub mod layouts;
pub mod link_reports;
pub mod mixminus;
pub mod more_tile;
pub mod participant;
pub mod pipeline;
pub mod placeholder;
pub mod rate_control;
pub mod renditions;
pub mod room_media;
pub mod rtcp;
pub mod sdp;
pub mod sender_caps;
pub mod shared_encode;
pub mod speech;
pub mod teardown;
pub mod tee;
pub mod tee_branch;
pub mod video_feed;

use anyhow::{Result, bail};

/// Elements the server cannot work without (each comes from a Debian package; see README).
const REQUIRED_ELEMENTS: [&str; 22] = [
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
    "matroskamux",
    "matroskademux",
    "mp4mux",
    "opusparse",
    "filesink",
];

/// Initialises GStreamer once and checks that every element we build is installed.
pub fn init() -> Result<()> {
    gst::init()?;
    gst_log::bridge_to_tracing();
    // Idle GStreamer task threads exit at once instead of lingering in GLib's pool, so a
    // closed room gives every one of its threads back.
    gst::glib::ThreadPool::set_max_unused_threads(Some(0));
    start_clock_thread();
    // Likewise GLib's default main context (and its wakeup descriptor), which webrtcbin's
    // ICE agent creates on first use and never frees.
    let _ = gst::glib::MainContext::default();
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

/// The system clock starts a thread of its own the first time anything waits on it
/// asynchronously, and keeps it for the life of the process. Starting it here makes it part
/// of the server's baseline instead of something the first room seems to leak.
fn start_clock_thread() {
    use gst::prelude::*;
    let clock = gst::SystemClock::obtain();
    let now = clock.time();
    let id = clock.new_single_shot_id(now + gst::ClockTime::from_mseconds(1));
    let _ = id.wait_async(|_, _, _| {});
}
