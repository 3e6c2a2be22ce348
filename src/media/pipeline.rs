//! The room pipeline: live background → compositor → one H.264 encode → tee, plus a VP8 encode
//! of the same composite made only while some receiver needs it, and the full room mix with an
//! Opus encode of it made only while some viewer hears it.
//!
//! ```text
//! background ─► compositor ─► caps ─► raw-tee ─► h264 encoder ─► h264-tee ─► (receivers)
//! participants' tiles ──┘                 └─(on demand)─► vp8 encoder ─► vp8-tee ─► (receivers)
//! silence + microphones ─► room-mix ─► room-mix-tee ─► (recording)
//!                                           └─(on demand)─► opus encoder ─► full-mix-opus-tee ─► (viewers)
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::fragments::{Fragment, make};
use super::keyframes::{self, KeyframeStats};
use super::layout::{Rect, Size};
use super::renditions::Ladder;
use super::shared_encode::{SharedEncode, SharedKind};
use crate::config::MediaSettings;

/// Key frames at least this often (in frames) even without requests, so a receiver that lost
/// one recovers without a round trip.
const KEYFRAME_INTERVAL_SECS: i64 = 2;

/// Tee names of the ladder's rungs (rung 0 is the room's own `h264-tee`).
const RENDITION_TEES: [&str; 3] = ["h264-tee", "rendition-1-tee", "rendition-2-tee"];

/// One room's GStreamer pipeline and its shared elements.
pub struct RoomPipeline {
    pub(super) pipeline: gst::Pipeline,
    pub(super) compositor: gst::Element,
    raw_tee: gst::Element,
    h264_tee: gst::Element,
    /// Everyone's microphone mixed (the recording and broadcasts hear this), raw, teed.
    pub(super) room_mix: gst::Element,
    audio_tee: gst::Element,
    /// Encodes made while someone uses them (see [`SharedKind`]).
    shared: HashMap<SharedKind, SharedEncode>,
    pub(super) canvas: Size,
    /// The sizes receivers can be moved between; rung 0 is the encode above.
    pub(super) ladder: Ladder,
    pub(super) settings: MediaSettings,
    pub(super) keyframes: Arc<KeyframeStats>,
    /// The "+N" tile, once a layout has needed it.
    more: Option<super::more_tile::MoreTile>,
    /// Set once [`RoomPipeline::shutdown`] has taken over stopping the pipeline.
    shut_down: bool,
}

impl RoomPipeline {
    /// Builds the pipeline named `room-{room_id}` and starts it playing.
    pub fn start(room_id: &str, settings: &MediaSettings) -> Result<Self> {
        let canvas = Size {
            width: settings.width,
            height: settings.height,
        };
        let pipeline = gst::Pipeline::builder()
            .name(format!("room-{room_id}"))
            .build();
        let background = Fragment::Background
            .build("background", &[("framerate", settings.framerate as i64)])?;
        let compositor = make("compositor", "video-mixer")?;
        compositor.set_property_from_str("background", "black");
        let canvas_caps = make("capsfilter", "canvas-caps")?;
        canvas_caps.set_property(
            "caps",
            // I420 straight out of the compositor: both encoders take it as is, so neither
            // pays for a colour conversion of the whole canvas.
            gst::Caps::builder("video/x-raw")
                .field("format", "I420")
                .field("width", canvas.width)
                .field("height", canvas.height)
                .field("framerate", gst::Fraction::new(settings.framerate, 1))
                .build(),
        );
        let raw_tee = super::tee::decoupled("raw-tee")?;
        let encoder = Fragment::H264Encoder.build(
            "h264-encoder",
            &[
                ("bitrate_kbps", settings.video_bitrate_kbps as i64),
                ("keyint", settings.framerate as i64 * KEYFRAME_INTERVAL_SECS),
            ],
        )?;
        let h264_tee = super::tee::decoupled("h264-tee")?;
        let (room_mix, audio_tee) = full_mix(&pipeline)?;

        pipeline.add_many([
            background.upcast_ref::<gst::Element>(),
            &compositor,
            &canvas_caps,
            &raw_tee,
            encoder.upcast_ref(),
            &h264_tee,
        ])?;
        let bg_pad = compositor
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("compositor gave no pad for the background"))?;
        bg_pad.set_property("zorder", 0u32);
        // The background only keeps the compositor's clock running; fully transparent, it is
        // never drawn, and the compositor fills the canvas black itself.
        bg_pad.set_property("alpha", 0.0f64);
        background
            .static_pad("src")
            .ok_or_else(|| anyhow!("background has no src"))?
            .link(&bg_pad)
            .context("background → compositor")?;
        gst::Element::link_many([
            &compositor,
            &canvas_caps,
            &raw_tee,
            encoder.upcast_ref(),
            &h264_tee,
        ])
        .context("compositor → encoder → tee")?;

