//! `/api/rooms/{id}/stream-key`: the room's WHIP stream key (owner or admin).
//!
//! `POST` → 201 `{key, createdAt}` (the room's previous key stops working); `GET` →
//! `{exists, createdAt}`, never the key; `DELETE` → 204, no key works any more.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};

use super::api_error::ApiError;
use super::extract::Authenticated;
use super::rooms::room_id;
use crate::http::app_state::AppState;

/// One handler for the three methods: each is one call on the room directory.
pub async fn handle(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let room = room_id(&path)?;
    let rooms = &state.directory;
    match *req.method() {
        Method::POST => {
            Ok(HttpResponse::Created().json(rooms.new_stream_key(&user.0.caller(), &room).await?))
        }
        Method::DELETE => {
            rooms.revoke_stream_key(&user.0.caller(), &room).await?;
            Ok(HttpResponse::NoContent().finish())
        }
        _ => Ok(HttpResponse::Ok().json(rooms.stream_key(&user.0.caller(), &room).await?)),
    }
}
