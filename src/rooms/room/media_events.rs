//! What the room's media tells the room task: candidates to pass on, incoming streams to
//! place, link reports, connection states and pipeline errors, each routed to its owner.

use gst::prelude::*;
use uuid::Uuid;

use super::Room;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::media::events::MediaEvent;
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
                        if let Some(media) = &self.media {
                            media.request_keyframe();
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
        let Some(media) = self.media.as_mut() else {
            return;
        };
        if let Err(err) = media.attach_incoming(participant, &pad, probe) {
            tracing::warn!(participant = %participant, error = %format!("{err:#}"), "cannot use incoming stream");
            let msg = Refusal::new(
                ErrorCode::Unsupported,
                format!("your media could not be used: {err}"),
            );
            self.remove(participant, Some(msg)).await;
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
                    .media
                    .as_ref()
                    .zip(err.src())
                    .and_then(|(media, src)| media.owner_of(src));
                if let Some(id) = culprit {
                    let msg =
                        Refusal::new(ErrorCode::Internal, "your media failed and was removed");
                    self.remove(id, Some(msg)).await;
                }
            }
            MessageView::Latency(_) => {
                if let Some(media) = &self.media {
                    media.recalculate_latency();
                }
            }
            MessageView::Element(_) => {
                if let Some((member, dbfs, at)) =
                    self.media.as_ref().and_then(|m| m.voice_level(message))
                {
                    self.on_voice_level(member, dbfs, at);
                }
            }
            MessageView::Warning(w) => {
                tracing::debug!(source = ?w.src().map(|s| s.path_string()), warning = %w.error(), "media warning");
            }
            _ => {}
        }
    }
}
