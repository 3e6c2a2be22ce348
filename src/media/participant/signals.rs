//! webrtcbin's callbacks, wired to the room's event channel. Each callback only sends: the
//! room task decides what an event means.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, anyhow};
use gst::prelude::*;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

use super::now_ms;
use crate::media::events::MediaEvent;

/// Wires webrtcbin's callbacks to the room's event channel. Each callback only sends.
pub(super) fn connect_signals(
    webrtcbin: &gst::Element,
    id: Uuid,
    events: UnboundedSender<MediaEvent>,
    last_packet_ms: Arc<AtomicU64>,
) -> Result<()> {
    let tx = events.clone();
    webrtcbin.connect("on-ice-candidate", false, move |values| {
        let m_line = values.get(1).and_then(|v| v.get::<u32>().ok());
        let candidate = values.get(2).and_then(|v| v.get::<String>().ok());
        if let (Some(m_line), Some(candidate)) = (m_line, candidate) {
            let _ = tx.send(MediaEvent::IceCandidate {
                participant: id,
                m_line,
                candidate,
            });
        }
        None
    });

    let tx = events.clone();
    webrtcbin.connect_pad_added(move |_, pad| {
        if pad.direction() != gst::PadDirection::Src {
            return;
        }
        // Hold the stream until the room task has linked a decoder, so nothing is dropped
        // as not-linked in the meantime.
        let Some(probe) = pad.add_probe(gst::PadProbeType::BLOCK_DOWNSTREAM, |_, _| {
            gst::PadProbeReturn::Ok
        }) else {
            return;
        };
        let _ = tx.send(MediaEvent::IncomingStream {
            participant: id,
            pad: pad.clone(),
            probe,
        });
    });

    let tx = events.clone();
    webrtcbin.connect_notify(Some("ice-gathering-state"), move |bin, _| {
        let state = bin.property::<gst_webrtc::WebRTCICEGatheringState>("ice-gathering-state");
        if state == gst_webrtc::WebRTCICEGatheringState::Complete {
            let _ = tx.send(MediaEvent::GatheringComplete { participant: id });
        }
    });

    let tx = events;
    webrtcbin.connect_notify(Some("connection-state"), move |bin, _| {
        let state = bin.property::<gst_webrtc::WebRTCPeerConnectionState>("connection-state");
        let _ = tx.send(MediaEvent::ConnectionState {
            participant: id,
            state,
        });
    });

    // webrtcbin 1.22 never notices a vanished peer, so watch the socket source itself: any
    // packet (RTP, RTCP, STUN consent, DTLS) proves the peer is still there.
    let bin = webrtcbin
        .downcast_ref::<gst::Bin>()
        .ok_or_else(|| anyhow!("webrtcbin is not a bin"))?;
    bin.connect_deep_element_added(move |_, _, element| {
        let is_nicesrc = element.factory().is_some_and(|f| f.name() == "nicesrc");
        if !is_nicesrc {
            return;
        }
        let Some(src) = element.static_pad("src") else {
            return;
        };
        let seen = last_packet_ms.clone();
        src.add_probe(
            gst::PadProbeType::BUFFER | gst::PadProbeType::BUFFER_LIST,
            move |_, _| {
                seen.store(now_ms(), Ordering::Relaxed);
                gst::PadProbeReturn::Ok
            },
        );
    });
    Ok(())
}
