//! HLS (RFC 8216) of a room: the room's H.264 and the shared AAC mix into `hlssink2`, which
//! writes MPEG-TS segments of about two seconds and a sliding live playlist into the room's
//! own folder. The folder goes when HLS stops.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use gst::prelude::*;
use rand::RngCore;

use crate::media::fragments::{Fragment, make};
use crate::media::pipeline::RoomPipeline;
use crate::media::shared_encode::SharedKind;
use crate::media::tee_branch::{TeeBranch, ghost_sinks, start_at_key_frame};

/// The playlist's file name in a room's folder.
pub const PLAYLIST: &str = "playlist.m3u8";
/// Seconds per segment; the room's encoder makes a key frame every 2 s anyway.
const TARGET_DURATION_SECS: u32 = 2;
/// Segments in the live playlist (RFC 8216 §6.3.3 asks for at least three).
const PLAYLIST_LENGTH: u32 = 6;
/// Segments kept on disk: a few more than the playlist lists, so a player or CDN that read
/// the previous playlist can still fetch what it named.
const MAX_FILES: u32 = 10;

/// A room's running HLS output.
pub struct HlsBranch {
    branch: TeeBranch,
    dir: PathBuf,
}

impl HlsBranch {
    /// Whether `object` (an element or pad that posted a message) belongs to this branch.
    pub fn contains(&self, object: &gst::Object) -> bool {
        self.branch.contains(object)
    }

    /// Starts writing the room's composite and full mix as HLS into `dir` (made here).
    pub async fn attach(room: &mut RoomPipeline, dir: &Path) -> Result<Self> {
        if dir.to_string_lossy().contains('%') {
            // hlssink2 takes the segment path as a printf pattern.
            bail!("the HLS folder's path may not contain '%'");
        }
        // A folder left by a crash holds stale segments: start clean.
        let fresh = dir.to_owned();
        tokio::task::spawn_blocking(move || {
            let _ = std::fs::remove_dir_all(&fresh);
            std::fs::create_dir_all(&fresh)
        })
        .await
        .context("preparing the HLS folder")?
        .with_context(|| format!("cannot create the HLS folder {}", dir.display()))?;
        let audio_tee = match room.acquire_shared(SharedKind::FullMixAac) {
            Ok(tee) => tee,
            Err(err) => {
                remove_folder(dir.to_owned()).await;
                return Err(err);
            }
        };
        match Self::build(room, dir, audio_tee) {
            Ok(branch) => Ok(branch),
            Err(err) => {
                room.release_shared(SharedKind::FullMixAac).await;
                remove_folder(dir.to_owned()).await;
                Err(err)
            }
        }
    }

    fn build(room: &RoomPipeline, dir: &Path, audio_tee: gst::Element) -> Result<Self> {
        let bin = gst::Bin::builder().name("hls-broadcast").build();
        let video = Fragment::HlsVideo.build("hls-video", &[])?;
        let audio = Fragment::HlsAudio.build("hls-audio", &[])?;
        let sink = make("hlssink2", "hls-sink")?;
        // Segment names carry a random session prefix: a restarted HLS never reuses a name a
        // CDN may have cached (segments are served as immutable).
        let segments = dir.join(format!("{}-%05d.ts", session_prefix()));
        sink.set_property("location", segments.to_string_lossy().to_string());
        sink.set_property(
            "playlist-location",
            dir.join(PLAYLIST).to_string_lossy().to_string(),
        );
        sink.set_property("target-duration", TARGET_DURATION_SECS);
        sink.set_property("playlist-length", PLAYLIST_LENGTH);
        sink.set_property("max-files", MAX_FILES);
        bin.add_many([
            video.upcast_ref::<gst::Element>(),
            audio.upcast_ref(),
            &sink,
        ])?;
        video
            .link_pads(Some("src"), &sink, Some("video"))
            .context("HLS video → hlssink2")?;
        audio
            .link_pads(Some("src"), &sink, Some("audio"))
            .context("HLS audio → hlssink2")?;
        ghost_sinks(&bin, &[(&video, "video_sink"), (&audio, "audio_sink")])?;
        // The first segment must start at a key frame.
        if let Some(pad) = video.static_pad("sink") {
            start_at_key_frame(&pad);
        }
        let inputs = [(room.h264_tee(), "video_sink"), (&audio_tee, "audio_sink")];
        let branch = TeeBranch::attach(room.gst_pipeline(), bin, &inputs)
            .context("the HLS writer did not start")?;
        room.request_keyframe();
        Ok(Self {
            branch,
            dir: dir.to_owned(),
        })
    }

    /// Takes the branch out of the room, gives back the AAC encode and removes the folder.
    pub async fn stop(self, room: &mut RoomPipeline) {
        self.branch.detach(room.gst_pipeline()).await;
        room.release_shared(SharedKind::FullMixAac).await;
        remove_folder(self.dir).await;
    }
}

/// Removes a room's HLS folder off the async threads.
async fn remove_folder(dir: PathBuf) {
    let removed = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(&dir)).await;
    if let Ok(Err(err)) = removed {
        tracing::warn!(%err, "cannot remove the HLS folder");
    }
}

/// Eight random hex digits.
fn session_prefix() -> String {
    let mut bytes = [0u8; 4];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `name` is a segment file this server writes: `xxxxxxxx-NNNNN.ts` (hex prefix,
/// decimal index). Nothing else in a room's folder is served, so no name can leave it.
pub fn is_segment_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".ts") else {
        return false;
    };
    let Some((prefix, index)) = stem.split_once('-') else {
        return false;
    };
    prefix.len() == 8
        && prefix
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        && (5..=9).contains(&index.len())
        && index.chars().all(|c| c.is_ascii_digit())
}

/// The playlist with `query` appended to every segment URI. Players resolve segment URIs
/// against the playlist's URL but drop its query, so each segment carries its own.
pub fn sign_segments(playlist: &str, query: &str) -> String {
    let mut out = String::with_capacity(playlist.len() + 128);
    for line in playlist.lines() {
        out.push_str(line);
        if is_segment_name(line.trim()) {
            out.push('?');
            out.push_str(query);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_segment_names_pass() {
        assert!(is_segment_name("0a1b2c3d-00001.ts"));
        assert!(is_segment_name("0a1b2c3d-123456.ts"));
        for bad in [
            "playlist.m3u8",
            "../0a1b2c3d-00001.ts",
            "0a1b2c3d-00001.ts/..",
            "0A1B2C3D-00001.ts",
            "0a1b2c3-00001.ts",
            "0a1b2c3d-0001.ts",
            "0a1b2c3d-00001.tsx",
            "0a1b2c3d-0000x.ts",
            "0a1b2c3d_00001.ts",
            "",
        ] {
            assert!(!is_segment_name(bad), "{bad}");
        }
    }

    #[test]
    fn segment_uris_get_the_query_and_tags_do_not() {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n0a1b2c3d-00003.ts\n";
        assert_eq!(
            sign_segments(text, "expires=9&sig=ab"),
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n0a1b2c3d-00003.ts?expires=9&sig=ab\n"
        );
    }
}
