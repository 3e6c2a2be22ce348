//! The JSON error body every HTTP error uses: `{"error": code, "message": text}`.

use actix_web::{HttpResponse, http::StatusCode};
use serde::Serialize;

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

/// A response with the contract's error body.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: code,
        message,
    })
}

/// Any `/api` path that no route matches.
pub async fn api_not_found() -> HttpResponse {
    json_error(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}
