//! Room recordings: the branch that writes them, their rows, finalisation into MP4, and
//! recovery of files a crash left behind.

pub mod branch;
pub mod links;
pub mod remux;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::db::models::Recording;
use crate::db::{self, Db, DbError, recordings};
use crate::domain::time::rfc3339;

/// Who joined or left a recorded room, and when (ms from the recording's start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at_ms: i64,
    pub event: String,
    pub participant_id: String,
    pub name: String,
}

/// A recording as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingView {
    pub id: String,
    pub room_id: String,
    pub room_name: String,
    pub started_by: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub bytes: Option<i64>,
    pub status: String,
    pub error: Option<String>,
    pub participants: Vec<TimelineEntry>,
}

impl From<&Recording> for RecordingView {
    fn from(r: &Recording) -> Self {
        Self {
            id: r.id.clone(),
            room_id: r.room_id.clone(),
            room_name: r.room_name.clone(),
            started_by: r.started_by.clone(),
            started_at: rfc3339(r.started_at),
            ended_at: r.ended_at.map(rfc3339),
            duration_ms: r.duration_ms,
            bytes: r.bytes,
            status: r.status.clone(),
            error: r.error.clone(),
            participants: serde_json::from_str(&r.timeline).unwrap_or_default(),
        }
    }
}

/// Creates, finishes and recovers recordings under one folder.
#[derive(Clone)]
pub struct Recorder {
    pub db: Db,
    pub dir: PathBuf,
}

impl Recorder {
    /// The file a recording is written to while it runs (Matroska) and once finished (MP4).
    /// Names come from the recording's id only; nothing a user sends becomes a path.
    pub fn live_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.mkv"))
    }

    pub fn final_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.mp4"))
    }

    /// Inserts the row of a recording that starts now.
    pub async fn begin(
        &self,
        room_id: &str,
        room_name: &str,
        started_by: Option<String>,
    ) -> Result<Recording, DbError> {
        let id = db::new_id();
        let row = Recording {
            file_name: format!("{id}.mkv"),
            id,
            room_id: room_id.to_owned(),
            room_name: room_name.to_owned(),
            started_by,
            started_at: db::now_ms(),
            ended_at: None,
            duration_ms: None,
            bytes: None,
            status: "recording".into(),
            error: None,
            timeline: "[]".into(),
        };
        let insert = row.clone();
        self.db.run(move |c| recordings::insert(c, &insert)).await?;
        Ok(row)
    }

    /// Marks a recording failed with `reason`.
    pub async fn fail(&self, mut row: Recording, reason: String) {
        tracing::warn!(recording = %row.id, %reason, "recording failed");
        row.status = "failed".into();
        row.error = Some(reason);
        row.ended_at = Some(db::now_ms());
        self.save(row).await;
    }

    /// Turns a finished Matroska file into the MP4 that is served, and records the result.
    /// `recovered` marks a file left by a crash.
    pub async fn finalize(
        &self,
        mut row: Recording,
        timeline: Vec<TimelineEntry>,
        recovered: bool,
    ) {
        if !timeline.is_empty() {
            row.timeline = serde_json::to_string(&timeline).unwrap_or_else(|_| "[]".into());
        }
        if !recovered {
            row.ended_at = Some(db::now_ms());
        }
        row.status = "finalizing".into();
        self.save(row.clone()).await;
        let mkv = self.live_path(&row.id);
        let mp4 = self.final_path(&row.id);
        let (mkv_job, mp4_job) = (mkv.clone(), mp4.clone());
        let remuxed = tokio::task::spawn_blocking(move || remux::to_mp4(&mkv_job, &mp4_job)).await;
        match remuxed {
            Ok(Ok(duration)) => {
                let duration_ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
                row.duration_ms = Some(duration_ms);
                if recovered {
                    row.ended_at = Some(row.started_at + duration_ms);
                }
                row.bytes = file_size(&mp4);
                row.file_name = format!("{}.mp4", row.id);
                row.status = if recovered { "recovered" } else { "ready" }.into();
                let _ = std::fs::remove_file(&mkv);
                tracing::info!(recording = %row.id, duration_ms, status = %row.status, "recording finalised");
                self.save(row).await;
            }
            Ok(Err(err)) => self.fail(row, format!("{err:#}")).await,
            Err(err) => self.fail(row, format!("remux task: {err}")).await,
        }
    }

    /// Finishes recordings a crash left `recording` or `finalizing` (at start-up).
    pub async fn recover_all(&self) -> Result<usize, DbError> {
        let rows = self.db.run(recordings::unfinished).await?;
        let count = rows.len();
        for row in rows {
            if self.live_path(&row.id).exists() {
                tracing::info!(recording = %row.id, "recovering a recording left by a crash");
                self.finalize(row, Vec::new(), true).await;
            } else {
                self.fail(row, "the server stopped and the file is missing".into())
                    .await;
            }
        }
        Ok(count)
    }

    async fn save(&self, row: Recording) {
        let id = row.id.clone();
        if let Err(err) = self.db.run(move |c| recordings::save(c, &row)).await {
            tracing::error!(recording = %id, %err, "cannot save the recording's row");
        }
    }
}

fn file_size(path: &Path) -> Option<i64> {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| i64::try_from(m.len()).ok())
}
