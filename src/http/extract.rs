//! `Authenticated`: the signed-in account behind `Authorization: Bearer …`, or a 401.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::api_error::ApiError;
use crate::auth::CurrentUser;
use crate::http::app_state::AppState;

/// A request from a signed-in, enabled account.
pub struct Authenticated(pub CurrentUser);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("application state is not configured"))
            })?;
            let token = token.ok_or_else(|| {
                ApiError::Unauthorized("sign in first (Authorization: Bearer TOKEN)".into())
            })?;
            let user = state.accounts.authenticate(&token).await?;
            Ok(Authenticated(user))
        })
    }
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// An admin, or 403.
pub fn require_admin(user: &CurrentUser) -> Result<(), ApiError> {
    if user.is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only admins may do that".into()))
    }
}
