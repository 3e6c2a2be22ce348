//! WHIP ingest: an encoder publishes into a room as a presenter (a tile, its tone in everyone's
//! mix, nothing sent back), with the owner's session token or the room's revocable stream key.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::layout::grid;
use serde_json::Value;
use support::analysis::{BLUE, CANVAS, GREEN, RED, tile_report, wait_until_async};
use support::api::{
    Refusal, Reply, TestRoom, assert_refusals, assert_unknown_session, call, call_raw, create_room,
    member_token,
};
use support::gst_peer::{GstPeer, VideoCodec};
use support::scenes::{GREEN_HZ, levels_once, shows};
use support::server::TestServer;

/// The publisher's tone.
const PUBLISHER_HZ: u32 = 500;
/// A real offer (sendrecv audio and video) for requests refused before any media.
const OFFER: &str = include_str!("../data/chromium-156-sendrecv-offer.sdp");
const SDP: &str = "application/sdp";

/// Green alone, then Green left and the red publisher right.
fn green_alone() -> [(connect_right::media::layout::Rect, [u8; 3]); 1] {
    [(grid(1, CANVAS)[0], GREEN)]
}

fn green_and_red() -> [(connect_right::media::layout::Rect, [u8; 3]); 2] {
    let rects = grid(2, CANVAS);
    [(rects[0], GREEN), (rects[1], RED)]
}

/// Green joins `room` as a guest; panics unless it sees itself within 15 s.
async fn green_joins(server: &TestServer, room: &TestRoom) -> GstPeer {
    let green = GstPeer::join(
        &server.ws_url(),
        &room.guest(),
        "Green",
        GREEN,
        GREEN_HZ,
        VideoCodec::H264,
    )
    .await
    .unwrap_or_else(|e| panic!("green joins: {e:#}\n{}", server.log_tail(30)));
    assert!(
        shows(&green, &green_alone(), Duration::from_secs(15)).await,
        "green sees itself"
    );
    green
}

/// Publishes red and `PUBLISHER_HZ` with `token`, checks that Green sees the red tile, hears
/// the tone and lists the publisher as `name` (a presenter); then DELETEs the session and
/// checks the tile is gone.
async fn publish_and_check(
    server: &TestServer,
    room: &TestRoom,
    green: &GstPeer,
    token: &str,
    name: &str,
    codec: VideoCodec,
) {
    let mut publisher = GstPeer::publish_whip(
        &server.url(),
        &room.id,
        token,
        "Red",
        RED,
        PUBLISHER_HZ,
        codec,
    )
    .await
    .unwrap_or_else(|e| panic!("the publisher is answered: {e:#}\n{}", server.log_tail(40)));
    let answer = publisher.answer_sdp().to_owned();
    assert!(answer.contains("a=candidate:") && answer.contains("a=end-of-candidates"));
    let wanted = if codec == VideoCodec::H264 {
        "H264"
    } else {
        "VP8"
    };
    assert!(
        answer.contains(wanted),
        "the answer takes {wanted}:\n{answer}"
    );

    let tiles = green_and_red();
    let shown = shows(green, &tiles, Duration::from_secs(15)).await;
    let report = green
        .latest_frame()
        .map(|f| tile_report(&f, &tiles))
        .unwrap_or(Err("no frame".into()));
    assert!(
        shown,
        "green sees the publisher's tile: {report:?}\n{}",
        server.log_tail(30)
    );
    let listed = wait_until_async(Duration::from_secs(5), || {
        green
            .roster_roles()
            .contains(&(name.to_owned(), "presenter".to_owned()))
    })
    .await;
    assert!(
        listed,
        "the roster lists {name} as presenter: {:?}",
        green.roster_roles()
    );

    // Green's mix-minus has the publisher's tone (and not Green's own), judged once the
    // publisher's tone has reached it.
    let freqs = [PUBLISHER_HZ as f64, GREEN_HZ as f64];
    let levels = levels_once(green, &freqs, Duration::from_secs(5), |l| l[0] > -30.0)
        .await
        .expect("enough audio");
    assert!(
        levels[0] > -30.0 && levels[1] < levels[0] - 20.0,
        "green hears the publisher and not itself: {levels:?} dBFS"
    );
    println!("{name} ({wanted}): tile shown, publisher's tone at {levels:?} dBFS in green's mix");

    publisher.leave().await.expect("DELETE ends the session");
    let gone = shows(green, &green_alone(), Duration::from_secs(10)).await;
    assert!(gone, "the publisher's tile goes with its session");
    let left = wait_until_async(Duration::from_secs(5), || green.roster() == ["Green"]).await;
    assert!(left, "only green is left: {:?}", green.roster());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_publishes_with_a_session_token() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("whipowner", "stage").expect("room set up");
    let green = green_joins(&server, &room).await;
    publish_and_check(
        &server,
        &room,
        &green,
        &room.owner_token,
        "whipowner",
        VideoCodec::H264,
    )
    .await;

    // Two publishers with the same token are two presenters; one whose media stops without a
    // DELETE is removed by the 10 s liveness check, and the other stays.
    let base = server.url();
    let publish = |name: &'static str, rgb: [u8; 3]| {
        GstPeer::publish_whip(
            &base,
            &room.id,
            &room.owner_token,
            name,
            rgb,
            PUBLISHER_HZ,
            VideoCodec::H264,
        )
    };
    let _red = publish("Red", RED).await.expect("red publishes");
    let mut blue = publish("Blue", BLUE).await.expect("blue publishes");
    let three = grid(3, CANVAS);
    let tiles = [(three[0], GREEN), (three[1], RED), (three[2], BLUE)];
    let shown = shows(&green, &tiles, Duration::from_secs(15)).await;
    assert!(shown, "green sees both publishers\n{}", server.log_tail(30));
    let vanished = Instant::now();
    blue.vanish().await.expect("blue's media stops");
    let two = wait_until_async(Duration::from_secs(16), || green.roster().len() == 2).await;
    let after = vanished.elapsed();
    assert!(two, "blue is still listed: {:?}", green.roster());
    assert!(
        after >= Duration::from_secs(9),
        "removed too early: {after:?}"
    );
    assert!(
        shows(&green, &green_and_red(), Duration::from_secs(5)).await,
        "red keeps its tile"
    );
    println!("a vanished publisher was removed after {after:?}");
    assert!(green.errors().is_empty(), "{:?}", green.errors());
}

