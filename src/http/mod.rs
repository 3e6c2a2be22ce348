//! HTTP routes: the JSON API, health, the signalling socket and the web app.

pub mod api_error;
pub mod app_state;
pub mod auth;
pub mod broadcasts;
pub mod errors;
pub mod extract;
pub mod health;
pub mod hls_files;
pub mod json;
pub mod layouts;
pub mod media_sessions;
pub mod paging;
pub mod recordings;
pub mod rooms;
pub mod sdp_exchange;
mod sdp_offer;
mod socket;
pub mod static_files;
pub mod stream_keys;
pub mod users;
pub mod whep;
pub mod whip;

use actix_web::{guard, web};

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &std::path::Path) {
    cfg.app_data(json::config())
        .app_data(json::path_config())
        .app_data(json::query_config())
        .route("/healthz", web::get().to(health::healthz))
        .route("/ws", web::get().to(socket::upgrade))
        .service(
            web::scope("/api")
                .route("/auth/register", web::post().to(auth::register))
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/logout", web::post().to(auth::logout))
                .route("/me", web::get().to(auth::me))
                .route("/users", web::get().to(users::list))
                .route("/users/{id}", web::patch().to(users::update))
                .route("/layouts", web::get().to(layouts::list))
                .route("/rooms", web::get().to(rooms::list))
                .route("/rooms", web::post().to(rooms::create))
                .route("/rooms/{id}", web::get().to(rooms::get))
                .route("/rooms/{id}", web::patch().to(rooms::update))
                .route("/rooms/{id}", web::delete().to(rooms::delete))
                .route("/rooms/{id}/invites", web::get().to(rooms::list_invites))
                .route("/rooms/{id}/invites", web::post().to(rooms::create_invite))
                .route(
                    "/rooms/{id}/invites/{invite}",
                    web::delete().to(rooms::revoke_invite),
                )
                .route(
                    "/rooms/{id}/participants/{participant}",
                    web::patch().to(rooms::set_participant_role),
                )
                .route("/rooms/{id}/recording", web::post().to(recordings::start))
                .route("/rooms/{id}/recording", web::delete().to(recordings::stop))
                .route("/rooms/{id}/hls", web::post().to(broadcasts::hls_start))
                .route("/rooms/{id}/hls", web::get().to(broadcasts::hls_status))
                .route("/rooms/{id}/hls", web::delete().to(broadcasts::hls_stop))
                .route("/rooms/{id}/hls/link", web::post().to(broadcasts::hls_link))
                .route("/rooms/{id}/hls/{file}", web::get().to(hls_files::file))
                .route("/rooms/{id}/rtmp", web::post().to(broadcasts::rtmp_start))
                .route("/rooms/{id}/rtmp", web::get().to(broadcasts::rtmp_status))
                .route("/rooms/{id}/rtmp", web::delete().to(broadcasts::rtmp_stop))
                .route(
                    "/rooms/{id}/stream-key",
                    web::route()
                        .guard(
                            guard::Any(guard::Get())
                                .or(guard::Post())
                                .or(guard::Delete()),
                        )
                        .to(stream_keys::handle),
                )
                // WHIP and WHEP share one exchange (see `sdp_exchange`).
                .route(
                    "/rooms/{id}/{exchange:wh[ie]p}",
                    web::post().to(sdp_exchange::create),
                )
                .route(
                    "/rooms/{id}/{exchange:wh[ie]p}/{session}",
                    web::delete().to(sdp_exchange::close),
                )
                .route(
                    "/rooms/{id}/{exchange:wh[ie]p}/{session}",
                    web::patch().to(sdp_exchange::patch),
                )
                .route("/recordings", web::get().to(recordings::list))
                .route("/recordings/{id}", web::get().to(recordings::get))
                .route("/recordings/{id}", web::delete().to(recordings::delete))
                .route("/recordings/{id}/link", web::post().to(recordings::link))
                .route("/recordings/{id}/file", web::get().to(recordings::file))
                .default_service(web::to(errors::api_not_found)),
        );
    static_files::configure(cfg, web_dir);
}
