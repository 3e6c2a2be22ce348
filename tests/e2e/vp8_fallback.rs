//! A receiver whose offer has no H.264 gets a VP8 encode of the composite, at the real output
//! settings (1280×720@30), while an H.264 receiver in the same room keeps its stream.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::layout::grid;
use support::analysis::{BLUE, CANVAS, GREEN};
use support::analysis::{tile_report, wait_until_async};
use support::gst_peer::{GstPeer, VideoCodec};
use support::server::TestServer;

const ROOM: &str = "vp8-fallback";
const MEASURE_FOR: Duration = Duration::from_secs(6);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vp8_only_receiver_gets_a_vp8_composite_at_full_rate() {
    let server = TestServer::start().expect("server starts");
    let room = server
        .room("owner", ROOM)
        .expect("owner, room and invite are set up");
    let ticket = room.guest();
    let green = GstPeer::join(
        &server.ws_url(),
        &ticket,
        "Green",
        GREEN,
        700,
        VideoCodec::H264,
    )
    .await
    .expect("the H.264 peer joins");
    let blue = GstPeer::join(
        &server.ws_url(),
        &ticket,
        "Blue",
        BLUE,
        1100,
        VideoCodec::Vp8,
    )
    .await
    .expect("the VP8 peer joins");
    let playing = wait_until_async(Duration::from_secs(15), || {
        green.is_playing() && blue.is_playing()
    })
    .await;
    assert!(
        playing,
        "both receive the composite\n{}",
        server.log_tail(40)
    );
    assert!(
        blue.incoming_streams().iter().any(|s| s == "video/VP8"),
        "the VP8 peer receives VP8: {:?}",
        blue.incoming_streams()
    );
    assert!(green.incoming_streams().iter().any(|s| s == "video/H264"));

    // Let the two-tile layout reach both.
    let rects = grid(2, CANVAS);
    let expected = [(rects[0], GREEN), (rects[1], BLUE)];
    let settled = wait_until_async(Duration::from_secs(5), || {
        [&green, &blue].iter().all(|p| {
            p.latest_frame()
                .is_some_and(|f| tile_report(&f, &expected).is_ok())
        })
    })
    .await;
    assert!(settled, "both show the two tiles");

    let since = Instant::now();
    let (mut judged, mut right) = (0, 0);
    while since.elapsed() < MEASURE_FOR {
        // The measurement: blue's picture is judged every 250 ms for MEASURE_FOR.
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Some(frame) = blue.latest_frame() {
            judged += 1;
            right += usize::from(tile_report(&frame, &expected).is_ok());
        }
    }
    let seconds = since.elapsed().as_secs_f64();
    for (name, peer) in [("green (H.264)", &green), ("blue (VP8)", &blue)] {
        let fps = peer.frames_since(since) as f64 / seconds;
        let gap = peer.max_gap_since(since);
        println!("{name}: {fps:.1} fps, largest gap {gap:?}");
        assert!(fps >= 20.0, "{name} receives {fps:.1} fps");
        assert!(
            gap <= Duration::from_millis(300),
            "{name} stalled for {gap:?}"
        );
    }
    println!("blue (VP8): tiles right in {right}/{judged} frames");
    assert!(
        judged >= 10 && right * 10 >= judged * 9,
        "VP8 tiles right in {right}/{judged}"
    );
    let levels = blue.audio_levels(&[700.0, 1100.0]).expect("audio arrived");
    println!(
        "blue hears 700 Hz at {:.1} dBFS, its own 1100 Hz at {:.1} dBFS",
        levels[0], levels[1]
    );
    assert!(
        levels[0] >= -45.0 && levels[1] <= levels[0] - 20.0,
        "{levels:?}"
    );
}
