//! What WHIP and WHEP share: one `application/sdp` offer over HTTP, the room's answer with
//! every server candidate written into it (the server takes no trickled candidates), a
//! session resource to `DELETE`, and the mapping of refusals to HTTP errors.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::sync::mpsc;

use super::api_error::ApiError;
use super::media_sessions::{MediaSession, MediaSessions};
use super::sdp_offer::read_offer;
use crate::domain::join::JoinRequest;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::http::app_state::AppState;
use crate::media::sdp;
use crate::rooms::{RoomCommand, RoomError, RoomEvent};

/// How long the answer may take to come back from the room.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for candidate gathering after the answer; what has been gathered by then
/// goes into the answer.
const GATHERING_TIMEOUT: Duration = Duration::from_secs(3);
/// Room messages queued for one session (roster updates, nobody reads them).
const OUTBOUND_QUEUE: usize = 64;

/// Which protocol a session speaks: its path segment and its name in logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange {
    Whip,
    Whep,
}

impl Exchange {
    /// The exchange a route's `{exchange}` segment names (the route only matches these two).
    fn parse(segment: &str) -> Result<Self, ApiError> {
        match segment {
            "whip" => Ok(Exchange::Whip),
            "whep" => Ok(Exchange::Whep),
            _ => Err(ApiError::NotFound("no such endpoint".into())),
        }
    }

    fn segment(self) -> &'static str {
        match self {
            Exchange::Whip => "whip",
            Exchange::Whep => "whep",
        }
    }

    fn sessions(self, state: &AppState) -> &MediaSessions {
        match self {
            Exchange::Whip => &state.whip,
            Exchange::Whep => &state.whep,
        }
    }
}

/// `POST /api/rooms/{id}/whip` or `…/whep` → 201 with the SDP answer. Only who may enter
/// the room, and as what, differs between the two.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (room, exchange) = path.into_inner();
    let exchange = Exchange::parse(&exchange)?;
    let who = match exchange {
        Exchange::Whip => "the room's stream key or a session token",
        Exchange::Whep => "a session or invite token",
    };
    let offer = read_offer(&req, &room, &body, who)?;
    let request = match exchange {
        Exchange::Whip => super::whip::admit(&state, &offer).await?,
        Exchange::Whep => super::whep::admit(&state, &offer).await?,
    };
    open(&state, exchange, request, offer.sdp).await
}

/// Enters the room with `request` (whose identity becomes `{exchange}:{session}`), hands it
/// the offer and replies `201 Created` with the answer and the session's `Location`.
async fn open(
    state: &AppState,
    exchange: Exchange,
    mut request: JoinRequest,
    offer: gst_sdp::SDPMessage,
) -> Result<HttpResponse, ApiError> {
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    let room = request.room.clone();
    // Every session is a member of its own, even when many share one token.
    request.identity = format!("{}:{session_id}", exchange.segment());
    let (outbound_tx, mut outbound) = mpsc::channel(OUTBOUND_QUEUE);
    let (handle, participant) = state
        .rooms
        .enter(request, outbound_tx)
        .await
        .map_err(room_error)?;
    let answer = match answer_with_candidates(&handle, participant, offer, &mut outbound).await {
        Ok(answer) => answer,
        Err(e) => {
            handle.send(RoomCommand::Leave { participant }).await;
            return Err(e);
        }
    };

    let sessions = exchange.sessions(state).clone();
    sessions.insert(
        session_id.clone(),
        MediaSession {
            room: handle,
            participant,
        },
    );
    // Keep reading what the room sends (it closes members whose queue is full) until the
    // room drops the member, then forget the session.
    let id = session_id.clone();
    tokio::spawn(async move {
        while let Some(event) = outbound.recv().await {
            if event == RoomEvent::Close {
                break;
            }
        }
        sessions.forget(&id);
    });
    let segment = exchange.segment();
    tracing::info!(room = %room, participant = %participant, exchange = segment, "HTTP media session opened");
    Ok(HttpResponse::Created()
        .content_type("application/sdp")
        .insert_header((
            header::LOCATION,
            format!("/api/rooms/{room}/{segment}/{session_id}"),
        ))
        .body(answer))
}

