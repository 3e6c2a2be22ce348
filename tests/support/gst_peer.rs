//! A real WebRTC participant built on GStreamer's `webrtcbin`, with its own signalling client.
//!
//! It sends a solid-colour camera and a sine tone, and decodes what the server sends back into
//! appsinks. GStreamer callbacks only take a short lock on [`Shared`] or push into an unbounded
//! channel; they never wait on the network or on the test.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use gst::prelude::*;
use gst_video::prelude::*;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::analysis::{self, Frame};
use super::api::Ticket;
use super::signalling::{self, Control, Notes, Outgoing, SIGNALLING_TIMEOUT, next_control, send};

mod publisher;
mod receive_only;

/// Received audio kept for tone analysis (enough for a 32768-point FFT at 48 kHz).
const AUDIO_KEEP_SAMPLES: usize = 2 * 48_000;
/// Frame arrival times kept (over two minutes at 30 fps).
const ARRIVALS_KEEP: usize = 4_000;

/// Codec the peer encodes its camera with (and offers to receive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoCodec {
    Vp8,
    H264,
}

impl VideoCodec {
    fn encoder_chain(self) -> &'static str {
        match self {
            VideoCodec::Vp8 => {
                "vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 ! \
                 capsfilter caps=application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"
            }
            VideoCodec::H264 => {
                "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 ! \
                 video/x-h264,profile=constrained-baseline ! h264parse ! \
                 rtph264pay pt=102 config-interval=-1 aggregate-mode=zero-latency ! \
                 capsfilter caps=application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000"
            }
        }
    }
}

/// What the GStreamer callbacks and the signalling task record.
#[derive(Default)]
struct Shared {
    arrivals: VecDeque<Instant>,
    frames_total: u64,
    first_frame: Option<Instant>,
    latest_video: Option<gst::Sample>,
    audio: VecDeque<f32>,
    audio_samples_total: u64,
    first_audio: Option<Instant>,
    incoming: Vec<String>,
    /// Video RTP packets, and RTP timestamps seen (one per frame the server sent).
    rtp_packets: u64,
    rtp_frames: VecDeque<Instant>,
    first_rtp_frame: Option<Instant>,
    last_rtp_timestamp: Option<u32>,
    errors: Vec<String>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A panic while holding this lock is already a test failure; keep reading the data.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Video reception figures of one peer.
#[derive(Clone, Debug, Default)]
pub struct PeerStats {
    pub frames: u64,
    /// Frames decoded during the last second.
    pub fps: f64,
    pub first_frame: Option<Instant>,
    pub width: usize,
    pub height: usize,
    pub audio_seconds: f64,
}

/// A participant connected to a room; dropping it tears its pipeline down.
pub struct GstPeer {
    name: String,
    participant_id: String,
    joined_at: Instant,
    pipeline: PipelineGuard,
    shared: Arc<Mutex<Shared>>,
    notes: Arc<Mutex<Notes>>,
    out_tx: mpsc::UnboundedSender<Outgoing>,
    ws_task: Option<tokio::task::JoinHandle<()>>,
    answer_sdp: String,
    /// The WHEP session's URL, for a viewer that came in over WHEP.
    whep_resource: Option<String>,
    left: bool,
    /// The probe that drops the camera's pictures while frozen.
    camera_probe: Mutex<Option<gst::PadProbeId>>,
}

impl GstPeer {
    /// Joins the ticket's room as `name`, sending `rgb` video (640×360@30 in `codec`) and a mono
    /// `tone_hz` sine.
    ///
    /// Returns once the server's answer has been applied; media flows shortly after.
    pub async fn join(
        ws_url: &str,
        room: &Ticket,
        name: &str,
        rgb: [u8; 3],
        tone_hz: u32,
        codec: VideoCodec,
    ) -> Result<GstPeer> {
        Self::join_with(ws_url, room, name, rgb, tone_hz, PeerOptions::new(codec)).await
    }

