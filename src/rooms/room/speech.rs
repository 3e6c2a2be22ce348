//! The room task's side of the active speaker: members' voice levels go to the detector,
//! and everyone hears who speaks (for indicators) and who is the active speaker.

use std::time::{Duration, Instant};

use uuid::Uuid;

use super::Room;
use crate::media::speech::{SpeakerDetector, SpeechChange};
use crate::rooms::RoomEvent;

/// `speaking` goes out at most this often; a change in between waits for the next level.
const SPEAKING_INTERVAL: Duration = Duration::from_millis(250);

/// The detector, and when `speaking` last went out.
pub(super) struct Speech {
    detector: SpeakerDetector,
    /// The instant the pipeline's running time is counted from, as far as the detector
    /// knows: levels carry running times, the detector takes instants.
    epoch: Instant,
    sent_at: Option<Instant>,
    /// The speaking set changed since it last went out.
    unsent: bool,
}

impl Default for Speech {
    fn default() -> Self {
        Self {
            detector: SpeakerDetector::default(),
            epoch: Instant::now(),
            sent_at: None,
            unsent: false,
        }
    }
}

impl Room {
    /// Takes one level of a member's microphone, measured at `running` time.
    pub(super) fn on_voice_level(&mut self, member: Uuid, dbfs: f64, running: Duration) {
        let at = self.speech.epoch + running;
        let change = self.speech.detector.level(member, dbfs, at);
        self.tell_speech(change, Instant::now());
    }

    /// A new pipeline starts its running time at zero.
    pub(super) fn restart_voices(&mut self) {
        self.speech = Speech::default();
    }

    /// Forgets a member who left.
    pub(super) fn forget_voice(&mut self, member: Uuid) {
        let change = self.speech.detector.remove(member);
        self.tell_speech(change, Instant::now());
    }

    /// The active speaker, if anyone has spoken clearly yet.
    pub(super) fn active_speaker(&self) -> Option<Uuid> {
        self.speech.detector.active()
    }

    /// Who has been the active speaker, the most recent first.
    pub(super) fn recent_speakers(&self) -> Vec<Uuid> {
        self.speech.detector.recent().to_vec()
    }

    fn tell_speech(&mut self, change: SpeechChange, now: Instant) {
        if let Some(active) = change.active {
            tracing::debug!(participant = %active, "active speaker");
            self.relayout();
            self.tell_layout();
        }
        self.speech.unsent |= change.speaking.is_some();
        let due = self
            .speech
            .sent_at
            .is_none_or(|at| now.duration_since(at) >= SPEAKING_INTERVAL);
        if self.speech.unsent && due {
            self.speech.unsent = false;
            self.speech.sent_at = Some(now);
            let participants = self.speech.detector.speaking().to_vec();
            self.tell_everyone(RoomEvent::Speaking { participants });
        }
    }

    /// Lays the room out anew and tells everyone.
    pub(super) fn set_layout(&mut self, layout: crate::domain::layout::Layout) {
        tracing::info!(layout = %layout, "layout changed");
        self.layout = layout;
        self.relayout();
        self.tell_layout();
    }

    /// Everyone hears the room's layout and its active speaker.
    pub(super) fn tell_layout(&self) {
        let event = RoomEvent::Layout {
            layout: self.layout.clone(),
            speaker: self.active_speaker(),
        };
        self.tell_everyone(event);
    }
}
