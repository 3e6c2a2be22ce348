use super::*;

fn caps(text: &str) -> gst::Caps {
    text.parse().expect("caps parse")
}

#[test]
fn the_offered_profile_level_id_replaces_the_encoders() {
    gst::init().expect("GStreamer initialises");
    let ours = caps(
        "application/x-rtp, media=(string)video, clock-rate=(int)90000, \
         encoding-name=(string)H264, packetization-mode=(string)1, \
         profile-level-id=(string)42c01f, payload=(int)102, ssrc=(uint)7, \
         sprop-parameter-sets=(string)\"Z0LAH9oBQBbsBagwMDUoAAADAAgAAAMB5HjBlQ\\=\\=\"",
    );
    let offered = caps(
        "application/x-rtp, media=(string)video, clock-rate=(int)90000, \
         encoding-name=(string)H264, payload=(int)102, packetization-mode=(string)1, \
         profile-level-id=(string)42e01f, level-asymmetry-allowed=(string)1, \
         rtcp-fb-nack-pli=(boolean)true",
    );
    let offered = offered.structure(0).expect("a structure");
    let agreed = agree(&ours, offered).expect("they differ");
    let s = agreed.structure(0).expect("a structure");
    assert_eq!(s.get::<&str>("profile-level-id"), Ok("42e01f"));
    // What only we name stays; what only the offer names is not added.
    assert!(s.has_field("sprop-parameter-sets"));
    assert_eq!(s.get::<u32>("ssrc"), Ok(7));
    assert!(!s.has_field("level-asymmetry-allowed"));
    // This is what webrtcbin does with the two: exact intersection.
    assert!(!ours.can_intersect(&caps(&offered.to_string())));
    assert!(agreed.can_intersect(&caps(&offered.to_string())));
}

#[test]
fn caps_that_already_agree_are_left_alone() {
    gst::init().expect("GStreamer initialises");
    let ours = caps(
        "application/x-rtp, media=(string)audio, clock-rate=(int)48000, \
         encoding-name=(string)OPUS, encoding-params=(string)2, payload=(int)111",
    );
    let offered = caps(
        "application/x-rtp, media=(string)audio, clock-rate=(int)48000, \
         encoding-name=(string)OPUS, encoding-params=(string)2, payload=(int)111, \
         minptime=(string)10, useinbandfec=(string)1",
    );
    assert!(agree(&ours, offered.structure(0).expect("a structure")).is_none());
}

/// A real payloader's CAPS event, rewritten on its way out of the pad.
#[test]
fn the_probe_rewrites_the_caps_event_a_payloader_sends() {
    gst::init().expect("GStreamer initialises");
    let pipeline = gst::parse::launch(
        "videotestsrc num-buffers=5 ! video/x-raw,width=320,height=180 ! \
         x264enc tune=zerolatency speed-preset=ultrafast ! \
         video/x-h264,profile=constrained-baseline ! rtph264pay pt=102 name=pay ! \
         fakesink name=sink",
    )
    .expect("pipeline parses")
    .downcast::<gst::Pipeline>()
    .expect("a pipeline");
    let pay = pipeline.by_name("pay").expect("payloader");
    let src = pay.static_pad("src").expect("src pad");
    announce_as_offered(
        &src,
        caps(
            "application/x-rtp, media=(string)video, payload=(int)102, \
              encoding-name=(string)H264, profile-level-id=(string)42e01f",
        ),
    );
    pipeline.set_state(gst::State::Playing).expect("plays");
    let bus = pipeline.bus().expect("bus");
    let _ = bus.timed_pop_filtered(
        gst::ClockTime::from_seconds(10),
        &[gst::MessageType::Eos, gst::MessageType::Error],
    );
    let sink_pad = pipeline
        .by_name("sink")
        .and_then(|s| s.static_pad("sink"))
        .expect("sink pad");
    let received = sink_pad.current_caps().expect("caps arrived");
    pipeline.set_state(gst::State::Null).expect("stops");
    let s = received.structure(0).expect("a structure");
    assert_eq!(s.get::<&str>("profile-level-id"), Ok("42e01f"));
}

/// Runs a webrtcbin action signal that replies through a promise, and returns the reply (some
/// signals reply without a structure).
fn ask(webrtcbin: &gst::Element, signal: &str, arg: &dyn ToValue) -> Option<gst::Structure> {
    let promise = gst::Promise::new();
    webrtcbin.emit_by_name::<()>(signal, &[arg, &promise]);
    assert_eq!(promise.wait(), gst::PromiseResult::Replied, "{signal}");
    let reply = promise.get_reply().map(ToOwned::to_owned);
    if let Some(error) = reply
        .as_ref()
        .and_then(|r| r.get::<gst::glib::Error>("error").ok())
    {
        panic!("{signal} failed: {error}");
    }
    reply
}

