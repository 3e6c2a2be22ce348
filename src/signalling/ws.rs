//! One task per socket: frames in, room commands out, room messages back.

use crate::domain::layout::Layout;
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, AggregatedMessageStream, MessageStream, Session};
use tokio::sync::mpsc;
use uuid::Uuid;

use secrecy::ExposeSecret;

use super::protocol::{ErrorCode, ServerMessage};
use super::rate::RateLimiter;
use super::router::{self, Action, JoinAsk, RouteError};
use crate::auth::Accounts;
use crate::auth::admission::{AdmitError, admit};
use crate::directory::Directory;
use crate::domain::role::Role;
use crate::media::sdp;
use crate::rooms::{Asker, RoomCommand, RoomError, RoomEvent, RoomHandle, RoomManager};

/// Frames above this are a protocol violation and end the socket; frames between the
/// contract's 64 KiB and this get a `too_large` error and the socket stays open.
const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// Messages a room may queue for a socket before the socket counts as too slow.
const OUTBOUND_QUEUE: usize = 512;
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// What a socket session needs of the server: who may join which room, and the live rooms.
#[derive(Clone)]
pub struct SocketContext {
    pub accounts: Accounts,
    pub directory: Directory,
    pub rooms: RoomManager,
    /// The per-socket message rate and burst (`[auth]` settings).
    pub messages_per_sec: u32,
    pub message_burst: u32,
}

/// Runs the session of one upgraded socket until either side goes. The caller (the `/ws`
/// route) has already checked the page's origin.
pub async fn serve(session: Session, stream: MessageStream, context: SocketContext) {
    let stream = stream
        .max_frame_size(MAX_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_FRAME_BYTES);
    let (this, outbound_rx) = SocketSession::new(session, context);
    run_session(this, outbound_rx, stream).await;
}

struct SocketSession {
    session: Session,
    context: SocketContext,
    joined: Option<(RoomHandle, Uuid)>,
    /// Whether this member may name presenters (the room's owner or an admin).
    manager: bool,
    /// The signed-in account behind this socket (none for guests).
    account: Option<String>,
    outbound_tx: mpsc::Sender<RoomEvent>,
    rate: RateLimiter,
}

impl SocketSession {
    fn new(session: Session, context: SocketContext) -> (Self, mpsc::Receiver<RoomEvent>) {
        let (outbound_tx, outbound_rx) = mpsc::channel(OUTBOUND_QUEUE);
        let rate = RateLimiter::new(
            context.messages_per_sec,
            context.message_burst,
            Instant::now(),
        );
        (
            Self {
                session,
                context,
                joined: None,
                manager: false,
                account: None,
                outbound_tx,
                rate,
            },
            outbound_rx,
        )
    }
}

/// The socket loop: client frames, room messages and the heartbeat, until either side goes.
async fn run_session(
    mut this: SocketSession,
    mut outbound_rx: mpsc::Receiver<RoomEvent>,
    mut stream: AggregatedMessageStream,
) {
    {
        let mut heartbeat = tokio::time::interval(HEARTBEAT_INTERVAL);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                frame = stream.recv() => {
                    last_heard = Instant::now();
                    match frame {
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            if !this.on_text(&text).await { break; }
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            let e = RouteError::bad_request("binary frames are not accepted; send JSON text");
                            if !this.send(&e.to_message()).await { break; }
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            if this.session.pong(&bytes).await.is_err() { break; }
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Close(_))) | None => break,
                        Some(Err(err)) => {
                            tracing::debug!(%err, "socket protocol error");
                            let msg = ServerMessage::error(ErrorCode::TooLarge, format!("frame refused: {err}"));
                            let _ = this.send(&msg).await;
                            break;
                        }
                    }
                }
                event = outbound_rx.recv() => match event {
                    // The room already removed us; do not tell it we left.
                    Some(RoomEvent::Close) => { this.joined = None; break; }
                    Some(event) => {
                        if let Some(msg) = ServerMessage::from_event(event)
                            && !this.send(&msg).await
                        {
                            break;
                        }
                    }
                    None => break,
                },
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > CLIENT_TIMEOUT {
                        tracing::info!("socket silent for {CLIENT_TIMEOUT:?}; closing");
                        break;
                    }
                    if this.session.ping(b"").await.is_err() { break; }
                }
            }
        }
        this.leave().await;
        let _ = this.session.close(None).await;
    }
}

impl SocketSession {
    /// Handles one text frame; false when the socket is gone.
    async fn on_text(&mut self, text: &str) -> bool {
        if !self.rate.allow(Instant::now()) {
            let e = RouteError::new(
                ErrorCode::RateLimited,
                "too many messages; this one was dropped",
            );
            return self.send(&e.to_message()).await;
        }
        let action = router::decode(text).and_then(|m| router::route(self.joined.is_some(), m));
        let action = match action {
            Ok(a) => a,
            Err(e) => return self.send(&e.to_message()).await,
        };
        match action {
            Action::Join(request) => {
                if let Err(e) = self.join(request).await {
                    return self.send(&e.to_message()).await;
                }
            }
            Action::Offer(text) => match sdp::parse(&text) {
                Ok(offer) => {
                    self.to_room(|participant| RoomCommand::Offer {
                        participant,
                        offer,
                        reply: None,
                    })
                    .await
                }
                Err(e) => {
                    return self
                        .send(&RouteError::bad_request(e.to_string()).to_message())
                        .await;
                }
            },
            Action::Ice { candidate, m_line } => {
                self.to_room(|participant| RoomCommand::Ice {
                    participant,
                    m_line,
                    candidate,
                })
                .await
            }
            Action::Leave => self.leave().await,
            Action::Recording { start } => {
                if let Err(e) = self.control_recording(start).await {
                    return self.send(&e.to_message()).await;
                }
            }
            Action::Rendition { name } => {
                self.to_room(|participant| RoomCommand::PinRendition { participant, name })
                    .await
            }
            Action::Media { audio, video } => {
                self.to_room(|participant| RoomCommand::MediaState {
                    participant,
                    audio,
                    video,
                })
                .await
            }
            Action::Layout { layout } => {
                if let Err(e) = self.change_layout(layout).await {
                    return self.send(&e.to_message()).await;
                }
            }
            Action::SetRole { participant, role } => {
                if let Err(e) = self.set_role(participant, role).await {
                    return self.send(&e.to_message()).await;
                }
            }
        }
        true
    }

