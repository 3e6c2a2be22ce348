//! Grid geometry for the composite: pure functions, no GStreamer.
//!
//! Every tile keeps the canvas aspect ratio (16:9 at the default 1280×720), so a camera of the
//! same shape fills its tile exactly and any other shape is letterboxed inside it.

/// Width and height of the composite canvas in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: i32,
    pub height: i32,
}

/// A tile's rectangle on the canvas, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Rect {
    /// True when the two rectangles share at least one pixel.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    /// True when the rectangle lies entirely inside the canvas.
    pub fn inside(&self, canvas: Size) -> bool {
        self.x >= 0
            && self.y >= 0
            && self.width > 0
            && self.height > 0
            && self.x + self.width <= canvas.width
            && self.y + self.height <= canvas.height
    }
}

/// The most participants a grid lays out (5×5).
pub use crate::domain::layout::MAX_TILES;

/// Columns and rows of the grid for `count` tiles: 1, 2 side by side, 2×2, 3×3, 4×4, 5×5.
pub fn grid_shape(count: usize) -> (i32, i32) {
    match count {
        0 | 1 => (1, 1),
        2 => (2, 1),
        3..=4 => (2, 2),
        5..=9 => (3, 3),
        10..=16 => (4, 4),
        _ => (5, 5),
    }
}

/// Tile rectangles for `count` participants in join order, at most [`MAX_TILES`].
///
/// Cells divide the canvas evenly; each tile is the largest rectangle of the canvas's aspect
/// ratio that fits its cell, centred in it. Sizes are rounded down to even numbers because
/// I420 video cannot have odd dimensions.
pub fn grid(count: usize, canvas: Size) -> Vec<Rect> {
    let area = Rect {
        x: 0,
        y: 0,
        width: canvas.width,
        height: canvas.height,
    };
    grid_in(count.min(MAX_TILES), area, canvas)
}

/// Share of the canvas height given to the strip of non-presenters in the presenter layout.
const STRIP_FRACTION: i32 = 5;

/// The presenter layout: `presenters` tiles large in a grid above, then `others` small tiles
/// in one strip along the bottom, in that order. Without presenters, or without anyone
/// else, it is the plain grid.
pub fn presenter(presenters: usize, others: usize, canvas: Size) -> Vec<Rect> {
    let presenters = presenters.min(MAX_TILES);
    let others = others.min(MAX_TILES - presenters);
    if presenters == 0 || others == 0 {
        return grid(presenters + others, canvas);
    }
    let strip_h = (canvas.height / STRIP_FRACTION) & !1;
    let main = Rect {
        x: 0,
        y: 0,
        width: canvas.width,
        height: canvas.height - strip_h,
    };
    let strip = Rect {
        x: 0,
        y: main.height,
        width: canvas.width,
        height: strip_h,
    };
    let mut rects = grid_in(presenters, main, canvas);
    rects.extend(strip_in(others, strip, canvas, false));
    rects
}

/// `count` canvas-shaped tiles side by side across `area` (or stacked down it when
/// `column`), centred; they shrink when too many to fit at the area's full height (width).
pub fn strip_in(count: usize, area: Rect, canvas: Size, column: bool) -> Vec<Rect> {
    if count == 0 {
        return Vec::new();
    }
    let n = count as i32;
    let (w, h) = (canvas.width as i64, canvas.height as i64);
    let (tile_w, tile_h) = if column {
        let tile_h = ((area.width as i64 * h / w) as i32).min(area.height / n) & !1;
        (((tile_h as i64 * w / h) as i32) & !1, tile_h)
    } else {
        let tile_w = ((area.height as i64 * w / h) as i32).min(area.width / n) & !1;
        (tile_w, ((tile_w as i64 * h / w) as i32) & !1)
    };
    (0..n)
        .map(|i| {
            if column {
                Rect {
                    x: area.x + (area.width - tile_w) / 2,
                    y: area.y + (area.height - tile_h * n) / 2 + i * tile_h,
                    width: tile_w,
                    height: tile_h,
                }
            } else {
                Rect {
                    x: area.x + (area.width - tile_w * n) / 2 + i * tile_w,
                    y: area.y + (area.height - tile_h) / 2,
                    width: tile_w,
                    height: tile_h,
                }
            }
        })
        .collect()
}

