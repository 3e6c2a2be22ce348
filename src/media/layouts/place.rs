//! Where each member's tile goes under a layout: regions filled in order, nobody twice.

use std::collections::HashSet;

use uuid::Uuid;

use super::{Arrange, LayoutSpec, Region, Shows};
use crate::media::layout::{Rect, Size, grid_in, strip_in};

/// A member with a picture to show, in join order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Camera {
    pub id: Uuid,
    pub presenter: bool,
    /// A screen share rather than a camera.
    pub share: bool,
}

/// Who there is to show.
#[derive(Debug, Clone, Copy)]
pub struct Cast<'a> {
    /// In join order.
    pub cameras: &'a [Camera],
    /// The active speaker.
    pub speaker: Option<Uuid>,
    /// Recent speakers, the most recent first.
    pub recent: &'a [Uuid],
}

/// Where every shown member goes, and the "+N" tile if some are not shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    /// Member, rectangle, z-order (later regions above earlier ones).
    pub tiles: Vec<(Uuid, Rect, u32)>,
    /// The tile that counts the members not shown, and how many they are.
    pub more: Option<(Rect, usize, u32)>,
}

impl Placement {
    pub fn rect_of(&self, id: Uuid) -> Option<Rect> {
        self.tiles.iter().find(|t| t.0 == id).map(|t| t.1)
    }
}

/// Lays `cast` out on `canvas` by `spec`.
pub fn place(spec: &LayoutSpec, cast: &Cast, canvas: Size) -> Placement {
    let mut placed: HashSet<Uuid> = HashSet::new();
    let mut placement = Placement::default();
    for (index, region) in spec.regions.iter().enumerate() {
        let zorder = index as u32 + 1;
        let (candidates, rest) = candidates(region, cast, &placed);
        if candidates.is_empty() {
            continue;
        }
        let overflow = rest && candidates.len() > region.tiles;
        let shown = if overflow {
            prioritise(&candidates, cast, region.tiles - 1)
        } else {
            candidates[..candidates.len().min(region.tiles)].to_vec()
        };
        let slots = shown.len() + usize::from(overflow);
        let rects = arrange(region, slots, canvas);
        for (id, rect) in shown.iter().zip(&rects) {
            placed.insert(*id);
            placement.tiles.push((*id, *rect, zorder));
        }
        if overflow && placement.more.is_none() {
            let hidden = candidates.len() - shown.len();
            if let Some(rect) = rects.last() {
                placement.more = Some((*rect, hidden, zorder));
            }
        }
    }
    placement
}

/// Whether the layout's first region finds anyone (else its fallback is drawn).
pub(super) fn first_region_has_someone(spec: &LayoutSpec, cast: &Cast) -> bool {
    spec.regions
        .first()
        .is_some_and(|region| !candidates(region, cast, &HashSet::new()).0.is_empty())
}

/// The members `region` would show, in join order, and whether they are "the rest".
fn candidates(region: &Region, cast: &Cast, placed: &HashSet<Uuid>) -> (Vec<Uuid>, bool) {
    let free = || cast.cameras.iter().filter(|c| !placed.contains(&c.id));
    for shows in &region.shows {
        let found: Vec<Uuid> = match shows {
            Shows::Share => free().filter(|c| c.share).map(|c| c.id).collect(),
            Shows::Presenters => free()
                .filter(|c| c.presenter && !c.share)
                .map(|c| c.id)
                .collect(),
            Shows::Speaker => free()
                .filter(|c| Some(c.id) == cast.speaker && !c.share)
                .map(|c| c.id)
                .collect(),
            Shows::First => free().filter(|c| !c.share).map(|c| c.id).take(1).collect(),
            Shows::Rest => free().map(|c| c.id).collect(),
        };
        if !found.is_empty() {
            return (found, *shows == Shows::Rest);
        }
    }
    (Vec::new(), false)
}

/// The `n` of `candidates` to show when not all fit: the active speaker, then the most
/// recent speakers, then join order; returned in join order so tiles do not reshuffle.
fn prioritise(candidates: &[Uuid], cast: &Cast, n: usize) -> Vec<Uuid> {
    let rank = |id: &Uuid| {
        if Some(*id) == cast.speaker {
            0
        } else {
            cast.recent
                .iter()
                .position(|r| r == id)
                .map_or(usize::MAX, |p| p + 1)
        }
    };
    let mut ranked: Vec<(usize, usize, Uuid)> = candidates
        .iter()
        .enumerate()
        .map(|(order, id)| (rank(id), order, *id))
        .collect();
    ranked.sort_unstable();
    ranked.truncate(n);
    ranked.sort_unstable_by_key(|(_, order, _)| *order);
    ranked.into_iter().map(|(_, _, id)| id).collect()
}

/// `count` tile rectangles in `region`'s area.
fn arrange(region: &Region, count: usize, canvas: Size) -> Vec<Rect> {
    let [fx, fy, fw, fh] = region.area;
    let even = |v: f64| (v.round() as i32) & !1;
    let area = Rect {
        x: even(fx * f64::from(canvas.width)),
        y: even(fy * f64::from(canvas.height)),
        width: even(fw * f64::from(canvas.width)),
        height: even(fh * f64::from(canvas.height)),
    };
    match region.arrange {
        Arrange::Grid => grid_in(count, area, canvas),
        Arrange::Row => strip_in(count, area, canvas, false),
        Arrange::Column => strip_in(count, area, canvas, true),
    }
}
