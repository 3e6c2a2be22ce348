//! `/api/auth/*` and `/api/me`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::Deserialize;

use super::api_error::ApiError;
use super::extract::Authenticated;
use crate::auth::{AccountRole, AuthError, UserView};
use crate::http::app_state::AppState;

/// `{username, password}`; deliberately not `Debug`, so it can never be logged.
#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

/// `POST /api/auth/register` → 201 and the account.
pub async fn register(
    state: web::Data<AppState>,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let Credentials { username, password } = body.into_inner();
    let user = state
        .accounts
        .register(&username, SecretString::from(password), AccountRole::Member)
        .await?;
    tracing::info!(user = %user.id, username = %user.username, "account registered");
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// `POST /api/auth/login` → `{token, user, expiresAt}`; throttled per address and per
/// account-and-address.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let Credentials { username, password } = body.into_inner();
    let addr = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let name = username.trim().to_ascii_lowercase();
    if let Some(wait) = state.login_throttle.check(&name, addr, Instant::now()) {
        return Err(ApiError::RateLimited {
            retry_after_secs: wait.as_secs().max(1) + u64::from(wait.subsec_nanos() > 0),
        });
    }
    match state
        .accounts
        .login(&name, SecretString::from(password))
        .await
    {
        Ok(result) => {
            state.login_throttle.succeeded(&name, addr);
            Ok(HttpResponse::Ok().json(result))
        }
        Err(AuthError::InvalidCredentials) => {
            state.login_throttle.failed(&name, addr, Instant::now());
            tracing::info!(%addr, "failed sign-in");
            Err(AuthError::InvalidCredentials.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /api/auth/logout` → 204; the token stops working.
pub async fn logout(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<HttpResponse, ApiError> {
    state.accounts.logout(&user.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/me` → the signed-in account.
pub async fn me(user: Authenticated) -> HttpResponse {
    HttpResponse::Ok().json(UserView::from(&user.0.user))
}
