//! One participant's media: its `webrtcbin`, what it sends (the composite and its mix-minus),
//! and how what it receives from the client is decoded into a tile and an audio tee.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

use super::events::MediaEvent;
use super::fragments::Fragment;
use super::pipeline::RoomPipeline;
use super::placeholder::Placeholder;
use super::sdp::{self, SendCodec};
use super::shared_encode::SharedKind;
use super::teardown;
use super::video_feed::VideoFeed;

mod senders;
mod signals;
mod tile;

pub use tile::TileKind;

use signals::connect_signals;

/// Longest one webrtcbin negotiation step (set a description, create the answer) may take.
/// Each takes milliseconds; one that hangs must not hold the room task.
const NEGOTIATION_STEP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Process-wide origin of the liveness clock.
static CLOCK_ORIGIN: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);

/// Milliseconds since the liveness clock started.
pub fn now_ms() -> u64 {
    CLOCK_ORIGIN.elapsed().as_millis() as u64
}

/// A branch from one of the room's tees into this participant's sender.
struct TeeSend {
    tee: gst::Element,
    tee_pad: gst::Pad,
    sender: gst::Bin,
    /// The shared encode the tee belongs to, released with the branch.
    shared: SharedKind,
}

/// What the participant's `webrtcbin` sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Downlink {
    /// The composite and its own mix-minus, answering a two-way offer.
    Participant,
    /// The composite and the full room mix, answering a receive-only offer.
    Viewer,
    /// Nothing: a publisher (WHIP) only sends, so every m-line is answered `recvonly`.
    Publisher,
}

/// This participant's mix-minus: a silent live source (so the mix runs while nobody else
/// talks) plus everyone else's tees, into its own Opus encode.
pub struct AudioMix {
    silence: gst::Element,
    mixer: gst::Element,
    sender: gst::Bin,
}

/// The participant's camera, decoded into its tile.
struct VideoInput {
    bin: gst::Bin,
    compositor_pad: gst::Pad,
    /// The name strip at the bottom of the tile.
    label: Option<gst::Element>,
    /// When the decoder last gave a picture, in [`now_ms`].
    seen_ms: Arc<AtomicU64>,
}

/// The participant's microphone, decoded and split for the others' mixes.
pub struct AudioInput {
    bin: gst::Bin,
    tee: gst::Element,
    /// Posts the decoded microphone's level (the active speaker is chosen from it).
    level: Option<gst::Element>,
}

/// Kind of an incoming stream once linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incoming {
    Video,
    Audio,
}

/// One participant's elements in the room pipeline.
pub struct ParticipantMedia {
    id: Uuid,
    prefix: String,
    name: String,
    webrtcbin: gst::Element,
    /// When the last packet of any kind (RTP, RTCP, STUN, DTLS) arrived, in [`now_ms`].
    last_packet_ms: Arc<AtomicU64>,
    plan: Option<Vec<SendCodec>>,
    downlink: Downlink,
    /// Branches from the room's tees: the VP8 composite, and for viewers the full mix.
    tee_sends: Vec<TeeSend>,
    /// The H.264 composite, movable between renditions, and its payloader.
    video_feed: Option<VideoFeed>,
    video_sender: Option<gst::Bin>,
    events: UnboundedSender<MediaEvent>,
    audio_mix: Option<AudioMix>,
    video_in: Option<VideoInput>,
    audio_in: Option<AudioInput>,
    /// Initials on a colour, shown while there is no live camera to show.
    placeholder: Option<Placeholder>,
    /// The member's microphone is off (as it says): its tile is marked.
    muted: bool,
    /// When its first offer was answered, in [`now_ms`] (its camera gets that long to arrive).
    negotiated_ms: u64,
}

impl ParticipantMedia {
    /// Adds a `webrtcbin` for the participant to the playing room pipeline.
    pub fn create(
        room: &RoomPipeline,
        id: Uuid,
        name: &str,
        events: UnboundedSender<MediaEvent>,
    ) -> Result<Self> {
        let prefix = format!("p{}", &id.simple().to_string()[..12]);
        let webrtcbin = gst::ElementFactory::make("webrtcbin")
            .name(format!("{prefix}-webrtcbin"))
            .property_from_str("bundle-policy", "max-bundle")
            .property("latency", room.settings.jitter_latency_ms)
            .build()
            .context("cannot create webrtcbin")?;
        configure_ice(
            &webrtcbin,
            room.settings.udp_port_min,
            room.settings.udp_port_max,
        );
        let last_packet_ms = Arc::new(AtomicU64::new(now_ms()));
        connect_signals(&webrtcbin, id, events.clone(), last_packet_ms.clone())?;
        room.pipeline.add(&webrtcbin)?;
        webrtcbin.sync_state_with_parent()?;
        Ok(Self {
            id,
            prefix,
            name: name.to_owned(),
            webrtcbin,
            last_packet_ms,
            plan: None,
            downlink: Downlink::Participant,
            tee_sends: Vec::new(),
            video_feed: None,
            video_sender: None,
            events,
            audio_mix: None,
            video_in: None,
            audio_in: None,
            placeholder: None,
            muted: false,
            negotiated_ms: now_ms(),
        })
    }

