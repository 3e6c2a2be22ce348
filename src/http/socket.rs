//! `GET /ws`: the signalling socket's door. The page's origin is checked here, over HTTP, so
//! a refused page gets a JSON 403; an accepted socket is handed to `signalling`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::errors::json_error;
use crate::http::app_state::AppState;
use crate::signalling::origin;
use crate::signalling::ws::{self, SocketContext};

/// Checks the page's origin, upgrades, and runs the socket's session on its own task.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, actix_web::Error> {
    let page = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let host = req.connection_info().host().to_owned();
    if !origin::allowed(page, &host, &state.settings.auth.allowed_origins) {
        tracing::info!(
            origin = page.unwrap_or(""),
            "socket refused: origin not allowed"
        );
        return Ok(json_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this page's origin may not open the signalling socket",
        ));
    }
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let context = SocketContext {
        accounts: state.accounts.clone(),
        directory: state.directory.clone(),
        rooms: state.rooms.clone(),
        messages_per_sec: state.settings.auth.socket_messages_per_sec,
        message_burst: state.settings.auth.socket_message_burst,
    };
    actix_web::rt::spawn(ws::serve(session, stream, context));
    Ok(response)
}
