//! What GStreamer callbacks tell the room task. Callbacks run on streaming threads: they only
//! send one of these and return.

use uuid::Uuid;

/// An event from a room's media graph.
#[derive(Debug)]
pub enum MediaEvent {
    /// webrtcbin gathered a local ICE candidate for a participant.
    IceCandidate {
        participant: Uuid,
        m_line: u32,
        candidate: String,
    },
    /// A participant's media arrived on a new webrtcbin pad, held by a blocking probe until
    /// the room links it.
    IncomingStream {
        participant: Uuid,
        pad: gst::Pad,
        probe: gst::PadProbeId,
    },
    /// The server has gathered all its ICE candidates for a participant (clients without
    /// trickle ICE, such as WHEP players, get them all in the answer).
    GatheringComplete { participant: Uuid },
    /// The participant's peer connection changed state.
    ConnectionState {
        participant: Uuid,
        state: gst_webrtc::WebRTCPeerConnectionState,
    },
    /// A receiver's feed moved to the rung it was switching to (its first key frame passed).
    RungSwitched { participant: Uuid },
    /// A receiver reported on the composite we send it (RTCP), with how many bytes of it we
    /// had sent by then.
    LinkReport {
        participant: Uuid,
        feedback: super::rtcp::Feedback,
        /// The round trip the report tells, if our sender reports' clock allows it.
        rtt: Option<std::time::Duration>,
        sent_bytes: u64,
    },
}
