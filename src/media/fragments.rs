//! The chains in `pipelines/`, embedded at build time and turned into bins with ghost pads.

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

/// A named fragment from `pipelines/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    Background,
    Card,
    H264Encoder,
    H264Rendition,
    Vp8Encoder,
    H264Sender,
    Vp8Sender,
    OpusSender,
    OpusEncoder,
    OpusPayloader,
    AacEncoder,
    H264Decoder,
    Vp8Decoder,
    OpusDecoder,
    RecordingVideo,
    RecordingAudio,
    HlsVideo,
    HlsAudio,
    RtmpTap,
    RtmpPush,
}

impl Fragment {
    pub const ALL: [Fragment; 20] = [
        Fragment::Background,
        Fragment::Card,
        Fragment::H264Encoder,
        Fragment::H264Rendition,
        Fragment::Vp8Encoder,
        Fragment::H264Sender,
        Fragment::Vp8Sender,
        Fragment::OpusSender,
        Fragment::OpusEncoder,
        Fragment::OpusPayloader,
        Fragment::AacEncoder,
        Fragment::H264Decoder,
        Fragment::Vp8Decoder,
        Fragment::OpusDecoder,
        Fragment::RecordingVideo,
        Fragment::RecordingAudio,
        Fragment::HlsVideo,
        Fragment::HlsAudio,
        Fragment::RtmpTap,
        Fragment::RtmpPush,
    ];

    fn text(self) -> &'static str {
        match self {
            Fragment::Background => include_str!("../../pipelines/background.pipeline"),
            Fragment::Card => include_str!("../../pipelines/card.pipeline"),
            Fragment::H264Encoder => include_str!("../../pipelines/h264-encoder.pipeline"),
            Fragment::H264Rendition => include_str!("../../pipelines/h264-rendition.pipeline"),
            Fragment::Vp8Encoder => include_str!("../../pipelines/vp8-encoder.pipeline"),
            Fragment::H264Sender => include_str!("../../pipelines/h264-sender.pipeline"),
            Fragment::Vp8Sender => include_str!("../../pipelines/vp8-sender.pipeline"),
            Fragment::OpusSender => include_str!("../../pipelines/opus-sender.pipeline"),
            Fragment::OpusEncoder => include_str!("../../pipelines/opus-encoder.pipeline"),
            Fragment::OpusPayloader => include_str!("../../pipelines/opus-payloader.pipeline"),
            Fragment::AacEncoder => include_str!("../../pipelines/aac-encoder.pipeline"),
            Fragment::H264Decoder => include_str!("../../pipelines/h264-decoder.pipeline"),
            Fragment::Vp8Decoder => include_str!("../../pipelines/vp8-decoder.pipeline"),
            Fragment::OpusDecoder => include_str!("../../pipelines/opus-decoder.pipeline"),
            Fragment::RecordingVideo => include_str!("../../pipelines/recording-video.pipeline"),
            Fragment::RecordingAudio => include_str!("../../pipelines/recording-audio.pipeline"),
            Fragment::HlsVideo => include_str!("../../pipelines/hls-video.pipeline"),
            Fragment::HlsAudio => include_str!("../../pipelines/hls-audio.pipeline"),
            Fragment::RtmpTap => include_str!("../../pipelines/rtmp-tap.pipeline"),
            Fragment::RtmpPush => include_str!("../../pipelines/rtmp-push.pipeline"),
        }
    }

    /// The launch text with every `{name}` replaced by its number.
    ///
    /// Parameters are integers only, so nothing a client sends can change the graph's shape.
    pub fn describe(self, params: &[(&str, i64)]) -> Result<String> {
        let mut text = self.text().trim().to_owned();
        for (name, value) in params {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        if let Some(start) = text.find('{') {
            let rest: String = text[start..].chars().take(24).collect();
            return Err(anyhow!(
                "fragment {self:?} has an unfilled parameter near {rest}"
            ));
        }
        Ok(text)
    }

    /// Builds the fragment as a bin named `name` with `sink`/`src` ghost pads.
    pub fn build(self, name: &str, params: &[(&str, i64)]) -> Result<gst::Bin> {
        let text = self.describe(params)?;
        let bin = gst::parse::bin_from_description(&text, false)
            .with_context(|| format!("cannot build fragment {self:?}"))?;
        bin.set_property("name", name);
        // Ghost only the chain's own ends: textoverlay's unlinked `text_sink` must stay
        // inside, which automatic ghosting would pick as the bin's input.
        for (direction, pad_name) in [
            (gst::PadDirection::Sink, "sink"),
            (gst::PadDirection::Src, "src"),
        ] {
            let end = bin.iterate_elements().into_iter().flatten().find_map(|e| {
                e.static_pad(pad_name)
                    .filter(|p| p.direction() == direction && !p.is_linked())
            });
            if let Some(target) = end {
                let ghost = gst::GhostPad::builder_with_target(&target)?
                    .name(pad_name)
                    .build();
                bin.add_pad(&ghost)?;
            }
        }
        Ok(bin)
    }
}

/// Creates one element by factory name, with its object name.
pub fn make(factory: &str, name: &str) -> Result<gst::Element> {
    gst::ElementFactory::make(factory)
        .name(name)
        .build()
        .with_context(|| format!("cannot create element {factory}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Representative values for every placeholder any fragment uses.
    const SAMPLE: [(&str, i64); 11] = [
        ("argb", 0xff00_0000),
        ("width", 640),
        ("height", 360),
        ("framerate", 30),
        ("bitrate_kbps", 2000),
        ("bitrate_bps", 1_000_000),
        ("audio_bitrate_bps", 128_000),
        ("keyint", 120),
        ("pt", 102),
        ("ssrc", 3_000_000_000),
        ("unused", 0),
    ];

    #[test]
    fn every_fragment_parses_into_a_bin() {
        gst::init().expect("GStreamer initialises");
        for f in Fragment::ALL {
            let bin = f
                .build(&format!("{f:?}"), &SAMPLE)
                .unwrap_or_else(|e| panic!("{f:?}: {e:#}"));
            for name in ["sink", "src"] {
                // A source has no input, a sink no output; the push is a whole pipeline.
                let open_end = match f {
                    Fragment::Background | Fragment::Card => name == "sink",
                    Fragment::RtmpTap => name == "src",
                    Fragment::RtmpPush => true,
                    _ => false,
                };
                if open_end {
                    continue;
                }
                let pad = bin
                    .static_pad(name)
                    .unwrap_or_else(|| panic!("{f:?} has no {name}"));
                let ghost = pad.downcast::<gst::GhostPad>().expect("a ghost pad");
                let target = ghost.target().expect("ghost has a target");
                assert_eq!(target.name(), name, "{f:?} ghosts the chain's own {name}");
            }
        }
    }

    #[test]
    fn a_missing_parameter_is_an_error() {
        assert!(Fragment::Background.describe(&[("width", 1)]).is_err());
    }
}
