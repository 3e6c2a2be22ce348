//! A bin hung off one or more of a room's tees: the recording, HLS and each RTMP tap attach
//! and detach the same way, so they share it here.
//!
//! Attaching adds and starts the bin before any tee feeds it (a tee pad linked to a bin that
//! is not yet playing would return NOT_LINKED or FLUSHING into the encoder), and leaves
//! nothing behind when a step fails. Detaching unlinks every input between two buffers, then
//! stops and removes the bin.

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::teardown;

/// A bin in the room's pipeline, fed by tee pads.
pub struct TeeBranch {
    bin: gst::Bin,
    /// Each input: the tee and the request pad it gave.
    inputs: Vec<(gst::Element, gst::Pad)>,
}

impl TeeBranch {
    /// Adds `bin` to `pipeline`, starts it, and links each tee to the bin's sink pad named
    /// beside it. On failure the bin is gone and every tee pad released.
    pub fn attach(
        pipeline: &gst::Pipeline,
        bin: gst::Bin,
        inputs: &[(&gst::Element, &str)],
    ) -> Result<Self> {
        pipeline.add(&bin)?;
        let mut branch = Self {
            bin,
            inputs: Vec::new(),
        };
        let started = branch
            .bin
            .sync_state_with_parent()
            .map_err(|err| anyhow!("{} did not start: {err}", branch.bin.name()))
            .and_then(|()| {
                inputs
                    .iter()
                    .try_for_each(|(tee, sink)| branch.link_input(tee, sink))
            });
        if let Err(err) = started {
            for (tee, pad) in branch.inputs.drain(..) {
                if let Some(peer) = pad.peer() {
                    let _ = pad.unlink(&peer);
                }
                tee.release_request_pad(&pad);
            }
            teardown::stop_for_good(&[branch.bin.clone().upcast()]);
            let _ = pipeline.remove(&branch.bin);
            return Err(err);
        }
        Ok(branch)
    }

    fn link_input(&mut self, tee: &gst::Element, sink: &str) -> Result<()> {
        let target = self
            .bin
            .static_pad(sink)
            .ok_or_else(|| anyhow!("{} has no pad {sink}", self.bin.name()))?;
        let pad = tee
            .request_pad_simple("src_%u")
            .ok_or_else(|| anyhow!("{} gave no pad", tee.name()))?;
        // Kept before linking, so that a failed link still releases the pad.
        self.inputs.push((tee.clone(), pad.clone()));
        pad.link(&target)
            .with_context(|| format!("{} → {} {sink}", tee.name(), self.bin.name()))?;
        Ok(())
    }

    pub fn bin(&self) -> &gst::Bin {
        &self.bin
    }

    /// Whether `object` (an element or pad that posted a message) belongs to this branch.
    pub fn contains(&self, object: &gst::Object) -> bool {
        object.has_as_ancestor(&self.bin)
    }

    /// Stops every tee feeding the branch, between two buffers; the bin stays, so that what
    /// it holds can still be drained (a muxer finishing its file).
    pub async fn unlink_inputs(&mut self) {
        for (tee, pad) in self.inputs.drain(..) {
            teardown::unlink_tee_pad(&tee, pad).await;
        }
    }

    /// Unlinks what is still linked, then stops and removes the bin.
    pub async fn detach(mut self, pipeline: &gst::Pipeline) {
        self.unlink_inputs().await;
        teardown::remove_elements(pipeline, vec![self.bin.upcast()]).await;
    }
}

/// Gives `bin` a sink ghost pad named `name` for each fragment's own `sink` pad.
pub fn ghost_sinks(bin: &gst::Bin, fragments: &[(&gst::Bin, &str)]) -> Result<()> {
    for (fragment, name) in fragments {
        let target = fragment
            .static_pad("sink")
            .ok_or_else(|| anyhow!("{} has no sink pad", fragment.name()))?;
        let ghost = gst::GhostPad::builder_with_target(&target)?
            .name(*name)
            .build();
        bin.add_pad(&ghost)?;
    }
    Ok(())
}

/// Drops `pad`'s delta frames until the first key frame, so that a file or a first segment
/// starts with a picture a player can decode.
pub fn start_at_key_frame(pad: &gst::Pad) {
    pad.add_probe(gst::PadProbeType::BUFFER, |_, info| match info.buffer() {
        Some(b) if b.flags().contains(gst::BufferFlags::DELTA_UNIT) => gst::PadProbeReturn::Drop,
        _ => gst::PadProbeReturn::Remove,
    });
}
