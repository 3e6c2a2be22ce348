//! The room task's side of negotiation: a member's offer answered (or refused with words the
//! member can act on), and its trickled ICE candidates checked and handed to its media.

use uuid::Uuid;

use super::Room;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;
use crate::media::participant::Downlink;
use crate::media::room_media::{CandidateError, NegotiationError};
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
        let member = self
            .members
            .iter()
            .find(|m| m.id == participant)
            .ok_or_else(|| internal("not in the room"))?;
        let downlink = if member.publisher {
            Downlink::Publisher
        } else if member.role == Role::Viewer {
            Downlink::Viewer
        } else {
            Downlink::Participant
        };
        let name = member.name.clone();
        let media = self
            .media
            .as_mut()
            .ok_or_else(|| internal("room has no media"))?;
        media
            .negotiate(participant, &name, offer, plan, downlink)
            .await
            .map_err(|err| {
                tracing::warn!(participant = %participant, error = %format!("{err:#}"), "negotiation failed");
                match err {
                    NegotiationError::Setup(_) => internal("could not set up your media"),
                    NegotiationError::Changed(_) => {
                        Refusal::new(ErrorCode::Unsupported, err.to_string())
                    }
                    NegotiationError::Failed(_) => {
                        Refusal::new(ErrorCode::BadRequest, err.to_string())
                    }
                }
            })
    }

    pub(super) fn on_remote_ice(&mut self, participant: Uuid, m_line: u32, candidate: &str) {
        let taken = match self.media.as_ref() {
            Some(media) => media.add_candidate(participant, m_line, candidate),
            None => Err(CandidateError::NoOffer),
        };
        if let Err(err) = taken {
            self.send(
                participant,
                RoomEvent::Refused(Refusal::new(ErrorCode::BadRequest, err.to_string())),
            );
        }
    }
}
