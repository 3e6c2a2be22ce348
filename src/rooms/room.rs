//! The task that owns one live room: its members, its pipeline and their media.

use std::time::{Duration, Instant};

use futures::StreamExt;
use gst::prelude::*;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::events::{RoomEvent, RosterEntry};
use super::handle::{RoomCommand, RoomError, RoomHandle};
use crate::config::MediaSettings;
use crate::domain::join::JoinRequest;
use crate::domain::layout::Layout;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;
use crate::media::events::MediaEvent;
use crate::media::layout;
use crate::media::mixminus::MixMinus;
use crate::media::participant::{Downlink, Incoming, OfferChanged, ParticipantMedia, now_ms};
use crate::media::pipeline::RoomPipeline;
use crate::media::sdp::{self, OfferError};

/// The full room mix's place among the mix-minus listeners (no participant has the nil id).
/// Speakers are linked into it only while a recording or a viewer hears it, so an idle
/// room does not mix audio nobody hears.
const ROOM_MIX: Uuid = Uuid::nil();

/// How often members are checked for liveness.
const LIVENESS_INTERVAL: Duration = Duration::from_secs(1);

struct Member {
    id: Uuid,
    name: String,
    role: Role,
    identity: String,
    /// A WHIP publisher: sends only, so it has no downlink and no mix-minus.
    publisher: bool,
    outbound: mpsc::Sender<RoomEvent>,
    media: Option<ParticipantMedia>,
}

mod broadcast;
mod recording;
mod renditions;

/// What a room calls as it closes (the manager forgets it).
pub(super) type OnClosed = Box<dyn FnOnce() + Send>;

pub(super) struct Room {
    handle: RoomHandle,
    settings: MediaSettings,
    /// Called once as the room closes, so that the next join opens a new one.
    on_closed: Option<OnClosed>,
    /// Where the room's recordings are kept and catalogued.
    recorder: crate::recording::Recorder,
    pipeline: Option<RoomPipeline>,
    /// In join order, which is also tile order.
    members: Vec<Member>,
    /// The room's layout setting: the plain grid, or presenters large above the others.
    layout: Layout,
    mix: MixMinus,
    events_tx: mpsc::UnboundedSender<MediaEvent>,
    events_rx: mpsc::UnboundedReceiver<MediaEvent>,
    empty_since: Option<Instant>,
    /// The stored room's name (for recordings), as of the latest join.
    room_name: String,
    recording: Option<recording::ActiveRecording>,
    /// An auto-record room records once per session (from first join to empty).
    session_recorded: bool,
    /// HLS and RTMP output, while running.
    broadcasts: broadcast::Broadcasts,
    /// Each receiver's link and the rendition it is on (see `room/renditions.rs`).
    links: std::collections::HashMap<Uuid, renditions::Link>,
}

impl Room {
    pub(super) fn new(
        handle: RoomHandle,
        settings: MediaSettings,
        recorder: crate::recording::Recorder,
        on_closed: OnClosed,
    ) -> Self {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        Self {
            handle,
            settings,
            on_closed: Some(on_closed),
            recorder,
            pipeline: None,
            members: Vec::new(),
            layout: Layout::Grid,
            mix: MixMinus::default(),
            events_tx,
            events_rx,
            empty_since: Some(Instant::now()),
            room_name: String::new(),
            recording: None,
            session_recorded: false,
            broadcasts: Default::default(),
            links: std::collections::HashMap::new(),
        }
    }