    /// Number of m-lines negotiated so far (ICE for any other index is refused).
    pub fn m_lines(&self) -> Option<usize> {
        self.plan.as_ref().map(Vec::len)
    }

    /// When the last packet of any kind arrived, in [`now_ms`].
    pub fn last_packet_ms(&self) -> u64 {
        self.last_packet_ms.load(Ordering::Relaxed)
    }

    /// The mixer of what this participant hears, once it has one.
    pub fn mixer(&self) -> Option<&gst::Element> {
        self.audio_mix.as_ref().map(|a| &a.mixer)
    }

    /// The tee of this participant's decoded microphone, once it has one.
    pub fn audio_tee(&self) -> Option<&gst::Element> {
        self.audio_in.as_ref().map(|a| &a.tee)
    }

    /// Whether `object` is the element that measures this participant's microphone.
    pub fn measures_voice(&self, object: &gst::Object) -> bool {
        self.audio_in
            .as_ref()
            .and_then(|a| a.level.as_ref())
            .is_some_and(|level| level.upcast_ref::<gst::Object>() == object)
    }

    /// Every element of this participant in the room's pipeline.
    fn elements(&self) -> Vec<gst::Element> {
        let mut elements = vec![self.webrtcbin.clone()];
        elements.extend(self.tee_sends.iter().map(|s| s.sender.clone().upcast()));
        elements.extend(self.video_feed.as_ref().map(|f| f.funnel().clone()));
        elements.extend(self.video_sender.iter().map(|s| s.clone().upcast()));
        if let Some(mix) = &self.audio_mix {
            elements.extend([
                mix.silence.clone(),
                mix.mixer.clone(),
                mix.sender.clone().upcast(),
            ]);
        }
        elements.extend(self.video_in.iter().map(|v| v.bin.clone().upcast()));
        elements.extend(self.placeholder.iter().map(|p| p.bin().clone().upcast()));
        if let Some(input) = &self.audio_in {
            elements.extend([input.bin.clone().upcast(), input.tee.clone()]);
        }
        elements
    }

    /// Whether `object` (an element or pad that posted a message) is one of this
    /// participant's elements or inside one.
    pub fn owns(&self, object: &gst::Object) -> bool {
        self.elements().iter().any(|element| {
            let element = element.upcast_ref::<gst::Object>();
            object == element || object.has_as_ancestor(element)
        })
    }

    /// Answers an offer: attaches the senders for each m-line (first offer only), then runs
    /// set-remote → create-answer → set-local, and returns the answer's SDP text.
    pub async fn answer(
        &mut self,
        room: &mut RoomPipeline,
        offer: gst_sdp::SDPMessage,
        plan: Vec<SendCodec>,
        downlink: Downlink,
    ) -> Result<String> {
        match &self.plan {
            None => {
                self.downlink = downlink;
                for (index, codec) in plan.iter().enumerate() {
                    if downlink == Downlink::Publisher {
                        self.expect_incoming(&offer, index, *codec)?;
                    } else {
                        self.attach_sender(room, &offer, index, *codec).await?;
                    }
                }
                self.plan = Some(plan);
                self.negotiated_ms = now_ms();
            }
            Some(current) if *current == plan => {}
            Some(_) => bail!(OfferChanged),
        }
        let offer =
            gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Offer, offer);
        let (promise, reply) = gst::Promise::new_future();
        self.webrtcbin
            .emit_by_name::<()>("set-remote-description", &[&offer, &promise]);
        check_reply(
            within(reply, "set-remote-description").await?,
            "set-remote-description",
        )?;

        let (promise, reply) = gst::Promise::new_future();
        self.webrtcbin
            .emit_by_name::<()>("create-answer", &[&None::<gst::Structure>, &promise]);
        let reply = within(reply, "create-answer")
            .await?
            .map_err(|e| anyhow!("create-answer: {e:?}"))?
            .ok_or_else(|| anyhow!("create-answer gave no reply"))?;
        if let Ok(err) = reply.get::<gst::glib::Error>("error") {
            bail!("create-answer failed: {err}");
        }
        let answer = reply
            .get::<gst_webrtc::WebRTCSessionDescription>("answer")
            .context("create-answer reply has no answer")?;

