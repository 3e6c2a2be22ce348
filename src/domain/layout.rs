//! How a room's composite is laid out (by name), and how many tiles it holds.

use serde::{Deserialize, Serialize};

/// Most tiles in one composite (a 5×5 grid).
pub const MAX_TILES: usize = 25;

/// The most participants a room can be configured for; beyond the tiles a layout has, the
/// active and recent speakers are shown and a "+N" tile counts the others.
pub const MAX_PARTICIPANTS: usize = 50;

/// The most characters of a layout's name.
const MAX_NAME: usize = 32;

/// A layout's name: `[a-z0-9_-]{1,32}`. Built in are `grid`, `speaker`, `presenter`, `pip`
/// and `single`; an operator may add more (see docs/layouts.md).
#[cfg_attr(test, derive(ts_rs::TS))]
// A newtype serialises as its string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Layout(String);

/// Read as a string, checked like [`Layout::parse`].
impl<'de> Deserialize<'de> for Layout {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Layout::parse(&name).map_err(serde::de::Error::custom)
    }
}

/// A name that cannot be a layout's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a layout name is 1 to {MAX_NAME} of a-z, 0-9, _ and -")]
pub struct BadLayoutName;

impl Layout {
    /// The plain grid, every room's default.
    pub fn grid() -> Self {
        Layout("grid".into())
    }

    pub fn parse(name: &str) -> Result<Self, BadLayoutName> {
        let valid = !name.is_empty()
            && name.len() <= MAX_NAME
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if valid {
            Ok(Layout(name.to_owned()))
        } else {
            Err(BadLayoutName)
        }
    }

    /// A stored name, or the grid if it is not one (a row written by hand).
    pub fn from_stored(name: &str) -> Self {
        Self::parse(name).unwrap_or_else(|_| Self::grid())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self::grid()
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_lowercase_words() {
        for good in ["grid", "pip", "two_up", "web-3", &"a".repeat(32)] {
            assert!(Layout::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "Grid", "a b", "ü", "../x", &"a".repeat(33)] {
            assert_eq!(Layout::parse(bad), Err(BadLayoutName), "{bad}");
        }
        assert_eq!(Layout::from_stored("Not A Name"), Layout::grid());
    }
}