/// `count` canvas-shaped tiles in a grid filling `area`.
pub fn grid_in(count: usize, area: Rect, canvas: Size) -> Vec<Rect> {
    if count == 0 {
        return Vec::new();
    }
    let (cols, rows) = grid_shape(count);
    let cell_w = area.width / cols;
    let cell_h = area.height / rows;
    // Fit canvas-shaped tile into the cell (integer arithmetic keeps results exact).
    let (mut tile_w, mut tile_h) =
        if cell_w as i64 * canvas.height as i64 <= cell_h as i64 * canvas.width as i64 {
            (
                cell_w,
                (cell_w as i64 * canvas.height as i64 / canvas.width as i64) as i32,
            )
        } else {
            (
                (cell_h as i64 * canvas.width as i64 / canvas.height as i64) as i32,
                cell_h,
            )
        };
    tile_w &= !1;
    tile_h &= !1;
    (0..count as i32)
        .map(|i| {
            let col = i % cols;
            let row = i / cols;
            Rect {
                x: area.x + col * cell_w + (cell_w - tile_w) / 2,
                y: area.y + row * cell_h + (cell_h - tile_h) / 2,
                width: tile_w,
                height: tile_h,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HD: Size = Size {
        width: 1280,
        height: 720,
    };

    #[test]
    fn no_participants_have_no_tiles() {
        assert!(grid(0, HD).is_empty());
    }

    #[test]
    fn every_count_up_to_twenty_five_fits_without_overlap_and_keeps_aspect() {
        for canvas in [
            HD,
            Size {
                width: 640,
                height: 360,
            },
            Size {
                width: 1920,
                height: 1080,
            },
        ] {
            for n in 1..=MAX_TILES {
                let tiles = grid(n, canvas);
                assert_eq!(tiles.len(), n, "count {n}");
                for (i, t) in tiles.iter().enumerate() {
                    assert!(
                        t.inside(canvas),
                        "tile {i} of {n} outside {canvas:?}: {t:?}"
                    );
                    // Aspect within one pixel of rounding of the canvas's.
                    let expected_h = t.width as f64 * canvas.height as f64 / canvas.width as f64;
                    assert!((t.height as f64 - expected_h).abs() <= 2.0, "{n}: {t:?}");
                    assert_eq!(t.width % 2, 0);
                    assert_eq!(t.height % 2, 0);
                    for u in &tiles[i + 1..] {
                        assert!(!t.overlaps(u), "{n}: {t:?} overlaps {u:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn shapes_follow_the_documented_steps() {
        assert_eq!(grid_shape(1), (1, 1));
        assert_eq!(grid_shape(2), (2, 1));
        assert_eq!(grid_shape(4), (2, 2));
        assert_eq!(grid_shape(5), (3, 3));
        assert_eq!(grid_shape(9), (3, 3));
        assert_eq!(grid_shape(10), (4, 4));
        assert_eq!(grid_shape(16), (4, 4));
        assert_eq!(grid_shape(17), (5, 5));
        assert_eq!(grid_shape(25), (5, 5));
    }

    #[test]
    fn known_rectangles_at_720p() {
        assert_eq!(
            grid(1, HD),
            vec![Rect {
                x: 0,
                y: 0,
                width: 1280,
                height: 720
            }]
        );
        assert_eq!(
            grid(2, HD),
            vec![
                Rect {
                    x: 0,
                    y: 180,
                    width: 640,
                    height: 360
                },
                Rect {
                    x: 640,
                    y: 180,
                    width: 640,
                    height: 360
                }
            ]
        );
        assert_eq!(
            grid(3, HD)[2],
            Rect {
                x: 0,
                y: 360,
                width: 640,
                height: 360
            }
        );
    }

    #[test]
    fn more_than_twenty_five_is_capped() {
        assert_eq!(grid(40, HD).len(), MAX_TILES);
    }

    #[test]
    fn the_presenter_layout_puts_presenters_large_above_a_strip() {
        for (p, o) in [(1, 1), (1, 5), (2, 3), (1, 15), (4, 12)] {
            let rects = presenter(p, o, HD);
            assert_eq!(rects.len(), p + o);
            for (i, a) in rects.iter().enumerate() {
                assert!(a.inside(HD), "{p}+{o}: {a:?} inside");
                assert!(a.width % 2 == 0 && a.height % 2 == 0);
                for b in &rects[i + 1..] {
                    assert!(!a.overlaps(b), "{p}+{o}: {a:?} overlaps {b:?}");
                }
            }
            let strip_top = HD.height - HD.height / STRIP_FRACTION;
            for big in &rects[..p] {
                assert!(
                    big.y + big.height <= strip_top,
                    "presenters above the strip"
                );
                for small in &rects[p..] {
                    assert!(small.y >= strip_top, "others in the strip");
                    assert!(big.width > small.width, "presenters are larger");
                    // Same shape as the canvas, within rounding.
                    let ratio = small.width as f64 / small.height as f64;
                    assert!((ratio - 16.0 / 9.0).abs() < 0.05, "{small:?}");
                }
            }
        }
    }

    #[test]
    fn without_presenters_or_audience_the_presenter_layout_is_the_grid() {
        assert_eq!(presenter(0, 3, HD), grid(3, HD));
        assert_eq!(presenter(2, 0, HD), grid(2, HD));
    }
}