    /// [`GstPeer::join`] with every option.
    pub async fn join_with(
        ws_url: &str,
        ticket: &Ticket,
        name: &str,
        rgb: [u8; 3],
        tone_hz: u32,
        options: PeerOptions,
    ) -> Result<GstPeer> {
        gst::init()?;
        let (ws, _) =
            tokio::time::timeout(SIGNALLING_TIMEOUT, tokio_tungstenite::connect_async(ws_url))
                .await
                .context("connecting the signalling socket timed out")?
                .with_context(|| format!("connecting to {ws_url}"))?;

        let shared = Arc::new(Mutex::new(Shared::default()));
        let notes = Arc::new(Mutex::new(Notes::default()));
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let (control_tx, mut control_rx) = mpsc::unbounded_channel();
        let (webrtc_tx, webrtc_rx) = oneshot::channel();
        let ws_task = tokio::spawn(signalling::run_signalling(
            ws,
            out_rx,
            control_tx,
            webrtc_rx,
            notes.clone(),
        ));

        let joined_at = Instant::now();
        send(
            &out_tx,
            json!({"type": "join", "room": ticket.room, "name": name,
                   "role": if options.viewer { "viewer" } else { "participant" },
                   "token": ticket.token}),
        )?;
        let participant_id = match next_control(&mut control_rx).await? {
            Control::Joined(id) => id,
            Control::Error(e) => bail!("{name}: join refused: {e}"),
            Control::Answer(_) => bail!("{name}: answer before joined"),
        };

        let pipeline = if options.viewer {
            PipelineGuard(receive_only::build_pipeline(name, options)?)
        } else {
            PipelineGuard(build_pipeline(name, rgb, tone_hz, options)?)
        };
        let webrtc = start_webrtc(&pipeline, name, Some(&out_tx), &shared, options.decode)?;
        // Only now may the signalling task add remote candidates.
        let _ = webrtc_tx.send(webrtc.downgrade());

        if !options.viewer {
            wait_for_sent_caps(&webrtc).await;
        }

        let offer = create_offer(&webrtc)
            .await
            .with_context(|| format!("{name}: creating the offer"))?;
        let offer_sdp = offer.sdp().as_text().context("offer as text")?;
        // Queue the offer before setting it locally: the candidates that setting it gathers go
        // through the same channel and must reach the server after the offer.
        send(&out_tx, json!({"type": "offer", "sdp": offer_sdp}))?;
        webrtc.emit_by_name::<()>("set-local-description", &[&offer, &None::<gst::Promise>]);

        let answer_sdp = match next_control(&mut control_rx).await? {
            Control::Answer(sdp) => sdp,
            Control::Error(e) => bail!("{name}: offer refused: {e}"),
            Control::Joined(_) => bail!("{name}: joined twice"),
        };
        let message = gst_sdp::SDPMessage::parse_buffer(answer_sdp.as_bytes())
            .map_err(|e| anyhow!("{name}: unparsable answer: {e}"))?;
        let answer =
            gst_webrtc::WebRTCSessionDescription::new(gst_webrtc::WebRTCSDPType::Answer, message);
        webrtc.emit_by_name::<()>("set-remote-description", &[&answer, &None::<gst::Promise>]);
        check_directions(name, &answer_sdp, options.viewer)?;

        Ok(GstPeer {
            name: name.to_owned(),
            participant_id,
            joined_at,
            pipeline,
            shared,
            notes,
            out_tx,
            ws_task: Some(ws_task),
            answer_sdp,
            whep_resource: None,
            left: false,
            camera_probe: Mutex::new(None),
        })
    }

    /// Turns the peer's tone on (it speaks, at the level it joined with) or off (silence).
    pub fn set_speaking(&self, on: bool) {
        if let Some(tone) = self.pipeline.by_name("tone") {
            tone.set_property("volume", if on { 0.3f64 } else { 0.0 });
        }
    }

    /// Sends the socket's `media` message: the peer's microphone and camera switches.
    pub fn say_media(&self, audio: bool, video: bool) -> Result<()> {
        send(
            &self.out_tx,
            json!({"type": "media", "audio": audio, "video": video}),
        )
    }

