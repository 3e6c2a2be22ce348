//! A room with the presenter layout shows its presenter large above a strip of everyone else,
//! switching when the owner names a presenter and when the room's layout setting changes.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::layout::presenter;
use serde_json::json;
use support::analysis::{BLUE, CANVAS, GREEN, tile_report, wait_until_async};
use support::api::call;
use support::gst_peer::{GstPeer, VideoCodec};
use support::scenes::{green_and_blue, green_blue_grid};
use support::server::TestServer;

/// A layout change reaches the receivers' pictures within this.
const SWITCH_WITHIN: Duration = Duration::from_secs(2);

async fn shows(peer: &GstPeer, expected: &[(connect_right::media::layout::Rect, [u8; 3])]) -> bool {
    wait_until_async(SWITCH_WITHIN, || {
        peer.latest_frame()
            .is_some_and(|f| tile_report(&f, expected).is_ok())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_presenter_is_shown_large_above_the_others() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "keynote").expect("room set up");
    let settings = format!("/api/rooms/{}", room.id);
    let r = call(
        &base,
        "PATCH",
        &settings,
        Some(&room.owner_token),
        Some(json!({"layout": "presenter"})),
    )
    .expect("reply");
    assert_eq!(r.body["layout"], "presenter", "{:?}", r.body);

    // No presenter yet: the plain grid.
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let as_grid = green_blue_grid();

    // The owner makes Blue the presenter: Blue large on top, Green in the strip.
    let started = Instant::now();
    let path = format!(
        "/api/rooms/{}/participants/{}",
        room.id,
        blue.participant_id()
    );
    let r = call(
        &base,
        "PATCH",
        &path,
        Some(&room.owner_token),
        Some(json!({"role": "presenter"})),
    )
    .expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    let stage = presenter(1, 1, CANVAS);
    let staged = [(stage[0], BLUE), (stage[1], GREEN)];
    for peer in [&green, &blue] {
        assert!(
            shows(peer, &staged).await,
            "{} sees Blue presenting within {SWITCH_WITHIN:?}: {:?}",
            peer.name(),
            peer.latest_frame().map(|f| tile_report(&f, &staged))
        );
    }
    println!(
        "presenter layout shown {:?} after the change",
        started.elapsed()
    );

    // The owner switches the room back to the grid while Blue still presents.
    let started = Instant::now();
    let r = call(
        &base,
        "PATCH",
        &settings,
        Some(&room.owner_token),
        Some(json!({"layout": "grid"})),
    )
    .expect("reply");
    assert_eq!(r.status, 200);
    assert!(
        shows(&green, &as_grid).await,
        "back to the grid within {SWITCH_WITHIN:?}"
    );
    println!("grid shown again {:?} after the change", started.elapsed());
    let gap = green.max_gap_since(started);
    assert!(
        gap <= Duration::from_millis(300),
        "green stalled for {gap:?}"
    );
}
