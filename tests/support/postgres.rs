//! A fresh PostgreSQL database per test server, on the cluster named by
//! `CONNECT_RIGHT_TEST_POSTGRES` (an admin URL that may create databases).

use anyhow::{Context, Result, bail};
use diesel::{Connection, PgConnection, RunQueryDsl};

/// The environment variable holding the admin URL.
pub const ADMIN_URL_ENV: &str = "CONNECT_RIGHT_TEST_POSTGRES";

/// The admin URL, or an error that says how to get one: these tests never skip.
pub fn admin_url() -> Result<String> {
    match std::env::var(ADMIN_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
        _ => bail!(
            "{ADMIN_URL_ENV} is not set: run scripts/test.sh, which starts a throwaway \
             PostgreSQL cluster for these tests (or set {ADMIN_URL_ENV} to an admin URL \
             such as postgres://postgres@127.0.0.1:5432/postgres)"
        ),
    }
}

/// A database that exists until this value is dropped.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates `test_<random>` on the cluster of [`admin_url`].
    pub fn create() -> Result<Self> {
        let admin_url = admin_url()?;
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url)
            .with_context(|| format!("connecting to {admin_url}"))?;
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .with_context(|| format!("creating database {name}"))?;
        let url = with_database(&admin_url, &name)?;
        Ok(Self {
            admin_url,
            name,
            url,
        })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// `admin_url` with its database path replaced by `name` (query parameters kept).
fn with_database(admin_url: &str, name: &str) -> Result<String> {
    let scheme_end = admin_url
        .find("://")
        .map(|i| i + 3)
        .context("the admin URL has no scheme")?;
    let (head, rest) = admin_url.split_at(scheme_end);
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    let mut url = format!("{head}{authority}/{name}");
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    Ok(url)
}
