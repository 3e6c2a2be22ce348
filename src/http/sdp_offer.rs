//! An `application/sdp` offer over HTTP (WHIP and WHEP), read and checked before anything of
//! it reaches a room, and a refused admission as an HTTP error.

use actix_web::http::header;
use actix_web::{HttpRequest, web};

use super::api_error::ApiError;
use super::extract::bearer;
use crate::auth::admission::AdmitError;
use crate::domain::names as validate;
use crate::media::sdp;

/// Largest offer taken (a browser's or an encoder's offer is a few KiB).
const MAX_OFFER_BYTES: usize = 64 * 1024;

/// A well-formed offer to a room, before its token is checked.
pub struct Offer {
    pub room: String,
    /// Secret: never logged.
    pub token: String,
    /// Parsed here, once; the room answers this.
    pub sdp: gst_sdp::SDPMessage,
}

/// Checks the request's content type, size, room id, bearer token and SDP, in that order, so
/// that nothing that is not an SDP offer reaches the room. `who` says which tokens to send.
pub fn read_offer(
    req: &HttpRequest,
    room: &str,
    body: &web::Bytes,
    who: &str,
) -> Result<Offer, ApiError> {
    require_sdp(req)?;
    if body.len() > MAX_OFFER_BYTES {
        return Err(ApiError::TooLarge(format!(
            "an offer may be at most {MAX_OFFER_BYTES} bytes"
        )));
    }
    let room = validate::room_id(room).map_err(|_| ApiError::NotFound("no such room".into()))?;
    let token = bearer(req)
        .ok_or_else(|| ApiError::Unauthorized(format!("send {who} as Authorization: Bearer")))?;
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::BadRequest("the offer is not UTF-8 text".into()))?;
    let sdp = sdp::parse(text).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Offer { room, token, sdp })
}

fn require_sdp(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/sdp") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(
            "send the offer as Content-Type: application/sdp".into(),
        ))
    }
}

/// A refused admission, as an HTTP error.
pub fn admit_error(e: AdmitError) -> ApiError {
    match e {
        AdmitError::Unauthorized(m) => ApiError::Unauthorized(m),
        AdmitError::Expired => ApiError::Expired,
        AdmitError::Forbidden(m) => ApiError::Forbidden(m),
        AdmitError::NotFound => ApiError::NotFound("no such room".into()),
        AdmitError::Db(err) => ApiError::Internal(err.into()),
    }
}
