//! A receiver's composite feed that can move between renditions without a broken picture.
//!
//! Every rung the receiver is on, or moving to, has a branch from its tee into the receiver's
//! `funnel`, ahead of the receiver's own payloader. A probe on each branch lets through only
//! the active rung's buffers. A move requests a key frame on the new rung and keeps the old
//! one flowing until that key frame arrives; in the same streaming call the new rung becomes
//! active, so the receiver's decoder gets an unbroken sequence: old frames, then a key frame
//! (with its SPS/PPS) at the new size. The room then takes the old branch away; a rung nobody
//! is on any more stops encoding.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

use super::events::MediaEvent;
use super::fragments::make;
use super::pipeline::RoomPipeline;
use super::teardown;

/// No branch waiting for its key frame.
const NONE: u64 = 0;

/// One rung's branch into the funnel.
struct Branch {
    id: u64,
    rung: usize,
    tee: gst::Element,
    tee_pad: gst::Pad,
    funnel_pad: gst::Pad,
}

/// The switchable feed of one receiver.
pub struct VideoFeed {
    funnel: gst::Element,
    participant: Uuid,
    events: UnboundedSender<MediaEvent>,
    /// The branch whose buffers pass.
    active: Arc<AtomicU64>,
    /// The branch that takes over at its first key frame.
    wanted: Arc<AtomicU64>,
    branches: Vec<Branch>,
    next_id: u64,
}

impl VideoFeed {
    /// Feeds `sink` (the receiver's sender) from the top rung through a new funnel.
    pub async fn start(
        room: &mut RoomPipeline,
        name: &str,
        sink: &gst::Pad,
        participant: Uuid,
        events: UnboundedSender<MediaEvent>,
    ) -> Result<Self> {
        let funnel = make("funnel", name)?;
        room.pipeline.add(&funnel)?;
        funnel
            .static_pad("src")
            .ok_or_else(|| anyhow!("funnel has no src"))?
            .link(sink)
            .context("funnel → sender")?;
        funnel.sync_state_with_parent()?;
        let mut feed = Self {
            funnel,
            participant,
            events,
            active: Arc::new(AtomicU64::new(1)),
            wanted: Arc::new(AtomicU64::new(NONE)),
            branches: Vec::new(),
            next_id: 1,
        };
        feed.add_branch(room, 0).await?;
        Ok(feed)
    }

    /// The funnel every rung's branch goes into.
    pub fn funnel(&self) -> &gst::Element {
        &self.funnel
    }

    /// The rung whose frames the receiver gets now.
    pub fn rung(&self) -> usize {
        let active = self.active.load(Ordering::Acquire);
        self.branches
            .iter()
            .find(|b| b.id == active)
            .map_or(0, |b| b.rung)
    }

    /// Starts moving the receiver to `rung`; it gets there at that rung's next key frame
    /// (asked for now), and the room hears [`MediaEvent::RungSwitched`].
    pub async fn switch_to(&mut self, room: &mut RoomPipeline, rung: usize) -> Result<()> {
        let wanted = self.wanted.load(Ordering::Acquire);
        if let Some(pending) = self.branches.iter().find(|b| b.id == wanted) {
            if pending.rung == rung {
                return Ok(());
            }
        } else if self.rung() == rung {
            return Ok(());
        }
        let id = self.add_branch(room, rung).await?;
        if let Some(branch) = self.branches.iter().find(|b| b.id == id) {
            super::keyframes::request_keyframe(&branch.tee_pad);
        }
        Ok(())
    }

    /// Adds a branch from `rung`'s tee. The first branch is active at once; later ones wait
    /// for a key frame.
    async fn add_branch(&mut self, room: &mut RoomPipeline, rung: usize) -> Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let tee = room.acquire_rung(rung)?;
        // A rung acquired here is released by `remove_branch`, or just below if no pads.
        let (tee_pad, funnel_pad) = match (
            tee.request_pad_simple("src_%u"),
            self.funnel.request_pad_simple("sink_%u"),
        ) {
            (Some(t), Some(f)) => (t, f),
            (t, f) => {
                if let Some(t) = t {
                    tee.release_request_pad(&t);
                }
                if let Some(f) = f {
                    self.funnel.release_request_pad(&f);
                }
                room.release_rung(rung).await;
                return Err(anyhow!("no pad for rung {rung}"));
            }
        };
        if id > 1 {
            self.wanted.store(id, Ordering::Release);
        }
        self.gate(&tee_pad, id);
        // Recorded before linking, so that a failed link is still cleaned up.
        self.branches.push(Branch {
            id,
            rung,
            tee: tee.clone(),
            tee_pad: tee_pad.clone(),
            funnel_pad: funnel_pad.clone(),
        });
        tee_pad
            .link(&funnel_pad)
            .with_context(|| format!("{} → feed", tee.name()))?;
        Ok(id)
    }

    /// The probe that passes only the active branch and hands over at a key frame.
    fn gate(&self, tee_pad: &gst::Pad, id: u64) {
        let active = self.active.clone();
        let wanted = self.wanted.clone();
        let events = self.events.clone();
        let participant = self.participant;
        tee_pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            if active.load(Ordering::Acquire) == id {
                return gst::PadProbeReturn::Ok;
            }
            let key = info
                .buffer()
                .is_some_and(|b| !b.flags().contains(gst::BufferFlags::DELTA_UNIT));
            if key
                && wanted
                    .compare_exchange(id, NONE, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                active.store(id, Ordering::Release);
                let _ = events.send(MediaEvent::RungSwitched { participant });
                return gst::PadProbeReturn::Ok;
            }
            gst::PadProbeReturn::Drop
        });
    }

    /// Takes away the branches that are neither active nor about to be.
    pub async fn prune(&mut self, room: &mut RoomPipeline) {
        let active = self.active.load(Ordering::Acquire);
        let wanted = self.wanted.load(Ordering::Acquire);
        let (keep, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.branches)
            .into_iter()
            .partition(|b| b.id == active || b.id == wanted);
        self.branches = keep;
        for branch in gone {
            self.remove_branch(room, branch).await;
        }
    }

    async fn remove_branch(&self, room: &mut RoomPipeline, branch: Branch) {
        teardown::unlink_tee_pad(&branch.tee, branch.tee_pad).await;
        self.funnel.release_request_pad(&branch.funnel_pad);
        room.release_rung(branch.rung).await;
    }

    /// Removes every branch; the funnel goes with the rest of the receiver's elements.
    pub async fn teardown(mut self, room: &mut RoomPipeline) {
        for branch in std::mem::take(&mut self.branches) {
            self.remove_branch(room, branch).await;
        }
    }
}
