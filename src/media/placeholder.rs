//! A member's placeholder tile: its initials on a colour from its name, shown instead of a
//! camera that is off, missing (audio only) or stalled — never a frozen frame.

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;

use super::compositor_pad;
use super::fragments::Fragment;
use super::layout::Rect;

/// Background colours for placeholders: dark enough for white initials, told apart easily.
const COLOURS: [u32; 8] = [
    0xff1e_5aa8,
    0xff8e_3b9e,
    0xff2e_7d32,
    0xffad_4a0f,
    0xff00_6d77,
    0xff9c_2a4a,
    0xff55_5f9a,
    0xff6d_5d1a,
];

/// The initials of a display name: the first letter of its first two words, upper case.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".into()
    } else {
        letters
    }
}

/// The ARGB colour a name always gets.
pub fn colour(name: &str) -> u32 {
    // FNV-1a: stable across runs and versions, unlike the standard library's hasher.
    let hash = name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    COLOURS[hash as usize % COLOURS.len()]
}

/// The placeholder's elements in the room pipeline.
pub struct Placeholder {
    bin: gst::Bin,
    pad: gst::Pad,
    label: gst::Element,
    initials: String,
}

impl Placeholder {
    /// Adds `name`'s placeholder to the playing pipeline, hidden, as `{prefix}-placeholder`.
    pub fn add(
        pipeline: &gst::Pipeline,
        compositor: &gst::Element,
        prefix: &str,
        name: &str,
        framerate: i32,
    ) -> Result<Self> {
        let bin = Fragment::Card.build(
            &format!("{prefix}-placeholder"),
            &[
                ("argb", i64::from(colour(name))),
                ("framerate", i64::from(framerate)),
            ],
        )?;
        let label = bin
            .by_name("label")
            .ok_or_else(|| anyhow!("the card fragment has no label"))?;
        pipeline.add(&bin)?;
        let pad = compositor
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("compositor gave no pad for a placeholder"))?;
        compositor_pad::hide(&pad);
        bin.static_pad("src")
            .ok_or_else(|| anyhow!("placeholder has no src"))?
            .link(&pad)
            .context("placeholder → compositor")?;
        bin.sync_state_with_parent()?;
        let placeholder = Self {
            bin,
            pad,
            label,
            initials: initials(name),
        };
        placeholder.set_muted(false);
        Ok(placeholder)
    }

    pub fn show(&self, rect: Rect, zorder: u32) {
        compositor_pad::show(&self.pad, rect, zorder);
    }

    pub fn hide(&self) {
        compositor_pad::hide(&self.pad);
    }

    /// Marks the placeholder as muted (a line under the initials) or not.
    pub fn set_muted(&self, muted: bool) {
        let text = if muted {
            format!("{}\nmuted", self.initials)
        } else {
            self.initials.clone()
        };
        // Initials are letters and digits only: no markup to escape.
        self.label.set_property("text", text);
    }

    pub fn bin(&self) -> &gst::Bin {
        &self.bin
    }

    pub fn pad(&self) -> &gst::Pad {
        &self.pad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("grace"), "G");
        assert_eq!(initials("  jean  paul  sartre "), "JP");
        assert_eq!(initials("élodie durand"), "ÉD");
        assert_eq!(initials("(bob) [smith]"), "BS");
        assert_eq!(initials("--"), "?");
    }

    #[test]
    fn a_name_always_gets_the_same_colour() {
        assert_eq!(colour("Ada"), colour("Ada"));
        let distinct: std::collections::HashSet<u32> =
            ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken"]
                .map(colour)
                .into();
        assert!(distinct.len() >= 3, "{distinct:?}");
    }
}
