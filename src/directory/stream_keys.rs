//! A room's stream key: one revocable secret that lets an encoder (OBS) publish into the room
//! over WHIP without a session that expires. Only its owner and admins see or change it.

use serde::Serialize;

use super::{Directory, RoomsError};
use crate::db::models::StreamKey;
use crate::db::{self, stream_keys};
use crate::domain::caller::Caller;
use crate::domain::time::rfc3339;
use crate::domain::tokens::{self, TokenKind};

/// A new key, as shown once to whoever made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewStreamKey {
    pub key: String,
    pub created_at: String,
}

/// Whether the room has a key, never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamKeyState {
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

impl Directory {
    /// Makes a new key for the room, revoking the one it had.
    pub async fn new_stream_key(
        &self,
        user: &Caller,
        room_id: &str,
    ) -> Result<NewStreamKey, RoomsError> {
        let room = self.managed(user, room_id).await?;
        let (key, key_hash) = tokens::generate(TokenKind::StreamKey);
        let row = StreamKey {
            room_id: room.id,
            key_hash,
            created_by: user.id.clone(),
            created_at: db::now_ms(),
        };
        let created_at = rfc3339(row.created_at);
        self.db.run(move |c| stream_keys::replace(c, &row)).await?;
        tracing::info!(room = %room_id, by = %user.id, "stream key replaced");
        Ok(NewStreamKey { key, created_at })
    }

    /// Whether the room has a key, and since when.
    pub async fn stream_key(
        &self,
        user: &Caller,
        room_id: &str,
    ) -> Result<StreamKeyState, RoomsError> {
        let room = self.managed(user, room_id).await?;
        let row = self
            .db
            .run(move |c| stream_keys::for_room(c, &room.id))
            .await?;
        Ok(StreamKeyState {
            exists: row.is_some(),
            created_at: row.map(|r| rfc3339(r.created_at)),
        })
    }

    /// Revokes the room's key. Revoking a room without one succeeds too: either way no key
    /// works afterwards, which is what the caller wants.
    pub async fn revoke_stream_key(&self, user: &Caller, room_id: &str) -> Result<(), RoomsError> {
        let room = self.managed(user, room_id).await?;
        let found = self
            .db
            .run(move |c| stream_keys::delete(c, &room.id))
            .await?;
        if found {
            tracing::info!(room = %room_id, by = %user.id, "stream key revoked");
        }
        Ok(())
    }
}
