//! Bad input on the signalling socket: every case gets an `error` with the fitting code, the
//! socket stays usable, and a participant already in the room keeps receiving its composite.

use crate::support;

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use support::api::Ticket;
use support::gst_peer::{GstPeer, VideoCodec};
use support::server::TestServer;
use support::watcher::{Socket, next_of};

const CHROMIUM_OFFER: &str = include_str!("../data/chromium-156-sendrecv-offer.sdp");
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

async fn connect(server: &TestServer) -> Socket {
    let (ws, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .expect("the socket opens");
    ws
}

async fn send_text(ws: &mut Socket, text: String) {
    ws.send(Message::Text(text)).await.expect("sent");
}

/// Sends `text` and asserts the reply is an error with `code` and a readable message.
async fn expect_error(ws: &mut Socket, text: String, code: &str) {
    let shown: String = text.chars().take(60).collect();
    send_text(ws, text).await;
    let reply = next_of(ws, "error").await;
    assert_eq!(reply["code"], code, "for {shown}: {reply}");
    let message = reply["message"].as_str().unwrap_or("");
    assert!(
        message.len() > 5,
        "a human-readable message for {shown}: {reply}"
    );
}

async fn join(ws: &mut Socket, ticket: &Ticket, name: &str) -> Value {
    send_text(
        ws,
        json!({"type":"join","room":ticket.room,"name":name,"token":ticket.token}).to_string(),
    )
    .await;
    next_of(ws, "joined").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_clear_errors_and_the_room_carries_on() {
    let server = TestServer::start().expect("server starts");
    let ticket = server
        .room("owner", "bad-input")
        .expect("room set up")
        .guest();
    let room = ticket.room.as_str();

    // A real participant whose composite must keep flowing through all of this.
    let peer = match GstPeer::join(
        &server.ws_url(),
        &ticket,
        "Steady",
        [0, 200, 0],
        700,
        VideoCodec::Vp8,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => panic!("the steady peer joins: {e:#}\n{}", server.log_tail(60)),
    };
    let playing =
        support::analysis::wait_until_async(Duration::from_secs(15), || peer.is_playing()).await;
    assert!(playing, "the steady peer receives the composite");

    // Before joining.
    let mut ws = connect(&server).await;
    expect_error(&mut ws, "{not json".into(), "bad_request").await;
    expect_error(&mut ws, r#"{"type":"teleport"}"#.into(), "bad_request").await;
    expect_error(&mut ws, r#"{"no_type":1}"#.into(), "bad_request").await;
    expect_error(
        &mut ws,
        r#"{"type":"offer","sdp":"v=0"}"#.into(),
        "bad_request",
    )
    .await;
    expect_error(
        &mut ws,
        r#"{"type":"ice","candidate":"","sdpMLineIndex":0}"#.into(),
        "bad_request",
    )
    .await;
    let big = json!({"type":"join","room":room,"name":"x".repeat(70 * 1024)}).to_string();
    expect_error(&mut ws, big, "too_large").await;
    ws.send(Message::Binary(vec![1, 2, 3])).await.expect("sent");
    assert_eq!(next_of(&mut ws, "error").await["code"], "bad_request");
    for bad_room in ["", "a/b", "x y", &"r".repeat(65)] {
        expect_error(
            &mut ws,
            json!({"type":"join","room":bad_room,"name":"n"}).to_string(),
            "bad_request",
        )
        .await;
    }
    for bad_name in [
        "<b>bold</b>",
        "<span foreground=\"red\">x</span>",
        "",
        &"n".repeat(33),
    ] {
        expect_error(
            &mut ws,
            json!({"type":"join","room":room,"name":bad_name}).to_string(),
            "bad_request",
        )
        .await;
    }

    // After joining.
    let joined = join(&mut ws, &ticket, "Probe").await;
    assert_eq!(joined["room"], room);
    expect_error(
        &mut ws,
        json!({"type":"join","room":room,"name":"Again","token":ticket.token}).to_string(),
        "conflict",
    )
    .await;
    expect_error(&mut ws, json!({"type":"ice","candidate":"candidate:1 1 UDP 1 127.0.0.1 9 typ host","sdpMLineIndex":0}).to_string(), "bad_request").await;
    expect_error(
        &mut ws,
        json!({"type":"offer","sdp":"this is not sdp"}).to_string(),
        "bad_request",
    )
    .await;
    let vp9_only = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000\r\na=sendrecv\r\n";
    expect_error(
        &mut ws,
        json!({"type":"offer","sdp":vp9_only}).to_string(),
        "unsupported",
    )
    .await;
    // One camera and one microphone: an offer may not multiply the server's senders.
    let audio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";
    let many_lines = format!(
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n{}",
        audio.repeat(40)
    );
    expect_error(
        &mut ws,
        json!({"type":"offer","sdp":many_lines}).to_string(),
        "unsupported",
    )
    .await;

    // A valid offer is still answered after all of that, and ICE for a missing m-line is refused.
    // This participant's media never connects: its senders stay blocked inside webrtcbin, and
    // the steady peer's picture must not wait for them (no gap over 300 ms from the offer on).
    let since = Instant::now();
    send_text(
        &mut ws,
        json!({"type":"offer","sdp":CHROMIUM_OFFER}).to_string(),
    )
    .await;
    let answer = next_of(&mut ws, "answer").await;
    assert!(answer["sdp"].as_str().unwrap_or("").starts_with("v=0"));
    expect_error(&mut ws, json!({"type":"ice","candidate":"candidate:1 1 UDP 1 127.0.0.1 9 typ host","sdpMLineIndex":7}).to_string(), "bad_request").await;

    // The measurement: the steady peer's 4 s from the offer on.
    tokio::time::sleep_until((since + Duration::from_secs(4)).into()).await;
    let frames = peer.frames_since(since);
    let gap = peer.max_gap_since(since);
    assert!(
        frames >= 80,
        "steady peer got {frames} frames in 4 s (longest gap {gap:?})"
    );
    assert!(
        gap < Duration::from_millis(300),
        "steady peer stalled for {gap:?}"
    );
    assert!(
        peer.errors().is_empty(),
        "steady peer saw errors: {:?}",
        peer.errors()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_join_with_the_same_token_replaces_the_first_connection() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("ana", "reconnect").expect("room set up");
    // Ana's session token is her identity: her second socket replaces the first.
    let join_msg =
        json!({"type":"join","room":room.id,"name":"Ana","token":room.owner_token}).to_string();

    let mut first = connect(&server).await;
    send_text(&mut first, join_msg.clone()).await;
    let first_id = next_of(&mut first, "joined").await["participantId"].clone();

    let mut other = connect(&server).await;
    let other_joined = join(&mut other, &room.guest(), "Ben").await;

    let mut second = connect(&server).await;
    send_text(&mut second, join_msg).await;
    let second_id = next_of(&mut second, "joined").await["participantId"].clone();
    assert_ne!(first_id, second_id);

    // The old socket is told why, then closed.
    let replaced = next_of(&mut first, "error").await;
    assert_eq!(replaced["code"], "conflict");
    let closed = tokio::time::timeout(REPLY_TIMEOUT, async {
        while let Some(frame) = first.next().await {
            if matches!(frame, Ok(Message::Close(_)) | Err(_)) {
                return true;
            }
        }
        true
    })
    .await;
    assert_eq!(closed, Ok(true), "the replaced socket is closed");

    // Everyone sees one Ana (the new one) and Ben.
    let deadline = Instant::now() + REPLY_TIMEOUT;
    loop {
        let roster = next_of(&mut other, "roster").await;
        let people = roster["participants"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ids: Vec<&Value> = people.iter().map(|p| &p["id"]).collect();
        if people.len() == 2
            && ids.contains(&&second_id)
            && ids.contains(&&other_joined["participantId"])
        {
            break;
        }
        assert!(Instant::now() < deadline, "roster never settled: {roster}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_whose_media_never_arrives_is_removed() {
    let server = TestServer::start().expect("server starts");
    let ticket = server
        .room("owner", "liveness")
        .expect("room set up")
        .guest();
    let mut watcher = connect(&server).await;
    join(&mut watcher, &ticket, "Watcher").await;

    // A client that negotiates and then never sends a packet (as if its network vanished),
    // while its socket stays open.
    let mut silent = connect(&server).await;
    let joined = join(&mut silent, &ticket, "Ghost").await;
    let started = Instant::now();
    send_text(
        &mut silent,
        json!({"type":"offer","sdp":CHROMIUM_OFFER}).to_string(),
    )
    .await;
    next_of(&mut silent, "answer").await;

    let deadline = Instant::now() + Duration::from_secs(20);
    let error = loop {
        let frame = tokio::time::timeout(
            deadline.saturating_duration_since(Instant::now()),
            silent.next(),
        )
        .await
        .expect("removed within 20 s");
        match frame {
            Some(Ok(Message::Text(text))) => {
                let v: Value = serde_json::from_str(&text).expect("json");
                if v["type"] == "error" {
                    break v;
                }
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("socket ended before an error: {other:?}"),
        }
    };
    // ICE gives up after about 7 s; the 10 s liveness rule is the backstop.
    let after = started.elapsed();
    assert!(
        after <= Duration::from_secs(13),
        "removed too late, after {after:?}"
    );
    assert_eq!(error["code"], "internal", "{error}");

    // The others see it gone.
    let ghost = joined["participantId"].clone();
    loop {
        let roster = next_of(&mut watcher, "roster").await;
        let people = roster["participants"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if people.iter().all(|p| p["id"] != ghost) {
            assert_eq!(people.len(), 1);
            break;
        }
    }
}
