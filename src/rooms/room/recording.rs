//! The room task's side of recording: start and stop on request, automatically for
//! auto-record rooms, when the last member leaves, and at shutdown.

use std::time::Instant;

use super::{Room, RoomError};
use crate::db::models::Recording;
use crate::domain::role::Role;
use crate::media::room_media::RoomMedia;
use crate::recording::branch::RecordingBranch;
use crate::recording::{RecordingView, TimelineEntry};
use crate::rooms::{Asker, RecordingState, RoomEvent};

/// The recording a room is writing.
impl ActiveRecording {
    /// Whether `object` belongs to this recording's branch of the pipeline.
    pub(super) fn owns(&self, object: &gst::Object) -> bool {
        self.branch.contains(object)
    }
}

pub(super) struct ActiveRecording {
    branch: RecordingBranch,
    row: Recording,
    timeline: Vec<TimelineEntry>,
    started: Instant,
}

impl Room {
    /// Starts recording the composite and the full mix; `by` is the account that asked.
    pub(super) async fn start_recording(
        &mut self,
        by: Option<String>,
    ) -> Result<RecordingView, RoomError> {
        if self.recording.is_some() {
            return Err(RoomError::AlreadyRecording);
        }
        if self.media.is_none() {
            return Err(RoomError::NotRecording);
        }
        // Everyone's microphone into the full mix the recording hears.
        self.feed_room_mix();
        let Some(pipeline) = self.media.as_ref().map(RoomMedia::pipeline) else {
            return Err(RoomError::NotRecording);
        };
        let recorder = self.recorder.clone();
        let row = recorder
            .begin(&self.handle.id, &self.room_name, by)
            .await
            .map_err(|e| RoomError::RecordingFailed(e.to_string()))?;
        let path = recorder.live_path(&row.id);
        let branch = match RecordingBranch::attach(pipeline, &path) {
            Ok(b) => b,
            Err(err) => {
                // The room carries on; the row says why there is no file.
                self.unfeed_room_mix_if_unheard().await;
                let reason = format!("{err:#}");
                recorder.fail(row, reason.clone()).await;
                return Err(RoomError::RecordingFailed(reason));
            }
        };
        let view = RecordingView::from(&row);
        let started = Instant::now();
        let timeline = self
            .members
            .iter()
            .map(|m| TimelineEntry {
                at_ms: 0,
                event: "present".into(),
                participant_id: m.id.to_string(),
                name: m.name.clone(),
            })
            .collect();
        tracing::info!(recording = %row.id, "recording started");
        self.recording = Some(ActiveRecording {
            branch,
            row,
            timeline,
            started,
        });
        self.session_recorded = true;
        self.tell_everyone(RoomEvent::Recording {
            state: RecordingState::Started,
            recording_id: view.id.clone(),
        });
        Ok(view)
    }

    /// Stops the recording, if any. The MP4 is made in the background unless `wait` (the
    /// room is closing and the server may be stopping).
    pub(super) async fn stop_recording(&mut self, wait: bool) -> Option<RecordingView> {
        let active = self.recording.take()?;
        let pipeline = self.media.as_ref()?.pipeline();
        let finished = active.branch.finish(pipeline.gst_pipeline()).await;
        self.unfeed_room_mix_if_unheard().await;
        let mut row = active.row;
        row.status = "finalizing".into();
        let view = RecordingView::from(&row);
        self.tell_everyone(RoomEvent::Recording {
            state: RecordingState::Stopped,
            recording_id: row.id.clone(),
        });
        tracing::info!(recording = %row.id, finished, "recording stopped");
        let recorder = self.recorder.clone();
        let job = async move { recorder.finalize(row, active.timeline, false).await };
        if wait {
            job.await;
        } else {
            tokio::spawn(job);
        }
        Some(view)
    }

    /// The recording branch failed while writing: take it out and mark the recording failed.
    pub(super) async fn recording_broke(&mut self, reason: String) {
        let Some(active) = self.recording.take() else {
            return;
        };
        if let Some(pipeline) = self.media.as_ref().map(RoomMedia::pipeline) {
            active.branch.abandon(pipeline.gst_pipeline()).await;
        }
        self.unfeed_room_mix_if_unheard().await;
        self.tell_everyone(RoomEvent::Recording {
            state: RecordingState::Stopped,
            recording_id: active.row.id.clone(),
        });
        self.recorder
            .fail(active.row, format!("writing the file failed: {reason}"))
            .await;
    }

    /// Whether `asker` may control recording: presenters and the owner in the room, or an
    /// API caller already checked as the owner or an admin.
    /// Starts recording if `asker` may.
    pub(super) async fn start_recording_for(
        &mut self,
        by: Option<String>,
        asker: Asker,
    ) -> Result<RecordingView, RoomError> {
        if !self.may_present(asker) {
            return Err(RoomError::NotAllowed);
        }
        self.start_recording(by).await
    }

    /// Stops recording if `asker` may.
    pub(super) async fn stop_recording_for(
        &mut self,
        asker: Asker,
    ) -> Result<RecordingView, RoomError> {
        if !self.may_present(asker) {
            return Err(RoomError::NotAllowed);
        }
        self.stop_recording(false)
            .await
            .ok_or(RoomError::NotRecording)
    }

    pub(super) fn may_present(&self, asker: Asker) -> bool {
        match asker {
            Asker::Manager => true,
            Asker::Member(id) => self
                .members
                .iter()
                .any(|m| m.id == id && matches!(m.role, Role::Owner | Role::Presenter)),
        }
    }

    /// Notes a join or leave in the running recording's participants timeline.
    pub(super) fn note_for_recording(&mut self, event: &str, id: uuid::Uuid, name: &str) {
        if let Some(active) = &mut self.recording {
            let at_ms = i64::try_from(active.started.elapsed().as_millis()).unwrap_or(i64::MAX);
            active.timeline.push(TimelineEntry {
                at_ms,
                event: event.into(),
                participant_id: id.to_string(),
                name: name.into(),
            });
        }
    }

    /// Tells one member that the room is being recorded, if it is.
    pub(super) fn tell_recording_state(&self, member: uuid::Uuid) {
        let (Some(active), Some(m)) = (
            &self.recording,
            self.members.iter().find(|m| m.id == member),
        ) else {
            return;
        };
        let _ = m.outbound.try_send(RoomEvent::Recording {
            state: RecordingState::Started,
            recording_id: active.row.id.clone(),
        });
    }

    pub(super) fn tell_everyone(&self, event: RoomEvent) {
        for m in &self.members {
            let _ = m.outbound.try_send(event.clone());
        }
    }
}
