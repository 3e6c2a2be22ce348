//! Reading a receiver's RTCP feedback (RFC 3550 reports, RFC 4585 feedback, REMB) about one of
//! the streams we send it. Compound packets arrive decrypted at `rtpbin`; only the few fields
//! the rate controller weighs are read, and anything malformed is ignored, never trusted.

/// What one compound RTCP packet says about the stream with a given SSRC.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Feedback {
    /// Fraction of packets lost since the receiver's previous report (0.0..=1.0), if the
    /// packet carried a report block for the stream.
    pub loss: Option<f64>,
    /// Interarrival jitter in RTP clock units, from the same report block.
    pub jitter: Option<u32>,
    /// The report block's last-SR timestamp and delay since it (RFC 3550 6.4.1), from which
    /// the round trip follows (see [`round_trip`]).
    pub lsr: Option<u32>,
    pub dlsr: Option<u32>,
    /// Generic NACKs (lost packets the receiver asked for again).
    pub nacks: u32,
    /// Picture loss indications and full intra requests.
    pub key_frame_requests: u32,
    /// A receiver-estimated maximum bit rate (REMB) covering the stream, in bit/s.
    pub remb_bps: Option<u64>,
}

impl Feedback {
    /// True if the packet said anything about the stream.
    pub fn is_empty(&self) -> bool {
        *self == Feedback::default()
    }
}

const SR: u8 = 200;
const RR: u8 = 201;
const RTPFB: u8 = 205;
const PSFB: u8 = 206;

/// Reads the compound packet `data` for what it says about `ssrc`.
pub fn parse(data: &[u8], ssrc: u32) -> Feedback {
    let mut out = Feedback::default();
    let mut rest = data;
    while rest.len() >= 4 {
        let version = rest[0] >> 6;
        let count = rest[0] & 0x1f;
        let kind = rest[1];
        let words = usize::from(u16::from_be_bytes([rest[2], rest[3]])) + 1;
        let len = words * 4;
        if version != 2 || len > rest.len() {
            break;
        }
        let body = &rest[4..len];
        match kind {
            SR => report_blocks(body.get(24..).unwrap_or(&[]), count, ssrc, &mut out),
            RR => report_blocks(body.get(4..).unwrap_or(&[]), count, ssrc, &mut out),
            RTPFB if count == 1 && media_ssrc(body) == Some(ssrc) => {
                // Each FCI entry is a packet id and a bitmask of 16 more.
                for fci in body.get(8..).unwrap_or(&[]).chunks_exact(4) {
                    let mask = u16::from_be_bytes([fci[2], fci[3]]);
                    out.nacks += 1 + mask.count_ones();
                }
            }
            PSFB if (count == 1 && media_ssrc(body) == Some(ssrc)) || count == 4 => {
                // PLI names the stream in the header; FIR in its FCI entries.
                let fir_for_us = count == 4
                    && body
                        .get(8..)
                        .unwrap_or(&[])
                        .chunks_exact(8)
                        .any(|e| u32::from_be_bytes([e[0], e[1], e[2], e[3]]) == ssrc);
                if count == 1 || fir_for_us {
                    out.key_frame_requests += 1;
                }
            }
            PSFB if count == 15 => {
                if let Some(bps) = remb(body, ssrc) {
                    out.remb_bps = Some(bps);
                }
            }
            _ => {}
        }
        rest = &rest[len..];
    }
    out
}

