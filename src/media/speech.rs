//! Who is speaking, and who is the active speaker, from each member's audio level.
//!
//! Levels arrive about ten times a second per member (the RMS of its decoded microphone, in
//! dBFS). Two answers come out of them:
//!
//! - **Speaking now** (for indicators): above [`SPEECH_DBFS`] within the last
//!   [`SPEAKING_HANGOVER`], so the gaps between words do not make an indicator blink.
//! - **The active speaker** (for the large tile): a member takes over only after speaking
//!   clearly — voiced for at least [`TAKEOVER_SHARE`] of the last [`TAKEOVER_WINDOW`] — and
//!   holds the place at least [`HOLD`]. A cough is too short to qualify, and two people
//!   alternating every half second never reach the share, so neither causes a switch. While
//!   the active speaker still talks, a newcomer must be voiced more of the window to take
//!   over.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use uuid::Uuid;

/// A level above this (dBFS, RMS) is voice; room noise and comfort noise sit well below.
pub const SPEECH_DBFS: f64 = -45.0;
/// A member counts as speaking for this long after its last voiced level.
pub const SPEAKING_HANGOVER: Duration = Duration::from_millis(400);
/// The span a newcomer's speech is judged over.
pub const TAKEOVER_WINDOW: Duration = Duration::from_millis(1000);
/// The share of that span a newcomer must be voiced for.
pub const TAKEOVER_SHARE: f64 = 0.7;
/// The least time an active speaker keeps the place.
pub const HOLD: Duration = Duration::from_secs(2);

/// One member's recent levels.
#[derive(Default)]
struct Voice {
    /// (when, voiced) for the last [`TAKEOVER_WINDOW`], oldest first.
    recent: VecDeque<(Instant, bool)>,
    last_voiced: Option<Instant>,
}

impl Voice {
    fn push(&mut self, at: Instant, voiced: bool) {
        self.recent.push_back((at, voiced));
        if voiced {
            self.last_voiced = Some(at);
        }
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| at.duration_since(*t) > TAKEOVER_WINDOW)
        {
            self.recent.pop_front();
        }
    }

    /// The share of the window this member was voiced for; 0 until the window is nearly
    /// covered, so that a first burst cannot qualify on a handful of levels.
    fn voiced_share(&self, now: Instant) -> f64 {
        let Some((first, _)) = self.recent.front() else {
            return 0.0;
        };
        if now.duration_since(*first) < TAKEOVER_WINDOW.mul_f64(0.8) {
            return 0.0;
        }
        let voiced = self.recent.iter().filter(|(_, v)| *v).count();
        voiced as f64 / self.recent.len() as f64
    }

    fn speaking(&self, now: Instant) -> bool {
        self.last_voiced
            .is_some_and(|t| now.duration_since(t) <= SPEAKING_HANGOVER)
    }
}

/// What changed with a level.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SpeechChange {
    /// The members speaking now, when that set changed.
    pub speaking: Option<Vec<Uuid>>,
    /// The new active speaker, when it changed.
    pub active: Option<Uuid>,
}

/// The room's voices and its active speaker.
#[derive(Default)]
pub struct SpeakerDetector {
    voices: HashMap<Uuid, Voice>,
    speaking: Vec<Uuid>,
    active: Option<(Uuid, Instant)>,
    /// Who has been the active speaker, the most recent first.
    recent: Vec<Uuid>,
}

impl SpeakerDetector {
    /// Takes one level of `member`'s microphone at `now`.
    pub fn level(&mut self, member: Uuid, dbfs: f64, now: Instant) -> SpeechChange {
        self.voices
            .entry(member)
            .or_default()
            .push(now, dbfs > SPEECH_DBFS);
        SpeechChange {
            speaking: self.update_speaking(now),
            active: self.update_active(now),
        }
    }

    /// Forgets a member who left (it stops being the active speaker too).
    pub fn remove(&mut self, member: Uuid) -> SpeechChange {
        self.voices.remove(&member);
        self.recent.retain(|id| *id != member);
        if self.active.is_some_and(|(id, _)| id == member) {
            self.active = None;
        }
        let before = self.speaking.len();
        self.speaking.retain(|id| *id != member);
        SpeechChange {
            speaking: (self.speaking.len() != before).then(|| self.speaking.clone()),
            active: None,
        }
    }

    /// The active speaker, if anyone has spoken clearly yet.
    pub fn active(&self) -> Option<Uuid> {
        self.active.map(|(id, _)| id)
    }

    /// Who has been the active speaker, the most recent first.
    pub fn recent(&self) -> &[Uuid] {
        &self.recent
    }

    /// The members speaking now.
    pub fn speaking(&self) -> &[Uuid] {
        &self.speaking
    }

    fn update_speaking(&mut self, now: Instant) -> Option<Vec<Uuid>> {
        let mut speaking: Vec<Uuid> = self
            .voices
            .iter()
            .filter(|(_, voice)| voice.speaking(now))
            .map(|(id, _)| *id)
            .collect();
        speaking.sort_unstable();
        (speaking != self.speaking).then(|| {
            self.speaking = speaking;
            self.speaking.clone()
        })
    }

    fn update_active(&mut self, now: Instant) -> Option<Uuid> {
        if let Some((_, since)) = self.active
            && now.duration_since(since) < HOLD
        {
            return None;
        }
        let current = self.active.map(|(id, _)| id);
        let current_share = current
            .and_then(|id| self.voices.get(&id))
            .map_or(0.0, |voice| voice.voiced_share(now));
        let (candidate, share) = self
            .voices
            .iter()
            .filter(|(id, _)| Some(**id) != current)
            .map(|(id, voice)| (*id, voice.voiced_share(now)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        if share >= TAKEOVER_SHARE && share > current_share {
            self.active = Some((candidate, now));
            self.recent.retain(|id| *id != candidate);
            self.recent.insert(0, candidate);
            return Some(candidate);
        }
        None
    }
}

#[cfg(test)]
#[path = "speech/tests.rs"]
mod tests;
