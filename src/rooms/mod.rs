//! Live rooms: one task per room owns its pipeline and members; everyone else sends it
//! commands through a [`RoomHandle`].

pub mod events;
pub mod handle;
pub mod manager;
mod room;

pub use events::{RecordingState, RoomEvent, RosterEntry};
pub use handle::{Asker, RoomCommand, RoomError, RoomHandle};
pub use manager::RoomManager;
