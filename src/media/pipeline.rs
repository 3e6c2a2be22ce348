//! The room pipeline: live background → compositor → one H.264 encode → tee, plus a VP8 encode
//! of the same composite made only while some receiver needs it.
//!
//! ```text
//! background ─► compositor ─► caps ─► raw-tee ─► h264 encoder ─► h264-tee ─► (receivers)
//! participants' tiles ──┘                 └─(on demand)─► vp8 encoder ─► vp8-tee ─► (receivers)
//! ```

use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::fragments::{Fragment, make};
use super::keyframes::{self, KeyframeStats};
use super::layout::Size;
use super::teardown;
use crate::config::MediaSettings;

/// Key frames at least this often (in frames) even without requests, so a receiver that lost
/// one recovers without a round trip.
const KEYFRAME_INTERVAL_SECS: i64 = 2;

/// The shared VP8 encode, alive while at least one receiver uses it.
struct Vp8Branch {
    raw_pad: gst::Pad,
    encoder: gst::Bin,
    tee: gst::Element,
    users: usize,
}

/// One room's GStreamer pipeline and its shared elements.
pub struct RoomPipeline {
    pub pipeline: gst::Pipeline,
    pub compositor: gst::Element,
    raw_tee: gst::Element,
    h264_tee: gst::Element,
    /// Everyone's microphone mixed (the recording and broadcasts hear this), raw, teed.
    pub room_mix: gst::Element,
    audio_tee: gst::Element,
    vp8: Option<Vp8Branch>,
    pub canvas: Size,
    pub settings: MediaSettings,
    pub keyframes: Arc<KeyframeStats>,
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
        let raw_tee = make("tee", "raw-tee")?;
        raw_tee.set_property("allow-not-linked", true);
        let encoder = Fragment::H264Encoder.build(
            "h264-encoder",
            &[
                ("bitrate_kbps", settings.video_bitrate_kbps as i64),
                ("keyint", settings.framerate as i64 * KEYFRAME_INTERVAL_SECS),
            ],
        )?;
        let h264_tee = make("tee", "h264-tee")?;
        h264_tee.set_property("allow-not-linked", true);
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
            vp8: None,
            canvas,
            settings: settings.clone(),
            keyframes,
        })
    }

    /// The tee of encoded H.264 composite that receivers attach to.
    pub fn h264_tee(&self) -> &gst::Element {
        &self.h264_tee
    }

    /// The tee of the full room mix (raw S16LE, 48 kHz stereo).
    pub fn audio_tee(&self) -> &gst::Element {
        &self.audio_tee
    }

    /// The tee of the VP8 composite, starting the VP8 encode if nobody used it yet.
    pub fn acquire_vp8_tee(&mut self) -> Result<gst::Element> {
        if let Some(branch) = &mut self.vp8 {
            branch.users += 1;
            return Ok(branch.tee.clone());
        }
        let framerate = self.settings.framerate as i64;
        let encoder = Fragment::Vp8Encoder.build(
            "vp8-encoder",
            &[
                (
                    "bitrate_bps",
                    self.settings.video_bitrate_kbps as i64 * 1000,
                ),
                ("keyint", framerate * KEYFRAME_INTERVAL_SECS),
            ],
        )?;
        let tee = make("tee", "vp8-tee")?;
        tee.set_property("allow-not-linked", true);
        self.pipeline
            .add_many([encoder.upcast_ref::<gst::Element>(), &tee])?;
        encoder.link(&tee).context("vp8 encoder → tee")?;
        encoder.sync_state_with_parent()?;
        tee.sync_state_with_parent()?;
        let raw_pad = self
            .raw_tee
            .request_pad_simple("src_%u")
            .ok_or_else(|| anyhow!("raw tee gave no pad"))?;
        let enc_sink = encoder
            .static_pad("sink")
            .ok_or_else(|| anyhow!("vp8 encoder has no sink"))?;
        raw_pad.link(&enc_sink).context("raw tee → vp8 encoder")?;
        self.vp8 = Some(Vp8Branch {
            raw_pad,
            encoder,
            tee: tee.clone(),
            users: 1,
        });
        Ok(tee)
    }

    /// One receiver stopped using VP8; the last one stops the encode.
    pub async fn release_vp8_tee(&mut self) {
        let Some(branch) = &mut self.vp8 else { return };
        branch.users = branch.users.saturating_sub(1);
        if branch.users > 0 {
            return;
        }
        let Some(branch) = self.vp8.take() else {
            return;
        };
        teardown::unlink_tee_pad(&self.raw_tee, branch.raw_pad).await;
        teardown::remove_elements(&self.pipeline, vec![branch.encoder.upcast(), branch.tee]).await;
    }

    /// Asks the encoder(s) for a key frame, e.g. when a receiver connects.
    pub fn request_keyframe(&self) {
        for tee in std::iter::once(&self.h264_tee).chain(self.vp8.as_ref().map(|b| &b.tee)) {
            // Sent into the encoder's output pad, past the coalescing probe on the tee: the
            // encoder merges requests that arrive before its next frame anyway.
            if let Some(pad) = tee.static_pad("sink").and_then(|p| p.peer()) {
                super::keyframes::request_keyframe(&pad);
            }
        }
    }

    /// Stops the pipeline (off the async threads: reaching NULL joins streaming threads).
    pub async fn shutdown(self) {
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

/// The room-wide mix: a silent live source keeps it running while nobody talks; every
/// participant's microphone joins it (through the mix-minus wiring), and a tee hands it on.
fn full_mix(pipeline: &gst::Pipeline) -> Result<(gst::Element, gst::Element)> {
    let (_silence, mixer) = super::mixminus::silent_mixer(pipeline, "room")?;
    let tee = make("tee", "room-mix-tee")?;
    tee.set_property("allow-not-linked", true);
    pipeline.add(&tee)?;
    mixer
        .link_filtered(&tee, &super::mixminus::mix_caps())
        .context("room mix → tee")?;
    Ok((mixer, tee))
}
