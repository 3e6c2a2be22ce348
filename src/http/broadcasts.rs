//! Broadcast control on a live room: HLS start, stop, status and signed playlist links, and
//! the RTMP push. The playlist and segments themselves are served by `hls_files`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::Authenticated;
use crate::broadcast::{BroadcastCommand, BroadcastError, HlsView, RtmpTarget, RtmpView};
use crate::db::models::Room;
use crate::domain::names as validate;
use crate::http::app_state::AppState;
use crate::recording::links::LinkPurpose;
use crate::rooms::RoomHandle;

fn broadcast_error(e: BroadcastError) -> ApiError {
    match e {
        BroadcastError::NotLive
        | BroadcastError::HlsRunning
        | BroadcastError::HlsNotRunning
        | BroadcastError::RtmpRunning
        | BroadcastError::RtmpNotRunning
        | BroadcastError::Closed => ApiError::Conflict(e.to_string()),
        // The room carries on; the reason is in the server's log too.
        BroadcastError::Failed(_) => ApiError::Unavailable(e.to_string()),
    }
}

/// The stored room, if `user` may control its broadcasts (the owner or an admin).
async fn managed(state: &AppState, user: &Authenticated, raw: &str) -> Result<Room, ApiError> {
    let id = validate::room_id(raw).map_err(|_| ApiError::NotFound("no such room".into()))?;
    Ok(state.directory.managed(&user.0.caller(), &id).await?)
}

/// The stored room, if `user` may see (and so join and watch) it.
async fn visible(state: &AppState, user: &Authenticated, raw: &str) -> Result<Room, ApiError> {
    let id = validate::room_id(raw).map_err(|_| ApiError::NotFound("no such room".into()))?;
    Ok(state.directory.get(&user.0.caller(), &id).await?)
}

fn live(state: &AppState, room: &Room) -> Result<RoomHandle, ApiError> {
    state
        .rooms
        .get(&room.id)
        .ok_or_else(|| ApiError::Conflict(BroadcastError::NotLive.to_string()))
}

/// The reply channel of one broadcast command.
type Reply<T> = tokio::sync::oneshot::Sender<Result<T, BroadcastError>>;

/// Asks the room for one broadcast's state; a room that is not live (or closes as it is
/// asked) has it `off`.
async fn status<T>(
    state: &AppState,
    room: &Room,
    ask: impl FnOnce(Reply<T>) -> BroadcastCommand,
    off: T,
) -> Result<T, ApiError> {
    let Some(handle) = state.rooms.get(&room.id) else {
        return Ok(off);
    };
    match handle.broadcast(ask).await {
        Err(BroadcastError::Closed) => Ok(off),
        other => other.map_err(broadcast_error),
    }
}

/// Stops one broadcast of the room; a room that is not live is `not_running`.
async fn stop(
    state: &AppState,
    room: &Room,
    stop: impl FnOnce(Reply<()>) -> BroadcastCommand,
    not_running: BroadcastError,
) -> Result<HttpResponse, ApiError> {
    let handle = state
        .rooms
        .get(&room.id)
        .ok_or_else(|| broadcast_error(not_running))?;
    handle.broadcast(stop).await.map_err(broadcast_error)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn hls_view(state: &AppState, room: &Room) -> Result<HlsView, ApiError> {
    let off = HlsView {
        active: false,
        started_at: None,
    };
    status(
        state,
        room,
        |reply| BroadcastCommand::HlsStatus { reply },
        off,
    )
    .await
}

/// `{url, expiresAt}`: the playlist of room `id` with a signed query that players and CDNs
/// can use without a header.
fn playlist_link(state: &AppState, id: &str) -> serde_json::Value {
    let now = crate::db::now_ms() / 1000;
    let (expires, sig) = state.links.sign_for(LinkPurpose::Hls, id, now);
    serde_json::json!({
        "url": format!("/api/rooms/{id}/hls/playlist.m3u8?expires={expires}&sig={sig}"),
        "expiresAt": crate::domain::time::rfc3339(expires * 1000),
    })
}

/// `POST /api/rooms/{id}/hls` (owner or admin; the room must be live) → 201.
pub async fn hls_start(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = managed(&state, &user, &path).await?;
    let view = live(&state, &room)?
        .broadcast(|reply| BroadcastCommand::StartHls { reply })
        .await
        .map_err(broadcast_error)?;
    tracing::info!(room = %room.id, by = %user.0.user.id, "HLS start requested");
    Ok(HttpResponse::Created().json(serde_json::json!({
        "active": view.active,
        "startedAt": view.started_at,
        "playlist": playlist_link(&state, &room.id),
    })))
}

/// `GET /api/rooms/{id}/hls` (anyone who may see the room).
pub async fn hls_status(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = visible(&state, &user, &path).await?;
    Ok(HttpResponse::Ok().json(hls_view(&state, &room).await?))
}

/// `POST /api/rooms/{id}/hls/link` (anyone who may see the room) → a fresh signed link.
pub async fn hls_link(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = visible(&state, &user, &path).await?;
    if !hls_view(&state, &room).await?.active {
        return Err(broadcast_error(BroadcastError::HlsNotRunning));
    }
    Ok(HttpResponse::Ok().json(playlist_link(&state, &room.id)))
}

/// `DELETE /api/rooms/{id}/hls` (owner or admin) → 204.
pub async fn hls_stop(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = managed(&state, &user, &path).await?;
    let stop_hls = |reply| BroadcastCommand::StopHls { reply };
    stop(&state, &room, stop_hls, BroadcastError::HlsNotRunning).await
}

#[derive(Debug, Deserialize)]
pub struct RtmpRequest {
    url: String,
}

/// `POST /api/rooms/{id}/rtmp` with `{url}` (owner or admin; the room must be live) → 201.
pub async fn rtmp_start(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
    body: web::Json<RtmpRequest>,
) -> Result<HttpResponse, ApiError> {
    let room = managed(&state, &user, &path).await?;
    let target = RtmpTarget::parse(&body.url).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let redacted = target.redacted().to_owned();
    let view = live(&state, &room)?
        .broadcast(|reply| BroadcastCommand::StartRtmp { target, reply })
        .await
        .map_err(broadcast_error)?;
    tracing::info!(room = %room.id, by = %user.0.user.id, target = %redacted, "RTMP push requested");
    Ok(HttpResponse::Created().json(view))
}

/// `GET /api/rooms/{id}/rtmp` (owner or admin).
pub async fn rtmp_status(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = managed(&state, &user, &path).await?;
    let ask = |reply| BroadcastCommand::RtmpStatus { reply };
    let view = status(&state, &room, ask, RtmpView::off()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `DELETE /api/rooms/{id}/rtmp` (owner or admin) → 204.
pub async fn rtmp_stop(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = managed(&state, &user, &path).await?;
    let stop_rtmp = |reply| BroadcastCommand::StopRtmp { reply };
    stop(&state, &room, stop_rtmp, BroadcastError::RtmpNotRunning).await
}
