//! One task per socket: frames in, room commands out, room messages back.

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, Session};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::protocol::{ErrorCode, ServerMessage};
use super::router::{self, Action, JoinRequest, RouteError};
use crate::rooms::{Outbound, RoomCommand, RoomError, RoomHandle, RoomManager};

/// Frames above this are a protocol violation and end the socket; frames between the
/// contract's 64 KiB and this get a `too_large` error and the socket stays open.
const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// Messages a room may queue for a socket before the socket counts as too slow.
const OUTBOUND_QUEUE: usize = 512;
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);
/// A join that races with its room's closing retries on the room's successor.
const JOIN_ATTEMPTS: usize = 3;

/// `GET /ws`: upgrades and spawns the session loop.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    rooms: web::Data<RoomManager>,
) -> Result<HttpResponse, actix_web::Error> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream
        .max_frame_size(MAX_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_FRAME_BYTES);
    let rooms = rooms.get_ref().clone();
    actix_web::rt::spawn(async move {
        let (this, outbound_rx) = SocketSession::new(session, rooms);
        run_session(this, outbound_rx, stream).await;
    });
    Ok(response)
}

struct SocketSession {
    session: Session,
    rooms: RoomManager,
    joined: Option<(RoomHandle, Uuid)>,
    outbound_tx: mpsc::Sender<Outbound>,
}

impl SocketSession {
    fn new(session: Session, rooms: RoomManager) -> (Self, mpsc::Receiver<Outbound>) {
        let (outbound_tx, outbound_rx) = mpsc::channel(OUTBOUND_QUEUE);
        (
            Self {
                session,
                rooms,
                joined: None,
                outbound_tx,
            },
            outbound_rx,
        )
    }
}

/// The socket loop: client frames, room messages and the heartbeat, until either side goes.
async fn run_session(
    mut this: SocketSession,
    mut outbound_rx: mpsc::Receiver<Outbound>,
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
                out = outbound_rx.recv() => match out {
                    Some(Outbound::Message(msg)) => {
                        if !this.send(&msg).await { break; }
                    }
                    // The room already removed us; do not tell it we left.
                    Some(Outbound::Close) => { this.joined = None; break; }
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
            Action::Offer(sdp) => {
                self.to_room(|participant| RoomCommand::Offer { participant, sdp })
                    .await
            }
            Action::Ice { candidate, m_line } => {
                self.to_room(|participant| RoomCommand::Ice {
                    participant,
                    m_line,
                    candidate,
                })
                .await
            }
            Action::Leave => self.leave().await,
        }
        true
    }

    async fn join(&mut self, request: JoinRequest) -> Result<(), RouteError> {
        for _ in 0..JOIN_ATTEMPTS {
            let handle = self.rooms.get_or_create(&request.room);
            match handle.join(request.clone(), self.outbound_tx.clone()).await {
                Ok(id) => {
                    self.joined = Some((handle, id));
                    return Ok(());
                }
                Err(RoomError::Closed) => continue,
                Err(e @ RoomError::Full(_)) => {
                    return Err(RouteError::new(ErrorCode::RoomFull, e.to_string()));
                }
                Err(e @ RoomError::MediaFailed) => {
                    return Err(RouteError::new(ErrorCode::Internal, e.to_string()));
                }
            }
        }
        Err(RouteError::new(
            ErrorCode::Overloaded,
            "the room is restarting; try again",
        ))
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
