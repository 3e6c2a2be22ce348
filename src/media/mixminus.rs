//! Mix-minus wiring: every participant's decoded microphone reaches every *other*
//! participant's mixer through its own leaky queue.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow};
use gst::prelude::*;
use uuid::Uuid;

use super::fragments::make;
use super::teardown;

/// The raw audio format every mix works in.
pub fn mix_caps() -> gst::Caps {
    gst::Caps::builder("audio/x-raw")
        .field("format", "S16LE")
        .field("rate", 48_000i32)
        .field("channels", 2i32)
        .build()
}

/// A mixer fed by a silent live source, so that it keeps producing while nobody talks;
/// both are added to `pipeline` (not yet playing) as `{prefix}-silence` and `{prefix}-mix`.
pub fn silent_mixer(
    pipeline: &gst::Pipeline,
    prefix: &str,
) -> Result<(gst::Element, gst::Element)> {
    let silence = make("audiotestsrc", &format!("{prefix}-silence"))?;
    silence.set_property("is-live", true);
    silence.set_property_from_str("wave", "silence");
    // 20 ms buffers match the Opus frame size.
    silence.set_property("samplesperbuffer", 960i32);
    let mixer = make("audiomixer", &format!("{prefix}-mix"))?;
    pipeline.add_many([&silence, &mixer])?;
    silence
        .link_filtered(&mixer, &mix_caps())
        .context("silence → mixer")?;
    Ok((silence, mixer))
}

/// One speaker → listener branch: tee pad → queue → mixer pad.
struct AudioLink {
    tee: gst::Element,
    tee_pad: gst::Pad,
    queue: gst::Element,
    mixer: gst::Element,
    mixer_pad: gst::Pad,
}

/// All speaker → listener branches of a room.
#[derive(Default)]
pub struct MixMinus {
    links: HashMap<(Uuid, Uuid), AudioLink>,
}

impl MixMinus {
    /// Feeds `speaker`'s tee into `listener`'s mixer.
    pub fn link(
        &mut self,
        pipeline: &gst::Pipeline,
        (speaker, tee): (Uuid, &gst::Element),
        (listener, mixer): (Uuid, &gst::Element),
    ) -> Result<()> {
        if speaker == listener || self.links.contains_key(&(speaker, listener)) {
            return Ok(());
        }
        let queue = make(
            "queue",
            &format!(
                "a{}-to-{}",
                &speaker.simple().to_string()[..12],
                &listener.simple().to_string()[..12]
            ),
        )?;
        // A listener whose mix stalls must not hold up the speaker's other listeners.
        queue.set_property("max-size-buffers", 0u32);
        queue.set_property("max-size-bytes", 0u32);
        queue.set_property("max-size-time", 200_000_000u64);
        queue.set_property_from_str("leaky", "downstream");
        pipeline.add(&queue)?;
        let mixer_pad = mixer
            .request_pad_simple("sink_%u")
            .ok_or_else(|| anyhow!("mixer gave no pad"))?;
        let queue_src = queue
            .static_pad("src")
            .ok_or_else(|| anyhow!("queue has no src"))?;
        let queue_sink = queue
            .static_pad("sink")
            .ok_or_else(|| anyhow!("queue has no sink"))?;
        let tee_pad = tee
            .request_pad_simple("src_%u")
            .ok_or_else(|| anyhow!("tee gave no pad"))?;
        self.links.insert(
            (speaker, listener),
            AudioLink {
                tee: tee.clone(),
                tee_pad: tee_pad.clone(),
                queue: queue.clone(),
                mixer: mixer.clone(),
                mixer_pad: mixer_pad.clone(),
            },
        );
        queue_src.link(&mixer_pad).context("queue → mixer")?;
        queue.sync_state_with_parent()?;
        tee_pad.link(&queue_sink).context("tee → queue")?;
        Ok(())
    }

    /// Removes every branch from or to `participant`.
    pub async fn unlink_all(&mut self, pipeline: &gst::Pipeline, participant: Uuid) {
        self.unlink_where(pipeline, |(s, l)| *s == participant || *l == participant)
            .await;
    }

    /// Removes every branch into `listener`'s mixer.
    pub async fn unlink_listener(&mut self, pipeline: &gst::Pipeline, listener: Uuid) {
        self.unlink_where(pipeline, |(_, l)| *l == listener).await;
    }

    async fn unlink_where(
        &mut self,
        pipeline: &gst::Pipeline,
        matches: impl Fn(&(Uuid, Uuid)) -> bool,
    ) {
        let keys: Vec<(Uuid, Uuid)> = self.links.keys().filter(|k| matches(k)).copied().collect();
        for key in keys {
            if let Some(link) = self.links.remove(&key) {
                teardown::unlink_tee_pad(&link.tee, link.tee_pad).await;
                teardown::remove_elements(pipeline, vec![link.queue]).await;
                link.mixer.release_request_pad(&link.mixer_pad);
            }
        }
    }

    /// Number of live branches (for tests and metrics).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}
