//! `GET /api/rooms/{id}/hls/{file}`: a live room's HLS playlist and segments, for players
//! and CDNs, by a signed query (which covers the room, so one link opens the playlist and
//! every segment) or an `Authorization` header. Only `playlist.m3u8` and names of the
//! segment pattern are ever opened, so no request reaches outside the room's folder.

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::bearer;
use crate::broadcast::hls::{PLAYLIST, is_segment_name, sign_segments};
use crate::domain::names as validate;
use crate::http::app_state::AppState;
use crate::recording::links::LinkPurpose;

/// Players reload a live playlist about every target duration (2 s): caches may keep it for
/// one second at most.
const PLAYLIST_CACHE: &str = "public, max-age=1";
/// A segment never changes (names are unique per HLS session).
const SEGMENT_CACHE: &str = "public, max-age=3600, immutable";

#[derive(Debug, Deserialize)]
pub struct SignedQuery {
    // Text, not numbers: a mangled value is a bad signature (403), not a malformed request.
    expires: Option<String>,
    sig: Option<String>,
}

pub async fn file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<SignedQuery>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, name) = path.into_inner();
    let not_found = || ApiError::NotFound("no such HLS file".into());
    let id = validate::room_id(&raw_id).map_err(|_| not_found())?;
    let playlist = name == PLAYLIST;
    if !playlist && !is_segment_name(&name) {
        return Err(not_found());
    }
    let signed_query = authorise(&req, &state, &id, &query).await?;
    // Both parts were checked above; the file name is one of the strict patterns.
    let file = state.settings.media.hls_dir.join(&id).join(&name);
    if playlist {
        let text = web::block(move || std::fs::read_to_string(file))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(|_| ApiError::NotFound("HLS is not running in this room".into()))?;
        // Segments carry the query the playlist was opened with (so a CDN sees stable
        // segment URLs), or a fresh one when a header opened it.
        let query = signed_query.unwrap_or_else(|| {
            let now = crate::db::now_ms() / 1000;
            let (expires, sig) = state.links.sign_for(LinkPurpose::Hls, &id, now);
            format!("expires={expires}&sig={sig}")
        });
        return Ok(HttpResponse::Ok()
            .content_type("application/vnd.apple.mpegurl")
            .insert_header((header::CACHE_CONTROL, PLAYLIST_CACHE))
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .body(sign_segments(&text, &query)));
    }
    let segment = NamedFile::open_async(&file)
        .await
        .map_err(|_| not_found())?;
    let mime = "video/mp2t"
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("video/mp2t is a valid media type")))?;
    let mut response = segment
        .set_content_type(mime)
        .disable_content_disposition()
        .into_response(&req);
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(SEGMENT_CACHE),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

/// Checks the signed query, or else the bearer token; returns the query when it was used.
async fn authorise(
    req: &HttpRequest,
    state: &AppState,
    id: &str,
    query: &SignedQuery,
) -> Result<Option<String>, ApiError> {
    if let (Some(expires), Some(sig)) = (&query.expires, &query.sig) {
        let now = crate::db::now_ms() / 1000;
        let expires = expires
            .parse::<i64>()
            .ok()
            .filter(|e| state.links.verify_for(LinkPurpose::Hls, id, *e, sig, now))
            .ok_or_else(|| {
                ApiError::Forbidden("this link is invalid or has expired; ask for a new one".into())
            })?;
        // Both verified: the signature is 64 hex digits, so echoing it is safe.
        return Ok(Some(format!("expires={expires}&sig={sig}")));
    }
    let token = bearer(req)
        .ok_or_else(|| ApiError::Unauthorized("sign in, or use a signed link".into()))?;
    let user = state.accounts.authenticate(&token).await?;
    state.directory.get(&user.caller(), id).await?;
    Ok(None)
}
