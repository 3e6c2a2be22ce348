//! Builds and runs the HTTP server with the room manager behind it.

use std::io::BufReader;
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use anyhow::{Context, Result};

use crate::config::Settings;
use crate::db::Db;
use crate::http::app_state::AppState;
use crate::rooms::RoomManager;

/// Room tasks and their blocking GStreamer calls run here, apart from actix's per-thread
/// workers; idle blocking threads leave quickly so a closed room gives back its threads.
fn media_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("rooms")
        .thread_keep_alive(Duration::from_secs(1))
        .enable_all()
        .build()
        .context("cannot start the rooms runtime")
}

/// Runs the server until SIGINT/SIGTERM.
pub fn run(settings: Settings) -> Result<()> {
    crate::media::init()?;
    let runtime = media_runtime()?;
    let db = Db::open(&settings.database_url).context("cannot open the database")?;
    let recorder = crate::recording::Recorder {
        db: db.clone(),
        dir: settings.recordings_dir.clone(),
    };
    let layouts = crate::media::layouts::Layouts::load(settings.media.layouts_dir.as_deref())
        .context("cannot load the layouts")?;
    let layouts = std::sync::Arc::new(layouts);
    let rooms = RoomManager::new(
        settings.media.clone(),
        layouts.clone(),
        recorder.clone(),
        runtime.handle().clone(),
    );
    std::fs::create_dir_all(&settings.recordings_dir).with_context(|| {
        format!(
            "cannot create recordings folder {}",
            settings.recordings_dir.display()
        )
    })?;
    // Recordings a crash left unfinished are remuxed before anyone can join.
    match runtime.block_on(recorder.recover_all()) {
        Ok(0) => {}
        Ok(n) => tracing::info!("{n} unfinished recording(s) found at start"),
        Err(err) => tracing::error!(%err, "cannot look for unfinished recordings"),
    }
    let state = AppState::new(settings, db, rooms.clone())?;
    let result = actix_web::rt::System::new().block_on(serve(state, rooms.clone()));
    // Normally done at the signal already; this covers the server failing on its own.
    runtime.block_on(rooms.close_all());
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

/// SIGTERM or SIGINT.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(err) => {
                tracing::warn!(%err, "cannot watch SIGTERM; only SIGINT stops the server");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn serve(state: AppState, rooms: RoomManager) -> Result<()> {
    let settings = state.settings.clone();
    let web_dir = settings.http.web_dir.clone();
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(|cfg| crate::http::configure(cfg, &web_dir))
    })
    .disable_signals()
    .shutdown_timeout(2);
    let bind = settings.http.bind;
    let server = match (&settings.http.tls_cert, &settings.http.tls_key) {
        (Some(cert), Some(key)) => server
            .bind_rustls_0_23(bind, tls_config(cert, key)?)
            .with_context(|| format!("cannot listen on {bind}"))?,
        _ => server
            .bind(bind)
            .with_context(|| format!("cannot listen on {bind}"))?,
    };
    let scheme = if settings.http.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!("listening on {scheme}://{bind}");
    let server = server.run();
    let handle = server.handle();
    // A stop closes the rooms first: new joins are refused, recordings are finished, and
    // members' sockets close, so that the HTTP server has no open connection to wait for.
    actix_web::rt::spawn(async move {
        stop_signal().await;
        tracing::info!("stopping: closing rooms and finishing recordings");
        rooms.close_all().await;
        handle.stop(true).await;
    });
    server.await.context("server failed")
}

fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig> {
    let certs = rustls_pemfile::certs(&mut BufReader::new(
        std::fs::File::open(cert).with_context(|| format!("cannot open {}", cert.display()))?,
    ))
    .collect::<Result<Vec<_>, _>>()
    .context("invalid certificate PEM")?;
    let key = rustls_pemfile::private_key(&mut BufReader::new(
        std::fs::File::open(key).with_context(|| format!("cannot open {}", key.display()))?,
    ))
    .context("invalid key PEM")?
    .context("no private key in the key file")?;
    rustls::ServerConfig::builder_with_provider(rustls::crypto::ring::default_provider().into())
        .with_safe_default_protocol_versions()
        .context("TLS protocol setup")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("certificate and key do not match")
}
