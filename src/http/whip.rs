//! WHIP (RFC 9725): an encoder (OBS, ffmpeg, GStreamer, a browser) publishes into a room as a
//! presenter over plain HTTP. It gets a tile and is heard by everyone; it receives nothing.
//!
//! `POST /api/rooms/{id}/whip` takes the publisher's `application/sdp` offer with, as
//! `Authorization: Bearer`, a session token of someone who may present in the room (its owner
//! or an admin) or the room's stream key, and answers `201 Created` with the SDP answer (every
//! server candidate in it) and the session's URL in `Location`. `DELETE` on that URL ends the
//! session; a publisher that stops sending is removed by the room's liveness check.
//!
//! The exchange itself is shared with WHEP (`sdp_exchange`); this is who may publish.

use super::api_error::ApiError;
use super::sdp_offer::{Offer, admit_error};
use crate::auth::publisher::admit_publisher;
use crate::domain::join::JoinRequest;
use crate::http::app_state::AppState;

/// Admits the offer's token as a publisher into the offer's room.
pub(super) async fn admit(state: &AppState, offer: &Offer) -> Result<JoinRequest, ApiError> {
    let publisher = admit_publisher(&state.accounts, &state.directory, &offer.token, &offer.room)
        .await
        .map_err(admit_error)?;
    let mut request = publisher
        .admission
        .into_request(offer.room.clone(), publisher.name);
    request.publisher = true;
    Ok(request)
}
