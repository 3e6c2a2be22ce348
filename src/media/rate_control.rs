//! Choosing a receiver's rendition from what its link carries.
//!
//! GStreamer 1.22 has no bandwidth estimator, so this one works from the receiver's own
//! reports: the fraction of packets lost since its previous report (RTCP receiver reports,
//! about one a second from browsers) and what we sent it meanwhile.
//!
//! REMB is not weighed: Chromium sends one, but its receive-side estimate starts low and
//! stays near 1.5 times what it receives, so it would hold every receiver below the top
//! rung on a clean link, and it says nothing that loss does not say sooner on a thin one.
//!
//! - **Down**: loss of 10 % in one report, or 3 % in two in a row, moves the receiver down to
//!   the largest rung that fits what actually arrived (sent × (1 − loss)) with a margin.
//! - **Up** is a probe, since nothing tells how much more the link could carry: after a
//!   quiet spell the receiver tries the next larger rung; loss during its probation sends it
//!   straight back, and the wait before the next try doubles.
//! - A congested link is not probed again at once: after a loss-driven move down the first
//!   probe waits [`CONGESTION_HOLD`], so a link that is simply too thin is not hit every few
//!   seconds, and recovers within about that time once it widens.
//! - **Round trips** (from the reports' LSR/DLSR) show a standing queue before it overflows:
//!   a probe is not started while the round trip is well above the lowest seen on this link,
//!   and a probe that makes it climb has failed, as if it had lost packets.
//! - A pinned receiver stays where it pinned itself.

use std::time::{Duration, Instant};

/// A report with this much loss moves the receiver down at once.
const HEAVY_LOSS: f64 = 0.10;
/// Two reports in a row with this much loss move it down.
const LIGHT_LOSS: f64 = 0.03;
/// A rung is chosen only if its bit rate is at most this share of what arrived.
const FIT_MARGIN: f64 = 0.8;
/// Clean reports for this long allow a probe (after a successful step or at the start).
const QUIET: Duration = Duration::from_secs(5);
/// How long a probe must stay clean to be kept.
const PROBATION: Duration = Duration::from_secs(5);
/// Wait before the first probe after a loss-driven move down.
pub const CONGESTION_HOLD: Duration = Duration::from_secs(30);
/// The longest wait between probes of a link that keeps failing them.
const MAX_HOLD: Duration = Duration::from_secs(120);
/// Reports this soon after a move down still describe the old rate (queues draining).
const SETTLE: Duration = Duration::from_millis(1500);
/// A round trip this far above the link's lowest means a queue is standing: no probe.
const QUEUE_RTT: Duration = Duration::from_millis(100);
/// During a probe, a round trip this far above the lowest means the probe is filling a queue.
const PROBE_RTT: Duration = Duration::from_millis(150);

/// One receiver report, with what we sent the receiver since the previous one.
#[derive(Debug, Clone, Copy)]
pub struct LinkReport {
    pub at: Instant,
    /// Fraction lost since the previous report (0.0..=1.0).
    pub loss: f64,
    /// Our sending rate to this receiver over the same span, if known.
    pub sent_kbps: Option<f64>,
    /// The round trip the report tells, if it tells one.
    pub rtt: Option<Duration>,
}

/// Why the receiver moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Congestion,
    Probe,
    ProbeFailed,
    Pinned,
}

/// A move to another rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switch {
    pub to: usize,
    pub reason: Reason,
}

/// One receiver's controller. Rung 0 is the largest.
#[derive(Debug)]
pub struct RateControl {
    bitrates_kbps: Vec<u32>,
    current: usize,
    pinned: bool,
    lossy_before: bool,
    next_probe_at: Instant,
    hold: Duration,
    /// While probing: until when, and the rung to fall back to.
    probation: Option<(Instant, usize)>,
    settle_until: Option<Instant>,
    /// The lowest round trip seen: the link's own, without queues.
    min_rtt: Option<Duration>,
}

impl RateControl {
    /// A receiver starting on the top rung.
    pub fn new(bitrates_kbps: Vec<u32>, now: Instant) -> Self {
        Self {
            bitrates_kbps,
            current: 0,
            pinned: false,
            lossy_before: false,
            next_probe_at: now + QUIET,
            hold: CONGESTION_HOLD,
            probation: None,
            settle_until: None,
            min_rtt: None,
        }
    }

    pub fn current(&self) -> usize {
        self.current
    }

    pub fn is_pinned(&self) -> bool {
        self.pinned
    }

