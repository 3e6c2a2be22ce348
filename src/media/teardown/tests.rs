//! Members leave running mixes while the pipeline changes state around them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gst::prelude::*;
use uuid::Uuid;

use super::{remove_elements, stop_for_good};
use crate::media::fragments::make;
use crate::media::mixminus::{MixMinus, silent_mixer};

/// A live speaker: a tone into a tee, as a member's decoded microphone is.
fn speaker(pipeline: &gst::Pipeline, name: &str) -> gst::Element {
    let src = make("audiotestsrc", &format!("{name}-src")).expect("audiotestsrc");
    src.set_property("is-live", true);
    src.set_property("samplesperbuffer", 960i32);
    let tee = make("tee", &format!("{name}-tee")).expect("tee");
    tee.set_property("allow-not-linked", true);
    pipeline.add_many([&src, &tee]).expect("added");
    src.link_filtered(&tee, &crate::media::mixminus::mix_caps())
        .expect("linked");
    tee
}

/// A listener: a mixer into a sink that keeps time, as a member's Opus sender does.
fn listener(pipeline: &gst::Pipeline, name: &str) -> Vec<gst::Element> {
    let (silence, mixer) = silent_mixer(pipeline, name).expect("mixer");
    let sink = make("fakesink", &format!("{name}-sink")).expect("fakesink");
    sink.set_property("sync", true);
    pipeline.add(&sink).expect("added");
    mixer.link(&sink).expect("linked");
    for e in [&sink, &mixer, &silence] {
        e.sync_state_with_parent().expect("starts");
    }
    vec![silence, mixer, sink]
}

/// Adds and removes sinks that preroll (as recordings, HLS and RTMP taps do), so that the
/// pipeline keeps losing and regaining its state while members leave.
fn churn_async_sinks(pipeline: gst::Pipeline, tee: gst::Element, stop: Arc<AtomicBool>) {
    let mut n = 0u32;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let queue = make("queue", &format!("churn{n}-q")).expect("queue");
        let sink = make("fakesink", &format!("churn{n}-sink")).expect("fakesink");
        sink.set_property("sync", true);
        sink.set_property("async", true);
        pipeline.add_many([&queue, &sink]).expect("added");
        queue.link(&sink).expect("linked");
        let pad = tee.request_pad_simple("src_%u").expect("tee pad");
        let _ = pad.link(&queue.static_pad("sink").expect("queue sink"));
        let _ = sink.sync_state_with_parent();
        let _ = queue.sync_state_with_parent();
        std::thread::sleep(Duration::from_millis(15));
        if let Some(peer) = pad.peer() {
            let _ = pad.unlink(&peer);
        }
        tee.release_request_pad(&pad);
        let branch = [queue, sink];
        stop_for_good(&branch);
        for e in &branch {
            let _ = pipeline.remove(e);
        }
    }
}

/// Members join and leave a room whose pipeline keeps changing state; every mixer must be
/// stopped before it is dropped, or its thread runs on in freed memory and the process dies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_leave_running_mixes_while_the_pipeline_changes_state() {
    gst::init().expect("GStreamer initialises");
    let pipeline = gst::Pipeline::new();
    let speakers: Vec<(Uuid, gst::Element)> = (0..3)
        .map(|i| (Uuid::new_v4(), speaker(&pipeline, &format!("s{i}"))))
        .collect();
    pipeline.set_state(gst::State::Playing).expect("plays");
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (pipeline, tee, stop) = (pipeline.clone(), speakers[0].1.clone(), stop.clone());
        std::thread::spawn(move || churn_async_sinks(pipeline, tee, stop))
    };
    let mut mix = MixMinus::default();
    for round in 0..40 {
        let id = Uuid::new_v4();
        let elements = listener(&pipeline, &format!("l{round}"));
        for (speaker, tee) in &speakers {
            mix.link(&pipeline, (*speaker, tee), (id, &elements[1]))
                .expect("linked");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        mix.unlink_listener(&pipeline, id).await;
        remove_elements(&pipeline, elements.clone()).await;
        let running: Vec<String> = elements
            .iter()
            .filter(|e| e.current_state() != gst::State::Null)
            .map(|e| e.name().to_string())
            .collect();
        assert!(
            running.is_empty(),
            "round {round}: still running: {running:?}"
        );
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().expect("churn thread ends");
    assert!(mix.is_empty(), "every branch is gone");
    let leftovers: Vec<String> = pipeline
        .children()
        .iter()
        .map(|e| e.name().to_string())
        .filter(|name| name.starts_with('l') || name.starts_with('a'))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    pipeline.set_state(gst::State::Null).expect("stops");
}

/// The pipeline regains PLAYING again and again while a member's mixer, already stopped, is
/// still its child: the mixer must stay stopped.
#[test]
fn stopped_elements_stay_stopped_while_the_pipeline_regains_its_state() {
    gst::init().expect("GStreamer initialises");
    let pipeline = gst::Pipeline::new();
    let tee = speaker(&pipeline, "s");
    let member = listener(&pipeline, "l");
    pipeline.set_state(gst::State::Playing).expect("plays");
    std::thread::sleep(Duration::from_millis(200));
    stop_for_good(&member);
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (pipeline, tee, stop) = (pipeline.clone(), tee.clone(), stop.clone());
        std::thread::spawn(move || churn_async_sinks(pipeline, tee, stop))
    };
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    churn.join().expect("churn thread ends");
    let states: Vec<(String, gst::State)> = member
        .iter()
        .map(|e| (e.name().to_string(), e.current_state()))
        .collect();
    pipeline.set_state(gst::State::Null).expect("stops");
    assert!(
        states.iter().all(|(_, state)| *state == gst::State::Null),
        "restarted after being stopped: {states:?}"
    );
}
