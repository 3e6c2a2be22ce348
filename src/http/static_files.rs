//! The built web app, with client-side routes falling back to `index.html`.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::StatusCode;
use actix_web::web;

use super::errors::json_error;

pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &Path) {
    if !web_dir.join("index.html").is_file() {
        tracing::warn!(dir = %web_dir.display(), "web app not built; run the README's run command");
        cfg.default_service(web::to(|| async {
            json_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "the web app is not built (npm run build in web/)",
            )
        }));
        return;
    }
    let index: PathBuf = web_dir.join("index.html");
    cfg.service(
        Files::new("/", web_dir)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let file = NamedFile::open_async(&index).await?;
                    let res = file.into_response(&req);
                    Ok(ServiceResponse::new(req, res))
                }
            })),
    );
}
