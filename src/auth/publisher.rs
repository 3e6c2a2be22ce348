//! Who may publish into a room over WHIP: a member who may present there (its owner or an
//! admin), or whoever holds the room's stream key.

use super::admission::{Admission, AdmitError, admit_member, session_user};
use crate::db::stream_keys;
use crate::directory::Directory;
use crate::domain::role::Role;
use crate::domain::tokens::{self, TokenKind};

/// The display name of a publisher that came with the room's stream key.
const STREAM_KEY_NAME: &str = "Stream";

/// A granted publish: the admission and the name the publisher has in the roster.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub admission: Admission,
    pub name: String,
}

/// Decides a publish into `room_id` with `token` (a session token or a stream key).
pub async fn admit_publisher(
    accounts: &super::Accounts,
    rooms: &Directory,
    token: &str,
    room_id: &str,
) -> Result<Publisher, AdmitError> {
    match TokenKind::of(token) {
        Some(TokenKind::Session) => {
            let user = session_user(accounts, token).await?;
            let mut admission = admit_member(rooms, &user, room_id, Role::Presenter).await?;
            // The owner publishing from an encoder is a presenter tile, not a second owner.
            admission.role = Role::Presenter;
            Ok(Publisher {
                admission,
                name: user.user.username.clone(),
            })
        }
        Some(TokenKind::StreamKey) => {
            let hash = tokens::hash(token);
            let (_, room) = rooms
                .db
                .run(move |c| stream_keys::with_room(c, &hash))
                .await?
                .ok_or_else(|| {
                    AdmitError::Unauthorized("unknown or revoked stream key".into())
                })?;
            if room.id != room_id {
                return Err(AdmitError::Forbidden(
                    "this stream key is for another room".into(),
                ));
            }
            let admission =
                Admission::to_room(&room, String::new(), Role::Presenter, false, None);
            Ok(Publisher {
                admission,
                name: STREAM_KEY_NAME.to_owned(),
            })
        }
        _ => Err(AdmitError::Unauthorized(
            "publish with a session token of the room's owner or an admin, or the room's stream key"
                .into(),
        )),
    }
}
