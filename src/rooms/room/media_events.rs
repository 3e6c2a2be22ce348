//! What the room's media tells the room task: candidates to pass on, incoming streams to
//! place, link reports, connection states and pipeline errors, each routed to its owner.

use gst::prelude::*;
use uuid::Uuid;

use super::Room;
use crate::domain::layout::Layout;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;
use crate::media::events::MediaEvent;
use crate::media::layout;
use crate::media::participant::Incoming;
use crate::rooms::RoomEvent;

impl Room {
    pub(super) async fn on_media_event(&mut self, event: MediaEvent) {
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

    pub(super) async fn on_incoming_stream(
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
    pub(super) fn relayout(&self) {
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

    pub(super) async fn on_bus_message(&mut self, message: &gst::Message) {
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
}
