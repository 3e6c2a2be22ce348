//! GStreamer's own debug log, carried into `tracing` (target `gstreamer`) so that one filter
//! and one output cover the whole server.
//!
//! Without `GST_DEBUG` only warnings and errors are taken: GStreamer formats every message at
//! or above its threshold, and the chatty levels would cost CPU on the streaming threads.
//! With `GST_DEBUG` set, its levels apply as usual and the messages still end up here.
//! GStreamer errors become `warn` events, its warnings `debug`, everything else `trace`.

use gst::DebugLevel;

/// Replaces GStreamer's stderr printer with one that emits `tracing` events.
pub fn bridge_to_tracing() {
    if std::env::var_os("GST_DEBUG").is_none() {
        gst::log::set_default_threshold(DebugLevel::Warning);
    }
    gst::log::remove_default_log_function();
    gst::log::add_log_function(|category, level, file, function, line, object, message| {
        let Some(text) = message.get() else { return };
        let source = object.map(|o| o.to_string()).unwrap_or_default();
        let category = category.name();
        // One level down: webrtcbin 1.22 warns at every join about latency it could not
        // query yet, which is harmless; GStreamer errors also reach the bus, where the room
        // handles them.
        match level {
            DebugLevel::Error => {
                tracing::warn!(target: "gstreamer", %category, %source, %file, %function, line, "{text}")
            }
            DebugLevel::Warning | DebugLevel::Fixme => {
                tracing::debug!(target: "gstreamer", %category, %source, %file, %function, line, "{text}")
            }
            _ => tracing::trace!(target: "gstreamer", %category, %source, "{text}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn gstreamer_messages_become_tracing_events_one_level_down() {
        gst::init().expect("GStreamer initialises");
        bridge_to_tracing();
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        let category = gst::DebugCategory::new(
            "connect-right-test",
            gst::DebugColorFlags::empty(),
            Some("log bridge test"),
        );
        tracing::subscriber::with_default(subscriber, || {
            gst::error!(category, "the disk is full");
            gst::warning!(category, "the disk is getting full");
            gst::debug!(category, "below the threshold");
        });
        let text = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|p| p.into_inner()))
            .into_owned();
        assert!(
            text.contains("WARN gstreamer") && text.contains("the disk is full"),
            "{text}"
        );
        assert!(
            text.contains("DEBUG gstreamer") && text.contains("the disk is getting full"),
            "{text}"
        );
        assert!(!text.contains("below the threshold"), "{text}");
    }
}
