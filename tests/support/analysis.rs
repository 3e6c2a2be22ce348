//! Pure helpers for judging received composites: colours in layout rectangles, and polling.
//!
//! Rectangles are given in the layout's 1280×720 coordinates and scaled to whatever size the
//! frame actually has, so a client that receives a smaller rendition is judged the same way.

use std::time::{Duration, Instant};

use connect_right::media::layout::{Rect, Size};

/// Width and height of the canvas that layout rectangles refer to.
pub const LAYOUT_WIDTH: usize = 1280;
pub const LAYOUT_HEIGHT: usize = 720;
/// The server's default composite, which layouts in the tests are computed for.
pub const CANVAS: Size = Size {
    width: LAYOUT_WIDTH as i32,
    height: LAYOUT_HEIGHT as i32,
};
/// The camera colours the test clients send, one per participant.
pub const RED: [u8; 3] = [255, 0, 0];
pub const GREEN: [u8; 3] = [0, 255, 0];
pub const BLUE: [u8; 3] = [0, 0, 255];

/// Tiles carry a name label in their bottom strip; only the top part is pure camera colour.
const TILE_TOP_FRACTION: f64 = 0.75;
/// Pixels (in layout coordinates) trimmed from each edge of a tile before sampling it.
const INSET: i32 = 4;
/// Width (in layout coordinates) of the band just outside a tile that must not be its colour.
const OUTSET: i32 = 4;
/// Per-channel tolerance for "the same colour" after two lossy encodes and YUV round trips.
pub const DEFAULT_TOLERANCE: u8 = 60;
/// Share of a tile's sampled pixels that must match its colour.
const FILL_FRACTION: f64 = 0.9;
/// Largest share of the outside band that may match the tile's colour (edges bleed a little).
const BAND_FRACTION: f64 = 0.25;

/// A decoded picture: tightly packed RGB, three bytes a pixel, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Frame {
    /// A frame of one colour.
    pub fn solid(width: usize, height: usize, colour: [u8; 3]) -> Self {
        let mut data = Vec::with_capacity(width * height * 3);
        for _ in 0..width * height {
            data.extend_from_slice(&colour);
        }
        Frame {
            width,
            height,
            data,
        }
    }

    /// Paints a rectangle given in frame pixel coordinates (clipped to the frame).
    pub fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, colour: [u8; 3]) {
        for row in y..(y + h).min(self.height) {
            for col in x..(x + w).min(self.width) {
                let i = (row * self.width + col) * 3;
                self.data[i..i + 3].copy_from_slice(&colour);
            }
        }
    }

    /// The pixel at (x, y) in frame coordinates, if inside.
    pub fn pixel(&self, x: usize, y: usize) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * 3;
        let p = self.data.get(i..i + 3)?;
        Some([p[0], p[1], p[2]])
    }

    /// True when the buffer holds exactly width × height RGB pixels.
    pub fn is_consistent(&self) -> bool {
        self.width > 0 && self.height > 0 && self.data.len() == self.width * self.height * 3
    }
}

/// A half-open pixel box [x0, x1) × [y0, y1) in frame coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PixelBox {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl PixelBox {
    fn contains(&self, x: usize, y: usize) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1
    }

    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

/// Scales layout coordinates (possibly outside the canvas) into a clipped frame box.
fn to_frame_box(frame: &Frame, x0: i32, y0: i32, x1: i32, y1: i32) -> PixelBox {
    let sx = frame.width as f64 / LAYOUT_WIDTH as f64;
    let sy = frame.height as f64 / LAYOUT_HEIGHT as f64;
    let clip = |v: f64, max: usize| v.round().clamp(0.0, max as f64) as usize;
    PixelBox {
        x0: clip(x0 as f64 * sx, frame.width),
        y0: clip(y0 as f64 * sy, frame.height),
        x1: clip(x1 as f64 * sx, frame.width),
        y1: clip(y1 as f64 * sy, frame.height),
    }
}

fn rect_box(frame: &Frame, r: &Rect) -> PixelBox {
    to_frame_box(frame, r.x, r.y, r.x + r.width, r.y + r.height)
}

/// The part of a tile that shows only camera colour: inset, and without the label strip.
fn sample_box(frame: &Frame, r: &Rect) -> PixelBox {
    let top = r.y + INSET;
    let bottom = r.y + (r.height as f64 * TILE_TOP_FRACTION) as i32;
    to_frame_box(frame, r.x + INSET, top, r.x + r.width - INSET, bottom)
}

