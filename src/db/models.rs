//! Rows as stored. Roles and layouts are text columns, parsed into enums at the edges.

use diesel::prelude::*;

use super::schema::{invites, recordings, rooms, sessions, stream_keys, users};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub owner_id: String,
    pub max_participants: i32,
    pub layout: String,
    pub auto_record: bool,
    pub listed: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites)]
pub struct Invite {
    pub id: String,
    pub room_id: String,
    pub role: String,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: i64,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = recordings, treat_none_as_null = true)]
pub struct Recording {
    pub id: String,
    pub room_id: String,
    pub room_name: String,
    pub started_by: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub bytes: Option<i64>,
    pub status: String,
    pub file_name: String,
    pub error: Option<String>,
    pub timeline: String,
}

/// A room's stream key for WHIP publishing; only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stream_keys)]
pub struct StreamKey {
    pub room_id: String,
    pub key_hash: String,
    pub created_by: String,
    pub created_at: i64,
}
