//! WHEP: a receive-only viewer of a room over plain HTTP (one offer, one answer, no socket).
//!
//! `POST /api/rooms/{id}/whep` takes the player's `application/sdp` offer with a session or
//! invite token as `Authorization: Bearer`, joins the room as a viewer and answers `201
//! Created` with the SDP answer, every server candidate already in it (the server does not
//! take trickled candidates), and the session's URL in `Location`. `DELETE` on that URL ends
//! the session; a player that just goes away is removed by the room's liveness check.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::sync::mpsc;

use super::api_error::ApiError;
use super::extract::bearer;
use super::whep_sessions::WhepSession;
use crate::app_state::AppState;
use crate::auth::admission::{AdmitError, admit};
use crate::media::sdp;
use crate::rooms::{Outbound, RoomCommand, RoomError};
use crate::signalling::protocol::{ErrorCode, ServerMessage};
use crate::signalling::router::Role;
use crate::signalling::validate;

/// Largest offer taken (a browser's offer is a few KiB).
const MAX_OFFER_BYTES: usize = 64 * 1024;
/// How long the answer may take to come back from the room.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for candidate gathering after the answer; what has been gathered by then
/// goes into the answer.
const GATHERING_TIMEOUT: Duration = Duration::from_secs(3);
/// The display name WHEP viewers have in the room.
const VIEWER_NAME: &str = "WHEP viewer";
/// Room messages queued for one WHEP viewer (roster updates, nobody reads them).
const OUTBOUND_QUEUE: usize = 64;

/// `POST /api/rooms/{id}/whep` → 201 with the SDP answer.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_sdp(&req)?;
    if body.len() > MAX_OFFER_BYTES {
        return Err(ApiError::TooLarge(format!(
            "an offer may be at most {MAX_OFFER_BYTES} bytes"
        )));
    }
    let room = validate::room_id(&path).map_err(|_| ApiError::NotFound("no such room".into()))?;
    let token = bearer(&req).ok_or_else(|| {
        ApiError::Unauthorized("send a session or invite token as Authorization: Bearer".into())
    })?;
    let offer = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("the offer is not UTF-8 text".into()))?
        .to_owned();
    // Refuse what is not SDP before anyone joins the room.
    sdp::parse(&offer).map_err(|e| ApiError::BadRequest(e.to_string()))?;

    let admission = admit(
        &state.accounts,
        &state.directory,
        Some(&token),
        VIEWER_NAME,
        &room,
        Role::Viewer,
    )
    .await
    .map_err(admit_error)?;
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    let mut request = admission.into_request(room.clone(), VIEWER_NAME.to_owned());
    // Every WHEP session is a viewer of its own, even when many share one invite.
    request.identity = format!("whep:{session_id}");
    let (outbound_tx, mut outbound) = mpsc::channel(OUTBOUND_QUEUE);
    let (handle, participant) = state
        .rooms
        .enter(request, outbound_tx)
        .await
        .map_err(room_error)?;
    handle
        .send(RoomCommand::Offer {
            participant,
            sdp: offer,
        })
        .await;
    let answer = match answer_with_candidates(&mut outbound).await {
        Ok(answer) => answer,
        Err(e) => {
            handle.send(RoomCommand::Leave { participant }).await;
            return Err(e);
        }
    };

    state.whep.insert(
        session_id.clone(),
        WhepSession {
            room: handle,
            participant,
        },
    );
    // Keep reading what the room sends (it closes members whose queue is full) until the
    // room drops the viewer, then forget the session.
    let sessions = state.whep.clone();
    let id = session_id.clone();
    tokio::spawn(async move {
        while let Some(out) = outbound.recv().await {
            if out == Outbound::Close {
                break;
            }
        }
        sessions.forget(&id);
    });
    tracing::info!(room = %room, participant = %participant, "WHEP viewer joined");
    Ok(HttpResponse::Created()
        .content_type("application/sdp")
        .insert_header((
            header::LOCATION,
            format!("/api/rooms/{room}/whep/{session_id}"),
        ))
        .body(answer))
}

/// `DELETE /api/rooms/{id}/whep/{session}` → 200; the viewer leaves the room.
pub async fn delete(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (room, session_id) = path.into_inner();
    let session = state
        .whep
        .take(&session_id, &room)
        .ok_or_else(|| ApiError::NotFound("no such WHEP session".into()))?;
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

fn require_sdp(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/sdp") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(
            "send the offer as Content-Type: application/sdp".into(),
        ))
    }
}

/// Reads the room's answer, then the candidates it gathers, and writes them into the answer.
async fn answer_with_candidates(
    outbound: &mut mpsc::Receiver<Outbound>,
) -> Result<String, ApiError> {
    let mut answer = None;
    let mut candidates = Vec::new();
    let mut deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
    loop {
        let next = tokio::time::timeout_at(deadline, outbound.recv()).await;
        let out = match next {
            Ok(Some(out)) => out,
            Ok(None) | Err(_) if answer.is_some() => break,
            Ok(None) => return Err(ApiError::Unavailable("the room closed".into())),
            Err(_) => {
                return Err(ApiError::Unavailable(
                    "the room did not answer in time; try again".into(),
                ));
            }
        };
        match out {
            Outbound::Message(ServerMessage::Answer { sdp }) => {
                answer = Some(sdp);
                deadline = tokio::time::Instant::now() + GATHERING_TIMEOUT;
            }
            Outbound::Message(ServerMessage::Ice {
                candidate,
                sdp_m_line_index,
            }) => candidates.push((sdp_m_line_index, candidate)),
            Outbound::Message(ServerMessage::Error { code, message }) => {
                return Err(offer_error(code, message));
            }
            Outbound::CandidatesDone if answer.is_some() => break,
            Outbound::Close => return Err(ApiError::Unavailable("the room closed".into())),
            _ => {}
        }
    }
    let answer = answer.ok_or_else(|| ApiError::Unavailable("no answer".into()))?;
    sdp::with_candidates(&answer, &candidates)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing the answer's candidates: {e}")))
}

/// The room's refusal of an offer, as an HTTP error.
fn offer_error(code: ErrorCode, message: String) -> ApiError {
    match code {
        ErrorCode::Unsupported => ApiError::Unsupported(message),
        ErrorCode::BadRequest => ApiError::BadRequest(message),
        _ => ApiError::Unavailable(message),
    }
}

fn admit_error(e: AdmitError) -> ApiError {
    match e {
        AdmitError::Unauthorized(m) => ApiError::Unauthorized(m),
        AdmitError::Expired => ApiError::Expired,
        AdmitError::Forbidden(m) => ApiError::Forbidden(m),
        AdmitError::NotFound => ApiError::NotFound("no such room".into()),
        AdmitError::Db(err) => ApiError::Internal(err.into()),
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
