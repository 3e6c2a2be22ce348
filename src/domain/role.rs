//! What a member of a live room may do.

/// What a member of a room is allowed to do. On the wire, its lower-case name.
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

    /// A role a member may ask for by name (never `Owner`, which only the server gives).
    pub fn asked(name: &str) -> Option<Self> {
        match name {
            "presenter" => Some(Role::Presenter),
            "participant" => Some(Role::Participant),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}