/// `DELETE /api/rooms/{id}/{whip|whep}/{session}` → 200; its member leaves the room.
pub async fn close(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (room, exchange, session_id) = path.into_inner();
    let session = Exchange::parse(&exchange)?
        .sessions(&state)
        .take(&session_id, &room)
        .ok_or_else(|| ApiError::NotFound("no such session".into()))?;
    session
        .room
        .send(RoomCommand::Leave {
            participant: session.participant,
        })
        .await;
    Ok(HttpResponse::Ok().finish())
}

/// `PATCH` on a session: trickle ICE is not taken; every candidate is in the offer and the
/// answer.
pub async fn patch() -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "DELETE"))
        .json(serde_json::json!({
            "error": "method_not_allowed",
            "message": "this server does not take trickled ICE candidates; put them in the offer"
        })))
}

/// Asks the room to answer `offer` and writes the candidates it gathers into the answer.
/// The member's events are read all the while: a burst of joins sends it roster updates
/// before its offer's turn comes, and a queue left unread would fill and close it.
async fn answer_with_candidates(
    room: &crate::rooms::RoomHandle,
    participant: uuid::Uuid,
    offer: gst_sdp::SDPMessage,
    outbound: &mut mpsc::Receiver<RoomEvent>,
) -> Result<String, ApiError> {
    let mut candidates = Vec::new();
    let mut gathered = false;
    let reply = room.offer(participant, offer);
    tokio::pin!(reply);
    let answer_by = tokio::time::Instant::now() + ANSWER_TIMEOUT;
    let answer = loop {
        tokio::select! {
            answer = &mut reply => break answer.map_err(offer_error)?,
            event = outbound.recv() => {
                gathered |= take_candidate(event, &mut candidates)?;
            }
            () = tokio::time::sleep_until(answer_by) => {
                return Err(ApiError::Unavailable(
                    "the room did not answer in time; try again".into(),
                ));
            }
        }
    };
    // What gathering has found by the deadline goes into the answer.
    let gathered_by = tokio::time::Instant::now() + GATHERING_TIMEOUT;
    while !gathered {
        match tokio::time::timeout_at(gathered_by, outbound.recv()).await {
            Ok(event) => gathered = take_candidate(event, &mut candidates)?,
            Err(_) => break,
        }
    }
    sdp::with_candidates(&answer, &candidates)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing the answer's candidates: {e}")))
}

/// Keeps a candidate event; true once gathering is complete; an error when the room has
/// dropped the member.
fn take_candidate(
    event: Option<RoomEvent>,
    candidates: &mut Vec<(u32, String)>,
) -> Result<bool, ApiError> {
    match event {
        Some(RoomEvent::Candidate { m_line, candidate }) => {
            candidates.push((m_line, candidate));
            Ok(false)
        }
        Some(RoomEvent::CandidatesDone) => Ok(true),
        Some(RoomEvent::Close) | None => Err(ApiError::Unavailable("the room closed".into())),
        Some(_) => Ok(false),
    }
}

/// The room's refusal of an offer, as an HTTP error.
fn offer_error(refusal: Refusal) -> ApiError {
    match refusal.code {
        ErrorCode::Unsupported => ApiError::Unsupported(refusal.message),
        ErrorCode::BadRequest => ApiError::BadRequest(refusal.message),
        _ => ApiError::Unavailable(refusal.message),
    }
}

fn room_error(e: RoomError) -> ApiError {
    match e {
        RoomError::Full(_) | RoomError::ViewersFull(_) | RoomError::Closed => {
            ApiError::Unavailable(e.to_string())
        }
        other => ApiError::Internal(other.into()),
    }
}
