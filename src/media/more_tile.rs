//! The "+N" tile: when a layout shows fewer members than the room has, one tile counts the
//! others. Built the first time it is needed and only hidden afterwards (an invisible
//! compositor input is not drawn).

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::compositor_pad;
use super::fragments::Fragment;
use super::layout::Rect;

/// The "+N" tile's colour: a dark grey-blue.
const MORE_ARGB: i64 = 0xff2e_3440;

pub struct MoreTile {
    pad: gst::Pad,
    label: gst::Element,
}

impl MoreTile {
    /// Adds the tile to a playing pipeline, hidden.
    pub fn add(
        pipeline: &gst::Pipeline,
        compositor: &gst::Element,
        framerate: i32,
    ) -> Result<Self> {
        let bin = Fragment::Card.build(
            "more-tile",
            &[("argb", MORE_ARGB), ("framerate", i64::from(framerate))],
        )?;
        let label = bin
            .by_name("label")
            .ok_or_else(|| anyhow!("the +N fragment has no label"))?;
        pipeline.add(&bin)?;
        let pad = compositor
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("compositor gave no pad for +N"))?;
        compositor_pad::hide(&pad);
        bin.static_pad("src")
            .ok_or_else(|| anyhow!("+N has no src"))?
            .link(&pad)
            .context("+N → compositor")?;
        bin.sync_state_with_parent()?;
        Ok(Self { pad, label })
    }

    /// Shows `+count` in `rect` above lower `zorder`s, or hides the tile.
    pub fn show(&self, more: Option<(Rect, usize, u32)>) {
        let Some((rect, count, zorder)) = more else {
            compositor_pad::hide(&self.pad);
            return;
        };
        self.label.set_property("text", format!("+{count}"));
        compositor_pad::show(&self.pad, rect, zorder);
    }
}