fn post_offer(server: &TestServer, room: &str, token: Option<&str>) -> Reply {
    let path = format!("/api/rooms/{room}/whip");
    call_raw(&server.url(), "POST", &path, token, SDP, OFFER.as_bytes()).expect("reply")
}

/// POSTs an SDP offer; returns the status and the body as text.
fn post_sdp(base: &str, path: &str, token: &str, offer: &str) -> (u16, String) {
    let reply = ureq::post(&format!("{base}{path}"))
        .set("Content-Type", SDP)
        .set("Authorization", &format!("Bearer {token}"))
        .send_string(offer);
    let response = match reply {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("POST {path}: {e}"),
    };
    let status = response.status();
    (status, response.into_string().expect("a text body"))
}

/// Each m-line's `a=rtpmap` values, leaving out retransmission (`rtx`) and FEC.
fn answered_codecs(sdp: &str) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = Vec::new();
    for line in sdp.lines() {
        if line.starts_with("m=") {
            lines.push(Vec::new());
        } else if let (Some(map), Some(current)) =
            (line.strip_prefix("a=rtpmap:"), lines.last_mut())
        {
            let lower = map.to_ascii_lowercase();
            if !["rtx/", "red/", "ulpfec/"]
                .iter()
                .any(|c| lower.contains(c))
            {
                current.push(map.to_owned());
            }
        }
    }
    lines
}

