//! A cheap load client: a `webrtcbin` that sends the pre-encoded clip (no encoder) and counts
//! the composite's frames from RTP marker bits (no depayloader, no decoder), with a minimal
//! signalling client for docs/signalling.md.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use futures::{SinkExt, StreamExt};
use gst::prelude::*;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::feeder::Feeder;
use crate::media::Clip;

pub(crate) const SIGNALLING_TIMEOUT: Duration = Duration::from_secs(15);
const VIDEO_PT: u32 = 102;
const AUDIO_PT: u32 = 111;

/// What the receive probes and the signalling task record. Probes only touch atomics and
/// short locks.
#[derive(Default)]
pub struct ClientStats {
    join_sent: Mutex<Option<Instant>>,
    joined: Mutex<Option<Instant>>,
    answered: Mutex<Option<Instant>>,
    /// The first complete access unit holding an IDR slice: the first frame a decoder shows.
    first_frame: Mutex<Option<Instant>>,
    first_packet: Mutex<Option<Instant>>,
    /// Complete access units received (RTP packets with the marker bit).
    pub frames: AtomicU64,
    pub key_frames: AtomicU64,
    pub video_packets: AtomicU64,
    pub video_bytes: AtomicU64,
    pub audio_packets: AtomicU64,
    au_has_idr: AtomicBool,
    /// Like a browser: until the first key frame, ask for one (PLI) at most this often.
    pli_every: Option<Duration>,
    last_pli: Mutex<Option<Instant>>,
    pub plis_sent: AtomicU64,
    pub signalling_closed: AtomicBool,
    errors: Mutex<Vec<String>>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ClientStats {
    fn note_error(&self, text: String) {
        let mut errors = locked(&self.errors);
        if errors.len() < 20 {
            errors.push(text);
        }
    }

    pub fn errors(&self) -> Vec<String> {
        locked(&self.errors).clone()
    }

    /// Notes that this receiver starts joining now (a viewer: creating its offer).
    pub fn mark_join_sent(&self) {
        *locked(&self.join_sent) = Some(Instant::now());
    }

    /// From sending `join` to the first decodable composite frame.
    pub fn join_to_first_frame(&self) -> Option<Duration> {
        let sent = (*locked(&self.join_sent))?;
        let first = (*locked(&self.first_frame))?;
        Some(first.saturating_duration_since(sent))
    }

    /// From sending `join` to: `joined`, the answer, the first composite RTP packet.
    pub fn join_stages(&self) -> [Option<Duration>; 3] {
        let sent = *locked(&self.join_sent);
        let since = |t: Option<Instant>| Some(t?.saturating_duration_since(sent?));
        [
            since(*locked(&self.joined)),
            since(*locked(&self.answered)),
            since(*locked(&self.first_packet)),
        ]
    }

    pub fn has_first_frame(&self) -> bool {
        locked(&self.first_frame).is_some()
    }

    /// Counts one video RTP packet; the marker bit ends an access unit. True when a key frame
    /// should be requested: an access unit ended, none was decodable yet, and the last request
    /// is older than `pli_every`.
    fn on_video_packet(&self, data: &[u8]) -> bool {
        let Some(packet) = inspect_rtp_h264(data) else {
            return false;
        };
        let now = Instant::now();
        self.video_packets.fetch_add(1, Ordering::Relaxed);
        self.video_bytes
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        locked(&self.first_packet).get_or_insert(now);
        if packet.idr {
            self.au_has_idr.store(true, Ordering::Relaxed);
        }
        if packet.marker {
            self.frames.fetch_add(1, Ordering::Relaxed);
            if self.au_has_idr.swap(false, Ordering::Relaxed) {
                self.key_frames.fetch_add(1, Ordering::Relaxed);
                locked(&self.first_frame).get_or_insert(now);
            } else if let Some(every) = self.pli_every
                && locked(&self.first_frame).is_none()
            {
                let mut last = locked(&self.last_pli);
                if last.is_none_or(|t| now.duration_since(t) >= every) {
                    *last = Some(now);
                    self.plis_sent.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
            }
        }
        false
    }
}

struct RtpH264 {
    marker: bool,
    idr: bool,
}

/// Reads the RTP header and the H.264 payload header (RFC 6184): single NAL, STAP-A or FU-A.
fn inspect_rtp_h264(data: &[u8]) -> Option<RtpH264> {
    if data.len() < 12 || data[0] >> 6 != 2 {
        return None;
    }
    let marker = data[1] & 0x80 != 0;
    let mut offset = 12 + 4 * (data[0] & 0x0f) as usize;
    if data[0] & 0x10 != 0 {
        let words = u16::from_be_bytes([*data.get(offset + 2)?, *data.get(offset + 3)?]);
        offset += 4 + 4 * words as usize;
    }
    let mut end = data.len();
    if data[0] & 0x20 != 0 {
        end = end.checked_sub(*data.last()? as usize)?;
    }
    let payload = data.get(offset..end)?;
    let nal_type = |b: u8| b & 0x1f;
    let idr = match nal_type(*payload.first()?) {
        5 => true,
        // STAP-A: 16-bit sizes, each followed by a NAL unit.
        24 => {
            let mut i = 1;
            let mut found = false;
            while i + 2 < payload.len() {
                let size = u16::from_be_bytes([payload[i], payload[i + 1]]) as usize;
                if nal_type(payload[i + 2]) == 5 {
                    found = true;
                    break;
                }
                i += 2 + size;
            }
            found
        }
        // FU-A / FU-B: the type is in the FU header.
        28 | 29 => payload.get(1).is_some_and(|b| nal_type(*b) == 5),
        _ => false,
    };
    Some(RtpH264 { marker, idr })
}

enum Control {
    Joined,
    Answer(String),
    Error(String),
}

enum Outgoing {
    Json(Value),
    Close,
}

/// A participant sending the clip and counting the composite.
pub struct LoadClient {
    pub room: String,
    pub name: String,
    pipeline: gst::Pipeline,
    pub stats: Arc<ClientStats>,
    out_tx: mpsc::UnboundedSender<Outgoing>,
    ws_task: Option<tokio::task::JoinHandle<()>>,
    feed_id: u64,
    feeder: Arc<Feeder>,
}

impl LoadClient {
    /// Builds the client's pipeline, starts sending, joins `room` and negotiates. Returns once
    /// the server's answer is applied; the composite arrives shortly after.
    /// `room` is the label used in reports and the (room id, invite token) that join needs.
    pub async fn join(
        ws_url: &str,
        (room, ticket): (&str, &(String, String)),
        name: &str,
        clip: &Clip,
        feeder: &Arc<Feeder>,
        jitter_ms: u32,
        pli_every: Option<Duration>,
    ) -> Result<LoadClient> {
        let stats = Arc::new(ClientStats {
            pli_every,
            ..ClientStats::default()
        });
        let (mut client, webrtc, mut control_rx) =
            LoadClient::connect(ws_url, room, name, clip, feeder, jitter_ms, stats).await?;
        client.say_join(ticket, &mut control_rx).await?;
        if let Err(e) = client.negotiate(&webrtc, &mut control_rx).await {
            client.leave().await;
            return Err(e.context(format!("{name}: negotiating")));
        }
        Ok(client)
    }

    /// Starts the pipeline sending the clip and opens the signalling socket: a client that
    /// has not joined yet, its `webrtcbin` and the channel of the server's replies.
    async fn connect(
        ws_url: &str,
        room: &str,
        name: &str,
        clip: &Clip,
        feeder: &Arc<Feeder>,
        jitter_ms: u32,
        stats: Arc<ClientStats>,
    ) -> Result<(LoadClient, gst::Element, mpsc::UnboundedReceiver<Control>)> {
        let pipeline = build_pipeline(name, clip, jitter_ms)?;
        let guard = PipelineGuard(Some(pipeline.clone()));
        let webrtc = pipeline.by_name("webrtc").context("no webrtcbin")?;
        let appsrc = |n: &str| -> Result<gst_app::AppSrc> {
            pipeline
                .by_name(n)
                .context("no appsrc")?
                .downcast::<gst_app::AppSrc>()
                .map_err(|_| anyhow!("{n} is not an appsrc"))
        };
        let (video_src, audio_src) = (appsrc("video")?, appsrc("audio")?);
        watch_bus(&pipeline, name, &stats)?;

        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        connect_callbacks(&webrtc, &out_tx, &stats);

        pipeline
            .set_state(gst::State::Playing)
            .context("starting the client pipeline")?;
        let feed_id = feeder.add(video_src, audio_src);
        let feed_guard = FeedGuard(feeder, Some(feed_id));
        wait_for_caps(&webrtc, name).await?;

        let (ws, _) =
            tokio::time::timeout(SIGNALLING_TIMEOUT, tokio_tungstenite::connect_async(ws_url))
                .await
                .context("connecting the signalling socket timed out")?
                .with_context(|| format!("connecting to {ws_url}"))?;
        let ws_task = tokio::spawn(run_signalling(
            ws,
            out_rx,
            control_tx,
            webrtc.clone(),
            stats.clone(),
        ));
        let client = LoadClient {
            room: room.to_owned(),
            name: name.to_owned(),
            pipeline,
            stats,
            out_tx,
            ws_task: Some(ws_task),
            feed_id,
            feeder: feeder.clone(),
        };
        std::mem::forget(feed_guard);
        drop(guard.disarm());
        Ok((client, webrtc, control_rx))
    }

    /// Sends `join` with `ticket` (room id, invite token) and waits for `joined`.
    async fn say_join(
        &mut self,
        ticket: &(String, String),
        control_rx: &mut mpsc::UnboundedReceiver<Control>,
    ) -> Result<()> {
        let name = self.name.clone();
        self.stats.mark_join_sent();
        send(
            &self.out_tx,
            json!({"type": "join", "room": ticket.0, "name": name, "role": "participant",
                   "token": ticket.1}),
        )?;
        match next_control(control_rx).await {
            Ok(Control::Joined) => *locked(&self.stats.joined) = Some(Instant::now()),
            Ok(Control::Error(e)) => {
                self.leave().await;
                bail!("{name}: join refused: {e}");
            }
            Ok(Control::Answer(_)) => bail!("{name}: answer before joined"),
            Err(e) => {
                self.leave().await;
                return Err(e.context(format!("{name}: waiting for joined")));
            }
        }
        Ok(())
    }

    /// Offers, waits for the answer (applied by the signalling task) and checks that it sends
    /// and receives both audio and video.
    async fn negotiate(
        &self,
        webrtc: &gst::Element,
        control_rx: &mut mpsc::UnboundedReceiver<Control>,
    ) -> Result<()> {
        let offer = create_offer(webrtc).await?;
        let sdp = offer.sdp().as_text().context("offer as text")?;
        if std::env::var_os("BENCH_DEBUG").is_some() {
            eprintln!("{} offer:\n{sdp}", self.name);
        }
        // Queued before set-local-description so its candidates follow it.
        send(&self.out_tx, json!({"type": "offer", "sdp": sdp}))?;
        webrtc.emit_by_name::<()>("set-local-description", &[&offer, &None::<gst::Promise>]);
        let answer = match next_control(control_rx).await? {
            Control::Answer(sdp) => {
                *locked(&self.stats.answered) = Some(Instant::now());
                sdp
            }
            Control::Error(e) => bail!("offer refused: {e}"),
            Control::Joined => bail!("joined twice"),
        };
        let directions = directions(&answer);
        if directions.len() != 2 || directions.iter().any(|d| d != "sendrecv") {
            bail!("the answer is not sendrecv audio+video: {directions:?}");
        }
        Ok(())
    }

    /// Pins the composite this client receives to rendition `name` (`auto` unpins).
    pub fn pin_rendition(&self, name: &str) {
        let _ = send(
            &self.out_tx,
            json!({"type": "rendition", "rendition": name}),
        );
    }

    /// Stops sending, says `leave`, closes the socket and stops the pipeline.
    pub async fn leave(&mut self) {
        self.feeder.remove(self.feed_id);
        let _ = send(&self.out_tx, json!({"type": "leave"}));
        let _ = self.out_tx.send(Outgoing::Close);
        if let Some(task) = self.ws_task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(3), task).await;
        }
        let pipeline = self.pipeline.clone();
        let _ = tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null)).await;
    }
}

