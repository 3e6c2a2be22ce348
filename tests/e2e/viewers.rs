//! Receive-only viewers, on the socket and through WHEP: they see the composite and hear the
//! full mix, take no tile, and many of them get the same encoded stream.

use crate::support;

/// Many members at once, and the first member of a fresh server.
mod join_burst;

use std::time::{Duration, Instant};

use support::analysis::{tile_report, wait_until_async};
use support::api::{Refusal, assert_refusals, assert_unknown_session, call, call_raw, invite};
use support::gst_peer::{GstPeer, PeerOptions, VideoCodec};
use support::scenes::{BLUE_HZ, GREEN_HZ, green_and_blue, green_blue_grid, levels_once, shows};
use support::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_viewer_sees_the_composite_hears_everyone_and_takes_no_tile() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "stage").expect("room set up");
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::Vp8).await;

    // A viewer invite admits viewers only; the viewer decodes what it gets.
    let (_, viewer_token) =
        invite(&server.url(), &room.owner_token, &room.id, "viewer").expect("viewer invite");
    let ticket = support::api::Ticket {
        room: room.id.clone(),
        token: viewer_token,
    };
    let viewer = GstPeer::join_with(
        &server.ws_url(),
        &ticket,
        "Audience",
        [0, 0, 0],
        0,
        PeerOptions::viewer(VideoCodec::H264),
    )
    .await
    .unwrap_or_else(|e| panic!("the viewer joins: {e:#}\n{}", server.log_tail(40)));
    let playing = wait_until_async(Duration::from_secs(10), || viewer.is_playing()).await;
    assert!(playing, "the viewer receives video and audio");

    // The same two tiles as the participants see: the viewer has none of its own.
    let tiles = green_blue_grid();
    let shown = shows(&viewer, &tiles, Duration::from_secs(5)).await;
    let report = viewer
        .latest_frame()
        .map(|f| tile_report(&f, &tiles))
        .unwrap_or(Err("no frame".into()));
    assert!(
        shown,
        "the viewer sees Green and Blue side by side: {report:?}"
    );
    let stats = viewer.stats();
    assert_eq!((stats.width, stats.height), (1280, 720));

    // The full mix: both participants' tones (each participant hears only the other one).
    let both = |levels: &[f64]| levels.iter().all(|db| *db > -30.0);
    let freqs = [GREEN_HZ as f64, BLUE_HZ as f64];
    let levels = levels_once(&viewer, &freqs, Duration::from_secs(5), both)
        .await
        .expect("enough audio");
    assert!(
        both(&levels),
        "the viewer hears both tones: {levels:?} dBFS"
    );

    // The roster lists the two participants and counts the viewer.
    let counted = wait_until_async(Duration::from_secs(3), || green.roster_viewers() == 1).await;
    assert!(counted, "green's roster counts one viewer");
    let mut names = green.roster();
    names.sort();
    assert_eq!(names, ["Blue", "Green"]);

    // Frames keep flowing to the viewer at the real output settings.
    let since = Instant::now();
    // The measurement: 3 s of frames.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let frames = viewer.frames_since(since);
    let gap = viewer.max_gap_since(since);
    assert!(
        frames >= 75 && gap < Duration::from_millis(300),
        "viewer got {frames} frames in 3 s, longest gap {gap:?}"
    );
    assert!(viewer.errors().is_empty(), "{:?}", viewer.errors());
    drop(blue);

    let mut viewer = viewer;
    viewer.leave().await.expect("the viewer leaves");
    let gone = wait_until_async(Duration::from_secs(3), || green.roster_viewers() == 0).await;
    assert!(gone, "the viewer is no longer counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_whep_requests_get_clear_errors() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "whep-errors").expect("room set up");
    let base = server.url();
    let path = format!("/api/rooms/{}/whep", room.id);
    let offer = include_str!("../data/chromium-156-sendrecv-offer.sdp");
    let sdp = "application/sdp";
    let token = Some(room.guest_token.as_str());

    let cases: [Refusal; 6] = [
        ("no token", None, sdp, offer.as_bytes(), 401, "unauthorized"),
        ("unknown token", Some("crs_nope"), sdp, offer.as_bytes(), 401, "unauthorized"),
        ("JSON body", token, "application/json", b"{}", 415, "unsupported_media_type"),
        ("not SDP", token, sdp, b"hello", 400, "bad_request"),
        (
            "VP9 only",
            token,
            sdp,
            b"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000\r\na=recvonly\r\n",
            422,
            "unsupported",
        ),
        ("oversized", token, sdp, &[b'v'; 70 * 1024], 413, "too_large"),
    ];
    assert_refusals(&base, &path, &cases);
    let reply = call_raw(
        &base,
        "POST",
        "/api/rooms/no-such-room/whep",
        Some(&room.owner_token),
        sdp,
        offer.as_bytes(),
    )
    .expect("reply");
    assert_eq!((reply.status, reply.error_code()), (404, "not_found"));

    assert_unknown_session(&base, &path);

    // A real viewer still gets in afterwards, and its session can be ended once only.
    let mut viewer = GstPeer::watch_whep(
        &base,
        &room.id,
        &room.guest_token,
        "late",
        PeerOptions {
            decode: false,
            ..PeerOptions::viewer(VideoCodec::Vp8)
        },
    )
    .await
    .unwrap_or_else(|e| panic!("a good offer is answered: {e:#}\n{}", server.log_tail(30)));
    assert!(viewer.answer_sdp().contains("VP8"));
    assert!(viewer.answer_sdp().contains("a=candidate:"));
    assert!(viewer.answer_sdp().contains("a=end-of-candidates"));
    let session = format!("{path}/{}", viewer.participant_id());
    viewer.leave().await.expect("DELETE ends it");
    let reply = call(&base, "DELETE", &session, None, None).expect("reply");
    assert_eq!(reply.status, 404, "a session ends once");
}
