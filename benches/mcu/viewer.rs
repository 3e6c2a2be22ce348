//! A WHEP load viewer: a receive-only `webrtcbin` that offers H.264 and Opus, posts its offer
//! once with every candidate in it, and counts the composite's frames as they arrive (RTP
//! marker bits) without depayloading or decoding, like the load clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;

use crate::client::{ClientStats, SIGNALLING_TIMEOUT, create_offer, on_incoming, watch_bus};

/// How long a viewer waits for its own candidates before offering.
const GATHERING_TIMEOUT: Duration = Duration::from_secs(5);

pub struct LoadViewer {
    pub room: String,
    pub name: String,
    pipeline: gst::Pipeline,
    pub stats: Arc<ClientStats>,
    /// The WHEP session's URL (DELETE ends it).
    resource: String,
}

impl LoadViewer {
    /// Watches room `room_id` at `base` (`http://host:port`) with `token`; the offer lists
    /// audio first (as browsers do) or, with `video_first`, video first.
    pub async fn watch(
        base: &str,
        (label, room_id, token): (&str, &str, &str),
        name: &str,
        video_first: bool,
    ) -> Result<LoadViewer> {
        let stats = Arc::new(ClientStats::default());
        stats.mark_join_sent();
        let pipeline = crate::receive_pipeline::build(name, false, video_first)?;
        let webrtc = pipeline.by_name("webrtc").context("no webrtcbin")?;
        let pad_stats = stats.clone();
        webrtc.connect_pad_added(move |webrtc, pad| {
            if pad.direction() == gst::PadDirection::Src
                && let Err(e) = on_incoming(webrtc, pad, &pad_stats)
            {
                eprintln!("viewer: incoming {}: {e:#}", pad.name());
            }
        });
        watch_bus(&pipeline, name, &stats)?;
        pipeline.set_state(gst::State::Playing)?;
        // Owned from here on, so that a failure below still stops the pipeline (Drop).
        let mut viewer = LoadViewer {
            room: label.to_owned(),
            name: name.to_owned(),
            pipeline: pipeline.clone(),
            stats,
            resource: String::new(),
        };

        let offer = create_offer(&webrtc).await?;
        webrtc.emit_by_name::<()>("set-local-description", &[&offer, &None::<gst::Promise>]);
        let deadline = Instant::now() + GATHERING_TIMEOUT;
        while webrtc.property::<gst_webrtc::WebRTCICEGatheringState>("ice-gathering-state")
            != gst_webrtc::WebRTCICEGatheringState::Complete
        {
            if Instant::now() > deadline {
                bail!("{name}: ICE gathering did not complete");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let local = webrtc
            .property::<Option<gst_webrtc::WebRTCSessionDescription>>("local-description")
            .context("no local description")?;
        let offer_sdp = local.sdp().as_text()?;
        let url = format!("{base}/api/rooms/{room_id}/whep");
        let token = token.to_owned();
        let (location, answer) =
            tokio::task::spawn_blocking(move || -> Result<(String, String)> {
                let response = ureq::post(&url)
                    .timeout(SIGNALLING_TIMEOUT)
                    .set("Content-Type", "application/sdp")
                    .set("Authorization", &format!("Bearer {token}"))
                    .send_string(&offer_sdp)
                    .map_err(|e| anyhow!("POST {url}: {e}"))?;
                let location = response
                    .header("Location")
                    .map(str::to_owned)
                    .context("201 without Location")?;
                Ok((location, response.into_string()?))
            })
            .await??;
        let message = gst_sdp::SDPMessage::parse_buffer(answer.as_bytes())
            .map_err(|e| anyhow!("{name}: unparsable answer: {e}"))?;
        let answer =
            gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Answer, message);
        webrtc.emit_by_name::<()>("set-remote-description", &[&answer, &None::<gst::Promise>]);
        viewer.resource = format!("{base}{location}");
        Ok(viewer)
    }

    /// Ends the session (DELETE) and stops the pipeline.
    pub async fn leave(&mut self) {
        let url = std::mem::take(&mut self.resource);
        if !url.is_empty() {
            let _ = tokio::task::spawn_blocking(move || {
                // Only whether it worked matters; the viewer goes either way.
                ureq::delete(&url)
                    .timeout(SIGNALLING_TIMEOUT)
                    .call()
                    .map(|r| r.status())
                    .map_err(|e| e.to_string())
            })
            .await;
        }
        let pipeline = self.pipeline.clone();
        let _ = tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null)).await;
    }
}

impl Drop for LoadViewer {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Waits until every viewer has its first frame, or `timeout` has passed.
pub async fn wait_first_frames(viewers: &[LoadViewer], timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !viewers.iter().all(|v| v.stats.has_first_frame())
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
