//! `/api/users`: admins list accounts and change their role or disabled flag.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::{Authenticated, require_admin};
use super::paging::{Page, PageQuery};
use crate::auth::{AccountRole, UserView};
use crate::db::users;
use crate::http::app_state::AppState;

/// `GET /api/users` (admins).
pub async fn list(
    state: web::Data<AppState>,
    user: Authenticated,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user.0)?;
    let limit = query.limit();
    let after = query.cursor.clone();
    let rows = state
        .accounts
        .db
        .run(move |c| users::page(c, after.as_deref(), limit))
        .await?;
    let items: Vec<UserView> = rows.iter().map(UserView::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, limit, |u| &u.id)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    role: Option<AccountRole>,
    disabled: Option<bool>,
}

/// `PATCH /api/users/{id}` with `{role, disabled}` (admins).
pub async fn update(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<String>,
    body: web::Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user.0)?;
    let patch = body.into_inner();
    if patch.role.is_none() && patch.disabled.is_none() {
        return Err(ApiError::BadRequest("give role and/or disabled".into()));
    }
    let updated = state
        .accounts
        .update_user(&path, patch.role, patch.disabled)
        .await?;
    tracing::info!(by = %user.0.user.id, user = %updated.id, role = %updated.role, disabled = updated.disabled, "account changed");
    Ok(HttpResponse::Ok().json(UserView::from(&updated)))
}
