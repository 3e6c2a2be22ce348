//! An RTMP push: its own pipeline (`appsrc`s → FLV → `rtmp2sink`) fed by the room's taps,
//! and a supervisor task that rebuilds it with exponential back-off whenever the server
//! refuses, drops or never answers. Errors here never reach the room's pipeline or bus.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use futures::StreamExt;
use gst::prelude::*;
use tokio::sync::oneshot;

use super::rtmp::{Feed, RtmpTaps};
use super::{RtmpState, RtmpTarget, RtmpView};
use crate::media::fragments::Fragment;
use crate::media::pipeline::RoomPipeline;

/// The first retry waits this long; each failure doubles it up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// How often the sink's byte counter is read to tell when the push is live.
const STATS_INTERVAL: Duration = Duration::from_millis(500);
/// Bytes written beyond the RTMP handshake and commands (a few KiB): media is flowing.
const LIVE_AFTER_BYTES: u64 = 32 * 1024;
/// How long a push pipeline gets to reach NULL.
const NULL_TIMEOUT: Duration = Duration::from_secs(5);

/// What the supervisor reports.
#[derive(Debug, Clone)]
struct Status {
    state: RtmpState,
    attempts: u32,
    last_error: Option<String>,
    retry_at: Option<Instant>,
}

/// A running push (between attempts too).
pub struct RtmpPush {
    target: RtmpTarget,
    status: Arc<Mutex<Status>>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    taps: RtmpTaps,
}

impl RtmpPush {
    /// Taps the room and starts pushing to `target`; `changed` is called (from the
    /// supervisor) whenever the push's state changes.
    pub async fn start(
        room: &mut RoomPipeline,
        room_id: &str,
        target: RtmpTarget,
        changed: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self> {
        let feed = Arc::new(Feed::default());
        let taps = RtmpTaps::attach(room, feed.clone()).await?;
        let keyframe_pad = taps
            .keyframe_pad()
            .ok_or_else(|| anyhow!("the RTMP tap has no sink"))?;
        let status = Arc::new(Mutex::new(Status {
            state: RtmpState::Connecting,
            attempts: 0,
            last_error: None,
            retry_at: None,
        }));
        let (stop, stopped) = oneshot::channel();
        let supervisor = Supervisor {
            name: format!("rtmp-push-{room_id}"),
            target: target.clone(),
            feed,
            keyframe_pad,
            status: status.clone(),
            changed: Box::new(changed),
        };
        tracing::info!(target = %target.redacted(), "RTMP push started");
        let task = tokio::spawn(supervisor.run(stopped));
        Ok(Self {
            target,
            status,
            stop,
            task,
            taps,
        })
    }

    pub fn state(&self) -> RtmpState {
        lock(&self.status).state
    }

    pub fn view(&self) -> RtmpView {
        let s = lock(&self.status).clone();
        RtmpView {
            active: true,
            state: s.state,
            target: Some(self.target.redacted().to_owned()),
            attempts: s.attempts,
            last_error: s.last_error,
            retry_in_ms: s.retry_at.map(|t| {
                u64::try_from(t.saturating_duration_since(Instant::now()).as_millis())
                    .unwrap_or(u64::MAX)
            }),
        }
    }

    /// Stops the supervisor (its pipeline goes to NULL), then takes the taps out.
    pub async fn stop(self, room: &mut RoomPipeline) {
        let _ = self.stop.send(());
        if let Err(err) = self.task.await {
            tracing::warn!(%err, "RTMP supervisor ended badly");
        }
        self.taps.detach(room).await;
        tracing::info!(target = %self.target.redacted(), "RTMP push stopped");
    }
}

fn lock(status: &Mutex<Status>) -> std::sync::MutexGuard<'_, Status> {
    // unwrap: nothing panics while holding this lock (plain field updates).
    #[allow(clippy::unwrap_used)]
    status.lock().unwrap()
}

struct Supervisor {
    name: String,
    target: RtmpTarget,
    feed: Arc<Feed>,
    keyframe_pad: gst::Pad,
    status: Arc<Mutex<Status>>,
    changed: Box<dyn Fn() + Send + Sync>,
}

/// How one attempt ended.
enum Outcome {
    Stopped,
    Failed { reason: String, was_live: bool },
}

