//! Request bodies: JSON only, at most 16 KiB, and every refusal in the contract's error body.

use actix_web::error::{InternalError, JsonPayloadError};
use actix_web::http::StatusCode;
use actix_web::web;

use super::errors::json_error;

/// Largest accepted JSON body.
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// The JSON extractor's limits and error replies (413 for too large, 400 otherwise).
pub fn config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .error_handler(|err, _req| {
            let response = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => json_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    &format!("the body exceeds {MAX_JSON_BYTES} bytes"),
                ),
                JsonPayloadError::ContentType => json_error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "bad_request",
                    "send the body as application/json",
                ),
                other => json_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    &format!("invalid JSON body: {other}"),
                ),
            };
            InternalError::from_response(err, response).into()
        })
}

/// Path and query extractors: 400 with the error body instead of actix's plain text.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let response = json_error(StatusCode::BAD_REQUEST, "bad_request", &err.to_string());
        InternalError::from_response(err, response).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let response = json_error(StatusCode::BAD_REQUEST, "bad_request", &err.to_string());
        InternalError::from_response(err, response).into()
    })
}
