//! HLS of a live room: started and stopped by API, a live playlist (RFC 8216) and MPEG-TS
//! segments fetched by a signed link without any header, as a player or CDN would; H.264 and
//! AAC carrying both publishers' tones; refusals; and HLS stopping when the room empties.

use crate::support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::analysis::{poll_async, tone_levels, wait_until_async};
use support::api::{Reply, TestRoom, call, member_token};
use support::gst_peer::{GstPeer, VideoCodec};
use support::http::{fetch, header};
use support::media_probe::{audio_samples, streams};
use support::scenes::{BLUE_HZ, GREEN_HZ, green_and_blue};
use support::server::TestServer;
use support::watcher::{self, Socket};

/// A parsed live media playlist.
#[derive(Debug)]
struct Playlist {
    target_duration: u32,
    /// (duration in seconds, URI) per segment.
    segments: Vec<(f64, String)>,
}

fn parse_playlist(text: &str) -> Result<Playlist, String> {
    let mut lines = text.lines();
    if lines.next() != Some("#EXTM3U") {
        return Err(format!("no #EXTM3U first line:\n{text}"));
    }
    let mut target_duration = None;
    let mut segments = Vec::new();
    let mut pending = None;
    for line in lines {
        if let Some(v) = line.strip_prefix("#EXT-X-TARGETDURATION:") {
            target_duration = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("#EXTINF:") {
            let d = v.split(',').next().and_then(|d| d.trim().parse().ok());
            pending = Some(d.ok_or_else(|| format!("bad EXTINF {line}"))?);
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let d = pending
                .take()
                .ok_or_else(|| format!("URI without EXTINF: {line}"))?;
            segments.push((d, line.trim().to_owned()));
        }
    }
    Ok(Playlist {
        target_duration: target_duration.ok_or("no #EXT-X-TARGETDURATION")?,
        segments,
    })
}

/// A server and a room whose HLS the tests start and stop, with Green and Blue in it once
/// [`Broadcast::live`] (or [`Broadcast::fill`]) has run.
struct Broadcast {
    server: TestServer,
    room: TestRoom,
    base: String,
    /// `/api/rooms/{id}/hls`.
    hls: String,
    /// A member who may view the (listed) room but does not own it.
    other: String,
    peers: Option<(GstPeer, GstPeer)>,
}

impl Broadcast {
    /// A fresh server with room `name`, which nobody has joined yet.
    fn empty(name: &str) -> Self {
        let server = TestServer::start().expect("server starts");
        let base = server.url();
        let room = server.room("owner", name).expect("room set up");
        let hls = format!("/api/rooms/{}/hls", room.id);
        let other = member_token(&base, "stranger").expect("another member");
        Self {
            server,
            room,
            base,
            hls,
            other,
            peers: None,
        }
    }

    /// A fresh server with room `name`, Green and Blue in it.
    async fn live(name: &str) -> Self {
        let mut broadcast = Self::empty(name);
        broadcast.fill().await;
        broadcast
    }

    /// Green and Blue join; returns once Green sees both tiles.
    async fn fill(&mut self) {
        let peers = green_and_blue(&self.server, &self.room.guest(), VideoCodec::H264).await;
        self.peers = Some(peers);
    }

    fn green(&self) -> &GstPeer {
        &self.peers.as_ref().expect("Green and Blue joined").0
    }

    /// Green and Blue leave: the room is empty again.
    async fn empty_the_room(&mut self) {
        let (mut green, mut blue) = self.peers.take().expect("Green and Blue joined");
        green.leave().await.expect("green leaves");
        blue.leave().await.expect("blue leaves");
    }

    /// A bare socket member of the room, joined as `name`.
    async fn watcher(&self, name: &str) -> Socket {
        let ws_url = self.server.ws_url();
        watcher::join(&ws_url, &self.room.id, &self.room.guest_token, name).await
    }

    /// `method` on the room's HLS resource followed by `tail` ("" or "/link"), as `token`.
    fn call(&self, method: &str, tail: &str, token: Option<&str>) -> Reply {
        let path = format!("{}{tail}", self.hls);
        call(&self.base, method, &path, token, None).expect("reply")
    }

    fn owner(&self) -> Option<&str> {
        Some(&self.room.owner_token)
    }

    fn other(&self) -> Option<&str> {
        Some(&self.other)
    }

    /// Where the room's playlist and segments are written.
    fn folder(&self) -> PathBuf {
        self.server.data_dir().join("hls").join(&self.room.id)
    }

    /// Starts HLS as the owner and waits until the playlist is on disk; returns the signed
    /// playlist link of the reply (a path on the server).
    async fn start_and_wait_for_playlist(&self) -> String {
        let r = self.call("POST", "", self.owner());
        assert_eq!(r.status, 201, "{:?}", r.body);
        let playlist = self.folder().join("playlist.m3u8");
        let written = wait_until_async(Duration::from_secs(15), || playlist.exists()).await;
        assert!(
            written,
            "the playlist is written\n{}",
            self.server.log_tail(30)
        );
        r.body["playlist"]["url"].as_str().expect("url").to_owned()
    }

    /// Fetches the playlist at `url` every 500 ms until it lists at least `count` segments
    /// (at most 30 s); returns it parsed, with the reply's headers.
    async fn wait_for_segments(
        &self,
        url: &str,
        count: usize,
    ) -> (Playlist, Vec<(String, String)>) {
        let started = Instant::now();
        let mut status = 0;
        let filled = poll_async(Duration::from_secs(30), Duration::from_millis(500), || {
            let (got, headers, body) = fetch(url);
            status = got;
            if got != 200 {
                return None;
            }
            let text = String::from_utf8(body).expect("UTF-8 playlist");
            let parsed = parse_playlist(&text).unwrap_or_else(|e| panic!("{e}"));
            (parsed.segments.len() >= count).then(|| {
                println!("playlist after {:?}:\n{text}", started.elapsed());
                (parsed, headers)
            })
        })
        .await;
        filled.unwrap_or_else(|| {
            panic!(
                "no {count} segments in 30 s (status {status})\n{}",
                self.server.log_tail(20)
            )
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_starts_only_for_the_owner_of_a_live_room_and_everyone_in_it_is_told() {
    let mut b = Broadcast::empty("broadcast");

    // Not live yet: nobody is in the room.
    let r = b.call("POST", "", b.owner());
    assert_eq!(
        (r.status, r.error_code()),
        (409, "conflict"),
        "{:?}",
        r.body
    );

    b.fill().await;
    let mut watcher = b.watcher("Watcher").await;

    // Who may start it, and which room.
    let r = b.call("POST", "", b.other());
    assert_eq!(
        (r.status, r.error_code()),
        (403, "forbidden"),
        "{:?}",
        r.body
    );
    let r = b.call("POST", "", None);
    assert_eq!(r.status, 401);
    let r = call(
        &b.base,
        "POST",
        "/api/rooms/no-such-room/hls",
        b.owner(),
        None,
    )
    .expect("reply");
    assert_eq!((r.status, r.error_code()), (404, "not_found"));

    let r = b.call("POST", "", b.owner());
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["active"], true);
    assert!(r.body["startedAt"].as_str().is_some(), "{:?}", r.body);
    let link = r.body["playlist"]["url"].as_str().expect("url");
    assert!(
        link.starts_with(&format!("{}/playlist.m3u8?expires=", b.hls)) && link.contains("&sig="),
        "{link}"
    );
    assert!(r.body["playlist"]["expiresAt"].as_str().is_some());
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told, json!({"type":"broadcast","hls":true,"rtmp":"off"}));
    let again = b.call("POST", "", b.owner());
    assert_eq!(again.status, 409, "a second start is a conflict");
    let status = b.call("GET", "", b.other());
    assert_eq!(
        status.body["active"], true,
        "anyone who may view the room sees it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hls_playlist_and_segments_carry_h264_and_aac_with_both_tones() {
    let b = Broadcast::live("broadcast").await;
    let link = b.start_and_wait_for_playlist().await;
    // The live playlist, fetched without any header, fills up with ~2 s segments.
    let (playlist, headers) = b.wait_for_segments(&format!("{}{link}", b.base), 3).await;
    check_playlist(&playlist, &headers);
    let (video_and_audio, samples) = fetch_segments(&b, &playlist);
    check_streams_and_tones(&video_and_audio, &samples);
}

/// A live playlist as RFC 8216 has it: served as one, short-lived, and every segment at most
/// the target duration long and signed.
fn check_playlist(playlist: &Playlist, headers: &[(String, String)]) {
    assert_eq!(
        header(headers, "content-type"),
        "application/vnd.apple.mpegurl"
    );
    let cache = header(headers, "cache-control");
    assert!(
        cache.contains("max-age=1") || cache.contains("no-cache"),
        "{cache}"
    );
    assert!((2..=3).contains(&playlist.target_duration), "{playlist:?}");
    // RFC 8216: no segment longer than the target duration (rounded). The first may be
    // short: HLS starts at the key frame it asks for, then follows the encoder's cadence.
    let target = f64::from(playlist.target_duration);
    for (i, (d, uri)) in playlist.segments.iter().enumerate() {
        let least = if i == 0 { 0.0 } else { 1.5 };
        assert!(
            *d > least && *d <= target + 0.5,
            "segment of {d} s: {playlist:?}"
        );
        assert!(uri.contains("?expires=") && uri.contains("&sig="), "{uri}");
    }
    let durations: Vec<f64> = playlist.segments.iter().map(|(d, _)| *d).collect();
    println!("segment durations: {durations:?}");
}

/// Fetches every segment, resolved against the playlist's URL as a player does, and checks
/// each reply; returns the streams ffprobe finds in them joined, and their decoded audio.
fn fetch_segments(b: &Broadcast, playlist: &Playlist) -> (Vec<(String, String)>, Vec<f32>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let joined = dir.path().join("joined.ts");
    let mut all = Vec::new();
    let folder = format!("{}{}/", b.base, b.hls);
    for (_, uri) in &playlist.segments {
        let (status, headers, body) = fetch(&format!("{folder}{uri}"));
        assert_eq!(status, 200, "{uri}");
        assert_eq!(header(&headers, "content-type"), "video/mp2t");
        assert!(
            header(&headers, "cache-control").starts_with("public, max-age="),
            "{headers:?}"
        );
        assert!(body.len() > 10_000, "{uri}: {} bytes", body.len());
        all.extend_from_slice(&body);
    }
    std::fs::write(&joined, &all).expect("saved");
    let input = joined.display().to_string();
    let found = streams(&input, Duration::from_secs(30)).expect("ffprobe");
    let samples = audio_samples(&input, 30, Duration::from_secs(30)).expect("decoded");
    (found, samples)
}

/// H.264 video and AAC audio in which both publishers' tones are loud and nothing else is.
fn check_streams_and_tones(found: &[(String, String)], samples: &[f32]) {
    assert!(
        found.contains(&("video".into(), "h264".into())),
        "{found:?}"
    );
    assert!(found.contains(&("audio".into(), "aac".into())), "{found:?}");
    let levels =
        tone_levels(samples, 48_000.0, &[GREEN_HZ as f64, BLUE_HZ as f64]).expect("enough audio");
    println!(
        "HLS audio: {} samples, tones {GREEN_HZ} Hz {:.1} dBFS, {BLUE_HZ} Hz {:.1} dBFS",
        samples.len(),
        levels[0],
        levels[1]
    );
    assert!(
        levels.iter().all(|db| *db > -30.0),
        "both tones in the HLS audio: {levels:?} dBFS"
    );
    let off_tone = tone_levels(samples, 48_000.0, &[3_000.0]).expect("enough audio");
    assert!(
        off_tone[0] < levels[0] - 20.0,
        "a frequency nobody sends is quiet: {off_tone:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_links_open_only_when_signed_for_the_room_or_with_a_token_that_may_view_it() {
    let b = Broadcast::live("broadcast").await;
    let link = b.start_and_wait_for_playlist().await;
    let playlist_url = format!("{}{link}", b.base);
    let (playlist, _) = b.wait_for_segments(&playlist_url, 1).await;
    let (_, first) = &playlist.segments[0];
    let query = first.split_once('?').map(|(_, q)| q).unwrap_or_default();
    refuses_bad_links(&b, &playlist_url, query);
    opens_with_a_token_or_a_fresh_link(&b, &playlist_url);
}

/// Tampered, expired or missing signatures, a link for another room and names outside the
/// pattern are refused.
fn refuses_bad_links(b: &Broadcast, playlist_url: &str, segment_query: &str) {
    let tampered = playlist_url
        .replace("sig=", "sig=0")
        .replacen("sig=00", "sig=01", 1);
    // Well before now: refused as expired whatever the signature.
    let sig = playlist_url.split("&sig=").nth(1).unwrap_or_default();
    let expired = format!("{}{}/playlist.m3u8?expires=1&sig={sig}", b.base, b.hls);
    let unsigned = playlist_url.split('?').next().unwrap_or_default();
    for (what, url, want) in [
        ("tampered", tampered.as_str(), 403),
        ("expired", expired.as_str(), 403),
        ("unsigned", unsigned, 401),
    ] {
        let (status, headers, body) = fetch(url);
        assert_eq!(status, want, "{what}");
        assert!(header(&headers, "content-type").starts_with("application/json"));
        let v: Value = serde_json::from_slice(&body).expect("JSON error body");
        assert!(v["error"].is_string(), "{what}: {v}");
    }
    let another_room = format!(
        "{}/api/rooms/another-room/hls/playlist.m3u8?{segment_query}",
        b.base
    );
    assert_eq!(fetch(&another_room).0, 403, "a link is for one room only");
    for name in [
        "..%2F..%2Fdb.sqlite",
        "..%2Frecordings",
        "server.log",
        "0a1b2c3d-00001.ts",
        "passwd.ts",
    ] {
        let url = format!("{}{}/{name}?{segment_query}", b.base, b.hls);
        let (status, _, body) = fetch(&url);
        assert_eq!(status, 404, "{name}: {}", String::from_utf8_lossy(&body));
    }
}

/// A bearer header works instead of a signed query (and the playlist it gets is signed for
/// players); anyone who may view the room gets a fresh link.
fn opens_with_a_token_or_a_fresh_link(b: &Broadcast, playlist_url: &str) {
    let unsigned = playlist_url.split('?').next().unwrap_or_default();
    let with_header = ureq::get(unsigned)
        .set("Authorization", &format!("Bearer {}", b.room.owner_token))
        .call()
        .expect("the owner's token opens the playlist");
    let text = with_header.into_string().expect("text");
    let signed = parse_playlist(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(!signed.segments.is_empty(), "{text}");
    assert!(
        signed.segments.iter().all(|(_, uri)| uri.contains("&sig=")),
        "{text}"
    );
    let stranger_text = ureq::get(unsigned)
        .set("Authorization", &format!("Bearer {}", b.other))
        .call()
        .map(|r| r.status());
    assert!(
        stranger_text.is_ok(),
        "a member who may view the listed room"
    );
    let r = b.call("POST", "/link", b.other());
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(fetch(&format!("{}{}", b.base, r.str("url"))).0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_hls_removes_its_folder_its_links_find_nothing_and_it_can_start_again() {
    let b = Broadcast::live("broadcast").await;
    let mut watcher = b.watcher("Watcher").await;
    let link = b.start_and_wait_for_playlist().await;
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told["hls"], true, "the start is told first: {told}");

    let folder_path = b.folder();
    assert!(folder_path.is_dir());
    let r = b.call("DELETE", "", b.other());
    assert_eq!(r.status, 403);
    let r = b.call("DELETE", "", b.owner());
    assert_eq!(r.status, 204, "{:?}", r.body);
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told["hls"], false);
    assert!(!folder_path.exists(), "the HLS folder is removed");
    assert_eq!(fetch(&format!("{}{link}", b.base)).0, 404);
    let r = b.call("DELETE", "", b.owner());
    assert_eq!(r.status, 409, "stopping twice is a conflict");
    let r = b.call("POST", "/link", b.other());
    assert_eq!(r.status, 409, "no link while HLS is off");

    let r = b.call("POST", "", b.owner());
    assert_eq!(r.status, 201, "HLS starts again: {:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_stops_when_the_room_empties_and_a_late_joiner_learns_that_it_runs() {
    let mut b = Broadcast::live("broadcast").await;
    b.start_and_wait_for_playlist().await;
    // A late joiner is told at once.
    let mut late = b.watcher("Late").await;
    let told = watcher::next_of(&mut late, "broadcast").await;
    assert_eq!(told["hls"], true, "a late joiner learns of HLS: {told}");
    drop(late);

    // Everyone leaves: HLS stops with the room.
    let folder_path = b.folder();
    b.empty_the_room().await;
    let emptied = Instant::now();
    let stopped = wait_until_async(Duration::from_secs(10), || !folder_path.exists()).await;
    assert!(stopped, "HLS stopped when the room emptied");
    println!(
        "HLS folder gone {:?} after the last leave",
        emptied.elapsed()
    );
    let r = b.call("GET", "", b.owner());
    assert_eq!(r.body, json!({"active": false}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopping_stops_hls_and_removes_its_folder() {
    let mut b = Broadcast::live("stopping").await;
    b.start_and_wait_for_playlist().await;
    let took = b
        .server
        .stop_gracefully(Duration::from_secs(15))
        .expect("the server exits on SIGTERM");
    println!("exit {took:?} after SIGTERM with HLS running");
    assert!(
        !b.folder().exists(),
        "the HLS folder is removed at shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_that_cannot_write_stops_while_the_room_plays_on() {
    let b = Broadcast::live("unwritable").await;
    b.start_and_wait_for_playlist().await;
    // The folder vanishes under the writer (a full or unmounted disk looks the same to it).
    std::fs::remove_dir_all(b.folder()).expect("folder removed");
    let since = Instant::now();
    let mut last = Value::Null;
    let stopped = poll_async(Duration::from_secs(15), Duration::from_millis(250), || {
        last = b.call("GET", "", b.owner()).body;
        (last["active"] == false).then_some(())
    })
    .await;
    assert!(
        stopped.is_some(),
        "HLS still on: {last:?}\n{}",
        b.server.log_tail(30)
    );
    println!("HLS stopped {:?} after its folder went", since.elapsed());
    let window = Instant::now();
    // The measurement: 3 s of the room playing on after HLS failed.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fps = b.green().frames_since(window) as f64 / window.elapsed().as_secs_f64();
    println!("green after HLS failed: {fps:.1} fps");
    assert!(fps >= 25.0, "the room plays on: {fps:.1} fps");
    let r = b.call("POST", "", b.owner());
    assert_eq!(r.status, 201, "HLS starts again: {:?}", r.body);
}
