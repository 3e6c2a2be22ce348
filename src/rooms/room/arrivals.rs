//! Coming and going: whether a join has a place, what a joiner is told first, and members
//! whose media has gone silent.

use uuid::Uuid;

use super::{Room, RoomError, RoomEvent};
use crate::domain::join::JoinRequest;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;

impl Room {
    /// Refuses a join the room has no place for. Viewers have their own, larger limit: they
    /// cost no decode and no tile.
    pub(super) fn check_space(&self, request: &JoinRequest) -> Result<(), RoomError> {
        let viewer = request.role == Role::Viewer;
        let (limit, present) = if viewer {
            (self.settings.max_viewers, self.count_viewers())
        } else {
            (
                request.limit.min(self.settings.max_participants),
                self.members.len() - self.count_viewers(),
            )
        };
        if present < limit {
            Ok(())
        } else if viewer {
            Err(RoomError::ViewersFull(limit))
        } else {
            Err(RoomError::Full(limit))
        }
    }

    /// A joiner (or a reconnecting client) learns what is on: a recording, broadcasts, the
    /// layout and its active speaker.
    pub(super) fn welcome(&mut self, id: Uuid) {
        self.tell_recording_state(id);
        self.tell_broadcast_state(id);
        self.send(
            id,
            RoomEvent::Layout {
                layout: self.layout.clone(),
                speaker: self.active_speaker(),
            },
        );
    }

    pub(super) async fn check_liveness(&mut self) {
        let timeout_ms = self.settings.liveness_timeout_secs * 1000;
        let silent = self
            .media
            .as_ref()
            .map(|media| media.silent_members(timeout_ms))
            .unwrap_or_default();
        for id in silent {
            tracing::info!(participant = %id, "no media for {timeout_ms} ms; removing");
            let msg = Refusal::new(
                ErrorCode::Internal,
                "no media received from you; disconnected",
            );
            self.remove(id, Some(msg)).await;
        }
    }
}
