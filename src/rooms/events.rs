//! What a live room tells one member, in the room's own terms. The socket turns these into
//! wire messages (`signalling`), WHIP and WHEP into HTTP replies; the room knows neither.

use serde::Serialize;
use uuid::Uuid;

use crate::broadcast::RtmpState;
use crate::domain::layout::Layout;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::media::renditions::Rendition;

/// One entry of the roster: a member that takes a tile (viewers are only counted).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterEntry {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The member's microphone is on (as its client says).
    pub audio: bool,
    /// The member's camera is on (as its client says, and its pictures arrive).
    pub video: bool,
}

/// Whether the room's recording runs.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordingState {
    Started,
    Stopped,
}

/// An event of the room for one member, in the order the room sent them.
#[derive(Debug, Clone, PartialEq)]
pub enum RoomEvent {
    /// The member is in: its id, the room's names, its role, the ICE servers it may use and
    /// the sizes of the composite, largest first.
    Joined {
        participant: Uuid,
        room: String,
        room_name: String,
        role: Role,
        ice_urls: Vec<String>,
        renditions: Vec<Rendition>,
    },
    /// The answer to the member's offer (a socket offer; WHIP and WHEP get theirs as a reply).
    Answer { sdp: String },
    /// A local ICE candidate of the member's connection.
    Candidate { m_line: u32, candidate: String },
    /// Every local candidate has been told.
    CandidatesDone,
    /// Who is in the room; on every change.
    Roster {
        participants: Vec<RosterEntry>,
        viewers: usize,
    },
    /// The composite the member receives is now this rendition.
    Rendition {
        name: String,
        width: i32,
        height: i32,
        pinned: bool,
    },
    /// The recording started or stopped.
    Recording {
        state: RecordingState,
        recording_id: String,
    },
    /// What the room broadcasts: HLS on or off, and where its RTMP push stands.
    Broadcast { hls: bool, rtmp: RtmpState },
    /// Who is speaking now (for indicators).
    Speaking { participants: Vec<Uuid> },
    /// The room's layout and its active speaker, on every change of either.
    Layout {
        layout: Layout,
        speaker: Option<Uuid>,
    },
    /// Something the member asked for, or its presence, was refused.
    Refused(Refusal),
    /// The room has dropped the member (replaced, timed out, failed, room closed).
    Close,
}
