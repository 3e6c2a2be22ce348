//! The message interface of a room task.

use crate::domain::layout::Layout;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::events::{RoomEvent, RosterEntry};
use crate::domain::join::JoinRequest;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;

/// Why a room refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("the room is closing")]
    Closed,
    #[error("the room is full ({0} participants)")]
    Full(usize),
    #[error("the room has as many viewers as it takes ({0})")]
    ViewersFull(usize),
    #[error("the room's media could not start")]
    MediaFailed,
    #[error("no such participant in this room")]
    NoSuchParticipant,
    #[error("the owner's and viewers' roles cannot be changed")]
    RoleFixed,
    #[error("the room is already being recorded")]
    AlreadyRecording,
    #[error("the room is not being recorded")]
    NotRecording,
    #[error("the recording could not start: {0}")]
    RecordingFailed(String),
    #[error("only presenters, the room's owner or an admin may do that")]
    NotAllowed,
}

/// Who asks for a presenter's action (recording): an API caller already checked as the
/// room's owner or an admin, or a member whose role in the room decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    Manager,
    Member(Uuid),
}

/// Commands a room task accepts.
#[derive(Debug)]
pub enum RoomCommand {
    Join {
        request: JoinRequest,
        outbound: mpsc::Sender<RoomEvent>,
        reply: oneshot::Sender<Result<Uuid, RoomError>>,
    },
    /// A member's offer, already parsed. With `reply`, the answer (or the refusal) comes
    /// back there (WHIP, WHEP); without, as the member's `Answer` or `Refused` event.
    Offer {
        participant: Uuid,
        offer: gst_sdp::SDPMessage,
        reply: Option<oneshot::Sender<Result<String, Refusal>>>,
    },
    Ice {
        participant: Uuid,
        m_line: u32,
        candidate: String,
    },
    Leave {
        participant: Uuid,
    },
    /// Make `participant` a presenter or a participant (checked by the sender: the owner or
    /// an admin asks).
    SetRole {
        participant: Uuid,
        role: Role,
        reply: oneshot::Sender<Result<RosterEntry, RoomError>>,
    },
    /// Start recording; `by` is the account that asked.
    StartRecording {
        by: Option<String>,
        asker: Asker,
        reply: oneshot::Sender<Result<crate::recording::RecordingView, RoomError>>,
    },
    /// Stop recording; the reply is the recording, now finalising.
    StopRecording {
        asker: Asker,
        reply: oneshot::Sender<Result<crate::recording::RecordingView, RoomError>>,
    },
    /// A member's own microphone and camera switches.
    MediaState {
        participant: Uuid,
        audio: bool,
        video: bool,
    },
    /// A member changes the live layout; refused unless it may present.
    ChangeLayout {
        layout: Layout,
        asker: Asker,
        reply: oneshot::Sender<Result<(), RoomError>>,
    },
    /// Pin `participant`'s composite to the rendition `name`, or (`None`) let its link decide.
    PinRendition {
        participant: Uuid,
        name: Option<String>,
    },
    /// The room's layout setting changed.
    SetLayout {
        layout: Layout,
    },
    /// HLS and RTMP control and status (see `crate::broadcast`).
    Broadcast(crate::broadcast::BroadcastCommand),
    /// The server is stopping, or the room was deleted: tell everyone `notice` (if any),
    /// remove them, stop the pipeline, then reply.
    Shutdown {
        notice: Option<Refusal>,
        done: oneshot::Sender<()>,
    },
}

/// A cheap, cloneable address of a live room.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    pub id: String,
    pub(crate) generation: u64,
    pub(crate) commands: mpsc::Sender<RoomCommand>,
}

impl RoomHandle {
    /// Asks to join; the room sends `Joined` and the roster through `outbound`.
    pub async fn join(
        &self,
        request: JoinRequest,
        outbound: mpsc::Sender<RoomEvent>,
    ) -> Result<Uuid, RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::Join {
                request,
                outbound,
                reply,
            })
            .await
            .map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)?
    }

    /// Hands the room a member's offer and waits for the answer.
    pub async fn offer(
        &self,
        participant: Uuid,
        offer: gst_sdp::SDPMessage,
    ) -> Result<String, Refusal> {
        use crate::domain::refusal::ErrorCode;
        let closed = || Refusal::new(ErrorCode::Overloaded, "the room closed");
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::Offer {
                participant,
                offer,
                reply: Some(reply),
            })
            .await
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    /// Changes a member's role; replies with its new roster entry.
    pub async fn set_role(&self, participant: Uuid, role: Role) -> Result<RosterEntry, RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::SetRole {
                participant,
                role,
                reply,
            })
            .await
            .map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)?
    }

    /// Starts recording (`by`: the account that asked).
    pub async fn start_recording(
        &self,
        by: Option<String>,
        asker: Asker,
    ) -> Result<crate::recording::RecordingView, RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::StartRecording { by, asker, reply })
            .await
            .map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)?
    }

    /// Changes the live room's layout (a presenter, the owner or an admin).
    pub async fn change_layout(&self, layout: Layout, asker: Asker) -> Result<(), RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::ChangeLayout {
                layout,
                asker,
                reply,
            })
            .await
            .map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)?
    }

    /// Stops recording.
    pub async fn stop_recording(
        &self,
        asker: Asker,
    ) -> Result<crate::recording::RecordingView, RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::StopRecording { asker, reply })
            .await
            .map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)?
    }

    /// Sends the broadcast command `make` builds around a reply channel, and waits for the
    /// reply; a room that has gone away is `Closed`.
    pub async fn broadcast<T>(
        &self,
        make: impl FnOnce(
            oneshot::Sender<Result<T, crate::broadcast::BroadcastError>>,
        ) -> crate::broadcast::BroadcastCommand,
    ) -> Result<T, crate::broadcast::BroadcastError> {
        use crate::broadcast::BroadcastError;
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(RoomCommand::Broadcast(make(reply)))
            .await
            .map_err(|_| BroadcastError::Closed)?;
        answer.await.map_err(|_| BroadcastError::Closed)?
    }

    /// Delivers a command; a room that has gone away drops it (its members are gone too).
    pub async fn send(&self, command: RoomCommand) {
        let _ = self.commands.send(command).await;
    }
}
