//! The task that owns one live room: its members, its pipeline and their media.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
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
use crate::media::layouts::Layouts;
use crate::media::room_media::RoomMedia;

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
    /// The member's own microphone and camera switches (`media`); on until it says.
    audio_on: bool,
    video_on: bool,
}

impl Member {
    fn entry(&self) -> RosterEntry {
        RosterEntry {
            id: self.id.to_string(),
            name: self.name.clone(),
            role: self.role,
            audio: self.audio_on,
            video: self.video_on,
        }
    }
}

mod arrivals;
mod broadcast;
mod media_events;
mod mixing;
mod negotiation;
mod recording;
mod renditions;
mod roster;
mod speech;

/// What a room calls as it closes (the manager forgets it).
pub(super) type OnClosed = Box<dyn FnOnce() + Send>;

pub(super) struct Room {
    handle: RoomHandle,
    settings: MediaSettings,
    /// The layouts the server has.
    layouts: Arc<Layouts>,
    /// Called once as the room closes, so that the next join opens a new one.
    on_closed: Option<OnClosed>,
    /// Where the room's recordings are kept and catalogued.
    recorder: crate::recording::Recorder,
    /// The pipeline and every member's media in it, from the first join to the close.
    media: Option<RoomMedia>,
    /// In join order, which is also tile order.
    members: Vec<Member>,
    /// The room's layout setting: the plain grid, or presenters large above the others.
    layout: Layout,
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
    /// Members' voices and the active speaker (see `room/speech.rs`).
    speech: speech::Speech,
    /// Each receiver's link and the rendition it is on (see `room/renditions.rs`).
    links: std::collections::HashMap<Uuid, renditions::Link>,
}

impl Room {
    pub(super) fn new(
        handle: RoomHandle,
        settings: MediaSettings,
        layouts: Arc<Layouts>,
        recorder: crate::recording::Recorder,
        on_closed: OnClosed,
    ) -> Self {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        Self {
            handle,
            settings,
            layouts,
            on_closed: Some(on_closed),
            recorder,
            media: None,
            members: Vec::new(),
            layout: Layout::grid(),
            events_tx,
            events_rx,
            empty_since: Some(Instant::now()),
            room_name: String::new(),
            recording: None,
            session_recorded: false,
            broadcasts: Default::default(),
            speech: Default::default(),
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
                _ = liveness.tick() => {
                    self.check_liveness().await;
                    if let Some(media) = self.media.as_mut() {
                        media.refresh_stalled_cameras();
                    }
                }
                _ = sleep_until(close_at) => break,
            }
            if bus.is_none() {
                bus = self
                    .media
                    .as_ref()
                    .and_then(RoomMedia::bus)
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
        if let Some(media) = self.media.take() {
            media.shutdown().await;
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
                let _ = reply.send(self.start_recording_for(by, asker).await);
            }
            RoomCommand::StopRecording { asker, reply } => {
                let _ = reply.send(self.stop_recording_for(asker).await);
            }
            RoomCommand::PinRendition { participant, name } => {
                self.pin_rendition(participant, name.as_deref()).await;
            }
            RoomCommand::SetLayout { layout } => self.set_layout(layout),
            RoomCommand::MediaState {
                participant,
                audio,
                video,
            } => self.set_media_state(participant, audio, video),
            RoomCommand::ChangeLayout {
                layout,
                asker,
                reply,
            } => {
                let allowed = self.may_present(asker);
                let _ = reply.send(allowed.then_some(()).ok_or(RoomError::NotAllowed));
                if allowed {
                    self.set_layout(layout);
                }
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
        // A session starts with the stored setting; changes then arrive as SetLayout (the
        // API) and ChangeLayout (a presenter's socket).
        if self.members.is_empty() {
            self.layout = request.layout.clone();
        }
        self.room_name = request.room_name.clone();
        self.check_space(&request)?;
        if self.media.is_none() {
            match RoomMedia::start(
                &self.handle.id,
                &self.settings,
                self.layouts.clone(),
                self.events_tx.clone(),
            ) {
                Ok(media) => {
                    self.media = Some(media);
                    self.restart_voices();
                }
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
            audio_on: true,
            video_on: true,
        });
        self.relayout();
        self.empty_since = None;
        self.note_for_recording("joined", id, &request.name);
        self.welcome(id);
        if request.auto_record
            && !self.session_recorded
            && self.recording.is_none()
            && let Err(err) = self.start_recording(None).await
        {
            tracing::warn!(%err, "auto-record did not start");
        }
        Ok(id)
    }

    /// Removes a member and all its media; tells it why first when `reason` is given.
    async fn remove(&mut self, participant: Uuid, reason: Option<Refusal>) {
        let Some(index) = self.members.iter().position(|m| m.id == participant) else {
            return;
        };
        let member = self.members.remove(index);
        self.links.remove(&participant);
        self.forget_voice(participant);
        if let Some(reason) = reason {
            let _ = member.outbound.try_send(RoomEvent::Refused(reason));
            let _ = member.outbound.try_send(RoomEvent::Close);
        }
        if let Some(media) = self.media.as_mut() {
            media.remove(participant).await;
        }
        if member.role == Role::Viewer {
            self.unfeed_room_mix_if_unheard().await;
        }
        tracing::info!(participant = %participant, "left");
        self.note_for_recording("left", participant, &member.name);
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
