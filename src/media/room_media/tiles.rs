//! Where every camera sits on the composite: computed in one place, from the room's layout
//! and its members in join order.

use super::RoomMedia;
use crate::domain::layout::Layout;
use crate::media::layout;
use uuid::Uuid;

/// A member who may have a tile, and whether the presenter layout shows it large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub participant: Uuid,
    pub presenter: bool,
}

impl RoomMedia {
    /// Places every camera: in the presenter layout presenters first (large), then everyone
    /// else; each group keeps the room's order.
    pub(super) fn place_tiles(&self) {
        let cameras = self.seats.iter().filter_map(|seat| {
            let media = self.members.get(&seat.participant)?;
            media.has_video().then_some((seat.presenter, media))
        });
        let (large, others): (Vec<_>, Vec<_>) =
            cameras.partition(|(presenter, _)| self.layout == Layout::Presenter && *presenter);
        let rects = layout::presenter(large.len(), others.len(), self.pipeline.canvas());
        for ((_, media), rect) in large.iter().chain(others.iter()).zip(rects) {
            media.set_tile(rect);
        }
    }
}
