//! Taking parts out of a playing pipeline without stalling it.

use std::sync::Mutex;
use std::time::Duration;

use gst::prelude::*;

/// How long to wait for a tee pad to go idle before unlinking it regardless.
const IDLE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long elements get to reach NULL.
const NULL_STATE_TIMEOUT: Duration = Duration::from_secs(5);

/// Unlinks a tee's request pad between two buffers (IDLE probe), then releases it.
pub async fn unlink_tee_pad(tee: &gst::Element, pad: gst::Pad) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let tx = Mutex::new(Some(tx));
    pad.add_probe(gst::PadProbeType::IDLE, move |pad, _| {
        if let Some(peer) = pad.peer() {
            let _ = pad.unlink(&peer);
        }
        // unwrap: this lock is only taken here.
        #[allow(clippy::unwrap_used)]
        if let Some(tx) = tx.lock().unwrap().take() {
            let _ = tx.send(());
        }
        gst::PadProbeReturn::Remove
    });
    if tokio::time::timeout(IDLE_PROBE_TIMEOUT, rx).await.is_err() {
        tracing::warn!(pad = %pad.name(), "tee pad never went idle; unlinking anyway");
        if let Some(peer) = pad.peer() {
            let _ = pad.unlink(&peer);
        }
    }
    tee.release_request_pad(&pad);
}

/// Stops elements for good. Their state is locked first: while they are still in the
/// pipeline, any state change of the pipeline (it loses and regains PLAYING whenever a sink
/// elsewhere prerolls, as a recording or an HLS tap starting does) would otherwise start them
/// again, and an element dropped while playing keeps its streaming thread running in freed
/// memory. Blocks: reaching NULL joins streaming threads.
pub fn stop_for_good(elements: &[gst::Element]) {
    for e in elements {
        e.set_locked_state(true);
        if let Err(err) = e.set_state(gst::State::Null) {
            tracing::warn!(element = %e.name(), %err, "element did not reach NULL");
        }
    }
}

/// Stops elements for good on a blocking thread, then removes them from the pipeline.
pub async fn remove_elements(pipeline: &gst::Pipeline, elements: Vec<gst::Element>) {
    if elements.is_empty() {
        return;
    }
    let to_stop = elements.clone();
    let stopped = tokio::time::timeout(
        NULL_STATE_TIMEOUT,
        tokio::task::spawn_blocking(move || stop_for_good(&to_stop)),
    )
    .await;
    if stopped.is_err() {
        // Their state is locked, so removing them now is safe; the blocking thread still
        // holds them and finishes stopping them.
        tracing::warn!("elements took over {NULL_STATE_TIMEOUT:?} to stop");
    }
    for e in &elements {
        if e.parent().is_some() {
            let _ = pipeline.remove(e);
        }
    }
}

#[cfg(test)]
#[path = "teardown/tests.rs"]
mod tests;