    /// Runs until the room has been empty for the grace period, then tears everything down.
    #[tracing::instrument(name = "room", skip_all, fields(room = %self.handle.id))]
    pub(super) async fn run(mut self, mut commands: mpsc::Receiver<RoomCommand>) {
        let grace = Duration::from_secs(self.settings.empty_room_grace_secs);
        let mut liveness = tokio::time::interval(LIVENESS_INTERVAL);
        let mut bus = None;
        let mut shutdown_done = None;
        let mut shutdown_notice = None;
        loop {
            let close_at = self
                .empty_since
                .map(|t| tokio::time::Instant::from_std(t + grace));
            tokio::select! {
                command = commands.recv() => match command {
                    Some(RoomCommand::Shutdown { notice, done }) => {
                        shutdown_done = Some(done);
                        shutdown_notice = notice;
                        break;
                    }
                    Some(command) => self.on_command(command).await,
                    None => break,
                },
                Some(event) = self.events_rx.recv() => self.on_media_event(event).await,
                Some(message) = next_bus_message(&mut bus) => self.on_bus_message(&message).await,
                _ = liveness.tick() => self.check_liveness().await,
                _ = sleep_until(close_at) => break,
            }
            if bus.is_none() {
                bus = self
                    .pipeline
                    .as_ref()
                    .and_then(|p| p.pipeline.bus())
                    .map(|b| b.stream());
            }
        }
        // Stop taking commands, and turn away joins that raced with the close.
        if let Some(closed) = self.on_closed.take() {
            closed();
        }
        commands.close();
        while let Ok(command) = commands.try_recv() {
            match command {
                RoomCommand::Join { reply, .. } => {
                    let _ = reply.send(Err(RoomError::Closed));
                }
                RoomCommand::Shutdown { done, .. } => {
                    let _ = done.send(());
                }
                _ => {}
            }
        }
        // A recording is finished before anything else goes (the server may be stopping).
        self.stop_recording(true).await;
        self.stop_broadcasts().await;
        // Members still here when the room stops (server shutdown) are closed; their media
        // goes with the whole pipeline at once rather than branch by branch.
        for member in self.members.drain(..) {
            if let Some(notice) = &shutdown_notice {
                let _ = member.outbound.try_send(RoomEvent::Refused(notice.clone()));
            }
            let _ = member.outbound.try_send(RoomEvent::Close);
        }
        if let Some(pipeline) = self.pipeline.take() {
            pipeline.shutdown().await;
        }
        tracing::info!("room closed");
        if let Some(done) = shutdown_done {
            let _ = done.send(());
        }
    }

    async fn on_command(&mut self, command: RoomCommand) {
        match command {
            RoomCommand::Join {
                request,
                outbound,
                reply,
            } => {
                let result = self.join(request, outbound).await;
                let _ = reply.send(result);
                self.broadcast_roster();
            }
            RoomCommand::Offer {
                participant,
                offer,
                reply,
            } => self.on_offer(participant, offer, reply).await,
            RoomCommand::Ice {
                participant,
                m_line,
                candidate,
            } => self.on_remote_ice(participant, m_line, &candidate),
            RoomCommand::Leave { participant } => self.remove(participant, None).await,
            RoomCommand::StartRecording { by, asker, reply } => {
                let result = if self.may_present(asker) {
                    self.start_recording(by).await
                } else {
                    Err(RoomError::NotAllowed)
                };
                let _ = reply.send(result);
            }
            RoomCommand::StopRecording { asker, reply } => {
                let result = if self.may_present(asker) {
                    self.stop_recording(false)
                        .await
                        .ok_or(RoomError::NotRecording)
                } else {
                    Err(RoomError::NotAllowed)
                };
                let _ = reply.send(result);
            }
            RoomCommand::PinRendition { participant, name } => {
                self.pin_rendition(participant, name.as_deref()).await;
            }
            RoomCommand::SetLayout { layout } => {
                self.layout = layout;
                self.relayout();
            }
            RoomCommand::SetRole {
                participant,
                role,
                reply,
            } => {
                let result = self.set_role(participant, role);
                let changed = result.is_ok();
                let _ = reply.send(result);
                if changed {
                    self.relayout();
                    self.broadcast_roster();
                }
            }
            RoomCommand::Broadcast(command) => self.on_broadcast(command).await,
            // Handled by the loop in `run`.
            RoomCommand::Shutdown { done, .. } => {
                let _ = done.send(());
            }
        }
    }

