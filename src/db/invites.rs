//! Invite-link queries. Only the SHA-256 of an invite token is stored.

use diesel::prelude::*;

use super::models::{Invite, Room};
use super::schema::{invites, rooms};
use super::{DbConnection, DbError};

pub fn insert(conn: &mut DbConnection, invite: &Invite) -> Result<(), DbError> {
    diesel::insert_into(invites::table)
        .values(invite)
        .execute(conn)?;
    Ok(())
}

/// The invite with this token hash and its room.
pub fn with_room(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(Invite, Room)>, DbError> {
    Ok(invites::table
        .inner_join(rooms::table)
        .filter(invites::token_hash.eq(token_hash))
        .select((Invite::as_select(), Room::as_select()))
        .first(conn)
        .optional()?)
}

pub fn for_room(conn: &mut DbConnection, room_id: &str) -> Result<Vec<Invite>, DbError> {
    Ok(invites::table
        .filter(invites::room_id.eq(room_id))
        .select(Invite::as_select())
        .order(invites::id.asc())
        .load(conn)?)
}

/// Marks an invite revoked; false if the room has no such invite.
pub fn revoke(conn: &mut DbConnection, room_id: &str, id: &str) -> Result<bool, DbError> {
    Ok(diesel::update(
        invites::table
            .filter(invites::id.eq(id))
            .filter(invites::room_id.eq(room_id)),
    )
    .set(invites::revoked.eq(true))
    .execute(conn)?
        > 0)
}