impl Supervisor {
    async fn run(self, mut stop: oneshot::Receiver<()>) {
        let mut delay = FIRST_RETRY;
        loop {
            self.update(|s| {
                s.attempts += 1;
                s.state = if s.attempts == 1 {
                    RtmpState::Connecting
                } else {
                    RtmpState::Retrying
                };
                s.retry_at = None;
            });
            let (reason, was_live) = match self.attempt(&mut stop).await {
                Outcome::Stopped => return,
                Outcome::Failed { reason, was_live } => (reason, was_live),
            };
            if was_live {
                delay = FIRST_RETRY;
            }
            tracing::warn!(target = %self.target.redacted(), error = %reason, retry_in = ?delay, "RTMP push failed");
            self.update(|s| {
                s.state = RtmpState::Retrying;
                s.last_error = Some(reason);
                s.retry_at = Some(Instant::now() + delay);
            });
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = &mut stop => return,
            }
            delay = (delay * 2).min(MAX_RETRY);
        }
    }

    /// Changes the status; tells the room if the state moved.
    fn update(&self, change: impl FnOnce(&mut Status)) {
        let moved = {
            let mut s = lock(&self.status);
            let before = s.state;
            change(&mut s);
            s.state != before
        };
        if moved {
            (self.changed)();
        }
    }

    /// One push pipeline, from start to failure or stop.
    async fn attempt(&self, stop: &mut oneshot::Receiver<()>) -> Outcome {
        let push = match PushPipeline::start(&self.name, &self.target) {
            Ok(p) => p,
            Err(err) => {
                return Outcome::Failed {
                    reason: self.target.scrub(&format!("{err:#}")),
                    was_live: false,
                };
            }
        };
        self.feed.connect(push.video.clone(), push.audio.clone());
        // The push starts at a key frame with fresh SPS/PPS; ask now rather than wait for
        // the encoder's regular one.
        self.keyframe_pad.send_event(
            gst_video::UpstreamForceKeyUnitEvent::builder()
                .all_headers(true)
                .build(),
        );
        let mut was_live = false;
        let mut stats = tokio::time::interval(STATS_INTERVAL);
        let outcome = match push.pipeline.bus() {
            None => Outcome::Failed {
                reason: "the push pipeline has no bus".into(),
                was_live,
            },
            Some(bus) => {
                let mut messages = bus.stream();
                loop {
                    tokio::select! {
                        _ = &mut *stop => break Outcome::Stopped,
                        message = messages.next() => {
                            let reason = match message.as_ref().map(|m| m.view()) {
                                Some(gst::MessageView::Error(err)) => err.error().to_string(),
                                Some(gst::MessageView::Eos(_)) => "the server ended the stream".into(),
                                Some(_) => continue,
                                None => "the push pipeline's bus closed".into(),
                            };
                            break Outcome::Failed { reason: self.target.scrub(&reason), was_live };
                        }
                        _ = stats.tick() => {
                            if !was_live && push.bytes_sent() > LIVE_AFTER_BYTES {
                                was_live = true;
                                tracing::info!(target = %self.target.redacted(), "RTMP push live");
                                self.update(|s| {
                                    s.state = RtmpState::Live;
                                    s.retry_at = None;
                                });
                            }
                        }
                    }
                }
            }
        };
        self.feed.disconnect();
        push.shutdown().await;
        outcome
    }
}

/// The push's own pipeline.
struct PushPipeline {
    pipeline: gst::Pipeline,
    video: gst_app::AppSrc,
    audio: gst_app::AppSrc,
    sink: gst::Element,
}

impl PushPipeline {
    fn start(name: &str, target: &RtmpTarget) -> Result<Self> {
        let pipeline = gst::Pipeline::builder().name(name).build();
        let bin = Fragment::RtmpPush.build("rtmp-push", &[])?;
        pipeline.add(&bin)?;
        let appsrc = |name: &str| {
            bin.by_name(name)
                .and_then(|e| e.downcast::<gst_app::AppSrc>().ok())
                .ok_or_else(|| anyhow!("the push has no {name} source"))
        };
        let video = appsrc("video")?;
        let audio = appsrc("audio")?;
        let sink = bin
            .by_name("sink")
            .ok_or_else(|| anyhow!("the push has no sink"))?;
        // The URL is a property, never part of a launch description or a log line.
        sink.set_property("location", target.expose_url());
        let push = Self {
            pipeline,
            video,
            audio,
            sink,
        };
        if let Err(err) = push.pipeline.set_state(gst::State::Playing) {
            // rtmp2sink connects in the background; a refusal to even start is rare.
            let pipeline = push.pipeline.clone();
            tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null));
            return Err(anyhow!("the push pipeline did not start: {err}"));
        }
        Ok(push)
    }

    /// Bytes the sink has written to the server so far.
    fn bytes_sent(&self) -> u64 {
        let Ok(Some(stats)) = self
            .sink
            .property_value("stats")
            .get::<Option<gst::Structure>>()
        else {
            return 0;
        };
        stats
            .get::<u64>("out-bytes-total")
            .or_else(|_| stats.get::<u32>("out-bytes-total").map(u64::from))
            .unwrap_or(0)
    }

    /// To NULL on a blocking thread (it joins the sink's connection thread).
    async fn shutdown(self) {
        let pipeline = self.pipeline;
        let stopped = tokio::time::timeout(
            NULL_TIMEOUT,
            tokio::task::spawn_blocking(move || {
                let _ = pipeline.set_state(gst::State::Null);
            }),
        )
        .await;
        if stopped.is_err() {
            tracing::warn!("an RTMP push pipeline took over {NULL_TIMEOUT:?} to stop");
        }
    }
}
