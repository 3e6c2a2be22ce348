//! Room queries.

use diesel::prelude::*;

use super::models::Room;
use super::schema::rooms;
use super::{DbConnection, DbError};

pub fn insert(conn: &mut DbConnection, room: &Room) -> Result<(), DbError> {
    diesel::insert_into(rooms::table)
        .values(room)
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<Room>, DbError> {
    Ok(rooms::table
        .find(id)
        .select(Room::as_select())
        .first(conn)
        .optional()?)
}

/// One page of the rooms a user may see: listed ones and their own (all, for `everything`).
pub fn visible_page(
    conn: &mut DbConnection,
    user_id: &str,
    everything: bool,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Room>, DbError> {
    let mut query = rooms::table
        .select(Room::as_select())
        .order(rooms::id.asc())
        .limit(limit)
        .into_boxed();
    if !everything {
        query = query.filter(
            rooms::listed
                .eq(true)
                .or(rooms::owner_id.eq(user_id.to_owned())),
        );
    }
    if let Some(after) = after {
        query = query.filter(rooms::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

pub fn update(conn: &mut DbConnection, room: &Room) -> Result<(), DbError> {
    diesel::update(rooms::table.find(&room.id))
        .set(room)
        .execute(conn)?;
    Ok(())
}

/// Deletes the room; its invites go with it (ON DELETE CASCADE).
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(rooms::table.find(id)).execute(conn)? > 0)
}
