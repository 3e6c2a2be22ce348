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
            // `Handled` consumes the event and tells the sender it was served (by the key
            // frame already on its way). `Drop` would do the same, but GStreamer 1.22 then
            // unrefs the already-freed event pointer again and logs a CRITICAL.
            return gst::PadProbeReturn::Handled;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A standalone pad that stands in for the encoder's output and counts the key-frame
    /// requests that reach it.
    fn counting_encoder_pad(count: Arc<AtomicU64>) -> gst::Pad {
        gst::Pad::builder(gst::PadDirection::Src)
            .name("encoder-src")
            .event_function(move |_, _, event| {
                if gst_video::ForceKeyUnitEvent::is(&event) {
                    count.fetch_add(1, Ordering::Relaxed);
                }
                true
            })
            .build()
    }

    #[test]
    fn a_burst_of_requests_reaches_the_encoder_once_per_window() {
        gst::init().expect("gstreamer initialises");
        let criticals = Arc::new(AtomicU64::new(0));
        let seen = criticals.clone();
        let handler = gst::glib::log_set_handler(
            Some("GStreamer"),
            gst::glib::LogLevels::LEVEL_CRITICAL,
            false,
            false,
            move |_, _, _| {
                seen.fetch_add(1, Ordering::Relaxed);
            },
        );
        let reached = Arc::new(AtomicU64::new(0));
        let encoder = counting_encoder_pad(reached.clone());
        let tee = gst::ElementFactory::make("tee")
            .build()
            .expect("tee exists");
        let tee_sink = tee.static_pad("sink").expect("tee has a sink pad");
        let stats = Arc::new(KeyframeStats::default());
        coalesce_requests(&tee_sink, stats.clone());
        encoder.set_active(true).expect("pad activates");
        encoder
            .link(&tee_sink)
            .expect("encoder pad links to the tee");
        tee.set_state(gst::State::Playing).expect("tee plays");
        let receivers: Vec<gst::Pad> = (0..5)
            .map(|_| {
                tee.request_pad_simple("src_%u")
                    .expect("tee gives a src pad")
            })
            .collect();

        let request = || {
            gst_video::UpstreamForceKeyUnitEvent::builder()
                .all_headers(true)
                .build()
        };
        for pad in &receivers {
            assert!(pad.send_event(request()), "each request is served");
        }
        assert_eq!(
            reached.load(Ordering::Relaxed),
            1,
            "five requests, one key frame"
        );
        assert_eq!(stats.forwarded.load(Ordering::Relaxed), 1);
        assert_eq!(stats.coalesced.load(Ordering::Relaxed), 4);

        std::thread::sleep(KEYFRAME_COALESCE_WINDOW + Duration::from_millis(50));
        assert!(receivers[0].send_event(request()));
        assert_eq!(
            reached.load(Ordering::Relaxed),
            2,
            "a request after the window gets its own key frame"
        );
        tee.set_state(gst::State::Null).expect("tee stops");
        gst::glib::log_remove_handler(Some("GStreamer"), handler);
        assert_eq!(
            criticals.load(Ordering::Relaxed),
            0,
            "merging requests logs no GStreamer CRITICAL"
        );
    }
}