        // webrtcbin answers a direction or codec mismatch silently with a one-way or inactive
        // m-line, so every answer is checked for the direction it must have.
        let (bad, which) = match self.downlink {
            Downlink::Publisher => (sdp::non_receiving_m_lines(answer.sdp()), "receive"),
            Downlink::Participant | Downlink::Viewer => {
                (sdp::non_sending_m_lines(answer.sdp()), "send")
            }
        };
        if !bad.is_empty() {
            tracing::warn!(
                offer = %offer.sdp().as_text().unwrap_or_default(),
                answer = %answer.sdp().as_text().unwrap_or_default(),
                "answer does not {which} on every m-line"
            );
            bail!("the answer would not {which} on m-line(s) {bad:?}");
        }
        let text = answer
            .sdp()
            .as_text()
            .context("answer SDP does not serialise")?;
        let (promise, reply) = gst::Promise::new_future();
        self.webrtcbin
            .emit_by_name::<()>("set-local-description", &[&answer, &promise]);
        check_reply(
            within(reply, "set-local-description").await?,
            "set-local-description",
        )?;
        Ok(text)
    }

    /// Hands a trickled remote candidate to webrtcbin.
    pub fn add_ice_candidate(&self, m_line: u32, candidate: &str) {
        self.webrtcbin
            .emit_by_name::<()>("add-ice-candidate", &[&m_line, &candidate]);
    }

    /// Makes the transceiver of m-line `index` for a publisher: receive only, and only the
    /// payload type the plan picked. In webrtcbin 1.22 `set-remote-description` makes no
    /// transceivers, so the `sink_{index}` pad is requested (and left unlinked) to create it in
    /// m-line order; the codec preference makes the answer name exactly a codec we decode.
    fn expect_incoming(
        &mut self,
        offer: &gst_sdp::SDPMessage,
        index: usize,
        codec: SendCodec,
    ) -> Result<()> {
        let caps = sdp::offered_caps(offer, index, codec.pt())
            .ok_or_else(|| anyhow!("m-line {index} has no caps for payload {}", codec.pt()))?;
        let sink = self
            .webrtcbin
            .request_pad_simple(&format!("sink_{index}"))
            .ok_or_else(|| anyhow!("webrtcbin gave no sink_{index}"))?;
        let transceiver = sink.property::<gst_webrtc::WebRTCRTPTransceiver>("transceiver");
        transceiver.set_property(
            "direction",
            gst_webrtc::WebRTCRTPTransceiverDirection::Recvonly,
        );
        transceiver.set_property("codec-preferences", &caps);
        if codec.is_video() {
            // Lost packets are asked for again rather than waiting for the next key frame.
            transceiver.set_property("do-nack", true);
        }
        Ok(())
    }

    /// Builds the decode chain for a new incoming pad and links the pad into it.
    /// The room then places the tile or wires the audio into the others' mixes.
    pub fn attach_incoming(&mut self, room: &RoomPipeline, pad: &gst::Pad) -> Result<Incoming> {
        let caps = pad
            .current_caps()
            .ok_or_else(|| anyhow!("incoming pad has no caps"))?;
        let s = caps
            .structure(0)
            .ok_or_else(|| anyhow!("incoming caps are empty"))?;
        let media = s.get::<&str>("media").unwrap_or("");
        let encoding = s
            .get::<&str>("encoding-name")
            .unwrap_or("")
            .to_ascii_uppercase();
        let name = |what: &str| format!("{}-{what}", self.prefix);
        match (media, encoding.as_str()) {
            ("video", "H264" | "VP8") if self.video_in.is_none() => {
                let fragment = if encoding == "H264" {
                    Fragment::H264Decoder
                } else {
                    Fragment::Vp8Decoder
                };
                self.attach_camera(room, pad, &caps, fragment)?;
                Ok(Incoming::Video)
            }
            ("audio", "OPUS") if self.audio_in.is_none() => {
                let bin = Fragment::OpusDecoder.build(&name("audio-in"), &[])?;
                let tee = super::tee::decoupled(&name("audio-tee"))?;
                room.pipeline
                    .add_many([bin.upcast_ref::<gst::Element>(), &tee])?;
                self.audio_in = Some(AudioInput {
                    level: bin.by_name("level"),
                    bin: bin.clone(),
                    tee: tee.clone(),
                });
                bin.link(&tee).context("audio decoder → tee")?;
                tee.sync_state_with_parent()?;
                bin.sync_state_with_parent()?;
                pad.link(
                    &bin.static_pad("sink")
                        .ok_or_else(|| anyhow!("decoder has no sink"))?,
                )
                .context("webrtcbin → audio decoder")?;
                Ok(Incoming::Audio)
            }
            _ => bail!("unexpected incoming stream {media}/{encoding}"),
        }
    }

    /// The rendition (ladder rung) this receiver's H.264 composite comes from, if it gets one.
    pub fn video_rung(&self) -> Option<usize> {
        self.video_feed.as_ref().map(VideoFeed::rung)
    }

    /// Starts moving this receiver to another rung (a no-op without an H.264 downlink).
    pub async fn switch_rung(&mut self, room: &mut RoomPipeline, rung: usize) -> Result<()> {
        match self.video_feed.as_mut() {
            Some(feed) => feed.switch_to(room, rung).await,
            None => Ok(()),
        }
    }

    /// Removes the branch of a rung this receiver has left.
    pub async fn prune_feed(&mut self, room: &mut RoomPipeline) {
        if let Some(feed) = self.video_feed.as_mut() {
            feed.prune(room).await;
        }
    }

    /// True once the participant's camera has a tile.
    pub fn has_video(&self) -> bool {
        self.video_in.is_some()
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// Removes every element, pad and branch of this participant from the room. The other
    /// participants' audio links to and from it must already be gone.
    pub async fn teardown(mut self, room: &mut RoomPipeline) {
        // webrtcbin first: it stops the network threads that feed everything else.
        let elements = self.elements();
        for send in std::mem::take(&mut self.tee_sends) {
            teardown::unlink_tee_pad(&send.tee, send.tee_pad).await;
            room.release_shared(send.shared).await;
        }
        if let Some(feed) = self.video_feed.take() {
            feed.teardown(room).await;
        }
        teardown::remove_elements(&room.pipeline, elements).await;
        if let Some(input) = &self.video_in {
            room.compositor.release_request_pad(&input.compositor_pad);
        }
        if let Some(placeholder) = &self.placeholder {
            room.compositor.release_request_pad(placeholder.pad());
        }
        for pad in self.webrtcbin.sink_pads() {
            self.webrtcbin.release_request_pad(&pad);
        }
    }
}