    /// Pins a rung (`Some`) or returns to automatic choice (`None`).
    pub fn pin(&mut self, rung: Option<usize>, now: Instant) -> Option<Switch> {
        self.probation = None;
        self.lossy_before = false;
        match rung {
            Some(rung) if rung < self.bitrates_kbps.len() => {
                self.pinned = true;
                self.move_to(rung, Reason::Pinned)
            }
            Some(_) => None,
            None => {
                self.pinned = false;
                self.hold = CONGESTION_HOLD;
                self.next_probe_at = now + QUIET;
                None
            }
        }
    }

    /// Weighs a report; returns the move it calls for, if any.
    pub fn on_report(&mut self, report: LinkReport) -> Option<Switch> {
        if self.pinned {
            return None;
        }
        let now = report.at;
        if let Some(rtt) = report.rtt {
            self.min_rtt = Some(self.min_rtt.map_or(rtt, |m| m.min(rtt)));
        }
        let queued = |margin: Duration| {
            report
                .rtt
                .zip(self.min_rtt)
                .is_some_and(|(rtt, min)| rtt > min + margin)
        };
        let (standing_queue, probe_queue) = (queued(QUEUE_RTT), queued(PROBE_RTT));
        let lossy = report.loss >= LIGHT_LOSS;
        let congested = report.loss >= HEAVY_LOSS || (lossy && self.lossy_before);
        self.lossy_before = lossy;

        if let Some((until, fallback)) = self.probation {
            if lossy || probe_queue {
                // The larger rung does not fit: back, and wait twice as long next time.
                self.probation = None;
                self.hold = (self.hold * 2).min(MAX_HOLD);
                self.next_probe_at = now + self.hold;
                self.lossy_before = false;
                self.settle_until = Some(now + SETTLE);
                return self.move_to(fallback, Reason::ProbeFailed);
            }
            if now >= until {
                // The probation was itself a clean spell: the next rung may be tried now.
                self.probation = None;
                self.hold = CONGESTION_HOLD;
                self.next_probe_at = now;
            }
            return None;
        }
        if self.settle_until.is_some_and(|t| now < t) {
            return None;
        }
        self.settle_until = None;
        if congested {
            let last = self.bitrates_kbps.len() - 1;
            let arrived = report
                .sent_kbps
                .unwrap_or(f64::from(self.bitrates_kbps[self.current]))
                * (1.0 - report.loss);
            let to = self
                .fitting(arrived)
                .unwrap_or(last)
                .max((self.current + 1).min(last));
            return self.congested(to, now);
        }
        if lossy {
            self.next_probe_at = self.next_probe_at.max(now + QUIET);
            return None;
        }
        if self.current > 0 && now >= self.next_probe_at && !standing_queue {
            let to = self.current - 1;
            self.probation = Some((now + PROBATION, self.current));
            return self.move_to(to, Reason::Probe);
        }
        None
    }

    /// The largest rung whose bit rate fits in `kbps` with the margin.
    fn fitting(&self, kbps: f64) -> Option<usize> {
        self.bitrates_kbps
            .iter()
            .position(|&rate| f64::from(rate) <= kbps * FIT_MARGIN)
    }

    fn congested(&mut self, to: usize, now: Instant) -> Option<Switch> {
        self.hold = CONGESTION_HOLD;
        self.next_probe_at = now + self.hold;
        self.lossy_before = false;
        self.settle_until = Some(now + SETTLE);
        self.move_to(to, Reason::Congestion)
    }

