//! WHEP: a receive-only viewer of a room over plain HTTP (one offer, one answer, no socket).
//!
//! `POST /api/rooms/{id}/whep` takes the player's `application/sdp` offer with a session or
//! invite token as `Authorization: Bearer`, joins the room as a viewer and answers `201
//! Created` with the SDP answer, every server candidate already in it (the server does not
//! take trickled candidates), and the session's URL in `Location`. `DELETE` on that URL ends
//! the session; a player that just goes away is removed by the room's liveness check.
//!
//! The exchange itself is shared with WHIP (`sdp_exchange`); this is who may watch.

use super::api_error::ApiError;
use super::sdp_offer::{Offer, admit_error};
use crate::auth::admission;
use crate::domain::join::JoinRequest;
use crate::domain::role::Role;
use crate::http::app_state::AppState;

/// The display name WHEP viewers have in the room.
const VIEWER_NAME: &str = "WHEP viewer";

/// Admits the offer's token as a viewer of the offer's room.
pub(super) async fn admit(state: &AppState, offer: &Offer) -> Result<JoinRequest, ApiError> {
    let admission = admission::admit(
        &state.accounts,
        &state.directory,
        Some(&offer.token),
        VIEWER_NAME,
        &offer.room,
        Role::Viewer,
    )
    .await
    .map_err(admit_error)?;
    Ok(admission.into_request(offer.room.clone(), VIEWER_NAME.to_owned()))
}
