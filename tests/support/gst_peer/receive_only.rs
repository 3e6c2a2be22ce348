//! Receive-only peers: a viewer that sends nothing, on the socket or through WHEP (one HTTP
//! offer with every candidate in it, the answer back, `DELETE` to leave).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;
use tokio::sync::mpsc;

use super::{GstPeer, PeerOptions, PipelineGuard, Shared, VideoCodec, create_offer, start_webrtc};
use crate::support::analysis;
use crate::support::signalling::{self, Notes};

/// How long a WHEP player waits for its own candidates before sending the offer.
const GATHERING_TIMEOUT: Duration = Duration::from_secs(5);

/// A pipeline holding only a `webrtcbin` with receive-only audio (Opus) and video, in the
/// options' codec and m-line order.
pub(super) fn build_pipeline(name: &str, options: PeerOptions) -> Result<gst::Pipeline> {
    crate::support::receive_pipeline::build(
        name,
        options.codec == VideoCodec::Vp8,
        options.video_first,
    )
}

impl GstPeer {
    /// Watches room `room` through WHEP at `base` (e.g. `http://127.0.0.1:8080`) with `token`
    /// (a session or invite token). Returns once the answer has been applied.
    pub async fn watch_whep(
        base: &str,
        room: &str,
        token: &str,
        name: &str,
        options: PeerOptions,
    ) -> Result<GstPeer> {
        gst::init()?;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let pipeline = PipelineGuard(build_pipeline(name, options)?);
        let webrtc = start_webrtc(&pipeline, name, None, &shared, options.decode)?;
        let joined_at = Instant::now();

        let url = format!("{base}/api/rooms/{room}/whep");
        let (location, answer_sdp) = offer_over_http(&webrtc, &url, token, name).await?;
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

/// A peer that came in over WHIP or WHEP: no socket, and `leave` DELETEs `resource`.
pub(super) fn http_peer(
    name: &str,
    resource: String,
    joined_at: Instant,
    pipeline: PipelineGuard,
    shared: Arc<Mutex<Shared>>,
    answer_sdp: String,
) -> GstPeer {
    // Its outgoing channel leads nowhere.
    let (out_tx, _) = mpsc::unbounded_channel();
    GstPeer {
        name: name.to_owned(),
        participant_id: resource.rsplit('/').next().unwrap_or("").to_owned(),
        joined_at,
        pipeline,
        shared,
        notes: Arc::new(Mutex::new(Notes::default())),
        out_tx,
        ws_task: None,
        answer_sdp,
        whep_resource: Some(resource),
        left: false,
        camera_probe: Mutex::new(None),
    }
}

/// The WHIP/WHEP exchange without trickle: waits for every local candidate, POSTs the offer
/// to `url` and applies the answer. Returns the session's `Location` and the answer.
pub(super) async fn offer_over_http(
    webrtc: &gst::Element,
    url: &str,
    token: &str,
    name: &str,
) -> Result<(String, String)> {
    let offer = create_offer(webrtc).await?;
    webrtc.emit_by_name::<()>("set-local-description", &[&offer, &None::<gst::Promise>]);
    // No trickle: the offer goes once every candidate is in the local description.
    let gathered = analysis::wait_until_async(GATHERING_TIMEOUT, || {
        webrtc.property::<gst_webrtc::WebRTCICEGatheringState>("ice-gathering-state")
            == gst_webrtc::WebRTCICEGatheringState::Complete
    })
    .await;
    if !gathered {
        bail!("{name}: ICE gathering did not complete");
    }
    let local = webrtc
        .property::<Option<gst_webrtc::WebRTCSessionDescription>>("local-description")
        .context("no local description")?;
    let offer_sdp = local.sdp().as_text().context("offer as text")?;

    let (status, location, answer_sdp) =
        post_offer(url.to_owned(), token.to_owned(), offer_sdp).await?;
    if status != 201 {
        bail!("{name}: offer refused with {status}: {answer_sdp}");
    }
    let location = location.context("a 201 without Location")?;
    let message = gst_sdp::SDPMessage::parse_buffer(answer_sdp.as_bytes())
        .map_err(|e| anyhow!("{name}: unparsable answer: {e}"))?;
    let answer =
        gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Answer, message);
    webrtc.emit_by_name::<()>("set-remote-description", &[&answer, &None::<gst::Promise>]);
    Ok((location, answer_sdp))
}

/// POSTs the offer; returns the status, the `Location` and the body.
async fn post_offer(
    url: String,
    token: String,
    offer: String,
) -> Result<(u16, Option<String>, String)> {
    tokio::task::spawn_blocking(move || {
        let reply = ureq::post(&url)
            .timeout(signalling::SIGNALLING_TIMEOUT)
            .set("Content-Type", "application/sdp")
            .set("Authorization", &format!("Bearer {token}"))
            .send_string(&offer);
        let response = match reply {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(anyhow!("POST {url}: {e}")),
        };
        let status = response.status();
        let location = response.header("Location").map(str::to_owned);
        let body = response.into_string().context("reading the answer")?;
        Ok((status, location, body))
    })
    .await
    .context("the POST panicked")?
}

/// Ends a WHEP session (`DELETE` on its URL) and stops the pipeline.
pub(super) async fn end_whep(url: String, pipeline: gst::Pipeline) -> Result<()> {
    let deleted = tokio::task::spawn_blocking(move || {
        ureq::delete(&url)
            .timeout(signalling::SIGNALLING_TIMEOUT)
            .call()
            .map(|r| r.status())
            .map_err(|e| anyhow!("DELETE {url}: {e}"))
    })
    .await
    .context("the DELETE panicked")?;
    tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null))
        .await
        .context("stopping the pipeline panicked")?
        .context("stopping the pipeline")?;
    match deleted? {
        200 => Ok(()),
        other => bail!("DELETE answered {other}"),
    }
}
