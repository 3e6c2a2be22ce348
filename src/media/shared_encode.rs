//! Encodes made on demand and shared by every receiver that needs them: the VP8 composite
//! for receivers without H.264, the Opus full mix that viewers hear, the AAC full mix that
//! broadcasts (HLS, RTMP) carry, and the smaller renditions of the composite. Each starts
//! with its first user and stops with its last, so an encode nobody receives costs nothing.

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::teardown;

/// Which shared encode a receiver uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SharedKind {
    /// The composite in VP8 (from the raw composite tee).
    Vp8,
    /// The full room mix in Opus (from the room-mix tee), for viewers.
    FullMixOpus,
    /// The full room mix in AAC (from the room-mix tee), for HLS and RTMP.
    FullMixAac,
    /// A smaller H.264 rendition of the composite (rung 1 or 2 of the ladder).
    Rendition(usize),
}

/// One running shared encode: a branch from `source` through `encoder` into `tee`.
pub struct SharedEncode {
    source: gst::Element,
    source_pad: gst::Pad,
    encoder: gst::Bin,
    tee: gst::Element,
    users: usize,
}

impl SharedEncode {
    /// Adds `encoder` and a tee named `tee_name` to `pipeline` and feeds them from `source`.
    pub fn start(
        pipeline: &gst::Pipeline,
        source: &gst::Element,
        encoder: gst::Bin,
        tee_name: &str,
    ) -> Result<Self> {
        let tee = super::tee::decoupled(tee_name)?;
        pipeline.add_many([encoder.upcast_ref::<gst::Element>(), &tee])?;
        encoder
            .link(&tee)
            .with_context(|| format!("{} → {tee_name}", encoder.name()))?;
        encoder.sync_state_with_parent()?;
        tee.sync_state_with_parent()?;
        let source_pad = source
            .request_pad_simple("src_%u")
            .ok_or_else(|| anyhow!("{} gave no pad", source.name()))?;
        let shared = Self {
            source: source.clone(),
            source_pad: source_pad.clone(),
            encoder: encoder.clone(),
            tee: tee.clone(),
            users: 1,
        };
        let enc_sink = encoder
            .static_pad("sink")
            .ok_or_else(|| anyhow!("{} has no sink", encoder.name()))?;
        source_pad
            .link(&enc_sink)
            .with_context(|| format!("{} → {}", source.name(), encoder.name()))?;
        Ok(shared)
    }

    /// The tee receivers attach to.
    pub fn tee(&self) -> &gst::Element {
        &self.tee
    }

    /// The encoder's output pad (key-frame requests go there).
    pub fn encoder_src(&self) -> Option<gst::Pad> {
        self.encoder.static_pad("src")
    }

    /// One more receiver uses it.
    pub fn add_user(&mut self) {
        self.users += 1;
    }

    /// One receiver stopped; true when nobody uses it any more.
    pub fn remove_user(&mut self) -> bool {
        self.users = self.users.saturating_sub(1);
        self.users == 0
    }

    /// Takes the branch out of the playing pipeline.
    pub async fn stop(self, pipeline: &gst::Pipeline) {
        teardown::unlink_tee_pad(&self.source, self.source_pad).await;
        teardown::remove_elements(pipeline, vec![self.encoder.upcast(), self.tee]).await;
    }
}