    /// Stops (`true`) or resumes the camera's pictures, as a stalled camera or a lost link
    /// would; returns false if the peer has no camera.
    pub fn freeze_camera(&self, frozen: bool) -> bool {
        let Some(src) = self
            .pipeline
            .by_name("camera")
            .and_then(|c| c.static_pad("src"))
        else {
            return false;
        };
        let mut probe = self.camera_probe.lock().expect("probe lock");
        if let Some(id) = probe.take() {
            src.remove_probe(id);
        }
        if frozen {
            *probe = src.add_probe(gst::PadProbeType::BUFFER, |_, _| gst::PadProbeReturn::Drop);
        }
        true
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn participant_id(&self) -> &str {
        &self.participant_id
    }

    /// When `join` sent the join message.
    pub fn joined_at(&self) -> Instant {
        self.joined_at
    }

    pub fn answer_sdp(&self) -> &str {
        &self.answer_sdp
    }

    /// When the first composite frame was decoded.
    pub fn first_frame_at(&self) -> Option<Instant> {
        lock(&self.shared).first_frame
    }

    /// True once both video frames and audio have been decoded.
    pub fn is_playing(&self) -> bool {
        let s = lock(&self.shared);
        s.first_frame.is_some() && s.first_audio.is_some()
    }

    pub fn stats(&self) -> PeerStats {
        let s = lock(&self.shared);
        let now = Instant::now();
        let last_second = s
            .arrivals
            .iter()
            .rev()
            .take_while(|t| now.duration_since(**t) <= Duration::from_secs(1))
            .count();
        let (width, height) = s
            .latest_video
            .as_ref()
            .and_then(|sample| sample.caps())
            .and_then(|caps| gst_video::VideoInfo::from_caps(caps).ok())
            .map(|info| (info.width() as usize, info.height() as usize))
            .unwrap_or((0, 0));
        PeerStats {
            frames: s.frames_total,
            fps: last_second as f64,
            first_frame: s.first_frame,
            width,
            height,
            audio_seconds: s.audio_samples_total as f64 / 48_000.0,
        }
    }

    /// Frames decoded at or after `since`.
    pub fn frames_since(&self, since: Instant) -> usize {
        lock(&self.shared)
            .arrivals
            .iter()
            .filter(|t| **t >= since)
            .count()
    }

    /// Video frames that arrived over RTP at or after `since` (distinct RTP timestamps).
    pub fn rtp_frames_since(&self, since: Instant) -> usize {
        lock(&self.shared)
            .rtp_frames
            .iter()
            .filter(|t| **t >= since)
            .count()
    }

    /// When the first video frame arrived over RTP (before any decoding).
    pub fn first_rtp_frame_at(&self) -> Option<Instant> {
        lock(&self.shared).first_rtp_frame
    }

    /// Video RTP packets received so far.
    pub fn rtp_packets(&self) -> u64 {
        lock(&self.shared).rtp_packets
    }

    /// The longest time without a decoded frame between `since` and now.
    pub fn max_gap_since(&self, since: Instant) -> Duration {
        let s = lock(&self.shared);
        let mut previous = since;
        let mut gap = Duration::ZERO;
        for t in s.arrivals.iter().filter(|t| **t >= since) {
            gap = gap.max(t.duration_since(previous));
            previous = *t;
        }
        gap.max(Instant::now().duration_since(previous))
    }

    /// When the most recent composite frame was decoded.
    pub fn latest_frame_at(&self) -> Option<Instant> {
        lock(&self.shared).arrivals.back().copied()
    }

    /// The most recent decoded composite, as tightly packed RGB.
    pub fn latest_frame(&self) -> Option<Frame> {
        let sample = lock(&self.shared).latest_video.clone()?;
        sample_to_frame(&sample).ok()
    }

    /// Levels (dBFS) of the given tones in the last ~0.7 s of received audio.
    pub fn audio_levels(&self, freqs: &[f64]) -> Option<Vec<f64>> {
        let samples: Vec<f32> = lock(&self.shared).audio.iter().copied().collect();
        analysis::tone_levels(&samples, 48_000.0, freqs)
    }

    /// Viewers counted in the last roster the server sent.
    pub fn roster_viewers(&self) -> u64 {
        signalling::lock(&self.notes).viewers
    }

    /// The last roster the server sent, as (name, role) pairs.
    pub fn roster_roles(&self) -> Vec<(String, String)> {
        signalling::lock(&self.notes).roster_roles.clone()
    }

    /// Names in the last roster the server sent.
    pub fn roster(&self) -> Vec<String> {
        signalling::lock(&self.notes).roster.clone()
    }

    /// Incoming streams seen (media and encoding name).
    pub fn incoming_streams(&self) -> Vec<String> {
        lock(&self.shared).incoming.clone()
    }

    /// Errors from the pipeline, the callbacks, the signalling and the server.
    pub fn errors(&self) -> Vec<String> {
        let mut errors = lock(&self.shared).errors.clone();
        errors.extend(signalling::lock(&self.notes).errors.iter().cloned());
        errors
    }

    pub fn signalling_closed(&self) -> bool {
        signalling::lock(&self.notes).closed
    }

    /// Stops all media at once, as a peer whose network vanished would, while the signalling
    /// socket stays open and says nothing.
    pub async fn vanish(&mut self) -> Result<()> {
        let pipeline = self.pipeline.0.clone();
        tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null))
            .await
            .context("stopping the pipeline panicked")?
            .context("stopping the pipeline")?;
        Ok(())
    }

