//! The room task's side of negotiation: a member's offer answered (or refused with words the
//! member can act on), and its trickled ICE candidates checked and handed to its media.

use uuid::Uuid;

use super::Room;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;
use crate::media::participant::{Downlink, OfferChanged, ParticipantMedia};
use crate::media::sdp::{self, OfferError};
use crate::rooms::RoomEvent;

impl Room {
    /// Answers a member's offer: through `reply` when it came with one (WHIP, WHEP), else
    /// as the member's `Answer` or `Refused` event (the socket).
    pub(super) async fn on_offer(
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

    pub(super) async fn answer(
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

    pub(super) fn on_remote_ice(&mut self, participant: Uuid, m_line: u32, candidate: &str) {
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
}
