//! Recording rows.

use diesel::prelude::*;

use super::models::Recording;
use super::schema::recordings;
use super::{DbConnection, DbError};

pub fn insert(conn: &mut DbConnection, rec: &Recording) -> Result<(), DbError> {
    diesel::insert_into(recordings::table)
        .values(rec)
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConnection, rec: &Recording) -> Result<(), DbError> {
    diesel::update(recordings::table.find(&rec.id))
        .set(rec)
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<Recording>, DbError> {
    Ok(recordings::table
        .find(id)
        .select(Recording::as_select())
        .first(conn)
        .optional()?)
}

/// Filters of the recordings list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub room_id: Option<String>,
    /// Only rooms in this set (a room owner's view); `None` for everything (admins).
    pub rooms_of_owner: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// One page in start order (ids are time-ordered).
pub fn page(
    conn: &mut DbConnection,
    filter: &Filter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Recording>, DbError> {
    use super::schema::rooms;
    let mut query = recordings::table
        .select(Recording::as_select())
        .order(recordings::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(room) = &filter.room_id {
        query = query.filter(recordings::room_id.eq(room.clone()));
    }
    if let Some(owner) = &filter.rooms_of_owner {
        let owned = rooms::table
            .filter(rooms::owner_id.eq(owner.clone()))
            .select(rooms::id);
        query = query.filter(recordings::room_id.eq_any(owned));
    }
    if let Some(from) = filter.from_ms {
        query = query.filter(recordings::started_at.ge(from));
    }
    if let Some(to) = filter.to_ms {
        query = query.filter(recordings::started_at.lt(to));
    }
    if let Some(after) = after {
        query = query.filter(recordings::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Recordings a crash left unfinished.
pub fn unfinished(conn: &mut DbConnection) -> Result<Vec<Recording>, DbError> {
    Ok(recordings::table
        .filter(recordings::status.eq_any(["recording", "finalizing"]))
        .select(Recording::as_select())
        .load(conn)?)
}

pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::delete(recordings::table.find(id)).execute(conn)?;
    Ok(())
}
