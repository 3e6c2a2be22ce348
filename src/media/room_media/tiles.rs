//! Where every camera sits on the composite: computed in one place, by the room's layout,
//! from its members in join order and who speaks.

use std::collections::HashMap;

use uuid::Uuid;

use super::RoomMedia;
use crate::domain::layout::Layout;
use crate::media::layouts::{Camera, Cast, place};
use crate::media::participant::TileKind;

/// A member who may have a tile, and whether layouts treat it as a presenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub participant: Uuid,
    pub presenter: bool,
    /// The member's camera is on (as it says); else its placeholder is shown.
    pub camera: bool,
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
    /// Places every member's tile by the layout (its camera, or its placeholder while it
    /// has no live camera); members the layout does not show are hidden.
    pub(super) fn place_tiles(&mut self) {
        let cameras: Vec<Camera> = self
            .stage
            .seats
            .iter()
            .filter(|seat| self.members.contains_key(&seat.participant))
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
        for (id, media) in &mut self.members {
            let seat = self.stage.seats.iter().find(|s| s.participant == *id);
            match (placement.tiles.iter().find(|t| t.0 == *id), seat) {
                (Some((_, rect, zorder)), Some(seat)) => {
                    media.show_tile(&self.pipeline, *rect, *zorder, seat.camera);
                }
                _ => media.hide_tile(),
            }
        }
        self.tile_kinds = self.current_tile_kinds();
        self.pipeline.show_more(placement.more);
    }

    /// What each seated member's tile would show now.
    fn current_tile_kinds(&self) -> HashMap<Uuid, TileKind> {
        self.stage
            .seats
            .iter()
            .filter_map(|seat| {
                let media = self.members.get(&seat.participant)?;
                Some((seat.participant, media.tile_kind(seat.camera)))
            })
            .collect()
    }

    /// Lays the room out again if a camera stalled, came back or never came since the last
    /// placement, so a stalled camera shows its placeholder rather than a frozen frame.
    pub fn refresh_stalled_cameras(&mut self) {
        if self.current_tile_kinds() != self.tile_kinds {
            self.place_tiles();
        }
    }

    /// Marks a member's tile as muted, or not.
    pub fn set_muted(&mut self, participant: Uuid, muted: bool) {
        if let Some(media) = self.members.get_mut(&participant) {
            media.set_muted(muted);
        }
    }
}
