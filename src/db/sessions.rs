//! Session queries. Only the SHA-256 of a token is ever stored.

use diesel::prelude::*;

use super::models::{Session, User};
use super::schema::{sessions, users};
use super::{DbConnection, DbError};

pub fn insert(conn: &mut DbConnection, session: &Session) -> Result<(), DbError> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash and its account.
pub fn with_user(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(Session, User)>, DbError> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((Session::as_select(), User::as_select()))
        .first(conn)
        .optional()?)
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> Result<(), DbError> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Removes sessions that expired before `cutoff_ms` (kept a while so that they answer
/// `expired` rather than `unauthorized`).
pub fn purge_expired(conn: &mut DbConnection, cutoff_ms: i64) -> Result<usize, DbError> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.lt(cutoff_ms))).execute(conn)?)
}
