//! A participant whose media stops without a goodbye (its socket still open) is removed after
//! the 10 s liveness timeout, and the others carry on without a stall.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::layout::grid;
use support::analysis::{CANVAS, GREEN};
use support::analysis::{tile_report, wait_until_async};
use support::gst_peer::VideoCodec;
use support::scenes::green_and_blue;
use support::server::TestServer;

const ROOM: &str = "liveness";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_vanishes_is_removed_after_ten_seconds_and_the_room_carries_on() {
    let server = TestServer::start().expect("server starts");
    let room = server
        .room("owner", ROOM)
        .expect("owner, room and invite are set up");
    let (green, mut blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;

    let vanished = Instant::now();
    blue.vanish().await.expect("blue's media stops");

    let removed = wait_until_async(Duration::from_secs(16), || green.roster().len() == 1).await;
    let after = vanished.elapsed();
    assert!(
        removed,
        "blue still in the roster after {after:?}: {:?}",
        green.roster()
    );
    println!("blue removed {after:?} after its media stopped");
    assert!(
        after >= Duration::from_secs(9),
        "removed too early: {after:?}"
    );
    assert!(
        after <= Duration::from_secs(13),
        "removed too late: {after:?}"
    );

    // Blue's socket was told why and closed; green now fills the canvas alone.
    let closed = wait_until_async(Duration::from_secs(3), || blue.signalling_closed()).await;
    assert!(closed, "the vanished peer's socket is closed");
    assert!(
        blue.errors().iter().any(|e| e.contains("internal")),
        "the vanished peer was told why: {:?}",
        blue.errors()
    );
    let one = [(grid(1, CANVAS)[0], GREEN)];
    let alone = wait_until_async(Duration::from_secs(2), || {
        green
            .latest_frame()
            .is_some_and(|f| tile_report(&f, &one).is_ok())
    })
    .await;
    assert!(
        alone,
        "green's tile fills the canvas within 2 s of the removal"
    );
    let gap = green.max_gap_since(vanished);
    println!("green's largest video gap meanwhile: {gap:?}");
    assert!(
        gap <= Duration::from_millis(300),
        "green stalled for {gap:?}"
    );
}
