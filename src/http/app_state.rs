//! What every HTTP handler and socket shares: accounts, stored rooms, live rooms and limits.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::Accounts;
use crate::auth::password::Passwords;
use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Db;
use crate::directory::Directory;
use crate::rooms::RoomManager;

/// Shared by every actix worker (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    pub directory: Directory,
    pub rooms: RoomManager,
    pub login_throttle: LoginThrottle,
    /// Signs the short-lived links to recordings' files.
    pub links: crate::recording::links::LinkSigner,
    /// Live WHEP viewers' sessions.
    pub whep: super::media_sessions::MediaSessions,
    /// Live WHIP publishers' sessions.
    pub whip: super::media_sessions::MediaSessions,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(settings: Settings, db: Db, rooms: RoomManager) -> anyhow::Result<Self> {
        let a = &settings.auth;
        let accounts = Accounts {
            db: db.clone(),
            passwords: Passwords::new(a)?,
            session_ttl: Duration::from_secs(a.session_ttl_secs),
        };
        let login_throttle = LoginThrottle::new(
            a.login_failures_per_address,
            a.login_failures_per_account,
            Duration::from_secs(a.login_window_secs),
        );
        let directory = Directory {
            db,
            max_participants: settings.media.max_participants,
        };
        Ok(Self {
            accounts,
            directory,
            rooms,
            login_throttle,
            links: crate::recording::links::LinkSigner::new(settings.http.signed_link_secs),
            whep: Default::default(),
            whip: Default::default(),
            settings: Arc::new(settings),
        })
    }
}
