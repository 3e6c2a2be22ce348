//! The live WHIP and WHEP sessions, by the id in their resource URL.
//!
//! The id is a fresh random value, not the member's participant id: participant ids are in
//! every member's roster, and the URL alone is enough to end a session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use crate::rooms::RoomHandle;

/// One session: its room and its member id there.
#[derive(Clone, Debug)]
pub struct MediaSession {
    pub room: RoomHandle,
    pub participant: Uuid,
}

/// Sessions by resource id; shared by every HTTP worker. WHIP and WHEP each have their own,
/// so a session is only found under the URL it was given.
#[derive(Clone, Default)]
pub struct MediaSessions {
    inner: Arc<Mutex<HashMap<String, MediaSession>>>,
}

impl MediaSessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, MediaSession>> {
        // Nothing panics while holding this lock; keep serving if something ever did.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn insert(&self, id: String, session: MediaSession) {
        self.lock().insert(id, session);
    }

    /// The session `id` of room `room`, taken out of the registry.
    pub fn take(&self, id: &str, room: &str) -> Option<MediaSession> {
        let mut sessions = self.lock();
        if sessions.get(id).is_some_and(|s| s.room.id == room) {
            return sessions.remove(id);
        }
        None
    }

    /// Forgets a session the room has already dropped.
    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