impl Drop for LoadClient {
    fn drop(&mut self) {
        self.feeder.remove(self.feed_id);
        if let Some(task) = self.ws_task.take() {
            task.abort();
        }
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Sets a half-built pipeline to NULL if `join` fails before the client owns it.
struct PipelineGuard(Option<gst::Pipeline>);

impl PipelineGuard {
    fn disarm(mut self) -> Option<gst::Pipeline> {
        self.0.take()
    }
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = p.set_state(gst::State::Null);
        }
    }
}

/// Stops feeding a client if `join` fails before the client owns the feed.
struct FeedGuard<'a>(&'a Feeder, Option<u64>);

impl Drop for FeedGuard<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.1.take() {
            self.0.remove(id);
        }
    }
}

/// Waits until the clip's caps reach `webrtcbin`: the offer announces the real caps (H.264
/// profile).
async fn wait_for_caps(webrtc: &gst::Element, name: &str) -> Result<()> {
    let caps_deadline = Instant::now() + Duration::from_secs(5);
    while !["sink_0", "sink_1"].iter().all(|p| {
        webrtc
            .static_pad(p)
            .is_some_and(|pad| pad.current_caps().is_some())
    }) {
        if Instant::now() > caps_deadline {
            bail!("{name}: the clip's caps never reached webrtcbin");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

fn build_pipeline(name: &str, clip: &Clip, jitter_ms: u32) -> Result<gst::Pipeline> {
    let description = format!(
        "webrtcbin name=webrtc bundle-policy=max-bundle latency={jitter_ms} \
         appsrc name=audio is-live=true format=time do-timestamp=true ! \
           rtpopuspay pt={AUDIO_PT} ! \
           capsfilter caps=application/x-rtp,media=audio,encoding-name=OPUS,payload={AUDIO_PT},clock-rate=48000 ! \
           webrtc.sink_0 \
         appsrc name=video is-live=true format=time do-timestamp=true ! \
           rtph264pay pt={VIDEO_PT} aggregate-mode=zero-latency mtu=1200 config-interval=-1 ! \
           capsfilter caps=application/x-rtp,media=video,encoding-name=H264,payload={VIDEO_PT},clock-rate=90000 ! \
           webrtc.sink_1"
    );
    let pipeline = gst::parse::launch(&description)
        .context("building a load client")?
        .downcast::<gst::Pipeline>()
        .map_err(|_| anyhow!("not a pipeline"))?;
    pipeline.set_property("name", format!("client-{name}"));
    for (src, caps) in [("video", &clip.video.caps), ("audio", &clip.audio.caps)] {
        let appsrc = pipeline
            .by_name(src)
            .context("no appsrc")?
            .downcast::<gst_app::AppSrc>()
            .map_err(|_| anyhow!("not an appsrc"))?;
        appsrc.set_caps(Some(caps));
        // A stalled client drops old frames rather than growing without bound.
        appsrc.set_max_buffers(30);
        appsrc.set_leaky_type(gst_app::AppLeakyType::Downstream);
    }
    Ok(pipeline)
}

fn connect_callbacks(
    webrtc: &gst::Element,
    out_tx: &mpsc::UnboundedSender<Outgoing>,
    stats: &Arc<ClientStats>,
) {
    let tx = out_tx.clone();
    webrtc.connect("on-ice-candidate", false, move |values| {
        let mline = values.get(1).and_then(|v| v.get::<u32>().ok());
        let candidate = values.get(2).and_then(|v| v.get::<String>().ok());
        if let (Some(mline), Some(candidate)) = (mline, candidate) {
            let _ = tx.send(Outgoing::Json(
                json!({"type": "ice", "candidate": candidate, "sdpMLineIndex": mline}),
            ));
        }
        None
    });
    let stats = stats.clone();
    webrtc.connect_pad_added(move |webrtc, pad| {
        if pad.direction() != gst::PadDirection::Src {
            return;
        }
        if let Err(e) = on_incoming(webrtc, pad, &stats) {
            stats.note_error(format!("incoming {}: {e:#}", pad.name()));
        }
    });
}

/// Sinks an incoming stream into a fakesink; video packets are counted on the way.
pub(crate) fn on_incoming(
    webrtc: &gst::Element,
    pad: &gst::Pad,
    stats: &Arc<ClientStats>,
) -> Result<()> {
    let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
    let media = caps
        .structure(0)
        .and_then(|s| s.get::<&str>("media").ok())
        .unwrap_or("")
        .to_owned();
    let sink = gst::ElementFactory::make("fakesink")
        .property("sync", false)
        .property("async", false)
        .build()?;
    let bin = webrtc
        .parent()
        .and_then(|p| p.downcast::<gst::Bin>().ok())
        .context("webrtcbin without a parent")?;
    bin.add(&sink)?;
    sink.sync_state_with_parent()?;
    let sink_pad = sink.static_pad("sink").context("fakesink without sink")?;
    let stats = stats.clone();
    let video = media == "video";
    let upstream = sink_pad.downgrade();
    pad.add_probe(
        gst::PadProbeType::BUFFER | gst::PadProbeType::BUFFER_LIST,
        move |_, info| {
            let count = |buffer: &gst::BufferRef| {
                if video {
                    let want_key_frame = buffer
                        .map_readable()
                        .is_ok_and(|map| stats.on_video_packet(&map));
                    // rtpsession turns this into an RTCP PLI to the server, as a
                    // depayloader with request-keyframe=true (or a browser) does.
                    if want_key_frame && let Some(pad) = upstream.upgrade() {
                        let event = gst_video::UpstreamForceKeyUnitEvent::builder()
                            .all_headers(true)
                            .build();
                        pad.push_event(event);
                    }
                } else {
                    stats.audio_packets.fetch_add(1, Ordering::Relaxed);
                }
            };
            match &info.data {
                Some(gst::PadProbeData::Buffer(b)) => count(b),
                Some(gst::PadProbeData::BufferList(list)) => list.iter().for_each(count),
                _ => {}
            }
            gst::PadProbeReturn::Ok
        },
    );
    pad.link(&sink_pad)?;
    Ok(())
}

pub(crate) fn watch_bus(
    pipeline: &gst::Pipeline,
    name: &str,
    stats: &Arc<ClientStats>,
) -> Result<()> {
    let bus = pipeline.bus().context("no bus")?;
    let stats = stats.clone();
    let name = name.to_owned();
    bus.set_sync_handler(move |_, message| {
        let source = || {
            message
                .src()
                .map(|s| s.path_string().to_string())
                .unwrap_or_default()
        };
        match message.view() {
            gst::MessageView::Error(e) => {
                stats.note_error(format!("{name}: error from {}: {}", source(), e.error()))
            }
            gst::MessageView::Warning(w) => {
                stats.note_error(format!("{name}: warning from {}: {}", source(), w.error()))
            }
            _ => {}
        }
        gst::BusSyncReply::Drop
    });
    Ok(())
}

pub(crate) async fn create_offer(
    webrtc: &gst::Element,
) -> Result<gst_webrtc::WebRTCSessionDescription> {
    let (promise, reply) = gst::Promise::new_future();
    webrtc.emit_by_name::<()>("create-offer", &[&None::<gst::Structure>, &promise]);
    let reply = tokio::time::timeout(SIGNALLING_TIMEOUT, reply)
        .await
        .context("create-offer timed out")?
        .map_err(|e| anyhow!("create-offer: {e:?}"))?
        .context("create-offer gave no reply")?;
    reply
        .get::<gst_webrtc::WebRTCSessionDescription>("offer")
        .map_err(|e| anyhow!("create-offer reply: {e}"))
}

/// The direction of every m-line of an SDP.
fn directions(sdp: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in sdp.lines().map(str::trim) {
        if line.starts_with("m=") {
            out.push("sendrecv".to_owned());
        } else if let Some(last) = out.last_mut()
            && matches!(
                line,
                "a=sendrecv" | "a=sendonly" | "a=recvonly" | "a=inactive"
            )
        {
            *last = line.trim_start_matches("a=").to_owned();
        }
    }
    out
}

fn send(out_tx: &mpsc::UnboundedSender<Outgoing>, value: Value) -> Result<()> {
    out_tx
        .send(Outgoing::Json(value))
        .map_err(|_| anyhow!("the signalling socket is closed"))
}

async fn next_control(rx: &mut mpsc::UnboundedReceiver<Control>) -> Result<Control> {
    tokio::time::timeout(SIGNALLING_TIMEOUT, rx.recv())
        .await
        .context("no reply from the server")?
        .context("the signalling socket closed")
}

/// Writes what the client queues; reads the server's messages. The answer is applied here,
/// before any candidate that follows it, so candidates never race the remote description.
async fn run_signalling<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
    mut out_rx: mpsc::UnboundedReceiver<Outgoing>,
    control_tx: mpsc::UnboundedSender<Control>,
    webrtc: gst::Element,
    stats: Arc<ClientStats>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut write, mut read) = ws.split();
    loop {
        tokio::select! {
            outgoing = out_rx.recv() => match outgoing {
                Some(Outgoing::Json(value)) => {
                    if write.send(Message::Text(value.to_string())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = write.send(Message::Close(None)).await;
                    break;
                }
            },
            incoming = read.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                if let Err(e) = on_message(&text, &control_tx, &webrtc) {
                    stats.note_error(format!("signalling: {e:#}"));
                }
            }
        }
    }
    stats.signalling_closed.store(true, Ordering::Relaxed);
}

fn on_message(
    text: &str,
    control_tx: &mpsc::UnboundedSender<Control>,
    webrtc: &gst::Element,
) -> Result<()> {
    let value: Value = serde_json::from_str(text).context("not JSON")?;
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    match field("type").as_deref() {
        Some("joined") => {
            let _ = control_tx.send(Control::Joined);
        }
        Some("answer") => {
            let sdp = field("sdp").context("answer without sdp")?;
            let message = gst_sdp::SDPMessage::parse_buffer(sdp.as_bytes())
                .map_err(|e| anyhow!("unparsable answer: {e}"))?;
            let answer = gst_webrtc::WebRTCSessionDescription::new(
                gst_webrtc::WebRTCSDPType::Answer,
                message,
            );
            webrtc.emit_by_name::<()>("set-remote-description", &[&answer, &None::<gst::Promise>]);
            let _ = control_tx.send(Control::Answer(sdp));
        }
        Some("ice") => {
            let candidate = field("candidate").unwrap_or_default();
            if !candidate.is_empty() {
                let mline = value
                    .get("sdpMLineIndex")
                    .and_then(Value::as_u64)
                    .and_then(|m| u32::try_from(m).ok())
                    .unwrap_or(0);
                webrtc.emit_by_name::<()>("add-ice-candidate", &[&mline, &candidate]);
            }
        }
        Some("error") => {
            let text = format!(
                "{}: {}",
                field("code").unwrap_or_default(),
                field("message").unwrap_or_default()
            );
            let _ = control_tx.send(Control::Error(text.clone()));
            bail!("server error {text}");
        }
        _ => {}
    }
    Ok(())
}
