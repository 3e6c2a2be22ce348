//! Account queries.

use diesel::prelude::*;

use super::models::User;
use super::schema::{sessions, users};
use super::{DbConnection, DbError};

pub fn insert(conn: &mut DbConnection, user: &User) -> Result<(), DbError> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)?;
    Ok(())
}

pub fn by_username(conn: &mut DbConnection, name: &str) -> Result<Option<User>, DbError> {
    Ok(users::table
        .filter(users::username.eq(name))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<User>, DbError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// One page of accounts in creation order, after the id `after` (ids are time-ordered).
pub fn page(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<User>, DbError> {
    let mut query = users::table
        .select(User::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Number of enabled admins (the last one may not be demoted or disabled).
pub fn active_admins(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

/// Sets role and disabled flag; disabling also ends every session of the account.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    role: &str,
    disabled: bool,
) -> Result<(), DbError> {
    conn.transaction(|conn| {
        diesel::update(users::table.find(id))
            .set((users::role.eq(role), users::disabled.eq(disabled)))
            .execute(conn)?;
        if disabled {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

pub fn set_password(conn: &mut DbConnection, id: &str, hash: &str) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}
