//! Reading a client's offer: which payload type to send on each m-line, and checking that our
//! answer really sends on every one of them.

use gst_sdp::{SDPMediaRef, SDPMessage};

/// What the server sends (and expects to receive) on one m-line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendCodec {
    Opus { pt: u8 },
    H264 { pt: u8 },
    Vp8 { pt: u8 },
}

impl SendCodec {
    pub fn is_video(self) -> bool {
        !matches!(self, SendCodec::Opus { .. })
    }

    pub fn pt(self) -> u8 {
        match self {
            SendCodec::Opus { pt } | SendCodec::H264 { pt } | SendCodec::Vp8 { pt } => pt,
        }
    }
}

/// Why an offer cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("the offer is not valid SDP")]
    Malformed,
    #[error("the offer has no audio or video")]
    Empty,
    #[error("m-line {index} is a second {kind} line; send at most one audio and one video")]
    TooManyLines { index: usize, kind: String },
    #[error("m-line {index} is {direction}; a publisher's offer sends on every m-line")]
    NotSending { index: usize, direction: String },
    #[error("m-line {index} ({kind}) offers no codec this server can use (needs {needs})")]
    NoUsableCodec {
        index: usize,
        kind: String,
        needs: &'static str,
    },
}

/// Parses SDP text; anything the parser refuses, or that has no m-line, is malformed.
pub fn parse(text: &str) -> Result<SDPMessage, OfferError> {
    if !text.trim_start().starts_with("v=") {
        return Err(OfferError::Malformed);
    }
    let text = drop_sender_properties(text);
    let msg = SDPMessage::parse_buffer(text.as_bytes()).map_err(|_| OfferError::Malformed)?;
    if msg.medias_len() == 0 {
        return Err(OfferError::Empty);
    }
    Ok(msg)
}

/// Removes `sprop-*` format parameters: they describe what the *offerer* sends (e.g. an
/// Opus `sprop-stereo=0` from a mono sender) and say nothing about what it can receive, but
/// webrtcbin 1.22 intersects them with our sender's caps and answers `recvonly` on a mismatch.
fn drop_sender_properties(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.strip_prefix("a=fmtp:") else {
            out.push_str(line);
            continue;
        };
        let body = rest.trim_end_matches(['\r', '\n']);
        let ending = &rest[body.len()..];
        let (pt, params) = body.split_once(' ').unwrap_or((body, ""));
        let kept: Vec<&str> = params
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.starts_with("sprop-"))
            .collect();
        if kept.is_empty() {
            continue;
        }
        out.push_str(&format!("a=fmtp:{pt} {}{ending}", kept.join(";")));
    }
    out
}

/// The codec to send on each m-line of `offer`, in m-line order.
///
/// H.264 is preferred (one encode serves every receiver); it must be packetization-mode 1
/// and constrained baseline, because webrtcbin silently answers `recvonly` on a profile
/// mismatch. VP8 is the fallback.
pub fn plan(offer: &SDPMessage) -> Result<Vec<SendCodec>, OfferError> {
    let mut plan: Vec<SendCodec> = Vec::new();
    for (index, media) in offer.medias().enumerate() {
        let kind = media.media().unwrap_or("").to_owned();
        // Every m-line costs a sender chain (an Opus encode per audio line), so an offer may
        // not multiply them: a participant has one camera and one microphone.
        let seen_before = plan.iter().any(|c| {
            c.is_video() == (kind == "video") && matches!(kind.as_str(), "audio" | "video")
        });
        if seen_before {
            return Err(OfferError::TooManyLines { index, kind });
        }
        let codec = match kind.as_str() {
            "audio" => pick(media, |name, _| name == "OPUS").map(|pt| SendCodec::Opus { pt }),
            "video" => pick(media, is_constrained_baseline_h264)
                .map(|pt| SendCodec::H264 { pt })
                .or_else(|| pick(media, |name, _| name == "VP8").map(|pt| SendCodec::Vp8 { pt })),
            _ => None,
        };
        let needs = if kind == "audio" {
            "Opus"
        } else {
            "H.264 constrained baseline (packetization-mode=1) or VP8"
        };
        plan.push(codec.ok_or(OfferError::NoUsableCodec { index, kind, needs })?);
    }
    Ok(plan)
}

