//! What a member of a live room may do.

/// What a member of a room is allowed to do. On the wire, its lower-case name.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The room's owner (given by the server, never asked for).
    Owner,
    Presenter,
    Participant,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Presenter => "presenter",
            Role::Participant => "participant",
            Role::Viewer => "viewer",
        }
    }
}
