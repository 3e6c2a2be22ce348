//! Broadcasts of a live room to large audiences: HLS segments served by this server (behind a
//! CDN if wanted), and an RTMP push to an outside platform. Both carry the room's one H.264
//! encode and the one AAC encode of the full mix; neither can disturb the room.

pub mod hls;
pub mod rtmp;
pub mod rtmp_push;
pub mod target;

use serde::Serialize;
use tokio::sync::oneshot;

pub use target::{RtmpTarget, TargetError};

/// Why a broadcast request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BroadcastError {
    #[error("nobody is in the room; a broadcast needs a live room")]
    NotLive,
    #[error("HLS is already running in this room")]
    HlsRunning,
    #[error("HLS is not running in this room")]
    HlsNotRunning,
    #[error("the room is already pushing over RTMP")]
    RtmpRunning,
    #[error("the room is not pushing over RTMP")]
    RtmpNotRunning,
    #[error("the broadcast could not start: {0}")]
    Failed(String),
    #[error("the room is closing")]
    Closed,
}

/// Where an RTMP push stands.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RtmpState {
    Off,
    /// The first attempt is under way.
    Connecting,
    /// The server takes the stream.
    Live,
    /// An attempt failed; waiting to try again, or trying again.
    Retrying,
}

impl RtmpState {
    pub fn as_str(self) -> &'static str {
        match self {
            RtmpState::Off => "off",
            RtmpState::Connecting => "connecting",
            RtmpState::Live => "live",
            RtmpState::Retrying => "retrying",
        }
    }
}

/// `GET /api/rooms/{id}/hls`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HlsView {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
}

/// `GET /api/rooms/{id}/rtmp`. Only the redacted target ever leaves the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RtmpView {
    pub active: bool,
    pub state: RtmpState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
}

impl RtmpView {
    pub fn off() -> Self {
        Self {
            active: false,
            state: RtmpState::Off,
            target: None,
            attempts: 0,
            last_error: None,
            retry_in_ms: None,
        }
    }
}

/// Broadcast commands a room task accepts (inside `RoomCommand::Broadcast`). The sender has
/// already checked who may ask.
#[derive(Debug)]
pub enum BroadcastCommand {
    StartHls {
        reply: oneshot::Sender<Result<HlsView, BroadcastError>>,
    },
    StopHls {
        reply: oneshot::Sender<Result<(), BroadcastError>>,
    },
    HlsStatus {
        reply: oneshot::Sender<Result<HlsView, BroadcastError>>,
    },
    StartRtmp {
        target: RtmpTarget,
        reply: oneshot::Sender<Result<RtmpView, BroadcastError>>,
    },
    StopRtmp {
        reply: oneshot::Sender<Result<(), BroadcastError>>,
    },
    RtmpStatus {
        reply: oneshot::Sender<Result<RtmpView, BroadcastError>>,
    },
    /// A push's supervisor saw its state change: the room tells its members.
    RtmpChanged,
}
