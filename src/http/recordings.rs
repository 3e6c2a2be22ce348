//! Recording control on a live room, and the recordings admins and room owners list, play,
//! download and delete.

use actix_files::NamedFile;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::{Authenticated, bearer};
use super::paging::{Page, PageQuery};
use crate::auth::CurrentUser;
use crate::db::models::Recording;
use crate::db::recordings::{self, Filter};
use crate::domain::names as validate;
use crate::http::app_state::AppState;
use crate::recording::RecordingView;
use crate::rooms::{Asker, RoomError};

fn room_error(e: RoomError) -> ApiError {
    match e {
        RoomError::AlreadyRecording | RoomError::NotRecording => ApiError::Conflict(e.to_string()),
        RoomError::NotAllowed => ApiError::Forbidden(e.to_string()),
        // The room carries on; the recording's row says why it failed.
        RoomError::RecordingFailed(_) => ApiError::Unavailable(e.to_string()),
        other => ApiError::Internal(other.into()),
    }
}

/// `POST /api/rooms/{id}/recording` (owner or admin; the room must be live) → 201.
pub async fn start(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = validate::room_id(&path).map_err(|_| ApiError::NotFound("no such room".into()))?;
    let room = state.directory.managed(&user.0.caller(), &id).await?;
    let handle = state
        .rooms
        .get(&room.id)
        .ok_or_else(|| ApiError::Conflict("nobody is in the room; join it first".into()))?;
    let view = handle
        .start_recording(Some(user.0.user.id.clone()), Asker::Manager)
        .await
        .map_err(room_error)?;
    Ok(HttpResponse::Created().json(view))
}

/// `DELETE /api/rooms/{id}/recording` (owner or admin) → the recording, now finalising.
pub async fn stop(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = validate::room_id(&path).map_err(|_| ApiError::NotFound("no such room".into()))?;
    let room = state.directory.managed(&user.0.caller(), &id).await?;
    let handle = state
        .rooms
        .get(&room.id)
        .ok_or_else(|| ApiError::Conflict("the room is not being recorded".into()))?;
    let view = handle
        .stop_recording(Asker::Manager)
        .await
        .map_err(room_error)?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    room: Option<String>,
    /// RFC 3339 bounds on the start time.
    from: Option<String>,
    to: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

fn parse_time(field: &str, value: &Option<String>) -> Result<Option<i64>, ApiError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| ApiError::BadRequest(format!("{field} must be an RFC 3339 time")))?;
    Ok(Some(
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
    ))
}

/// `GET /api/recordings`: admins see all; others the recordings of rooms they own.
pub async fn list(
    state: web::Data<AppState>,
    user: Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = Filter {
        room_id: query.room.clone(),
        rooms_of_owner: (!user.0.is_admin()).then(|| user.0.user.id.clone()),
        from_ms: parse_time("from", &query.from)?,
        to_ms: parse_time("to", &query.to)?,
    };
    let limit = query.page.limit();
    let after = query.page.cursor.clone();
    let rows = state
        .accounts
        .db
        .run(move |c| recordings::page(c, &filter, after.as_deref(), limit))
        .await?;
    let items: Vec<RecordingView> = rows.iter().map(RecordingView::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, limit, |r| &r.id)))
}

/// The recording, if `user` is an admin or owns its room.
async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<Recording, ApiError> {
    let key = id.to_owned();
    let row = state
        .accounts
        .db
        .run(move |c| recordings::by_id(c, &key))
        .await?
        .ok_or_else(|| ApiError::NotFound("no such recording".into()))?;
    if user.is_admin() {
        return Ok(row);
    }
    let owner = state
        .directory
        .find(&row.room_id)
        .await?
        .map(|r| r.owner_id);
    if owner.as_deref() == Some(user.user.id.as_str()) {
        Ok(row)
    } else {
        Err(ApiError::Forbidden(
            "only admins and the room's owner may see its recordings".into(),
        ))
    }
}

/// `GET /api/recordings/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible(&state, &user.0, &path).await?;
    Ok(HttpResponse::Ok().json(RecordingView::from(&row)))
}

/// `POST /api/recordings/{id}/link` → `{url, expiresAt}`: a signed link to the file that works
/// without a header for a few minutes.
pub async fn link(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible(&state, &user.0, &path).await?;
    let now = crate::db::now_ms() / 1000;
    let (expires, sig) = state.links.sign(&row.id, now);
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "url": format!("/api/recordings/{}/file?expires={expires}&sig={sig}", row.id),
        "expiresAt": crate::domain::time::rfc3339(expires * 1000),
    })))
}

#[derive(Debug, Deserialize)]
pub struct FileQuery {
    expires: Option<i64>,
    sig: Option<String>,
}

/// `GET /api/recordings/{id}/file`: the MP4, with HTTP Range support; by bearer token or a
/// signed link.
pub async fn file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<FileQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let row = match (&query.expires, &query.sig) {
        (Some(expires), Some(sig)) => {
            let now = crate::db::now_ms() / 1000;
            if !state.links.verify(&id, *expires, sig, now) {
                return Err(ApiError::Forbidden(
                    "this link is invalid or has expired; ask for a new one".into(),
                ));
            }
            let key = id.clone();
            state
                .accounts
                .db
                .run(move |c| recordings::by_id(c, &key))
                .await?
                .ok_or_else(|| ApiError::NotFound("no such recording".into()))?
        }
        _ => {
            let token = bearer(&req)
                .ok_or_else(|| ApiError::Unauthorized("sign in, or use a signed link".into()))?;
            let user = state.accounts.authenticate(&token).await?;
            visible(&state, &user, &id).await?
        }
    };
    if !matches!(row.status.as_str(), "ready" | "recovered") {
        return Err(ApiError::Conflict(format!(
            "the recording is {}; its file is not ready",
            row.status
        )));
    }
    // The path comes from the recording's id, never from anything the client sent.
    let path = state.rooms.recorder().final_path(&row.id);
    let file = NamedFile::open_async(&path)
        .await
        .map_err(|_| ApiError::NotFound("the recording's file is missing".into()))?;
    let stamp = crate::domain::time::rfc3339(row.started_at).replace(':', "-");
    let name: String = format!("{}-{stamp}.mp4", row.room_name)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let file = file
        .set_content_type(
            "video/mp4".parse().map_err(|_| {
                ApiError::Internal(anyhow::anyhow!("video/mp4 is a valid media type"))
            })?,
        )
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        });
    Ok(file.into_response(&req))
}

/// `DELETE /api/recordings/{id}`: the file and the row.
pub async fn delete(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible(&state, &user.0, &path).await?;
    if matches!(row.status.as_str(), "recording" | "finalizing") {
        return Err(ApiError::Conflict(
            "the recording is still running; stop it first".into(),
        ));
    }
    let recorder = state.rooms.recorder();
    for p in [recorder.final_path(&row.id), recorder.live_path(&row.id)] {
        let _ = std::fs::remove_file(p);
    }
    let id = row.id.clone();
    state
        .accounts
        .db
        .run(move |c| recordings::delete(c, &id))
        .await?;
    tracing::info!(recording = %row.id, by = %user.0.user.id, "recording deleted");
    Ok(HttpResponse::NoContent().finish())
}