/// Sampling step that keeps a check to a few thousand pixels per box.
fn step_for(b: &PixelBox) -> usize {
    let area = (b.x1 - b.x0) * (b.y1 - b.y0);
    ((area as f64 / 4096.0).sqrt().floor() as usize).max(1)
}

/// Mean colour of a rectangle given in 1280×720 layout coordinates, scaled to the frame.
pub fn mean_colour(frame: &Frame, rect: &Rect) -> Option<[u8; 3]> {
    mean_of_box(frame, &rect_box(frame, rect))
}

fn mean_of_box(frame: &Frame, b: &PixelBox) -> Option<[u8; 3]> {
    if b.is_empty() || !frame.is_consistent() {
        return None;
    }
    let step = step_for(b);
    let mut sum = [0u64; 3];
    let mut n = 0u64;
    for y in (b.y0..b.y1).step_by(step) {
        for x in (b.x0..b.x1).step_by(step) {
            let p = frame.pixel(x, y)?;
            for c in 0..3 {
                sum[c] += p[c] as u64;
            }
            n += 1;
        }
    }
    if n == 0 {
        return None;
    }
    Some([(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8])
}

/// True when every channel differs by at most `tol`.
pub fn colour_close(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b.iter()).all(|(x, y)| x.abs_diff(*y) <= tol)
}

/// Checks that each colour fills its tile and does not spill past it; `Err` says what is wrong.
///
/// A tile passes when at least 90 % of the pixels of its inset top part are within
/// [`DEFAULT_TOLERANCE`] of the expected colour. The 4 px band just outside it (clipped to
/// the frame, and leaving out pixels that belong to another expected tile) must not be mostly
/// that colour: this is what catches a stale layout whose tiles are bigger than expected.
pub fn tile_report(frame: &Frame, expected: &[(Rect, [u8; 3])]) -> Result<(), String> {
    if !frame.is_consistent() {
        return Err(format!(
            "frame buffer of {} bytes does not match {}x{}",
            frame.data.len(),
            frame.width,
            frame.height
        ));
    }
    let tiles: Vec<PixelBox> = expected.iter().map(|(r, _)| rect_box(frame, r)).collect();
    let mut problems = Vec::new();
    for (i, (rect, colour)) in expected.iter().enumerate() {
        let inner = sample_box(frame, rect);
        if inner.is_empty() {
            problems.push(format!("tile {i} {rect:?} is too small to sample"));
            continue;
        }
        let (matching, total) = count_matching(frame, grid_points(&inner), *colour);
        let fill = matching as f64 / total.max(1) as f64;
        if fill < FILL_FRACTION {
            let mean = mean_of_box(frame, &inner).unwrap_or([0, 0, 0]);
            problems.push(format!(
                "tile {i} {rect:?}: {:.0}% of pixels are {colour:?} (mean {mean:?})",
                fill * 100.0
            ));
        }
        let outer = to_frame_box(
            frame,
            rect.x - OUTSET,
            rect.y - OUTSET,
            rect.x + rect.width + OUTSET,
            rect.y + rect.height + OUTSET,
        );
        let band = ring_points(&outer, &tiles[i])
            .filter(|&(x, y)| !tiles.iter().any(|t| t.contains(x, y)));
        let (matching, total) = count_matching(frame, band, *colour);
        if total > 0 {
            let spill = matching as f64 / total as f64;
            if spill > BAND_FRACTION {
                problems.push(format!(
                    "tile {i} {rect:?}: {:.0}% of the band outside it is still {colour:?}",
                    spill * 100.0
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// True when [`tile_report`] finds nothing wrong.
pub fn tile_check(frame: &Frame, expected: &[(Rect, [u8; 3])]) -> bool {
    tile_report(frame, expected).is_ok()
}

/// A regular sample of a box's pixels, a few thousand at most.
fn grid_points(b: &PixelBox) -> impl Iterator<Item = (usize, usize)> + '_ {
    let step = step_for(b);
    (b.y0..b.y1)
        .step_by(step)
        .flat_map(move |y| (b.x0..b.x1).step_by(step).map(move |x| (x, y)))
}

/// Every pixel of `outer` that is not inside `inner` (the band around a tile).
fn ring_points<'a>(
    outer: &'a PixelBox,
    inner: &'a PixelBox,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    (outer.y0..outer.y1).flat_map(move |y| {
        let row_inside = y >= inner.y0 && y < inner.y1;
        let (left_end, right_start) = if row_inside {
            (inner.x0.max(outer.x0), inner.x1.min(outer.x1))
        } else {
            (outer.x1, outer.x1)
        };
        (outer.x0..left_end)
            .chain(right_start..outer.x1)
            .map(move |x| (x, y))
    })
}

/// Counts the given pixels and how many of them are close to `colour`.
fn count_matching(
    frame: &Frame,
    points: impl Iterator<Item = (usize, usize)>,
    colour: [u8; 3],
) -> (usize, usize) {
    let mut matching = 0;
    let mut total = 0;
    for (x, y) in points {
        let Some(p) = frame.pixel(x, y) else { continue };
        total += 1;
        if colour_close(p, colour, DEFAULT_TOLERANCE) {
            matching += 1;
        }
    }
    (matching, total)
}

/// Levels in dBFS of the tones `freqs` (Hz) in the most recent audio of `samples`.
///
/// Uses a Hann-windowed FFT of the last 32768 samples (16384 when fewer are there) and the
/// strongest bin within ±3 bins of each frequency; 0 dBFS is a full-scale sine. Returns
/// `None` when there are fewer than 16384 samples.
pub fn tone_levels(samples: &[f32], sample_rate: f64, freqs: &[f64]) -> Option<Vec<f64>> {
    let n = [32768usize, 16384]
        .into_iter()
        .find(|&n| samples.len() >= n)?;
    let recent = &samples[samples.len() - n..];
    let mut buf: Vec<rustfft::num_complex::Complex<f64>> = recent
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos();
            rustfft::num_complex::Complex::new(s as f64 * w, 0.0)
        })
        .collect();
    rustfft::FftPlanner::<f64>::new()
        .plan_fft_forward(n)
        .process(&mut buf);
    // A Hann window halves a sine's amplitude, and a real sine splits over ± frequencies.
    let full_scale = n as f64 / 4.0;
    let bin_hz = sample_rate / n as f64;
    Some(
        freqs
            .iter()
            .map(|&f| {
                let centre = (f / bin_hz).round() as i64;
                let peak = (centre - 3..=centre + 3)
                    .filter(|&k| k > 0 && (k as usize) < n / 2)
                    .map(|k| buf[k as usize].norm())
                    .fold(0.0f64, f64::max);
                20.0 * (peak.max(1e-12) / full_scale).log10()
            })
            .collect(),
    )
}

