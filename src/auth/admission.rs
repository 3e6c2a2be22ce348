//! Who may enter which room in which role, decided from the token a `join` carries.

use super::{AuthError, CurrentUser};
use crate::db::models::Room;
use crate::db::{Db, DbError, invites};
use crate::directory::{Directory, can_manage, can_see};
use crate::domain::join::JoinRequest;
use crate::domain::layout::Layout;
use crate::domain::role::Role;
use crate::domain::tokens::{self, TokenKind};

/// A granted join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// A second join with the same identity replaces the first connection.
    pub identity: String,
    /// The role in the room (`Owner` for the room's owner).
    pub role: Role,
    /// The room's participant limit.
    pub limit: usize,
    /// The room's owner or an admin: may name presenters.
    pub manager: bool,
    /// The room's layout setting.
    pub layout: Layout,
    pub room_name: String,
    pub auto_record: bool,
    /// The account id, for a signed-in member.
    pub account: Option<String>,
}

/// Why a join is refused; each maps to the socket error code of the same name.
#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("the session has expired; sign in again")]
    Expired,
    #[error("{0}")]
    Forbidden(String),
    #[error("no such room")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Decides a join of `room_id` in role `wanted` with `token`, by a client called `name`.
impl Admission {
    /// The room task's join request for this admission.
    pub fn into_request(self, room: String, name: String) -> JoinRequest {
        JoinRequest {
            room,
            name,
            role: self.role,
            identity: self.identity,
            limit: self.limit,
            layout: self.layout,
            room_name: self.room_name,
            auto_record: self.auto_record,
            publisher: false,
        }
    }

    /// An admission to `room` with the room's own settings.
    pub(super) fn to_room(
        room: &Room,
        identity: String,
        role: Role,
        manager: bool,
        account: Option<String>,
    ) -> Self {
        Admission {
            identity,
            role,
            limit: usize::try_from(room.max_participants).unwrap_or(1),
            manager,
            layout: Layout::from_stored(&room.layout),
            room_name: room.name.clone(),
            auto_record: room.auto_record,
            account,
        }
    }
}

pub async fn admit(
    accounts: &super::Accounts,
    rooms: &Directory,
    token: Option<&str>,
    name: &str,
    room_id: &str,
    wanted: Role,
) -> Result<Admission, AdmitError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(AdmitError::Unauthorized(
            "join needs a session or invite token".into(),
        ));
    };
    match TokenKind::of(token) {
        Some(TokenKind::Session) => {
            let user = session_user(accounts, token).await?;
            admit_member(rooms, &user, room_id, wanted).await
        }
        Some(TokenKind::Invite) => admit_guest(&rooms.db, token, name, room_id, wanted).await,
        // A stream key only publishes over WHIP (see `publisher`); it joins no socket.
        Some(TokenKind::StreamKey) => Err(AdmitError::Unauthorized(
            "a stream key only publishes over WHIP".into(),
        )),
        None => Err(AdmitError::Unauthorized("unknown token".into())),
    }
}

/// The signed-in account behind a session token.
pub(super) async fn session_user(
    accounts: &super::Accounts,
    token: &str,
) -> Result<CurrentUser, AdmitError> {
    accounts.authenticate(token).await.map_err(|e| match e {
        AuthError::Expired => AdmitError::Expired,
        AuthError::Disabled => AdmitError::Forbidden("this account is disabled".into()),
        AuthError::Db(db) => AdmitError::Db(db),
        _ => AdmitError::Unauthorized("unknown or ended session".into()),
    })
}

pub(super) async fn admit_member(
    rooms: &Directory,
    user: &CurrentUser,
    room_id: &str,
    wanted: Role,
) -> Result<Admission, AdmitError> {
    let room = rooms
        .find(room_id)
        .await
        .map_err(|e| match e {
            crate::directory::RoomsError::Db(db) => AdmitError::Db(db),
            _ => AdmitError::NotFound,
        })?
        .ok_or(AdmitError::NotFound)?;
    if !can_see(&user.caller(), &room) {
        // A private room admits its owner, admins and invite holders only.
        return Err(AdmitError::Forbidden(
            "this room is private; ask its owner for an invite".into(),
        ));
    }
    let manager = can_manage(&user.caller(), &room);
    let role = match wanted {
        Role::Viewer => Role::Viewer,
        Role::Presenter if !manager => {
            return Err(AdmitError::Forbidden(
                "only the room's owner or an admin may present; ask to be made presenter".into(),
            ));
        }
        _ if room.owner_id == user.user.id => Role::Owner,
        Role::Presenter => Role::Presenter,
        _ => Role::Participant,
    };
    Ok(Admission::to_room(
        &room,
        format!("user:{}", user.user.id),
        role,
        manager,
        Some(user.user.id.clone()),
    ))
}

async fn admit_guest(
    db: &Db,
    token: &str,
    name: &str,
    room_id: &str,
    wanted: Role,
) -> Result<Admission, AdmitError> {
    let hash = tokens::hash(token);
    let lookup = hash.clone();
    let (invite, room) = db
        .run(move |c| invites::with_room(c, &lookup))
        .await?
        .ok_or_else(|| AdmitError::Unauthorized("unknown invite".into()))?;
    if invite.revoked {
        return Err(AdmitError::Unauthorized(
            "this invite has been revoked; ask for a new link".into(),
        ));
    }
    if room.id != room_id {
        return Err(AdmitError::Forbidden(
            "this invite is for another room".into(),
        ));
    }
    let role = match (invite.role.as_str(), wanted) {
        (_, Role::Viewer) => Role::Viewer,
        ("participant", Role::Participant) => Role::Participant,
        _ => {
            return Err(AdmitError::Forbidden(format!(
                "this invite lets a guest join as {} only",
                if invite.role == "participant" {
                    "participant or viewer"
                } else {
                    "viewer"
                }
            )));
        }
    };
    // Many guests share one link, so a guest is the link plus their display name: a guest
    // who reconnects under the same name replaces their old connection.
    let identity = format!("invite:{}:{}", invite.id, name.to_lowercase());
    Ok(Admission::to_room(&room, identity, role, false, None))
}