/// A renegotiation that changes the m-lines is not supported; the client must rejoin.
#[derive(Debug, Clone, thiserror::Error)]
#[error("a new offer must keep the m-lines and codecs of the first one")]
pub struct OfferChanged;

/// Keeps the participant's ICE agent to the configured UDP port range. libnice's UPnP port
/// mapping is switched off: a server has no home router to ask, and its discovery opens an
/// SSDP socket on port 1900 plus one socket per interface on a random port, outside the range.
fn configure_ice(webrtcbin: &gst::Element, min_port: Option<u16>, max_port: Option<u16>) {
    let ice = webrtcbin.property::<gst::glib::Object>("ice-agent");
    if let (Some(lo), Some(hi)) = (min_port, max_port) {
        ice.set_property("min-rtp-port", u32::from(lo));
        ice.set_property("max-rtp-port", u32::from(hi));
    }
    if ice.find_property("agent").is_some() {
        let agent = ice.property::<gst::glib::Object>("agent");
        if agent.find_property("upnp").is_some() {
            agent.set_property("upnp", false);
        }
    }
}

/// Awaits one webrtcbin negotiation step for at most [`NEGOTIATION_STEP_TIMEOUT`]: a step that
/// never replies fails this member's offer, while the room task goes on serving the others.
async fn within<F: std::future::Future>(step: F, what: &str) -> Result<F::Output> {
    within_limit(step, what, NEGOTIATION_STEP_TIMEOUT).await
}

async fn within_limit<F: std::future::Future>(
    step: F,
    what: &str,
    limit: std::time::Duration,
) -> Result<F::Output> {
    tokio::time::timeout(limit, step)
        .await
        .map_err(|_| anyhow!("{what} gave no reply within {limit:?}"))
}

fn check_reply(
    reply: Result<Option<gst::promise::PromiseReply>, gst::PromiseError>,
    what: &str,
) -> Result<()> {
    match reply {
        Err(e) => bail!("{what}: {e:?}"),
        Ok(Some(s)) => match s.get::<gst::glib::Error>("error") {
            Ok(err) => bail!("{what} failed: {err}"),
            Err(_) => Ok(()),
        },
        Ok(None) => Ok(()),
    }
}

/// A random non-zero SSRC.
fn random_ssrc() -> u32 {
    let bytes = *Uuid::new_v4().as_bytes();
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]).max(1)
}

pub(super) fn link_ghost(bin: &gst::Bin, pad: &str, to: &gst::Pad) -> Result<()> {
    bin.static_pad(pad)
        .ok_or_else(|| anyhow!("bin has no {pad}"))?
        .link(to)
        .with_context(|| format!("{} → {}", bin.name(), to.name()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_negotiation_step_that_never_replies_fails_in_time() {
        let limit = Duration::from_millis(50);
        let hung = within_limit(std::future::pending::<()>(), "create-answer", limit).await;
        let message = hung
            .expect_err("a step that never replies fails")
            .to_string();
        assert!(message.contains("create-answer gave no reply"), "{message}");
        let replied = within_limit(async { 7 }, "create-answer", limit).await;
        assert_eq!(replied.ok(), Some(7));
    }
}