    fn set_role(&mut self, participant: Uuid, role: Role) -> Result<RosterEntry, RoomError> {
        let member = self
            .members
            .iter_mut()
            .find(|m| m.id == participant)
            .ok_or(RoomError::NoSuchParticipant)?;
        // A publisher came in as a presenter to be seen; it has no controls to lose or gain.
        if matches!(member.role, Role::Owner | Role::Viewer)
            || member.publisher
            || !matches!(role, Role::Presenter | Role::Participant)
        {
            return Err(RoomError::RoleFixed);
        }
        member.role = role;
        tracing::info!(participant = %participant, role = role.as_str(), "role changed");
        Ok(RosterEntry {
            id: member.id.to_string(),
            name: member.name.clone(),
            role,
        })
    }

    async fn join(
        &mut self,
        request: JoinRequest,
        outbound: mpsc::Sender<RoomEvent>,
    ) -> Result<Uuid, RoomError> {
        // The same identity on a new socket replaces the old connection (a reconnect).
        let old = self
            .members
            .iter()
            .find(|m| m.identity == request.identity)
            .map(|m| m.id);
        if let Some(old) = old {
            let msg = Refusal::new(ErrorCode::Conflict, "replaced by a newer connection");
            self.remove(old, Some(msg)).await;
        }
        // The stored setting as of the latest admitted join (changes also arrive as SetLayout).
        self.layout = request.layout;
        self.room_name = request.room_name.clone();
        // Viewers have their own, larger limit: they cost no decode and no tile.
        let viewer = request.role == Role::Viewer;
        let (limit, present) = if viewer {
            (self.settings.max_viewers, self.count_viewers())
        } else {
            (
                request.limit.min(self.settings.max_participants),
                self.members.len() - self.count_viewers(),
            )
        };
        if present >= limit {
            return Err(if viewer {
                RoomError::ViewersFull(limit)
            } else {
                RoomError::Full(limit)
            });
        }
        if self.pipeline.is_none() {
            match RoomPipeline::start(&self.handle.id, &self.settings) {
                Ok(p) => self.pipeline = Some(p),
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "room pipeline failed to start");
                    return Err(RoomError::MediaFailed);
                }
            }
        }
        let id = Uuid::new_v4();
        let joined = RoomEvent::Joined {
            participant: id,
            room: self.handle.id.clone(),
            room_name: request.room_name.clone(),
            role: request.role,
            ice_urls: self.settings.ice_servers.clone(),
            renditions: crate::media::renditions::Ladder::for_room(&self.settings)
                .rungs()
                .to_vec(),
        };
        let _ = outbound.try_send(joined);
        tracing::info!(participant = %id, name = %request.name, "joined");
        self.members.push(Member {
            id,
            name: request.name.clone(),
            role: request.role,
            identity: request.identity,
            publisher: request.publisher,
            outbound,
            media: None,
        });
        self.empty_since = None;
        self.note_for_recording("joined", id, &request.name);
        // A joiner (or a reconnecting client) learns of a recording already running.
        self.tell_recording_state(id);
        self.tell_broadcast_state(id);
        if request.auto_record
            && !self.session_recorded
            && self.recording.is_none()
            && let Err(err) = self.start_recording(None).await
        {
            tracing::warn!(%err, "auto-record did not start");
        }
        Ok(id)
    }

    /// Answers a member's offer: through `reply` when it came with one (WHIP, WHEP), else
    /// as the member's `Answer` or `Refused` event (the socket).
    async fn on_offer(
        &mut self,
        participant: Uuid,
        offer: gst_sdp::SDPMessage,
        reply: Option<tokio::sync::oneshot::Sender<Result<String, Refusal>>>,
    ) {
        let result = self.answer(participant, offer).await;
        let answered = result.is_ok();
        match (reply, result) {
            (Some(reply), result) => {
                let _ = reply.send(result);
            }
            (None, Ok(sdp)) => self.send(participant, RoomEvent::Answer { sdp }),
            (None, Err(refusal)) => self.send(participant, RoomEvent::Refused(refusal)),
        }
        if answered {
            // Tells the receiver which rendition it starts on.
            self.on_rung_switched(participant).await;
            self.wire_mix_for(participant);
            if self.room_mix_heard() {
                self.feed_room_mix();
            }
        }
    }

    async fn answer(
        &mut self,
        participant: Uuid,
        offer: gst_sdp::SDPMessage,
    ) -> Result<String, Refusal> {
        let publisher = self
            .members
            .iter()
            .any(|m| m.id == participant && m.publisher);
        // A publisher's offer must send on every m-line: it is there to be seen and heard.
        let sending = if publisher {
            sdp::require_sending(&offer)
        } else {
            Ok(())
        };
        let plan = sending
            .and_then(|()| sdp::plan(&offer))
            .map_err(|e| match e {
                OfferError::NoUsableCodec { .. }
                | OfferError::TooManyLines { .. }
                | OfferError::NotSending { .. } => {
                    Refusal::new(ErrorCode::Unsupported, e.to_string())
                }
                _ => Refusal::new(ErrorCode::BadRequest, e.to_string()),
            })?;
        let internal = |what: &str| Refusal::new(ErrorCode::Internal, what);
        let pipeline = self
            .pipeline
            .as_mut()
            .ok_or_else(|| internal("room has no media"))?;
        let member = self
            .members
            .iter_mut()
            .find(|m| m.id == participant)
            .ok_or_else(|| internal("not in the room"))?;
        let fresh = member.media.is_none();
        if fresh {
            let media = ParticipantMedia::create(
                pipeline,
                participant,
                &member.name,
                self.events_tx.clone(),
            )
            .map_err(|e| {
                tracing::error!(error = %format!("{e:#}"), "cannot create participant media");
                internal("could not set up your media")
            })?;
            member.media = Some(media);
        }
        let downlink = if member.publisher {
            Downlink::Publisher
        } else if member.role == Role::Viewer {
            Downlink::Viewer
        } else {
            Downlink::Participant
        };
        let media = member.media.as_mut().ok_or_else(|| internal("no media"))?;
        match media.answer(pipeline, offer, plan, downlink).await {
            Ok(answer) => Ok(answer),
            Err(err) => {
                tracing::warn!(participant = %participant, error = %format!("{err:#}"), "negotiation failed");
                if err.downcast_ref::<OfferChanged>().is_some() {
                    return Err(Refusal::new(ErrorCode::Unsupported, err.to_string()));
                }
                // A first negotiation that failed leaves nothing behind, so a retry starts clean.
                if fresh && let Some(media) = member.media.take() {
                    media.teardown(pipeline).await;
                }
                Err(Refusal::new(
                    ErrorCode::BadRequest,
                    format!("the offer could not be answered: {err}"),
                ))
            }
        }
    }

    /// Links everyone's microphone into `participant`'s mix once it has one.
    fn wire_mix_for(&mut self, participant: Uuid) {
        let Some(pipeline) = self.pipeline.as_ref() else {
            return;
        };
        let Some(listener) = self.members.iter().find(|m| m.id == participant) else {
            return;
        };
        let Some(mixer) = listener
            .media
            .as_ref()
            .and_then(|m| m.audio_mix.as_ref())
            .map(|a| a.mixer.clone())
        else {
            return;
        };
        for speaker in &self.members {
            let Some(tee) = speaker
                .media
                .as_ref()
                .and_then(|m| m.audio_in.as_ref())
                .map(|a| &a.tee)
            else {
                continue;
            };
            if let Err(err) =
                self.mix
                    .link(&pipeline.pipeline, (speaker.id, tee), (participant, &mixer))
            {
                tracing::warn!(error = %format!("{err:#}"), "cannot link mix-minus");
            }
        }
    }

    /// Links `participant`'s microphone into everyone else's mix.
    fn wire_speaker(&mut self, participant: Uuid) {
        let Some(pipeline) = self.pipeline.as_ref() else {
            return;
        };
        let Some(speaker) = self.members.iter().find(|m| m.id == participant) else {
            return;
        };
        let Some(tee) = speaker
            .media
            .as_ref()
            .and_then(|m| m.audio_in.as_ref())
            .map(|a| a.tee.clone())
        else {
            return;
        };
        for listener in &self.members {
            let Some(mixer) = listener
                .media
                .as_ref()
                .and_then(|m| m.audio_mix.as_ref())
                .map(|a| &a.mixer)
            else {
                continue;
            };
            if let Err(err) = self.mix.link(
                &pipeline.pipeline,
                (participant, &tee),
                (listener.id, mixer),
            ) {
                tracing::warn!(error = %format!("{err:#}"), "cannot link mix-minus");
            }
        }
        // And into the full room mix while a recording or a viewer hears it.
        if self.room_mix_heard() {
            self.link_room_mix(participant);
        }
    }

    /// Whether anything hears the full room mix: a recording, or a viewer with media.
    fn room_mix_heard(&self) -> bool {
        self.recording.is_some()
            || self.broadcasts.hears_room_mix()
            || self
                .members
                .iter()
                .any(|m| m.role == Role::Viewer && m.media.is_some())
    }

    /// Everyone's microphone into the full room mix (linking is idempotent).
    fn feed_room_mix(&mut self) {
        let speakers: Vec<Uuid> = self.members.iter().map(|m| m.id).collect();
        for speaker in speakers {
            self.link_room_mix(speaker);
        }
    }

    /// Takes every microphone out of the full mix once nothing hears it.
    async fn unfeed_room_mix_if_unheard(&mut self) {
        if self.room_mix_heard() {
            return;
        }
        if let Some(pipeline) = self.pipeline.as_ref() {
            self.mix.unlink_listener(&pipeline.pipeline, ROOM_MIX).await;
        }
    }

    fn count_viewers(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.role == Role::Viewer)
            .count()
    }

    /// Feeds `speaker`'s microphone into the full room mix, as a listener of its own.
    fn link_room_mix(&mut self, speaker: Uuid) {
        let Some(pipeline) = self.pipeline.as_ref() else {
            return;
        };
        let Some(tee) = self
            .members
            .iter()
            .find(|m| m.id == speaker)
            .and_then(|m| m.media.as_ref())
            .and_then(|m| m.audio_in.as_ref())
            .map(|a| a.tee.clone())
        else {
            return;
        };
        if let Err(err) = self.mix.link(
            &pipeline.pipeline,
            (speaker, &tee),
            (ROOM_MIX, &pipeline.room_mix),
        ) {
            tracing::warn!(error = %format!("{err:#}"), "cannot link the room mix");
        }
    }

    fn on_remote_ice(&mut self, participant: Uuid, m_line: u32, candidate: &str) {
        let Some(member) = self.members.iter().find(|m| m.id == participant) else {
            return;
        };
        let lines = member.media.as_ref().and_then(|m| m.m_lines());
        let error = match lines {
            None => Some("send the offer before ICE candidates".to_owned()),
            Some(n) if m_line as usize >= n => Some(format!("the offer has no m-line {m_line}")),
            Some(_) => None,
        };
        if let Some(message) = error {
            self.send(
                participant,
                RoomEvent::Refused(Refusal::new(ErrorCode::BadRequest, message)),
            );
            return;
        }
        // An empty candidate only marks the end of the client's candidates.
        if candidate.is_empty() {
            return;
        }
        if let Some(media) = &member.media {
            media.add_ice_candidate(m_line, candidate);
        }
    }

    async fn on_media_event(&mut self, event: MediaEvent) {
        match event {
            MediaEvent::IceCandidate {
                participant,
                m_line,
                candidate,
            } => {
                let candidate = match self.settings.announced_ip {
                    Some(ip) => crate::media::sdp::announce_candidate(&candidate, ip),
                    None => candidate,
                };
                self.send(participant, RoomEvent::Candidate { m_line, candidate });
            }
            MediaEvent::IncomingStream {
                participant,
                pad,
                probe,
            } => self.on_incoming_stream(participant, pad, probe).await,
            MediaEvent::LinkReport {
                participant,
                feedback,
                rtt,
                sent_bytes,
            } => {
                self.on_link_report(participant, feedback, rtt, sent_bytes)
                    .await
            }
            MediaEvent::RungSwitched { participant } => self.on_rung_switched(participant).await,
            MediaEvent::GatheringComplete { participant } => {
                if let Some(member) = self.members.iter().find(|m| m.id == participant) {
                    let _ = member.outbound.try_send(RoomEvent::CandidatesDone);
                }
            }
            MediaEvent::ConnectionState { participant, state } => {
                tracing::debug!(participant = %participant, ?state, "connection state");
                match state {
                    gst_webrtc::WebRTCPeerConnectionState::Connected => {
                        if let Some(p) = &self.pipeline {
                            p.request_keyframe();
                        }
                    }
                    gst_webrtc::WebRTCPeerConnectionState::Failed => {
                        let msg = Refusal::new(ErrorCode::Internal, "the media connection failed");
                        self.remove(participant, Some(msg)).await;
                    }
                    _ => {}
                }
            }
        }
    }

    async fn on_incoming_stream(
        &mut self,
        participant: Uuid,
        pad: gst::Pad,
        probe: gst::PadProbeId,
    ) {
        let Some(pipeline) = self.pipeline.as_ref() else {
            return;
        };
        let with_video = self
            .members
            .iter()
            .filter(|m| m.media.as_ref().is_some_and(|x| x.has_video()))
            .count();
        let tile = layout::grid(with_video + 1, pipeline.canvas)
            .last()
            .copied()
            .unwrap_or(layout::Rect {
                x: 0,
                y: 0,
                width: pipeline.canvas.width,
                height: pipeline.canvas.height,
            });
        let Some(media) = self
            .members
            .iter_mut()
            .find(|m| m.id == participant)
            .and_then(|m| m.media.as_mut())
        else {
            return;
        };
        let result = media.attach_incoming(pipeline, &pad, tile);
        pad.remove_probe(probe);
        match result {
            Ok(Incoming::Video) => self.relayout(),
            Ok(Incoming::Audio) => self.wire_speaker(participant),
            Err(err) => {
                tracing::warn!(participant = %participant, error = %format!("{err:#}"), "cannot use incoming stream");
                let msg = Refusal::new(
                    ErrorCode::Unsupported,
                    format!("your media could not be used: {err}"),
                );
                self.remove(participant, Some(msg)).await;
            }
        }
    }

    /// Places every camera on the grid, in join order.
    fn relayout(&self) {
        let Some(pipeline) = &self.pipeline else {
            return;
        };
        let cameras = self
            .members
            .iter()
            .filter_map(|m| m.media.as_ref().map(|media| (m.role, media)))
            .filter(|(_, media)| media.has_video());
        // In the presenter layout presenters come first (large), then everyone else; each
        // group keeps join order.
        let (presenters, others): (Vec<_>, Vec<_>) = cameras
            .partition(|(role, _)| self.layout == Layout::Presenter && *role == Role::Presenter);
        let rects = layout::presenter(presenters.len(), others.len(), pipeline.canvas);
        for ((_, media), rect) in presenters.iter().chain(others.iter()).zip(rects) {
            media.set_tile(rect);
        }
    }

    async fn on_bus_message(&mut self, message: &gst::Message) {
        use gst::MessageView;
        match message.view() {
            MessageView::Error(err) => {
                let source = err
                    .src()
                    .map(|s| s.path_string().to_string())
                    .unwrap_or_default();
                tracing::warn!(%source, error = %err.error(), debug = ?err.debug(), "media error");
                // Errors go to the part of the room that owns the element that posted them.
                let owned_by = |owns: &dyn Fn(&gst::Object) -> bool| err.src().is_some_and(owns);
                if owned_by(&|o| self.recording.as_ref().is_some_and(|r| r.owns(o))) {
                    // The disk filled up or the file became unwritable: the recording fails,
                    // the room carries on.
                    self.recording_broke(format!("{}", err.error())).await;
                    return;
                }
                if owned_by(&|o| self.broadcasts.hls_owns(o)) {
                    // The HLS folder became unwritable: HLS stops, the room carries on.
                    self.hls_broke().await;
                    return;
                }
                let culprit = self
                    .members
                    .iter()
                    .find(|m| {
                        m.media
                            .as_ref()
                            .is_some_and(|x| source.contains(x.prefix()))
                    })
                    .map(|m| m.id);
                if let Some(id) = culprit {
                    let msg =
                        Refusal::new(ErrorCode::Internal, "your media failed and was removed");
                    self.remove(id, Some(msg)).await;
                }
            }
            MessageView::Latency(_) => {
                if let Some(p) = &self.pipeline {
                    // Latency queries walk the whole graph; run them off the room task.
                    p.pipeline.call_async(|pipeline| {
                        let _ = pipeline.recalculate_latency();
                    });
                }
            }
            MessageView::Warning(w) => {
                tracing::debug!(source = ?w.src().map(|s| s.path_string()), warning = %w.error(), "media warning");
            }
            _ => {}
        }
    }

    async fn check_liveness(&mut self) {
        let timeout_ms = self.settings.liveness_timeout_secs * 1000;
        let now = now_ms();
        let silent: Vec<Uuid> = self
            .members
            .iter()
            .filter(|m| {
                m.media.as_ref().is_some_and(|x| {
                    now.saturating_sub(x.last_packet_ms.load(std::sync::atomic::Ordering::Relaxed))
                        > timeout_ms
                })
            })
            .map(|m| m.id)
            .collect();
        for id in silent {
            tracing::info!(participant = %id, "no media for {timeout_ms} ms; removing");
            let msg = Refusal::new(
                ErrorCode::Internal,
                "no media received from you; disconnected",
            );
            self.remove(id, Some(msg)).await;
        }
    }

    /// Removes a member and all its media; tells it why first when `reason` is given.
    async fn remove(&mut self, participant: Uuid, reason: Option<Refusal>) {
        let Some(index) = self.members.iter().position(|m| m.id == participant) else {
            return;
        };
        let member = self.members.remove(index);
        self.links.remove(&participant);
        if let Some(reason) = reason {
            let _ = member.outbound.try_send(RoomEvent::Refused(reason));
            let _ = member.outbound.try_send(RoomEvent::Close);
        }
        if let (Some(media), Some(pipeline)) = (member.media, self.pipeline.as_mut()) {
            self.mix.unlink_all(&pipeline.pipeline, participant).await;
            media.teardown(pipeline).await;
        }
        if member.role == Role::Viewer {
            self.unfeed_room_mix_if_unheard().await;
        }
        tracing::info!(participant = %participant, "left");
        self.note_for_recording("left", participant, &member.name);
        self.relayout();
        self.broadcast_roster();
        if self.members.is_empty() {
            self.empty_since = Some(Instant::now());
            // The last member left: the recording is finished, and the next session may
            // record again.
            self.stop_recording(false).await;
            self.session_recorded = false;
            self.stop_broadcasts().await;
        }
    }

    fn broadcast_roster(&mut self) {
        let participants: Vec<RosterEntry> = self
            .members
            .iter()
            .filter(|m| m.role != Role::Viewer)
            .map(|m| RosterEntry {
                id: m.id.to_string(),
                name: m.name.clone(),
                role: m.role,
            })
            .collect();
        let viewers = self.count_viewers();
        let ids: Vec<Uuid> = self.members.iter().map(|m| m.id).collect();
        for id in ids {
            self.send(
                id,
                RoomEvent::Roster {
                    participants: participants.clone(),
                    viewers,
                },
            );
        }
    }

    /// Queues an event for a member without waiting; a member whose queue is full is too slow
    /// to follow the room and is closed.
    fn send(&mut self, participant: Uuid, event: RoomEvent) {
        let Some(member) = self.members.iter().find(|m| m.id == participant) else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Full(_)) = member.outbound.try_send(event) {
            tracing::warn!(participant = %participant, "socket queue full; closing it");
            let _ = member.outbound.try_send(RoomEvent::Close);
        }
    }
}

async fn next_bus_message(bus: &mut Option<gst::bus::BusStream>) -> Option<gst::Message> {
    match bus {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
