//! Stream-key queries: at most one key per room, stored as the SHA-256 of the key.

use diesel::prelude::*;

use super::models::{Room, StreamKey};
use super::schema::{rooms, stream_keys};
use super::{DbConnection, DbError};

/// Stores `key` as its room's only key; the room's previous key, if any, stops working.
pub fn replace(conn: &mut DbConnection, key: &StreamKey) -> Result<(), DbError> {
    conn.transaction(|c| {
        diesel::delete(stream_keys::table.find(&key.room_id)).execute(c)?;
        diesel::insert_into(stream_keys::table)
            .values(key)
            .execute(c)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// The room's key, if it has one.
pub fn for_room(conn: &mut DbConnection, room_id: &str) -> Result<Option<StreamKey>, DbError> {
    Ok(stream_keys::table
        .find(room_id)
        .select(StreamKey::as_select())
        .first(conn)
        .optional()?)
}

/// The key with this hash and its room.
pub fn with_room(
    conn: &mut DbConnection,
    key_hash: &str,
) -> Result<Option<(StreamKey, Room)>, DbError> {
    Ok(stream_keys::table
        .inner_join(rooms::table)
        .filter(stream_keys::key_hash.eq(key_hash))
        .select((StreamKey::as_select(), Room::as_select()))
        .first(conn)
        .optional()?)
}

/// Revokes the room's key; false if it had none.
pub fn delete(conn: &mut DbConnection, room_id: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(stream_keys::table.find(room_id)).execute(conn)? > 0)
}
