//! Live rooms: one task per room owns its pipeline and members; everyone else sends it
//! commands through a [`RoomHandle`].

pub mod directory;
pub mod handle;
pub mod manager;
mod room;
pub mod stream_keys;

pub use handle::{Asker, Outbound, RoomCommand, RoomError, RoomHandle};
pub use manager::RoomManager;
