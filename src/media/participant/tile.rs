//! A participant's tile: its decoded camera with a name strip, or its placeholder while there
//! is no live camera (off, audio only, or no picture for [`STALL`]), placed by the layout.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::{ParticipantMedia, VideoInput, link_ghost, now_ms};
use crate::media::compositor_pad;
use crate::media::fragments::Fragment;
use crate::media::layout::Rect;
use crate::media::pipeline::RoomPipeline;
use crate::media::placeholder::Placeholder;

/// A camera that gave no picture for this long shows the placeholder instead; a member whose
/// offer brings video gets as long for its camera to arrive before the placeholder is built.
pub const STALL_MS: u64 = 2000;

/// What a member's tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    Camera,
    Placeholder,
    /// Nothing yet: the camera it offered has not had [`STALL_MS`] to arrive.
    Waiting,
}

impl ParticipantMedia {
    /// Builds the camera's decode chain (hidden until the room places it) and links `pad`,
    /// the incoming stream, into it.
    pub(super) fn attach_camera(
        &mut self,
        room: &RoomPipeline,
        pad: &gst::Pad,
        caps: &gst::Caps,
        fragment: Fragment,
    ) -> Result<()> {
        // Every camera is scaled (letterboxed) to half the canvas, the tile size of the
        // common 2×2 grid; the compositor scales that to the actual tile.
        let bin = fragment.build(
            &format!("{}-video-in", self.prefix),
            &[
                ("width", (room.canvas.width / 2) as i64 & !1),
                ("height", (room.canvas.height / 2) as i64 & !1),
            ],
        )?;
        let label = bin.by_name("label");
        if let Some(label) = &label {
            // Pango draws about 2.5 px per point: h/30 points is a strip of roughly 8 % of
            // the tile's height.
            let points = (room.canvas.height / 2 / 30).clamp(6, 28);
            label.set_property("font-desc", format!("Sans Bold {points}"));
        }
        room.pipeline.add(&bin)?;
        let compositor_pad = room
            .compositor
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("compositor gave no pad"))?;
        let seen_ms = Arc::new(AtomicU64::new(now_ms()));
        let seen = seen_ms.clone();
        let src = bin
            .static_pad("src")
            .ok_or_else(|| anyhow!("decoder has no src"))?;
        src.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
            seen.store(now_ms(), Ordering::Relaxed);
            gst::PadProbeReturn::Ok
        });
        self.video_in = Some(VideoInput {
            bin: bin.clone(),
            compositor_pad: compositor_pad.clone(),
            label,
            seen_ms,
        });
        self.write_label();
        // Unseen until the room places it.
        compositor_pad::hide(&compositor_pad);
        link_ghost(&bin, "src", &compositor_pad)?;
        bin.sync_state_with_parent()?;
        pad.link(
            &bin.static_pad("sink")
                .ok_or_else(|| anyhow!("decoder has no sink"))?,
        )
        .with_context(|| format!("webrtcbin ({caps}) → video decoder"))?;
        Ok(())
    }

    /// Whether the camera gave a picture within [`STALL_MS`].
    pub fn camera_live(&self) -> bool {
        self.video_in
            .as_ref()
            .is_some_and(|v| now_ms().saturating_sub(v.seen_ms.load(Ordering::Relaxed)) <= STALL_MS)
    }

    /// What the tile shows now, with the member's camera switched on (`camera`) or off.
    pub fn tile_kind(&self, camera: bool) -> TileKind {
        let offered_video = self
            .plan
            .as_ref()
            .is_some_and(|plan| plan.iter().any(|c| c.is_video()));
        let waited = now_ms().saturating_sub(self.negotiated_ms);
        if camera && self.camera_live() {
            TileKind::Camera
        } else if camera && self.video_in.is_none() && offered_video && waited < STALL_MS {
            TileKind::Waiting
        } else {
            TileKind::Placeholder
        }
    }

    /// Shows the tile at `rect` above lower `zorder`s: the camera when `camera` is on and
    /// live, else the placeholder (built only when first needed: a hidden one still runs).
    /// Only compositor pads change, so a re-layout never renegotiates caps mid-stream.
    pub fn show_tile(&mut self, room: &RoomPipeline, rect: Rect, zorder: u32, camera: bool) {
        let kind = self.tile_kind(camera);
        if let Some(input) = &self.video_in {
            if kind == TileKind::Camera {
                compositor_pad::show(&input.compositor_pad, rect, zorder);
            } else {
                compositor_pad::hide(&input.compositor_pad);
            }
        }
        if kind == TileKind::Placeholder {
            if let Some(placeholder) = self.placeholder(room) {
                placeholder.show(rect, zorder);
            }
        } else if let Some(placeholder) = &self.placeholder {
            placeholder.hide();
        }
    }

    /// Takes the tile off the composite (the layout does not show this participant).
    pub fn hide_tile(&self) {
        if let Some(input) = &self.video_in {
            compositor_pad::hide(&input.compositor_pad);
        }
        if let Some(placeholder) = &self.placeholder {
            placeholder.hide();
        }
    }

    /// Marks the tile as muted, or not.
    pub fn set_muted(&mut self, muted: bool) {
        self.muted = muted;
        self.write_label();
        if let Some(placeholder) = &self.placeholder {
            placeholder.set_muted(muted);
        }
    }

    fn write_label(&self) {
        let Some(label) = self.video_in.as_ref().and_then(|v| v.label.as_ref()) else {
            return;
        };
        // textoverlay reads Pango markup: escape, so a name always shows as typed.
        let name = gst::glib::markup_escape_text(&self.name);
        let text = if self.muted {
            format!("{name} · muted")
        } else {
            name.to_string()
        };
        label.set_property("text", text);
    }

    /// The placeholder, built the first time it is needed.
    fn placeholder(&mut self, room: &RoomPipeline) -> Option<&Placeholder> {
        if self.placeholder.is_none() {
            match Placeholder::add(
                &room.pipeline,
                &room.compositor,
                &self.prefix,
                &self.name,
                room.settings.framerate,
            ) {
                Ok(placeholder) => {
                    placeholder.set_muted(self.muted);
                    self.placeholder = Some(placeholder);
                }
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "no placeholder tile"),
            }
        }
        self.placeholder.as_ref()
    }
}
