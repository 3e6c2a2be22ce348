//! A join that has been admitted, as the live room receives it (from the socket, WHIP or WHEP).

use super::layout::Layout;
use super::role::Role;

/// An admitted join, as the room receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub room: String,
    pub name: String,
    pub role: Role,
    /// Who the client is; a second join with the same identity replaces the first.
    pub identity: String,
    /// The room's participant limit (viewers not counted).
    pub limit: usize,
    /// The room's layout setting as stored when this join was admitted.
    pub layout: Layout,
    /// The stored room's name and auto-record setting.
    pub room_name: String,
    pub auto_record: bool,
    /// Sends media and receives none (a WHIP publisher): it gets a tile and is heard, but has
    /// no downlink and no mix-minus of its own.
    pub publisher: bool,
}