/// First payload type (in the client's order of preference) whose caps satisfy `accept`.
fn pick(media: &SDPMediaRef, accept: impl Fn(&str, &gst::StructureRef) -> bool) -> Option<u8> {
    media.formats().find_map(|fmt| {
        let pt: u8 = fmt.parse().ok().filter(|pt| *pt < 128)?;
        let caps = media.caps_from_media(pt as i32)?;
        let s = caps.structure(0)?;
        let name = s.get::<&str>("encoding-name").ok()?.to_ascii_uppercase();
        accept(&name, s).then_some(pt)
    })
}

fn is_constrained_baseline_h264(name: &str, s: &gst::StructureRef) -> bool {
    if name != "H264" {
        return false;
    }
    let mode_one = s.get::<&str>("packetization-mode").ok() == Some("1");
    // GStreamer's SDP reader turns profile-level-id into a profile name; read the hex form
    // too in case a client's id is one it does not map.
    let named = s.get::<&str>("profile").ok() == Some("constrained-baseline");
    let hex = s
        .get::<&str>("profile-level-id")
        .ok()
        .and_then(|p| u32::from_str_radix(p, 16).ok());
    // profile_idc 0x42 (baseline) with constraint_set1 (0x40) is constrained baseline.
    let constrained = named || hex.is_some_and(|p| (p >> 16) == 0x42 && (p >> 8) & 0x40 != 0);
    mode_one && constrained
}

/// The index of every m-line of `answer` on which the server would not send.
pub fn non_sending_m_lines(answer: &gst_sdp::SDPMessageRef) -> Vec<usize> {
    m_lines_not(answer, "recvonly")
}

/// The index of every m-line of `answer` on which the server would not receive (for a
/// publisher, whose every m-line must be answered `recvonly`).
pub fn non_receiving_m_lines(answer: &gst_sdp::SDPMessageRef) -> Vec<usize> {
    m_lines_not(answer, "sendonly")
}

/// The m-lines that are rejected (port 0), inactive, or one-way in the direction `one_way`.
fn m_lines_not(answer: &gst_sdp::SDPMessageRef, one_way: &str) -> Vec<usize> {
    answer
        .medias()
        .enumerate()
        .filter(|(_, m)| {
            m.port() == 0
                || m.attribute_val(one_way).is_some()
                || m.attribute_val("inactive").is_some()
        })
        .map(|(i, _)| i)
        .collect()
}

/// Checks that the offerer sends on every m-line (a publisher's offer is `sendonly` or
/// `sendrecv`; the server would have nothing to receive otherwise).
pub fn require_sending(offer: &SDPMessage) -> Result<(), OfferError> {
    const DIRECTIONS: [&str; 4] = ["sendrecv", "sendonly", "recvonly", "inactive"];
    // A direction on the m-line wins over one for the whole session; none means sendrecv.
    let session = DIRECTIONS
        .into_iter()
        .find(|d| offer.attribute_val(d).is_some());
    for (index, media) in offer.medias().enumerate() {
        let direction = DIRECTIONS
            .into_iter()
            .find(|d| media.attribute_val(d).is_some())
            .or(session);
        if let Some(direction @ ("recvonly" | "inactive")) = direction {
            return Err(OfferError::NotSending {
                index,
                direction: direction.to_owned(),
            });
        }
    }
    Ok(())
}

/// The RTP caps the offer gives payload type `pt` on m-line `index`, as webrtcbin reads them
/// (it names them `application/x-rtp`), for a transceiver's codec preference.
pub fn offered_caps(offer: &SDPMessage, index: usize, pt: u8) -> Option<gst::Caps> {
    let media = offer.media(u32::try_from(index).ok()?)?;
    let mut caps = media.caps_from_media(i32::from(pt))?;
    for s in caps.make_mut().iter_mut() {
        s.set_name("application/x-rtp");
    }
    Some(caps)
}

