//! The caps a receiver's sender announces to its `webrtcbin`, in the receiver's own terms.
//!
//! webrtcbin 1.22 picks the transceiver for an offered m-line by intersecting the offer's caps
//! with the caps that have reached the transceiver's sink pad, field by field and as exact
//! strings. Our H.264 payloader announces the profile-level-id of the encoder's SPS (x264's
//! constrained baseline is `42c01f`), while browsers and players offer the same profile as
//! `42e01f`. So whenever the sender's first CAPS event reached webrtcbin before the answer
//! was created, no transceiver matched the video m-line and webrtcbin answered it
//! `inactive`/`recvonly`; when the answer came first (the caps query path) it matched. A
//! burst of joins, or the first join into a new room, made the CAPS event win that race.
//!
//! The plan only ever picks a payload type whose format we send (constrained baseline H.264,
//! VP8, Opus), so the format parameters the offer gives that payload type are true of our
//! stream too. Each CAPS event towards webrtcbin therefore carries the offer's values for the
//! parameters both name, and the answer no longer depends on timing.

use gst::prelude::*;

/// Fields that identify the stream rather than describe its format: never rewritten.
const IDENTITY: [&str; 5] = ["media", "encoding-name", "clock-rate", "payload", "ssrc"];

/// Rewrites every CAPS event leaving `pad` so that the format parameters `offered` also names
/// take the offered values.
pub fn announce_as_offered(pad: &gst::Pad, offered: gst::Caps) {
    let Some(offered) = offered.structure(0).map(ToOwned::to_owned) else {
        return;
    };
    pad.add_probe(gst::PadProbeType::EVENT_DOWNSTREAM, move |_, info| {
        let Some(gst::PadProbeData::Event(event)) = &info.data else {
            return gst::PadProbeReturn::Ok;
        };
        let gst::EventView::Caps(caps_event) = event.view() else {
            return gst::PadProbeReturn::Ok;
        };
        if let Some(agreed) = agree(caps_event.caps(), &offered) {
            info.data = Some(gst::PadProbeData::Event(gst::event::Caps::new(&agreed)));
        }
        gst::PadProbeReturn::Ok
    });
}

/// `caps` with the offered value of every format parameter both name; `None` when they
/// already agree.
fn agree(caps: &gst::CapsRef, offered: &gst::StructureRef) -> Option<gst::Caps> {
    let ours = caps.structure(0)?;
    let differing: Vec<(&str, gst::glib::SendValue)> = offered
        .iter()
        .filter(|(field, _)| !IDENTITY.contains(&field.as_str()))
        .filter_map(|(field, value)| {
            let current = ours.value(field.as_str()).ok()?;
            (current.serialize().ok() != value.serialize().ok())
                .then(|| (field.as_str(), value.clone()))
        })
        .collect();
    if differing.is_empty() {
        return None;
    }
    let mut agreed = caps.to_owned();
    let s = agreed.make_mut().structure_mut(0)?;
    for (field, value) in differing {
        s.set_value(field, value);
    }
    Some(agreed)
}

#[cfg(test)]
mod tests;