        let keyframes = Arc::new(KeyframeStats::default());
        let tee_sink = h264_tee
            .static_pad("sink")
            .ok_or_else(|| anyhow!("tee has no sink"))?;
        keyframes::coalesce_requests(&tee_sink, keyframes.clone());

        pipeline
            .set_state(gst::State::Playing)
            .context("room pipeline refused to play")?;
        Ok(Self {
            pipeline,
            compositor,
            raw_tee,
            h264_tee,
            room_mix,
            audio_tee,
            shared: HashMap::new(),
            canvas,
            ladder: Ladder::for_room(settings),
            settings: settings.clone(),
            keyframes,
            more: None,
            shut_down: false,
        })
    }

    /// The tee of encoded H.264 composite that receivers attach to.
    /// The GStreamer pipeline itself, for taps that attach to it (recording, broadcasts).
    pub fn gst_pipeline(&self) -> &gst::Pipeline {
        &self.pipeline
    }

    pub fn bus(&self) -> Option<gst::Bus> {
        self.pipeline.bus()
    }

    pub fn ladder(&self) -> &Ladder {
        &self.ladder
    }

    pub fn canvas(&self) -> Size {
        self.canvas
    }

    /// The full room mix's mixer, which the room mix's speakers feed.
    pub fn room_mix(&self) -> &gst::Element {
        &self.room_mix
    }

    /// Shows the "+N" tile (`Some(rect, N, zorder)`) or hides it.
    pub fn show_more(&mut self, more: Option<(Rect, usize, u32)>) {
        if more.is_some() && self.more.is_none() {
            match super::more_tile::MoreTile::add(
                &self.pipeline,
                &self.compositor,
                self.settings.framerate,
            ) {
                Ok(tile) => self.more = Some(tile),
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "no +N tile"),
            }
        }
        if let Some(tile) = &self.more {
            tile.show(more);
        }
    }

    /// Key-frame requests forwarded to the encoder and coalesced (for metrics).
    pub fn keyframe_stats(&self) -> &KeyframeStats {
        &self.keyframes
    }

    pub fn h264_tee(&self) -> &gst::Element {
        &self.h264_tee
    }

    /// The tee of the full room mix (raw S16LE, 48 kHz stereo).
    pub fn audio_tee(&self) -> &gst::Element {
        &self.audio_tee
    }

    /// The tee of a shared encode, starting the encode if nobody used it yet.
    pub fn acquire_shared(&mut self, kind: SharedKind) -> Result<gst::Element> {
        if let Some(shared) = self.shared.get_mut(&kind) {
            shared.add_user();
            return Ok(shared.tee().clone());
        }
        let (source, encoder, tee_name) = self.shared_branch(kind)?;
        let shared = SharedEncode::start(&self.pipeline, &source, encoder, tee_name)?;
        let tee = shared.tee().clone();
        self.shared.insert(kind, shared);
        Ok(tee)
    }

    /// What a shared encode reads from, its encoder, and the name of its tee.
    fn shared_branch(&self, kind: SharedKind) -> Result<(gst::Element, gst::Bin, &'static str)> {
        let framerate = self.settings.framerate as i64;
        Ok(match kind {
            SharedKind::Vp8 => (
                self.raw_tee.clone(),
                Fragment::Vp8Encoder.build(
                    "vp8-encoder",
                    &[
                        (
                            "bitrate_bps",
                            self.settings.video_bitrate_kbps as i64 * 1000,
                        ),
                        ("keyint", framerate * KEYFRAME_INTERVAL_SECS),
                    ],
                )?,
                "vp8-tee",
            ),
            SharedKind::FullMixOpus => (
                self.audio_tee.clone(),
                Fragment::OpusEncoder.build("full-mix-opus", &[])?,
                "full-mix-opus-tee",
            ),
            SharedKind::Rendition(rung) => {
                let rendition = self
                    .ladder
                    .rungs()
                    .get(rung)
                    .filter(|_| rung > 0)
                    .ok_or_else(|| anyhow!("the ladder has no rung {rung}"))?;
                (
                    self.raw_tee.clone(),
                    Fragment::H264Rendition.build(
                        &format!("rendition-{}", rendition.name),
                        &[
                            ("width", i64::from(rendition.width)),
                            ("height", i64::from(rendition.height)),
                            ("bitrate_kbps", i64::from(rendition.bitrate_kbps)),
                            ("keyint", framerate * KEYFRAME_INTERVAL_SECS),
                        ],
                    )?,
                    RENDITION_TEES.get(rung).copied().unwrap_or("rendition-tee"),
                )
            }
            SharedKind::FullMixAac => (
                self.audio_tee.clone(),
                Fragment::AacEncoder.build("full-mix-aac", &[])?,
                "full-mix-aac-tee",
            ),
        })
    }

    /// One user stopped using a shared encode; the last one stops it.
    pub async fn release_shared(&mut self, kind: SharedKind) {
        let unused = self
            .shared
            .get_mut(&kind)
            .is_some_and(SharedEncode::remove_user);
        if unused && let Some(shared) = self.shared.remove(&kind) {
            shared.stop(&self.pipeline).await;
        }
    }

    /// The tee of rung `rung`'s H.264, starting its encode if nobody was on it. Each call is
    /// matched by one [`RoomPipeline::release_rung`].
    pub fn acquire_rung(&mut self, rung: usize) -> Result<gst::Element> {
        if rung == 0 {
            Ok(self.h264_tee.clone())
        } else {
            self.acquire_shared(SharedKind::Rendition(rung))
        }
    }

    /// One receiver left rung `rung`; a smaller rung nobody is on stops encoding.
    pub async fn release_rung(&mut self, rung: usize) {
        if rung > 0 {
            self.release_shared(SharedKind::Rendition(rung)).await;
        }
    }

    /// Asks the encoder(s) for a key frame, e.g. when a receiver connects.
    pub fn request_keyframe(&self) {
        // Sent into the encoder's output pad, past the coalescing probe on the tee: the
        // encoder merges requests that arrive before its next frame anyway.
        let h264 = self.h264_tee.static_pad("sink").and_then(|p| p.peer());
        let vp8 = self
            .shared
            .get(&SharedKind::Vp8)
            .and_then(SharedEncode::encoder_src);
        let rungs = self.shared.iter().filter_map(|(kind, shared)| match kind {
            SharedKind::Rendition(_) => shared.encoder_src(),
            _ => None,
        });
        for pad in h264
            .iter()
            .chain(vp8.iter())
            .chain(rungs.collect::<Vec<_>>().iter())
        {
            super::keyframes::request_keyframe(pad);
        }
    }

    /// Stops the pipeline (off the async threads: reaching NULL joins streaming threads).
    pub async fn shutdown(mut self) {
        self.shut_down = true;
        let pipeline = self.pipeline.clone();
        drop(self);
        let _ = tokio::task::spawn_blocking(move || {
            if let Err(err) = pipeline.set_state(gst::State::Null) {
                tracing::warn!(%err, "room pipeline did not reach NULL cleanly");
            }
        })
        .await;
    }
}