/// The offer of a receive-only player that lists video first: H.264 constrained baseline as
/// `42e01f`, then Opus.
fn video_first_player_offer() -> (gst::Pipeline, gst_sdp::SDPMessage) {
    let pipeline = gst::Pipeline::new();
    let player = crate::media::fragments::make("webrtcbin", "player").expect("webrtcbin");
    player.set_property_from_str("bundle-policy", "max-bundle");
    pipeline.add(&player).expect("added");
    for caps_text in [
        "application/x-rtp, media=video, encoding-name=H264, payload=102, clock-rate=90000, \
         packetization-mode=(string)1, profile-level-id=(string)42e01f",
        "application/x-rtp, media=audio, encoding-name=OPUS, payload=111, clock-rate=48000",
    ] {
        player.emit_by_name::<gst_webrtc::WebRTCRTPTransceiver>(
            "add-transceiver",
            &[
                &gst_webrtc::WebRTCRTPTransceiverDirection::Recvonly,
                &caps(caps_text),
            ],
        );
    }
    pipeline.set_state(gst::State::Playing).expect("plays");
    let reply = ask(&player, "create-offer", &None::<gst::Structure>).expect("a reply");
    let offer = reply
        .get::<gst_webrtc::WebRTCSessionDescription>("offer")
        .expect("an offer");
    (pipeline, offer.sdp().to_owned())
}

/// The race the join burst lost, made certain: the composite's caps (with the encoder's
/// `profile-level-id` from a real key frame) have reached webrtcbin before the answer is
/// created. The answer must still send on every m-line.
#[test]
fn webrtcbin_answers_sendonly_when_the_senders_caps_arrived_first() {
    use crate::media::fragments::Fragment;
    gst::init().expect("GStreamer initialises");
    let (player, offer) = video_first_player_offer();

    let pipeline = gst::parse::launch(
        "webrtcbin name=server bundle-policy=max-bundle \
         videotestsrc is-live=true ! video/x-raw,width=640,height=360,framerate=30/1 ! \
           x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! \
           video/x-h264,profile=constrained-baseline,stream-format=byte-stream ! \
           h264parse config-interval=-1 name=video \
         audiotestsrc is-live=true ! opusenc name=audio",
    )
    .expect("pipeline parses")
    .downcast::<gst::Pipeline>()
    .expect("a pipeline");
    let server = pipeline.by_name("server").expect("webrtcbin");
    let plan = crate::media::sdp::plan(&offer).expect("a plan");
    for (index, codec) in plan.iter().enumerate() {
        let (fragment, source) = if codec.is_video() {
            (Fragment::H264Sender, "video")
        } else {
            (Fragment::OpusPayloader, "audio")
        };
        let params = [("pt", i64::from(codec.pt())), ("ssrc", 1000 + index as i64)];
        let sender = fragment
            .build(&format!("send{index}"), &params)
            .expect("sender");
        pipeline.add(&sender).expect("added");
        pipeline
            .by_name(source)
            .expect("source")
            .link(&sender)
            .expect("source → sender");
        let sink = server
            .request_pad_simple(&format!("sink_{index}"))
            .expect("sink pad");
        let src = sender.static_pad("src").expect("sender src");
        let offered = crate::media::sdp::offered_caps(&offer, index, codec.pt()).expect("caps");
        announce_as_offered(&src, offered);
        src.link(&sink).expect("sender → webrtcbin");
        sink.property::<gst_webrtc::WebRTCRTPTransceiver>("transceiver")
            .set_property(
                "direction",
                gst_webrtc::WebRTCRTPTransceiverDirection::Sendonly,
            );
    }
    pipeline.set_state(gst::State::Playing).expect("plays");

    // Wait for the key frame's caps (with the SPS's profile) on the video sink.
    let video_sink = server.static_pad("sink_0").expect("video sink");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let has_profile = || {
        video_sink.current_caps().is_some_and(|c| {
            c.structure(0)
                .is_some_and(|s| s.has_field("sprop-parameter-sets"))
        })
    };
    while !has_profile() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(has_profile(), "the key frame's caps reached webrtcbin");

    let offer = gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Offer, offer);
    ask(&server, "set-remote-description", &offer);
    let reply = ask(&server, "create-answer", &None::<gst::Structure>).expect("a reply");
    let answer = reply
        .get::<gst_webrtc::WebRTCSessionDescription>("answer")
        .expect("an answer");
    let not_sending = crate::media::sdp::non_sending_m_lines(answer.sdp());
    pipeline.set_state(gst::State::Null).expect("stops");
    player.set_state(gst::State::Null).expect("stops");
    assert!(
        not_sending.is_empty(),
        "m-lines {not_sending:?} are not answered sending:\n{}",
        answer.sdp().as_text().unwrap_or_default()
    );
}