    /// Sends `leave`, closes the socket and stops the pipeline.
    pub async fn leave(&mut self) -> Result<()> {
        if self.left {
            return Ok(());
        }
        self.left = true;
        if let Some(url) = self.whep_resource.take() {
            return receive_only::end_whep(url, self.pipeline.0.clone()).await;
        }
        let sent = send(&self.out_tx, json!({"type": "leave"}));
        let _ = self.out_tx.send(Outgoing::Close);
        if let Some(task) = self.ws_task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(3), task).await;
        }
        let pipeline = self.pipeline.0.clone();
        tokio::task::spawn_blocking(move || pipeline.set_state(gst::State::Null))
            .await
            .context("stopping the pipeline panicked")?
            .context("stopping the pipeline")?;
        sent
    }
}

impl Drop for GstPeer {
    fn drop(&mut self) {
        if let Some(task) = self.ws_task.take() {
            task.abort();
        }
    }
}

/// Options of [`GstPeer::join_with`].
#[derive(Clone, Copy, Debug)]
pub struct PeerOptions {
    pub codec: VideoCodec,
    /// Channels of the sent tone: 1 (the default) or 2.
    pub audio_channels: u32,
    /// Joins as a receive-only viewer: sends nothing, offers `recvonly`.
    pub viewer: bool,
    /// Decodes what arrives (false: only counts video frames as they arrive over RTP, the
    /// way many viewers fit on one machine).
    pub decode: bool,
    /// Sends moving noise instead of a flat colour, so that every encode of the composite
    /// needs its full bit rate (a flat picture compresses to almost nothing).
    pub noise: bool,
    /// Offers video on the first m-line and audio on the second (browsers list audio first;
    /// many encoders and players list video first).
    pub video_first: bool,
}

impl PeerOptions {
    pub fn new(codec: VideoCodec) -> Self {
        PeerOptions {
            codec,
            audio_channels: 1,
            viewer: false,
            decode: true,
            noise: false,
            video_first: false,
        }
    }

    /// A receive-only viewer receiving `codec`.
    pub fn viewer(codec: VideoCodec) -> Self {
        PeerOptions {
            viewer: true,
            ..Self::new(codec)
        }
    }
}

/// Stops the pipeline when dropped, also when `join` fails half way.
/// The answer must send to a viewer on both m-lines, and send and receive for anyone else.
fn check_directions(name: &str, answer_sdp: &str, viewer: bool) -> Result<()> {
    let expected = if viewer { "sendonly" } else { "sendrecv" };
    let directions = signalling::media_directions(answer_sdp);
    if directions.len() != 2 || directions.iter().any(|(_, d)| d != expected) {
        bail!("{name}: the answer is not {expected} audio+video: {directions:?}\n{answer_sdp}");
    }
    Ok(())
}

struct PipelineGuard(gst::Pipeline);

impl std::ops::Deref for PipelineGuard {
    type Target = gst::Pipeline;

    fn deref(&self) -> &gst::Pipeline {
        &self.0
    }
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        let _ = self.0.set_state(gst::State::Null);
        if let Some(bus) = self.0.bus() {
            bus.unset_sync_handler();
        }
    }
}

