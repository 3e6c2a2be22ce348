//! `GET /api/layouts`: the layouts rooms can use (built in and the operator's).

use actix_web::{HttpResponse, web};

use super::api_error::ApiError;
use super::extract::Authenticated;
use crate::domain::layout::Layout;
use crate::http::app_state::AppState;

/// `GET /api/layouts` (any signed-in user).
pub async fn list(state: web::Data<AppState>, _user: Authenticated) -> HttpResponse {
    let items = state.rooms.layouts().list();
    HttpResponse::Ok().json(serde_json::json!({"items": items, "next": null}))
}

/// Refuses a layout the server does not have, naming those it has.
pub(super) fn check_known(state: &AppState, layout: Option<&Layout>) -> Result<(), ApiError> {
    let layouts = state.rooms.layouts();
    match layout {
        Some(layout) if !layouts.contains(layout) => {
            let names: Vec<String> = layouts.list().into_iter().map(|l| l.name).collect();
            Err(ApiError::BadRequest(format!(
                "there is no layout {layout}; the server has {}",
                names.join(", ")
            )))
        }
        _ => Ok(()),
    }
}
