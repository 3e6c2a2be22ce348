//! What a member receives: each m-line's sender chain, linked into its webrtcbin and fed
//! from the room's shared encode, its own mix of everyone else, or a shared audio encode.

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::{AudioMix, Downlink, ParticipantMedia, TeeSend, random_ssrc};
use crate::media::fragments::Fragment;
use crate::media::pipeline::RoomPipeline;
use crate::media::sdp::{self, SendCodec};
use crate::media::shared_encode::SharedKind;
use crate::media::video_feed::VideoFeed;

impl ParticipantMedia {
    /// Sends `codec` on m-line `index`: a sender chain linked into webrtcbin, fed from the
    /// room's shared encode, this member's own mix, or a shared audio encode.
    pub(super) async fn attach_sender(
        &mut self,
        room: &mut RoomPipeline,
        offer: &gst_sdp::SDPMessage,
        index: usize,
        codec: SendCodec,
    ) -> Result<()> {
        let (sender, ssrc) = self.link_sender(room, offer, index, codec)?;
        self.feed_sender(room, sender, ssrc, index, codec).await
    }

    /// Builds the sender chain of m-line `index` and links it into webrtcbin with the
    /// transceiver set for this member's downlink; returns the chain and its SSRC.
    fn link_sender(
        &mut self,
        room: &mut RoomPipeline,
        offer: &gst_sdp::SDPMessage,
        index: usize,
        codec: SendCodec,
    ) -> Result<(gst::Bin, u32)> {
        let sink = self
            .webrtcbin
            .request_pad_simple(&format!("sink_{index}"))
            .ok_or_else(|| anyhow!("webrtcbin gave no sink_{index}"))?;
        // The SSRC is fixed up front and put in the caps, so that webrtcbin announces the real
        // one in the answer; otherwise it announces SSRC 0 with an RTX group and Chromium
        // decodes the stream but never shows it.
        let ssrc = random_ssrc();
        let params = [("pt", codec.pt() as i64), ("ssrc", i64::from(ssrc))];
        let sender = match codec {
            SendCodec::H264 { .. } => Fragment::H264Sender,
            SendCodec::Vp8 { .. } => Fragment::Vp8Sender,
            SendCodec::Opus { .. } if self.downlink == Downlink::Viewer => Fragment::OpusPayloader,
            SendCodec::Opus { .. } => Fragment::OpusSender,
        }
        .build(&format!("{}-send{index}", self.prefix), &params)?;
        room.pipeline.add(&sender)?;
        let sender_src = sender
            .static_pad("src")
            .ok_or_else(|| anyhow!("sender has no src"))?;
        // Whether the answer comes before or after the sender's caps reach webrtcbin, it must
        // match this m-line (see `sender_caps`).
        let offered = sdp::offered_caps(offer, index, codec.pt())
            .ok_or_else(|| anyhow!("m-line {index} has no caps for payload {}", codec.pt()))?;
        crate::media::sender_caps::announce_as_offered(&sender_src, offered);
        sender_src.link(&sink).context("sender → webrtcbin")?;
        let transceiver = sink.property::<gst_webrtc::WebRTCRTPTransceiver>("transceiver");
        let direction = match self.downlink {
            Downlink::Viewer => gst_webrtc::WebRTCRTPTransceiverDirection::Sendonly,
            // Publishers get no senders (see `expect_incoming`).
            Downlink::Participant | Downlink::Publisher => {
                gst_webrtc::WebRTCRTPTransceiverDirection::Sendrecv
            }
        };
        transceiver.set_property("direction", direction);
        if codec.is_video() {
            transceiver.set_property("do-nack", true);
        }
        sender.sync_state_with_parent()?;
        Ok((sender, ssrc))
    }

    /// Feeds a linked sender chain: the room's H.264 encode through this member's own feed,
    /// a mix of everyone else for a participant's Opus, or a shared encode (VP8, the full
    /// mix for a viewer).
    async fn feed_sender(
        &mut self,
        room: &mut RoomPipeline,
        sender: gst::Bin,
        ssrc: u32,
        index: usize,
        codec: SendCodec,
    ) -> Result<()> {
        let sender_sink = sender
            .static_pad("sink")
            .ok_or_else(|| anyhow!("sender has no sink"))?;
        let shared = match codec {
            SendCodec::H264 { .. } => {
                let sent_bytes = crate::media::link_reports::count_sent(&sender)?;
                crate::media::link_reports::watch(
                    &self.webrtcbin,
                    ssrc,
                    sent_bytes,
                    self.id,
                    &self.events,
                )?;
                let feed = VideoFeed::start(
                    room,
                    &format!("{}-feed{index}", self.prefix),
                    &sender_sink,
                    self.id,
                    self.events.clone(),
                )
                .await?;
                self.video_feed = Some(feed);
                self.video_sender = Some(sender);
                return Ok(());
            }
            SendCodec::Vp8 { .. } => Some(SharedKind::Vp8),
            SendCodec::Opus { .. } if self.downlink == Downlink::Viewer => {
                Some(SharedKind::FullMixOpus)
            }
            SendCodec::Opus { .. } => {
                let (silence, mixer) =
                    crate::media::mixminus::silent_mixer(&room.pipeline, &self.prefix)?;
                mixer
                    .link_filtered(&sender, &crate::media::mixminus::mix_caps())
                    .context("mixer → opus sender")?;
                mixer.sync_state_with_parent()?;
                silence.sync_state_with_parent()?;
                self.audio_mix = Some(AudioMix {
                    silence,
                    mixer,
                    sender,
                });
                return Ok(());
            }
        };
        let Some(kind) = shared else {
            return Ok(());
        };
        let tee = room.acquire_shared(kind)?;
        let tee_pad = tee
            .request_pad_simple("src_%u")
            .ok_or_else(|| anyhow!("{} gave no pad", tee.name()))?;
        // Record the branch before linking so that teardown releases it even if linking fails.
        self.tee_sends.push(TeeSend {
            tee: tee.clone(),
            tee_pad: tee_pad.clone(),
            sender,
            shared: kind,
        });
        tee_pad
            .link(&sender_sink)
            .with_context(|| format!("{} → sender", tee.name()))?;
        Ok(())
    }
}
