//! The room most media tests start from: Green (700 Hz) and Blue (1100 Hz) joined as guests.

use std::time::Duration;

use connect_right::media::layout::{Rect, grid};

use super::analysis::{BLUE, CANVAS, GREEN, tile_report, wait_until_async};
use super::api::Ticket;
use super::gst_peer::{GstPeer, VideoCodec};
use super::server::TestServer;

/// Green's and Blue's tones.
pub const GREEN_HZ: u32 = 700;
pub const BLUE_HZ: u32 = 1100;

/// The two-tile grid with Green left and Blue right.
pub fn green_blue_grid() -> [(Rect, [u8; 3]); 2] {
    let rects = grid(2, CANVAS);
    [(rects[0], GREEN), (rects[1], BLUE)]
}

/// Joins Green (H.264) then Blue (`blue_codec`) with `ticket`; panics unless Green sees both
/// tiles within 15 s.
pub async fn green_and_blue(
    server: &TestServer,
    ticket: &Ticket,
    blue_codec: VideoCodec,
) -> (GstPeer, GstPeer) {
    let ws = server.ws_url();
    let green = GstPeer::join(&ws, ticket, "Green", GREEN, GREEN_HZ, VideoCodec::H264)
        .await
        .expect("green joins");
    let blue = GstPeer::join(&ws, ticket, "Blue", BLUE, BLUE_HZ, blue_codec)
        .await
        .expect("blue joins");
    let shown = shows(&green, &green_blue_grid(), Duration::from_secs(15)).await;
    assert!(shown, "green sees both tiles\n{}", server.log_tail(30));
    (green, blue)
}

/// Waits until `peer`'s latest frame shows `tiles`; false after `timeout`.
pub async fn shows(peer: &GstPeer, tiles: &[(Rect, [u8; 3])], timeout: Duration) -> bool {
    wait_until_async(timeout, || {
        peer.latest_frame()
            .is_some_and(|f| tile_report(&f, tiles).is_ok())
    })
    .await
}

/// Waits until `peer`'s levels (dBFS) of `freqs` satisfy `heard`, at most `timeout`; returns
/// the last levels measured (`None` while too little audio has arrived to measure them).
pub async fn levels_once(
    peer: &GstPeer,
    freqs: &[f64],
    timeout: Duration,
    heard: impl Fn(&[f64]) -> bool,
) -> Option<Vec<f64>> {
    let mut last = None;
    wait_until_async(timeout, || {
        last = peer.audio_levels(freqs);
        last.as_deref().is_some_and(&heard)
    })
    .await;
    last
}
