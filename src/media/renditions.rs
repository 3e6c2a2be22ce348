//! The rendition ladder: the sizes the composite is encoded at (`pipelines/renditions.conf`).
//!
//! Rung 0 is the room's own encode at the canvas size; the file adds up to two smaller ones.
//! Each receiver is on exactly one rung at a time (see `rate_control`), and a smaller rung is
//! encoded only while someone is on it.

use serde::Serialize;

use crate::config::MediaSettings;

/// The ladder as shipped, embedded at build time like the other pipeline fragments.
const LADDER_TEXT: &str = include_str!("../../pipelines/renditions.conf");
/// At most this many rungs, the top one included.
pub const MAX_RUNGS: usize = 3;

/// One size of the composite.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendition {
    pub name: String,
    pub width: i32,
    pub height: i32,
    #[serde(skip)]
    #[cfg_attr(test, ts(skip))]
    pub bitrate_kbps: u32,
}

/// The rungs of one room, largest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    rungs: Vec<Rendition>,
}

/// A line of the ladder file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("renditions.conf line {line}: {reason}")]
pub struct LadderError {
    line: usize,
    reason: String,
}

impl Ladder {
    /// The shipped ladder for a room with `settings`' canvas.
    pub fn for_room(settings: &MediaSettings) -> Self {
        // The shipped file is checked by a unit test, so a parse error here means a build
        // with a broken file; the room then still works with its one encode.
        Self::parse(LADDER_TEXT, settings).unwrap_or_else(|err| {
            tracing::error!(%err, "rendition ladder unusable; only the full size is offered");
            Self {
                rungs: vec![top(settings)],
            }
        })
    }

    /// Parses ladder text for the canvas of `settings`.
    pub fn parse(text: &str, settings: &MediaSettings) -> Result<Self, LadderError> {
        let mut rungs = vec![top(settings)];
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |reason: &str| LadderError {
                line: index + 1,
                reason: reason.to_owned(),
            };
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [name, width, height, kbps] = fields[..] else {
                return Err(bad("expected: name width height kbit/s"));
            };
            let valid_name = (1..=16).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !valid_name || rungs.iter().any(|r| r.name == name) {
                return Err(bad(
                    "names are 1-16 lowercase letters or digits, each used once",
                ));
            }
            let (Ok(width), Ok(height), Ok(bitrate_kbps)) = (
                width.parse::<i32>(),
                height.parse::<i32>(),
                kbps.parse::<u32>(),
            ) else {
                return Err(bad("width, height and kbit/s are whole numbers"));
            };
            if width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0 {
                return Err(bad("sizes are even and at least 16"));
            }
            if !(50..=20_000).contains(&bitrate_kbps) {
                return Err(bad("kbit/s must be 50..=20000"));
            }
            let Some(last) = rungs.last() else {
                return Err(bad("no top rendition"));
            };
            if width >= last.width || height >= last.height {
                // A rung as large as the one above is no smaller rendition (e.g. a small
                // canvas): skipped, not an error, so one file serves every canvas size.
                continue;
            }
            if bitrate_kbps >= last.bitrate_kbps {
                return Err(bad("each rung needs a lower bit rate than the one above"));
            }
            if rungs.len() == MAX_RUNGS {
                return Err(bad("at most two renditions below the full size"));
            }
            rungs.push(Rendition {
                name: name.to_owned(),
                width,
                height,
                bitrate_kbps,
            });
        }
        Ok(Self { rungs })
    }

    pub fn rungs(&self) -> &[Rendition] {
        &self.rungs
    }

    pub fn len(&self) -> usize {
        self.rungs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rungs.is_empty()
    }

    /// The rung named `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.rungs.iter().position(|r| r.name == name)
    }

    /// Nominal bit rates, largest first (what the rate controller weighs).
    pub fn bitrates_kbps(&self) -> Vec<u32> {
        self.rungs.iter().map(|r| r.bitrate_kbps).collect()
    }
}

/// The room's own encode.
fn top(settings: &MediaSettings) -> Rendition {
    Rendition {
        name: "high".to_owned(),
        width: settings.width,
        height: settings.height,
        bitrate_kbps: settings.video_bitrate_kbps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(width: i32, height: i32) -> MediaSettings {
        MediaSettings {
            width,
            height,
            ..MediaSettings::default()
        }
    }

    #[test]
    fn the_shipped_ladder_has_three_rungs_at_720p() {
        let ladder = Ladder::parse(LADDER_TEXT, &settings(1280, 720)).expect("parses");
        let sizes: Vec<_> = ladder
            .rungs()
            .iter()
            .map(|r| (r.name.as_str(), r.width, r.height))
            .collect();
        assert_eq!(
            sizes,
            [("high", 1280, 720), ("medium", 640, 360), ("low", 320, 180)]
        );
        assert_eq!(ladder.position("low"), Some(2));
        assert_eq!(ladder.position("tiny"), None);
    }

    #[test]
    fn rungs_not_smaller_than_the_canvas_are_left_out() {
        let ladder = Ladder::parse(LADDER_TEXT, &settings(640, 360)).expect("parses");
        let names: Vec<_> = ladder.rungs().iter().map(|r| r.name.clone()).collect();
        assert_eq!(names, ["high", "low"]);
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let s = settings(1280, 720);
        for (text, line) in [
            ("medium 640 360", 1),
            ("# c\nmedium 641 360 500", 2),
            ("Medium 640 360 500", 1),
            ("medium 640 360 500\nmedium 320 180 150", 2),
            ("medium 640 360 500\nlow 320 180 900", 2),
            ("medium 640 360 x", 1),
            ("a 640 360 500\nb 320 180 150\nc 160 90 60", 3),
        ] {
            let err = Ladder::parse(text, &s).expect_err(text);
            assert_eq!(err.line, line, "{text}: {err}");
        }
    }
}
