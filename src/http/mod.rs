//! HTTP routes: health, the signalling socket and the web app.

pub mod errors;
pub mod health;
pub mod static_files;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &std::path::Path) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/ws", web::get().to(crate::signalling::ws::upgrade))
        .service(web::scope("/api").default_service(web::to(errors::api_not_found)));
    static_files::configure(cfg, web_dir);
}
