//! Stored rooms: their settings, who may see, change and enter them, and their invites.

pub mod stream_keys;

use serde::{Deserialize, Serialize};

use crate::db::models::{Invite, Room};
use crate::db::{self, Db, DbError, invites, rooms};
use crate::domain::caller::Caller;
use crate::domain::layout::Layout;
use crate::domain::time::rfc3339;

/// Longest room name, in characters.
const MAX_ROOM_NAME: usize = 64;

/// A room as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomView {
    pub id: String,
    pub name: String,
    pub owner_id: String,
    pub max_participants: i32,
    pub layout: Layout,
    pub auto_record: bool,
    pub listed: bool,
    pub created_at: String,
}

impl From<&Room> for RoomView {
    fn from(r: &Room) -> Self {
        Self {
            id: r.id.clone(),
            name: r.name.clone(),
            owner_id: r.owner_id.clone(),
            max_participants: r.max_participants,
            layout: Layout::from_stored(&r.layout),
            auto_record: r.auto_record,
            listed: r.listed,
            created_at: rfc3339(r.created_at),
        }
    }
}

/// Settings given when creating (all but `name` optional) or changing (all optional) a room.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSettings {
    pub name: Option<String>,
    pub max_participants: Option<i32>,
    pub layout: Option<Layout>,
    pub auto_record: Option<bool>,
    pub listed: Option<bool>,
}

/// An invite as its owner sees it; `token` only in the reply that creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteView {
    pub id: String,
    pub room_id: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub created_at: String,
    pub revoked: bool,
}

impl InviteView {
    fn of(i: &Invite, token: Option<String>) -> Self {
        Self {
            id: i.id.clone(),
            room_id: i.room_id.clone(),
            role: i.role.clone(),
            token,
            created_at: rfc3339(i.created_at),
            revoked: i.revoked,
        }
    }
}

/// Why a room operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum RoomsError {
    #[error("{0}")]
    Invalid(String),
    #[error("no such room")]
    NotFound,
    #[error("only the room's owner or an admin may do that")]
    Forbidden,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Whether `user` may see `room` at all (listed, owned, or an admin).
pub fn can_see(user: &Caller, room: &Room) -> bool {
    room.listed || can_manage(user, room)
}

/// Whether `user` may change the room, delete it, issue invites or name presenters.
pub fn can_manage(user: &Caller, room: &Room) -> bool {
    user.admin || room.owner_id == user.id
}

