//! Tees whose branches can never hold up what feeds them.
//!
//! Every branch of a room's tees starts with a queue, so buffers never wait on a slow or
//! blocked branch. Serialized queries do: a queue holds an ALLOCATION query until its own
//! streaming thread has passed it on, and a tee asks every branch. A receiver whose
//! `webrtcbin` has not finished DTLS blocks its sender's thread, so an allocation query from
//! the encoder (sent whenever a new branch makes it renegotiate) waited for that receiver,
//! the encoder's queue then waited for the encoder, the compositor for that queue, and every
//! other participant's picture froze until the unconnected one was removed.
//!
//! The tee therefore answers serialized queries itself: each branch decouples with its own
//! queue and allocates its own buffers, so there is nothing to aggregate.

use anyhow::{Result, anyhow};
use gst::prelude::*;

use super::fragments::make;

/// A tee named `name` that tolerates unlinked branches and answers serialized queries
/// (ALLOCATION, DRAIN) without asking its branches.
pub fn decoupled(name: &str) -> Result<gst::Element> {
    let tee = make("tee", name)?;
    tee.set_property("allow-not-linked", true);
    let sink = tee
        .static_pad("sink")
        .ok_or_else(|| anyhow!("tee {name} has no sink pad"))?;
    sink.add_probe(gst::PadProbeType::QUERY_DOWNSTREAM, |_, info| {
        match info.query() {
            // Answered as is: no pool and no metas proposed, so upstream allocates its own.
            Some(query) if query.is_serialized() => gst::PadProbeReturn::Handled,
            _ => gst::PadProbeReturn::Ok,
        }
    });
    Ok(tee)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// A branch whose streaming thread is stuck (as a sender is until DTLS completes) must not
    /// make an allocation query at the tee wait.
    #[test]
    fn an_allocation_query_does_not_wait_for_a_blocked_branch() {
        gst::init().expect("GStreamer initialises");
        let pipeline = gst::Pipeline::new();
        let src = make("videotestsrc", "src").expect("videotestsrc");
        src.set_property("is-live", true);
        let tee = decoupled("tee").expect("tee");
        let queue = make("queue", "branch").expect("queue");
        let sink = make("fakesink", "sink").expect("fakesink");
        sink.set_property("async", false);
        pipeline
            .add_many([&src, &tee, &queue, &sink])
            .expect("elements added");
        gst::Element::link_many([&src, &tee, &queue, &sink]).expect("linked");

        let (blocked_tx, blocked_rx) = mpsc::channel();
        let queue_src = queue.static_pad("src").expect("queue src");
        queue_src.add_probe(gst::PadProbeType::BLOCK_DOWNSTREAM, move |_, _| {
            let _ = blocked_tx.send(());
            gst::PadProbeReturn::Ok
        });
        pipeline.set_state(gst::State::Playing).expect("plays");
        blocked_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the branch's thread is blocked");

        let (answered_tx, answered_rx) = mpsc::channel();
        let tee_sink = tee.static_pad("sink").expect("tee sink");
        std::thread::spawn(move || {
            let caps = gst::Caps::builder("video/x-raw").build();
            let mut query = gst::query::Allocation::new(Some(&caps), true);
            let _ = answered_tx.send(tee_sink.query(&mut query));
        });
        let answered = answered_rx.recv_timeout(Duration::from_secs(2));
        pipeline.set_state(gst::State::Null).expect("stops");
        assert_eq!(
            answered,
            Ok(true),
            "the allocation query was answered at once"
        );
    }
}