fn new_key(server: &TestServer, room: &TestRoom) -> String {
    let path = format!("/api/rooms/{}/stream-key", room.id);
    let reply = call(&server.url(), "POST", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let key = reply.str("key");
    assert!(key.starts_with("crk_"), "{key}");
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_key_publishes_until_it_is_revoked() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("keyowner", "studio").expect("room set up");
    let key = new_key(&server, &room);
    let green = green_joins(&server, &room).await;
    publish_and_check(&server, &room, &green, &key, "Stream", VideoCodec::Vp8).await;

    // Revoked: the key stops working.
    let path = format!("/api/rooms/{}/stream-key", room.id);
    let base = server.url();
    let reply = call(&base, "DELETE", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(reply.status, 204);
    let reply = post_offer(&server, &room.id, Some(&key));
    assert_eq!((reply.status, reply.error_code()), (401, "unauthorized"));

    // A new key works, and replaces the one before it.
    let second = new_key(&server, &room);
    let third = new_key(&server, &room);
    let reply = post_offer(&server, &room.id, Some(&second));
    assert_eq!(
        (reply.status, reply.error_code()),
        (401, "unauthorized"),
        "a replaced key stops working"
    );
    publish_and_check(&server, &room, &green, &third, "Stream", VideoCodec::H264).await;

    // A key opens its own room only.
    let other = create_room(
        &base,
        &room.owner_token,
        serde_json::json!({"name": "other"}),
    )
    .expect("second room");
    let reply = post_offer(&server, &other, Some(&third));
    assert_eq!((reply.status, reply.error_code()), (403, "forbidden"));

    // Keys never reach the logs.
    for k in [&key, &second, &third] {
        assert!(server.log_grep(&[&k[4..]], 1).is_empty(), "a key is logged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_key_endpoints_are_for_the_owner() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("keyperms", "perms").expect("room set up");
    let base = server.url();
    let path = format!("/api/rooms/{}/stream-key", room.id);
    let other = member_token(&base, "notowner").expect("second member");

    let get = |token: Option<&str>| call(&base, "GET", &path, token, None).expect("reply");
    let reply = get(Some(&room.owner_token));
    assert_eq!(
        (reply.status, &reply.body["exists"]),
        (200, &Value::Bool(false))
    );

    let key = new_key(&server, &room);
    let reply = get(Some(&room.owner_token));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["exists"], Value::Bool(true));
    assert!(reply.str("createdAt").ends_with('Z'), "{:?}", reply.body);
    assert!(
        !reply.body.to_string().contains(&key[4..]),
        "GET never shows the key"
    );

    for method in ["GET", "POST", "DELETE"] {
        let reply = call(&base, method, &path, Some(&other), None).expect("reply");
        assert_eq!(
            (reply.status, reply.error_code()),
            (403, "forbidden"),
            "{method} by another member"
        );
        let reply = call(&base, method, &path, None, None).expect("reply");
        assert_eq!(
            (reply.status, reply.error_code()),
            (401, "unauthorized"),
            "{method} anonymously"
        );
    }
    // The refusals changed nothing.
    assert_eq!(
        get(Some(&room.owner_token)).body["exists"],
        Value::Bool(true)
    );
    let reply = call(&base, "DELETE", &path, Some(&room.owner_token), None).expect("reply");
    assert_eq!(reply.status, 204);
    assert_eq!(
        get(Some(&room.owner_token)).body["exists"],
        Value::Bool(false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_whip_requests_get_clear_errors() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("whiperrs", "whip-errors").expect("room set up");
    let base = server.url();
    let path = format!("/api/rooms/{}/whip", room.id);
    let member = member_token(&base, "justamember").expect("a member who may not present");
    let owner = Some(room.owner_token.as_str());
    let recvonly = OFFER.replace("a=sendrecv", "a=recvonly");
    assert_ne!(recvonly, OFFER, "the offer has directions to turn");
    let vp9 = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
               m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000\r\na=sendonly\r\n";

    let cases: [Refusal; 9] = [
        ("no token", None, SDP, OFFER.as_bytes(), 401, "unauthorized"),
        (
            "unknown key",
            Some("crk_nope"),
            SDP,
            OFFER.as_bytes(),
            401,
            "unauthorized",
        ),
        (
            "an invite",
            Some(&room.guest_token),
            SDP,
            OFFER.as_bytes(),
            401,
            "unauthorized",
        ),
        (
            "a member who may not present",
            Some(&member),
            SDP,
            OFFER.as_bytes(),
            403,
            "forbidden",
        ),
        (
            "JSON body",
            owner,
            "application/json",
            b"{}",
            415,
            "unsupported_media_type",
        ),
        ("not SDP", owner, SDP, b"hello", 400, "bad_request"),
        (
            "recvonly offer",
            owner,
            SDP,
            recvonly.as_bytes(),
            422,
            "unsupported",
        ),
        ("VP9 only", owner, SDP, vp9.as_bytes(), 422, "unsupported"),
        (
            "oversized",
            owner,
            SDP,
            &[b'v'; 70 * 1024],
            413,
            "too_large",
        ),
    ];
    assert_refusals(&base, &path, &cases);
    let reply = post_offer(&server, "no-such-room", owner);
    assert_eq!((reply.status, reply.error_code()), (404, "not_found"));

    assert_unknown_session(&base, &path);

    // An offer of many codecs (Chromium's) is answered with exactly the payload types the
    // server decodes: Opus 111 and constrained-baseline H.264 108 (plus 108's retransmission).
    let (status, answer) = post_sdp(&base, &path, &room.owner_token, OFFER);
    assert_eq!(status, 201, "{answer}");
    let codecs = answered_codecs(&answer);
    assert_eq!(
        codecs,
        [
            vec!["111 OPUS/48000/2".to_owned()],
            vec!["108 H264/90000".to_owned()]
        ],
        "{answer}"
    );

    // A WHIP session is not a WHEP one: its URL under /whep is unknown.
    let mut publisher = GstPeer::publish_whip(
        &base,
        &room.id,
        &room.owner_token,
        "late",
        RED,
        PUBLISHER_HZ,
        VideoCodec::H264,
    )
    .await
    .unwrap_or_else(|e| panic!("a good offer is answered: {e:#}\n{}", server.log_tail(30)));
    let session = publisher.participant_id().to_owned();
    let as_whep = format!("/api/rooms/{}/whep/{session}", room.id);
    let reply = call(&base, "DELETE", &as_whep, None, None).expect("reply");
    assert_eq!(reply.status, 404);
    publisher.leave().await.expect("DELETE ends it");
    let reply = call(&base, "DELETE", &format!("{path}/{session}"), None, None).expect("reply");
    assert_eq!(reply.status, 404, "a session ends once");
}