/// Polls `cond` every 50 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// [`wait_until`] for async code: sleeps on the runtime instead of blocking its thread.
pub async fn wait_until_async(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    poll_async(timeout, Duration::from_millis(50), || cond().then_some(()))
        .await
        .is_some()
}

/// Calls `probe` every `every` until it gives a value, or `timeout` passes (then `None`).
/// For conditions that cost a request or a decode, which are not worth making every 50 ms.
pub async fn poll_async<T>(
    timeout: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_right::media::layout::{Size, grid};

    const RED: [u8; 3] = [230, 20, 20];
    const GREEN: [u8; 3] = [20, 200, 30];
    const BLUE: [u8; 3] = [25, 30, 220];
    const BACKGROUND: [u8; 3] = [12, 12, 12];
    const HD: Size = Size {
        width: 1280,
        height: 720,
    };

    /// Paints tiles (layout coordinates) onto a frame of any size, with a dark label strip.
    fn composite(width: usize, height: usize, tiles: &[(Rect, [u8; 3])]) -> Frame {
        let mut f = Frame::solid(width, height, BACKGROUND);
        let sx = width as f64 / 1280.0;
        let sy = height as f64 / 720.0;
        for (r, c) in tiles {
            let x = (r.x as f64 * sx).round() as usize;
            let y = (r.y as f64 * sy).round() as usize;
            let w = (r.width as f64 * sx).round() as usize;
            let h = (r.height as f64 * sy).round() as usize;
            f.fill(x, y, w, h, *c);
            let strip = h * 15 / 100;
            f.fill(x, y + h - strip, w, strip, [40, 40, 40]);
        }
        f
    }

    fn three_tiles() -> Vec<(Rect, [u8; 3])> {
        grid(3, HD).into_iter().zip([RED, GREEN, BLUE]).collect()
    }

    #[test]
    fn a_correct_three_tile_composite_passes() {
        let expected = three_tiles();
        let frame = composite(1280, 720, &expected);
        assert_eq!(tile_report(&frame, &expected), Ok(()));
    }

    #[test]
    fn a_smaller_rendition_is_judged_in_layout_coordinates() {
        let expected = three_tiles();
        let frame = composite(640, 360, &expected);
        assert!(tile_check(&frame, &expected));
    }

    #[test]
    fn swapped_tiles_fail() {
        let expected = three_tiles();
        let swapped: Vec<_> = grid(3, HD).into_iter().zip([GREEN, RED, BLUE]).collect();
        let frame = composite(1280, 720, &swapped);
        assert!(!tile_check(&frame, &expected));
    }

    #[test]
    fn a_missing_tile_fails() {
        let expected = three_tiles();
        let frame = composite(1280, 720, &expected[..2]);
        let report = tile_report(&frame, &expected);
        assert!(report.is_err_and(|e| e.contains("tile 2")));
    }

    #[test]
    fn a_stale_bigger_layout_fails_the_outside_band() {
        // Two participants left in a three-tile layout still paint the grid(3) cells, but the
        // check expects grid(2): each tile's colour spills past the expected rectangle.
        let expected: Vec<_> = grid(2, HD).into_iter().zip([RED, GREEN]).collect();
        let mut frame = Frame::solid(1280, 720, BACKGROUND);
        frame.fill(0, 0, 640, 720, RED);
        frame.fill(640, 0, 640, 720, GREEN);
        let report = tile_report(&frame, &expected);
        assert!(report.is_err_and(|e| e.contains("band")));
    }

    #[test]
    fn two_tiles_side_by_side_pass() {
        let expected: Vec<_> = grid(2, HD).into_iter().zip([RED, GREEN]).collect();
        let frame = composite(1280, 720, &expected);
        assert!(tile_check(&frame, &expected));
    }

    #[test]
    fn a_speckled_tile_fails_even_when_its_mean_is_close() {
        let expected: Vec<_> = grid(1, HD).into_iter().zip([[128, 128, 128]]).collect();
        let mut frame = Frame::solid(1280, 720, [0, 0, 0]);
        for y in 0..720 {
            for x in 0..1280 {
                if (x + y) % 2 == 0 {
                    frame.fill(x, y, 1, 1, [255, 255, 255]);
                }
            }
        }
        let mean = mean_colour(&frame, &grid(1, HD)[0]).expect("non-empty rectangle");
        assert!(colour_close(mean, [128, 128, 128], 10), "{mean:?}");
        assert!(!tile_check(&frame, &expected));
    }

    #[test]
    fn an_inconsistent_buffer_fails() {
        let frame = Frame {
            width: 1280,
            height: 720,
            data: vec![0; 10],
        };
        assert!(!tile_check(&frame, &three_tiles()));
        assert_eq!(mean_colour(&frame, &grid(1, HD)[0]), None);
    }

    #[test]
    fn mean_colour_scales_layout_rectangles() {
        let mut frame = Frame::solid(640, 360, BACKGROUND);
        frame.fill(320, 0, 320, 180, BLUE);
        let r = Rect {
            x: 640,
            y: 0,
            width: 640,
            height: 360,
        };
        assert_eq!(mean_colour(&frame, &r), Some(BLUE));
    }

    #[test]
    fn colour_close_uses_the_largest_channel_difference() {
        assert!(colour_close([100, 100, 100], [110, 90, 100], 10));
        assert!(!colour_close([100, 100, 100], [111, 100, 100], 10));
    }

    #[test]
    fn wait_until_reports_success_and_timeout() {
        let mut n = 0;
        assert!(wait_until(Duration::from_secs(1), || {
            n += 1;
            n >= 3
        }));
        let start = Instant::now();
        assert!(!wait_until(Duration::from_millis(120), || false));
        assert!(start.elapsed() >= Duration::from_millis(120));
    }

    fn sine(freq: f64, amplitude: f32, seconds: f64) -> Vec<f32> {
        (0..(48000.0 * seconds) as usize)
            .map(|i| {
                amplitude * (2.0 * std::f64::consts::PI * freq * i as f64 / 48000.0).sin() as f32
            })
            .collect()
    }

    #[test]
    fn tone_levels_measure_a_sine_in_dbfs_and_ignore_absent_tones() {
        let mut mix = sine(500.0, 0.3, 1.0);
        for (m, s) in mix.iter_mut().zip(sine(1100.0, 0.03, 1.0)) {
            *m += s;
        }
        let levels = tone_levels(&mix, 48000.0, &[500.0, 700.0, 1100.0]).expect("enough samples");
        let expected_500 = 20.0 * 0.3f64.log10();
        assert!((levels[0] - expected_500).abs() < 1.6, "{levels:?}");
        assert!(levels[1] < -80.0, "{levels:?}");
        assert!(
            (levels[2] - (expected_500 - 20.0)).abs() < 1.6,
            "{levels:?}"
        );
    }

    #[test]
    fn tone_levels_need_enough_audio() {
        assert!(tone_levels(&sine(500.0, 0.3, 0.2), 48000.0, &[500.0]).is_none());
        assert!(tone_levels(&sine(500.0, 0.3, 0.4), 48000.0, &[500.0]).is_some());
    }
}
