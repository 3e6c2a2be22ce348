//! Who asks, as the stored rooms and keys see it: an account and whether it is an admin.
//! `auth` makes one from a signed-in session; nothing below `auth` needs the session itself.

/// The account behind a request to the directory of rooms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The account's id.
    pub id: String,
    pub admin: bool,
}
