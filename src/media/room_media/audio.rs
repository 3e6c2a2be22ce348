//! Who hears whom: each member hears everyone but itself (mix-minus), and the full room mix
//! hears every speaker while something (a recording, a broadcast, a viewer) listens to it.

use uuid::Uuid;

use super::RoomMedia;

/// The full room mix's place among the mix-minus listeners (no member has the nil id).
const ROOM_MIX: Uuid = Uuid::nil();

impl RoomMedia {
    /// Links every microphone into `listener`'s mix once it has one.
    pub(super) fn wire_listener(&mut self, listener: Uuid) {
        let Some(mixer) = self.members.get(&listener).and_then(|m| m.mixer()) else {
            return;
        };
        for (speaker, media) in &self.members {
            let Some(tee) = media.audio_tee() else {
                continue;
            };
            if let Err(err) = self.mix.link(
                self.pipeline.gst_pipeline(),
                (*speaker, tee),
                (listener, mixer),
            ) {
                tracing::warn!(error = %format!("{err:#}"), "cannot link mix-minus");
            }
        }
    }

    /// Links `speaker`'s microphone into every other mix, and the room mix while it is fed.
    pub(super) fn wire_speaker(&mut self, speaker: Uuid) {
        let Some(tee) = self.members.get(&speaker).and_then(|m| m.audio_tee()) else {
            return;
        };
        let pipeline = self.pipeline.gst_pipeline();
        for (listener, media) in &self.members {
            let Some(mixer) = media.mixer() else {
                continue;
            };
            if let Err(err) = self.mix.link(pipeline, (speaker, tee), (*listener, mixer)) {
                tracing::warn!(error = %format!("{err:#}"), "cannot link mix-minus");
            }
        }
        if self.room_mix_fed {
            self.link_into_room_mix(speaker);
        }
    }

    fn link_into_room_mix(&mut self, speaker: Uuid) {
        let Some(tee) = self.members.get(&speaker).and_then(|m| m.audio_tee()) else {
            return;
        };
        let pipeline = self.pipeline.gst_pipeline();
        let room_mix = self.pipeline.room_mix();
        if let Err(err) = self
            .mix
            .link(pipeline, (speaker, tee), (ROOM_MIX, room_mix))
        {
            tracing::warn!(error = %format!("{err:#}"), "cannot link the room mix");
        }
    }

    /// Every microphone into the full room mix, now and as speakers arrive (linking twice is
    /// a no-op).
    pub fn feed_room_mix(&mut self) {
        self.room_mix_fed = true;
        let speakers: Vec<Uuid> = self.members.keys().copied().collect();
        for speaker in speakers {
            self.link_into_room_mix(speaker);
        }
    }

    /// Takes every microphone out of the full room mix: nothing hears it any more.
    pub async fn unfeed_room_mix(&mut self) {
        self.room_mix_fed = false;
        self.mix
            .unlink_listener(self.pipeline.gst_pipeline(), ROOM_MIX)
            .await;
    }
}