fn apply(room: &mut Room, s: RoomSettings, max_participants: usize) -> Result<(), RoomsError> {
    if let Some(name) = s.name {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_ROOM_NAME {
            return Err(RoomsError::Invalid(format!(
                "name must be 1 to {MAX_ROOM_NAME} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(RoomsError::Invalid(
                "name may not contain control characters".into(),
            ));
        }
        room.name = name;
    }
    if let Some(n) = s.max_participants {
        let cap = i32::try_from(max_participants).unwrap_or(i32::MAX);
        if !(1..=cap).contains(&n) {
            return Err(RoomsError::Invalid(format!(
                "maxParticipants must be 1 to {cap}"
            )));
        }
        room.max_participants = n;
    }
    if let Some(layout) = s.layout {
        room.layout = layout.as_str().into();
    }
    if let Some(v) = s.auto_record {
        room.auto_record = v;
    }
    if let Some(v) = s.listed {
        room.listed = v;
    }
    Ok(())
}

/// Rooms in the database, with the server-wide participant cap.
#[derive(Clone)]
pub struct Directory {
    pub db: Db,
    pub max_participants: usize,
}

impl Directory {
    pub async fn create(&self, owner: &Caller, settings: RoomSettings) -> Result<Room, RoomsError> {
        if settings.name.is_none() {
            return Err(RoomsError::Invalid("a room needs a name".into()));
        }
        let mut room = Room {
            id: uuid::Uuid::now_v7().simple().to_string(),
            name: String::new(),
            owner_id: owner.id.clone(),
            max_participants: i32::try_from(self.max_participants).unwrap_or(25),
            layout: Layout::grid().as_str().into(),
            auto_record: false,
            listed: true,
            created_at: db::now_ms(),
        };
        apply(&mut room, settings, self.max_participants)?;
        let row = room.clone();
        self.db.run(move |c| rooms::insert(c, &row)).await?;
        Ok(room)
    }

    /// The room if it exists; a private room another member may not see is "not found".
    pub async fn get(&self, user: &Caller, id: &str) -> Result<Room, RoomsError> {
        let room = self.find(id).await?.ok_or(RoomsError::NotFound)?;
        if !can_see(user, &room) {
            return Err(RoomsError::NotFound);
        }
        Ok(room)
    }

    pub async fn find(&self, id: &str) -> Result<Option<Room>, RoomsError> {
        let id = id.to_owned();
        Ok(self.db.run(move |c| rooms::by_id(c, &id)).await?)
    }

    /// The room, if `user` may manage it.
    pub async fn managed(&self, user: &Caller, id: &str) -> Result<Room, RoomsError> {
        let room = self.get(user, id).await?;
        if !can_manage(user, &room) {
            return Err(RoomsError::Forbidden);
        }
        Ok(room)
    }

    pub async fn list(
        &self,
        user: &Caller,
        after: Option<String>,
        limit: i64,
    ) -> Result<Vec<Room>, RoomsError> {
        let uid = user.id.clone();
        let all = user.admin;
        Ok(self
            .db
            .run(move |c| rooms::visible_page(c, &uid, all, after.as_deref(), limit))
            .await?)
    }

    pub async fn update(
        &self,
        user: &Caller,
        id: &str,
        settings: RoomSettings,
    ) -> Result<Room, RoomsError> {
        let mut room = self.managed(user, id).await?;
        apply(&mut room, settings, self.max_participants)?;
        let row = room.clone();
        self.db.run(move |c| rooms::update(c, &row)).await?;
        Ok(room)
    }

    pub async fn delete(&self, user: &Caller, id: &str) -> Result<(), RoomsError> {
        let room = self.managed(user, id).await?;
        self.db.run(move |c| rooms::delete(c, &room.id)).await?;
        Ok(())
    }

    /// A new invite token for `role` (`participant` or `viewer`).
    pub async fn invite(
        &self,
        user: &Caller,
        room_id: &str,
        role: &str,
    ) -> Result<InviteView, RoomsError> {
        if !matches!(role, "participant" | "viewer") {
            return Err(RoomsError::Invalid(
                "an invite's role is participant or viewer".into(),
            ));
        }
        let room = self.managed(user, room_id).await?;
        let (token, token_hash) =
            crate::domain::tokens::generate(crate::domain::tokens::TokenKind::Invite);
        let invite = Invite {
            id: db::new_id(),
            room_id: room.id,
            role: role.into(),
            token_hash,
            created_by: user.id.clone(),
            created_at: db::now_ms(),
            revoked: false,
        };
        let row = invite.clone();
        self.db.run(move |c| invites::insert(c, &row)).await?;
        Ok(InviteView::of(&invite, Some(token)))
    }

    pub async fn invites(
        &self,
        user: &Caller,
        room_id: &str,
    ) -> Result<Vec<InviteView>, RoomsError> {
        let room = self.managed(user, room_id).await?;
        let list = self.db.run(move |c| invites::for_room(c, &room.id)).await?;
        Ok(list.iter().map(|i| InviteView::of(i, None)).collect())
    }

    pub async fn revoke_invite(
        &self,
        user: &Caller,
        room_id: &str,
        invite_id: &str,
    ) -> Result<(), RoomsError> {
        let room = self.managed(user, room_id).await?;
        let id = invite_id.to_owned();
        let found = self
            .db
            .run(move |c| invites::revoke(c, &room.id, &id))
            .await?;
        if found {
            Ok(())
        } else {
            Err(RoomsError::NotFound)
        }
    }
}
