//! Storage: diesel over an SQLite file (the default) or PostgreSQL, chosen by the URL's scheme.
//!
//! Diesel is synchronous, so every query runs through [`Db::run`] on a blocking thread, never
//! on the async runtime's workers. Query functions are plain sync functions taking
//! `&mut DbConnection`.

pub mod invites;
pub mod models;
pub mod recordings;
pub mod rooms;
pub mod schema;
pub mod sessions;
pub mod stream_keys;
pub mod users;

use std::path::PathBuf;
use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Connections per pool. SQLite serialises writers anyway; PostgreSQL gets a few more.
const SQLITE_POOL_SIZE: u32 = 4;
const POSTGRES_POOL_SIZE: u32 = 8;
/// How long a query waits for a pooled connection before giving up.
const POOL_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection to either backend; the variant is picked from the URL, never by trial.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Why a database call failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the database folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database migrations failed: {0}")]
    Migration(String),
    #[error("database task failed: {0}")]
    Task(String),
}

impl DbError {
    /// True when an insert hit a UNIQUE constraint (e.g. a taken username).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Which backend a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

fn target(url: &str) -> Result<Target, DbError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(DbError::UnsupportedUrl);
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Target::Postgres(url.to_owned()))
    } else {
        Err(DbError::UnsupportedUrl)
    }
}

/// The r2d2 manager: opens the backend the URL names and prepares SQLite connections.
#[derive(Debug, Clone)]
struct Manager {
    target: Target,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.target {
            Target::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            Target::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: it makes this connection wait for a lock (the pool opens
                // several at once) instead of failing. WAL lets readers run beside the one
                // writer; SQLite enforces foreign keys only on request.
                for pragma in [
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA foreign_keys = ON",
                ] {
                    diesel::sql_query(pragma)
                        .execute(&mut conn)
                        .map_err(r2d2::Error::QueryError)?;
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// The shared connection pool.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
}

impl Db {
    /// Opens the database (creating an SQLite file and its folder on first run) and applies
    /// pending migrations.
    pub fn open(url: &str) -> Result<Self, DbError> {
        let target = target(url)?;
        let size = match &target {
            Target::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| DbError::Folder(dir.to_owned(), e))?;
                }
                SQLITE_POOL_SIZE
            }
            Target::Postgres(_) => POSTGRES_POOL_SIZE,
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(POOL_TIMEOUT)
            .build(Manager { target })?;
        let db = Self { pool };
        let mut conn = db.pool.get()?;
        run_migrations(&mut conn)?;
        Ok(db)
    }

    /// Runs `job` with a pooled connection on a blocking thread.
    pub async fn run<T, F>(&self, job: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        // Taking a connection from the pool may block too, so it happens on that thread.
        let task = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            job(&mut conn)
        });
        match task.await {
            Ok(result) => result,
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => Err(DbError::Task(e.to_string())),
            },
        }
    }

    /// Runs `job` on the calling thread (for the command line, outside any runtime).
    pub fn run_now<T>(
        &self,
        job: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.pool.get()?;
        job(&mut conn)
    }
}

fn run_migrations(conn: &mut DbConnection) -> Result<(), DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| DbError::Migration(e.to_string()))?;
    for version in applied {
        tracing::info!(%version, "applied database migration");
    }
    Ok(())
}

/// Milliseconds since the Unix epoch, as stored in every `*_at` column.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// A new time-ordered id (UUID v7), so ids sort by creation for paging.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations folder exists")
            .map(|e| {
                e.expect("readable entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let root = env!("CARGO_MANIFEST_DIR");
        let sqlite = names(&format!("{root}/migrations/sqlite"));
        let postgres = names(&format!("{root}/migrations/postgres"));
        assert!(!sqlite.is_empty(), "there are migrations");
        assert_eq!(sqlite, postgres, "the same steps for both backends");
        for name in &sqlite {
            for file in ["up.sql", "down.sql"] {
                for backend in ["sqlite", "postgres"] {
                    let path = format!("{root}/migrations/{backend}/{name}/{file}");
                    assert!(std::path::Path::new(&path).exists(), "{path} exists");
                }
            }
        }
    }

    #[test]
    fn the_url_scheme_picks_the_backend() {
        assert_eq!(
            target("sqlite://data/x.sqlite").expect("sqlite url"),
            Target::Sqlite("data/x.sqlite".into())
        );
        assert!(matches!(
            target("postgres://u@h/db").expect("pg url"),
            Target::Postgres(_)
        ));
        assert!(target("mysql://h/db").is_err());
        assert!(target("data/x.sqlite").is_err());
        assert!(target("sqlite://").is_err());
    }

    #[test]
    fn a_fresh_sqlite_file_is_created_and_migrated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/nested/db.sqlite", dir.path().display());
        let db = Db::open(&url).expect("opens and migrates");
        let count: i64 = db
            .run_now(|c| Ok(schema::users::table.count().get_result(c)?))
            .expect("users table exists");
        assert_eq!(count, 0);
        // Opening again finds nothing to apply.
        Db::open(&url).expect("reopens");
    }
}
