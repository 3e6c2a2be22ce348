//! A WHIP publisher: sends a solid-colour camera and a tone, receives nothing. One HTTP offer
//! with every candidate in it (no trickle), the answer back, `DELETE` to stop.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gst::prelude::*;

use super::receive_only::{http_peer, offer_over_http};
use super::{
    GstPeer, PeerOptions, PipelineGuard, Shared, VideoCodec, build_pipeline, start_webrtc,
    wait_for_sent_caps,
};
use crate::support::signalling;

impl GstPeer {
    /// Publishes into room `room` through WHIP at `base` with `token` (a session token or the
    /// room's stream key): `rgb` video (640×360@30 in `codec`) and a mono `tone_hz` sine, both
    /// offered `sendonly`. Returns once the answer has been applied; `leave` DELETEs the
    /// session.
    pub async fn publish_whip(
        base: &str,
        room: &str,
        token: &str,
        name: &str,
        rgb: [u8; 3],
        tone_hz: u32,
        codec: VideoCodec,
    ) -> Result<GstPeer> {
        Self::publish_whip_with(
            base,
            room,
            token,
            name,
            rgb,
            tone_hz,
            PeerOptions::new(codec),
        )
        .await
    }

    /// [`GstPeer::publish_whip`] with every option (codec and m-line order are used).
    pub async fn publish_whip_with(
        base: &str,
        room: &str,
        token: &str,
        name: &str,
        rgb: [u8; 3],
        tone_hz: u32,
        options: PeerOptions,
    ) -> Result<GstPeer> {
        gst::init()?;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let pipeline = PipelineGuard(build_pipeline(name, rgb, tone_hz, options)?);
        let webrtc = start_webrtc(&pipeline, name, None, &shared, false)?;
        let joined_at = Instant::now();
        for pad in ["sink_0", "sink_1"] {
            let transceiver = webrtc
                .static_pad(pad)
                .with_context(|| format!("webrtcbin has no {pad}"))?
                .property::<gst_webrtc::WebRTCRTPTransceiver>("transceiver");
            transceiver.set_property(
                "direction",
                gst_webrtc::WebRTCRTPTransceiverDirection::Sendonly,
            );
        }
        wait_for_sent_caps(&webrtc).await;

        let url = format!("{base}/api/rooms/{room}/whip");
        let (location, answer_sdp) = offer_over_http(&webrtc, &url, token, name).await?;
        let directions = signalling::media_directions(&answer_sdp);
        if directions.len() != 2 || directions.iter().any(|(_, d)| d != "recvonly") {
            bail!("{name}: the answer is not recvonly audio+video: {directions:?}\n{answer_sdp}");
        }
        Ok(http_peer(
            name,
            format!("{base}{location}"),
            joined_at,
            pipeline,
            shared,
            answer_sdp,
        ))
    }
}
