//! A member without a live camera shows its placeholder — initials on a colour from its
//! name — rather than a frozen frame: when it says its camera is off, and when its pictures
//! stop arriving; its camera comes back when they do.

use crate::support;

use std::time::{Duration, Instant};

use connect_right::media::placeholder::colour;
use support::analysis::{BLUE, GREEN, tile_report, wait_until_async};
use support::gst_peer::{GstPeer, VideoCodec};
use support::scenes::{green_and_blue, green_blue_grid};
use support::server::TestServer;

/// The bound for a stalled camera; the room checks once a second on top.
const PLACEHOLDER_WITHIN: Duration = Duration::from_secs(3);

/// Green's composite with Blue's tile in `blue_colour`.
async fn blue_shows(green: &GstPeer, blue_colour: [u8; 3], within: Duration) -> bool {
    let [green_tile, blue_tile] = green_blue_grid();
    let expected = [green_tile, (blue_tile.0, blue_colour)];
    assert_eq!(green_tile.1, GREEN);
    wait_until_async(within, || {
        green
            .latest_frame()
            .is_some_and(|f| tile_report(&f, &expected).is_ok())
    })
    .await
}

fn rgb(argb: u32) -> [u8; 3] {
    [(argb >> 16) as u8, (argb >> 8) as u8, argb as u8]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_that_is_off_or_stalled_shows_the_placeholder_and_comes_back() {
    let server = TestServer::start().expect("server starts");
    let room = server.room("owner", "placeholders").expect("room set up");
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let placeholder = rgb(colour("Blue"));

    // Blue says its camera is off: its placeholder replaces the picture.
    let started = Instant::now();
    blue.say_media(true, false).expect("sent");
    assert!(
        blue_shows(&green, placeholder, Duration::from_secs(2)).await,
        "camera off: placeholder {placeholder:?}: {:?}",
        green
            .latest_frame()
            .map(|f| tile_report(&f, &green_blue_grid()))
    );
    println!("placeholder {:?} after camera off", started.elapsed());
    blue.say_media(true, true).expect("sent");
    assert!(
        blue_shows(&green, BLUE, Duration::from_secs(2)).await,
        "camera on again"
    );

    // Blue's pictures stop arriving: the placeholder, not the last frame.
    let started = Instant::now();
    assert!(blue.freeze_camera(true), "blue has a camera");
    assert!(
        blue_shows(&green, placeholder, PLACEHOLDER_WITHIN).await,
        "stalled camera: placeholder within {PLACEHOLDER_WITHIN:?}"
    );
    let stalled = started.elapsed();
    println!("placeholder {stalled:?} after the pictures stopped");
    assert!(
        stalled >= Duration::from_millis(1500),
        "not before the stall: {stalled:?}"
    );
    blue.freeze_camera(false);
    let started = Instant::now();
    assert!(
        blue_shows(&green, BLUE, PLACEHOLDER_WITHIN).await,
        "the camera returns with its pictures"
    );
    println!(
        "camera back {:?} after the pictures resumed",
        started.elapsed()
    );
}
