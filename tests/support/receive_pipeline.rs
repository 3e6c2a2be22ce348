//! A receive-only WebRTC peer's pipeline: one `webrtcbin` with a receive-only Opus transceiver
//! and a receive-only video one. Shared by the test viewers and the benchmark's load viewers
//! (which include this file by path), so both offer exactly what a WHEP player offers.

use anyhow::Result;
use gst::prelude::*;

/// A pipeline named `viewer-{name}` holding a `webrtcbin` named `webrtc`, offering to receive
/// Opus and H.264 (constrained baseline, packetization-mode 1) or, with `vp8`, VP8. The offer
/// lists audio first (as browsers do) or, with `video_first`, video first (as many players and
/// encoders do).
pub fn build(name: &str, vp8: bool, video_first: bool) -> Result<gst::Pipeline> {
    let pipeline = gst::Pipeline::builder()
        .name(format!("viewer-{name}"))
        .build();
    let webrtc = gst::ElementFactory::make("webrtcbin")
        .name("webrtc")
        .property_from_str("bundle-policy", "max-bundle")
        .build()?;
    pipeline.add(&webrtc)?;
    let audio = gst::Caps::builder("application/x-rtp")
        .field("media", "audio")
        .field("encoding-name", "OPUS")
        .field("payload", 111i32)
        .field("clock-rate", 48_000i32)
        .build();
    let video = if vp8 {
        gst::Caps::builder("application/x-rtp")
            .field("media", "video")
            .field("encoding-name", "VP8")
            .field("payload", 96i32)
            .field("clock-rate", 90_000i32)
            .build()
    } else {
        gst::Caps::builder("application/x-rtp")
            .field("media", "video")
            .field("encoding-name", "H264")
            .field("payload", 102i32)
            .field("clock-rate", 90_000i32)
            .field("packetization-mode", "1")
            .field("profile-level-id", "42e01f")
            .build()
    };
    let order = if video_first {
        [video, audio]
    } else {
        [audio, video]
    };
    for caps in order {
        webrtc.emit_by_name::<gst_webrtc::WebRTCRTPTransceiver>(
            "add-transceiver",
            &[&gst_webrtc::WebRTCRTPTransceiverDirection::Recvonly, &caps],
        );
    }
    Ok(pipeline)
}