fn build_pipeline(
    name: &str,
    rgb: [u8; 3],
    tone_hz: u32,
    options: PeerOptions,
) -> Result<gst::Pipeline> {
    let channels = options.audio_channels;
    let argb = 0xff00_0000u32 | (rgb[0] as u32) << 16 | (rgb[1] as u32) << 8 | rgb[2] as u32;
    let picture = if options.noise {
        "pattern=snow".to_owned()
    } else {
        format!("pattern=solid-color foreground-color={argb}")
    };
    // The sink pad's index is the m-line's place in the offer.
    let (audio_sink, video_sink) = if options.video_first {
        ("sink_1", "sink_0")
    } else {
        ("sink_0", "sink_1")
    };
    let description = format!(
        "webrtcbin name=webrtc bundle-policy=max-bundle \
         audiotestsrc name=tone is-live=true wave=sine freq={tone_hz} volume=0.3 ! \
           audio/x-raw,rate=48000,channels={channels} ! audioconvert ! audioresample ! queue ! \
           opusenc ! rtpopuspay pt=111 ! \
           capsfilter caps=application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! \
           webrtc.{audio_sink} \
         videotestsrc name=camera is-live=true {picture} ! \
           video/x-raw,width=640,height=360,framerate=30/1 ! videoconvert ! queue ! {} ! webrtc.{video_sink}",
        options.codec.encoder_chain()
    );
    let pipeline = gst::parse::launch(&description)
        .with_context(|| format!("building {name}'s pipeline"))?
        .downcast::<gst::Pipeline>()
        .map_err(|_| anyhow!("the description is not a pipeline"))?;
    pipeline.set_property("name", format!("peer-{name}"));
    Ok(pipeline)
}

/// Waits (at most 5 s) until the streams' real caps (H.264 profile, sprop parameter sets)
/// have reached webrtcbin, so that the offer describes them.
async fn wait_for_sent_caps(webrtc: &gst::Element) {
    analysis::wait_until_async(Duration::from_secs(5), || {
        ["sink_0", "sink_1"].iter().all(|p| {
            webrtc
                .static_pad(p)
                .is_some_and(|pad| pad.current_caps().is_some())
        })
    })
    .await;
}

/// Sets up the pipeline's `webrtcbin` (callbacks, no UPnP, bus watch) and starts it playing.
/// Candidates are trickled through `out_tx` when given.
fn start_webrtc(
    pipeline: &gst::Pipeline,
    name: &str,
    out_tx: Option<&mpsc::UnboundedSender<Outgoing>>,
    shared: &Arc<Mutex<Shared>>,
    decode: bool,
) -> Result<gst::Element> {
    let webrtc = pipeline
        .by_name("webrtc")
        .context("webrtcbin is in the description")?;
    // No UPnP port mapping on loopback: its discovery threads only add noise (and a GLib
    // hash-table CRITICAL when several peers start at once).
    let ice = webrtc.property::<gst::glib::Object>("ice-agent");
    if ice.find_property("agent").is_some() {
        ice.property::<gst::glib::Object>("agent")
            .set_property("upnp", false);
    }
    connect_webrtc_callbacks(&webrtc, out_tx, shared, decode);
    watch_bus(pipeline, name, shared)?;
    pipeline
        .set_state(gst::State::Playing)
        .context("starting the peer pipeline")?;
    Ok(webrtc)
}

fn connect_webrtc_callbacks(
    webrtc: &gst::Element,
    out_tx: Option<&mpsc::UnboundedSender<Outgoing>>,
    shared: &Arc<Mutex<Shared>>,
    decode: bool,
) {
    if let Some(tx) = out_tx.cloned() {
        webrtc.connect("on-ice-candidate", false, move |values| {
            let mline = values.get(1).and_then(|v| v.get::<u32>().ok());
            let candidate = values.get(2).and_then(|v| v.get::<String>().ok());
            if let (Some(mline), Some(candidate)) = (mline, candidate) {
                let _ = tx.send(Outgoing::Json(json!({
                    "type": "ice", "candidate": candidate, "sdpMLineIndex": mline
                })));
            }
            None
        });
    }
    let shared = shared.clone();
    webrtc.connect_pad_added(move |webrtc, pad| {
        if pad.direction() != gst::PadDirection::Src {
            return;
        }
        if let Err(e) = on_incoming_stream(webrtc, pad, &shared, decode) {
            lock(&shared)
                .errors
                .push(format!("incoming stream on {}: {e:#}", pad.name()));
        }
    });
}

