//! One live room's media behind a small set of methods: the pipeline, each member's
//! `webrtcbin` and decoders, the mixes and where every camera sits. The room task decides who
//! is in the room and what they may do; it speaks to its media only through [`RoomMedia`].

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use gst::prelude::*;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

use super::events::MediaEvent;
use super::layouts::Layouts;
use super::mixminus::MixMinus;
use super::participant::{Downlink, Incoming, OfferChanged, ParticipantMedia, now_ms};
use super::pipeline::RoomPipeline;
use super::renditions::Ladder;
use super::sdp::SendCodec;
use crate::config::MediaSettings;

mod audio;
mod tiles;

pub use tiles::{Seat, Stage};

/// Why an offer was not answered.
#[derive(Debug, thiserror::Error)]
pub enum NegotiationError {
    #[error("could not set up your media")]
    Setup(#[source] anyhow::Error),
    #[error(transparent)]
    Changed(OfferChanged),
    #[error("the offer could not be answered: {0}")]
    Failed(#[source] anyhow::Error),
}

/// Why a trickled candidate was not taken.
#[derive(Debug, thiserror::Error)]
pub enum CandidateError {
    #[error("send the offer before ICE candidates")]
    NoOffer,
    #[error("the offer has no m-line {0}")]
    NoSuchLine(u32),
}

/// A room's pipeline and every member's media in it.
pub struct RoomMedia {
    pipeline: RoomPipeline,
    members: HashMap<Uuid, ParticipantMedia>,
    mix: MixMinus,
    events: UnboundedSender<MediaEvent>,
    /// The layouts the server has.
    layouts: Arc<Layouts>,
    /// The layout, who may have a tile and who speaks: the room's latest word on it.
    stage: Stage,
    /// What each member's tile showed at the last placement.
    tile_kinds: HashMap<Uuid, super::participant::TileKind>,
    /// Whether speakers feed the full room mix (something hears it).
    room_mix_fed: bool,
}

impl RoomMedia {
    /// Builds the room's pipeline and starts it playing; its members' media will report on
    /// `events`.
    pub fn start(
        room_id: &str,
        settings: &MediaSettings,
        layouts: Arc<Layouts>,
        events: UnboundedSender<MediaEvent>,
    ) -> Result<Self> {
        Ok(Self {
            pipeline: RoomPipeline::start(room_id, settings)?,
            members: HashMap::new(),
            mix: MixMinus::default(),
            events,
            layouts,
            stage: Stage::default(),
            tile_kinds: HashMap::new(),
            room_mix_fed: false,
        })
    }

    /// The pipeline, for the recording and broadcast taps.
    pub fn pipeline(&self) -> &RoomPipeline {
        &self.pipeline
    }

    pub fn pipeline_mut(&mut self) -> &mut RoomPipeline {
        &mut self.pipeline
    }

    pub fn bus(&self) -> Option<gst::Bus> {
        self.pipeline.bus()
    }

    /// The renditions receivers can be moved between.
    pub fn ladder(&self) -> &Ladder {
        self.pipeline.ladder()
    }

    /// Whether the member has media in the room (it has sent an offer that was answered).
    pub fn has_member(&self, participant: Uuid) -> bool {
        self.members.contains_key(&participant)
    }

    /// Answers a member's offer, creating its media on the first one; a first offer that fails
    /// leaves nothing behind, so a retry starts clean. Once answered, the member hears the
    /// others.
    pub async fn negotiate(
        &mut self,
        participant: Uuid,
        name: &str,
        offer: gst_sdp::SDPMessage,
        plan: Vec<SendCodec>,
        downlink: Downlink,
    ) -> Result<String, NegotiationError> {
        let fresh = !self.members.contains_key(&participant);
        if fresh {
            let media =
                ParticipantMedia::create(&self.pipeline, participant, name, self.events.clone())
                    .map_err(NegotiationError::Setup)?;
            self.members.insert(participant, media);
        }
        let Some(media) = self.members.get_mut(&participant) else {
            return Err(NegotiationError::Setup(anyhow::anyhow!("no media")));
        };
        match media
            .answer(&mut self.pipeline, offer, plan, downlink)
            .await
        {
            Ok(answer) => {
                self.wire_listener(participant);
                // Its placeholder holds its place until a camera arrives (or for good,
                // audio only).
                self.place_tiles();
                Ok(answer)
            }
            Err(err) => {
                if let Some(changed) = err.downcast_ref::<OfferChanged>() {
                    return Err(NegotiationError::Changed(changed.clone()));
                }
                if fresh && let Some(media) = self.members.remove(&participant) {
                    media.teardown(&mut self.pipeline).await;
                }
                Err(NegotiationError::Failed(err))
            }
        }
    }

    /// Hands a member's trickled candidate to its `webrtcbin` (an empty one only marks the
    /// end of its candidates).
    pub fn add_candidate(
        &self,
        participant: Uuid,
        m_line: u32,
        candidate: &str,
    ) -> Result<(), CandidateError> {
        let media = self
            .members
            .get(&participant)
            .ok_or(CandidateError::NoOffer)?;
        match media.m_lines() {
            None => return Err(CandidateError::NoOffer),
            Some(n) if m_line as usize >= n => return Err(CandidateError::NoSuchLine(m_line)),
            Some(_) => {}
        }
        if !candidate.is_empty() {
            media.add_ice_candidate(m_line, candidate);
        }
        Ok(())
    }

    /// Decodes a member's new incoming stream (held by `probe` until now): a camera takes its
    /// place among the tiles, a microphone joins the others' mixes.
    pub fn attach_incoming(
        &mut self,
        participant: Uuid,
        pad: &gst::Pad,
        probe: gst::PadProbeId,
    ) -> Result<()> {
        let Some(media) = self.members.get_mut(&participant) else {
            pad.remove_probe(probe);
            return Ok(());
        };
        let result = media.attach_incoming(&self.pipeline, pad);
        pad.remove_probe(probe);
        match result? {
            Incoming::Video => self.place_tiles(),
            Incoming::Audio => self.wire_speaker(participant),
        }
        Ok(())
    }

    /// Sets the layout, who may have a tile and who speaks; every camera moves at once.
    pub fn apply_layout(&mut self, stage: Stage) {
        self.stage = stage;
        self.place_tiles();
    }

    /// Takes a member's media out of the room: its mixes, its tile, its elements.
    pub async fn remove(&mut self, participant: Uuid) {
        let Some(media) = self.members.remove(&participant) else {
            return;
        };
        self.mix
            .unlink_all(self.pipeline.gst_pipeline(), participant)
            .await;
        media.teardown(&mut self.pipeline).await;
        self.stage
            .seats
            .retain(|seat| seat.participant != participant);
        self.place_tiles();
    }

    /// Members from whom nothing (RTP, RTCP, STUN or DTLS) has arrived for `timeout_ms`.
    pub fn silent_members(&self, timeout_ms: u64) -> Vec<Uuid> {
        let now = now_ms();
        self.members
            .iter()
            .filter(|(_, media)| now.saturating_sub(media.last_packet_ms()) > timeout_ms)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The member whose media holds `object` (an element or pad that posted a message).
    pub fn owner_of(&self, object: &gst::Object) -> Option<Uuid> {
        self.members
            .iter()
            .find(|(_, media)| media.owns(object))
            .map(|(id, _)| *id)
    }

    /// A member's voice level when `message` is one: the member, the loudest channel's RMS
    /// in dBFS, and the running time of the audio it measured. Levels are judged by that
    /// time, not by when the room task reads them: the bus delivers them in bursts when the
    /// machine is busy.
    pub fn voice_level(&self, message: &gst::Message) -> Option<(Uuid, f64, std::time::Duration)> {
        let gst::MessageView::Element(element) = message.view() else {
            return None;
        };
        let structure = element.structure()?;
        if structure.name() != "level" {
            return None;
        }
        let src = message.src()?;
        let (member, _) = self
            .members
            .iter()
            .find(|(_, media)| media.measures_voice(src))?;
        let rms = structure.get::<gst::glib::ValueArray>("rms").ok()?;
        let loudest = rms
            .iter()
            .filter_map(|v| v.get::<f64>().ok())
            .fold(f64::NEG_INFINITY, f64::max);
        let running = structure.get::<u64>("running-time").ok()?;
        Some((*member, loudest, std::time::Duration::from_nanos(running)))
    }

    /// The rung a receiver's composite comes from, if it gets an H.264 one.
    pub fn video_rung(&self, participant: Uuid) -> Option<usize> {
        self.members.get(&participant)?.video_rung()
    }

    /// Starts moving a receiver to another rung (it switches at the rung's next key frame).
    pub async fn switch_rung(&mut self, participant: Uuid, rung: usize) -> Result<()> {
        match self.members.get_mut(&participant) {
            Some(media) => media.switch_rung(&mut self.pipeline, rung).await,
            None => Ok(()),
        }
    }

    /// Removes the branch of a rung a receiver has left.
    pub async fn prune_feed(&mut self, participant: Uuid) {
        if let Some(media) = self.members.get_mut(&participant) {
            media.prune_feed(&mut self.pipeline).await;
        }
    }

    pub fn request_keyframe(&self) {
        self.pipeline.request_keyframe();
    }

    /// Latency queries walk the whole graph: they run off the room task.
    pub fn recalculate_latency(&self) {
        self.pipeline.gst_pipeline().call_async(|pipeline| {
            let _ = pipeline.recalculate_latency();
        });
    }

    /// Stops the pipeline; members' media goes with it at once rather than branch by branch.
    pub async fn shutdown(self) {
        let Self {
            pipeline, members, ..
        } = self;
        drop(members);
        pipeline.shutdown().await;
    }
}
