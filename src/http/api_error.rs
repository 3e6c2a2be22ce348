//! The HTTP layer's error: each variant is a status and an error code; causes are logged,
//! never sent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use super::errors::json_error;
use crate::auth::AuthError;
use crate::db::DbError;
use crate::directory::RoomsError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("the session has expired; sign in again")]
    Expired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// The body is not in the media type the endpoint takes.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Well-formed, but asks for something the server cannot do (e.g. no codec in common).
    #[error("{0}")]
    Unsupported(String),
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The server could not do it now, for a reason the client may read (e.g. the
    /// recordings folder cannot be written).
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Expired => "expired",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Unsupported(_) => "unsupported",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::Expired => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unsupported(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let mut response = json_error(self.status_code(), self.code(), &self.to_string());
        if let ApiError::RateLimited { retry_after_secs } = self
            && let Ok(value) =
                actix_web::http::header::HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response
                .headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidInput(m) => ApiError::BadRequest(m),
            AuthError::UsernameTaken => ApiError::Conflict(e.to_string()),
            AuthError::InvalidCredentials | AuthError::Unauthorized => {
                ApiError::Unauthorized(e.to_string())
            }
            AuthError::Expired => ApiError::Expired,
            AuthError::Disabled => ApiError::Forbidden(e.to_string()),
            AuthError::NoSuchUser => ApiError::NotFound(e.to_string()),
            AuthError::LastAdmin => ApiError::Conflict(e.to_string()),
            AuthError::Db(db) => db.into(),
            AuthError::Hash(h) => ApiError::Internal(h.into()),
        }
    }
}

impl From<RoomsError> for ApiError {
    fn from(e: RoomsError) -> Self {
        match e {
            RoomsError::Invalid(m) => ApiError::BadRequest(m),
            RoomsError::NotFound => ApiError::NotFound(e.to_string()),
            RoomsError::Forbidden => ApiError::Forbidden(e.to_string()),
            RoomsError::Db(db) => db.into(),
        }
    }
}
