//! Why a request was refused, in words every layer shares: the room refuses an offer with
//! one, the socket sends it as an `error` message, HTTP maps its code to a status.

use serde::Serialize;

/// The kind of a refusal; on the socket, the `code` of an `error` message.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Expired,
    Forbidden,
    NotFound,
    RoomFull,
    Conflict,
    TooLarge,
    RateLimited,
    Unsupported,
    Overloaded,
    Internal,
}

/// A refusal with words for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

impl Refusal {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
