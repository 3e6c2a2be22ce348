//! The room task's side of the audio: whether anything hears the full room mix. The mixes
//! themselves (each member hears everyone but itself) are the media's.

use super::Room;
use crate::domain::role::Role;

impl Room {
    /// Whether anything hears the full room mix: a recording, a broadcast, or a viewer with
    /// media.
    pub(super) fn room_mix_heard(&self) -> bool {
        let media = self.media.as_ref();
        self.recording.is_some()
            || self.broadcasts.hears_room_mix()
            || self
                .members
                .iter()
                .any(|m| m.role == Role::Viewer && media.is_some_and(|x| x.has_member(m.id)))
    }

    /// Everyone's microphone into the full room mix, which something is about to hear.
    pub(super) fn feed_room_mix(&mut self) {
        if let Some(media) = self.media.as_mut() {
            media.feed_room_mix();
        }
    }

    /// Takes every microphone out of the full mix once nothing hears it, so an idle room does
    /// not mix audio nobody hears.
    pub(super) async fn unfeed_room_mix_if_unheard(&mut self) {
        if self.room_mix_heard() {
            return;
        }
        if let Some(media) = self.media.as_mut() {
            media.unfeed_room_mix().await;
        }
    }
}
