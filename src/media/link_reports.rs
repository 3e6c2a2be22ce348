//! What a receiver's link carries: bytes we sent it, and the RTCP feedback it sends back.
//!
//! Both are counted on GStreamer's streaming threads and handed to the room task as
//! [`MediaEvent::LinkReport`]s, where the rate controller weighs them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, anyhow};
use gst::prelude::*;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

use super::events::MediaEvent;

/// Counts the bytes of RTP leaving `sender` (a payloader bin) into the receiver's webrtcbin.
pub fn count_sent(sender: &gst::Bin) -> Result<Arc<AtomicU64>> {
    let bytes = Arc::new(AtomicU64::new(0));
    let counter = bytes.clone();
    sender
        .static_pad("src")
        .ok_or_else(|| anyhow!("sender has no src"))?
        .add_probe(
            gst::PadProbeType::BUFFER | gst::PadProbeType::BUFFER_LIST,
            move |_, info| {
                let size = match &info.data {
                    Some(gst::PadProbeData::Buffer(b)) => b.size(),
                    Some(gst::PadProbeData::BufferList(l)) => l.calculate_size(),
                    _ => 0,
                };
                counter.fetch_add(size as u64, Ordering::Relaxed);
                gst::PadProbeReturn::Ok
            },
        );
    Ok(bytes)
}

/// Reports every RTCP packet from the receiver that speaks of `ssrc` (our video stream).
///
/// webrtcbin's `rtpbin` gets the receiver's RTCP already decrypted on its `recv_rtcp_sink_N`
/// pads, which appear once the transport is set up.
pub fn watch(
    webrtcbin: &gst::Element,
    ssrc: u32,
    sent_bytes: Arc<AtomicU64>,
    participant: Uuid,
    events: &UnboundedSender<MediaEvent>,
) -> Result<()> {
    let rtpbin = webrtcbin
        .downcast_ref::<gst::Bin>()
        .and_then(|bin| bin.by_name("rtpbin"))
        .ok_or_else(|| anyhow!("webrtcbin has no rtpbin"))?;
    let events = events.clone();
    let probe = move |pad: &gst::Pad| {
        if !pad.name().starts_with("recv_rtcp_sink") {
            return;
        }
        let events = events.clone();
        let sent_bytes = sent_bytes.clone();
        pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            if let Some(buffer) = info.buffer()
                && let Ok(map) = buffer.map_readable()
            {
                let arrival = super::rtcp::ntp_middle(std::time::SystemTime::now());
                let feedback = super::rtcp::parse(map.as_slice(), ssrc);
                if !feedback.is_empty() {
                    let rtt = feedback
                        .lsr
                        .zip(feedback.dlsr)
                        .and_then(|(lsr, dlsr)| super::rtcp::round_trip(lsr, dlsr, arrival));
                    let _ = events.send(MediaEvent::LinkReport {
                        participant,
                        feedback,
                        rtt,
                        sent_bytes: sent_bytes.load(Ordering::Relaxed),
                    });
                }
            }
            gst::PadProbeReturn::Ok
        });
    };
    for pad in rtpbin.sink_pads() {
        probe(&pad);
    }
    rtpbin.connect_pad_added(move |_, pad| probe(pad));
    Ok(())
}
