//! The room task's side of broadcasts: HLS and the RTMP push start and stop on request, stop
//! when the last member leaves and when the room closes, and everyone in the room is told of
//! every change.

use super::{Room, RoomCommand};
use crate::broadcast::hls::HlsBranch;
use crate::broadcast::rtmp_push::RtmpPush;
use crate::broadcast::{
    BroadcastCommand, BroadcastError, HlsView, RtmpState, RtmpTarget, RtmpView,
};
use crate::media::room_media::RoomMedia;
use crate::rooms::RoomEvent;

/// The broadcasts a room is running.
#[derive(Default)]
pub(super) struct Broadcasts {
    hls: Option<ActiveHls>,
    rtmp: Option<RtmpPush>,
}

struct ActiveHls {
    branch: HlsBranch,
    started_at_ms: i64,
}

impl Broadcasts {
    /// Whether `object` belongs to the running HLS branch of the pipeline.
    pub(super) fn hls_owns(&self, object: &gst::Object) -> bool {
        self.hls.as_ref().is_some_and(|h| h.branch.contains(object))
    }

    /// Whether a broadcast carries the full room mix (so speakers must feed it).
    pub(super) fn hears_room_mix(&self) -> bool {
        self.hls.is_some() || self.rtmp.is_some()
    }

    fn any(&self) -> bool {
        self.hears_room_mix()
    }
}

impl ActiveHls {
    fn view(&self) -> HlsView {
        HlsView {
            active: true,
            started_at: Some(crate::domain::time::rfc3339(self.started_at_ms)),
        }
    }
}

impl Room {
    pub(super) async fn on_broadcast(&mut self, command: BroadcastCommand) {
        match command {
            BroadcastCommand::StartHls { reply } => {
                let _ = reply.send(self.start_hls().await);
            }
            BroadcastCommand::StopHls { reply } => {
                let _ = reply.send(self.stop_hls().await);
            }
            BroadcastCommand::HlsStatus { reply } => {
                let view = self.broadcasts.hls.as_ref().map_or(
                    HlsView {
                        active: false,
                        started_at: None,
                    },
                    ActiveHls::view,
                );
                let _ = reply.send(Ok(view));
            }
            BroadcastCommand::StartRtmp { target, reply } => {
                let _ = reply.send(self.start_rtmp(target).await);
            }
            BroadcastCommand::StopRtmp { reply } => {
                let _ = reply.send(self.stop_rtmp().await);
            }
            BroadcastCommand::RtmpStatus { reply } => {
                let view = self
                    .broadcasts
                    .rtmp
                    .as_ref()
                    .map_or_else(RtmpView::off, RtmpPush::view);
                let _ = reply.send(Ok(view));
            }
            BroadcastCommand::RtmpChanged => self.tell_broadcasts_to_everyone(),
        }
    }

    async fn start_hls(&mut self) -> Result<HlsView, BroadcastError> {
        if self.members.is_empty() {
            return Err(BroadcastError::NotLive);
        }
        if self.broadcasts.hls.is_some() {
            return Err(BroadcastError::HlsRunning);
        }
        // Everyone's microphone into the full mix the broadcast carries.
        self.feed_room_mix();
        let dir = self.settings.hls_dir.join(&self.handle.id);
        let Some(pipeline) = self.media.as_mut().map(RoomMedia::pipeline_mut) else {
            return Err(BroadcastError::NotLive);
        };
        let branch = match HlsBranch::attach(pipeline, &dir).await {
            Ok(branch) => branch,
            Err(err) => {
                self.unfeed_room_mix_if_unheard().await;
                tracing::warn!(error = %format!("{err:#}"), "HLS did not start");
                return Err(BroadcastError::Failed(format!("{err:#}")));
            }
        };
        let active = ActiveHls {
            branch,
            started_at_ms: crate::db::now_ms(),
        };
        let view = active.view();
        self.broadcasts.hls = Some(active);
        tracing::info!("HLS started");
        self.tell_broadcasts_to_everyone();
        Ok(view)
    }

    async fn stop_hls(&mut self) -> Result<(), BroadcastError> {
        let active = self
            .broadcasts
            .hls
            .take()
            .ok_or(BroadcastError::HlsNotRunning)?;
        if let Some(pipeline) = self.media.as_mut().map(RoomMedia::pipeline_mut) {
            active.branch.stop(pipeline).await;
        }
        self.unfeed_room_mix_if_unheard().await;
        tracing::info!("HLS stopped");
        self.tell_broadcasts_to_everyone();
        Ok(())
    }

    async fn start_rtmp(&mut self, target: RtmpTarget) -> Result<RtmpView, BroadcastError> {
        if self.members.is_empty() {
            return Err(BroadcastError::NotLive);
        }
        if self.broadcasts.rtmp.is_some() {
            return Err(BroadcastError::RtmpRunning);
        }
        self.feed_room_mix();
        let commands = self.handle.commands.clone();
        // The supervisor tells the room of state changes through its queue; a full queue
        // only delays the news to the next change.
        let changed = move || {
            let _ = commands.try_send(RoomCommand::Broadcast(BroadcastCommand::RtmpChanged));
        };
        let room_id = self.handle.id.clone();
        let Some(pipeline) = self.media.as_mut().map(RoomMedia::pipeline_mut) else {
            return Err(BroadcastError::NotLive);
        };
        let push = match RtmpPush::start(pipeline, &room_id, target, changed).await {
            Ok(push) => push,
            Err(err) => {
                self.unfeed_room_mix_if_unheard().await;
                tracing::warn!(error = %format!("{err:#}"), "RTMP push did not start");
                return Err(BroadcastError::Failed(format!("{err:#}")));
            }
        };
        let view = push.view();
        self.broadcasts.rtmp = Some(push);
        self.tell_broadcasts_to_everyone();
        Ok(view)
    }

    async fn stop_rtmp(&mut self) -> Result<(), BroadcastError> {
        let push = self
            .broadcasts
            .rtmp
            .take()
            .ok_or(BroadcastError::RtmpNotRunning)?;
        if let Some(pipeline) = self.media.as_mut().map(RoomMedia::pipeline_mut) {
            push.stop(pipeline).await;
        }
        self.unfeed_room_mix_if_unheard().await;
        self.tell_broadcasts_to_everyone();
        Ok(())
    }

    /// The HLS writer failed (e.g. the disk is full): take it out so the room carries on.
    pub(super) async fn hls_broke(&mut self) {
        if self.stop_hls().await.is_ok() {
            tracing::warn!("HLS stopped after a write error");
        }
    }

    /// Stops every broadcast (the room emptied or is closing).
    pub(super) async fn stop_broadcasts(&mut self) {
        let _ = self.stop_hls().await;
        let _ = self.stop_rtmp().await;
    }

    fn broadcast_message(&self) -> RoomEvent {
        RoomEvent::Broadcast {
            hls: self.broadcasts.hls.is_some(),
            rtmp: self
                .broadcasts
                .rtmp
                .as_ref()
                .map_or(RtmpState::Off, RtmpPush::state),
        }
    }

    fn tell_broadcasts_to_everyone(&self) {
        let message = self.broadcast_message();
        for m in &self.members {
            let _ = m.outbound.try_send(message.clone());
        }
    }

    /// Tells one member (a joiner) what is being broadcast, if anything is.
    pub(super) fn tell_broadcast_state(&self, member: uuid::Uuid) {
        if !self.broadcasts.any() {
            return;
        }
        if let Some(m) = self.members.iter().find(|m| m.id == member) {
            let _ = m.outbound.try_send(self.broadcast_message());
        }
    }
}
