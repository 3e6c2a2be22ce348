//! Placing and hiding a compositor input: its rectangle, its stacking and its visibility.

use gst::prelude::*;

use super::layout::Rect;

/// Shows the input at `rect`, drawn above lower `zorder`s (the background is 0).
pub fn show(pad: &gst::Pad, rect: Rect, zorder: u32) {
    pad.set_property("xpos", rect.x);
    pad.set_property("ypos", rect.y);
    pad.set_property("width", rect.width);
    pad.set_property("height", rect.height);
    pad.set_property("zorder", zorder.max(1));
    pad.set_property("alpha", 1.0f64);
}

/// Hides the input: a fully transparent input is not drawn at all.
pub fn hide(pad: &gst::Pad) {
    pad.set_property("alpha", 0.0f64);
}
