//! Who is in the room as others see it: roles, the roster every member is sent, and the
//! seats the layout gives tiles to.

use uuid::Uuid;

use super::{Room, RoomError, RoomEvent, RosterEntry};
use crate::domain::role::Role;
use crate::media::room_media::{Seat, Stage};

impl Room {
    pub(super) fn set_role(
        &mut self,
        participant: Uuid,
        role: Role,
    ) -> Result<RosterEntry, RoomError> {
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
        Ok(member.entry())
    }

    pub(super) fn count_viewers(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.role == Role::Viewer)
            .count()
    }

    /// Tells the media the layout, who may have a tile (in join order) and who speaks.
    pub(super) fn relayout(&mut self) {
        let stage = Stage {
            layout: self.layout.clone(),
            seats: self
                .members
                .iter()
                .filter(|m| m.role != Role::Viewer)
                .map(|m| Seat {
                    participant: m.id,
                    presenter: m.role == Role::Presenter,
                    camera: m.video_on,
                })
                .collect(),
            speaker: self.active_speaker(),
            recent: self.recent_speakers(),
        };
        if let Some(media) = self.media.as_mut() {
            media.apply_layout(stage);
        }
    }

    /// A member switched its microphone or camera: its tile and everyone's roster follow.
    pub(super) fn set_media_state(&mut self, participant: Uuid, audio: bool, video: bool) {
        let Some(member) = self.members.iter_mut().find(|m| m.id == participant) else {
            return;
        };
        if (member.audio_on, member.video_on) == (audio, video) {
            return;
        }
        member.audio_on = audio;
        member.video_on = video;
        if let Some(media) = self.media.as_mut() {
            media.set_muted(participant, !audio);
        }
        self.relayout();
        self.broadcast_roster();
    }

    pub(super) fn broadcast_roster(&mut self) {
        let participants: Vec<RosterEntry> = self
            .members
            .iter()
            .filter(|m| m.role != Role::Viewer)
            .map(super::Member::entry)
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
}
