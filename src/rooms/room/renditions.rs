//! Moving each receiver between renditions of the composite: its link reports go to its rate
//! controller, whose decisions move its feed; a client may pin a rendition instead.

use std::time::{Duration, Instant};

use uuid::Uuid;

use super::Room;
use crate::domain::refusal::{ErrorCode, Refusal};
use crate::media::rate_control::{LinkReport, RateControl, Switch};
use crate::media::rtcp::Feedback;
use crate::rooms::RoomEvent;

/// Sending rates are measured over at least this long: under loss, browsers send a report
/// with every NACK, many a second.
const RATE_SPAN: Duration = Duration::from_millis(800);

/// One receiver's link: its controller, and our sending rate to it.
pub(super) struct Link {
    control: RateControl,
    /// Where the current measuring span started: when, and the byte count then.
    span_start: Option<(Instant, u64)>,
    sent_kbps: Option<f64>,
}

impl Room {
    fn link_of(&mut self, participant: Uuid) -> Option<&mut Link> {
        let bitrates = self.media.as_ref()?.ladder().bitrates_kbps();
        Some(self.links.entry(participant).or_insert_with(|| Link {
            control: RateControl::new(bitrates, Instant::now()),
            span_start: None,
            sent_kbps: None,
        }))
    }

    /// Weighs a receiver's RTCP about the composite and moves it if its link calls for it.
    pub(super) async fn on_link_report(
        &mut self,
        participant: Uuid,
        feedback: Feedback,
        rtt: Option<Duration>,
        sent_bytes: u64,
    ) {
        let Some(loss) = feedback.loss else {
            return;
        };
        let now = Instant::now();
        let Some(link) = self.link_of(participant) else {
            return;
        };
        match link.span_start {
            Some((at, bytes)) if now.duration_since(at) >= RATE_SPAN => {
                let secs = now.duration_since(at).as_secs_f64();
                link.sent_kbps =
                    Some(sent_bytes.saturating_sub(bytes) as f64 * 8.0 / 1000.0 / secs);
                link.span_start = Some((now, sent_bytes));
            }
            Some(_) => {}
            None => link.span_start = Some((now, sent_bytes)),
        }
        let sent_kbps = link.sent_kbps;
        let report = LinkReport {
            at: now,
            loss,
            sent_kbps,
            rtt,
        };
        tracing::trace!(
            participant = %participant,
            ?report,
            jitter_ms = feedback.jitter.map(|j| j / 90),
            remb_bps = ?feedback.remb_bps,
            "link report"
        );
        if let Some(switch) = link.control.on_report(report) {
            tracing::info!(
                participant = %participant,
                to = switch.to,
                reason = ?switch.reason,
                loss = report.loss,
                sent_kbps = sent_kbps.unwrap_or(0.0),
                "moving receiver to another rendition"
            );
            self.move_receiver(participant, switch).await;
        }
    }

    async fn move_receiver(&mut self, participant: Uuid, switch: Switch) {
        let Some(media) = self.media.as_mut() else {
            return;
        };
        if let Err(err) = media.switch_rung(participant, switch.to).await {
            tracing::warn!(participant = %participant, %err, "cannot move receiver");
        }
    }

    /// The receiver's feed reached its new rung: the old branch goes, and the client hears.
    pub(super) async fn on_rung_switched(&mut self, participant: Uuid) {
        let Some(media) = self.media.as_mut() else {
            return;
        };
        media.prune_feed(participant).await;
        let Some(rendition) = media
            .video_rung(participant)
            .and_then(|rung| media.ladder().rungs().get(rung).cloned())
        else {
            return;
        };
        let pinned = self
            .links
            .get(&participant)
            .is_some_and(|l| l.control.is_pinned());
        self.send(
            participant,
            RoomEvent::Rendition {
                name: rendition.name,
                width: rendition.width,
                height: rendition.height,
                pinned,
            },
        );
    }

    /// A client pins a rendition by name, or (`None`) hands the choice back to its link.
    pub(super) async fn pin_rendition(&mut self, participant: Uuid, name: Option<&str>) {
        let Some(media) = self.media.as_ref() else {
            return;
        };
        let has_feed = media.video_rung(participant).is_some();
        if !has_feed {
            let msg = RoomEvent::Refused(Refusal::new(
                ErrorCode::Unsupported,
                "renditions apply to an H.264 composite; this connection has none",
            ));
            self.send(participant, msg);
            return;
        }
        let rung = match name {
            None => None,
            Some(name) => match media.ladder().position(name) {
                Some(rung) => Some(rung),
                None => {
                    let names: Vec<_> = media
                        .ladder()
                        .rungs()
                        .iter()
                        .map(|r| r.name.clone())
                        .collect();
                    let msg = RoomEvent::Refused(Refusal::new(
                        ErrorCode::BadRequest,
                        format!(
                            "this room has no rendition {name}; it has auto, {}",
                            names.join(", ")
                        ),
                    ));
                    self.send(participant, msg);
                    return;
                }
            },
        };
        let now = Instant::now();
        let Some(link) = self.link_of(participant) else {
            return;
        };
        if let Some(switch) = link.control.pin(rung, now) {
            tracing::info!(participant = %participant, to = switch.to, "receiver pinned a rendition");
            self.move_receiver(participant, switch).await;
        } else {
            // Already there: still confirm, so the client shows the pin.
            self.on_rung_switched(participant).await;
        }
    }
}