impl Drop for RoomPipeline {
    /// A pipeline dropped without [`RoomPipeline::shutdown`] (its room task panicked or was
    /// cancelled) must still reach NULL, or its streaming threads, sockets and encoders live
    /// on. Reaching NULL joins threads, so it happens on a thread of its own: a drop may run on
    /// an async worker.
    fn drop(&mut self) {
        if self.shut_down {
            return;
        }
        let pipeline = self.pipeline.clone();
        let stopped = std::thread::Builder::new()
            .name("room-stop".into())
            .spawn(move || {
                if let Err(err) = pipeline.set_state(gst::State::Null) {
                    tracing::warn!(%err, "a dropped room pipeline did not reach NULL cleanly");
                }
            });
        if let Err(err) = stopped {
            tracing::warn!(%err, "no thread to stop a dropped room pipeline");
        }
    }
}

/// The room-wide mix: a silent live source keeps it running while nobody talks; every
/// participant's microphone joins it (through the mix-minus wiring), and a tee hands it on.
fn full_mix(pipeline: &gst::Pipeline) -> Result<(gst::Element, gst::Element)> {
    let (_silence, mixer) = super::mixminus::silent_mixer(pipeline, "room")?;
    let tee = super::tee::decoupled("room-mix-tee")?;
    pipeline.add(&tee)?;
    mixer
        .link_filtered(&tee, &super::mixminus::mix_caps())
        .context("room mix → tee")?;
    Ok((mixer, tee))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The state `pipeline` settles in within `limit`.
    fn settled_state(pipeline: &gst::Pipeline, limit: Duration) -> gst::State {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let (_, current, _) = pipeline.state(gst::ClockTime::from_mseconds(100));
            if current == gst::State::Null || std::time::Instant::now() > deadline {
                return current;
            }
        }
    }

    #[test]
    fn a_room_pipeline_dropped_without_shutdown_still_reaches_null() {
        gst::init().expect("GStreamer initialises");
        let room = RoomPipeline::start("dropped", &MediaSettings::default()).expect("starts");
        let pipeline = room.pipeline.clone();
        assert_eq!(
            settled_state(&pipeline, Duration::from_millis(500)),
            gst::State::Playing
        );
        drop(room);
        assert_eq!(
            settled_state(&pipeline, Duration::from_secs(5)),
            gst::State::Null
        );
    }
}
