//! The "+N" tile: when a layout shows fewer members than the room has, one tile counts the
//! others. Built the first time it is needed and only hidden afterwards (an invisible
//! compositor input is not drawn).

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::fragments::Fragment;
use super::layout::Rect;

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
        let bin = Fragment::MoreTile.build("more-tile", &[("framerate", i64::from(framerate))])?;
        let label = bin
            .by_name("label")
            .ok_or_else(|| anyhow!("the +N fragment has no label"))?;
        pipeline.add(&bin)?;
        let pad = compositor
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("compositor gave no pad for +N"))?;
        pad.set_property("alpha", 0.0f64);
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
            self.pad.set_property("alpha", 0.0f64);
            return;
        };
        self.label.set_property("text", format!("+{count}"));
        self.pad.set_property("xpos", rect.x);
        self.pad.set_property("ypos", rect.y);
        self.pad.set_property("width", rect.width);
        self.pad.set_property("height", rect.height);
        self.pad.set_property("zorder", zorder.max(1));
        self.pad.set_property("alpha", 1.0f64);
    }
}
