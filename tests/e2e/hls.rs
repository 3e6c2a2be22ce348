//! HLS of a live room: started and stopped by API, a live playlist (RFC 8216) and MPEG-TS
//! segments fetched by a signed link without any header, as a player or CDN would; H.264 and
//! AAC carrying both publishers' tones; refusals; and HLS stopping when the room empties.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::analysis::tone_levels;
use support::api::{call, member_token};
use support::gst_peer::VideoCodec;
use support::http::{fetch, header};
use support::media_probe::{audio_samples, streams};
use support::scenes::{BLUE_HZ, GREEN_HZ, green_and_blue};
use support::server::TestServer;
use support::watcher;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_plays_h264_and_aac_with_both_tones_through_signed_links_only() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "broadcast").expect("room set up");
    let hls = format!("/api/rooms/{}/hls", room.id);
    let other = member_token(&base, "stranger").expect("another member");

    // Not live yet: nobody is in the room.
    let r = call(&base, "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(
        (r.status, r.error_code()),
        (409, "conflict"),
        "{:?}",
        r.body
    );

    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let mut watcher = watcher::join(&server.ws_url(), &room.id, &room.guest_token, "Watcher").await;

    // Who may start it, and which room.
    let r = call(&base, "POST", &hls, Some(&other), None).expect("reply");
    assert_eq!(
        (r.status, r.error_code()),
        (403, "forbidden"),
        "{:?}",
        r.body
    );
    let r = call(&base, "POST", &hls, None, None).expect("reply");
    assert_eq!(r.status, 401);
    let r = call(
        &base,
        "POST",
        "/api/rooms/no-such-room/hls",
        Some(&room.owner_token),
        None,
    )
    .expect("reply");
    assert_eq!((r.status, r.error_code()), (404, "not_found"));

    let r = call(&base, "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["active"], true);
    assert!(r.body["startedAt"].as_str().is_some(), "{:?}", r.body);
    let link = r.body["playlist"]["url"].as_str().expect("url").to_owned();
    assert!(
        link.starts_with(&format!("{hls}/playlist.m3u8?expires=")) && link.contains("&sig="),
        "{link}"
    );
    assert!(r.body["playlist"]["expiresAt"].as_str().is_some());
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told, json!({"type":"broadcast","hls":true,"rtmp":"off"}));
    let again = call(&base, "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(again.status, 409, "a second start is a conflict");
    let status = call(&base, "GET", &hls, Some(&other), None).expect("reply");
    assert_eq!(
        status.body["active"], true,
        "anyone who may view the room sees it"
    );

    // The live playlist, fetched without any header, fills up with ~2 s segments.
    let playlist_url = format!("{base}{link}");
    let started = Instant::now();
    let (playlist, headers) = loop {
        let (status, headers, body) = fetch(&playlist_url);
        if status == 200 {
            let text = String::from_utf8(body).expect("UTF-8 playlist");
            let parsed = parse_playlist(&text).unwrap_or_else(|e| panic!("{e}"));
            if parsed.segments.len() >= 3 {
                println!("playlist after {:?}:\n{text}", started.elapsed());
                break (parsed, headers);
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no 3 segments in 30 s (status {status})\n{}",
            server.log_tail(20)
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(
        header(&headers, "content-type"),
        "application/vnd.apple.mpegurl"
    );
    let cache = header(&headers, "cache-control");
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

    // The segments, resolved against the playlist's URL as a player does.
    let dir = tempfile::tempdir().expect("temp dir");
    let joined = dir.path().join("joined.ts");
    let mut all = Vec::new();
    let folder = format!("{base}{hls}/");
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
    assert!(
        found.contains(&("video".into(), "h264".into())),
        "{found:?}"
    );
    assert!(found.contains(&("audio".into(), "aac".into())), "{found:?}");
    let samples = audio_samples(&input, 30, Duration::from_secs(30)).expect("decoded");
    let levels =
        tone_levels(&samples, 48_000.0, &[GREEN_HZ as f64, BLUE_HZ as f64]).expect("enough audio");
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
    let off_tone = tone_levels(&samples, 48_000.0, &[3_000.0]).expect("enough audio");
    assert!(
        off_tone[0] < levels[0] - 20.0,
        "a frequency nobody sends is quiet: {off_tone:?}"
    );

    // Refusals: tampered, expired or missing signatures, and names outside the pattern.
    let (_, first) = &playlist.segments[0];
    let tampered = playlist_url
        .replace("sig=", "sig=0")
        .replacen("sig=00", "sig=01", 1);
    // Well before now: refused as expired whatever the signature.
    let sig = playlist_url.split("&sig=").nth(1).unwrap_or_default();
    let expired = format!("{base}{hls}/playlist.m3u8?expires=1&sig={sig}");
    let unsigned = playlist_url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    for (what, url, want) in [
        ("tampered", tampered.as_str(), 403),
        ("expired", expired.as_str(), 403),
        ("unsigned", unsigned.as_str(), 401),
    ] {
        let (status, headers, body) = fetch(url);
        assert_eq!(status, want, "{what}");
        assert!(header(&headers, "content-type").starts_with("application/json"));
        let v: Value = serde_json::from_slice(&body).expect("JSON error body");
        assert!(v["error"].is_string(), "{what}: {v}");
    }
    let query = first.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let another_room = format!("{base}/api/rooms/another-room/hls/playlist.m3u8?{query}");
    assert_eq!(fetch(&another_room).0, 403, "a link is for one room only");
    for name in [
        "..%2F..%2Fdb.sqlite",
        "..%2Frecordings",
        "server.log",
        "0a1b2c3d-00001.ts",
        "passwd.ts",
    ] {
        let (status, _, body) = fetch(&format!("{folder}{name}?{query}"));
        assert_eq!(status, 404, "{name}: {}", String::from_utf8_lossy(&body));
    }
    // A header works instead of a signed query; the playlist it gets is signed for players.
    let with_header = ureq::get(&unsigned)
        .set("Authorization", &format!("Bearer {}", room.owner_token))
        .call()
        .expect("the owner's token opens the playlist");
    let text = with_header.into_string().expect("text");
    let signed = parse_playlist(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        signed.segments.iter().all(|(_, uri)| uri.contains("&sig=")),
        "{text}"
    );
    let stranger_text = ureq::get(&unsigned)
        .set("Authorization", &format!("Bearer {other}"))
        .call()
        .map(|r| r.status());
    assert!(
        stranger_text.is_ok(),
        "a member who may view the listed room"
    );
    // A fresh link for anyone who may view the room.
    let r = call(&base, "POST", &format!("{hls}/link"), Some(&other), None).expect("reply");
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(fetch(&format!("{base}{}", r.str("url"))).0, 200);

    // Stop: the folder goes, and links find nothing.
    let folder_path = server.data_dir().join("hls").join(&room.id);
    assert!(folder_path.is_dir());
    let r = call(&base, "DELETE", &hls, Some(&other), None).expect("reply");
    assert_eq!(r.status, 403);
    let r = call(&base, "DELETE", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 204, "{:?}", r.body);
    let told = watcher::next_of(&mut watcher, "broadcast").await;
    assert_eq!(told["hls"], false);
    assert!(!folder_path.exists(), "the HLS folder is removed");
    assert_eq!(fetch(&playlist_url).0, 404);
    let r = call(&base, "DELETE", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 409, "stopping twice is a conflict");
    let r = call(&base, "POST", &format!("{hls}/link"), Some(&other), None).expect("reply");
    assert_eq!(r.status, 409, "no link while HLS is off");

    // Again, then everyone leaves: HLS stops with the room.
    let r = call(&base, "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    // A late joiner is told at once.
    let mut late = watcher::join(&server.ws_url(), &room.id, &room.guest_token, "Late").await;
    let told = watcher::next_of(&mut late, "broadcast").await;
    assert_eq!(told["hls"], true, "a late joiner learns of HLS: {told}");
    drop((late, watcher));
    let (mut green, mut blue) = (green, blue);
    green.leave().await.expect("green leaves");
    blue.leave().await.expect("blue leaves");
    let emptied = Instant::now();
    let stopped =
        support::analysis::wait_until_async(Duration::from_secs(10), || !folder_path.exists())
            .await;
    assert!(stopped, "HLS stopped when the room emptied");
    println!(
        "HLS folder gone {:?} after the last leave",
        emptied.elapsed()
    );
    let r = call(&base, "GET", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.body, json!({"active": false}));
}

/// Starts HLS in `room` as its owner and waits until the playlist is on disk; returns the
/// room's HLS folder.
async fn start_and_wait_for_playlist(
    server: &TestServer,
    room: &support::api::TestRoom,
) -> std::path::PathBuf {
    let hls = format!("/api/rooms/{}/hls", room.id);
    let r = call(&server.url(), "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "{:?}", r.body);
    let folder = server.data_dir().join("hls").join(&room.id);
    let playlist = folder.join("playlist.m3u8");
    let written =
        support::analysis::wait_until_async(Duration::from_secs(15), || playlist.exists()).await;
    assert!(written, "the playlist is written");
    folder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopping_stops_hls_and_removes_its_folder() {
    let mut server = TestServer::start().expect("server starts");
    let room = server.room("owner", "stopping").expect("room set up");
    let peers = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let folder = start_and_wait_for_playlist(&server, &room).await;
    let took = server
        .stop_gracefully(Duration::from_secs(15))
        .expect("the server exits on SIGTERM");
    println!("exit {took:?} after SIGTERM with HLS running");
    assert!(!folder.exists(), "the HLS folder is removed at shutdown");
    drop(peers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hls_that_cannot_write_stops_while_the_room_plays_on() {
    let server = TestServer::start().expect("server starts");
    let base = server.url();
    let room = server.room("owner", "unwritable").expect("room set up");
    let hls = format!("/api/rooms/{}/hls", room.id);
    let (green, blue) = green_and_blue(&server, &room.guest(), VideoCodec::H264).await;
    let folder = start_and_wait_for_playlist(&server, &room).await;
    // The folder vanishes under the writer (a full or unmounted disk looks the same to it).
    std::fs::remove_dir_all(&folder).expect("folder removed");
    let since = Instant::now();
    let deadline = since + Duration::from_secs(15);
    loop {
        let r = call(&base, "GET", &hls, Some(&room.owner_token), None).expect("reply");
        if r.body["active"] == false {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "HLS still on: {:?}\n{}",
            r.body,
            server.log_tail(30)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!("HLS stopped {:?} after its folder went", since.elapsed());
    let window = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fps = green.frames_since(window) as f64 / window.elapsed().as_secs_f64();
    println!("green after HLS failed: {fps:.1} fps");
    assert!(fps >= 25.0, "the room plays on: {fps:.1} fps");
    let r = call(&base, "POST", &hls, Some(&room.owner_token), None).expect("reply");
    assert_eq!(r.status, 201, "HLS starts again: {:?}", r.body);
    drop((green, blue));
}
