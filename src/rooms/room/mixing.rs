//! The room task's side of the audio: each member hears everyone but itself (mix-minus),
//! and the full room mix is fed only while a recording or a viewer hears it.

use uuid::Uuid;

use super::{ROOM_MIX, Room};
use crate::domain::role::Role;

impl Room {
    /// Links everyone's microphone into `participant`'s mix once it has one.
    pub(super) fn wire_mix_for(&mut self, participant: Uuid) {
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
    pub(super) fn wire_speaker(&mut self, participant: Uuid) {
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
    pub(super) fn room_mix_heard(&self) -> bool {
        self.recording.is_some()
            || self.broadcasts.hears_room_mix()
            || self
                .members
                .iter()
                .any(|m| m.role == Role::Viewer && m.media.is_some())
    }

    /// Everyone's microphone into the full room mix (linking is idempotent).
    pub(super) fn feed_room_mix(&mut self) {
        let speakers: Vec<Uuid> = self.members.iter().map(|m| m.id).collect();
        for speaker in speakers {
            self.link_room_mix(speaker);
        }
    }

    /// Takes every microphone out of the full mix once nothing hears it.
    pub(super) async fn unfeed_room_mix_if_unheard(&mut self) {
        if self.room_mix_heard() {
            return;
        }
        if let Some(pipeline) = self.pipeline.as_ref() {
            self.mix.unlink_listener(&pipeline.pipeline, ROOM_MIX).await;
        }
    }

    /// Feeds `speaker`'s microphone into the full room mix, as a listener of its own.
    pub(super) fn link_room_mix(&mut self, speaker: Uuid) {
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
}
