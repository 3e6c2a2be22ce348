//! Layouts as data: each is a TOML file of regions of the canvas, and who each region
//! shows. The five built-in ones live in `pipelines/layouts/`; an operator adds more (or
//! replaces one) with files in the configured layouts folder. Pure: no GStreamer.
//!
//! ```toml
//! description = "The active speaker large, a strip of the others"
//! fallback = "grid"            # optional: used while the first region has nobody to show
//!
//! [[region]]
//! shows = ["share", "speaker", "first"]   # the first of these that has someone
//! area = [0.0, 0.0, 1.0, 0.8]             # x, y, width, height: fractions of the canvas
//! arrange = "grid"                        # grid (default), row or column
//! tiles = 1                               # at most this many tiles
//! ```
//!
//! Who a region can show: `share` (screen shares), `presenters`, `speaker` (the active
//! speaker), `first` (the first member in join order), `rest` (everyone not shown yet).
//! Regions are filled in order, and nobody is shown twice. When `rest` has more members than
//! tiles, the active and most recent speakers are shown and the last tile counts the others
//! ("+N").

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::layout::{Layout, MAX_TILES};

mod place;

pub use place::{Camera, Cast, Placement, place};

/// The layouts that ship with the server, as (name, TOML).
const BUILT_IN: [(&str, &str); 5] = [
    ("grid", include_str!("../../pipelines/layouts/grid.toml")),
    (
        "speaker",
        include_str!("../../pipelines/layouts/speaker.toml"),
    ),
    (
        "presenter",
        include_str!("../../pipelines/layouts/presenter.toml"),
    ),
    ("pip", include_str!("../../pipelines/layouts/pip.toml")),
    (
        "single",
        include_str!("../../pipelines/layouts/single.toml"),
    ),
];

/// Who a region shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shows {
    Share,
    Presenters,
    Speaker,
    First,
    Rest,
}

/// How a region's tiles are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrange {
    #[default]
    Grid,
    Row,
    Column,
}

/// One region of a layout.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub shows: Vec<Shows>,
    /// x, y, width, height as fractions of the canvas.
    pub area: [f64; 4],
    #[serde(default)]
    pub arrange: Arrange,
    pub tiles: usize,
}

/// One layout, as its file says.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutSpec {
    #[serde(default)]
    pub description: String,
    /// The layout used while the first region has nobody to show.
    pub fallback: Option<Layout>,
    #[serde(rename = "region")]
    pub regions: Vec<Region>,
}

/// What `GET /api/layouts` says of a layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutInfo {
    pub name: String,
    pub description: String,
    pub built_in: bool,
}

/// A layout file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("cannot read the layouts folder {folder}: {source}")]
    Folder {
        folder: String,
        source: std::io::Error,
    },
}

/// Every layout the server has.
#[derive(Debug, Clone)]
pub struct Layouts {
    specs: BTreeMap<Layout, (LayoutSpec, bool)>,
}

impl Layouts {
    /// The built-in layouts only.
    pub fn built_in() -> Self {
        let mut specs = BTreeMap::new();
        for (name, text) in BUILT_IN {
            // The built-in files are tested below; a broken one fails every test run.
            if let Ok(spec) = parse(name, text) {
                specs.insert(Layout::from_stored(name), (spec, true));
            }
        }
        Self { specs }
    }

    /// The built-in layouts plus every `*.toml` in `folder` (its stem is the name; a file
    /// named like a built-in replaces it).
    pub fn load(folder: Option<&Path>) -> Result<Self, LayoutError> {
        let mut layouts = Self::built_in();
        let Some(folder) = folder else {
            return Ok(layouts);
        };
        let folder_error = |source| LayoutError::Folder {
            folder: folder.display().to_string(),
            source,
        };
        for entry in std::fs::read_dir(folder).map_err(folder_error)? {
            let path = entry.map_err(folder_error)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let file = path.display().to_string();
            let invalid = |message: String| LayoutError::Invalid {
                file: file.clone(),
                message,
            };
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let name = Layout::parse(stem).map_err(|e| invalid(e.to_string()))?;
            let text = std::fs::read_to_string(&path).map_err(|e| invalid(e.to_string()))?;
            let spec = parse(stem, &text).map_err(|e| invalid(e.to_string()))?;
            layouts.specs.insert(name, (spec, false));
        }
        layouts.check_fallbacks()?;
        Ok(layouts)
    }

    fn check_fallbacks(&self) -> Result<(), LayoutError> {
        for (name, (spec, _)) in &self.specs {
            let Some(fallback) = &spec.fallback else {
                continue;
            };
            let invalid = |message: String| LayoutError::Invalid {
                file: format!("{name}.toml"),
                message,
            };
            match self.specs.get(fallback) {
                None => return Err(invalid(format!("no layout {fallback} to fall back to"))),
                Some((target, _)) if target.fallback.is_some() => {
                    return Err(invalid(format!(
                        "{fallback} has a fallback of its own; a fallback must not"
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub fn contains(&self, name: &Layout) -> bool {
        self.specs.contains_key(name)
    }

    /// Every layout, by name.
    pub fn list(&self) -> Vec<LayoutInfo> {
        self.specs
            .iter()
            .map(|(name, (spec, built_in))| LayoutInfo {
                name: name.to_string(),
                description: spec.description.clone(),
                built_in: *built_in,
            })
            .collect()
    }

    /// The spec to draw `name` with now: its fallback while its first region has nobody, and
    /// the grid for a name the server does not have.
    pub fn resolve(&self, name: &Layout, cast: &Cast) -> &LayoutSpec {
        let grid = &self.specs[&Layout::grid()].0;
        let Some((spec, _)) = self.specs.get(name) else {
            return grid;
        };
        match &spec.fallback {
            Some(fallback) if !place::first_region_has_someone(spec, cast) => {
                self.specs.get(fallback).map_or(grid, |(s, _)| s)
            }
            _ => spec,
        }
    }
}

/// Parses and checks one layout file.
fn parse(name: &str, text: &str) -> Result<LayoutSpec, String> {
    let spec: LayoutSpec = toml::from_str(text).map_err(|e| e.to_string())?;
    if spec.regions.is_empty() {
        return Err(format!("layout {name} has no [[region]]"));
    }
    for (i, region) in spec.regions.iter().enumerate() {
        let [x, y, w, h] = region.area;
        let inside = (0.0..=1.0).contains(&x)
            && (0.0..=1.0).contains(&y)
            && w > 0.0
            && h > 0.0
            && x + w <= 1.0 + 1e-9
            && y + h <= 1.0 + 1e-9;
        if !inside {
            return Err(format!(
                "region {} of {name}: area must lie inside [0, 1]",
                i + 1
            ));
        }
        if region.tiles == 0 || region.tiles > MAX_TILES {
            return Err(format!(
                "region {} of {name}: tiles must be 1 to {MAX_TILES}",
                i + 1
            ));
        }
        if region.shows.is_empty() {
            return Err(format!("region {} of {name}: shows nobody", i + 1));
        }
    }
    Ok(spec)
}

#[cfg(test)]
#[path = "layouts/tests.rs"]
mod tests;
