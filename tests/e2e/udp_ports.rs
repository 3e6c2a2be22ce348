//! `--udp-ports`: with two peers connected and media flowing, every UDP socket the server holds
//! is inside the configured range, so a firewall that opens only that range passes all media.

use crate::support;

use std::time::Duration;

use connect_right::media::layout::grid;
use support::analysis::{BLUE, CANVAS, RED};
use support::analysis::{tile_report, wait_until_async};
use support::gst_peer::{GstPeer, VideoCodec};
use support::server::{TestServer, udp_ports};

const ROOM: &str = "firewalled";
const RANGE: std::ops::RangeInclusive<u16> = 41000..=41049;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_uses_only_the_configured_udp_port_range() {
    let range_arg = format!("{}-{}", RANGE.start(), RANGE.end());
    let server = TestServer::start_with(&["--udp-ports", &range_arg]).expect("server starts");
    let room = server
        .room("owner", ROOM)
        .expect("owner, room and invite are set up");
    let ticket = room.guest();
    let red = GstPeer::join(&server.ws_url(), &ticket, "Red", RED, 700, VideoCodec::H264)
        .await
        .expect("red joins");
    let blue = GstPeer::join(
        &server.ws_url(),
        &ticket,
        "Blue",
        BLUE,
        1100,
        VideoCodec::H264,
    )
    .await
    .expect("blue joins");
    let rects = grid(2, CANVAS);
    let both = [(rects[0], RED), (rects[1], BLUE)];
    for peer in [&red, &blue] {
        let shown = wait_until_async(Duration::from_secs(15), || {
            peer.latest_frame()
                .is_some_and(|f| tile_report(&f, &both).is_ok())
        })
        .await;
        assert!(
            shown,
            "{} sees both tiles through the ranged ports\n{}",
            peer.name(),
            server.log_tail(30)
        );
    }

    let ports = udp_ports(server.pid()).expect("reading the server's sockets");
    println!("server UDP ports with two peers connected: {ports:?}");
    let inside = ports.iter().filter(|p| RANGE.contains(p)).count();
    assert!(
        inside >= 2,
        "each peer's ICE agent holds a socket inside the range: {ports:?}"
    );
    let outside: Vec<u16> = ports.into_iter().filter(|p| !RANGE.contains(p)).collect();
    assert!(
        outside.is_empty(),
        "UDP sockets outside {RANGE:?}: {outside:?}"
    );
}