    async fn join(&mut self, ask: JoinAsk) -> Result<(), RouteError> {
        let token = ask.token.as_ref().map(|t| t.expose_secret());
        let admission = admit(
            &self.context.accounts,
            &self.context.directory,
            token,
            &ask.name,
            &ask.room,
            ask.role,
        )
        .await
        .map_err(|e| match e {
            AdmitError::Unauthorized(m) => RouteError::new(ErrorCode::Unauthorized, m),
            AdmitError::Expired => RouteError::new(ErrorCode::Expired, e.to_string()),
            AdmitError::Forbidden(m) => RouteError::new(ErrorCode::Forbidden, m),
            AdmitError::NotFound => RouteError::new(ErrorCode::NotFound, "no such room"),
            AdmitError::Db(err) => {
                tracing::error!(%err, "join: database error");
                RouteError::new(ErrorCode::Internal, "the server could not check the join")
            }
        })?;
        let manager = admission.manager;
        let account = admission.account.clone();
        let request = admission.into_request(ask.room, ask.name);
        match self
            .context
            .rooms
            .enter(request, self.outbound_tx.clone())
            .await
        {
            Ok(joined) => {
                self.joined = Some(joined);
                self.manager = manager;
                self.account = account;
                Ok(())
            }
            Err(RoomError::Closed) => Err(RouteError::new(
                ErrorCode::Overloaded,
                "the server is stopping or the room is restarting; try again shortly",
            )),
            Err(e) => Err(room_error(e)),
        }
    }

    /// Starts or stops the room's recording (presenters, the owner and admins).
    async fn control_recording(&mut self, start: bool) -> Result<(), RouteError> {
        let Some((handle, id)) = &self.joined else {
            return Err(RouteError::bad_request("join a room first"));
        };
        let asker = if self.manager {
            Asker::Manager
        } else {
            Asker::Member(*id)
        };
        let result = if start {
            handle.start_recording(self.account.clone(), asker).await
        } else {
            handle.stop_recording(asker).await
        };
        result.map(|_| ()).map_err(room_error)
    }

    async fn change_layout(&mut self, layout: Layout) -> Result<(), RouteError> {
        let Some((handle, id)) = &self.joined else {
            return Err(RouteError::bad_request("join a room first"));
        };
        let layouts = self.context.rooms.layouts();
        if !layouts.contains(&layout) {
            let names: Vec<String> = layouts.list().into_iter().map(|l| l.name).collect();
            return Err(RouteError::bad_request(format!(
                "there is no layout {layout}; the server has {}",
                names.join(", ")
            )));
        }
        let asker = if self.manager {
            Asker::Manager
        } else {
            Asker::Member(*id)
        };
        handle
            .change_layout(layout, asker)
            .await
            .map_err(room_error)
    }

    async fn set_role(&mut self, participant: Uuid, role: Role) -> Result<(), RouteError> {
        if !self.manager {
            return Err(RouteError::new(
                ErrorCode::Forbidden,
                "only the room's owner or an admin may name presenters",
            ));
        }
        let Some((handle, _)) = &self.joined else {
            return Err(RouteError::bad_request("join a room first"));
        };
        handle
            .set_role(participant, role)
            .await
            .map(|_| ())
            .map_err(room_error)
    }

    async fn to_room(&self, command: impl FnOnce(Uuid) -> RoomCommand) {
        if let Some((handle, id)) = &self.joined {
            handle.send(command(*id)).await;
        }
    }

    async fn leave(&mut self) {
        if let Some((handle, participant)) = self.joined.take() {
            handle.send(RoomCommand::Leave { participant }).await;
        }
    }

    async fn send(&mut self, msg: &ServerMessage) -> bool {
        let text = match serde_json::to_string(msg) {
            Ok(t) => t,
            Err(err) => {
                tracing::error!(%err, "cannot serialise a server message");
                return true;
            }
        };
        self.session.text(text).await.is_ok()
    }
}

/// A room's refusal as a socket error.
pub fn room_error(e: RoomError) -> RouteError {
    let code = match e {
        RoomError::Full(_) | RoomError::ViewersFull(_) => ErrorCode::RoomFull,
        RoomError::NoSuchParticipant => ErrorCode::NotFound,
        RoomError::RoleFixed => ErrorCode::BadRequest,
        RoomError::Closed => ErrorCode::Overloaded,
        RoomError::MediaFailed | RoomError::RecordingFailed(_) => ErrorCode::Internal,
        RoomError::AlreadyRecording | RoomError::NotRecording => ErrorCode::Conflict,
        RoomError::NotAllowed => ErrorCode::Forbidden,
    };
    RouteError::new(code, e.to_string())
}
