//! The room's end of an RTMP push: an `appsink` behind a leaky queue on the H.264 tee and
//! another on the shared AAC tee. Their callbacks hand buffers to whatever push pipeline is
//! connected at the moment (none while it is being rebuilt), never waiting on it, so a slow,
//! unreachable or vanished RTMP server cannot hold up the room's tees.

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use crate::media::fragments::Fragment;
use crate::media::pipeline::RoomPipeline;
use crate::media::shared_encode::SharedKind;
use crate::media::tee_branch::TeeBranch;

/// The push pipeline's inputs while one is connected.
struct PushInput {
    video: gst_app::AppSrc,
    audio: gst_app::AppSrc,
    /// Running time (in the room's pipeline) of the key frame this push started at; every
    /// timestamp is shifted back by it, so the FLV starts near 0.
    base: Option<gst::ClockTime>,
    audio_caps_set: bool,
}

/// Hands the taps' buffers to the current push pipeline.
#[derive(Default)]
pub struct Feed {
    input: Mutex<Option<PushInput>>,
}

impl Feed {
    /// Starts feeding a new push; it begins at the next key frame.
    pub fn connect(&self, video: gst_app::AppSrc, audio: gst_app::AppSrc) {
        *self.lock() = Some(PushInput {
            video,
            audio,
            base: None,
            audio_caps_set: false,
        });
    }

    /// Stops feeding (the push is being torn down).
    pub fn disconnect(&self) {
        self.lock().take();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PushInput>> {
        // unwrap: nothing panics while holding this lock (field updates and non-blocking
        // pushes into appsrc only).
        #[allow(clippy::unwrap_used)]
        self.input.lock().unwrap()
    }

    fn on_video(&self, sample: &gst::Sample) {
        let mut guard = self.lock();
        let Some(input) = guard.as_mut() else {
            return;
        };
        let Some(buffer) = sample.buffer() else {
            return;
        };
        let Some(pts) = running_time(sample, buffer.pts()) else {
            return;
        };
        let base = match input.base {
            Some(base) => base,
            None => {
                // A push starts at a key frame, with the stream's caps.
                if buffer.flags().contains(gst::BufferFlags::DELTA_UNIT) {
                    return;
                }
                input.video.set_caps(sample.caps_owned().as_ref());
                input.base = Some(pts);
                pts
            }
        };
        let dts = running_time(sample, buffer.dts()).unwrap_or(pts);
        let _ = input
            .video
            .push_buffer(rebased(buffer, pts, dts.min(pts), base));
    }

    fn on_audio(&self, sample: &gst::Sample) {
        let mut guard = self.lock();
        let Some(input) = guard.as_mut() else {
            return;
        };
        let (Some(base), Some(buffer)) = (input.base, sample.buffer()) else {
            return;
        };
        let Some(pts) = running_time(sample, buffer.pts()).filter(|t| *t >= base) else {
            return;
        };
        if !input.audio_caps_set {
            input.audio.set_caps(sample.caps_owned().as_ref());
            input.audio_caps_set = true;
        }
        let _ = input.audio.push_buffer(rebased(buffer, pts, pts, base));
    }
}

/// `t` (a buffer time in the sample's segment) as running time.
fn running_time(sample: &gst::Sample, t: Option<gst::ClockTime>) -> Option<gst::ClockTime> {
    let segment = sample.segment()?.downcast_ref::<gst::ClockTime>()?;
    segment.to_running_time(t?)
}

/// A shallow copy of `buffer` with its times shifted back by `base`.
fn rebased(
    buffer: &gst::BufferRef,
    pts: gst::ClockTime,
    dts: gst::ClockTime,
    base: gst::ClockTime,
) -> gst::Buffer {
    let mut out = buffer.to_owned();
    let b = out.make_mut();
    b.set_pts(pts.saturating_sub(base));
    b.set_dts(dts.saturating_sub(base));
    out
}

/// One tap: a tee pad into a leaky queue and an appsink.
type Tap = TeeBranch;

/// Both taps of one push, in the room's pipeline.
pub struct RtmpTaps {
    video: Tap,
    audio: Tap,
}

impl RtmpTaps {
    /// Taps the room's H.264 and the shared AAC mix (started here if nobody used it).
    pub async fn attach(room: &mut RoomPipeline, feed: Arc<Feed>) -> Result<Self> {
        let aac_tee = room.acquire_shared(SharedKind::FullMixAac)?;
        let video_feed = feed.clone();
        let video = tap(room, room.h264_tee(), "rtmp-video-tap", move |s| {
            video_feed.on_video(s)
        });
        let video = match video {
            Ok(v) => v,
            Err(err) => {
                room.release_shared(SharedKind::FullMixAac).await;
                return Err(err);
            }
        };
        match tap(room, &aac_tee, "rtmp-audio-tap", move |s| feed.on_audio(s)) {
            Ok(audio) => Ok(Self { video, audio }),
            Err(err) => {
                remove(room, video).await;
                room.release_shared(SharedKind::FullMixAac).await;
                Err(err)
            }
        }
    }

    /// Where an upstream key-frame request for the room's H.264 encoder starts (it travels
    /// through the tee to the encoder, like a receiver's PLI).
    pub fn keyframe_pad(&self) -> Option<gst::Pad> {
        self.video.bin().static_pad("sink")
    }

    /// Takes both taps out and gives back the AAC encode.
    pub async fn detach(self, room: &mut RoomPipeline) {
        remove(room, self.video).await;
        remove(room, self.audio).await;
        room.release_shared(SharedKind::FullMixAac).await;
    }
}

fn tap(
    room: &RoomPipeline,
    tee: &gst::Element,
    name: &str,
    on_sample: impl Fn(&gst::Sample) + Send + Sync + 'static,
) -> Result<Tap> {
    let bin = Fragment::RtmpTap.build(name, &[])?;
    let sink = bin
        .by_name("tap")
        .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
        .ok_or_else(|| anyhow!("the RTMP tap has no appsink"))?;
    sink.set_callbacks(
        gst_app::AppSinkCallbacks::builder()
            .new_sample(move |sink| {
                let sample = sink.pull_sample().map_err(|_| gst::FlowError::Flushing)?;
                on_sample(&sample);
                Ok(gst::FlowSuccess::Ok)
            })
            .build(),
    );
    TeeBranch::attach(room.gst_pipeline(), bin, &[(tee, "sink")])
        .context("the RTMP tap did not start")
}

async fn remove(room: &RoomPipeline, tap: Tap) {
    tap.detach(room.gst_pipeline()).await;
}
