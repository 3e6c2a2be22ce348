//! Coalescing key-frame requests: every receiver's PLI/FIR reaches the one shared encoder as
//! an upstream force-key-unit event; bursts of them produce a single key frame.

use std::sync::Mutex;

use gst::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Requests closer together than this share one key frame. A key frame at 30 fps is on the
/// wire within a few frames, so a second request inside this window is served by the first.
pub const KEYFRAME_COALESCE_WINDOW: Duration = Duration::from_millis(500);

/// Counters of forwarded and merged requests (for logs and benchmarks).
#[derive(Debug, Default)]
pub struct KeyframeStats {
    pub forwarded: AtomicU64,
    pub coalesced: AtomicU64,
}

/// Installs the coalescing probe on `pad` (the encoded-video tee's sink pad).
pub fn coalesce_requests(pad: &gst::Pad, stats: std::sync::Arc<KeyframeStats>) {
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    pad.add_probe(gst::PadProbeType::EVENT_UPSTREAM, move |_, info| {
        let Some(event) = info.event() else {
            return gst::PadProbeReturn::Ok;
        };
        if !gst_video::ForceKeyUnitEvent::is(event) {
            return gst::PadProbeReturn::Ok;
        }
        let now = Instant::now();
        // unwrap: the lock is only taken here and never panics while held.
        #[allow(clippy::unwrap_used)]
        let mut last = last.lock().unwrap();
        if last.is_some_and(|t| now.duration_since(t) < KEYFRAME_COALESCE_WINDOW) {
            stats.coalesced.fetch_add(1, Ordering::Relaxed);
            return gst::PadProbeReturn::Drop;
        }
        *last = Some(now);
        stats.forwarded.fetch_add(1, Ordering::Relaxed);
        gst::PadProbeReturn::Ok
    });
}

/// Asks the encoder behind `pad` (its output pad) for a key frame with fresh SPS/PPS.
pub fn request_keyframe(pad: &gst::Pad) {
    let event = gst_video::UpstreamForceKeyUnitEvent::builder()
        .all_headers(true)
        .build();
    pad.send_event(event);
}