/// Depayloads and decodes one stream the server sends into an appsink.
fn on_incoming_stream(
    webrtc: &gst::Element,
    pad: &gst::Pad,
    shared: &Arc<Mutex<Shared>>,
    decode: bool,
) -> Result<()> {
    let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
    let s = caps.structure(0).context("incoming pad without caps")?;
    let media = s
        .get::<&str>("media")
        .context("no media in caps")?
        .to_owned();
    let encoding = s
        .get::<&str>("encoding-name")
        .context("no encoding-name in caps")?
        .to_uppercase();
    lock(shared).incoming.push(format!("{media}/{encoding}"));
    let chain = match (media.as_str(), encoding.as_str()) {
        ("video", "VP8") => "rtpvp8depay request-keyframe=true wait-for-keyframe=true ! vp8dec",
        ("video", "H264") => {
            "rtph264depay request-keyframe=true wait-for-keyframe=true ! h264parse ! avdec_h264"
        }
        ("audio", "OPUS") => "rtpopusdepay ! opusdec",
        _ => "fakesink sync=false",
    };
    let chain = if decode { chain } else { "fakesink sync=false" };
    let description = match media.as_str() {
        "video" if !chain.starts_with("fakesink") => format!(
            // Frames stay in the decoder's format; only the few that are judged become RGB.
            "queue ! {chain} ! appsink name=sink caps=video/x-raw sync=false max-buffers=2 drop=true"
        ),
        "audio" if !chain.starts_with("fakesink") => format!(
            "queue ! {chain} ! audioconvert ! audioresample ! \
             audio/x-raw,format=F32LE,channels=1,rate=48000 ! appsink name=sink sync=false"
        ),
        _ => format!("queue ! {chain}"),
    };
    if media == "video" {
        count_rtp_frames(pad, shared);
    }
    let bin = gst::parse::bin_from_description(&description, true)?;
    if let Some(sink) = bin.by_name("sink") {
        let sink = sink
            .downcast::<gst_app::AppSink>()
            .map_err(|_| anyhow!("sink is not an appsink"))?;
        install_sink_callbacks(&sink, media == "video", shared);
    }
    let parent = webrtc
        .parent()
        .and_then(|p| p.downcast::<gst::Bin>().ok())
        .context("webrtcbin has no parent bin")?;
    parent.add(&bin)?;
    bin.sync_state_with_parent()?;
    let sink_pad = bin
        .static_pad("sink")
        .context("decode bin has no sink pad")?;
    pad.link(&sink_pad)?;
    Ok(())
}

/// Counts video frames as they arrive over RTP, before depayloading and decoding: this tells
/// frames the server never sent from frames this peer failed to decode.
fn count_rtp_frames(pad: &gst::Pad, shared: &Arc<Mutex<Shared>>) {
    let shared = shared.clone();
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
        let Some(buffer) = info.buffer() else {
            return gst::PadProbeReturn::Ok;
        };
        let mut header = [0u8; 8];
        if buffer.copy_to_slice(0, &mut header).is_err() {
            return gst::PadProbeReturn::Ok;
        }
        let timestamp = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        let mut s = lock(&shared);
        s.rtp_packets += 1;
        if s.last_rtp_timestamp != Some(timestamp) {
            s.last_rtp_timestamp = Some(timestamp);
            let now = Instant::now();
            s.first_rtp_frame.get_or_insert(now);
            s.rtp_frames.push_back(now);
            while s.rtp_frames.len() > ARRIVALS_KEEP {
                s.rtp_frames.pop_front();
            }
        }
        gst::PadProbeReturn::Ok
    });
}

fn install_sink_callbacks(sink: &gst_app::AppSink, video: bool, shared: &Arc<Mutex<Shared>>) {
    let shared = shared.clone();
    let callbacks = gst_app::AppSinkCallbacks::builder()
        .new_sample(move |sink| {
            let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
            let now = Instant::now();
            if video {
                let mut s = lock(&shared);
                s.frames_total += 1;
                s.first_frame.get_or_insert(now);
                s.arrivals.push_back(now);
                while s.arrivals.len() > ARRIVALS_KEEP {
                    s.arrivals.pop_front();
                }
                s.latest_video = Some(sample);
            } else {
                let Some(buffer) = sample.buffer() else {
                    return Ok(gst::FlowSuccess::Ok);
                };
                let Ok(map) = buffer.map_readable() else {
                    return Ok(gst::FlowSuccess::Ok);
                };
                let samples: Vec<f32> = map
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                drop(map);
                let mut s = lock(&shared);
                s.first_audio.get_or_insert(now);
                s.audio_samples_total += samples.len() as u64;
                s.audio.extend(samples);
                let excess = s.audio.len().saturating_sub(AUDIO_KEEP_SAMPLES);
                s.audio.drain(..excess);
            }
            Ok(gst::FlowSuccess::Ok)
        })
        .build();
    sink.set_callbacks(callbacks);
}

