//! `GET /healthz`: the process is up and serving.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::app_state::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "rooms": state.rooms.live_rooms()}))
}
