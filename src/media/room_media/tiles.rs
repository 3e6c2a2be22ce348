//! Where every camera sits on the composite: computed in one place, by the room's layout,
//! from its members in join order and who speaks.

use uuid::Uuid;

use super::RoomMedia;
use crate::domain::layout::Layout;
use crate::media::layouts::{Camera, Cast, place};

/// A member who may have a tile, and whether layouts treat it as a presenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub participant: Uuid,
    pub presenter: bool,
}

/// What the room says the composite should show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stage {
    pub layout: Layout,
    /// In join order.
    pub seats: Vec<Seat>,
    pub speaker: Option<Uuid>,
    /// Recent active speakers, the most recent first.
    pub recent: Vec<Uuid>,
}

impl RoomMedia {
    /// Places every camera by the layout; members the layout does not show are hidden.
    pub(super) fn place_tiles(&mut self) {
        let cameras: Vec<Camera> = self
            .stage
            .seats
            .iter()
            .filter(|seat| {
                self.members
                    .get(&seat.participant)
                    .is_some_and(|m| m.has_video())
            })
            .map(|seat| Camera {
                id: seat.participant,
                presenter: seat.presenter,
                share: false,
            })
            .collect();
        let cast = Cast {
            cameras: &cameras,
            speaker: self.stage.speaker,
            recent: &self.stage.recent,
        };
        let spec = self.layouts.resolve(&self.stage.layout, &cast);
        let placement = place(spec, &cast, self.pipeline.canvas());
        for media in self.members.values() {
            match placement.tiles.iter().find(|t| t.0 == media.id()) {
                Some((_, rect, zorder)) => media.set_tile(*rect, *zorder),
                None => media.hide_tile(),
            }
        }
        self.pipeline.show_more(placement.more);
    }
}
