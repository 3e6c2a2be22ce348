//! Finds or creates the task of a live room, and forgets it once it has closed.

use crate::media::layouts::Layouts;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use uuid::Uuid;

use super::events::RoomEvent;
use super::handle::{RoomError, RoomHandle};
use super::room::Room;
use crate::config::MediaSettings;
use crate::domain::join::JoinRequest;

/// Commands queued per room before senders wait; generous, as they are small.
const ROOM_COMMAND_QUEUE: usize = 256;
/// Attempts to join a room that keeps closing under the join.
const JOIN_ATTEMPTS: usize = 3;
/// How long a room gets to close at shutdown (finishing its recording included), so that the
/// whole stop stays within 15 s.
const SHUTDOWN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The registry of live rooms.
#[derive(Clone)]
pub struct RoomManager {
    inner: Arc<Inner>,
}

struct Inner {
    rooms: Mutex<HashMap<String, RoomHandle>>,
    settings: MediaSettings,
    layouts: Arc<Layouts>,
    recorder: crate::recording::Recorder,
    /// The runtime room tasks run on (not an actix worker's, which are per-thread).
    runtime: tokio::runtime::Handle,
    next_generation: AtomicU64,
    /// Set once the server is stopping: no room opens after that.
    closing: std::sync::atomic::AtomicBool,
}

impl RoomManager {
    /// The layouts the server has.
    pub fn layouts(&self) -> &Layouts {
        &self.inner.layouts
    }

    pub fn new(
        settings: MediaSettings,
        layouts: Arc<Layouts>,
        recorder: crate::recording::Recorder,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                rooms: Mutex::new(HashMap::new()),
                settings,
                layouts,
                recorder,
                runtime,
                next_generation: AtomicU64::new(1),
                closing: std::sync::atomic::AtomicBool::new(false),
            }),
        }
    }

    /// The live room `id`, starting its task if it has none; `None` once the server is
    /// stopping.
    pub fn get_or_create(&self, id: &str) -> Option<RoomHandle> {
        if self.is_closing() {
            return None;
        }
        let mut rooms = self.lock();
        // A room whose task has ended (or panicked) no longer reads its commands: replace it.
        if let Some(handle) = rooms.get(id).filter(|h| !h.commands.is_closed()) {
            return Some(handle.clone());
        }
        let (tx, rx) = mpsc::channel(ROOM_COMMAND_QUEUE);
        let handle = RoomHandle {
            id: id.to_owned(),
            generation: self.inner.next_generation.fetch_add(1, Ordering::Relaxed),
            commands: tx,
        };
        rooms.insert(id.to_owned(), handle.clone());
        drop(rooms);
        let manager = self.clone();
        let (room_id, generation) = (handle.id.clone(), handle.generation);
        let forget = Box::new(move || manager.forget(&room_id, generation));
        let room = Room::new(
            handle.clone(),
            self.inner.settings.clone(),
            self.inner.layouts.clone(),
            self.recorder(),
            forget,
        );
        self.inner.runtime.spawn(room.run(rx));
        tracing::info!(room = %id, "room opened");
        Some(handle)
    }

    /// Joins room `request.room`, opening it if needed. A room that is closing as the join
    /// arrives is reopened (a few attempts); `Closed` means the server is stopping or the room
    /// kept closing.
    pub async fn enter(
        &self,
        request: JoinRequest,
        outbound: mpsc::Sender<RoomEvent>,
    ) -> Result<(RoomHandle, Uuid), RoomError> {
        for _ in 0..JOIN_ATTEMPTS {
            let handle = self.get_or_create(&request.room).ok_or(RoomError::Closed)?;
            match handle.join(request.clone(), outbound.clone()).await {
                Ok(id) => return Ok((handle, id)),
                Err(RoomError::Closed) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(RoomError::Closed)
    }

    /// True once [`RoomManager::close_all`] has begun.
    pub fn is_closing(&self) -> bool {
        self.inner.closing.load(Ordering::Relaxed)
    }

    /// Where rooms write their recordings.
    pub fn recorder(&self) -> crate::recording::Recorder {
        self.inner.recorder.clone()
    }

    /// The live room `id`, if anyone is in it.
    pub fn get(&self, id: &str) -> Option<RoomHandle> {
        self.lock().get(id).cloned()
    }

    /// Forgets room `id` if it is still the given instance; called by the room as it closes.
    fn forget(&self, id: &str, generation: u64) {
        let mut rooms = self.lock();
        if rooms.get(id).is_some_and(|h| h.generation == generation) {
            rooms.remove(id);
        }
    }

    /// Closes every live room (members removed, pipelines at NULL), for a clean exit.
    pub async fn close_all(&self) {
        self.inner.closing.store(true, Ordering::Relaxed);
        let handles: Vec<RoomHandle> = self.lock().values().cloned().collect();
        let mut waits = Vec::new();
        for handle in handles {
            let (done, finished) = tokio::sync::oneshot::channel();
            let notice = None;
            handle
                .send(super::RoomCommand::Shutdown { notice, done })
                .await;
            waits.push(finished);
        }
        for finished in waits {
            if tokio::time::timeout(SHUTDOWN_TIMEOUT, finished)
                .await
                .is_err()
            {
                tracing::warn!("a room did not close within {SHUTDOWN_TIMEOUT:?}");
            }
        }
    }

    /// Closes live room `id`, if any, telling its members why; waits for it to stop.
    pub async fn close(&self, id: &str, notice: crate::domain::refusal::Refusal) {
        let Some(handle) = self.lock().get(id).cloned() else {
            return;
        };
        let (done, finished) = tokio::sync::oneshot::channel();
        let notice = Some(notice);
        handle
            .send(super::RoomCommand::Shutdown { notice, done })
            .await;
        if tokio::time::timeout(SHUTDOWN_TIMEOUT, finished)
            .await
            .is_err()
        {
            tracing::warn!(room = %id, "a room did not close within {SHUTDOWN_TIMEOUT:?}");
        }
    }

    /// Number of live rooms.
    pub fn live_rooms(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, RoomHandle>> {
        // unwrap: nothing panics while holding this lock (plain map operations only).
        #[allow(clippy::unwrap_used)]
        self.inner.rooms.lock().unwrap()
    }
}