fn media_ssrc(body: &[u8]) -> Option<u32> {
    let b = body.get(4..8)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn report_blocks(blocks: &[u8], count: u8, ssrc: u32, out: &mut Feedback) {
    for block in blocks.chunks_exact(24).take(usize::from(count)) {
        if u32::from_be_bytes([block[0], block[1], block[2], block[3]]) != ssrc {
            continue;
        }
        out.loss = Some(f64::from(block[4]) / 256.0);
        out.jitter = Some(u32::from_be_bytes([
            block[12], block[13], block[14], block[15],
        ]));
        out.lsr = Some(u32::from_be_bytes([
            block[16], block[17], block[18], block[19],
        ]));
        out.dlsr = Some(u32::from_be_bytes([
            block[20], block[21], block[22], block[23],
        ]));
    }
}

/// The round trip a report block tells, given when it arrived as the middle 32 bits of an NTP
/// timestamp (the clock our sender reports were stamped with). `None` before the receiver
/// has seen a sender report of ours (LSR 0), or if the figures do not add up.
pub fn round_trip(lsr: u32, dlsr: u32, arrival: u32) -> Option<std::time::Duration> {
    if lsr == 0 {
        return None;
    }
    let units = arrival.wrapping_sub(lsr).checked_sub(dlsr)?;
    // A round trip over a minute means the clocks disagree, not a slow link.
    (units < 60 << 16)
        .then(|| std::time::Duration::from_micros((u64::from(units) * 1_000_000) >> 16))
}

/// The middle 32 bits of the NTP timestamp of `time` (16.16 fixed-point seconds).
pub fn ntp_middle(time: std::time::SystemTime) -> u32 {
    const NTP_TO_UNIX_SECS: u64 = 2_208_988_800;
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs() + NTP_TO_UNIX_SECS;
    let frac = (u64::from(since.subsec_nanos()) << 16) / 1_000_000_000;
    (((secs & 0xffff) << 16) | frac) as u32
}

/// An application-layer feedback message that is a REMB naming `ssrc`.
fn remb(body: &[u8], ssrc: u32) -> Option<u64> {
    let fci = body.get(8..)?;
    if fci.get(0..4)? != b"REMB" {
        return None;
    }
    let n = usize::from(*fci.get(4)?);
    let exp = u32::from(fci.get(5)? >> 2);
    let mantissa = (u64::from(fci[5] & 0x03) << 16) | (u64::from(fci[6]) << 8) | u64::from(fci[7]);
    let listed = fci
        .get(8..8 + 4 * n)?
        .chunks_exact(4)
        .any(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) == ssrc);
    listed.then(|| mantissa.checked_shl(exp).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: u32 = 0x1122_3344;

    fn header(count: u8, kind: u8, body_len: usize) -> Vec<u8> {
        let words = (body_len / 4) as u16;
        let mut h = vec![0x80 | count, kind];
        h.extend_from_slice(&words.to_be_bytes());
        h
    }

    fn block(ssrc: u32, fraction: u8, jitter: u32) -> Vec<u8> {
        let mut b = ssrc.to_be_bytes().to_vec();
        b.extend_from_slice(&[fraction, 0, 0, 7]);
        b.extend_from_slice(&1000u32.to_be_bytes());
        b.extend_from_slice(&jitter.to_be_bytes());
        b.extend_from_slice(&[0; 8]);
        b
    }

    fn rr(blocks: &[Vec<u8>]) -> Vec<u8> {
        let mut body = 0xdead_beefu32.to_be_bytes().to_vec();
        for b in blocks {
            body.extend_from_slice(b);
        }
        let mut p = header(blocks.len() as u8, RR, body.len());
        p.extend(body);
        p
    }

    #[test]
    fn a_receiver_report_gives_the_loss_and_jitter_of_our_stream_only() {
        let packet = rr(&[block(0x55, 200, 1), block(OURS, 64, 900)]);
        let f = parse(&packet, OURS);
        assert_eq!(f.loss, Some(0.25));
        assert_eq!(f.jitter, Some(900));
        assert!(parse(&rr(&[block(0x55, 200, 1)]), OURS).is_empty());
    }

    #[test]
    fn nacks_plis_and_remb_in_a_compound_packet_are_counted() {
        let mut packet = rr(&[block(OURS, 0, 10)]);
        // Generic NACK: one FCI with packet id and two more lost in its bitmask.
        let mut nack = 1u32.to_be_bytes().to_vec();
        nack.extend_from_slice(&OURS.to_be_bytes());
        nack.extend_from_slice(&[0x00, 0x10, 0b0000_0000, 0b0000_0101]);
        packet.extend(header(1, RTPFB, nack.len()));
        packet.extend(nack);
        // PLI.
        let mut pli = 1u32.to_be_bytes().to_vec();
        pli.extend_from_slice(&OURS.to_be_bytes());
        packet.extend(header(1, PSFB, pli.len()));
        packet.extend(pli);
        // REMB of 300 kbit/s: mantissa 150000 (18 bits), exponent 1.
        let mut remb = 1u32.to_be_bytes().to_vec();
        remb.extend_from_slice(&0u32.to_be_bytes());
        remb.extend_from_slice(b"REMB");
        let m: u32 = 150_000;
        remb.extend_from_slice(&[1, (1 << 2) | (m >> 16) as u8, (m >> 8) as u8, m as u8]);
        remb.extend_from_slice(&OURS.to_be_bytes());
        packet.extend(header(15, PSFB, remb.len()));
        packet.extend(remb);

        let f = parse(&packet, OURS);
        assert_eq!(f.loss, Some(0.0));
        assert_eq!(f.nacks, 3);
        assert_eq!(f.key_frame_requests, 1);
        assert_eq!(f.remb_bps, Some(300_000));
    }

    #[test]
    fn the_round_trip_is_arrival_minus_last_sr_minus_its_delay() {
        // SR stamped at 100.0 s, held 0.25 s by the receiver, back at 100.5 s: 250 ms.
        let rtt = round_trip(100 << 16, 1 << 14, (100 << 16) + (1 << 15)).expect("a round trip");
        assert_eq!(rtt.as_millis(), 250);
        assert_eq!(round_trip(0, 0, 5), None, "no SR seen yet");
        assert_eq!(round_trip(100 << 16, 1 << 16, 100 << 16), None, "negative");
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_500);
        assert_eq!(ntp_middle(t) & 0xffff, 1 << 15, "half a second");
    }

    #[test]
    fn truncated_or_foreign_bytes_yield_nothing_and_never_panic() {
        let packet = rr(&[block(OURS, 64, 900)]);
        for cut in 0..packet.len() {
            let f = parse(&packet[..cut], OURS);
            assert_eq!(f.loss, None, "cut at {cut}");
        }
        assert!(parse(&[0xff; 64], OURS).is_empty());
        assert!(parse(&[], OURS).is_empty());
    }
}
