//! `/api/rooms`: stored rooms, their invites, and roles of people in a live room.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::Authenticated;
use super::paging::{Page, PageQuery};
use crate::directory::{RoomSettings, RoomView};
use crate::domain::layout::Layout;
use crate::domain::names as validate;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::domain::role::Role;
use crate::http::app_state::AppState;
use crate::rooms::{RoomCommand, RoomError};

/// Room ids in paths are checked like the socket's before any lookup.
pub(super) fn room_id(raw: &str) -> Result<String, ApiError> {
    validate::room_id(raw).map_err(|_| ApiError::NotFound("no such room".into()))
}

/// `POST /api/rooms` → 201 and the room.
pub async fn create(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<RoomSettings>,
) -> Result<HttpResponse, ApiError> {
    super::layouts::check_known(&state, body.layout.as_ref())?;
    let room = state
        .directory
        .create(&user.0.caller(), body.into_inner())
        .await?;
    tracing::info!(room = %room.id, owner = %room.owner_id, "room created");
    Ok(HttpResponse::Created().json(RoomView::from(&room)))
}

/// `GET /api/rooms`: listed rooms and my own (all, for admins).
pub async fn list(
    state: web::Data<AppState>,
    user: Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit();
    let rows = state
        .directory
        .list(&user.0.caller(), query.cursor.clone(), limit)
        .await?;
    let items: Vec<RoomView> = rows.iter().map(RoomView::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, limit, |r| &r.id)))
}

/// `GET /api/rooms/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = state
        .directory
        .get(&user.0.caller(), &room_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(RoomView::from(&room)))
}

/// `PATCH /api/rooms/{id}` (owner or admin).
pub async fn update(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
    body: web::Json<RoomSettings>,
) -> Result<HttpResponse, ApiError> {
    super::layouts::check_known(&state, body.layout.as_ref())?;
    let room = state
        .directory
        .update(&user.0.caller(), &room_id(&path)?, body.into_inner())
        .await?;
    // A live room lays out again at once.
    if let Some(handle) = state.rooms.get(&room.id) {
        let layout = Layout::from_stored(&room.layout);
        handle.send(RoomCommand::SetLayout { layout }).await;
    }
    Ok(HttpResponse::Ok().json(RoomView::from(&room)))
}

/// `DELETE /api/rooms/{id}` (owner or admin): a live room is closed, its members told why.
pub async fn delete(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = room_id(&path)?;
    state.directory.delete(&user.0.caller(), &id).await?;
    let notice = Refusal::new(ErrorCode::NotFound, "the room was deleted by its owner");
    state.rooms.close(&id, notice).await;
    tracing::info!(room = %id, by = %user.0.user.id, "room deleted");
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    role: String,
}

/// `POST /api/rooms/{id}/invites` with `{role}` → 201 with the token (shown only here).
pub async fn create_invite(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let invite = state
        .directory
        .invite(&user.0.caller(), &room_id(&path)?, &body.role)
        .await?;
    Ok(HttpResponse::Created().json(invite))
}

/// `GET /api/rooms/{id}/invites` (owner or admin; without tokens).
pub async fn list_invites(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let items = state
        .directory
        .invites(&user.0.caller(), &room_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next": null })))
}

/// `DELETE /api/rooms/{id}/invites/{invite}`: the link stops working.
pub async fn revoke_invite(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (room, invite) = path.into_inner();
    state
        .directory
        .revoke_invite(&user.0.caller(), &room_id(&room)?, &invite)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    role: String,
}

/// `PATCH /api/rooms/{id}/participants/{participantId}` with `{role}` (owner or admin): makes
/// someone in the live room a presenter, or a participant again.
pub async fn set_participant_role(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<(String, String)>,
    body: web::Json<RoleChange>,
) -> Result<HttpResponse, ApiError> {
    let (room, participant) = path.into_inner();
    let room = state
        .directory
        .managed(&user.0.caller(), &room_id(&room)?)
        .await?;
    let role = match body.role.as_str() {
        "presenter" => Role::Presenter,
        "participant" => Role::Participant,
        _ => {
            return Err(ApiError::BadRequest(
                "role is presenter or participant".into(),
            ));
        }
    };
    let participant: uuid::Uuid = participant
        .parse()
        .map_err(|_| ApiError::NotFound("no such participant".into()))?;
    let handle = state
        .rooms
        .get(&room.id)
        .ok_or_else(|| ApiError::NotFound("nobody is in this room now".into()))?;
    let entry = handle
        .set_role(participant, role)
        .await
        .map_err(|e| match e {
            RoomError::NoSuchParticipant => ApiError::NotFound(e.to_string()),
            RoomError::RoleFixed => ApiError::BadRequest(e.to_string()),
            other => ApiError::Internal(other.into()),
        })?;
    Ok(HttpResponse::Ok().json(entry))
}