/// Rewrites the address of a host candidate to `ip`, for a server behind a 1:1 NAT whose
/// interfaces only know the private address.
pub fn announce_candidate(candidate: &str, ip: std::net::IpAddr) -> String {
    let mut fields: Vec<&str> = candidate.split(' ').collect();
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
    if fields.len() >= 8 && fields[6] == "typ" && fields[7] == "host" {
        let ip = ip.to_string();
        fields[4] = &ip;
        return fields.join(" ");
    }
    candidate.to_owned()
}

/// The answer with the server's gathered candidates written into it, for clients that do not
/// trickle ICE (WHEP and WHIP): each `(m_line, candidate)` becomes an `a=candidate` line of
/// that m-line, which is then marked `a=end-of-candidates`.
pub fn with_candidates(answer: &str, candidates: &[(u32, String)]) -> Result<String, OfferError> {
    let mut sdp = parse(answer)?;
    let mut touched = Vec::new();
    for (m_line, candidate) in candidates {
        let index = *m_line as usize;
        let Some(media) = sdp.media_mut(*m_line) else {
            continue;
        };
        let value = candidate.strip_prefix("candidate:").unwrap_or(candidate);
        media.add_attribute("candidate", Some(value));
        if !touched.contains(&index) {
            touched.push(index);
        }
    }
    for index in touched {
        if let Some(media) = sdp.media_mut(index as u32) {
            media.add_attribute("end-of-candidates", None);
        }
    }
    sdp.as_text().map_err(|_| OfferError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROMIUM: &str = include_str!("../../tests/data/chromium-156-sendrecv-offer.sdp");

    fn init() {
        gst::init().expect("GStreamer initialises");
    }

    #[test]
    fn chromium_offer_gets_opus_and_constrained_baseline_h264() {
        init();
        let offer = parse(CHROMIUM).expect("parses");
        assert_eq!(
            plan(&offer).expect("usable"),
            vec![SendCodec::Opus { pt: 111 }, SendCodec::H264 { pt: 108 }]
        );
    }

    #[test]
    fn without_h264_vp8_is_chosen() {
        init();
        let text: String = CHROMIUM
            .lines()
            .filter(|l| !l.contains("H264") && !l.contains("profile-level-id"))
            .map(|l| format!("{l}\r\n"))
            .collect();
        let offer = parse(&text).expect("parses");
        assert_eq!(plan(&offer).expect("usable")[1], SendCodec::Vp8 { pt: 96 });
    }

    #[test]
    fn an_offer_with_only_unknown_codecs_is_refused() {
        init();
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
                    m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000\r\n";
        let offer = parse(text).expect("parses");
        assert!(matches!(
            plan(&offer),
            Err(OfferError::NoUsableCodec { index: 0, .. })
        ));
    }

    #[test]
    fn sender_properties_are_dropped_and_the_rest_kept() {
        let text = "a=fmtp:111 minptime=10;sprop-stereo=0;useinbandfec=1\r\na=fmtp:96 sprop-maxcapturerate=48000\r\nm=x\r\n";
        assert_eq!(
            drop_sender_properties(text),
            "a=fmtp:111 minptime=10;useinbandfec=1\r\nm=x\r\n"
        );
    }

    #[test]
    fn a_second_line_of_the_same_kind_is_refused() {
        init();
        let line = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";
        let text = format!("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n{line}{line}");
        let offer = parse(&text).expect("parses");
        assert!(matches!(
            plan(&offer),
            Err(OfferError::TooManyLines { index: 1, .. })
        ));
    }

    #[test]
    fn garbage_is_malformed() {
        init();
        assert_eq!(parse("hello").err(), Some(OfferError::Malformed));
        assert_eq!(parse("v=0\r\n").err(), Some(OfferError::Empty));
    }

    #[test]
    fn host_candidates_get_the_announced_address() {
        let c = "candidate:1 1 UDP 2015363327 10.0.0.5 40000 typ host";
        let ip: std::net::IpAddr = "203.0.113.7".parse().expect("ip");
        assert_eq!(
            announce_candidate(c, ip),
            "candidate:1 1 UDP 2015363327 203.0.113.7 40000 typ host"
        );
        let relay = "candidate:2 1 UDP 5 198.51.100.1 3478 typ relay raddr 0.0.0.0 rport 0";
        assert_eq!(announce_candidate(relay, ip), relay);
    }

    /// An audio and a video m-line with the given directions.
    fn two_lines(audio: &str, video: &str) -> String {
        format!(
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
             m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na={audio}\r\n\
             m=video 9 UDP/TLS/RTP/SAVPF 96\r\na={video}\r\n"
        )
    }

    #[test]
    fn recvonly_answers_are_detected() {
        init();
        let answer = parse(&two_lines("sendrecv", "recvonly")).expect("parses");
        assert_eq!(non_sending_m_lines(&answer), vec![1]);
    }

    #[test]
    fn a_publisher_answer_must_receive_and_its_offer_send() {
        init();
        let answer = parse(&two_lines("recvonly", "sendonly")).expect("parses");
        assert_eq!(non_receiving_m_lines(&answer), vec![1]);
        let offer = parse(&two_lines("sendonly", "sendrecv")).expect("parses");
        assert_eq!(require_sending(&offer), Ok(()));
        let offer = parse(&two_lines("sendonly", "recvonly")).expect("parses");
        assert!(matches!(
            require_sending(&offer),
            Err(OfferError::NotSending { index: 1, .. })
        ));
        // A session-wide direction counts where an m-line has none.
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=recvonly\r\n\
                    m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";
        let offer = parse(text).expect("parses");
        assert!(matches!(
            require_sending(&offer),
            Err(OfferError::NotSending { index: 0, .. })
        ));
    }

    #[test]
    fn offered_caps_are_rtp_caps_of_that_payload_type() {
        init();
        let offer = parse(CHROMIUM).expect("parses");
        let caps = offered_caps(&offer, 1, 108).expect("caps");
        let s = caps.structure(0).expect("structure");
        assert_eq!(s.name(), "application/x-rtp");
        assert_eq!(s.get::<i32>("payload").ok(), Some(108));
        assert_eq!(s.get::<&str>("encoding-name").ok(), Some("H264"));
        assert!(offered_caps(&offer, 7, 108).is_none());
    }

    #[test]
    fn gathered_candidates_go_into_their_m_line() {
        init();
        let answer = two_lines("sendonly", "sendonly");
        let candidates = [
            (
                0,
                "candidate:1 1 UDP 2015363327 127.0.0.1 41000 typ host".to_owned(),
            ),
            (
                0,
                "candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active".to_owned(),
            ),
            (5, "candidate:3 1 UDP 1 127.0.0.1 1 typ host".to_owned()),
        ];
        let text = with_candidates(&answer, &candidates).expect("writes");
        let sdp = parse(&text).expect("parses again");
        let audio = sdp.media(0).expect("audio");
        let lines: Vec<&str> = audio
            .attributes()
            .filter(|a| a.key() == "candidate")
            .filter_map(|a| a.value())
            .collect();
        assert_eq!(
            lines,
            [
                "1 1 UDP 2015363327 127.0.0.1 41000 typ host",
                "2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active"
            ]
        );
        assert!(
            audio.attribute_val("end-of-candidates").is_some()
                || text.contains("a=end-of-candidates")
        );
        let video = sdp.media(1).expect("video");
        assert_eq!(
            video
                .attributes()
                .filter(|a| a.key() == "candidate")
                .count(),
            0
        );
        assert_eq!(text.matches("a=end-of-candidates").count(), 1);
    }
}