/// Records errors and warnings from the pipeline without a main loop.
fn watch_bus(pipeline: &gst::Pipeline, name: &str, shared: &Arc<Mutex<Shared>>) -> Result<()> {
    let bus = pipeline.bus().context("pipeline without a bus")?;
    let shared = shared.clone();
    let name = name.to_owned();
    bus.set_sync_handler(move |_, message| {
        let text = match message.view() {
            gst::MessageView::Error(e) => Some(format!(
                "{name}: error from {}: {} ({:?})",
                message
                    .src()
                    .map(|s| s.path_string().to_string())
                    .unwrap_or_default(),
                e.error(),
                e.debug()
            )),
            gst::MessageView::Warning(w) => Some(format!(
                "{name}: warning from {}: {}",
                message
                    .src()
                    .map(|s| s.path_string().to_string())
                    .unwrap_or_default(),
                w.error()
            )),
            _ => None,
        };
        if let Some(text) = text {
            lock(&shared).errors.push(text);
        }
        gst::BusSyncReply::Drop
    });
    Ok(())
}

async fn create_offer(webrtc: &gst::Element) -> Result<gst_webrtc::WebRTCSessionDescription> {
    let (tx, rx) = oneshot::channel();
    let promise = gst::Promise::with_change_func(move |reply| {
        let offer = match reply {
            Ok(Some(reply)) => reply
                .value("offer")
                .map_err(|e| e.to_string())
                .and_then(|v| {
                    v.get::<gst_webrtc::WebRTCSessionDescription>()
                        .map_err(|e| e.to_string())
                }),
            Ok(None) => Err("empty reply".to_owned()),
            Err(e) => Err(format!("{e:?}")),
        };
        let _ = tx.send(offer);
    });
    webrtc.emit_by_name::<()>("create-offer", &[&None::<gst::Structure>, &promise]);
    tokio::time::timeout(SIGNALLING_TIMEOUT, rx)
        .await
        .context("create-offer timed out")?
        .context("create-offer dropped its promise")?
        .map_err(|e| anyhow!("create-offer failed: {e}"))
}

/// Converts a decoded video sample (any raw format) into a tightly packed RGB frame.
pub fn sample_to_frame(sample: &gst::Sample) -> Result<Frame> {
    let caps = sample.caps().context("sample without caps")?;
    let info = gst_video::VideoInfo::from_caps(caps)?;
    let buffer = sample.buffer().context("sample without buffer")?;
    let src = gst_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info)
        .map_err(|_| anyhow!("cannot map the video frame"))?;
    if info.format() == gst_video::VideoFormat::Rgb {
        return packed_rgb(src.plane_data(0)?, src.plane_stride()[0], &info);
    }
    let rgb_info =
        gst_video::VideoInfo::builder(gst_video::VideoFormat::Rgb, info.width(), info.height())
            .fps(info.fps())
            .interlace_mode(info.interlace_mode())
            .build()?;
    let converter = gst_video::VideoConverter::new(&info, &rgb_info, None)?;
    let mut out = gst::Buffer::with_size(rgb_info.size())?;
    let out_ref = out.get_mut().context("new buffer is not writable")?;
    let mut dest = gst_video::VideoFrameRef::from_buffer_ref_writable(out_ref, &rgb_info)
        .map_err(|_| anyhow!("cannot map the RGB frame"))?;
    converter.frame_ref(&src, &mut dest);
    packed_rgb(dest.plane_data(0)?, dest.plane_stride()[0], &rgb_info)
}

/// Copies the rows of an RGB plane, dropping any padding at the end of each row.
fn packed_rgb(plane: &[u8], stride: i32, info: &gst_video::VideoInfo) -> Result<Frame> {
    let width = info.width() as usize;
    let height = info.height() as usize;
    let stride = usize::try_from(stride)?;
    let mut data = Vec::with_capacity(width * height * 3);
    for row in 0..height {
        let start = row * stride;
        data.extend_from_slice(
            plane
                .get(start..start + width * 3)
                .context("short video plane")?,
        );
    }
    Ok(Frame {
        width,
        height,
        data,
    })
}
