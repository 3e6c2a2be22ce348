//! How a room's composite is laid out, and how many tiles it holds.

use serde::{Deserialize, Serialize};

/// Most tiles in one composite (a 4×4 grid); a room admits at most this many participants.
pub const MAX_TILES: usize = 16;

/// How a room's composite is laid out by default.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Everyone in an equal grid.
    Grid,
    /// Presenters large, everyone else in a strip below.
    Presenter,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Grid => "grid",
            Layout::Presenter => "presenter",
        }
    }

    pub fn parse(s: &str) -> Self {
        if s == "presenter" {
            Layout::Presenter
        } else {
            Layout::Grid
        }
    }
}