    fn move_to(&mut self, to: usize, reason: Reason) -> Option<Switch> {
        if to == self.current {
            return None;
        }
        self.current = to;
        Some(Switch { to, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LADDER: [u32; 3] = [1500, 500, 150];

    struct Link {
        rc: RateControl,
        now: Instant,
    }

    impl Link {
        fn new() -> Self {
            let now = Instant::now();
            Self {
                rc: RateControl::new(LADDER.to_vec(), now),
                now,
            }
        }

        /// One report a second for `secs` with `loss`, sending at the current rung's rate.
        fn run(&mut self, secs: u64, loss: f64) -> Vec<Switch> {
            let mut switches = Vec::new();
            for _ in 0..secs {
                self.now += Duration::from_secs(1);
                let sent = f64::from(LADDER[self.rc.current()]);
                let report = LinkReport {
                    at: self.now,
                    loss,
                    sent_kbps: Some(sent),
                    rtt: None,
                };
                switches.extend(self.rc.on_report(report));
            }
            switches
        }

        /// Loss as a link of `cap_kbps` would show it at the current rung.
        fn run_capped(&mut self, secs: u64, cap_kbps: f64) -> Vec<Switch> {
            let mut switches = Vec::new();
            for _ in 0..secs {
                let sent = f64::from(LADDER[self.rc.current()]);
                let loss = (1.0 - cap_kbps / sent).max(0.0);
                switches.extend(self.run(1, loss));
            }
            switches
        }
    }

    #[test]
    fn a_thin_link_goes_straight_to_the_rung_that_fits_and_stays() {
        let mut link = Link::new();
        assert!(link.run(10, 0.0).is_empty(), "a clean top rung stays");
        let switches = link.run_capped(25, 384.0);
        assert_eq!(
            switches,
            [Switch {
                to: 2,
                reason: Reason::Congestion
            }],
            "one move, to the smallest, and no probe within the hold"
        );
    }

    #[test]
    fn once_the_link_widens_probes_climb_back_to_the_top() {
        let mut link = Link::new();
        link.run_capped(20, 384.0);
        assert_eq!(link.rc.current(), 2);
        let switches = link.run(60, 0.0);
        let reasons: Vec<_> = switches.iter().map(|s| (s.to, s.reason)).collect();
        assert_eq!(reasons, [(1, Reason::Probe), (0, Reason::Probe)]);
        assert_eq!(link.rc.current(), 0);
    }

    #[test]
    fn a_failed_probe_falls_back_and_the_next_waits_longer() {
        let mut link = Link::new();
        link.run_capped(3, 384.0);
        let mut probes = Vec::new();
        for second in 0..200 {
            for s in link.run_capped(1, 384.0) {
                probes.push((second, s.reason));
            }
        }
        let tries: Vec<_> = probes
            .iter()
            .filter(|(_, r)| *r == Reason::Probe)
            .map(|(t, _)| *t)
            .collect();
        assert!(tries.len() >= 2, "{probes:?}");
        assert!(
            probes
                .iter()
                .filter(|(_, r)| *r == Reason::ProbeFailed)
                .count()
                >= tries.len() - 1
        );
        let gaps: Vec<_> = tries.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps.windows(2).all(|g| g[1] >= g[0]),
            "back-off grows: {gaps:?}"
        );
        assert!(
            tries[0] >= 25,
            "the first probe waits for the hold: {tries:?}"
        );
    }

    #[test]
    fn a_standing_queue_holds_probes_and_a_growing_one_fails_them() {
        let mut link = Link::new();
        link.run_capped(3, 384.0);
        assert_eq!(link.rc.current(), 2);
        let report = |link: &mut Link, rtt_ms: u64| {
            link.now += Duration::from_secs(1);
            link.rc.on_report(LinkReport {
                at: link.now,
                loss: 0.0,
                sent_kbps: Some(150.0),
                rtt: Some(Duration::from_millis(rtt_ms)),
            })
        };
        assert_eq!(report(&mut link, 5), None, "the link's own round trip");
        for _ in 0..60 {
            assert_eq!(report(&mut link, 430), None, "no probe into a full queue");
        }
        let probe = (0..5).find_map(|_| report(&mut link, 6));
        assert_eq!(
            probe.map(|s| s.reason),
            Some(Reason::Probe),
            "the queue drained"
        );
        assert_eq!(
            report(&mut link, 200).map(|s| (s.to, s.reason)),
            Some((2, Reason::ProbeFailed)),
            "the probe filled a queue"
        );
    }

    #[test]
    fn one_lossy_report_is_not_enough_but_two_are() {
        let mut link = Link::new();
        assert!(link.run(1, 0.05).is_empty());
        assert!(link.run(1, 0.0).is_empty());
        assert!(link.run(1, 0.05).is_empty());
        assert_eq!(link.run(1, 0.05).len(), 1);
    }

    #[test]
    fn a_pinned_receiver_ignores_loss_until_unpinned() {
        let mut link = Link::new();
        let now = link.now;
        assert_eq!(
            link.rc.pin(Some(1), now),
            Some(Switch {
                to: 1,
                reason: Reason::Pinned
            })
        );
        assert!(link.run(5, 0.5).is_empty());
        assert_eq!(link.rc.pin(None, link.now), None);
        assert_eq!(link.run(1, 0.5).len(), 1);
        assert_eq!(link.rc.pin(Some(7), link.now), None, "no such rung");
    }
}
