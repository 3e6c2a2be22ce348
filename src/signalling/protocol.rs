//! The WebSocket message contract (docs/signalling.md): one tagged enum each way.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::broadcast::RtmpState;
use crate::domain::layout::Layout;
pub use crate::domain::refusal::ErrorCode;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::media::renditions::Rendition;
use crate::rooms::RoomEvent;
pub use crate::rooms::{RecordingState, RosterEntry};

/// Messages a client sends. Unknown fields are ignored so clients can grow.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientMessage {
    /// Enter a room.
    Join {
        room: String,
        name: String,
        /// Participant when absent.
        #[serde(default)]
        #[cfg_attr(test, ts(optional))]
        role: Option<AskedRole>,
        /// Session or invite token; until accounts exist, an opaque key naming the client so
        /// that a reconnect replaces its old connection.
        #[serde(default)]
        #[cfg_attr(test, ts(optional))]
        token: Option<String>,
    },
    /// The client's SDP offer; a new offer renegotiates.
    Offer { sdp: String },
    /// A trickled ICE candidate; an empty candidate ends the candidates.
    Ice {
        candidate: String,
        #[serde(rename = "sdpMLineIndex")]
        sdp_m_line_index: u32,
    },
    /// Leave the room (closing the socket does the same).
    Leave,
    /// The room's owner or an admin makes a participant a presenter, or a presenter a
    /// participant again.
    #[serde(rename_all = "camelCase")]
    SetRole {
        participant_id: String,
        role: AssignedRole,
    },
    /// A presenter, the owner or an admin starts or stops the recording.
    Recording { action: RecordingAction },
    /// The sender's own microphone and camera switches (muted mark, placeholder tile).
    Media { audio: bool, video: bool },
    /// A presenter, the owner or an admin changes the room's layout live.
    Layout { layout: String },
    /// Pin the composite to one rendition by name, or `auto` to let the link decide.
    Rendition { rendition: String },
    /// Any `type` this server does not know (the router refuses it by name).
    #[serde(other)]
    #[cfg_attr(test, ts(skip))]
    Unknown,
}

/// The role a `join` may ask for (the owner's role is given, never asked for).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AskedRole {
    Presenter,
    Participant,
    Viewer,
}

impl From<AskedRole> for Role {
    fn from(role: AskedRole) -> Self {
        match role {
            AskedRole::Presenter => Role::Presenter,
            AskedRole::Participant => Role::Participant,
            AskedRole::Viewer => Role::Viewer,
        }
    }
}

/// The role the owner or an admin gives a member with `setRole`.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssignedRole {
    Presenter,
    Participant,
}

impl From<AssignedRole> for Role {
    fn from(role: AssignedRole) -> Self {
        match role {
            AssignedRole::Presenter => Role::Presenter,
            AssignedRole::Participant => Role::Participant,
        }
    }
}

/// What `recording` asks of the room's recording.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordingAction {
    Start,
    Stop,
}

/// Messages the server sends.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ServerMessage {
    /// The join was accepted.
    #[serde(rename_all = "camelCase")]
    Joined {
        participant_id: String,
        room: String,
        /// The room's display name (a guest cannot read the room itself).
        room_name: String,
        role: Role,
        ice_servers: Vec<IceServer>,
        /// The sizes of the composite this room offers, largest first.
        renditions: Vec<Rendition>,
    },
    /// The server's answer to an offer.
    Answer { sdp: String },
    /// A trickled ICE candidate from the server.
    Ice {
        candidate: String,
        #[serde(rename = "sdpMLineIndex")]
        sdp_m_line_index: u32,
    },
    /// Who is in the room (viewers only counted); sent on every change.
    Roster {
        participants: Vec<RosterEntry>,
        viewers: usize,
    },
    /// The composite this member receives is now this rendition.
    Rendition {
        rendition: String,
        width: i32,
        height: i32,
        pinned: bool,
    },
    /// Recording of the room started or stopped (everyone is told).
    #[serde(rename_all = "camelCase")]
    Recording {
        state: RecordingState,
        recording_id: String,
    },
    /// The room's broadcasts: HLS on or off, and the RTMP push's state (`off`,
    /// `connecting`, `live`, `retrying`); sent to everyone on every change.
    Broadcast { hls: bool, rtmp: RtmpState },
    /// Who is speaking now, at most a few times a second.
    #[serde(rename_all = "camelCase")]
    Speaking { participant_ids: Vec<String> },
    /// The room's layout and who is shown as its active speaker, on every change.
    #[serde(rename_all = "camelCase")]
    Layout {
        layout: Layout,
        speaker_id: Option<String>,
    },
    /// A request was refused.
    Error { code: ErrorCode, message: String },
}

