//! `GET /healthz`: the process is up and serving.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::rooms::RoomManager;

pub async fn healthz(rooms: web::Data<RoomManager>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "rooms": rooms.live_rooms()}))
}