/// As in the browser's `RTCIceServer`.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IceServer {
    pub urls: Vec<String>,
}

impl ServerMessage {
    /// Shorthand for an `error` message.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerMessage::Error {
            code,
            message: message.into(),
        }
    }

    /// The message that tells a socket member of a room event; `None` for events the
    /// socket acts on instead of sending (`Close`, `CandidatesDone`).
    pub fn from_event(event: RoomEvent) -> Option<Self> {
        Some(match event {
            RoomEvent::Joined {
                participant,
                room,
                room_name,
                role,
                ice_urls,
                renditions,
            } => ServerMessage::Joined {
                participant_id: participant.to_string(),
                room,
                room_name,
                role,
                ice_servers: ice_urls
                    .into_iter()
                    .map(|url| IceServer { urls: vec![url] })
                    .collect(),
                renditions,
            },
            RoomEvent::Answer { sdp } => ServerMessage::Answer { sdp },
            RoomEvent::Candidate { m_line, candidate } => ServerMessage::Ice {
                candidate,
                sdp_m_line_index: m_line,
            },
            RoomEvent::Roster {
                participants,
                viewers,
            } => ServerMessage::Roster {
                participants,
                viewers,
            },
            RoomEvent::Rendition {
                name,
                width,
                height,
                pinned,
            } => ServerMessage::Rendition {
                rendition: name,
                width,
                height,
                pinned,
            },
            RoomEvent::Recording {
                state,
                recording_id,
            } => ServerMessage::Recording {
                state,
                recording_id,
            },
            RoomEvent::Broadcast { hls, rtmp } => ServerMessage::Broadcast { hls, rtmp },
            RoomEvent::Speaking { participants } => ServerMessage::Speaking {
                participant_ids: participants.iter().map(Uuid::to_string).collect(),
            },
            RoomEvent::Layout { layout, speaker } => ServerMessage::Layout {
                layout,
                speaker_id: speaker.map(|id| id.to_string()),
            },
            RoomEvent::Refused(Refusal { code, message }) => ServerMessage::Error { code, message },
            RoomEvent::Close | RoomEvent::CandidatesDone => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn joined_uses_camel_case_fields() {
        let m = ServerMessage::Joined {
            participant_id: "p".into(),
            room: "r".into(),
            room_name: "Standup".into(),
            role: Role::Participant,
            ice_servers: vec![],
            renditions: vec![Rendition {
                name: "low".into(),
                width: 320,
                height: 180,
                bitrate_kbps: 150,
            }],
        };
        assert_eq!(
            serde_json::to_value(&m).expect("serialises"),
            json!({"type":"joined","participantId":"p","room":"r","roomName":"Standup","role":"participant","iceServers":[],
                   "renditions":[{"name":"low","width":320,"height":180}]})
        );
    }

    #[test]
    fn error_codes_are_snake_case() {
        let m = ServerMessage::error(ErrorCode::RoomFull, "full");
        assert_eq!(
            serde_json::to_value(&m).expect("serialises"),
            json!({"type":"error","code":"room_full","message":"full"})
        );
    }

    #[test]
    fn ice_keeps_the_browser_field_name() {
        let m: ClientMessage =
            serde_json::from_value(json!({"type":"ice","candidate":"c","sdpMLineIndex":1}))
                .expect("parses");
        assert_eq!(
            m,
            ClientMessage::Ice {
                candidate: "c".into(),
                sdp_m_line_index: 1
            }
        );
    }
}
